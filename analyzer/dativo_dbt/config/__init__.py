"""`dativo.yml` configuration layers (enterprise -> domain -> product) with locks and explain."""

from dativo_dbt.config.discovery import discover
from dativo_dbt.config.loader import LoadedConfig, load_config
from dativo_dbt.config.model import DativoConfig

__all__ = ["DativoConfig", "LoadedConfig", "discover", "load_config"]
