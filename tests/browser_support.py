"""What the browser tests need besides the test functions: finding Chromium, Playwright and
axe-core; serving the built site on 127.0.0.1; and visiting one page to collect everything
the quality gates look at (console, requests, accessibility, images, layout at 390 px,
copy buttons, figures in dark mode).

Everything is installed by ``scripts/test.sh``: Debian's ``chromium`` package, Playwright
for Python (``requirements-test.txt``, driving that Chromium, never a downloaded browser)
and axe-core (``tests/package.json``, installed with ``npm ci``).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TESTS = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
# A local port that refuses every connection while this process runs: bound (so that no
# server of the run can take it) and never listening.
_NO_PROXY = socket.socket()
_NO_PROXY.bind(("127.0.0.1", 0))
# Flags for a quiet, offline, reproducible headless Chromium (as root, hence no sandbox).
# Offline: every request to another host, by name or by address, goes to a proxy on that
# port and fails inside the machine; Chromium never sends its own loopback, where the site
# is served, through a proxy. (Playwright's request routing could refuse them too, but it
# turns the browser's cache off and hands every request to Python: 10-30 % more CPU.)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--no-default-browser-check", "--metrics-recording-only", "--mute-audio",
    f"--proxy-server=http://127.0.0.1:{_NO_PROXY.getsockname()[1]}",
]
#: How Chromium reports a request that the flags above refused.
REFUSED = "net::ERR_PROXY_CONNECTION_FAILED"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe-core rule tags for WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def missing_tools() -> list[str]:
    """What the browser tests lack on this machine, in words (empty when all is there)."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (requirements-test.txt)")
    if not AXE.exists():
        missing.append(f"{AXE.relative_to(TESTS.parent)} (npm ci in tests/)")
    return missing


# ------------------------------------------------------------------------------ server

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


class SiteServer:
    """The built HTML served on 127.0.0.1 (a free port) from a background thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.base = f"http://{self.host}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------------------------ in-page

# Runs before any page script: records what the copy buttons put on the clipboard,
# whichever API they use (ClipboardJS's execCommand("copy") or navigator.clipboard).
RECORD_COPIES = """
window.__copied = [];
document.addEventListener("copy", () => {
  const el = document.activeElement;
  let text = "";
  if (el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT")) {
    text = el.value.substring(el.selectionStart, el.selectionEnd);
  } else {
    text = String(document.getSelection());
  }
  window.__copied.push(text);
}, true);
if (navigator.clipboard && navigator.clipboard.writeText) {
  const original = navigator.clipboard.writeText.bind(navigator.clipboard);
  navigator.clipboard.writeText = (text) => {
    window.__copied.push(String(text)); return original(text).catch(() => {});
  };
}
"""

# Code a reader may want to copy: cell inputs and code blocks, not cell outputs.
CODE_INPUTS = (".bd-article div.highlight > pre:not(.cell_output pre):not(.output pre)")

# The content images of the page (inside the article, not the theme's logo or icons).
IMAGES = """
() => Array.from(document.querySelectorAll("main img, article img, .bd-article img"))
  .filter((img, i, all) => all.indexOf(img) === i)
  .map(img => ({src: img.getAttribute("src") || "", alt: img.getAttribute("alt"),
                role: img.getAttribute("role") || "", decorative: img.closest("[aria-hidden=true]") !== null}))
"""

# Horizontal overflow of the whole page, and what causes it: the innermost boxes whose
# content is wider than they are (a long word or URL in a paragraph) or that stick out
# past the viewport, unless they sit inside a box that scrolls on its own.
OVERFLOW = r"""
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = el => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + Array.from(el.classList).slice(0, 2).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || scrolls(el)) continue;
    const overflowing = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
                        && getComputedStyle(el).overflowX === "visible";
    if (overflowing || r.right > width + 1) wide.push(el);
  }
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  window.scrollTo(10000, 0);
  const scrolled = window.scrollX;
  window.scrollTo(0, 0);
  return {scrollWidth: root.scrollWidth, clientWidth: width, scrolled,
          offenders: innermost.slice(0, 5).map(name)};
}
"""

# Every figure image, and what could hide it: size, opacity, visibility, filters.
FIGURES = """
() => Array.from(document.querySelectorAll(
    ".bd-article figure img, .bd-article figure svg, .bd-article .cell_output img"))
  .map(img => {
    const r = img.getBoundingClientRect();
    let opacity = 1, hidden = "", filters = [];
    for (let el = img; el && el !== document.documentElement; el = el.parentElement) {
      const s = getComputedStyle(el);
      opacity *= parseFloat(s.opacity);
      if (s.visibility !== "visible" || s.display === "none") {
        const how = s.display === "none" ? "display:none" : "visibility:" + s.visibility;
        hidden = `${el.tagName.toLowerCase()} is ${how}`;
      }
      if (s.filter && s.filter !== "none") filters.push(s.filter);
    }
    const s = getComputedStyle(img);
    return {src: img.getAttribute("src") || img.tagName.toLowerCase(), width: r.width, height: r.height,
            opacity, hidden, filters, background: s.backgroundColor};
  })
"""


@dataclass
class PageReport:
    """What one page did in the browser. Every list holds sentences that name a problem."""

    page: str
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    axe_violations: list[str] = field(default_factory=list)
    axe_rules_run: int = 0
    images: list[dict] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    copies: list[dict] = field(default_factory=list)
    copy_buttons_in_outputs: int = 0
    code_inputs: int = 0
    downloads: list[str] = field(default_factory=list)
    dark_theme: str = ""
    dark_figures: list[dict] = field(default_factory=list)
    phone_menu: dict = field(default_factory=dict)
    tall_rows: list[str] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    case_card: dict | None = None
    clipped_tables: list[str] = field(default_factory=list)
    phone_unfit_tables: list[str] = field(default_factory=list)
    zoom: list[dict] = field(default_factory=list)
    phone_charts: list[dict] = field(default_factory=list)


def _watch(page, report: PageReport, server: SiteServer, label: str):
    """Record console errors, failed and foreign requests of ``page`` into ``report``,
    until the function this returns is called."""

    def on_console(msg):
        if msg.type == "error":
            report.console_errors.append(f"[{label}] console error: {msg.text}")

    def on_request(request):
        report.requests.append(request.url)
        host = urlsplit(request.url).netloc
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != server.host:
            report.foreign_requests.append(f"[{label}] request to another host: {request.url}")

    def on_failed(request):
        report.failed_requests.append(f"[{label}] request failed ({request.failure}): {request.url}")

    def on_response(response):
        if response.status >= 400:
            report.failed_requests.append(f"[{label}] HTTP {response.status}: {response.url}")

    def on_pageerror(err):
        report.console_errors.append(f"[{label}] uncaught error: {err}")

    listeners = {"console": on_console, "pageerror": on_pageerror, "request": on_request,
                 "requestfailed": on_failed, "response": on_response}
    for event, listener in listeners.items():
        page.on(event, listener)

    def stop() -> None:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)

    return stop


def run_axe(page) -> tuple[list[str], int]:
    """axe-core's WCAG 2.1 A/AA violations of impact serious or critical, in words."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                      targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                      count: v.nodes.length})),
                    rules: r.violations.length + r.passes.length + r.incomplete.length + r.inapplicable.length};
        }""",
        WCAG_TAGS,
    )
    problems = [
        f"axe {v['impact']} violation {v['id']} ({v['help']}) on {v['count']} element(s), "
        f"e.g. {', '.join(v['targets'])}"
        for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS
    ]
    return problems, result["rules"]


def check_copy_buttons(page) -> list[dict]:
    """Click every copy button in the article; return what each put on the clipboard."""
    # Collapsed code ("Show code cell source") is opened first, as a reader would.
    page.evaluate("() => document.querySelectorAll('.bd-article details').forEach(d => d.open = true)")
    buttons = page.locator(".bd-article button.copybtn")
    copies = []
    for i in range(buttons.count()):
        button = buttons.nth(i)
        target = button.get_attribute("data-clipboard-target") or ""
        shown = page.evaluate(
            "(sel) => { const el = document.querySelector(sel); return el ? el.innerText : null; }", target)
        in_input = page.evaluate(
            "(sel) => { const el = document.querySelector(sel); return !!(el && el.closest('.cell_input')); }",
            target)
        before = page.evaluate("() => window.__copied.length")
        button.scroll_into_view_if_needed()
        button.click(force=True)  # the button fades in on hover; force skips the wait
        page.wait_for_function("(n) => window.__copied.length > n", arg=before, timeout=5000)
        copied = page.evaluate("() => window.__copied[window.__copied.length - 1]")
        copies.append({"target": target, "shown": shown, "copied": copied, "in_input": in_input})
    return copies


def switch_to_dark(page) -> str:
    """Click the theme's light/dark toggle until the page is dark; return the theme."""
    toggle = page.locator("button.theme-switch-button").first
    for _ in range(3):
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        toggle.click()
    return page.evaluate("() => document.documentElement.dataset.theme")


def figure_pixels(page, index: int) -> dict:
    """How light and how dark the pixels of the index-th figure image are, as painted."""
    from PIL import Image

    element = page.locator(".bd-article figure img, .bd-article figure svg, "
                           ".bd-article .cell_output img").nth(index)
    element.scroll_into_view_if_needed()
    png = element.screenshot(animations="disabled")
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()  # 256 grey levels
    n = sum(histogram) or 1
    return {"light": sum(histogram[170:]) / n, "dark": sum(histogram[:101]) / n}


def tables_done(page) -> None:
    """Wait until tables.js has done every table of the page (it does those on the first
    screen before the first paint and the rest a table per idle task: <html data-tables=
    "ready">), so a gate sees every table as a reader does once the page has settled."""
    # Up to 30 s: on a busy machine each idle task may wait its full 500 ms (22 tables: 11 s).
    page.wait_for_function("() => document.documentElement.dataset.tables === 'ready'", timeout=30000)


# Tables wider than their column (the article's text column): such a table is cut, or
# scrolls sideways in a box, whatever cue it carries. tables.js turns them into cards.
# A table that looks too wide is drawn, as for a reader who scrolls to it, and measured
# again after the frames tables.js takes to lay out again a table that widened once drawn
# (it watches the tables it has done; one not drawn yet is measured as first laid out).
UNFIT_TABLES = r"""
async () => {
  const article = document.querySelector("article.bd-article");
  const unfit = () => Array.from(document.querySelectorAll(".bd-article table")).map((table, i) => {
    const box = table.closest(".pst-scrollable-table-container") || table.parentElement;
    const column = Math.min(box.clientWidth, article.clientWidth);
    const width = Math.max(table.scrollWidth, table.getBoundingClientRect().width, box.scrollWidth);
    if (width <= column + 1) return null;
    const caption = table.caption ? table.caption.textContent.trim().replace(/\s+/g, " ").slice(0, 50) : "no caption";
    return {box, problem: `table ${i + 1} (${caption}) is ${Math.round(width)} px wide in a ${column} px column`};
  }).filter(Boolean);
  const first = unfit();
  if (!first.length) return [];
  first.forEach(({box}) => { box.style.contentVisibility = "visible"; });
  for (let frame = 0; frame < 3; frame++) await new Promise(next => requestAnimationFrame(next));
  return unfit().map(({problem}) => problem);
}
"""

# Table rows taller than the screen (a reader loses the row's start while reading it).
TALL_ROWS = r"""
(limit) => Array.from(document.querySelectorAll(".bd-article table tr"))
  .map((row, i) => [row, row.getBoundingClientRect().height])
  .filter(([row, h]) => h > limit)
  .map(([row, h]) => `a row ${Math.round(h)} px tall: "${row.textContent.trim().replace(/\s+/g, " ").slice(0, 60)}"`)
"""

# The article's paragraphs as a phone lays them out: how many lines each runs to (its
# height over its line height) and its first words. Table cells and captions are not
# paragraphs of the text.
PARAGRAPH_LINES = r"""
() => Array.from(document.querySelectorAll(".bd-article p"))
  .filter(p => p.offsetParent !== null && !p.closest("table, figcaption, .caption"))
  .map(p => { const s = getComputedStyle(p);
    const line = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);
    return {lines: Math.round(p.getBoundingClientRect().height / line),
            text: p.textContent.trim().replace(/\s+/g, " ").slice(0, 60)}; })
"""

# The landing page's case card: where it ends on the page, and the fields it gives.
CASE_CARD = r"""
() => { const card = document.querySelector(".bd-article .case-card"); if (!card) return null;
  return {bottom: card.getBoundingClientRect().bottom + window.scrollY,
          fields: Array.from(card.querySelectorAll("dt"), dt => dt.textContent.trim())}; }
"""

# What is painted on top at the centre of an element (a tooltip left over, say).
ON_TOP = """
(sel) => { const el = document.querySelector(sel); if (!el) return null;
  const r = el.getBoundingClientRect();
  const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return top && (el === top || el.contains(top)) ? "" : (top ? top.outerHTML.slice(0, 80) : "nothing"); }
"""
HEADER_BUTTONS = [".bd-header-article .primary-toggle", ".bd-header-article .secondary-toggle",
                  ".bd-header-article .theme-switch-button", ".bd-header-article .search-button"]


def _settles(page, condition: str, arg=None, timeout: int = 5000) -> bool:
    """Whether ``condition`` (a JS function of ``arg``) becomes true within ``timeout`` ms."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, arg=arg, timeout=timeout)
        return True
    except PlaywrightTimeout:
        return False


def tap_menus(page) -> dict:
    """Tap the phone's navigation and page-contents buttons as a reader would; say what
    opened and whether anything else (a tooltip) was left covering a header button."""
    result = {"primary": None, "secondary": None, "covered": []}
    for name, button, dialog in [("primary", ".bd-header-article .primary-toggle", "pst-primary-sidebar-modal"),
                                 ("secondary", ".bd-header-article .secondary-toggle", "pst-secondary-sidebar-modal")]:
        if page.locator(button).count() == 0:
            continue
        page.locator(button).first.tap()
        opened = """(id) => { const d = document.getElementById(id);
                 return !!(d && d.open && d.querySelector("a") && d.getBoundingClientRect().width > 150); }"""
        result[name] = _settles(page, opened, dialog)
        page.keyboard.press("Escape")
        _settles(page, "(id) => !(document.getElementById(id) || {}).open", dialog)
        for other in HEADER_BUTTONS:
            # Given up to 2 s for closing transitions; what still covers a button then is
            # in the reader's way.
            if _settles(page, f"(sel) => ({ON_TOP.strip()})(sel) !== 'nothing' && !({ON_TOP.strip()})(sel)",
                        other, timeout=2000):
                continue
            covering = page.evaluate(ON_TOP, other)
            if covering:
                result["covered"].append(f"after tapping {name}: {other} is covered by {covering}")
    return result


def open_charts(page, phone: bool) -> list[dict]:
    """Open every chart full size (a tap on a phone; the keyboard on a desktop), measure
    it, close it with Escape; report what happened."""
    results = []
    images = page.locator(".bd-article figure img, .bd-article .cell_output img")
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        figure_button = page.locator("button.chart-zoom-open").nth(i)
        if not phone and page.locator("button.chart-zoom-open").count() <= i:
            results.append({"open": False, "phone": phone, "index": i})  # no button to press
            continue
        if phone:
            image.tap()
        else:
            figure_button.focus()
            page.keyboard.press("Enter")
        _settles(page, "() => !!(document.querySelector('dialog.chart-zoom-dialog') || {}).open")
        _settles(page, "() => { const i = document.querySelector('dialog.chart-zoom-dialog img');"
                       " return !!i && i.complete && i.naturalWidth > 0 && !!i.style.width; }")
        state = page.evaluate("""(i) => {
            const d = document.querySelector("dialog.chart-zoom-dialog");
            const shown = document.querySelectorAll(".bd-article figure img, .bd-article .cell_output img")[i];
            const picture = shown && shown.closest("picture");
            const column = picture ? parseFloat(picture.getAttribute("data-label-column")) : 0;
            const big = d && d.open ? d.querySelector("img") : null;
            if (!big) return {open: false};
            // Scrolled to the far right, the pinned copy of the lane names stays at the left.
            const frame = d.querySelector(".chart-zoom-frame");
            frame.scrollLeft = frame.scrollWidth;
            const pin = d.querySelector(".chart-zoom-pin");
            const rows = picture ? parseFloat(picture.getAttribute("data-label-rows") || "1") : 1;
            const whole = big.getBoundingClientRect();
            return {open: true, width: whole.width, natural: big.naturalWidth,
                    scrolls: frame.scrollWidth > frame.clientWidth + 1, column: column, rows: rows,
                    pinned: pin ? Math.abs(pin.getBoundingClientRect().left
                                           - frame.getBoundingClientRect().left) < 2 : false,
                    // How far down the chart the pinned strip reaches (share of its height).
                    pin_reach: pin ? (pin.getBoundingClientRect().bottom - whole.top) / whole.height : 0};
        }""", i)
        page.keyboard.press("Escape")
        _settles(page, "() => !(document.querySelector('dialog.chart-zoom-dialog') || {}).open")
        state["closed"] = page.evaluate(
            "() => !(document.querySelector('dialog.chart-zoom-dialog') || {}).open")
        # The dialog's close event, which hands focus back, fires just after it closes.
        state["focus_back"] = _settles(
            page, "(i) => document.activeElement === document.querySelectorAll('button.chart-zoom-open')[i]", i)
        state["phone"] = phone
        state["index"] = i
        results.append(state)
    return results


# Each chart as a phone shows it: the file the browser chose, its own width and the width
# it is shown at (after scrolling it into view, so a lazily loaded chart has loaded).
PHONE_CHARTS = """
async () => {
  const out = [];
  for (const img of document.querySelectorAll(".bd-article figure img")) {
    img.scrollIntoView();
    if (!img.complete) await new Promise(done => { img.onload = img.onerror = done; });
    const picture = img.closest("picture");
    const source = picture && picture.querySelector("source");
    out.push({figure: (img.closest("figure") || {}).id || "", chosen: img.currentSrc,
              phone: source ? new URL(source.getAttribute("srcset"), location.href).href : "",
              natural: img.naturalWidth, shown: img.getBoundingClientRect().width, alt: img.alt});
  }
  return out;
}
"""


#: Each reader's tab, per browser: (browser id, reader) -> page.
_TABS: dict = {}
#: The readers a tab can be opened for: the context each one's tab lives in.
READERS = {
    "desktop": {"viewport": DESKTOP},
    "tablet": {"viewport": {"width": 768, "height": 1024}},  # held upright
    "phone": {"viewport": PHONE, "has_touch": True, "is_mobile": True},  # a touch screen
}


def reader_tab(browser, reader: str):
    """The tab of one of :data:`READERS` in ``browser``, opened once and then navigated
    from page to page, as a reader moves through the book. A new tab (or a detour through
    ``about:blank``) starts a renderer and compiles the theme's scripts afresh; going
    straight to the next page of the site reuses them, about a third less of the browser's
    CPU per page. :func:`leave_page` forgets what a page stored, so the next page loads as
    a first visit would."""
    key = (id(browser), reader)
    if key not in _TABS:
        context = browser.new_context(service_workers="block", **READERS[reader])
        if reader == "desktop":
            context.add_init_script(RECORD_COPIES)
        _TABS[key] = context.new_page()
    return _TABS[key]


def leave_page(page) -> None:
    """Forget what the page stored (the theme's light or dark choice, the sidebars' state),
    so the next page opens as a first visit would; a tab that cannot (it crashed, or a
    test failed halfway through a page) is closed, and the next visit opens a new one."""
    try:
        if page.url != "about:blank":  # (a new tab's: it stores nothing, and may not be asked)
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.mouse.move(0, 0)  # where a new tab's pointer starts
    except Exception:  # noqa: BLE001 - whatever broke the tab, a new one replaces it
        for key in [key for key, tab in _TABS.items() if tab is page]:
            del _TABS[key]
        page.context.close()


@contextlib.contextmanager
def reader_page(browser, server: SiteServer, reader: str, page_name: str, query: str = "",
                wait_until: str = "load", settled: bool = True):
    """One page of the site (``query``: what follows its address, "?q=word"), loaded in
    ``reader``'s warm tab (:func:`reader_tab`) and, unless ``settled`` is false, with every
    table done (:func:`tables_done`); left (:func:`leave_page`) when the block ends."""
    page = reader_tab(browser, reader)
    try:
        page.goto(f"{server.base}{page_name}.html{query}", wait_until=wait_until)
        if settled:
            tables_done(page)
        yield page
    finally:
        leave_page(page)


def visit(browser, server: SiteServer, page_name: str) -> PageReport:
    """Open one page as a desktop reader and as a phone reader; collect everything."""
    url = server.base + page_name + ".html"
    report = PageReport(page=page_name, url=url)

    page = reader_tab(browser, "desktop")
    stop = _watch(page, report, server, "desktop")
    try:
        page.goto(url, wait_until="networkidle")
        tables_done(page)
        report.axe_violations, report.axe_rules_run = run_axe(page)
        report.images = page.evaluate(IMAGES)
        report.downloads = page.eval_on_selector_all(
            ".bd-article a.download, .bd-article a[download]", "links => links.map(a => a.href)")
        report.copy_buttons_in_outputs = page.locator(".cell_output button.copybtn, .output button.copybtn").count()
        report.code_inputs = page.locator(CODE_INPUTS).count()
        report.copies = check_copy_buttons(page)
        report.clipped_tables = page.evaluate(UNFIT_TABLES)
        report.zoom += open_charts(page, phone=False)
        if page.evaluate(FIGURES):
            report.dark_theme = switch_to_dark(page)
            page.wait_for_timeout(300)  # let the theme's transitions finish
            report.dark_figures = page.evaluate(FIGURES)
            for i, fig in enumerate(report.dark_figures):
                if fig["width"] > 0 and fig["height"] > 0:
                    fig.update(figure_pixels(page, i))
    finally:
        stop()
        leave_page(page)

    page = reader_tab(browser, "phone")
    stop = _watch(page, report, server, "390px")
    try:
        page.goto(url, wait_until="load")
        tables_done(page)
        report.overflow = page.evaluate(OVERFLOW)
        report.tall_rows = page.evaluate(TALL_ROWS, PHONE["height"])
        report.paragraphs = page.evaluate(PARAGRAPH_LINES)
        report.case_card = page.evaluate(CASE_CARD)
        report.phone_charts = page.evaluate(PHONE_CHARTS)
        report.phone_unfit_tables = page.evaluate(UNFIT_TABLES)
        report.phone_menu = tap_menus(page)
        report.zoom += open_charts(page, phone=True)
    finally:
        stop()
        leave_page(page)
    return report


def visit_once(folder: Path, browser, server: SiteServer, page_name: str, timeout: float = 600) -> PageReport:
    """:func:`visit`, once per test run whichever worker asks first; the others wait for
    its report (a JSON file in ``folder``, shared by the run's workers).

    A page's gates are spread over the workers in no particular order, and a visit costs
    seconds of browser time, so each page is opened once and its report shared. The
    first worker claims the page by creating a folder (atomic); if its visit fails, the
    report says so and every gate of that page fails with the reason.
    """
    folder.mkdir(parents=True, exist_ok=True)
    slug = page_name.replace("/", "__")
    done = folder / f"{slug}.json"
    try:
        (folder / f"{slug}.claimed").mkdir()
    except FileExistsError:
        return _report_of_another_process(done, page_name, timeout)
    try:
        report = visit(browser, server, page_name)
        payload = {"report": asdict(report)}
    except Exception as err:
        payload = {"error": f"{type(err).__name__}: {err}"}
        raise
    finally:
        partial = done.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(partial, done)  # whole or not at all: a waiting worker never reads half
    return report


def _report_of_another_process(done: Path, page_name: str, timeout: float) -> PageReport:
    deadline = time.monotonic() + timeout
    while not done.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page_name}: another test process never finished its visit")
        time.sleep(0.2)
    payload = json.loads(done.read_text(encoding="utf-8"))
    if "error" in payload:
        raise RuntimeError(f"{page_name}: the visit failed in another test process: {payload['error']}")
    return PageReport(**payload["report"])

