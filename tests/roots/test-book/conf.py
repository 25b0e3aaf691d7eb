# A small book for the book's page extensions (citation_style, reader_fixes,
# search_ranking, reader_assets, reading_time), built in process by their tests.
extensions = ["myst_nb", "sphinxcontrib.bibtex", "book_extensions.citation_style",
              "book_extensions.reader_fixes", "book_extensions.search_ranking",
              "book_extensions.reader_assets", "book_extensions.reading_time"]
nb_execution_mode = "off"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "author_year_labels"
bibtex_bibliography_id = "bibliography-{bibliography_count}"
bibtex_cite_id = "src-{bibliography_count}-{key}"
exclude_patterns = ["_build"]


def setup(app):
    # The same inline script twice, as sphinx-thebe adds its own (a file name of None,
    # then of ""): reader_fixes keeps it once.
    app.add_js_file(None, body="const BOOK_TEST_SCRIPT = 1;")
    app.add_js_file("", body="const BOOK_TEST_SCRIPT = 1;")
