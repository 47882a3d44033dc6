"""`dativo-dbt history` as a library call: the recorded runs and score trends to show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.location import resolve_history_path
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.store import HistoryStore
from dativo_dbt.history.warehouse import warehouse_history


@dataclass(frozen=True)
class HistoryRequest:
    """Which history to read (the `history` command's options)."""

    project_dir: Path = Path(".")
    model: str | None = None  # one model, by name or unique_id
    last: int = 20
    history_path: Path | None = None
    from_warehouse: bool = False
    profiles_dir: Path | None = None
    dbt_target: str | None = None


@dataclass
class Trends:
    """The last runs of a history and each model's score in them."""

    source: str  # the store's path, or `warehouse <type>:<schema>`
    runs: list[RunSummary]
    trends: dict[str, list[TrendPoint]]  # by model name, oldest first
    model: str | None = None


def read_trends(request: HistoryRequest) -> Trends:
    """The last `request.last` runs and the models' trends (one model's with `request.model`:
    DativoError when it has no recorded score in them)."""
    if request.from_warehouse:
        store, source = warehouse_history(
            request.project_dir,
            profiles_dir=request.profiles_dir,
            target=request.dbt_target,
            last=request.last,
        )
    else:
        path = resolve_history_path(request.project_dir, request.history_path)
        store = HistoryStore(path, read_only=True)
        source = str(path)
    try:
        runs = store.runs(request.last)
        trends = store.model_trends(request.model, request.last)
    finally:
        store.close()
    if request.model and not trends:
        raise DativoError(
            f"model {request.model!r} has no recorded score in the last {request.last} runs",
            path=source,
        )
    return Trends(source, runs, trends, request.model)
