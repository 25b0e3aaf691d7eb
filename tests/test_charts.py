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


def test_publish_writes_svg_into_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("ALS_BOOK_ROOT", str(tmp_path))
    shown = charts.publish(draw(), "unit-test-chart")
    written = tmp_path / "figures" / "unit-test-chart.svg"
    assert written.read_bytes() == charts.svg_bytes(draw())  # same chart, same bytes
    assert "<svg" in shown.data  # and the page gets the SVG too


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
