#!/usr/bin/env python3
"""Lighthouse's mobile run over every page of a built site, against the page budget.

    python scripts/lighthouse.py [--site _build/html] [--page PATH ...] [--json FILE]

The site is served from 127.0.0.1 as a static host serves it: text files (HTML, CSS,
JavaScript, SVG, JSON) gzip-compressed when the browser accepts it, everything else as
it is. Lighthouse (pinned in the root package.json/package-lock.json: ``npm ci``) runs
its default mobile configuration (simulated slow 4G, a mid-range phone) in Debian's
Chromium (``CHROME_PATH``, default ``/usr/bin/chromium``), one page at a time, and the
script prints one row per page: the four scores, largest contentful paint and the bytes
transferred on first load, with the budget's verdict. The exit status is 1 when a page
misses the budget (see the editing guide, "The page budget").

Lighthouse's timings are simulated from a real load, so a machine busy with other work
scores lower: measure on a quiet machine, and compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"

#: The budget every page must meet (issue 21; the editing guide repeats it).
BUDGET = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
LCP_BUDGET_MS = 2500
BYTES_BUDGET = 300 * 1024
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed for browsers that accept it (as static hosts do)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "File not found")
            return None
        body = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        if kind.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=9, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args) -> None:
        pass


class _Body:
    """What ``send_head`` returns: a file-like body for ``copyfile``."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


class CompressedSite:
    """``site`` served compressed on 127.0.0.1 (a free port) from a background thread."""

    def __init__(self, site: Path):
        handler = functools.partial(CompressingHandler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CompressedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site (not the files under ``_static/`` and friends)."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if not path.relative_to(site).parts[0].startswith("_"))


def run_lighthouse(url: str, workdir: Path) -> dict:
    """Lighthouse's mobile run of ``url``: the four scores, LCP (ms) and bytes transferred."""
    report = workdir / "report.json"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=performance,accessibility,best-practices,seo",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", CHROMIUM))
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    audits = data["audits"]
    row = {name: data["categories"][name]["score"] for name in BUDGET}
    row["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    row["fcp_ms"] = round(audits["first-contentful-paint"]["numericValue"])
    row["bytes"] = round(audits["total-byte-weight"]["numericValue"])
    row["failing"] = sorted(
        audit for category in ("accessibility", "best-practices", "seo")
        for ref in data["categories"][category]["auditRefs"]
        if ref["weight"] and (audit := ref["id"]) and audits[audit]["score"] not in (None, 1))
    return row


def misses(row: dict) -> list[str]:
    """What in ``row`` misses the budget (empty when the page meets it)."""
    missed = [f"{name} {row[name]:.2f} < {floor:.2f}" for name, floor in BUDGET.items()
              if row[name] is None or row[name] < floor]
    if row["lcp_ms"] > LCP_BUDGET_MS:
        missed.append(f"LCP {row['lcp_ms'] / 1000:.1f} s > {LCP_BUDGET_MS / 1000:.1f} s")
    if row["bytes"] > BYTES_BUDGET:
        missed.append(f"{row['bytes'] / 1024:.0f} KiB > {BYTES_BUDGET // 1024} KiB")
    return missed


def table(rows: dict[str, dict]) -> str:
    lines = [f"{'page':<48} {'perf':>5} {'a11y':>5} {'bp':>5} {'seo':>5} {'FCP s':>6} "
             f"{'LCP s':>6} {'KiB':>6}  verdict"]
    for page, row in rows.items():
        missed = misses(row)
        scores = " ".join(f"{row[name]:>5.2f}" for name in BUDGET)
        lines.append(f"{page:<48} {scores} {row['fcp_ms'] / 1000:>6.1f} {row['lcp_ms'] / 1000:>6.1f} "
                     f"{row['bytes'] / 1024:>6.0f}  {'ok' if not missed else 'MISS: ' + '; '.join(missed)}")
    return "\n".join(lines)


def measure(site: Path, pages: list[str] | None = None, progress=None) -> dict[str, dict]:
    """Lighthouse rows for ``pages`` (default: every page) of the built ``site``."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` in {ROOT}")
    if shutil.which(os.environ.get("CHROME_PATH", CHROMIUM)) is None:
        raise SystemExit(f"{CHROMIUM} is missing (Debian package chromium), or set CHROME_PATH")
    rows = {}
    with CompressedSite(site) as server, tempfile.TemporaryDirectory() as workdir:
        for page in pages or site_pages(site):
            rows[page] = run_lighthouse(server.base + page, Path(workdir))
            if progress:
                progress(page, rows[page])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", action="append", help="a page of the site (default: all)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site} holds no built site: run the README's build first")
    rows = measure(args.site, args.page,
                   progress=lambda page, row: print(f"  {page}: {row['performance']:.2f}",
                                                    file=sys.stderr))
    print(table(rows))
    failed = {page: misses(row) for page, row in rows.items() if misses(row)}
    for page, row in rows.items():
        if row["failing"]:
            print(f"{page}: audits below 1: {', '.join(row['failing'])}")
    print(f"\n{len(rows) - len(failed)} of {len(rows)} pages within the budget "
          f"(performance >= {BUDGET['performance']}, LCP <= {LCP_BUDGET_MS / 1000} s, the other "
          f"scores 1.0, <= {BYTES_BUDGET // 1024} KiB transferred)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
