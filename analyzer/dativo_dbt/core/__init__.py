"""The bottom layer everything shares: exceptions and exit codes (`errors`), the atomic writer
(`fileio`), the quality vocabulary (`vocabulary`), YAML with line numbers (`yaml_lines`), the
pydantic error renderer (`pydantic_errors`) and the `${VAR}` resolver (`envvars`). Imports nothing
else of dativo_dbt."""
