"""The house chart style: colour-blind-safe, opaque, deterministic, saved under figures/."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from als_explainer import charts
from als_explainer.data import load

from conftest import ROOT


def draw():
    with charts.house_style():
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [3, 1, 2], label="a line")
        ax.legend()
    return fig


def test_svg_output_is_byte_identical_across_draws():
    first, second = draw(), draw()
    assert charts.svg_bytes(first) == charts.svg_bytes(second)
    assert b"<dc:date>" not in charts.svg_bytes(first)


def test_house_style_has_opaque_background():
    with charts.house_style():
        fig, _ = plt.subplots()
        assert fig.get_facecolor()[3] == 1.0
        assert plt.rcParams["savefig.transparent"] is False


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(charts.CYCLE) <= okabe_ito


def test_publish_writes_both_renderings_into_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path))
    shown = charts.publish(draw(), "unit-test-chart")
    written = tmp_path / "figures" / "unit-test-chart.svg"
    assert written.read_bytes() == charts.svg_bytes(draw())  # same chart, same bytes
    phone = tmp_path / "figures" / "unit-test-chart.phone.svg"
    assert phone.read_bytes() == shown.phone != shown.desktop
    bundle = shown._repr_mimebundle_()
    # The page gets each rendering's <svg> element alone: no XML declaration, no DOCTYPE
    # naming an external DTD (which the EPUB's checker refuses, and HTML does not want).
    assert bundle["image/svg+xml"].startswith("<svg")
    assert written.read_text().count("<!DOCTYPE") == 1
    assert bundle["text/html"].startswith(f'<div class="{charts.PHONE_CLASS}" data-label-column="')
    assert "<!DOCTYPE" not in bundle["text/html"] and "<?xml" not in bundle["text/html"]


def test_phone_rendering_is_drawn_at_phone_width_with_readable_text(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path))
    with charts.house_style():
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.barh(["a long name for a row that needs wrapping", "short"], [3, 1])
        ax.text(1, 0, "small note", fontsize=6)
        ax.legend(handles=charts.legend_patches({"x": "#000000", "y": "#0072B2"}), ncol=2, fontsize=6)
        phone = charts.for_phone(fig)
    assert phone.get_size_inches()[0] == charts.PHONE_WIDTH
    assert charts.smallest_text(phone) >= charts.PHONE_MIN_TEXT
    assert not ax.get_legend() and len(phone.legends) == 1  # the key moved below the chart
    svg = charts.svg_bytes(phone).decode()
    width_in = float(svg.split('width="', 1)[1].split("pt", 1)[0]) / 72
    assert width_in <= charts.PHONE_WIDTH * 1.2
    plt.close(phone)


def test_publish_refuses_a_phone_rendering_with_small_text(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path))

    def tiny(phone: bool):
        fig, ax = plt.subplots(figsize=(charts.PHONE_WIDTH if phone else 7, 3))
        ax.text(0.5, 0.5, "tiny", fontsize=charts.PHONE_MIN_TEXT - 1)
        return fig

    with pytest.raises(ValueError, match="phone rendering has text at"):
        charts.publish(charts.drawing(tiny), "tiny-chart")


def test_publish_without_phone_gives_the_desktop_image_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path))
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "diagram.phone.svg").write_text("stale")
    shown = charts.publish(draw(), "diagram", phone=False)
    assert list(shown._repr_mimebundle_()) == ["image/svg+xml"]
    assert not (tmp_path / "figures" / "diagram.phone.svg").exists()


def test_vertical_timeline_runs_down_the_page_with_lanes_as_columns():
    events = load("events", root=ROOT)
    order = list(dict.fromkeys(events["concerns"]))
    colours = {c: "#000000" for c in order}
    with charts.house_style():
        fig, ax = plt.subplots()
        charts.timeline(ax, events, lane="concerns", colours=colours, vertical=True, spread=True)
    assert ax.yaxis_inverted()  # earliest at the top
    assert ["".join(t.get_text().split()) for t in ax.get_xticklabels()] == order  # names wrap
    offsets = charts.lane_offsets(events, "concerns")
    markers = [line for line in ax.lines if len(line.get_ydata()) == 1]
    for line, (index, event) in zip(markers, events.iterrows()):
        middle = event["date_start"] + (event["date_end"] - event["date_start"]) / 2
        assert pd.Timestamp(line.get_ydata()[0]) == middle
        assert line.get_xdata()[0] == order.index(event["concerns"]) + offsets[index]
    plt.close(fig)


def test_markers_close_in_time_are_set_side_by_side_in_their_lane():
    day = pd.Timestamp("2017-01-01")
    events = pd.DataFrame({
        "lane": ["a", "a", "a", "b"],
        "date_start": [day, day + pd.Timedelta(days=3), day + pd.Timedelta(days=900), day],
    })
    events["date_end"] = events["date_start"]
    offsets = charts.lane_offsets(events, "lane")
    assert list(offsets) == [-charts.SPREAD / 2, charts.SPREAD / 2, 0.0, 0.0]


@pytest.mark.parametrize("bad", ["", "fig-x", "a/b"])
def test_publish_refuses_names_that_are_not_slugs(bad):
    with pytest.raises(ValueError):
        charts.publish(draw(), bad)


def test_timeline_marks_each_event_where_its_dates_put_it():
    events = load("events", root=ROOT)
    colours = {c: "#000000" for c in events["concerns"].unique()}
    with charts.house_style():
        fig, ax = plt.subplots()
        handles = charts.timeline(ax, events, lane="concerns", colours=colours)
    # One marker line per event, plus one span bar per approximate event.
    approximate = int((events["date_precision"] == "approximate").sum())
    assert len(ax.lines) == len(events) + approximate
    # Every marker sits at the middle of the span its date allows.
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    for line, (_, event) in zip(markers, events.iterrows()):
        middle = event["date_start"] + (event["date_end"] - event["date_start"]) / 2
        assert pd.Timestamp(line.get_xdata()[0]) == middle
    assert {h.get_label() for h in handles} == {
        charts.PRECISION_STYLE[p]["label"] for p in events["date_precision"].unique()
    }
    plt.close(fig)


def test_tint_mixes_a_colour_with_white():
    assert charts.tint("#0072B2", 0) == (1.0, 1.0, 1.0)
    assert charts.tint("#0072B2", 1) == pytest.approx((0.0, 114 / 255, 178 / 255))
    # 30 % of Okabe-Ito vermillion (213, 94, 0) over white: 255 - 0.3 * (255 - c) per channel.
    assert tuple(round(c * 255, 1) for c in charts.tint("#D55E00", 0.3)) == (242.4, 206.7, 178.5)


def test_precision_legend_lists_only_precisions_that_occur_in_house_order():
    labels = [h.get_label() for h in charts.precision_handles(["approximate", "day", "day"])]
    assert labels == ["exact day", "approximate (bar = possible span)"]


def test_no_chapter_publishes_a_chart_without_its_phone_rendering():
    """Every chart the book publishes is drawn for phones too: a phone otherwise shows
    the desktop rendering shrunk to its column, with text of 4 to 5 CSS px."""
    import re

    pages = sorted((ROOT / "chapters").glob("*.md")) + [ROOT / "intro.md"]
    cells = [(page.name, code) for page in pages for code in
             re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", page.read_text(encoding="utf-8"),
                        flags=re.DOTALL | re.MULTILINE)]
    published = [(name, code) for name, code in cells if "publish(" in code]
    assert len(published) >= 16, f"only {len(published)} cells publish a chart; the book has 16"
    desktop_only = [name for name, code in published if re.search(r"phone\s*=\s*False", code)]
    assert not desktop_only, f"charts published without a phone rendering in {desktop_only}"


def test_label_rows_end_above_a_key_below_the_axes():
    """The full-size view pins the lane names down to label_area()'s share of the height:
    a key under the axes must lie below that line, or the pinned strip covers it."""
    with charts.house_style():
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.barh(["a lane with a long name", "another lane"], [3, 1])
        ax.legend(handles=charts.legend_patches({"one": "#000000", "two": "#0072B2"}),
                  loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
    column, rows = charts.label_area(fig)
    fig.canvas.draw()
    tight = fig.get_tightbbox()  # inches, as saved with 0.1 in of padding
    key_top = ax.get_legend().get_window_extent().transformed(fig.dpi_scale_trans.inverted()).y1
    assert 0 < column < 0.5 and 0 < rows < 1
    assert tight.y1 + 0.1 - rows * (tight.height + 0.2) >= key_top  # the line runs above the key
    plt.close(fig)
