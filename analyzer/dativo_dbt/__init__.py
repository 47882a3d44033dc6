"""dativo-dbt: data contracts and data-quality scoring for dbt."""

__version__ = "0.1.0"
