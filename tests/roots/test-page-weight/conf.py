# A one-page book in the book's theme for book_extensions.page_weight, built in process by
# tests/test_page_weight.py.
extensions = ["myst_nb", "book_extensions.page_weight"]
nb_execution_mode = "off"
html_theme = "sphinx_book_theme"
html_title = "A light page"
exclude_patterns = ["_build"]
