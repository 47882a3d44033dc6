"""The execution mode of a contract's checks: `per-check` (the default) or `batched`.

`dativo-dbt generate --execution MODE`, else `execution:` in the contract, else
`vars.dativo_dbt_execution` of dbt_project.yml, else the default (see `batched` for what the modes
write).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from dativo_dbt.core.dbt_project import PROJECT_FILE, project_vars
from dativo_dbt.core.errors import DativoError

ExecutionMode = Literal["per-check", "batched", "batched-metrics"]
EXECUTION_MODES: tuple[str, ...] = ("per-check", "batched", "batched-metrics")
# What `generate` offers (batched-metrics needs an extra model file per governed model: bench/API).
GENERATE_MODES: tuple[str, ...] = ("per-check", "batched")
# One dbt test per check: the shape dbt's console, dbt Cloud, Elementary and dbt-ol show. `batched`
# is the opt-in for warehouse time and cost (README `Execution modes and performance`).
DEFAULT_EXECUTION: ExecutionMode = "per-check"
PROJECT_VAR = "dativo_dbt_execution"


def resolve_execution(execution: str | None, project_dir: Path | None = None) -> str:
    """The mode: `execution` (the CLI flag), else var `dativo_dbt_execution` of the project's
    dbt_project.yml, else DEFAULT_EXECUTION. A bad value is a DativoError naming where it came from."""
    source: str | None = None
    if execution is None and project_dir is not None:
        found = project_vars(project_dir).get(PROJECT_VAR)
        if found is not None:
            execution, source = str(found), str(project_dir / PROJECT_FILE)
    if execution is None:
        return DEFAULT_EXECUTION
    if execution not in GENERATE_MODES:
        raise DativoError(
            f"execution mode {execution!r} is not one of {', '.join(GENERATE_MODES)}"
            + (f" (vars.{PROJECT_VAR})" if source else ""),
            path=source,
        )
    return execution
