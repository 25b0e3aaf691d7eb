"""Shared code for the ALS Scan v. Cloudflare explainer.

- :mod:`als_explainer.data`: load a dataset from ``data/`` and validate it against
  ``data/datapackage.json`` (columns, types, categories, ids, partial dates, source keys).
- :mod:`als_explainer.charts`: the house chart style and :func:`publish`, the one way a
  chart is saved into ``figures/`` and shown on the page.
- :mod:`als_explainer.bib`: the keys of ``references.bib``.
"""

from .charts import PALETTE, publish, use_house_style
from .data import DataError, load

__all__ = ["DataError", "PALETTE", "load", "publish", "use_house_style"]
