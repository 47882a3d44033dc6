"""Checks from dbt tests, the score formula (version 1), gates and the project roll-up.

Entry point: `dativo_dbt.scoring.api.score_project(target_dir, config) -> ProjectScore`.
"""
