"""The book's house chart style, and the one way a chart leaves a chapter.

``publish(fig, name)`` writes ``figures/<name>.svg`` byte for byte the same on every
build (fixed hash salt, no timestamp) and returns the SVG for the page, where the
cell's ``mystnb`` metadata gives it a numbered caption, a ``fig-`` name and alt text.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no GUI, same output everywhere; the page gets the SVG we return

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from IPython.display import SVG  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

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


def publish(fig, name: str) -> SVG:
    """Write ``figures/<name>.svg``, close the figure, and return it for the page."""
    if not name or "/" in name or name.startswith("fig-"):
        raise ValueError(f'chart name "{name}" should be a plain slug such as "case-timeline"')
    data = svg_bytes(fig)
    plt.close(fig)
    path = figures_dir() / f"{name}.svg"
    if not path.exists() or path.read_bytes() != data:  # leave unchanged files alone
        path.write_bytes(data)
    return SVG(data=data)


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
             lane_labels: dict[str, str] | None = None, label: str | None = None):
    """Draw dated events in horizontal lanes, showing how precise each date is.

    Exact days are filled dots, months are hollow dots, and approximate dates are
    hollow diamonds with a bar over every day the record allows. ``events`` is a frame
    from :func:`als_explainer.data.load`; ``lane`` names the column that picks the row,
    and ``label`` (optional) the column whose value is written above each marker.
    Returns legend handles for the precision markers that occur.
    """
    order = lane_order or list(dict.fromkeys(events[lane]))
    names = lane_labels or {}
    rows = {value: len(order) - 1 - i for i, value in enumerate(order)}
    for _, event in events.iterrows():
        y = rows[event[lane]]
        start, end = event[f"{date}_start"], event[f"{date}_end"]
        middle = start + (end - start) / 2
        colour = colours[event[lane]]
        style = PRECISION_STYLE[event[precision]]
        if event[precision] == "approximate":
            ax.plot([start, end], [y, y], color=colour, linewidth=5, alpha=0.35,
                    solid_capstyle="butt")
        ax.plot([middle], [y], marker=style["marker"], fillstyle=style["fillstyle"],
                markersize=8, markeredgewidth=1.8, color=colour, linestyle="none")
        if label:
            ax.annotate(str(event[label]), (middle, y), xytext=(0, LABEL_GAP),
                        textcoords="offset points", ha="center", va="bottom",
                        fontsize=LABEL_SIZE, color="#222222", gid=_number_gid(ax))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_yticks(list(rows.values()), [names.get(v, v) for v in rows])
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.grid(axis="y", visible=False)
    place_number_labels(ax)
    return precision_handles(events[precision])


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
    """Put every event number of ``ax`` right above or right below its own marker.

    In each lane, numbers go above their markers; a number that would touch the one
    before it goes below instead. Only when both places are taken is it nudged sideways,
    just far enough to clear its neighbour. Never further up or down: a number stacked
    higher would sit nearer the next lane than its own. Run after the axis limits are
    final (:func:`timeline` runs it; call it again if the limits change).
    """
    labels = [t for t in ax.texts if _is_number(t)]
    if not labels:
        return
    ax.autoscale_view()
    points_per_pixel = 72 / ax.figure.dpi

    def x_points(text) -> float:
        x, y = text.xy
        x = mdates.date2num(pd.Timestamp(x)) if not isinstance(x, (int, float)) else x
        return float(ax.transData.transform((x, y))[0]) * points_per_pixel

    lanes: dict[float, list] = {}
    for text in labels:
        lanes.setdefault(float(text.xy[1]), []).append(text)
    for texts in lanes.values():
        texts.sort(key=x_points)
        right_edge = {1: float("-inf"), -1: float("-inf")}  # above, below: where the last label ends
        for text in texts:
            x = x_points(text)
            # DejaVu Sans digits are 0.64 em wide; 1.5 pt of air either side.
            half = len(text.get_text()) * 0.64 * LABEL_SIZE / 2 + 1.5
            side = next((s for s in (1, -1) if x - half >= right_edge[s]), None)
            shift = 0.0
            if side is None:
                side = min(right_edge, key=right_edge.get)
                shift = right_edge[side] - (x - half)
            right_edge[side] = x + shift + half
            text.xyann = (shift, LABEL_GAP * side)
            text.set_verticalalignment("bottom" if side == 1 else "top")
