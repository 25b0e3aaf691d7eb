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


def number_label_problems(fig, ax, expected: dict[str, tuple[float, str]], vertical: bool = False) -> list[str]:
    """What is wrong with the event numbers of ``ax``: ``expected`` maps each number to
    its marker's date (data units) and its lane's tick label. ``vertical``: lanes are
    columns and time runs down (a phone rendering); "over" then means beside."""
    renderer = _render(fig)
    named = next(a for a in [ax, *fig.axes]  # axes beyond a break share the first one's lane names
                 if any(t.get_text() for t in (a.get_xticklabels() if vertical else a.get_yticklabels())))
    ticks = (zip(named.get_xticklabels(), ax.get_xticks()) if vertical
             else zip(named.get_yticklabels(), ax.get_yticks()))
    lanes = {" ".join(label.get_text().split()):
             ax.transData.transform((tick, 0) if vertical else (0, tick))[0 if vertical else 1]
             for label, tick in ticks}
    # Only the numbers whose markers fall within the axes (a broken axis shows the rest
    # on the next axes).
    low, high = sorted(ax.get_ylim() if vertical else ax.get_xlim())
    expected = {n: where for n, where in expected.items() if low <= where[0] <= high}
    numbers = [t for t in ax.texts if t.get_text().isdigit()
               and low <= mdates.date2num(pd.Timestamp(t.xy[1 if vertical else 0])) <= high]
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
        lane = " ".join(lane.split())
        along = (box.y0, box.y1) if vertical else (box.x0, box.x1)
        marker_at = ax.transData.transform((0, x) if vertical else (x, 0))[1 if vertical else 0]
        marker_lane = lanes[lane]
        if not along[0] - MARKER_RADIUS_PX <= marker_at <= along[1] + MARKER_RADIUS_PX:
            problems.append(f"number {number} is not over its marker (marker at {marker_at:.0f} px, "
                            f"number spans {along[0]:.0f}-{along[1]:.0f} px)")
        centre = (box.x0 + box.x1) / 2 if vertical else (box.y0 + box.y1) / 2
        nearest = min(lanes, key=lambda name: abs(lanes[name] - centre))
        # Across the lane, the marker drawn at this date in this lane (markers close in
        # time are set side by side, off the lane's centre); the lane's centre if none.
        across = [ax.transData.transform(point)[0 if vertical else 1]
                  for line in ax.lines if len(line.get_xydata()) == 1 and line.get_marker() not in (None, "None", "")
                  for point in [(mdates.date2num(line.get_xdata()[0]) if not vertical else line.get_xdata()[0],
                                 mdates.date2num(line.get_ydata()[0]) if vertical else line.get_ydata()[0])]
                  if abs(point[1 if vertical else 0] - x) < 1e-6
                  and abs(ax.transData.transform(point)[0 if vertical else 1] - marker_lane) < 20]
        marker_across = min(across, key=lambda a: abs(a - centre), default=marker_lane)
        if nearest != lane:
            problems.append(f"number {number} sits in the lane {nearest!r}, not its own {lane!r}")
        elif abs(centre - marker_across) > 25:
            problems.append(f"number {number} is {abs(centre - marker_across):.0f} px from its marker")
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


def glance_chart(phone: bool = False):
    """The case-at-a-glance figure, and where each of its numbers belongs."""
    events = in_date_order(load("events", root=ROOT))
    expected = {str(e["number"]): (_middle(e["date_start"], e["date_end"]), DEFENDANT_LABELS[e["concerns"]])
                for _, e in events.iterrows()}
    with charts.house_style():
        fig = glance_figure(events, phone=phone)
    return fig, fig.axes[0], expected


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_case_at_a_glance_numbers_sit_on_their_markers(phone):
    fig, ax, expected = glance_chart(phone)
    problems = legend_problems(fig)
    shown = []
    for ax in fig.axes:  # the case, and after a break the later events
        problems += number_label_problems(fig, ax, expected, vertical=phone)
        low, high = sorted(ax.get_ylim() if phone else ax.get_xlim())
        shown += [n for n, (x, _) in expected.items() if low <= x <= high]
    assert sorted(shown, key=int) == sorted(expected, key=int)  # each event on exactly one axes
    plt.close(fig)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_what_happened_next_numbers_sit_on_their_markers(phone):
    part = disputes.load(ROOT)
    cases, steps = part.cases, part.steps
    names = cases.set_index("id")
    numbered = disputes.numbered_events(steps, cases)
    expected = {str(e["number"]): (_middle(e["date_start"], e["date_end"]),
                                    disputes.lane_label(names.loc[e["dispute"]]))
                for _, e in numbered.iterrows()}
    with charts.house_style():
        fig = disputes.timeline_figure(steps, cases, phone=phone)
    problems = legend_problems(fig)
    for ax in fig.axes:  # one panel, or on a phone US disputes above foreign ones
        lanes = {" ".join(t.get_text().split()) for t in (ax.get_xticklabels() if phone else ax.get_yticklabels())}
        here = {n: where for n, where in expected.items() if " ".join(where[1].split()) in lanes}
        problems += number_label_problems(fig, ax, here, vertical=phone)
    assert sum(len(ax.get_xticklabels() if phone else ax.get_yticklabels()) for ax in fig.axes) == len(cases)
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
