"""Charts as a reader sees them: every number on its own marker, in its own lane, and no
key (legend) over the data.

Each chart is drawn in process by the function its chapter calls, then measured as
rendered (text extents from matplotlib's renderer, in pixels). Where each number should
be is worked out from the data, not from the labels: the event numbered n sits at the
middle of its date span, in the lane its row names.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from als_explainer import charts, disputes, load  # noqa: E402
from als_explainer import jurisdiction as jd  # noqa: E402
from als_explainer.case_record import DEFENDANT_LABELS, glance_figure, in_date_order  # noqa: E402

from conftest import ROOT  # noqa: E402

# How far (pixels at the figure's dpi) a number may sit off its marker's centre line
# and still read as that marker's: a marker is 8 pt across, 11 px at 100 dpi.
MARKER_RADIUS_PX = 6


def _render(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _middle(start, end) -> float:
    return mdates.date2num(pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2)


def number_label_problems(fig, ax, expected: dict[str, tuple[float, str]]) -> list[str]:
    """What is wrong with the event numbers of ``ax``: ``expected`` maps each number to
    its marker's x (data units) and its lane's tick label."""
    renderer = _render(fig)
    lanes = {label.get_text(): ax.transData.transform((0, tick))[1]
             for label, tick in zip(ax.get_yticklabels(), ax.get_yticks())}
    numbers = [t for t in ax.texts if t.get_text().isdigit()]
    problems = []
    drawn = sorted(t.get_text() for t in numbers)
    if drawn != sorted(expected):
        problems.append(f"numbers drawn {drawn}, expected one each of {sorted(expected, key=int)}")
    boxes = {}
    for text in numbers:
        number = text.get_text()
        if number not in expected:
            continue
        box = boxes[number] = text.get_window_extent(renderer)
        x, lane = expected[number]
        marker_x = ax.transData.transform((x, 0))[0]
        marker_y = lanes[lane]
        if not box.x0 - MARKER_RADIUS_PX <= marker_x <= box.x1 + MARKER_RADIUS_PX:
            problems.append(f"number {number} is not over its marker (marker at x={marker_x:.0f} px, "
                            f"number spans {box.x0:.0f}-{box.x1:.0f} px)")
        centre = (box.y0 + box.y1) / 2
        nearest = min(lanes, key=lambda name: abs(lanes[name] - centre))
        if nearest != lane:
            problems.append(f"number {number} sits in the lane {nearest!r}, not its own {lane!r}")
        elif abs(centre - marker_y) > 25:
            problems.append(f"number {number} is {abs(centre - marker_y):.0f} px from its marker")
    names = sorted(boxes, key=int)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if _overlap(boxes[a], boxes[b]):
                problems.append(f"numbers {a} and {b} overlap")
    return problems


def legend_problems(fig) -> list[str]:
    """Legends that cover a marker, a bar or a label drawn inside any axes of ``fig``."""
    renderer = _render(fig)
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    problems = []
    for legend in legends:
        key = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for line in ax.lines:
                if line.get_marker() in (None, "None", "", " "):
                    continue
                for x, y in ax.transData.transform(line.get_xydata()):
                    if key.x0 <= x <= key.x1 and key.y0 <= y <= key.y1:
                        problems.append(f"a legend covers a marker at ({x:.0f}, {y:.0f}) px")
            for artist in [*ax.patches, *ax.texts]:
                box = artist.get_window_extent(renderer)
                if box.width > 0 and box.height > 0 and _overlap(key, box):
                    what = artist.get_text() if hasattr(artist, "get_text") else type(artist).__name__
                    problems.append(f"a legend covers {what!r}")
    return problems


# --------------------------------------------------------------------------- the charts


def glance_chart():
    """The case-at-a-glance figure, and where each of its numbers belongs."""
    events = in_date_order(load("events", root=ROOT))
    expected = {str(e["number"]): (_middle(e["date_start"], e["date_end"]), DEFENDANT_LABELS[e["concerns"]])
                for _, e in events.iterrows()}
    with charts.house_style():
        fig = glance_figure(events)
    return fig, fig.axes[0], expected


def test_case_at_a_glance_numbers_sit_on_their_markers():
    fig, ax, expected = glance_chart()
    problems = number_label_problems(fig, ax, expected) + legend_problems(fig)
    plt.close(fig)
    assert not problems, "\n".join(problems)


def test_what_happened_next_numbers_sit_on_their_markers():
    part = disputes.load(ROOT)
    cases, steps = part.cases, part.steps
    names = cases.set_index("id")
    numbered = disputes.numbered_events(steps, cases)
    expected = {str(e["number"]): (_middle(e["date_start"], e["date_end"]),
                                    disputes.lane_label(names.loc[e["dispute"]]))
                for _, e in numbered.iterrows()}
    with charts.house_style():
        fig = disputes.timeline_figure(steps, cases)
    problems = number_label_problems(fig, fig.axes[0], expected) + legend_problems(fig)
    plt.close(fig)
    assert not problems, "\n".join(problems)


def test_territorial_reach_bars_only_where_a_number_is_stated():
    sites = jd.load_site_locations(root=ROOT)
    with charts.house_style():
        fig, ax = plt.subplots(figsize=(8, 3.8))
        jd.draw_site_record(ax, sites)
    renderer = _render(fig)
    rows = {label.get_text(): tick for label, tick in zip(ax.get_yticklabels(), ax.get_yticks())}
    bars = [p for p in ax.patches if p.get_width() > 0]
    problems = []
    for _, row in sites.iterrows():
        y = rows[row["label"]]
        here = [p for p in bars if p.get_y() <= y <= p.get_y() + p.get_height()]
        if row["status"] == "count-stated":
            if [p.get_width() for p in here] != [row["count"]]:
                problems.append(f"{row['label']}: bars {[p.get_width() for p in here]}, "
                                f"the source states {row['count']}")
            # Its number is printed just past the end of its own bar, in its row.
            end = ax.transData.transform((row["count"], y))
            label = [t for t in ax.texts if t.get_text() == str(int(row["count"]))
                     and abs((t.get_window_extent(renderer).y0 + t.get_window_extent(renderer).y1) / 2
                             - end[1]) < 5]
            if not label or not 0 <= label[0].get_window_extent(renderer).x0 - end[0] < 15:
                problems.append(f"{row['label']}: the number {row['count']} is not at the end of its bar")
        elif here:
            problems.append(f"{row['label']}: no source states a number, yet a bar "
                            f"{here[0].get_width()} long is drawn")
    problems += legend_problems(fig)
    plt.close(fig)
    assert not problems, "\n".join(problems)


def test_label_checker_catches_a_number_in_the_wrong_lane():
    """The checker itself: a number moved into the next lane, or off its marker, fails."""
    fig, ax, expected = glance_chart()
    seven = next(t for t in ax.texts if t.get_text() == "7")
    seven.xyann = (0, 25)  # where the old stacking put it: closer to the lane above
    problems = number_label_problems(fig, ax, expected)
    assert any("number 7 sits in the lane" in p for p in problems), problems
    seven.xyann = (30, 7)
    problems = number_label_problems(fig, ax, expected)
    assert any("number 7 is not over its marker" in p for p in problems), problems
    plt.close(fig)


@pytest.mark.parametrize("where", ["lower left", "center"])
def test_legend_checker_catches_a_key_over_the_data(where):
    part = disputes.load(ROOT)
    cases, steps = part.cases, part.steps
    with charts.house_style():
        fig = disputes.timeline_figure(steps, cases)
    ax = fig.axes[0]
    ax.legend(handles=ax.get_legend().legend_handles, loc=where)
    assert legend_problems(fig)
    plt.close(fig)
