"""book_extensions.chart_pictures on a one-page book: a chart published with a phone
rendering becomes a <picture> whose phone source the browser picks on a narrow screen,
with one alt text and one caption; the EPUB keeps the desktop image alone."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from sphinx.testing.util import SphinxTestApp

from als_explainer import charts

ALT = "Bars of one to three; the last bar is the tallest."


def notebook(shown: charts.Chart) -> nbformat.NotebookNode:
    """A notebook whose one cell shows ``shown`` as a numbered figure, as chapters do."""
    cell = nbformat.v4.new_code_cell("publish(fig, 'bars')", metadata={"mystnb": {
        "figure": {"caption": "Three bars.", "name": "fig-bars"}, "image": {"alt": ALT}}})
    data = shown._repr_mimebundle_()
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A chart"), cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def draw(phone: bool):
    fig, ax = plt.subplots(figsize=(charts.PHONE_WIDTH, 3) if phone else (7.5, 3))
    ax.barh(["one", "two", "three"], [1, 2, 3])
    return fig


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def build(tmp_path: Path, rootdir: Path, builder: str, phone: bool = True) -> Path:
    src = tmp_path / builder
    shutil.copytree(rootdir / "test-charts", src)
    with charts.house_style():
        shown = charts.publish(charts.drawing(draw), "bars", phone=phone)
    nbformat.write(notebook(shown), src / "chart.ipynb")
    app = SphinxTestApp(builder, srcdir=src)
    try:
        app.build()
        assert not app.warning.getvalue(), app.warning.getvalue()
    finally:
        app.cleanup()
    return Path(app.outdir)


@pytest.fixture
def figures(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path / "book-root"))
    (tmp_path / "book-root" / "figures").mkdir(parents=True)


def test_html_page_offers_the_phone_rendering_as_a_picture_source(tmp_path, rootdir, figures):
    out = build(tmp_path, rootdir, "html")
    tags = Tags((out / "chart.html").read_text(encoding="utf-8")).tags
    names = [t for t, _ in tags]
    start = names.index("picture")
    assert names[start:start + 3] == ["picture", "source", "img"], names
    picture, source, image = (attrs for _, attrs in tags[start:start + 3])
    assert source["media"] == "(max-width: 640px)"
    assert image["alt"] == ALT and "alt" not in source  # one alt text, on the img
    phone, desktop = out / source["srcset"], out / image["src"]
    assert phone.is_file() and desktop.is_file() and phone != desktop
    assert float(picture["data-label-column"]) > 0  # the bars' names sit left of the axes
    assert 0 < float(picture["data-label-rows"]) < 1  # down to the axis, above the years
    # The phone file is the phone rendering, drawn at the width a phone shows it.
    width_pt = float(Tags(phone.read_text(encoding="utf-8")).tags[0][1]["width"].removesuffix("pt"))
    assert width_pt / 72 == pytest.approx(charts.PHONE_WIDTH, rel=0.2)
    assert names.count("figcaption") == 1 and "text/html" not in (out / "chart.html").read_text()


def test_a_chart_without_phone_rendering_stays_a_plain_image(tmp_path, rootdir, figures):
    out = build(tmp_path, rootdir, "html", phone=False)
    names = [t for t, _ in Tags((out / "chart.html").read_text(encoding="utf-8")).tags]
    assert "picture" not in names and "source" not in names and "img" in names


def test_epub_keeps_the_desktop_image_alone(tmp_path, rootdir, figures):
    out = build(tmp_path, rootdir, "epub")
    page = (out / "chart.xhtml").read_text(encoding="utf-8")
    tags = Tags(page).tags
    assert "picture" not in [t for t, _ in tags] and "source" not in [t for t, _ in tags]
    images = [a for t, a in tags if t == "img"]
    assert len(images) == 1 and images[0]["alt"] == ALT
    assert len(list((out / "_images").glob("*.svg"))) == 1  # the phone file is not packed
