"""Read the dbt profile a project runs with (profiles.yml target), to reach its warehouse.

Only what we need is read: adapter type, the DuckDB path, or the PostgreSQL connection fields.
profiles.yml is rendered with the same `env_var()` / `as_number` / `as_bool` helpers dbt offers, so
the connection used here is the one dbt used. Passwords stay in memory and are never printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import load_yaml


@dataclass(frozen=True)
class WarehouseTarget:
    """The connection fields of one profiles.yml output."""

    type: str  # duckdb | postgres | ...
    profile: str
    target: str
    project_dir: Path
    path: str | None = None  # duckdb database file (absolute)
    raw_path: str | None = (
        None  # duckdb path as written in profiles.yml (dbt-ol's namespace uses it)
    )
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    dbname: str | None = None
    schema: str | None = None
    # the whole rendered output (dbt-ol's namespace rules read adapter-specific fields)
    output: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def database(self) -> str | None:
        """The database name dbt uses in relation names (duckdb: file stem; postgres: dbname)."""
        if self.type == "duckdb":
            if not self.path or self.path == ":memory:":
                return "memory"
            return Path(self.path).stem
        return self.dbname


def _env_var(name: str, default: Any = None) -> Any:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise DativoError(f"env var {name} is required by profiles.yml but not set")
    return default


def _as_number(value: Any) -> Any:
    text = str(value)
    return float(text) if "." in text else int(text)


def _as_bool(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _render(value: Any, env: jinja2.Environment) -> Any:
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        # kept a string (a password "0123" must stay "0123"); numeric fields are converted by name
        return env.from_string(value).render()
    if isinstance(value, dict):
        return {k: _render(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, env) for v in value]
    return value


def _jinja() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals["env_var"] = _env_var
    env.filters["as_number"] = _as_number
    env.filters["as_bool"] = _as_bool
    env.filters["as_text"] = str
    env.filters["as_native"] = lambda v: v
    return env


def find_profiles_dir(project_dir: Path, profiles_dir: Path | None = None) -> Path:
    """Where profiles.yml is, as dbt looks: the option, $DBT_PROFILES_DIR, the project, ~/.dbt."""
    if profiles_dir is not None:
        return profiles_dir
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"])
    if (project_dir / "profiles.yml").is_file():
        return project_dir
    return Path.home() / ".dbt"


def _read(path: Path, problem: str) -> dict[str, Any]:
    """A YAML mapping through the bounded loader ({} when empty or not a mapping)."""
    try:
        data = load_yaml(path)
    except DativoError as exc:
        raise DativoError(f"{problem}: {exc.message}", path=path, line=exc.line) from None
    return data if isinstance(data, dict) else {}


def load_target(
    project_dir: Path,
    *,
    profiles_dir: Path | None = None,
    target: str | None = None,
    profile: str | None = None,
) -> WarehouseTarget:
    """The profiles.yml output the project runs with (DativoError naming the file when unusable)."""
    project_dir = project_dir.resolve()
    project_file = project_dir / "dbt_project.yml"
    project = _read(project_file, "cannot read dbt project")
    profile_name = profile or project.get("profile")
    if not profile_name:
        raise DativoError("dbt_project.yml names no `profile`", path=project_file)
    pdir = find_profiles_dir(project_dir, profiles_dir)
    pfile = pdir / "profiles.yml"
    profiles = _read(pfile, "cannot read profiles")
    if profile_name not in profiles:
        raise DativoError(f"profile {profile_name!r} not found", path=pfile)
    env = _jinja()
    try:
        entry = _render(profiles[profile_name], env)
    except jinja2.TemplateError as exc:
        raise DativoError(f"cannot render profile {profile_name!r}: {exc}", path=pfile) from None
    target_name = target or os.environ.get("DBT_TARGET") or entry.get("target")
    outputs = entry.get("outputs") or {}
    if target_name not in outputs:
        raise DativoError(f"profile {profile_name!r} has no target {target_name!r}", path=pfile)
    out = outputs[target_name]
    kind = str(out.get("type", ""))
    path = out.get("path")
    raw_path = str(path) if path is not None else None
    if kind == "duckdb":
        path = str(path or ":memory:")
        if path != ":memory:" and not Path(path).is_absolute():
            path = str((project_dir / path).resolve())
    port = out.get("port")
    return WarehouseTarget(
        type=kind,
        profile=str(profile_name),
        target=str(target_name),
        project_dir=project_dir,
        path=path,
        raw_path=raw_path,
        host=out.get("host"),
        port=int(port) if port is not None else None,
        user=out.get("user"),
        password=str(out["password"]) if out.get("password") not in (None, "") else None,
        dbname=out.get("dbname") or out.get("database"),
        schema=out.get("schema"),
        output=dict(out),
    )
