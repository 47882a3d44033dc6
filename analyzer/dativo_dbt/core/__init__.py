"""Shared bottom layer: the quality vocabulary, YAML with line numbers, the pydantic error
renderer and the `${VAR}` resolver (imports nothing of dativo_dbt but errors)."""
