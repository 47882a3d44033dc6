"""Use cases composing several packages, one module each (like dbt-core's `task/`).

`score` (score a project, write its outputs, record its history, run the violation hooks) and
`score_hooks` (`--notify` / `--lineage` / `--quarantine` after scoring). The CLI calls these; they
never import click.
"""
