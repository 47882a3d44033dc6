"""The check -> dbt test vocabulary (mapping tables, safe literals, custom tests) and the semantic
validation of contracts that needs it."""
