"""The caching model's charts (als_explainer.proxy_charts): each draws what its caption
says, from the model's own runs, and keeps its text inside the figure."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

from als_explainer.charts import house_style
from als_explainer.proxy_charts import latency_figure, origin_load_figure, proxy_diagram, responses_figure
from als_explainer.proxy_model import RESPONSES, Assumptions, notice_responses, response_runs, simulate

# A small run keeps the tests fast; the charts do not depend on the size.
SMALL = Assumptions(hours=24.0, requests_per_hour=200.0, notice_hour=8.0)


@pytest.fixture(scope="module")
def runs():
    return simulate(SMALL, "direct"), simulate(SMALL, "proxied"), response_runs(SMALL)


def texts_inside(fig) -> None:
    fig.canvas.draw()
    box = fig.bbox
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for text in ax.texts:
            if text.get_text().strip():
                extent = text.get_window_extent(renderer)
                assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, text.get_text()


def test_latency_figure_draws_both_paths_and_every_region(runs):
    direct, proxied, _ = runs
    with house_style():
        fig = latency_figure(direct, proxied)
    left, right = fig.axes
    assert [line.get_label() for line in left.get_lines()] == [
        "straight to the origin", "through the nearest edge server"]
    assert left.get_xscale() == "log"
    regions = [label.get_text() for label in right.get_yticklabels()]
    assert regions and set(regions) <= {r.name for r in SMALL.regions}
    # The proxied median sits left of the direct one for every region (the chart's point).
    direct_x, proxied_x = (line.get_xdata() for line in right.get_lines())
    assert all(p < d for p, d in zip(proxied_x, direct_x))
    plt.close(fig)


def test_origin_load_figure_labels_hit_ratios_as_percentages(runs):
    direct, proxied, _ = runs
    with house_style():
        fig = origin_load_figure(direct, proxied)
    left, right = fig.axes
    assert left.get_ylabel() == "requests reaching the origin"
    labels = [t.get_text() for t in right.texts]
    assert labels and all(label.endswith("%") for label in labels)
    assert len(labels) == len(right.patches)
    texts_inside(fig)
    plt.close(fig)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_responses_figure_has_a_pair_of_panels_per_response_and_the_baseline(runs, phone):
    _, _, by_response = runs
    with house_style():
        fig = responses_figure(notice_responses(SMALL, by_response), SMALL, phone=phone)
    shown = [k for k in RESPONSES if k != "none"]
    titles = [ax.get_title("left" if phone else "center") for ax in fig.axes
              if ax.get_title("left" if phone else "center")]
    assert titles == [RESPONSES[k] for k in shown]
    assert len(fig.axes) == 2 * len(shown)
    for ax in fig.axes:
        styles = [line.get_linestyle() for line in ax.get_lines()]
        assert "--" in styles, "every panel shows the no-action baseline"
        assert any(line.get_xdata()[0] == SMALL.notice_hour for line in ax.get_lines()
                   if len(line.get_xdata()) == 2), "every panel marks the notice"
    plt.close(fig)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_proxy_diagram_uses_documentation_addresses_only(phone):
    with house_style():
        fig = proxy_diagram(phone=phone)
    words = " ".join(t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts)
    # Both renderings tell the same story: the same boxes and the same numbered steps.
    for step in ("DNS", "Reader", "Edge server", "Origin server", "1. where is", "2. at",
                 "3. request", "4. only when its cache"):
        assert step in words, step
    assert "203.0.113.7" in words and "198.51.100.20" in words  # RFC 5737 example ranges
    for address in re.findall(r"\b\d+\.\d+\.\d+\.\d+\b", words):
        assert address.startswith(("192.0.2.", "198.51.100.", "203.0.113.")), address
    texts_inside(fig)
    plt.close(fig)
