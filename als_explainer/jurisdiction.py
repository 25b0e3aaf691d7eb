"""Part III: the two questions that "jurisdiction" covers online, kept apart.

- **Personal jurisdiction**: may this court judge this defendant at all?
- **Territorial reach**: does the US Copyright Act reach conduct that happens partly abroad?

This module holds what the Part III chapters share, in the shape every Part's module has:

- :func:`load`: the Part's datasets, with the checks a single-column schema cannot
  express (a count is given exactly when the record states one; every hypothetical
  actor goes through every step of each test once), failing with file, row and column;
- :func:`numbers`: every number the Part's prose quotes;
- the decision-flow diagram of the two questions, drawn with matplotlib only;
- the precedents chart (one panel per question) and the chart of what the record
  says, and does not say, about where the sites and servers were;
- the worked illustration's tables, generated from ``jurisdiction_illustration.csv``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from . import data
from .charts import PALETTE, PHONE_MIN_TEXT, PHONE_WIDTH, legend_patches, names_above, tint
from .data import DataError, is_blank
from .tables import cited_table, escape

#: The datasets this module loads: the build reads this to know which chapters to run
#: again after a data edit (the editing guide; tests/test_reexecution.py checks it).
DATASETS = ("jurisdiction_cases", "site_locations", "jurisdiction_illustration")

# The two questions, in the order the book always gives them, with their colours.
QUESTIONS = {
    "personal-jurisdiction": "Question 1 · personal jurisdiction",
    "territorial-reach": "Question 2 · territorial reach",
}
QUESTION_ASKS = {
    "personal-jurisdiction": "Can this court judge this defendant?",
    "territorial-reach": "Does US copyright law reach the conduct?",
}
QUESTION_COLOURS = {"personal-jurisdiction": PALETTE["blue"], "territorial-reach": PALETTE["orange"]}

# The hypothetical actors of the worked illustration, in table order.
ACTORS = {
    "origin-host-abroad": "Origin host abroad",
    "us-proxy": "US proxy with US edge caches",
    "ad-network-abroad": "Ad network abroad",
}
# Each step of the two tests: the question it belongs to and the column header it gets.
STEPS = {
    "dsc-1": ("personal-jurisdiction", "1. Aims its online activity at California?"),
    "dsc-2": ("personal-jurisdiction", "2. Shows intent to do business or interact there?"),
    "dsc-3": ("personal-jurisdiction", "3. Does the claim arise from that activity?"),
    "dsc-outcome": ("personal-jurisdiction", "Under this test, could a California court judge it? (our reading)"),
    "rjr-1": ("territorial-reach", "Step 1: does the Act clearly apply abroad?"),
    "rjr-2-copy": ("territorial-reach", "Step 2: a copy made or stored in the US?"),
    "rjr-2-screen": ("territorial-reach", "Step 2: the photos shown on US screens?"),
    "rjr-outcome": ("territorial-reach", "A US act for a claim to rest on? (our reading)"),
}
ANSWERS = {"yes": "Yes", "no": "No", "arguable": "Arguable"}

WHO_SAID = {"als-scan": "ALS Scan's pleadings (as reported)",
            "cloudflare": "Cloudflare's argument (as reported)",
            "press-report": "a published report (no pleading seen)",
            "nobody": "no number in the record"}
WHO_COLOURS = {"als-scan": PALETTE["blue"], "cloudflare": PALETTE["orange"],
               "press-report": PALETTE["purple"], "nobody": PALETTE["grey"]}
SILENCE_TEXT = {
    "count-not-stated": 'a source says "{text}" but gives no number',
    "not-in-record": "not given in any available source",
    "undecided": "no finding: the court left it for a trial that never took place",
}


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Jurisdiction:
    """Part III's data, checked: the precedents of both questions, what the record says
    about the sites, and the worked illustration's grid."""

    cases: pd.DataFrame
    sites: pd.DataFrame
    illustration: pd.DataFrame


def load(root: Path | None = None) -> Jurisdiction:
    """Every Part III dataset, each with the checks below."""
    return Jurisdiction(cases=data.load("jurisdiction_cases", root=root),
                        sites=load_site_locations(root), illustration=load_illustration(root))


def load_site_locations(root: Path | None = None) -> pd.DataFrame:
    """``site_locations.csv``, with the checks that tie count, count_text and status together."""
    frame = data.load("site_locations", root=root)
    check_site_locations(frame)
    return frame


def check_site_locations(frame: pd.DataFrame) -> None:
    """A count appears exactly when a source states it; silences are recorded as silences."""
    file = frame.attrs["path"]
    for number, row in frame.iterrows():
        stated = row["status"] == "count-stated"
        has_count = not is_blank(row["count"])
        if stated and not has_count:
            raise DataError(file, "is empty, but status count-stated needs the stated number",
                            row=number, column="count")
        if has_count and not stated:
            raise DataError(file, f'holds a number, but status is "{row["status"]}": only a count '
                            "a source states may be recorded (never an estimate)",
                            row=number, column="count")
        wants_text = row["status"] == "count-not-stated"
        if wants_text and is_blank(row["count_text"]):
            raise DataError(file, "is empty, but status count-not-stated needs the source's own word "
                            '(e.g. "some")', row=number, column="count_text")
        if not is_blank(row["count_text"]) and not wants_text:
            raise DataError(file, f'is set, but status is "{row["status"]}"; count_text is only for '
                            "count-not-stated rows", row=number, column="count_text")
        silent = row["status"] in ("not-in-record", "undecided")
        if silent != (row["said_by"] == "nobody"):
            reason = ("must be nobody when the record is silent or undecided" if silent
                      else "is nobody, but a source reports someone saying it")
            raise DataError(file, reason, row=number, column="said_by")


def load_illustration(root: Path | None = None) -> pd.DataFrame:
    """``jurisdiction_illustration.csv``, checked to be a complete actor-by-step grid."""
    frame = data.load("jurisdiction_illustration", root=root)
    check_illustration(frame)
    return frame


def check_illustration(frame: pd.DataFrame) -> None:
    """Each step belongs to the row's question, and each actor has each step exactly once."""
    file = frame.attrs["path"]
    seen: dict[tuple[str, str], int] = {}
    for number, row in frame.iterrows():
        question, _ = STEPS[row["step"]]
        if question != row["question"]:
            raise DataError(file, f'step "{row["step"]}" belongs to {question}, not {row["question"]}',
                            row=number, column="step")
        key = (row["actor"], row["step"])
        if key in seen:
            raise DataError(file, f'repeats step "{row["step"]}" for actor "{row["actor"]}" '
                            f"(first given in row {seen[key]})", row=number, column="step")
        seen[key] = number
    for actor in ACTORS:
        for step in STEPS:
            if (actor, step) not in seen:
                raise DataError(file, f'has no row for actor "{actor}" at step "{step}"', column="step")


# --------------------------------------------------------------------------- tables


def cases_table(cases: pd.DataFrame, question: str) -> Markdown:
    """The precedents that answer one question, with their sources cited."""
    if question not in QUESTIONS:
        raise ValueError(f'question "{question}" is not one of {", ".join(QUESTIONS)}')
    rows = cases[cases["question"] == question].sort_values("year", kind="stable").copy()
    rows["case"] = "*" + rows["case"].map(escape) + "*"
    return cited_table(rows, {"case": "Case", "citation": "Citation", "court": "Court",
                              "year": "Year", "rule": "Test or holding (our paraphrase)"},
                       f"{QUESTIONS[question]}: the cases that shape the answer, in date order.",
                       name=f"tbl-cases-{question}", markup=("case",))


def illustration_frame(frame: pd.DataFrame, question: str) -> pd.DataFrame:
    """One row per hypothetical actor, one column per step of the question's test.

    Cells read "**Answer.** reason"; the source column gathers every key the actor's
    rows name, in order, so the rendered table cites the cases whose tests it applies.
    """
    steps = [step for step, (q, _) in STEPS.items() if q == question]
    if not steps:
        raise ValueError(f'question "{question}" is not one of {", ".join(QUESTIONS)}')
    out = []
    for actor, label in ACTORS.items():
        mine = frame[(frame["actor"] == actor) & (frame["question"] == question)].set_index("step")
        row, keys = {"actor": label}, []
        for step in steps:
            cell = mine.loc[step]
            row[step] = f"**{ANSWERS[cell['answer']]}.** {escape(cell['reasoning'])}"
            keys += data.split_keys(cell["source"])
        row["source"] = ";".join(dict.fromkeys(keys))
        out.append(row)
    return pd.DataFrame(out)


def illustration_table(frame: pd.DataFrame, question: str) -> Markdown:
    """The worked illustration for one question, as a cited table generated from data."""
    wide = illustration_frame(frame, question)
    headers = {"actor": "Hypothetical actor"}
    headers.update({step: STEPS[step][1] for step in wide.columns if step in STEPS})
    return cited_table(wide, headers, f"{QUESTIONS[question]}: each step of the test applied to "
                       "three hypothetical actors (our illustration, not a court's).",
                       name=f"tbl-illustration-{question}", markup=tuple(STEPS))


def stated_count(sites: pd.DataFrame, row_id: str) -> int:
    """The number a source states for ``row_id``; refuses rows where the record is silent."""
    row = sites.set_index("id").loc[row_id]
    if row["status"] != "count-stated":
        raise ValueError(f'"{row_id}" has no stated count (status {row["status"]})')
    return int(row["count"])


# --------------------------------------------------------------------------- numbers


def numbers(part: Jurisdiction | None = None) -> dict[str, int]:
    """Every number Part III's prose quotes (and Part IV's, where it recalls the sites).

    ``n_sites_in_suit``, ``n_sites_abroad`` and ``n_sites_in_tac`` are counts a source
    states (never estimates); ``n_sites_rest`` is the suit's sites not argued to be
    abroad; ``n_site_rows_silent`` the rows where the record gives no number. ``n_cases``
    and ``n_personal`` / ``n_territorial`` count the precedents, ``first_year`` and
    ``last_year`` bound them; ``n_actors``, ``n_grid_rows`` and ``n_arguable`` describe
    the worked illustration.
    """
    part = part or load()
    cases, sites, grid = part.cases, part.sites, part.illustration
    in_suit = stated_count(sites, "sites-in-suit")
    abroad = stated_count(sites, "sites-argued-abroad")
    return {
        "n_sites_in_suit": in_suit,
        "n_sites_abroad": abroad,
        "n_sites_rest": in_suit - abroad,
        "n_sites_in_tac": stated_count(sites, "sites-in-tac"),
        "n_site_rows_silent": int((sites["status"] != "count-stated").sum()),
        "n_cases": len(cases),
        "n_personal": int((cases["question"] == "personal-jurisdiction").sum()),
        "n_territorial": int((cases["question"] == "territorial-reach").sum()),
        "first_year": int(cases["year"].min()),
        "last_year": int(cases["year"].max()),
        "n_actors": len(ACTORS),
        "n_grid_rows": len(grid),
        "n_arguable": int((grid["answer"] == "arguable").sum()),
    }


# --------------------------------------------------------------------------- decision flow


@dataclass(frozen=True)
class Node:
    """One box of the decision-flow diagram (axes units: 0-10 across, 0-10 up)."""

    id: str
    question: str
    kind: str  # header, decision, yes, no, note
    x: float  # left edge
    y: float  # bottom edge
    w: float
    h: float
    text: str

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


def _column(question: str, left: float) -> list[Node]:
    q = question
    d, gap, side = 3.0, 0.5, 1.33  # widths: decision boxes, the arrow gap, side boxes
    sx, full = left + d + gap, d + gap + side
    if q == "personal-jurisdiction":
        return [
            Node("pj-head", q, "header", left, 8.95, full, 0.95,
                 f"{QUESTIONS[q]}\n{QUESTION_ASKS[q]}"),
            Node("pj-1", q, "decision", left, 7.25, d, 1.2,
                 "Does the defendant aim its online activity at the state? "
                 "(Calder; ALS Scan v. DSC, part 1)"),
            Node("pj-2", q, "decision", left, 5.5, d, 1.2,
                 "...with a manifest intent to do business or interact there? "
                 "(ALS Scan v. DSC, part 2; Mavrix)"),
            Node("pj-3", q, "decision", left, 3.75, d, 1.2,
                 "...and does the claim arise from that activity? (ALS Scan v. DSC, part 3)"),
            Node("pj-no", q, "no", sx, 3.75, side, 4.7,
                 "No: no specific jurisdiction in this state. Supplying bandwidth to a "
                 "site was not enough (ALS Scan v. DSC)"),
            Node("pj-yes", q, "yes", left, 2.0, d, 1.05,
                 "Yes: this court may judge this defendant on this claim"),
            Node("pj-note", q, "note", left, 0.55, full, 1.0,
                 "Count only the defendant's own contacts with the state, "
                 "not the plaintiff's (Walden v. Fiore)"),
        ]
    return [
        Node("tr-head", q, "header", left, 8.95, full, 0.95,
             f"{QUESTIONS[q]}\n{QUESTION_ASKS[q]}"),
        Node("tr-1", q, "decision", left, 7.25, d, 1.2,
             "Step 1: does the Copyright Act clearly say it applies abroad? (RJR Nabisco)"),
        Node("tr-abroad", q, "yes", sx, 6.95, side, 1.5,
             "Then it would reach acts abroad (not so for the Copyright Act)"),
        Node("tr-2", q, "decision", left, 3.75, d, 2.3,
             "Step 2: did conduct the Act cares about happen in the US? For example, a "
             "copy made here (Update Art; L.A. News) or a showing on US screens (Spanski)"),
        Node("tr-no", q, "no", sx, 3.75, side, 2.3,
             "No: authorising from the US acts that all happen abroad is not "
             "infringement (Subafilms)"),
        Node("tr-yes", q, "yes", left, 2.0, d, 1.05,
             "Yes: a domestic case, so US copyright law applies"),
        Node("tr-note", q, "note", left, 0.55, full, 1.0,
             "Foreign copies that flow from a US act may count, but recovery for them "
             "is limited to the infringer's profits (L.A. News, 2003)"),
    ]


FLOW_NODES: list[Node] = _column("personal-jurisdiction", 0.05) + _column("territorial-reach", 5.12)
# (from, to, label): every arrow of the diagram.
FLOW_EDGES: list[tuple[str, str, str]] = [
    ("pj-1", "pj-2", "yes"), ("pj-2", "pj-3", "yes"), ("pj-3", "pj-yes", "yes"),
    ("pj-1", "pj-no", "no"), ("pj-2", "pj-no", "no"), ("pj-3", "pj-no", "no"),
    ("tr-1", "tr-abroad", "yes"), ("tr-1", "tr-2", "no: the presumption applies (Subafilms)"),
    ("tr-2", "tr-yes", "yes"), ("tr-2", "tr-no", "no"),
]
DIVIDER_X = 5.0  # the line between the two questions: no arrow ever crosses it

_KIND_STYLE = {
    "header": {"lw": 1.6, "tint": 0.30, "weight": "bold", "size": 10},
    "decision": {"lw": 1.6, "tint": 0.14, "weight": "normal", "size": 8.6},
    "yes": {"lw": 2.2, "tint": 0.14, "weight": "normal", "size": 8.6},
    "no": {"lw": 2.2, "tint": 0.14, "weight": "normal", "size": 8.6},
    "note": {"lw": 0.8, "tint": 0.08, "weight": "normal", "size": 8.2},
}


def _wrap(text: str, width_units: float, size: float, points_per_unit: float, bold: bool) -> str:
    """Wrap ``text`` to fit a box ``width_units`` wide (DejaVu Sans: ~0.6 em per character)."""
    usable = (width_units - 0.25) * points_per_unit
    per_line = max(8, int(usable / (size * (0.66 if bold else 0.6))))
    return "\n".join(textwrap.fill(part, per_line) for part in text.split("\n"))


#: The phone's flow: one question above the other, in inches; box widths for the
#: questions (decision boxes, the gap for a sideways arrow, the side boxes).
_PHONE_FLOW = {"width": 3.55, "decision": 2.0, "gap": 0.3, "side": 1.25, "space": 0.36}
#: Text sizes on the phone (no smaller than a phone can read).
_PHONE_SIZES = {"header": 9.5, "decision": 8.2, "yes": 8.2, "no": 8.2, "note": 8.0}


def _phone_height(node: Node, width: float) -> float:
    size = _PHONE_SIZES[node.kind]
    lines = _wrap(node.text, width, size, 72, node.kind == "header").count("\n") + 1
    return lines * size * 1.25 / 72 + 0.2


def phone_flow_nodes() -> tuple[list[Node], float, float]:
    """:data:`FLOW_NODES` laid out for a phone (inches): personal jurisdiction above
    territorial reach, each box as tall as its wrapped text, the same boxes and the same
    arrows. Returns the nodes, the height of the whole and where the divider runs."""
    w, d, gap, side, space = (_PHONE_FLOW[k] for k in ("width", "decision", "gap", "side", "space"))
    by_id = {n.id: n for n in FLOW_NODES}
    placed: dict[str, Node] = {}
    top = 0.05  # running downwards; flipped at the end

    def put(ident: str, x: float, width: float, y_top: float, height: float | None = None) -> float:
        node = by_id[ident]
        height = height or _phone_height(node, width)
        placed[ident] = Node(node.id, node.question, node.kind, x, -(y_top + height), width, height, node.text)
        return y_top + height

    def row(main: str, beside: str | None, y_top: float) -> float:
        """A decision box, and the side box its sideways arrow reaches, as tall as each other."""
        height = max(_phone_height(by_id[main], d), _phone_height(by_id[beside], side) if beside else 0)
        put(main, 0, d, y_top, height)
        if beside:
            put(beside, d + gap, side, y_top, height)
        return y_top + height

    # Question 1: three decisions, each "no" into one side box beside all three.
    top = put("pj-head", 0, w, top) + 0.25
    first = top
    for ident in ("pj-1", "pj-2", "pj-3"):
        top = row(ident, None, top) + space
    put("pj-no", d + gap, side, first, top - space - first)
    top = put("pj-yes", 0, d, top) + 0.2
    top = put("pj-note", 0, w, top)
    divider = top + 0.3
    # Question 2: step 1 (yes: beside it), then step 2 (no: beside it) under a wider gap,
    # where the arrow's label has room.
    top = put("tr-head", 0, w, divider + 0.3) + 0.25
    top = row("tr-1", "tr-abroad", top) + 0.6
    top = row("tr-2", "tr-no", top) + space
    top = put("tr-yes", 0, d, top) + 0.2
    top = put("tr-note", 0, w, top)
    height = top + 0.05
    nodes = [Node(n.id, n.question, n.kind, n.x + 0.02, n.y + height, n.w, n.h, n.text)
             for n in (placed[m.id] for m in FLOW_NODES)]
    return nodes, height, height - divider


def decision_flow_figure(phone: bool = False):
    """The decision flow (:func:`draw_decision_flow`) on a figure of its own: the two
    questions side by side, or, for a ``phone``, one above the other."""
    if not phone:
        fig, ax = plt.subplots(figsize=(9, 6.6))
        draw_decision_flow(ax)
        return fig
    nodes, height, _ = phone_flow_nodes()
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, height + 0.45))
    draw_decision_flow(ax, phone=True)
    return fig


def draw_decision_flow(ax, phone: bool = False) -> dict[str, tuple[FancyBboxPatch, Text]]:
    """Draw the two questions as separate flows: side by side, or, for a ``phone``, one
    above the other (:func:`phone_flow_nodes`) with the divider between them.

    Returns each node's box and its text, so a test can check that every text fits.

    The figure should be about 9 x 6.6 inches (:data:`~als_explainer.charts.PHONE_WIDTH`
    wide and as tall as the phone's flow, plus 0.45 in for the line under it, on a
    phone); the axes are made to fill it.
    """
    fig = ax.figure
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    ax.axis("off")
    if phone:
        flow, height, divider = phone_flow_nodes()
        ax.set_position((0, 0, 1, 1))
        ax.set_xlim(0, fig.get_figwidth())
        ax.set_ylim(-0.45, fig.get_figheight() - 0.45)
        points_per_unit = 72.0
    else:
        flow = FLOW_NODES
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        points_per_unit = ax.get_position().width * fig.get_figwidth() * 72 / 10
    nodes = {n.id: n for n in flow}
    drawn: dict[str, tuple[FancyBboxPatch, Text]] = {}
    for node in flow:
        style = dict(_KIND_STYLE[node.kind], **({"size": _PHONE_SIZES[node.kind]} if phone else {}))
        edge = {"yes": PALETTE["green"], "no": PALETTE["vermillion"], "note": PALETTE["grey"]}.get(
            node.kind, QUESTION_COLOURS[node.question])
        # A pale tint of the edge colour, opaque, so the chart has no transparency.
        box = FancyBboxPatch((node.x, node.y), node.w, node.h,
                             boxstyle="round,pad=0.02,rounding_size=0.12", linewidth=style["lw"],
                             edgecolor=edge, facecolor=tint(edge, style["tint"]))
        ax.add_patch(box)
        bold = style["weight"] == "bold"
        text = ax.text(*node.centre, _wrap(node.text, node.w, style["size"], points_per_unit, bold),
                ha="center", va="center", fontsize=style["size"], fontweight=style["weight"],
                color="#1A1A1A", linespacing=1.25)
        drawn[node.id] = (box, text)
    for start, end, label in FLOW_EDGES:
        _arrow(ax, nodes[start], nodes[end], textwrap.fill(label, 24) if phone else label)
    apart = "two separate questions (in our reading, a yes to one settles nothing about the other)"
    if phone:  # across the page between the questions, the words under the second
        ax.plot([0, fig.get_figwidth()], [divider, divider], color="#8A8A8A", linewidth=1.2,
                linestyle=(0, (4, 3)))
        ax.text(fig.get_figwidth() / 2, -0.22, textwrap.fill(apart, 48), ha="center", va="center",
                fontsize=PHONE_MIN_TEXT, color="#333333", style="italic")
        return drawn
    ax.plot([DIVIDER_X, DIVIDER_X], [0.4, 9.95], color="#8A8A8A", linewidth=1.2,
            linestyle=(0, (4, 3)))
    ax.text(DIVIDER_X, 0.15, apart, ha="center", va="center", fontsize=8.4, color="#333333",
            style="italic")
    return drawn


def _arrow(ax, start: Node, end: Node, label: str) -> None:
    sx, sy = start.centre
    ex, ey = end.centre
    if end.x >= start.x + start.w:  # sideways, into the left edge of the target
        y = min(max(sy, end.y + 0.15), end.y + end.h - 0.15)
        tail, head = (start.x + start.w, y), (end.x, y)
        text_at, align = ((tail[0] + head[0]) / 2, y + 0.12), "center"
    else:  # downwards, bottom edge to top edge
        tail, head = (sx, start.y), (sx, end.y + end.h)
        text_at, align = (sx + 0.1, (tail[1] + head[1]) / 2), "left"
    ax.annotate("", xy=head, xytext=tail,
                arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1.3,
                            "shrinkA": 1, "shrinkB": 1, "mutation_scale": 12})
    ax.text(*text_at, label, ha=align, va="bottom" if align == "center" else "center",
            fontsize=8, color="#333333", style="italic")


# --------------------------------------------------------------------------- charts


def draw_precedents(axes, cases: pd.DataFrame, span: tuple | None = None,
                    span_label: str = "ALS Scan v. Cloudflare", phone: bool = False) -> None:
    """One panel per question: each precedent a dot at its year, the case's own span shaded.

    ``axes`` is a pair of axes (personal jurisdiction first); ``span`` is an optional
    (start, end) pair of timestamps for *ALS Scan v. Cloudflare* itself. Each dot's
    year is written beside it; for a ``phone`` the case's name goes there too, on the
    side with room, instead of in a column of names at the left.
    """
    first, last = int(cases["year"].min()), int(cases["year"].max())
    middle = (first + last) / 2
    for ax, question in zip(axes, QUESTIONS):
        rows = cases[cases["question"] == question].sort_values("year", kind="stable")
        ys = list(range(len(rows)))[::-1]
        colour = QUESTION_COLOURS[question]
        if span is not None:
            start, end = (_year_fraction(pd.Timestamp(t)) for t in span)
            ax.axvspan(start, end, color=tint(PALETTE["grey"], 0.25), linewidth=0, zorder=0)
        ax.hlines(ys, first - 3, rows["year"], color=tint(colour, 0.35), linewidth=1, zorder=1)
        ax.plot(rows["year"], ys, "o", color=colour, markersize=7, linestyle="none", zorder=3)
        for y, (_, row) in zip(ys, rows.iterrows()):
            year = int(row["year"])
            right = not phone or year <= middle
            words = f"{row['label']}, {year}" if phone and str(year) not in row["label"] else (
                row["label"] if phone else str(year))
            ax.annotate(words, (year, y), xytext=(7 if right else -7, 0), textcoords="offset points",
                        ha="left" if right else "right", va="center",
                        fontsize=PHONE_MIN_TEXT if phone else 8, color="#333333",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5} if phone else None)
        ax.set_yticks(ys, [""] * len(rows) if phone else list(rows["label"]))
        ax.set_ylim(-0.7, len(rows) - 0.3 + (0.6 if phone else 0))
        ax.set_xlim(first - 3, last + 5)
        ax.grid(axis="y", visible=False)
        if phone:
            ax.tick_params(axis="y", length=0)
        title = f"{QUESTIONS[question]}: {QUESTION_ASKS[question]}"
        ax.text(0.0, 1.03, textwrap.fill(title, 40) if phone else title,
                transform=ax.transAxes, ha="left", va="bottom", fontsize=9.5,
                fontweight="bold", color="#1A1A1A")
    if span is not None:
        start, end = (_year_fraction(pd.Timestamp(t)) for t in span)
        axes[0].annotate(span_label, ((start + end) / 2, len(
            cases[cases["question"] == "personal-jurisdiction"]) - (0.2 if phone else 0.45)),
            ha="center", va="top", fontsize=PHONE_MIN_TEXT if phone else 7.8, color="#333333")
    axes[-1].set_xlabel("year of decision")


def precedents_figure(cases: pd.DataFrame, span: tuple | None = None, phone: bool = False):
    """The precedents chart (:func:`draw_precedents`): two panels, one per question, on a
    figure of its own, at a phone's width for a ``phone``."""
    if phone:
        fig, axes = plt.subplots(2, 1, figsize=(PHONE_WIDTH, 7.4), sharex=True, layout="constrained",
                                 gridspec_kw={"height_ratios": [8.6, 7.6]})
    else:
        fig, axes = plt.subplots(2, 1, figsize=(8, 6.2), sharex=True,
                                 gridspec_kw={"height_ratios": [8, 7], "hspace": 0.4})
    draw_precedents(axes, cases, span=span, phone=phone)
    return fig


def _year_fraction(when: pd.Timestamp) -> float:
    start = pd.Timestamp(year=when.year, month=1, day=1)
    length = (pd.Timestamp(year=when.year + 1, month=1, day=1) - start).days
    return when.year + (when - start).days / length


def draw_site_record(ax, sites: pd.DataFrame, phone: bool = False) -> dict[str, object]:
    """What the record says about the sites: a bar only where a source states a number.

    Rows where a source gives no number, or no source says anything, get no bar at all,
    only words in the row (a band across the chart would read as the biggest number of
    all), so the chart never shows a number nobody stated. The key names the colours of
    the bars drawn. For a ``phone``, each row is named above its bar or words
    (:func:`~als_explainer.charts.names_above`) and the key sits below, in one column.
    Returns the artist drawn for each row id (a bar, or the words), for checking.
    """
    stated = sites[sites["status"] == "count-stated"]
    top = int(stated["count"].max()) + 2 if len(stated) else 10
    drawn: dict[str, object] = {}
    ys = list(range(len(sites)))[::-1]
    for y, (_, row) in zip(ys, sites.iterrows()):
        colour = WHO_COLOURS[row["said_by"]]
        if row["status"] == "count-stated":
            bar = ax.barh(y, int(row["count"]), color=colour, height=0.3 if phone else 0.62, zorder=2)[0]
            ax.text(int(row["count"]) + 0.2, y, str(int(row["count"])), va="center",
                    fontsize=9.5, fontweight="bold", color="#1A1A1A")
            drawn[row["id"]] = bar
        else:
            text = SILENCE_TEXT[row["status"]].format(text=row["count_text"])
            words = {"va": "center", "fontsize": 8.6} if not phone else {
                "va": "top", "fontsize": PHONE_MIN_TEXT}  # under the row's name, wrapped
            drawn[row["id"]] = ax.text(0.2, y, textwrap.fill(text, 46) if phone else text, ha="left",
                                       style="italic", color="#1A1A1A", zorder=3, **words,
                                       bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_yticks(ys, list(sites["label"]))
    ax.set_xlim(0, top)
    ax.set_ylim(-0.6, len(sites) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("number stated by a source\n(no bar where none is stated)" if phone
                  else "number stated by a source (no bar where none is stated)")
    present = [k for k in WHO_SAID if k in set(stated["said_by"])]
    handles = legend_patches({k: WHO_COLOURS[k] for k in present}, WHO_SAID)
    if phone:
        names_above(ax)
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.figure.legend(handles=handles, loc="outside lower left", ncols=1, fontsize=PHONE_MIN_TEXT)
    else:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3,
                  fontsize=8.5)
    return drawn


def site_record_figure(sites: pd.DataFrame, phone: bool = False):
    """The site-record chart (:func:`draw_site_record`) on a figure of its own, at a
    phone's width for a ``phone``."""
    if phone:
        fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4.6), layout="constrained")
    else:
        fig, ax = plt.subplots(figsize=(8, 3.8))
    draw_site_record(ax, sites, phone=phone)
    return fig
