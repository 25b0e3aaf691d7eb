"""The site as others find it: one address setting (``html_baseurl``) for share links,
share cards (sphinxext-opengraph) and ``sitemap.xml`` (sphinx-sitemap, written only when
the address is set), a titled root page that sends browsers to the book, and a favicon
where browsers look for one."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

from docutils import nodes


def _share_settings(app, config) -> None:
    if config.html_baseurl and not config.html_baseurl.endswith("/"):
        config.html_baseurl += "/"
    config.ogp_site_url = config.ogp_site_url or config.html_baseurl
    config.ogp_site_name = config.ogp_site_name or config.html_title
    config.sitemap_url_scheme = "{link}"  # one language, one version: no "en/" in addresses
    config.sitemap_excludes = ["search.html", "genindex.html"]
    if not config.html_baseurl:  # no address, no sitemap: by design, not a mistake
        config.suppress_warnings = [*config.suppress_warnings, "sitemap.configuration"]


def _describe_by_content(app, pagename, templatename, context, doctree) -> None:
    """Share descriptions start with the page's own words, not with the date line: the
    body is already rendered, so the line leaves only the doctree sphinxext-opengraph reads."""
    if doctree is not None:
        for line in list(doctree.findall(nodes.paragraph)):
            if {"facts-as-of", "book-edition"} & set(line["classes"]):
                line.parent.remove(line)


def root_page(title: str, target: str, favicon: str | None) -> str:
    """The site's ``index.html``: a titled page that sends the browser to the book."""
    icon = f'  <link rel="icon" href="{escape(favicon)}">\n' if favicon else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
        f"  <title>{escape(title)}</title>\n{icon}"
        f"  <link rel=\"canonical\" href=\"{escape(target)}\">\n"
        f"  <meta http-equiv=\"Refresh\" content=\"0; url={escape(target)}\">\n"
        "</head>\n<body>\n"
        f"  <p><a href=\"{escape(target)}\">{escape(title)}</a></p>\n"
        "</body>\n</html>\n")


def _site_files(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir)
    favicon = Path(app.config.html_favicon).name if app.config.html_favicon else None
    if favicon:
        # Browsers ask for /favicon.ico whatever the page says; answer with the book's icon.
        shutil.copyfile(out / "_static" / favicon, out / "favicon.ico")
    root = app.builder.get_target_uri(app.config.root_doc)
    (out / "index.html").write_text(
        root_page(app.config.html_title, root, f"_static/{favicon}" if favicon else None),
        encoding="utf-8")


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.connect("config-inited", _share_settings)
    app.connect("html-page-context", _describe_by_content, priority=400)  # before opengraph's 500
    # Before sphinx-external-toc, which writes a bare redirect only when none exists.
    app.connect("build-finished", _site_files, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
