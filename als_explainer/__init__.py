"""Shared code for the ALS Scan v. Cloudflare explainer.

- :mod:`als_explainer.data`: load a dataset from ``data/`` and validate it against
  ``data/datapackage.json`` (columns, types, categories, ids, partial dates, source keys).
- :mod:`als_explainer.charts`: the house chart style and :func:`publish`, the one way a
  chart is saved into ``figures/`` and shown on the page.
- :mod:`als_explainer.bib`: the keys of ``references.bib``.

The build's Sphinx extensions live apart, in :mod:`book_extensions`; nothing here imports
Sphinx, docutils, myst-nb or jupyter-cache.

The names below are imported on first use, not when the package is imported: a chapter
that needs only the data loader should not import the chart code.
"""

from importlib import import_module

# name -> the module that defines it
_EXPORTS = {
    "DataError": "data",
    "load": "data",
    "PALETTE": "charts",
    "publish": "charts",
    "use_house_style": "charts",
}

__all__ = ["DataError", "PALETTE", "load", "publish", "use_house_style"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    try:  # a submodule, e.g. als_explainer.charts after a bare "import als_explainer"
        return import_module(f".{name}", __name__)
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(__all__))
