"""govstats: China's government information-disclosure annual reports as a clean, comparable dataset."""
__version__ = "0.1.0"

#: data access helpers of ``govstats.api``, imported on first use (``import govstats`` stays light)
_API = ("load_reports", "load_values", "load_checks", "load_harmonized", "load_manifest", "connect")


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
