# A three-chapter book for the re-execution extensions (tests/test_reexecution.py); with
# citation_style, which has every page read again when the bibliography changes.
extensions = ["myst_nb", "sphinxcontrib.bibtex", "book_extensions.reexecution",
              "book_extensions.parallel_execution", "book_extensions.run_reports",
              "book_extensions.citation_style"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
book_content_package = "tinybook"
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build", "data", "tinybook"]
