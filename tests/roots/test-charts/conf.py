# A one-page book for book_extensions.chart_pictures, built in process by
# tests/test_chart_pictures.py (which writes the page's notebook, chart.ipynb, from the
# content package's own publish()).
extensions = ["myst_nb", "book_extensions.chart_pictures"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
epub_copyright = "test"
version = "1"
