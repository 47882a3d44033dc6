"""Use cases composing several packages, one module each (like dbt-core's `task/`).

`score` (score a project, write its outputs, record its history, run the violation hooks),
`score_hooks` (`--notify` / `--lineage` / `--quarantine` after scoring) and `config_show` (the
effective configuration as text). The CLI calls these; they never import click.
"""
