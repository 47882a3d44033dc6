"""Which dbt Cloud run to score, and a temporary target directory holding its artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dativo_dbt.cloud.settings import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class CloudRun:
    """A dbt Cloud run; unset settings come from the environment (`cloud.settings`)."""

    run_id: int
    account_id: int | None = None
    host: str | None = None
    token: str | None = None
    step: int | None = None
    timeout: float = DEFAULT_TIMEOUT


@contextmanager
def run_target_dir(run: CloudRun | None) -> Iterator[Path | None]:
    """A temporary target dir with the run's artifacts (removed afterwards); None without a run."""
    if run is None:
        yield None
        return
    # imported on use: the HTTP client (urllib, ssl) costs ~30 ms of every `score` start-up
    from dativo_dbt.cloud.download import cloud_target_dir, resolve_settings

    settings = resolve_settings(
        run.account_id, run.host, run.token, timeout=float(run.timeout or DEFAULT_TIMEOUT)
    )
    with cloud_target_dir(run.run_id, settings, step=run.step) as target:
        yield target
