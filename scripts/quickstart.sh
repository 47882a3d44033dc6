#!/usr/bin/env bash
# Install everything (./.venv) and run the example project end to end on DuckDB:
# validate the contracts, check the generated dbt tests are fresh, dbt deps, dbt build, then score.
# Some checks of the example fail on purpose (one of them blocking), so `dbt build` exits non-zero;
# the script reports that and goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/install.sh
. .venv/bin/activate

cd integration_tests
# packages.yml installs the root package and dbt_expectations by relative `local:` paths.
unset DATIVO_DBT_ROOT
export DBT_PROFILES_DIR="$ROOT/integration_tests"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1

echo "== dativo-dbt validate"
dativo-dbt validate
echo "== dativo-dbt generate --check"
dativo-dbt generate --check
echo "== dbt deps"
dbt deps --quiet
echo "== dbt build"
if dbt build; then
  echo "dbt build passed"
else
  echo "dbt build exited non-zero: the example's data breaks some contract checks on purpose"
fi
echo "== dativo-dbt score (appends the run to integration_tests/.dativo/history.duckdb)"
dativo-dbt score || echo "dativo-dbt score exited $? (a quality gate failed, as the example intends)"
echo "== dativo-dbt report"
dativo-dbt report --output target/dativo_report.html
echo "== dativo-dbt history"
dativo-dbt history
echo "done: open integration_tests/target/dativo_report.html (run this script again to see trends)"
