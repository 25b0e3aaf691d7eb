"""Part I, the case record: its data, the numbers its prose quotes, its tables and charts.

:func:`load` returns the Part's datasets checked: on top of the schema checks of
:func:`als_explainer.data.load` (which also check that an intermediary's exit names an
event, a declared foreign key), the rules a schema cannot express (a ruling says whom it
favoured, a filing does not; an undated event says how its date is bounded; an
intermediary's exit is an event about that intermediary). Like every data check in the
book, a broken rule raises :class:`~als_explainer.data.DataError` naming file, row and
column. :func:`numbers` gives every number the Part I pages quote.

:func:`case_timeline` draws the case one lane per defendant; :func:`event_ladder` every
event on its own line; :func:`outcome_figure` puts the intermediaries side by side,
stage by stage, from the same rows.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown
from matplotlib.patches import FancyBboxPatch, Patch

from . import data
from .charts import PALETTE, PHONE_MIN_TEXT, PHONE_WIDTH, place_number_labels, timeline, tint
from .data import DataError, is_blank
from .tables import cited_table

#: The datasets this module loads: the build reads this to know which chapters to run
#: again after a data edit (the editing guide; tests/test_reexecution.py checks it).
DATASETS = ("events", "sites", "intermediaries", "cloudflare_disputes", "precedents", "open_questions")

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

#: What each site in sites.csv was named as, in the words of the sites table.
SITE_ROLES = {
    "named-in-juicyads-ruling": "alleged pirate site, named in the JuicyAds ruling",
    "sting-account": "ALS Scan's own test account",
    "steadfast-claims": "the site in the Steadfast claims",
}

#: Decisions of a court: the district court's rulings and the appeal's.
DECISIONS = ("ruling", "appeal")

#: The columns of the outcome grid: the stages of the case, in order.
GRID_STAGES = {"pleadings": "Motions to dismiss", "summary-judgment": "Summary judgment",
               "appeal": "Appeal"}


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class CaseRecord:
    """Part I's data, checked: events in date order (numbered from 1), the intermediaries
    that were defendants, the sites named in the case, and the record's open questions."""

    events: pd.DataFrame
    intermediaries: pd.DataFrame
    sites: pd.DataFrame
    open_questions: pd.DataFrame


def load(root: Path | None = None) -> CaseRecord:
    """Every Part I dataset, checked across files, events in date order."""
    events = load_events(root)
    intermediaries = load_intermediaries(events, root)
    return CaseRecord(events=in_date_order(events), intermediaries=intermediaries,
                      sites=data.load("sites", root=root), open_questions=open_questions(root))


def load_events(root: Path | None = None) -> pd.DataFrame:
    """The events dataset in file order, after the cross-column checks below."""
    events = data.load("events", root=root)
    file = events.attrs["path"]
    for number, event in events.iterrows():
        decides = event["kind"] in DECISIONS
        if decides and is_blank(event["favoured"]):
            raise DataError(file, f'is empty, but a {event["kind"]} must say whom it '
                            "favoured (defendant, plaintiff or mixed)", row=number, column="favoured")
        if not decides and not is_blank(event["favoured"]):
            raise DataError(file, f'"{event["favoured"]}" given for a {event["kind"]}; '
                            "only rulings and appeals favour a side", row=number, column="favoured")
        if event["date_precision"] != "day" and is_blank(event["date_basis"]):
            raise DataError(file, f'is empty, but a date known only as '
                            f'"{event["date_precision"]}" must say how the sources bound it',
                            row=number, column="date_basis")
    return events


def load_intermediaries(events: pd.DataFrame | None = None, root: Path | None = None) -> pd.DataFrame:
    """The intermediaries dataset, each exit an event about that intermediary.

    (That the exit names an event at all is the declared foreign key, checked on load.)
    """
    events = load_events(root) if events is None else events
    concerns = dict(zip(events["id"], events["concerns"]))
    frame = data.load("intermediaries", root=root)
    for number, row in frame.iterrows():
        about = concerns[row["exit_event"]]
        if about != row["id"]:
            raise DataError(frame.attrs["path"], f'event "{row["exit_event"]}" concerns "{about}", '
                            f'not "{row["id"]}"', row=number, column="exit_event")
    return frame


def in_date_order(events: pd.DataFrame) -> pd.DataFrame:
    """Events by the earliest day each may have happened, numbered from 1 in that order."""
    ordered = events.sort_values("date_start", kind="stable").reset_index(drop=True)
    ordered["number"] = range(1, len(ordered) + 1)
    return ordered


def case_span(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first day the complaint may have been filed to the last day the
    stipulated dismissal may have come: the case against Cloudflare, as the record allows."""
    by_id = events.set_index("id")
    return by_id.loc["complaint-2016", "date_start"], by_id.loc["stipulation-2018", "date_end"]


# --------------------------------------------------------------------------- numbers


def numbers(record: CaseRecord | None = None, root: Path | None = None) -> dict:
    """Every number (and date label) the Part I pages quote, ready to glue.

    ``n_events`` steps in the case and its appeal, ``n_rulings`` of them decisions of a
    court (the district court's rulings and the Ninth Circuit's: every ruling, whoever
    made it); ``n_day``, ``n_month``, ``n_approx`` by how precisely each is dated, and
    ``n_day_primary`` the exact days that come from court documents. ``case_years`` runs
    from the complaint (``complaint_label``) to the stipulated dismissal
    (``ending_label``); ``ovh_span_months`` is the widest date span, OVH's dismissal's
    (the prose explains that span in particular, so another row becoming wider is an
    error). ``n_sites`` sites are named, ``n_juicyads_sites`` of them in the JuicyAds ruling.
    ``n_open`` points of the record are contested or unknown (the record page lists them).
    The ``card_*`` entries are the landing page's case card, from :func:`card`.
    """
    record = record or load(root)
    events, sites = record.events, record.sites
    by_id = events.set_index("id")
    start, end = case_span(events)
    precision = events["date_precision"]
    spans = (events["date_end"] - events["date_start"]).dt.days
    widest = events.loc[spans.idxmax(), "id"]
    if widest != "ovh-dismissal":
        raise ValueError(f"the widest date span is now {widest}'s; update the text about OVH")
    return {
        "n_events": len(events),
        "n_rulings": int(events["kind"].isin(DECISIONS).sum()),
        "n_day": int((precision == "day").sum()),
        "n_month": int((precision == "month").sum()),
        "n_approx": int((precision == "approximate").sum()),
        "n_day_primary": int(((precision == "day") & (events["confidence"] == "primary")).sum()),
        "case_years": (end - start).days / 365.25,
        "complaint_label": by_id.loc["complaint-2016", "date_label"],
        "ending_label": by_id.loc["stipulation-2018", "date_label"],
        "ovh_span_months": float(spans.max() / 30.44),
        "n_sites": len(sites),
        "n_juicyads_sites": int((sites["named_as"] == "named-in-juicyads-ruling").sum()),
        "n_open": len(record.open_questions),
        **{f"card_{name}": value for name, value in card(record, root).items()},
    }


# --------------------------------------------------------------------------- the case card

#: The rows the landing page's case card reads: the dispute (court, judge, parties,
#: outcome) and the decision whose citation is the docket number.
CARD_DISPUTE, CARD_DECISION = "als-scan-v-cloudflare", "alsscan-2018"
_COURT_AND_JUDGE = re.compile(r"^(?P<court>.+?) \(Judge (?P<judge>[^()]+)\)$")
_DOCKET = re.compile(r"^(?P<number>No\. \S+) \((?P<court>[^()]+)\)$")


def card(record: CaseRecord | None = None, root: Path | None = None) -> dict[str, str]:
    """The facts of the landing page's case card, each read from one dataset row.

    Court and judge come from the dispute's ``court`` ("<court> (Judge <name>)"), the
    docket number from the decision's ``citation`` ("No. <number> (<court>)"), plaintiff
    and defendant from the dispute's case name, the other defendants from the
    intermediaries dataset, the filing and ending dates from the complaint and the
    stipulation in the events dataset, and how it ended from the dispute's ``outcome``.
    A row not in that shape raises :class:`DataError` naming the file, row and column.
    """
    record = record or load(root)
    disputes = data.load("cloudflare_disputes", root=root)
    decisions = data.load("precedents", root=root)
    dispute = _row(disputes, CARD_DISPUTE)
    decision = _row(decisions, CARD_DECISION)
    court = _shaped(disputes, dispute, "court", _COURT_AND_JUDGE, "<court> (Judge <name>)")
    docket = _shaped(decisions, decision, "citation", _DOCKET, "No. <number> (<court>)")
    plaintiff, _, defendant = dispute["case"].partition(" v. ")
    if not defendant:
        raise DataError(disputes.attrs["path"], f'"{dispute["case"]}" is not "<plaintiff> v. '
                        '<defendant>"', row=dispute.name, column="case")
    others = record.intermediaries[record.intermediaries["id"] != "cloudflare"]
    by_id = record.events.set_index("id")
    return {
        "court": court["court"],
        "judge": court["judge"],
        "case_number": docket["number"],
        "plaintiff": plaintiff,
        "defendant": defendant,
        "also_sued": "; ".join(others["name"]),
        "filed": when(by_id.loc["complaint-2016"]),
        "ended": when(by_id.loc["stipulation-2018"]),
        "how_it_ended": dispute["outcome"],
    }


def _row(frame: pd.DataFrame, ident: str) -> pd.Series:
    found = frame[frame["id"] == ident]
    if found.empty:
        raise DataError(frame.attrs["path"], f'has no row "{ident}", which the case card reads',
                        column="id")
    return found.iloc[0]


def _shaped(frame: pd.DataFrame, row: pd.Series, column: str, shape: re.Pattern,
            described: str) -> dict[str, str]:
    match = shape.match(row[column])
    if not match:
        raise DataError(frame.attrs["path"], f'"{row[column]}" is not "{described}", the shape '
                        "the case card reads", row=row.name, column=column)
    return match.groupdict()


# --------------------------------------------------------------------------- tables


def sites_table(sites: pd.DataFrame) -> Markdown:
    """The sites named in the case, with what each was named as and its sources."""
    return cited_table(sites.assign(role=sites["named_as"].map(SITE_ROLES)),
                       {"site": "Website (as spelled in the source)", "role": "Named as",
                        "note": "Note"},
                       "The websites named in the case, as the sources spell them, and what each "
                       "was named as.", name="tbl-sites")


# --------------------------------------------------------------------------- the timeline


def case_timeline(ax, events: pd.DataFrame, vertical: bool = False):
    """The case in time, one lane per defendant, each event labelled with its number.

    ``events`` comes from :func:`load` (date order, numbered). Returns the legend
    handles of the date precisions that occur.
    """
    return timeline(ax, events, lane="concerns", colours=DEFENDANT_COLOURS,
                    lane_order=list(DEFENDANT_LABELS), lane_labels=DEFENDANT_LABELS,
                    label="number", vertical=vertical, spread=True)


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


#: A gap between events longer than this is cut out of the glance timeline (a broken axis).
LONG_GAP = pd.Timedelta(days=365)


def glance_figure(events: pd.DataFrame, phone: bool = False):
    """The case at a glance: one lane per defendant, each event numbered as in the table
    next to it. ``events`` comes from :func:`in_date_order`. For a ``phone`` the lanes
    are columns and time runs down the page.

    A stretch of more than :data:`LONG_GAP` with no event (the two years before the
    Steadfast appeal) is cut out: the later events get a short axis of their own after a
    break mark, so the case itself fills the chart.
    """
    middle = (events["date_start"] + (events["date_end"] - events["date_start"]) / 2).sort_values()
    gaps = middle.diff()
    cut = gaps.idxmax() if gaps.max() > LONG_GAP else None
    panels = 1 if cut is None else 2
    ratios = [9, 1] if panels == 2 else [1]
    if phone:
        fig, axes = plt.subplots(panels, 1, figsize=(PHONE_WIDTH, 6.6), layout="constrained",
                                 height_ratios=ratios, squeeze=False)
    else:
        fig, axes = plt.subplots(1, panels, figsize=(8, 3.6), width_ratios=ratios, sharey=True,
                                 squeeze=False, gridspec_kw={"wspace": 0.04})
    axes = list(axes.flat)
    for ax in axes:
        handles = case_timeline(ax, events, vertical=phone)
    if cut is not None:
        _break_time(axes[0], axes[1], middle[middle < middle[cut]], middle[middle >= middle[cut]], phone)
    if phone:
        fig.legend(handles=handles, loc="outside lower left", ncols=1, fontsize=PHONE_MIN_TEXT)
    else:
        axes[0].legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    for ax in axes:
        ax.set_xlabel("")
        place_number_labels(ax)
    return fig


def _break_time(early, late, before: pd.Series, after: pd.Series, vertical: bool) -> None:
    """Show ``before`` on ``early`` and ``after`` on ``late``, with a break mark between."""
    pad = pd.Timedelta(days=75)
    limits = ((before.min() - pad, before.max() + 2 * pad), (after.min() - pad, after.max() + pad))
    for ax, (first, last) in zip((early, late), limits):
        if vertical:
            ax.set_ylim(last, first)  # time runs down
        else:
            ax.set_xlim(first, last)
    years = sorted({d.year for d in after})
    ticks = [pd.Timestamp(year=y, month=7, day=1) for y in years]
    if vertical:
        late.set_yticks(ticks, [str(y) for y in years])
        late.spines["top"].set_visible(False)
        late.tick_params(axis="x", top=False, labeltop=False)
        mark = {"x": 0, "y": 1, "transform": late.transAxes}
    else:
        late.set_xticks(ticks, [str(y) for y in years])
        late.spines["left"].set_visible(False)
        late.tick_params(axis="y", left=False, labelleft=False)
        mark = {"x": 0, "y": 0, "transform": late.transAxes}
    late.text(s="//", ha="center", va="center", fontsize=PHONE_MIN_TEXT, color="#333333",
              rotation=90 if vertical else 0, **mark)




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
    decided = events[events["kind"].isin(DECISIONS)].sort_values(
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


_LINE = 0.125       # inches per line of 7.5-point text
_PAD, _GAP, _MARGIN = 0.07, 0.06, 0.08
_CHARS_PER_INCH = 15.5


def _wrapped(text: str, width: float, chars: float = _CHARS_PER_INCH) -> str:
    return textwrap.fill(str(text), max(8, int((width - 0.25) * chars)))


def _box_text(entry, width: float, chars: float = _CHARS_PER_INCH) -> str:
    text = _wrapped(entry["text"], width, chars)
    return text if is_blank(entry["when"]) else f'{text}\n{_wrapped(entry["when"], width, chars)}'


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _outcome_key(fig, phone: bool = False) -> None:
    """The key to the grid's tints, under it (one column on a phone)."""
    handles = [Patch(facecolor=tint(c), edgecolor=c, linewidth=1.6, label=label)
               for c, label in FAVOURED_STYLE.values()]
    handles.append(Patch(facecolor=tint(EXIT_COLOUR), edgecolor=EXIT_COLOUR, linewidth=1.6,
                         label="how it left the case"))
    if phone:
        fig.legend(handles=handles, loc="lower left", ncol=1, fontsize=PHONE_MIN_TEXT,
                   bbox_to_anchor=(0.0, 0.0))
    else:
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
                   bbox_to_anchor=(0.5, 0.0))


def _outcome_box(ax, entry, left: float, top: float, width: float, size: float, chars: float) -> float:
    """One ruling's (or exit's) box, its top-left corner at (``left``, ``top``) inches,
    tinted by whom it favoured; returns its height."""
    text = _box_text(entry, width, chars)
    line = _LINE * size / 7.5
    box_h = line * _lines(text) + 2 * _PAD
    colour = EXIT_COLOUR if is_blank(entry["favoured"]) else FAVOURED_STYLE[entry["favoured"]][0]
    ax.add_patch(FancyBboxPatch((left, top - box_h), width, box_h,
                                boxstyle="round,pad=0,rounding_size=0.06", facecolor=tint(colour),
                                edgecolor=colour, linewidth=1.6))
    ax.text(left + width / 2, top - box_h / 2, text, fontsize=size, ha="center", va="center",
            color="#111111", linespacing=1.2)
    return box_h


def _outcome_phone(cells: pd.DataFrame, by_id: pd.DataFrame, ids: list[str]):
    """The outcome grid for a phone: one block per intermediary running down the page,
    what it did for the sites, then each stage of the case named at the left with its
    rulings' boxes beside it. Sizes are in inches, as on the desktop."""
    size, width = PHONE_MIN_TEXT, PHONE_WIDTH
    chars = _CHARS_PER_INCH * 7.5 / size
    label_w, gap = 1.0, 0.08
    box_w = width - label_w - gap - 0.05
    line = _LINE * size / 7.5
    fig = plt.figure(figsize=(width, 10))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    y = 0.0
    stages = {**GRID_STAGES, "exit": "How it left the case"}
    for ident in ids:
        who = by_id.loc[ident]
        ax.plot([0, width], [y, y], color="#BBBBBB", linewidth=0.8)
        y -= _MARGIN
        ax.text(0.04, y, who["name"], fontsize=size + 1, fontweight="bold", va="top")
        y -= line * 1.25
        ax.text(0.04, y, who["kind"], fontsize=size, style="italic", va="top", color="#333333")
        y -= line * 1.1
        service = textwrap.fill(str(who["service"]), int((width - 0.2) * chars))
        ax.text(0.04, y, service, fontsize=size, va="top", color="#222222", linespacing=1.2)
        y -= line * _lines(service) + 0.08
        for column, name in stages.items():
            ax.text(0.04, y - _PAD, textwrap.fill(name, 13), fontsize=size, va="top",
                    color="#333333", linespacing=1.1)
            entries = cells[(cells["id"] == ident) & (cells["column"] == column)]
            if entries.empty:
                ax.text(label_w + gap + 0.05, y - _PAD, "none found", fontsize=size, va="top",
                        color="#666666", style="italic")
                y -= max(line, 2 * line * 1.1 if "\n" in textwrap.fill(name, 13) else 0) + 2 * _PAD
                continue
            start = y
            for _, entry in entries.iterrows():
                y -= _outcome_box(ax, entry, label_w + gap, y, box_w, size, chars) + _GAP
            y = min(y, start - 2 * line * 1.1 - _PAD)
        y -= _MARGIN
    ax.plot([0, width], [y, y], color="#BBBBBB", linewidth=0.8)
    key_h = 4 * 0.2 + 0.15
    height = -y + key_h
    fig.set_size_inches(width, height)
    ax.set_xlim(0, width)
    ax.set_ylim(y - key_h, 0.02)
    _outcome_key(fig, phone=True)
    return fig


def outcome_figure(intermediaries: pd.DataFrame, events: pd.DataFrame, ids: list[str],
                   phone: bool = False):
    """The intermediaries (rows) against the stages of the case (columns), as a figure.

    Each ruling is a box in its stage's column, tinted by whom it favoured and labelled
    with its outcome and date; the first column says what the intermediary did for the
    sites, the last how it left the case. A stage with no ruling says "none found". The
    legend under the grid names the tints. Sizes are in inches, so text never overflows
    its box: a row is as tall as its fullest cell. For a ``phone``, each intermediary is
    a block running down the page, with the same boxes (:func:`_outcome_phone`).
    """
    cells = outcome_cells(intermediaries, events, ids)
    if phone:
        return _outcome_phone(cells, intermediaries.set_index("id"), ids)
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
                y -= _outcome_box(ax, entry, left + 0.07, y, width - 0.14, 7.5, _CHARS_PER_INCH) + _GAP
        top -= height
    ax.plot([0, total_width], [0, 0], color="#BBBBBB", linewidth=0.8)
    _outcome_key(fig)
    return fig


# --------------------------------------------------------------------------- open questions

#: How the record page names each status.
STATUS_LABELS = {
    "sources-disagree": "the sources disagree",
    "not-in-record": "not in any available source",
    "known-roughly": "known only roughly",
    "inferred": "our inference",
}


def open_questions(root: Path | None = None) -> pd.DataFrame:
    """The contested and unknown points of the record, one row each, with a readable status.

    A disagreement needs at least two sources to disagree, so a row marked
    ``sources-disagree`` that names only one is refused.
    """
    questions = data.load("open_questions", root=root)
    for number, row in questions.iterrows():
        if row["status"] == "sources-disagree" and len(data.split_keys(row["source"])) < 2:
            raise DataError(questions.attrs["path"], "is marked sources-disagree but names only "
                            "one source; name the sources that disagree", row=number, column="source")
    return questions.assign(status_label=questions["status"].map(STATUS_LABELS))


def open_questions_table(questions: pd.DataFrame) -> Markdown:
    """The record page's summary: each question linked to its own section (``record-<id>``)."""
    linked = questions.assign(see="{ref}`record-" + questions["id"] + "`")
    return cited_table(linked, {"see": "Open question", "status_label": "Why it is open"},
                       "The questions the record leaves open, each linked to its section below.",
                       name="tbl-open-questions", markup=("see",))
