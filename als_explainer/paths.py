"""Where the book lives on disk, found the same way from a chapter, a test or a script."""

from __future__ import annotations

import os
from pathlib import Path


def book_root(start: Path | None = None) -> Path:
    """The folder that holds ``_config.yml``: ``$ALS_BOOK_ROOT`` if set, else the nearest parent.

    Chapters execute with their own folder as the working directory, so walking up
    from there finds the book, and a scratch copy of the book finds itself.
    """
    if os.environ.get("ALS_BOOK_ROOT"):
        return Path(os.environ["ALS_BOOK_ROOT"]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file():
            return folder
    raise FileNotFoundError(f"no _config.yml in {here} or any folder above it")


def figures_dir(root: Path | None = None) -> Path:
    """``figures/`` under the book root, created if missing (the build owns it)."""
    folder = Path(root or book_root()) / "figures"
    folder.mkdir(exist_ok=True)
    return folder


def toc_pages(root: Path | None = None) -> list[str]:
    """Every page listed in ``_toc.yml``, as a path without suffix, root page first."""
    import yaml  # only tests and scripts ask; keep chapter imports light

    root = Path(root or book_root())
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def page_source(page: str, root: Path | None = None) -> Path:
    """The source file (``.md`` or ``.ipynb``) of a page named in ``_toc.yml``."""
    root = Path(root or book_root())
    for suffix in (".md", ".ipynb"):
        if (root / f"{page}{suffix}").exists():
            return root / f"{page}{suffix}"
    raise FileNotFoundError(f"_toc.yml lists {page}, but there is no {page}.md or .ipynb")
