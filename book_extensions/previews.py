"""Hover and focus previews (sphinx-tippy) served from the book's own files and loaded only
when a reader first needs one, with sphinx-tippy's per-page tips made valid, whole and
reproducible. The editing guide lists what here waits for sphinx-tippy ("Workarounds, and
when they can go")."""

import hashlib
import json
from pathlib import Path

from bs4 import BeautifulSoup  # what sphinx-tippy itself reads the page with
from docutils import nodes
from sphinx import addnodes

STATIC = Path(__file__).resolve().parent / "static"


def _previews(app, config) -> None:
    """tippy.js and Popper from the book's own static files (vendored from npm), never a CDN."""
    if str(STATIC) not in config.html_static_path:  # reader_assets may have added it
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_css_file("book-previews.css")
    app.add_js_file("book-previews.js", loading_method="defer")
    missing = [name for name in config.tippy_js if not (STATIC / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"book_extensions/static/{missing[0]} is missing: the previews' JavaScript is "
            "vendored from npm; restore it with `npm ci && npm run vendor`")


def tip_html(html: str) -> str:
    """A preview's HTML without ids, roles and heading anchors: shown inside the page, a
    copied ``id`` would duplicate the original's and a copied ``role`` (e.g. a
    bibliography entry's) would claim a structure the tip does not have."""
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.select("a.headerlink"):
        anchor.decompose()
    for tag in soup.find_all(True):
        tag.attrs = {name: value for name, value in tag.attrs.items()
                     if name not in ("id", "role") and not name.startswith("aria-")}
    return str(soup)


def tips_digest(refs: list, tips: dict) -> str:
    """A short digest of one page's preview data: the links it previews and their tips."""
    data = json.dumps({"refs": refs, "tips": {str(k): v for k, v in tips.items()}},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def shared_entries(doctree) -> list[list[str]]:
    """The ids of the terms of each glossary entry that has more than one term."""
    glossaries = doctree.findall(addnodes.glossary)
    items = (item for glossary in glossaries for item in glossary.findall(nodes.definition_list_item))
    entries = [[term["ids"][0] for term in item.findall(nodes.term) if term["ids"]] for item in items]
    return [ids for ids in entries if len(ids) > 1]


def _page_tips(app, pagename, templatename, context, doctree) -> None:
    """After sphinx-tippy has collected a page's tips (its priority 450):

    - each tip cleaned (:func:`tip_html`); every term of a glossary entry with several terms
      ("CDN", "content delivery network") previews the whole entry, where sphinx-tippy gives
      the definition to the entry's last term only;
    - the tips in a fixed order (sphinx-tippy lists a Python ``set``), and the page's script
      named by a digest of what it holds instead of a random UUID, so that two builds of the
      same sources write the same files;
    - the previews' scripts (Popper, tippy.js, the page's tips) out of the page: their
      addresses go to ``book-previews.js``, which loads them the first time a reader points
      at, focuses or taps a link in the article.
    """
    data = getattr(app.env, "tippy_data", {}).get("pages", {}).get(pagename)
    static, lazy, gone = Path(app.outdir, "_static"), [*app.config.tippy_js], set()
    if data is not None:
        tips = data["id_to_html"] = {key: tip_html(html) for key, html in data["id_to_html"].items()}
        for ids in shared_entries(doctree) if doctree is not None else []:
            if all(term in tips for term in ids):
                tips.update(dict.fromkeys(ids, "".join(tips[term] for term in ids)))
        data["refs_in_page"] = sorted(data["refs_in_page"], key=lambda ref: (ref[0] or "", ref[1] or ""))
        old = data["js_path"]
        data["js_path"] = new = old.with_name(f"{Path(pagename).name}.{tips_digest(data['refs_in_page'], tips)}.js")
        for stale in new.parent.glob(f"{Path(pagename).name}.*.js"):  # an earlier digest's script
            if stale != new:
                stale.unlink()
        gone.add(f"_static/{old.relative_to(static).as_posix()}")  # as sphinx-tippy added it
        lazy.append(new.relative_to(static).as_posix())
    scripts = context.get("script_files", [])
    gone |= {f"_static/{name}" for name in lazy}
    if any(getattr(script, "filename", None) in gone for script in scripts):  # a page with previews
        scripts[:] = [script for script in scripts if getattr(script, "filename", None) not in gone]
        urls = [context["pathto"](f"_static/{name}", resource=True) for name in lazy]
        app.add_js_file(None, body=f"window.bookPreviewScripts = {json.dumps(urls)};")


def _no_tippy_caches(app, exception) -> None:
    """sphinx-tippy leaves the caches of its network features (off here) in the site."""
    if exception is None and app.builder.format == "html":
        for name in ("tippy_wiki_cache.json", "tippy_doi_cache.json", "tippy_rtd_cache.json"):
            (Path(app.outdir) / name).unlink(missing_ok=True)


def setup(app):
    app.setup_extension("sphinx_tippy")
    app.connect("config-inited", _previews)
    app.connect("html-page-context", _page_tips, priority=460)  # after sphinx-tippy's 450
    app.connect("build-finished", _no_tippy_caches, priority=600)  # after sphinx-tippy writes them
    # sphinx-tippy collects tips while pages are written and writes them when the build
    # ends, so pages must be written in the main process, where that data stays.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
