"""The case record as Part I shows it: checks that tie the datasets together, and two charts.

:func:`load_events` and :func:`load_intermediaries` add, on top of the schema checks of
:func:`als_explainer.data.load`, the rules a schema cannot express (a ruling says whom
it favoured, a filing does not; an undated event says how its date is bounded; an
intermediary's exit is an event about that intermediary). Like every data check in the
book, a broken rule raises :class:`~als_explainer.data.DataError` naming file, row and
column.

:func:`event_ladder` draws every event on its own line; :func:`outcome_figure` puts the
intermediaries side by side, stage by stage, from the same rows.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch, Patch

from .charts import PALETTE, place_number_labels, timeline
from .data import DataError, load

EVENTS_FILE = "data/events.csv"
INTERMEDIARIES_FILE = "data/intermediaries.csv"

#: One colour per defendant, used by every Part I chart that tells them apart.
DEFENDANT_COLOURS = {
    "all": PALETTE["grey"],
    "tiger-media": PALETTE["orange"],
    "ovh": PALETTE["purple"],
    "steadfast": PALETTE["green"],
    "cloudflare": PALETTE["blue"],
}
DEFENDANT_LABELS = {
    "all": "all defendants",
    "tiger-media": "Tiger Media (JuicyAds)",
    "ovh": "OVH",
    "steadfast": "Steadfast",
    "cloudflare": "Cloudflare",
}

#: Whom a ruling favoured, as the outcome grid colours and names it.
FAVOURED_STYLE = {
    "defendant": (PALETTE["sky"], "ruling for the intermediary"),
    "mixed": (PALETTE["yellow"], "mixed: most claims out, one kept"),
    "plaintiff": (PALETTE["vermillion"], "ruling against it: the claim goes on"),
}
EXIT_COLOUR = PALETTE["grey"]

#: The columns of the outcome grid: the stages of the case, in order.
GRID_STAGES = {"pleadings": "Motions to dismiss", "summary-judgment": "Summary judgment",
               "appeal": "Appeal"}


# --------------------------------------------------------------------------- loading


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def load_events(root=None) -> pd.DataFrame:
    """The events dataset in file order, after the cross-column checks below."""
    events = load("events", root=root)
    for index, event in events.iterrows():
        row = index + 1
        decides = event["kind"] in ("ruling", "appeal")
        if decides and _blank(event["favoured"]):
            raise DataError(EVENTS_FILE, f'is empty, but a {event["kind"]} must say whom it '
                            "favoured (defendant, plaintiff or mixed)", row=row, column="favoured")
        if not decides and not _blank(event["favoured"]):
            raise DataError(EVENTS_FILE, f'"{event["favoured"]}" given for a {event["kind"]}; '
                            "only rulings and appeals favour a side", row=row, column="favoured")
        if event["date_precision"] != "day" and _blank(event["date_basis"]):
            raise DataError(EVENTS_FILE, f'is empty, but a date known only as '
                            f'"{event["date_precision"]}" must say how the sources bound it',
                            row=row, column="date_basis")
    return events


def load_intermediaries(events: pd.DataFrame | None = None, root=None) -> pd.DataFrame:
    """The intermediaries dataset, each exit checked against the events it points to."""
    events = load_events(root) if events is None else events
    by_id = events.set_index("id")
    frame = load("intermediaries", root=root)
    for index, row in frame.iterrows():
        exit_id = row["exit_event"]
        if exit_id not in by_id.index:
            raise DataError(INTERMEDIARIES_FILE, f'"{exit_id}" is not an event id in events.csv',
                            row=index + 1, column="exit_event")
        concerns = by_id.loc[exit_id, "concerns"]
        if concerns != row["id"]:
            raise DataError(INTERMEDIARIES_FILE, f'event "{exit_id}" concerns "{concerns}", '
                            f'not "{row["id"]}"', row=index + 1, column="exit_event")
    return frame


def in_date_order(events: pd.DataFrame) -> pd.DataFrame:
    """Events by the earliest day each may have happened, numbered from 1 in that order."""
    ordered = events.sort_values("date_start", kind="stable").reset_index(drop=True)
    ordered["number"] = range(1, len(ordered) + 1)
    return ordered


# --------------------------------------------------------------------------- the ladder


def event_ladder(ax, events: pd.DataFrame, colours: dict[str, str] | None = None):
    """Every event on its own line, numbered, coloured by the defendant it concerns.

    ``events`` comes from :func:`in_date_order`. Returns the legend handles: the date
    precision markers first, then one patch per defendant that occurs.
    """
    colours = colours or DEFENDANT_COLOURS
    per_event = {e["id"]: colours[e["concerns"]] for _, e in events.iterrows()}
    labels = {e["id"]: f'{e["number"]}. {e["label"]}' for _, e in events.iterrows()}
    handles = timeline(ax, events, lane="id", colours=per_event, lane_order=list(events["id"]),
                       lane_labels=labels)
    ax.tick_params(axis="y", length=0)
    present = [k for k in colours if k in set(events["concerns"])]
    handles += [Patch(facecolor=colours[k], label=DEFENDANT_LABELS.get(k, k)) for k in present]
    return handles


def glance_figure(events: pd.DataFrame):
    """The case at a glance: one lane per defendant, each event numbered as in the table
    next to it. ``events`` comes from :func:`in_date_order`."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    handles = timeline(ax, events, lane="concerns", colours=DEFENDANT_COLOURS,
                       lane_order=list(DEFENDANT_LABELS), lane_labels=DEFENDANT_LABELS,
                       label="number")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    ax.set_xlabel("")
    place_number_labels(ax)
    return fig


# --------------------------------------------------------------------------- the grid


def when(event) -> str:
    """An event's date for a sentence or a box: "between X and Y" when only bounded."""
    label = event["date_label"]
    if event["date_precision"] != "approximate":
        return label
    parts = label.split(" – ")
    return f"between {parts[0]} and {parts[1]}" if len(parts) == 2 else f"around {label}"


def outcome_cells(intermediaries: pd.DataFrame, events: pd.DataFrame,
                  ids: list[str]) -> pd.DataFrame:
    """What the outcome grid shows, as a table: one row per cell entry.

    Columns: ``id`` (intermediary), ``column`` (``service``, a stage of
    :data:`GRID_STAGES`, or ``exit``), ``text``, ``when`` (date label, if any) and
    ``favoured`` (for rulings). Rulings and appeals about an intermediary land in the
    column of their stage, in date order; filings are left out.
    """
    rows = []
    by_id = intermediaries.set_index("id")
    decided = events[events["kind"].isin(["ruling", "appeal"])].sort_values(
        "date_start", kind="stable")
    for ident in ids:
        who = by_id.loc[ident]
        rows.append({"id": ident, "column": "service", "text": who["service"],
                     "when": "", "favoured": None})
        for stage in GRID_STAGES:
            mine = decided[(decided["concerns"] == ident) & (decided["stage"] == stage)]
            for _, event in mine.iterrows():
                rows.append({"id": ident, "column": stage, "text": event["outcome"],
                             "when": when(event), "favoured": event["favoured"]})
        exit_event = events.set_index("id").loc[who["exit_event"]]
        rows.append({"id": ident, "column": "exit", "text": who["exit"],
                     "when": when(exit_event), "favoured": None})
    return pd.DataFrame(rows)


def _tint(colour: str, amount: float = 0.3) -> tuple[float, float, float]:
    r, g, b = to_rgb(colour)
    return (1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b)


_LINE = 0.125       # inches per line of 7.5-point text
_PAD, _GAP, _MARGIN = 0.07, 0.06, 0.08
_CHARS_PER_INCH = 15.5


def _wrapped(text: str, width: float) -> str:
    return textwrap.fill(str(text), max(8, int((width - 0.25) * _CHARS_PER_INCH)))


def _box_text(entry, width: float) -> str:
    text = _wrapped(entry["text"], width)
    return text if _blank(entry["when"]) else f'{text}\n{_wrapped(entry["when"], width)}'


def _lines(text: str) -> int:
    return text.count("\n") + 1


def outcome_figure(intermediaries: pd.DataFrame, events: pd.DataFrame, ids: list[str]):
    """The intermediaries (rows) against the stages of the case (columns), as a figure.

    Each ruling is a box in its stage's column, tinted by whom it favoured and labelled
    with its outcome and date; the first column says what the intermediary did for the
    sites, the last how it left the case. A stage with no ruling says "none found". The
    legend under the grid names the tints. Sizes are in inches, so text never overflows
    its box: a row is as tall as its fullest cell.
    """
    cells = outcome_cells(intermediaries, events, ids)
    by_id = intermediaries.set_index("id")
    columns = ["service", *GRID_STAGES, "exit"]
    headers = ["What it did for the sites", *GRID_STAGES.values(), "How it left the case"]
    widths = [2.35, 1.9, 1.9, 1.4, 2.15]
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    total_width, header_h, legend_h = sum(widths), 0.35, 0.45

    def cell_height(ident: str, column: str, width: float) -> float:
        if column == "service":
            return 0.3 + _LINE * _lines(_wrapped(by_id.loc[ident, "service"], width))
        entries = cells[(cells["id"] == ident) & (cells["column"] == column)]
        boxes = [_LINE * _lines(_box_text(e, width)) + 2 * _PAD for _, e in entries.iterrows()]
        return sum(boxes) + _GAP * max(len(boxes) - 1, 0) if boxes else _LINE

    heights = [max(cell_height(i, c, w) for c, w in zip(columns, widths)) + 2 * _MARGIN
               for i in ids]
    body = sum(heights)
    fig = plt.figure(figsize=(total_width, body + header_h + legend_h))
    ax = fig.add_axes((0, legend_h / (body + header_h + legend_h), 1,
                       (body + header_h) / (body + header_h + legend_h)))
    ax.set_xlim(0, total_width)
    ax.set_ylim(0, body + header_h)
    ax.axis("off")
    for left, header in zip(lefts, headers):
        ax.text(left + 0.08, body + header_h / 2, header, fontsize=8.5, fontweight="bold",
                va="center")
    top = body
    for ident, height in zip(ids, heights):
        ax.plot([0, total_width], [top, top], color="#BBBBBB", linewidth=0.8)
        for column, left, width in zip(columns, lefts, widths):
            y = top - _MARGIN
            if column == "service":
                who = by_id.loc[ident]
                ax.text(left + 0.08, y, who["name"], fontsize=8.5, fontweight="bold", va="top")
                ax.text(left + 0.08, y - 0.16, who["kind"], fontsize=8, style="italic",
                        va="top", color="#333333")
                ax.text(left + 0.08, y - 0.32, _wrapped(who["service"], width), fontsize=7.5,
                        va="top", color="#222222", linespacing=1.2)
                continue
            entries = cells[(cells["id"] == ident) & (cells["column"] == column)]
            if entries.empty:
                ax.text(left + width / 2, top - height / 2, "none found", fontsize=7.5,
                        color="#666666", ha="center", va="center", style="italic")
                continue
            for _, entry in entries.iterrows():
                text = _box_text(entry, width)
                box_h = _LINE * _lines(text) + 2 * _PAD
                colour = (EXIT_COLOUR if _blank(entry["favoured"])
                          else FAVOURED_STYLE[entry["favoured"]][0])
                ax.add_patch(FancyBboxPatch(
                    (left + 0.07, y - box_h), width - 0.14, box_h,
                    boxstyle="round,pad=0,rounding_size=0.06", facecolor=_tint(colour),
                    edgecolor=colour, linewidth=1.6))
                ax.text(left + width / 2, y - box_h / 2, text, fontsize=7.5, ha="center",
                        va="center", color="#111111", linespacing=1.2)
                y -= box_h + _GAP
        top -= height
    ax.plot([0, total_width], [0, 0], color="#BBBBBB", linewidth=0.8)
    handles = [Patch(facecolor=_tint(c), edgecolor=c, linewidth=1.6, label=label)
               for c, label in FAVOURED_STYLE.values()]
    handles.append(Patch(facecolor=_tint(EXIT_COLOUR), edgecolor=EXIT_COLOUR, linewidth=1.6,
                         label="how it left the case"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
               bbox_to_anchor=(0.5, 0.0))
    return fig
