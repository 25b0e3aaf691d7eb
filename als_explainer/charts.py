"""The book's house chart style, and the one way a chart leaves a chapter.

``publish(chart, name)`` draws the chart twice, for a desktop and for a phone (about
the width a phone shows it, so its text stays at about 9 CSS px or more there), writes
``figures/<name>.svg`` and ``figures/<name>.phone.svg`` byte for byte the same on every
build (fixed hash salt, no timestamp) and returns both for the page, where the cell's
``mystnb`` metadata gives them one numbered caption, a ``fig-`` name and alt text.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
import warnings
from collections.abc import Callable
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no GUI, same output everywhere; the page gets the SVGs we return

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import AutoLocator, MaxNLocator  # noqa: E402

from .paths import figures_dir  # noqa: E402

# Okabe & Ito's colour-blind-safe palette, named by hue so chapters say what they mean.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#6E6E6E",
}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]

HOUSE_STYLE = {
    # Opaque white paper, so a chart stays readable when the site is in dark mode.
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (7.5, 3.8),
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.labelsize": 10,
    "axes.titlesize": 11,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "lines.linewidth": 2,
    # Deterministic SVG: fixed ids, text as paths (looks the same in every browser).
    "svg.hashsalt": "als-scan-v-cloudflare",
    "svg.fonttype": "path",
}


def tint(colour: str, amount: float = 0.3) -> tuple[float, float, float]:
    """A pale, opaque version of ``colour``: ``amount`` of it over white (0 = white)."""
    r, g, b = to_rgb(colour)
    return (1 - amount * (1 - r), 1 - amount * (1 - g), 1 - amount * (1 - b))


def use_house_style() -> None:
    """Apply the house style to every chart drawn after this call."""
    matplotlib.rcParams.update(HOUSE_STYLE)


@contextmanager
def house_style():
    """The house style for one block of code only (used by tests and one-off charts)."""
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


#: matplotlib writes the outline of a blank glyph (a space) as a ``<path>`` without ``d``,
#: which SVG 1.1 requires (the EPUB checker refuses the file); an empty outline says the same.
_BLANK_GLYPH = re.compile(rb'<path id="([^"]+)" transform="([^"]*)"/>')


def svg_bytes(fig) -> bytes:
    """The figure as valid SVG bytes with no volatile metadata."""
    buffer = io.BytesIO()
    # The salt must be in force when saving, whatever style was active when drawing.
    with matplotlib.rc_context({k: HOUSE_STYLE[k] for k in ("svg.hashsalt", "svg.fonttype")}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _BLANK_GLYPH.sub(rb'<path id="\1" d="" transform="\2"/>', buffer.getvalue())


# ---------------------------------------------------------------------------- phones

#: The phone rendering's width: matplotlib writes SVG sizes in points, which a browser
#: shows at 4/3 CSS px each, so 3.6 in is 346 CSS px, the text column of a 390 px phone.
PHONE_WIDTH = 3.6  # inches
#: No text in a phone rendering is smaller: 8 pt is 10.7 CSS px at the width it is drawn,
#: and still 9 CSS px if the rendering comes out a fifth wider than :data:`PHONE_WIDTH`.
PHONE_MIN_TEXT = 8.0  # points
#: The most tick labels a phone rendering puts on an axis of numbers or years.
PHONE_TICKS = 5
#: The class of the ``div`` that carries a phone rendering (the build reads it by name).
PHONE_CLASS = "chart-phone-rendering"


def smallest_text(fig) -> float:
    """The size (points) of the smallest visible text in ``fig``, after drawing it."""
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes, default=math.inf)


def for_phone(fig, height: float | None = None):
    """Lay ``fig`` out again for a phone: :data:`PHONE_WIDTH` wide, ``height`` inches tall
    (the desktop height unless given), every key in one column, no text smaller than
    :data:`PHONE_MIN_TEXT` and at most :data:`PHONE_TICKS` labels on an axis of numbers or
    years. The same figure, so the same data and drawing code; charts whose shape must
    change on a phone (timelines run down the page) draw their own phone rendering."""
    fig.set_size_inches(PHONE_WIDTH, height or fig.get_size_inches()[1])
    for ax in fig.axes:
        locator = ax.xaxis.get_major_locator()
        if isinstance(locator, mdates.YearLocator):
            first, last = (mdates.num2date(x).year for x in sorted(ax.get_xlim()))
            ax.xaxis.set_major_locator(mdates.YearLocator(max(1, math.ceil((last - first) / PHONE_TICKS))))
        elif isinstance(locator, AutoLocator) and ax.get_xscale() == "linear":
            ax.xaxis.set_major_locator(MaxNLocator(PHONE_TICKS))
    # Every key again in one column, below the chart, where it covers nothing.
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    entries = {}
    for legend in legends:
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            entries.setdefault(text.get_text(), handle)
        legend.remove()
    if entries:
        fig.legend(list(entries.values()), list(entries), loc="outside lower left", ncols=1)
    fig.canvas.draw()  # tick labels exist once drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            if labels and labels[0].get_fontsize() < PHONE_MIN_TEXT:
                axis.set_tick_params(labelsize=PHONE_MIN_TEXT)
    for text in fig.findobj(Text):
        if text.get_fontsize() < PHONE_MIN_TEXT:
            text.set_fontsize(PHONE_MIN_TEXT)
    for ax in fig.axes:  # long names and titles wrap; names that would collide stand upright
        ax.set_yticks(ax.get_yticks(), [textwrap.fill(t.get_text(), 20) for t in ax.get_yticklabels()])
        ax.set_ylim(*ax.get_ylim())  # set_yticks must not move the axis ends
        fig.canvas.draw()
        boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        if any(a.x1 > b.x0 for a, b in zip(boxes, boxes[1:])):
            ax.tick_params(axis="x", labelrotation=90)
    fig.canvas.draw()
    for text in fig.findobj(Text):  # a title wider than the phone wraps
        if text.get_window_extent().width > 0.9 * fig.bbox.width:
            text.set_text(textwrap.fill(text.get_text(), 40))
    if any(ax.axison for ax in fig.axes):
        fig.set_layout_engine("constrained")
    for _ in range(6):  # taller until no two lane names touch
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            try:
                fig.canvas.draw()
            except UserWarning:  # a figure with its own spacing the layout cannot keep
                fig.set_layout_engine("none")
                fig.canvas.draw()
        if not any(_touching([t.get_window_extent() for t in ax.get_yticklabels() if t.get_text()])
                   for ax in fig.axes):
            break
        fig.set_size_inches(PHONE_WIDTH, fig.get_size_inches()[1] * 1.25)
    return fig


def names_above(ax, width: int = 46) -> None:
    """For a phone: each row's name (its y tick label) written above the row, from the
    axes' left edge across the whole width, instead of in a column that leaves the
    data a sliver. Rows are one unit apart; whatever is drawn in a row keeps below a
    line 6 points above the row's centre."""
    ticks, labels = ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]
    for tick, label in zip(ticks, labels):
        ax.annotate(textwrap.fill(" ".join(label.split()), width), (0, tick), xytext=(0, 7),
                    xycoords=ax.get_yaxis_transform(), textcoords="offset points", ha="left",
                    va="bottom", fontsize=PHONE_MIN_TEXT, color="#222222")
    ax.set_yticks(ticks, [""] * len(ticks))
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(ax.get_ylim()[0], max(ticks) + 0.8)


def _touching(boxes) -> bool:
    boxes = sorted(boxes, key=lambda b: b.y0)
    return any(a.y1 > b.y0 for a, b in zip(boxes, boxes[1:]))


def label_area(fig) -> tuple[float, float]:
    """Where ``fig``'s label column (the lane names, its y-axis labels) lies, as saved:
    the share of the width before its leftmost axes, and the share of the height from
    the top down to the foot of its lowest axes. The full-size view keeps that strip in
    view; the key and anything else below the axes lie under it, and stay uncovered.
    (0, 1) for a figure without axes."""
    axes = [ax for ax in fig.axes if ax.axison]
    if not axes:
        return 0.0, 1.0
    fig.canvas.draw()
    tight = fig.get_tightbbox()  # inches; saving adds 0.1 in of padding on each side
    width, height = fig.get_size_inches()
    left = min(ax.get_position().x0 for ax in axes) * width
    bottom = min(ax.get_position().y0 for ax in axes) * height
    return (round(max(0.0, (left - tight.x0 + 0.1) / (tight.width + 0.2)), 3),
            round(min(1.0, max(0.0, (tight.y1 + 0.1 - bottom) / (tight.height + 0.2))), 3))


class Chart:
    """A published chart as the page gets it: the desktop rendering as the image, and
    the phone rendering beside it (``text/html``: its SVG in a ``div`` of class
    :data:`PHONE_CLASS`, whose ``data-label-column`` and ``data-label-rows`` are the
    desktop rendering's :func:`label_area`), which the build's
    ``chart_pictures`` extension makes the ``<picture>`` source a phone's browser picks.
    Editions without pictures (PDF, EPUB) keep the desktop image."""

    def __init__(self, desktop: bytes, phone: bytes | None, column: float = 0.0, rows: float = 1.0):
        self.desktop, self.phone, self.column, self.rows = desktop, phone, column, rows

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.phone is None:
            return {"image/svg+xml": svg_element(self.desktop)}
        wrapper = (f'<div class="{PHONE_CLASS}" data-label-column="{self.column:g}" '
                   f'data-label-rows="{self.rows:g}">')
        return {"image/svg+xml": svg_element(self.desktop),
                "text/html": f"{wrapper}{svg_element(self.phone)}</div>"}


def svg_element(data: bytes) -> str:
    """The ``<svg>`` element of an SVG file, without the XML declaration and the DOCTYPE
    before it: the EPUB's checker refuses a DOCTYPE that names an external DTD, and
    inside a web page's HTML neither belongs."""
    text = data.decode()
    return text[text.index("<svg"):]


#: A chart whose phone rendering changes shape: ``draw(phone)`` returns its figure.
Drawing = Callable[[bool], object]


def drawing(function, *args, **kwargs) -> Drawing:
    """The chart ``function(*args, **kwargs, phone=...)`` draws, for :func:`publish` to
    draw once per screen: ``publish(drawing(glance_figure, events), "case-at-a-glance")``."""
    return functools.partial(function, *args, **kwargs)


def _write(name: str, data: bytes) -> None:
    path = figures_dir() / name
    if not path.exists() or path.read_bytes() != data:  # leave unchanged files alone
        path.write_bytes(data)


def publish(chart, name: str, phone: bool = True) -> Chart:
    """Write ``figures/<name>.svg`` and ``figures/<name>.phone.svg``, close the figures
    and return both renderings for the page.

    ``chart`` is a finished figure, whose phone rendering is the same figure laid out
    again by :func:`for_phone`, or a :func:`drawing` for charts that change shape on a
    phone. A phone rendering with text smaller than :data:`PHONE_MIN_TEXT` is refused.
    ``phone=False`` publishes the desktop rendering alone, for a hand-placed diagram
    not yet drawn for a phone (phones then show it shrunk, and open it full size).
    """
    if not name or "/" in name or name.startswith("fig-") or name.endswith(".phone"):
        raise ValueError(f'chart name "{name}" should be a plain slug such as "case-timeline"')
    fig = chart(phone=False) if callable(chart) else chart
    desktop, (column, rows) = svg_bytes(fig), label_area(fig)
    _write(f"{name}.svg", desktop)
    if not phone:
        plt.close(fig)
        (figures_dir() / f"{name}.phone.svg").unlink(missing_ok=True)
        return Chart(desktop, None, column, rows)
    phone_fig = chart(phone=True) if callable(chart) else for_phone(fig)
    smallest = smallest_text(phone_fig)
    if smallest < PHONE_MIN_TEXT:
        raise ValueError(f'chart "{name}": its phone rendering has text at {smallest:g} pt, '
                         f"under the {PHONE_MIN_TEXT:g} pt a phone can read")
    phone = svg_bytes(phone_fig)
    plt.close(fig)
    plt.close(phone_fig)
    _write(f"{name}.phone.svg", phone)
    return Chart(desktop, phone, column, rows)


# --------------------------------------------------------------------------- timelines

#: How the ``gid`` of every event number :func:`timeline` writes begins, so they can be
#: found again; each number's own gid adds the axes and the number's place
#: (``event-number-0-3``), since an SVG element's id must be unique in its file.
NUMBER_LABEL = "event-number"
LABEL_SIZE = 8.5  # points
LABEL_GAP = 7  # points between a marker's centre and its number

PRECISION_STYLE = {
    "day": {"marker": "o", "fillstyle": "full", "label": "exact day"},
    "month": {"marker": "o", "fillstyle": "none", "label": "month only"},
    "approximate": {"marker": "D", "fillstyle": "none", "label": "approximate (bar = possible span)"},
}


def timeline(ax, events: pd.DataFrame, lane: str, colours: dict[str, str], date: str = "date",
             precision: str = "date_precision", lane_order: list[str] | None = None,
             lane_labels: dict[str, str] | None = None, label: str | None = None,
             vertical: bool = False, spread: bool = False, offsets: pd.Series | None = None):
    """Draw dated events in lanes, showing how precise each date is.

    Exact days are filled dots, months are hollow dots, and approximate dates are
    hollow diamonds with a bar over every day the record allows. ``events`` is a frame
    from :func:`als_explainer.data.load`; ``lane`` names the column that picks the lane,
    and ``label`` (optional) the column whose value is written beside each marker.
    Lanes are rows and time runs to the right, or, ``vertical`` (for a phone), lanes are
    columns named at the top and time runs down the page. With ``spread``, markers that
    would overlap are set side by side across their lane (:func:`lane_offsets`), where
    lanes are wide enough for that and for the numbers beside them; a chart that draws
    its events in several calls passes ``offsets`` worked out once over all of them.
    Returns legend handles for the precision markers that occur.
    """
    order = lane_order or list(dict.fromkeys(events[lane]))
    names = lane_labels or {}
    if vertical:
        rows = {value: i for i, value in enumerate(order)}
    else:
        rows = {value: len(order) - 1 - i for i, value in enumerate(order)}

    def at(when, where):
        return ([where], [when]) if vertical else ([when], [where])

    if offsets is None:
        offsets = lane_offsets(events, lane, date) if spread else pd.Series(0.0, index=events.index)
    for index, event in events.iterrows():
        y = rows[event[lane]] + offsets[index]
        start, end = event[f"{date}_start"], event[f"{date}_end"]
        middle = start + (end - start) / 2
        colour = colours[event[lane]]
        style = PRECISION_STYLE[event[precision]]
        if event[precision] == "approximate":
            span = ([y, y], [start, end]) if vertical else ([start, end], [y, y])
            ax.plot(*span, color=colour, linewidth=5, alpha=0.35, solid_capstyle="butt")
        ax.plot(*at(middle, y), marker=style["marker"], fillstyle=style["fillstyle"],
                markersize=8, markeredgewidth=1.8, color=colour, linestyle="none")
        if label:
            point = (y, middle) if vertical else (middle, y)
            ax.annotate(str(event[label]), point, xytext=(LABEL_GAP, 0) if vertical else (0, LABEL_GAP),
                        textcoords="offset points", ha="left" if vertical else "center",
                        va="center" if vertical else "bottom",
                        fontsize=LABEL_SIZE, color="#222222", gid=_number_gid(ax))
    time_axis, lane_axis = (ax.yaxis, ax.xaxis) if vertical else (ax.xaxis, ax.yaxis)
    time_axis.set_major_locator(mdates.YearLocator())
    time_axis.set_major_formatter(mdates.DateFormatter("%Y"))
    ticks, tick_labels = list(rows.values()), [names.get(v, v) for v in rows]
    if vertical:  # many lanes: names turned upright; a few: wrapped to the lane's width
        upright = len(order) > 6
        ax.set_xticks(ticks, [" ".join(str(t).split()) if upright else textwrap.fill(str(t), 10, break_on_hyphens=False)
                              for t in tick_labels], fontsize=PHONE_MIN_TEXT,
                      rotation=90 if upright else 0)
        ax.xaxis.tick_top()
        ax.set_xlim(-0.6, len(order) - 0.4)
        ax.yaxis.set_inverted(True)  # earliest at the top
        ax.grid(axis="x", visible=False)
    else:
        ax.set_yticks(ticks, tick_labels)
        ax.set_ylim(-0.7, len(order) - 0.3)
        ax.grid(axis="y", visible=False)
    lane_axis.set_tick_params(length=0)
    place_number_labels(ax)
    return precision_handles(events[precision])


#: Markers in one lane closer in time than this share of the chart's span would overlap.
CLOSE = 0.022
#: How far apart across the lane (lane units) such markers are set.
SPREAD = 0.3


def lane_offsets(events: pd.DataFrame, lane: str, date: str = "date") -> pd.Series:
    """How far across its lane each event's marker sits: 0, except that markers closer in
    time than :data:`CLOSE` of the whole span are set side by side, :data:`SPREAD` apart
    and centred on the lane, so no marker hides another."""
    middle = events[f"{date}_start"] + (events[f"{date}_end"] - events[f"{date}_start"]) / 2
    span = (middle.max() - middle.min()) or pd.Timedelta(days=1)
    offsets = pd.Series(0.0, index=events.index)
    for _, times in middle.groupby(events[lane], sort=False):
        times = times.sort_values(kind="stable")
        groups, last = [], None
        for index, when in times.items():
            if last is not None and (when - last) / span < CLOSE:
                groups[-1].append(index)
            else:
                groups.append([index])
            last = when
        for group in groups:
            for k, index in enumerate(group):
                offsets[index] = (k - (len(group) - 1) / 2) * SPREAD
    return offsets


def precision_handles(precisions) -> list[Line2D]:
    """Legend entries for the date precisions that occur (the timeline's marker code)."""
    return [
        Line2D([], [], marker=s["marker"], fillstyle=s["fillstyle"], color=PALETTE["grey"],
               linestyle="none", markersize=7, markeredgewidth=1.6, label=s["label"])
        for p, s in PRECISION_STYLE.items() if p in set(precisions)
    ]


def legend_patches(colours: dict[str, str], labels: dict[str, str] | None = None) -> list[Patch]:
    """Legend entries for a colour mapping, in the mapping's order."""
    labels = labels or {}
    return [Patch(facecolor=c, label=labels.get(k, k)) for k, c in colours.items()]


def _is_number(text) -> bool:
    return (text.get_gid() or "").startswith(f"{NUMBER_LABEL}-")


def _number_gid(ax) -> str:
    """A gid for the next event number of ``ax``, unique in its figure."""
    count = sum(_is_number(t) for t in ax.texts)
    return f"{NUMBER_LABEL}-{ax.figure.axes.index(ax)}-{count}"


def place_number_labels(ax) -> None:
    """Put every event number of ``ax`` right beside its own marker, across the lane.

    In each lane, numbers go above their markers (to the right when time runs down the
    page); a number that would touch the one before it goes below (to the left) instead.
    Only when both places are taken is it nudged along the lane, just far enough to
    clear its neighbour. Never further across: a number stacked further out would sit
    nearer the next lane than its own. Run after the axis limits are final
    (:func:`timeline` runs it; call it again if the limits change).
    """
    labels = [t for t in ax.texts if _is_number(t)]
    if not labels:
        return
    ax.autoscale_view()
    points_per_pixel = 72 / ax.figure.dpi
    vertical = not isinstance(labels[0].xy[1], (int, float))  # lanes on x, dates on y

    def along(text) -> float:
        x, y = text.xy
        x, y = (mdates.date2num(pd.Timestamp(v)) if not isinstance(v, (int, float)) else v for v in (x, y))
        return float(ax.transData.transform((x, y))[1 if vertical else 0]) * points_per_pixel

    def across(text) -> float:  # where the marker sits across its lane (lane units)
        return float(text.xy[0 if vertical else 1])

    def across_points(text) -> float:  # where the marker sits across the lanes (points)
        x, y = text.xy
        x, y = (mdates.date2num(pd.Timestamp(v)) if not isinstance(v, (int, float)) else v for v in (x, y))
        return float(ax.transData.transform((x, y))[0 if vertical else 1]) * points_per_pixel

    def box(text, x: float, half: float, side: int) -> tuple[float, float, float, float]:
        """The number's box (along low, along high, across low, across high), in points."""
        # As drawn, a line of text is about 1.2 em tall (ascent and descent included).
        deep = len(text.get_text()) * 0.64 * LABEL_SIZE + 1.5 if vertical else 1.2 * LABEL_SIZE + 1
        near = across_points(text) + side * LABEL_GAP
        return x - half, x + half, min(near, near + side * deep), max(near, near + side * deep)

    def clashes(a, b) -> bool:
        return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]

    lanes: dict[float, list] = {}
    for text in labels:
        lanes.setdefault(round(across(text)), []).append(text)

    def half_of(text) -> float:
        # DejaVu Sans digits are 0.64 em wide and 0.73 em tall; 1.5 pt of air either side.
        extent = 0.73 * LABEL_SIZE if vertical else len(text.get_text()) * 0.64 * LABEL_SIZE
        return extent / 2 + 1.5

    # Numbers that have one side only (markers set off their lane's centre) are placed
    # first, so the numbers of the lanes either side keep clear of them.
    placed = [box(t, along(t), half_of(t), 1 if across(t) > lane else -1)
              for lane, texts in lanes.items() for t in texts if abs(across(t) - lane) > 1e-9]
    for lane, texts in lanes.items():
        texts.sort(key=along)
        right_edge = {1: float("-inf"), -1: float("-inf")}  # each side: where the last label ends
        for text in texts:
            x, half = along(text), half_of(text)
            # A marker set off the lane's centre (lane_offsets) has its number on its own side.
            offset = across(text) - lane
            sides = (1, -1) if abs(offset) < 1e-9 else ((1,) if offset > 0 else (-1,))
            # Free in its lane, and clear of the numbers of the lanes either side.
            free = [s for s in sides if x - half >= right_edge[s]]
            side = next((s for s in free if not any(clashes(box(text, x, half, s), p) for p in placed)),
                        free[0] if free else None)
            shift = 0.0
            if side is None:
                side = min(sides, key=right_edge.get)
                shift = right_edge[side] - (x - half)
            right_edge[side] = x + shift + half
            placed.append(box(text, x + shift, half, side))
            if vertical:
                text.xyann = (LABEL_GAP * side, shift)
                text.set_horizontalalignment("left" if side == 1 else "right")
            else:
                text.xyann = (shift, LABEL_GAP * side)
                text.set_verticalalignment("bottom" if side == 1 else "top")
