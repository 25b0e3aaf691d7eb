# A two-page book for the PDF edition (book_extensions.paper, with the edition settings it
# prints), built in process with sphinx-simplepdf's builder by tests/test_paper.py.
extensions = ["myst_nb", "book_extensions.paper"]
nb_execution_mode = "off"
root_doc = "index"
html_title = "A small paper edition"
author = "The editors of a small edition"
exclude_patterns = ["_build"]
book_version = "2026.12.1"
book_date = "2026-12-07"
book_facts_as_of = "2026-12"
book_dated_pages = ["chapter"]
book_pdf_name = "small.pdf"
book_epub_name = "small.epub"
