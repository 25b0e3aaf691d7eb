# A small edition for the edition extensions (editions, previews, sharing, epub,
# reproducible), built in process by tests/test_editions.py.
extensions = ["myst_nb", "book_extensions.editions", "book_extensions.previews",
              "book_extensions.sharing"]
nb_execution_mode = "off"
root_doc = "intro"
html_title = "A small edition"
author = "The editors of a small edition"
html_favicon = "_static/favicon.png"
exclude_patterns = ["_build"]
book_version = "2026.12.1"
book_date = "2026-12-07"
book_facts_as_of = "2026-12"
book_facts_as_of_pages = {"chapters/two": "2027-01-15"}
book_dated_pages = ["chapters/*"]
book_whats_new_page = "news"
book_about_page = "about"
book_pdf_name = "small.pdf"
html_baseurl = "https://example.org/small/"
tippy_js = ["vendor/popper.min.js", "vendor/tippy-bundle.umd.min.js"]
tippy_enable_wikitips = False
tippy_enable_doitips = False
html_static_path = ["_static"]
ogp_social_cards = {"enable": False}
book_epub_name = "small.epub"
extensions += ["book_extensions.epub", "book_extensions.reproducible"]
