"""The Sphinx extensions of the ALS Scan explainer: build code, apart from the content code
that chapters import (:mod:`als_explainer`).

Each module is one extension, registered in ``_config.yml`` under
``sphinx: extra_extensions``:

- :mod:`book_extensions.reexecution`: re-run exactly the chapters whose inputs changed,
  from what each chapter's kernel recorded with :mod:`book_extensions.dependencies`;
- :mod:`book_extensions.parallel_execution`: execute the chapters a build must run several
  at a time (``BOOK_JOBS``, default every CPU) before Sphinx reads them;
- :mod:`book_extensions.search_ranking`: rank search results by how much a page talks
  about the words searched for;
- :mod:`book_extensions.reader_fixes`: repairs for readers and screen readers, and the
  theme templates in ``templates/``;
- :mod:`book_extensions.citation_style`: bibliography labels that match the author-year
  citations;
- :mod:`book_extensions.sortable_tables`: the sort-and-filter script (``static/``), added
  only to pages that have a sortable table;
- :mod:`book_extensions.editions`: the book as an edition: its date and version, "facts
  and law as of" lines, previews (sphinx-tippy with tippy.js and Popper vendored in
  ``static/vendor/``), share settings, the root page, the sitemap and the PDF edition
  (``pdf_templates/``);
- :mod:`book_extensions.paper`: the PDF tagged for screen readers (PDF/UA-1), dated by
  the edition, its tables set for paper (``paper_static/``);
- :mod:`book_extensions.epub`: the EPUB edition's metadata, its link on the landing page,
  no scripts or code toggles in it;
- :mod:`book_extensions.reproducible`: byte-identical output from the same sources.

Nothing here is imported by a chapter, and nothing in :mod:`als_explainer` imports this
package: the data loader reports what it read through audit events that
:mod:`book_extensions.dependencies` listens for.
"""
