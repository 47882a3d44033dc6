"""Adopting dativo-dbt on an existing dbt project: in-place properties editing and `init`."""
