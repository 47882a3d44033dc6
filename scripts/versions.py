"""Print the installed versions on one line (scripts/install.sh's last line)."""

from importlib.metadata import PackageNotFoundError, version


def line() -> str:
    parts = []
    for name in ("dativo-dbt", "dbt-core", "dbt-duckdb", "dbt-postgres"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    return "installed: " + ", ".join(parts)


if __name__ == "__main__":
    print(line())
