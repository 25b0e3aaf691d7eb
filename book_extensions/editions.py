"""The book as an edition: its date and version, when each chapter's facts were checked,
hover/focus previews, share metadata, a sitemap, a proper root page, and the PDF.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). Everything an editor
changes lives in ``_config.yml`` under ``sphinx: config:`` (see the editing guide):

- ``book_version``, ``book_date``: the edition, shown on the landing page, the PDF's
  title page and the "How to cite" section (``CITATION.cff`` repeats them; a test keeps
  the two in step);
- ``book_facts_as_of``: when the facts and law were last checked, shown under the title
  of every chapter; ``book_facts_as_of_pages`` overrides it for single chapters;
- ``book_contact``: where readers send corrections (left empty, the About page sends
  them through the book's repository and says that no address is given);
- ``html_baseurl``: the site's public address; when set, pages carry absolute share
  links and the build writes ``sitemap.xml``.

Nothing here touches the network: the previews' JavaScript (tippy.js and Popper, from
npm, pinned in ``package-lock.json``) is served from ``static/vendor/``, and the share
cards are drawn by matplotlib with fonts that ship with it or with sphinxext-opengraph.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from fnmatch import fnmatch
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx import addnodes

STATIC = Path(__file__).resolve().parent / "static"
PDF_TEMPLATES = Path(__file__).resolve().parent / "pdf_templates"
# How corrections reach the editors while book_contact is empty (the About page), in the
# words of what the repository does have: no address, but its source files and README.
NO_CONTACT = ("send it to the editors through the book's repository, the source files this "
              "site is built from (its README describes them): this edition gives no email "
              "or web address for them.")

_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


# --------------------------------------------------------------------------- dates


def reader_date(value: str, *, setting: str = "book_date") -> str:
    """``2026-12-02`` as "2 December 2026", ``2026-12`` as "December 2026".

    A date an editor mistyped stops the build with the setting's name, rather than
    printing a wrong date under every chapter.
    """
    match = _ISO.match(str(value).strip())
    if not match:
        raise ValueError(f"_config.yml: {setting} = {value!r} is not a date "
                         "(write YYYY-MM-DD, or YYYY-MM when only the month is known)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date = dt.date(year, month, day or 1)
    except ValueError as error:
        raise ValueError(f"_config.yml: {setting} = {value!r}: {error}") from None
    return f"{date.day} {date:%B %Y}" if day else f"{date:%B %Y}"


def facts_as_of(config, docname: str) -> str | None:
    """The "facts and law as of" date of one page, or None when the page carries none."""
    if not any(fnmatch(docname, pattern) for pattern in config.book_dated_pages):
        return None
    pages = config.book_facts_as_of_pages or {}
    if docname in pages:
        return reader_date(pages[docname], setting=f"book_facts_as_of_pages[{docname!r}]")
    return reader_date(config.book_facts_as_of, setting="book_facts_as_of")


def _after_title(doctree: nodes.document, new: nodes.Node) -> bool:
    """Insert ``new`` right after the page's first title; False when it has none."""
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return False
    section.insert(1, new)
    return True


def _date_lines(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    config = app.config
    as_of = facts_as_of(config, docname)
    if as_of:
        line = nodes.paragraph("", "", classes=["facts-as-of"])
        line += nodes.Text(f"Facts and law as of {as_of}. ")
        line += _doc_link(app, docname, config.book_whats_new_page, "What's new")
        _after_title(doctree, line)
    if docname == config.root_doc:
        line = nodes.paragraph("", "", classes=["book-edition"])
        line += nodes.Text(f"Edition of {reader_date(config.book_date)} "
                           f"(version {config.book_version}). ")
        line += _doc_link(app, docname, config.book_whats_new_page, "What's new")
        line += nodes.Text(" · ")
        line += _doc_link(app, docname, config.book_about_page, "Editors, licence and how to cite")
        if config.book_pdf_name:
            line += nodes.Text(" · ")
            # The PDF edition is written next to the pages by the PDF build (see setup()).
            line += nodes.reference("", "The whole book as a PDF",
                                    refuri=config.book_pdf_name, classes=["pdf-edition"])
        _after_title(doctree, line)


def _doc_link(app, fromdoc: str, target: str, text: str) -> nodes.Node:
    """A cross-reference to another page, resolved when each builder writes (so the
    same doctree links right in the web pages and in the single-file PDF); plain text
    when the page is not in the book (e.g. a test's cut-down copy)."""
    if not target or target not in app.env.found_docs or target == fromdoc:
        return nodes.Text("")
    xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{target}",
                                 refexplicit=True, refwarn=True, refdoc=fromdoc)
    xref += nodes.inline("", text)
    return xref


def _substitutions(app, config) -> None:
    """The settings as MyST substitutions, so pages quote them instead of repeating them."""
    substitutions = dict(config.myst_substitutions or {})
    substitutions.update({
        "book_version": config.book_version,
        "book_date": reader_date(config.book_date),
        "book_year": str(config.book_date)[:4],
        "book_facts_as_of": reader_date(config.book_facts_as_of, setting="book_facts_as_of"),
        "book_contact": (f"write to the editors at {config.book_contact}." if config.book_contact
                         else NO_CONTACT),
        "book_pdf_name": config.book_pdf_name,
        "book_site": config.html_baseurl,  # none yet: the citation ends with the date
    })
    config.myst_substitutions = substitutions


# --------------------------------------------------------------------------- provenance

_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,;:)]")


def linked(text: str) -> list[nodes.Node]:
    """``text`` as Text nodes, with every web address in it made a link."""
    parts, start = [], 0
    for match in _URL.finditer(text):
        if match.start() > start:
            parts.append(nodes.Text(text[start:match.start()]))
        parts.append(nodes.reference(match.group(), match.group(), refuri=match.group()))
        start = match.end()
    if start < len(text):
        parts.append(nodes.Text(text[start:]))
    return parts


def _link_copies_read(app, doctree, docname) -> None:
    """A bibliography note that names the copy read ("Copy read: a repost, https://...")
    links it, like the original address before it."""
    for citation in doctree.findall(nodes.citation):
        for text in list(citation.findall(nodes.Text)):
            if _URL.search(text) and not isinstance(text.parent, nodes.reference):
                index = text.parent.index(text)
                text.parent[index:index + 1] = linked(str(text))


# --------------------------------------------------------------------------- previews


def _previews(app, config) -> None:
    """tippy.js and Popper from the book's own static files, never a CDN."""
    if str(STATIC) not in config.html_static_path:  # sortable_tables may have added it
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_css_file("book-previews.css")
    app.add_js_file("book-previews.js", loading_method="defer")
    missing = [name for name in config.tippy_js if not (STATIC / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"book_extensions/static/{missing[0]} is missing: the previews' JavaScript is "
            "vendored from npm; restore it with `npm ci && npm run vendor`")


_TIP_ATTRIBUTES = re.compile(r'\s(?:id|role|aria-[a-z]+)="[^"]*"')
_TIP_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def tip_html(html: str) -> str:
    """A preview's HTML without ids, roles and heading anchors: shown inside the page, a
    copied ``id`` would duplicate the original's and a copied ``role`` (e.g. a
    bibliography entry's) would claim a structure the tip does not have."""
    return _TIP_HEADERLINK.sub("", _TIP_ATTRIBUTES.sub("", html))


def _clean_tips(app, pagename, templatename, context, doctree) -> None:
    # sphinx-tippy collects each page's tips at priority 450 and writes them at the end.
    pages = getattr(app.env, "tippy_data", {}).get("pages", {})
    if pagename in pages:
        tips = pages[pagename]["id_to_html"]
        for key, html in tips.items():
            tips[key] = tip_html(html)


def _no_tippy_caches(app, exception) -> None:
    """sphinx-tippy leaves the caches of its network features (off here) in the site."""
    if exception is None and app.builder.format == "html":
        for name in ("tippy_wiki_cache.json", "tippy_doi_cache.json", "tippy_rtd_cache.json"):
            (Path(app.outdir) / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- sharing


def _share_settings(app, config) -> None:
    """One address setting (``html_baseurl``) for share links, cards and the sitemap."""
    if config.html_baseurl and not config.html_baseurl.endswith("/"):
        config.html_baseurl += "/"
    if not config.ogp_site_url:
        config.ogp_site_url = config.html_baseurl
    if not config.ogp_site_name:
        config.ogp_site_name = config.html_title


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
    """The words of a page's opening paragraphs (before its first section), without
    citations, date lines or boxes, as one line of text."""
    section = next(iter(doctree.findall(nodes.section)), doctree)
    paragraphs = [child for child in section.children if isinstance(child, nodes.paragraph)
                  and not {"facts-as-of", "book-edition"} & set(child["classes"])]
    if not paragraphs:
        paragraphs = list(doctree.findall(nodes.paragraph))[:1]
    texts = []
    for paragraph in paragraphs:
        copy = paragraph.deepcopy()
        for citation in [node for node in copy.findall(nodes.inline) if _is_citation(node)]:
            citation.parent.remove(citation)
        texts.append(" ".join(copy.astext().split()))
    text = " ".join(texts)
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
    citations or the date line. They go to sphinxext-opengraph as its documented per-page
    fields (``og:description``, ``og:image:alt``) and a ``description`` meta tag, which
    it then leaves alone; the doctree it reads for the share card loses the date lines and
    citations too (the body is already rendered, and sphinx-tippy, at 450, has read it)."""
    if doctree is None or app.builder.format != "html":
        return
    description = share_description(opening_prose(doctree))
    for node in list(doctree.findall(nodes.Element)):
        if _is_citation(node) or (isinstance(node, nodes.paragraph) and
                                  {"facts-as-of", "book-edition"} & set(node["classes"])):
            node.parent.remove(node)
    if description:
        context["meta"] = {**(context.get("meta") or {}), "og:description": description,
                           "og:image:alt": description}
        context["metatags"] = context.get("metatags", "") + \
            f'<meta name="description" content="{escape(description)}" />\n'


class _ShareTags(HTMLParser):
    """The share metadata of a written page: its ``og:*``, ``twitter:*`` and
    ``description`` meta tags, as (attribute, name, content)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attribute in ("property", "name"):
            name = attrs.get(attribute) or ""
            if tag == "meta" and (name.startswith(("og:", "twitter:")) or name == "description"):
                self.tags.append((attribute, name, attrs.get("content") or ""))


def share_tags(page_html: str) -> list[tuple[str, str, str]]:
    parser = _ShareTags()
    parser.feed(page_html)
    return parser.tags


def root_page(title: str, target: str, favicon: str | None,
              share: list[tuple[str, str, str]] = ()) -> str:
    """The site's ``index.html``: a titled page that sends the browser to the book, with
    the landing page's share metadata (``share``), so a link to the site's root is
    previewed as the landing page is."""
    icon = f'  <link rel="icon" href="{escape(favicon)}">\n' if favicon else ""
    tags = "".join(f'  <meta {attribute}="{escape(name)}" content="{escape(content)}">\n'
                   for attribute, name, content in share)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
        f"  <title>{escape(title)}</title>\n{icon}{tags}"
        f"  <link rel=\"canonical\" href=\"{escape(target)}\">\n"
        f"  <meta http-equiv=\"Refresh\" content=\"0; url={escape(target)}\">\n"
        "</head>\n<body>\n"
        f"  <p><a href=\"{escape(target)}\">{escape(title)}</a></p>\n"
        "</body>\n</html>\n")


def sitemap(base: str, pages: list[str], lastmod: str) -> str:
    """``sitemap.xml`` listing ``pages`` (paths relative to ``base``)."""
    urls = "".join(f"  <url><loc>{xml_escape(base + page)}</loc><lastmod>{lastmod}</lastmod></url>\n"
                   for page in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n")


def _site_files(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir)
    favicon = Path(app.config.html_favicon).name if app.config.html_favicon else None
    if favicon:
        # Browsers ask for /favicon.ico whatever the page says; answer with the book's icon.
        shutil.copyfile(out / "_static" / favicon, out / "favicon.ico")
    root = app.builder.get_target_uri(app.config.root_doc)
    landing = out / root
    share = share_tags(landing.read_text(encoding="utf-8")) if landing.is_file() else []
    (out / "index.html").write_text(
        root_page(app.config.html_title, root, f"_static/{favicon}" if favicon else None, share),
        encoding="utf-8")
    sitemap_path = out / "sitemap.xml"
    if app.config.html_baseurl:
        pages = sorted(app.builder.get_target_uri(doc) for doc in app.env.found_docs)
        sitemap_path.write_text(sitemap(app.config.html_baseurl, pages, app.config.book_date),
                                encoding="utf-8")
    else:
        sitemap_path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- PDF


def _pdf_settings(app, config) -> None:
    config.templates_path = [*config.templates_path, str(PDF_TEMPLATES)]
    config.simplepdf_file_name = config.book_pdf_name
    config.html_context = {
        **(config.html_context or {}),
        "book_title": config.html_title,
        "book_editors": config.author,
        "book_version": config.book_version,
        "book_date": reader_date(config.book_date),
        "book_facts_as_of": reader_date(config.book_facts_as_of, setting="book_facts_as_of"),
        "book_site": config.html_baseurl,
    }


def _publish_pdf(app, exception) -> None:
    """Put the PDF edition next to the web pages, where the landing page links to it."""
    if exception is not None or app.builder.name != "simplepdf":
        return
    pdf = Path(app.outdir) / app.config.book_pdf_name
    site = Path(app.outdir).parent / "html"
    if pdf.is_file() and site.is_dir():
        shutil.copyfile(pdf, site / pdf.name)


def setup(app):
    app.add_config_value("book_version", "", "env", types=[str])
    app.add_config_value("book_date", "", "env", types=[str])
    app.add_config_value("book_facts_as_of", "", "env", types=[str])
    app.add_config_value("book_facts_as_of_pages", {}, "env", types=[dict])
    app.add_config_value("book_dated_pages", [], "env", types=[list])
    app.add_config_value("book_contact", "", "env", types=[str])
    app.add_config_value("book_whats_new_page", "", "env", types=[str])
    app.add_config_value("book_about_page", "", "env", types=[str])
    app.add_config_value("book_pdf_name", "", "env", types=[str])
    app.connect("config-inited", _substitutions)
    app.connect("config-inited", _previews)
    app.connect("config-inited", _share_settings)
    app.connect("config-inited", _pdf_settings)
    app.connect("doctree-read", _date_lines)
    app.connect("doctree-resolved", _link_copies_read)
    # After sphinx-tippy (450) has read the page's citations, before sphinxext-opengraph (500).
    app.connect("html-page-context", _describe_by_content, priority=480)
    app.connect("html-page-context", _clean_tips, priority=460)  # after sphinx-tippy
    app.connect("build-finished", _no_tippy_caches, priority=600)  # after sphinx-tippy writes them
    # Before sphinx-external-toc, which writes a bare redirect only when none exists.
    app.connect("build-finished", _site_files, priority=400)
    app.connect("build-finished", _publish_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
