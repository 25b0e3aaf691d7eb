"""The book's own Sphinx extensions: build code, apart from the content code that chapters
import (:mod:`als_explainer`), which the build reads as text only and never imports.

``_config.yml`` registers this package; :func:`setup` loads its modules in the order they
depend on, each one extension and one concern. The editing guide maps them, their
hooks, tests and remaining workarounds ("The build layer, module by module")."""

#: In order: re-execution first (it decides which chapters run); the third-party extensions
#: a module configures are loaded by that module (sphinx-tippy by previews; sphinx-sitemap
#: and sphinxext-opengraph by sharing).
MODULES = ("reexecution", "parallel_execution", "run_reports", "citation_style", "reader_fixes",
           "reading_time", "search_ranking", "reader_assets", "chart_pictures", "page_weight",
           "editions", "previews", "sharing", "paper", "epub", "reproducible")


def setup(app):
    for name in MODULES:
        app.setup_extension(f"{__name__}.{name}")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
