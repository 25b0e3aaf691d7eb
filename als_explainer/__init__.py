"""The code the chapters of the ALS Scan v. Cloudflare explainer share.

One module per Part, each with the same shape (``load()`` for the Part's checked data,
``numbers()`` for every number its pages quote, and its charts and tables):
:mod:`~als_explainer.case_record` (Part I), :mod:`~als_explainer.proxy_model` and
:mod:`~als_explainer.proxy_charts` (the caching model), :mod:`~als_explainer.precedents`
(Part II), :mod:`~als_explainer.jurisdiction` (Part III), :mod:`~als_explainer.disputes`
(Part IV) and :mod:`~als_explainer.data_appendix` (the Data appendix). Shared by all:

- :mod:`als_explainer.data`: load a dataset from ``data/`` and validate it against
  ``data/datapackage.json`` (columns, types, categories, ids, partial dates, source keys,
  foreign keys);
- :mod:`als_explainer.charts`: the house chart style and :func:`publish`, the one way a
  chart is saved into ``figures/`` and shown on the page;
- :mod:`als_explainer.tables`: tables whose rows cite their sources;
- :mod:`als_explainer.bib` and :mod:`als_explainer.paths`: the keys of ``references.bib``,
  and where the book is.

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
    "drawing": "charts",
    "use_house_style": "charts",
}

__all__ = ["DataError", "PALETTE", "drawing", "load", "publish", "use_house_style"]


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
