"""The Sphinx extensions of the ALS Scan explainer: build code, apart from the content code
that chapters import (:mod:`als_explainer`).

Each module is one extension and one concern, registered in ``_config.yml`` under
``sphinx: extra_extensions``; the editing guide (``chapters/96-editing.md``, "The build
layer, module by module") maps them, their hooks, their tests and the workarounds they
still carry:

- :mod:`~book_extensions.inputs` (plain Python) reads what a chapter's code imports and
  loads; :mod:`~book_extensions.reexecution` drops the cached runs of chapters whose
  inputs changed; :mod:`~book_extensions.parallel_execution` runs the chapters due side
  by side; :mod:`~book_extensions.run_reports` names a failing cell and writes into the
  sources;
- :mod:`~book_extensions.citation_style`, :mod:`~book_extensions.reader_fixes`,
  :mod:`~book_extensions.search_ranking`, :mod:`~book_extensions.reader_assets`: the
  pages (their scripts and styles in ``static/``, the theme templates in ``templates/``);
- :mod:`~book_extensions.editions`: the book as an edition (dates, previews, share
  settings, root page, sitemap, PDF).
- :mod:`~book_extensions.paper`: the PDF tagged for screen readers (PDF/UA-1), dated by
  the edition, its tables set for paper (``paper_static/``);
- :mod:`~book_extensions.epub`: the EPUB edition's metadata, its link on the landing page,
  no scripts or code toggles in it;
- :mod:`~book_extensions.reproducible`: byte-identical output from the same sources.

Nothing here is imported by a chapter, and nothing in :mod:`als_explainer` imports this
package; the build reads the content code as text only.
"""
