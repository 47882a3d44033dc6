#!/usr/bin/env bash
# Installs everything dativo-dbt needs into ./.venv (Python packages from PyPI) and, when run as
# root on Debian, the chromium browser the HTML-report tests drive. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the HTML report tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is not installed; the browser tests (-m browser) need Debian's 'chromium'" >&2
  fi
fi
.venv/bin/python scripts/versions.py   # e.g. installed: dativo-dbt 0.1.0, dbt-core 1.11.16, ...
