"""OpenLineage RunEvents for a scored dbt run (dataQualityAssertions + the dativo score facet)."""
