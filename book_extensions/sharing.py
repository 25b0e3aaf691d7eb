"""The site as others find it: one address setting (``html_baseurl``) for share links,
share cards (sphinxext-opengraph) and ``sitemap.xml`` (sphinx-sitemap, written only when
the address is set), a titled root page that sends browsers to the book, and a favicon
where browsers look for one."""

import re
import shutil
from html import escape
from pathlib import Path

import jinja2
from bs4 import BeautifulSoup
from docutils import nodes

from .editions import FURNITURE

ROOT_PAGE = jinja2.Template((Path(__file__).resolve().parent / "sharing_templates" / "root-page.html")
                            .read_text(encoding="utf-8"), autoescape=True, keep_trailing_newline=True)


def _share_settings(app, config) -> None:
    if config.html_baseurl and not config.html_baseurl.endswith("/"):
        config.html_baseurl += "/"
    config.ogp_site_url = config.ogp_site_url or config.html_baseurl
    config.ogp_site_name = config.ogp_site_name or config.html_title
    config.sitemap_url_scheme = "{link}"  # one language, one version: no "en/" in addresses
    config.sitemap_excludes = ["search.html", "genindex.html"]
    if not config.html_baseurl:  # no address, no sitemap: by design, not a mistake
        config.suppress_warnings = [*config.suppress_warnings, "sitemap.configuration"]


SHARE_LENGTH = 300  # characters of a page's share description, at most
# Words a full stop follows without ending a sentence ("Inc. v. Cloudflare, Inc., heard").
_NOT_SENTENCE_ENDS = {"v", "vs", "no", "inc", "co", "corp", "ltd", "llc", "cir", "supp", "cal",
                      "st", "mr", "dr", "jr", "al", "cf", "fig", "ch", "p", "pp"}
_SENTENCE_END = re.compile(r"[.?!][”’\")\]]*(?= [A-Z“‘\"(])")


def _is_citation(node) -> bool:
    """A parenthetical citation ("[Author, year]", sphinxcontrib-bibtex's inline)."""
    return isinstance(node, nodes.inline) and "bibtex-citation" in node["classes"] \
        and node.astext().startswith("[")


def opening_prose(doctree: nodes.document) -> str:
    """The words of a page's opening paragraphs (before its first section), without its
    citations and the lines under its title, as one line of text."""
    for node in list(doctree.findall(nodes.Element)):
        if _is_citation(node) or (isinstance(node, nodes.paragraph) and FURNITURE & set(node["classes"])):
            node.parent.remove(node)
    section = next(iter(doctree.findall(nodes.section)), doctree)
    paragraphs = [child for child in section.children if isinstance(child, nodes.paragraph)] \
        or list(doctree.findall(nodes.paragraph))[:1]
    text = " ".join(" ".join(paragraph.astext().split()) for paragraph in paragraphs)
    return re.sub(r"\s+([,.;:!?)\]])", r"\1", text)  # a space left where a citation was


def share_description(text: str, limit: int = SHARE_LENGTH) -> str:
    """``text`` cut to whole sentences of at most ``limit`` characters, or, when its first
    sentence is longer, to whole words with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    for end in reversed(list(_SENTENCE_END.finditer(head))):
        word = head[:end.start()].split()[-1].lower() if head[:end.start()].split() else ""
        if word not in _NOT_SENTENCE_ENDS and len(word) > 1 and "." not in word:
            return head[:end.end()]
    return head[:head.rfind(" ")].rstrip(",;:") + "…"


def _describe_by_content(app, pagename, templatename, context, doctree) -> None:
    """Share descriptions are the page's opening prose in whole sentences, without
    citations or the lines under the title. They go to sphinxext-opengraph as its documented
    per-page fields (``og:description``, ``og:image:alt``) and a ``description`` meta tag,
    which it then leaves alone; the doctree it reads for the share card loses those lines
    and citations too (the body is already rendered, and sphinx-tippy, at 450, has read it)."""
    if doctree is None or app.builder.format != "html":
        return
    description = share_description(opening_prose(doctree))
    if description:
        context["meta"] = {**(context.get("meta") or {}), "og:description": description,
                           "og:image:alt": description}
        context["metatags"] = context.get("metatags", "") + \
            f'<meta name="description" content="{escape(description)}" />\n'


def share_tags(page_html: str) -> list[tuple[str, str, str]]:
    """The share metadata of a written page: its ``og:*``, ``twitter:*`` and
    ``description`` meta tags, as (attribute, name, content)."""
    return [(attribute, meta[attribute], meta.get("content", ""))
            for meta in BeautifulSoup(page_html, "html.parser").find_all("meta") for attribute in ("property", "name")
            if meta.get(attribute, "").startswith(("og:", "twitter:")) or meta.get(attribute) == "description"]


def root_page(title: str, target: str, favicon: str | None, share: list[tuple[str, str, str]] = ()) -> str:
    """The site's ``index.html`` (``sharing_templates/root-page.html``): a titled page that
    sends the browser to ``target``, with the landing page's share metadata ``share``."""
    return ROOT_PAGE.render(title=title, target=target, favicon=favicon, share=share)


def _site_files(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    out, favicon = Path(app.outdir), Path(app.config.html_favicon or "").name
    if favicon:  # browsers ask for /favicon.ico whatever the page says: answer with the book's icon
        shutil.copyfile(out / "_static" / favicon, out / "favicon.ico")
    root = app.builder.get_target_uri(app.config.root_doc)
    share = share_tags((out / root).read_text(encoding="utf-8")) if (out / root).is_file() else []
    index = root_page(app.config.html_title, root, favicon and f"_static/{favicon}", share)
    (out / "index.html").write_text(index, encoding="utf-8")


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.connect("config-inited", _share_settings)
    # After sphinx-tippy (450) has read the page's citations, before sphinxext-opengraph (500).
    app.connect("html-page-context", _describe_by_content, priority=480)
    # Before sphinx-external-toc, which writes a bare redirect only when none exists.
    app.connect("build-finished", _site_files, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
