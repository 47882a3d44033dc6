"""Data contracts: pydantic models, YAML loader with line numbers, ${VAR} resolution, JSON Schema."""
