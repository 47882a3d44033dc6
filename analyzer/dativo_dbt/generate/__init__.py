"""Contracts -> dbt properties files: the check -> test mapping, SQL literals, the file writer."""
