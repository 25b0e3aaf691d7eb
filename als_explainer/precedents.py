"""Part II, the doctrine: the precedents dataset, the numbers its prose quotes, its charts
and the reader's table.

``data/precedents.csv`` holds one row per court decision on the secondary copyright
liability of an intermediary. :func:`load` returns it checked: each cell against
``data/datapackage.json``, then :func:`check` for the rules that span several columns.
:func:`numbers` gives every number the Part II pages quote. The chart helpers draw on an
``Axes`` the chapter creates, so a chapter cell stays a few lines long and the caption,
alt text and ``publish`` stay in the chapter.

Rows whose ``body_of_law`` is ``anti-terrorism-analogy`` (Twitter v. Taamneh) are not
copyright decisions: the table shows them, labelled, and the charts leave them out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import data
from .charts import PALETTE
from .data import DataError, is_blank
from .tables import cite, cited_table, escape, source_words

#: The datasets this module loads: the build reads this to know which chapters to run
#: again after a data edit (the editing guide; tests/test_reexecution.py checks it).
DATASETS = ("precedents",)

ANALOGY = "anti-terrorism-analogy"

# Kinds of intermediary, in the order the charts list them (closest to a CDN first).
TYPE_LABELS = {
    "cdn-proxy": "CDN / reverse proxy",
    "isp-conduit": "internet access, networks",
    "host": "hosts, data centres, platforms",
    "search-engine": "search engine",
    "payment-processor": "payment processor",
    "ad-network": "ad network",
    "marketplace": "marketplaces",
    "p2p-software": "file-sharing software",
    "device-maker": "device maker",
    "other": "other",
}

OUTCOME_LABELS = {
    "liable": "liable",
    "mixed": "partly liable",
    "remanded": "sent back",
    "settled": "settled",
    "not-liable": "not liable",
}
# Colour and marker shape both carry the outcome, so the charts read without colour too.
OUTCOME_STYLE = {
    "liable": {"color": PALETTE["vermillion"], "marker": "s"},
    "mixed": {"color": PALETTE["orange"], "marker": "D"},
    "remanded": {"color": PALETTE["purple"], "marker": "^"},
    "settled": {"color": PALETTE["black"], "marker": "X"},
    "not-liable": {"color": PALETTE["blue"], "marker": "o"},
}

ELEMENTS = {
    "knowledge": "knowledge",
    "material_contribution": "material\ncontribution",
    "simple_measures": "simple\nmeasures",
    "inducement": "inducement",
    "noninfringing_uses": "lawful uses\n(Sony)",
    "vicarious": "vicarious\nliability",
    "safe_harbor": "DMCA safe\nharbor",
}
FINDING_LABELS = {
    "rights-holder": "decided for the rights holder",
    "open": "left open (trial, jury or remand)",
    "intermediary": "decided for the intermediary",
}
FINDING_STYLE = {
    "rights-holder": {"color": PALETTE["vermillion"], "marker": "s"},
    "open": {"color": PALETTE["grey"], "marker": "^"},
    "intermediary": {"color": PALETTE["blue"], "marker": "o"},
}

#: Kinds of intermediary that run infrastructure rather than a service built on content
#: (the "infrastructure" of the chapters' counts).
INFRASTRUCTURE = ["cdn-proxy", "isp-conduit", "host", "payment-processor", "ad-network"]
#: Internet access providers and CDNs: the decisions closest to Cloudflare's position.
NETWORK_TYPES = ["isp-conduit", "cdn-proxy"]
#: The decisions in ALS Scan v. Cloudflare's own story, one per defendant's last ruling.
CASE_STAGES = ["juicyads-2016", "alsscan-2018", "steadfast-2020"]

CITATION_CHECK_LABELS = {
    "reporter-checked": "citation checked",
    "reporter-secondary": "citation from secondary sources",
    "docket-only": "docket number only",
    "unconfirmed": "citation not confirmed",
}


# --------------------------------------------------------------------------- data


def load(root: Path | None = None) -> pd.DataFrame:
    """The dataset, checked (cell by cell, then across columns), oldest decision first.

    Adds ``number`` (1, 2, … in date order; the charts and the table share it),
    ``year`` and ``date`` (the middle of the span the date allows).
    """
    frame = check(data.load("precedents", root=root))
    frame = frame.sort_values(["decided_start", "id"], kind="stable").reset_index(drop=True)
    frame["number"] = range(1, len(frame) + 1)
    frame["date"] = frame["decided_start"] + (frame["decided_end"] - frame["decided_start"]) / 2
    frame["year"] = frame["date"].dt.year
    return frame


def check(frame: pd.DataFrame) -> pd.DataFrame:
    """Rules that involve more than one column; raise :class:`DataError` naming row and column.

    The frame is the loader's, indexed by row number in the CSV.
    """
    file = frame.attrs["path"]
    for number, row in frame.iterrows():
        analogy = row["body_of_law"] == ANALOGY
        if analogy != (row["theory"] == "aiding-abetting"):
            raise DataError(file, 'theory "aiding-abetting" goes with body_of_law '
                            f'"{ANALOGY}" and only with it', row=number, column="theory")
        if analogy and "analogy" not in row["case_name"].lower():
            raise DataError(file, "an analogy row must say so in its case name",
                            row=number, column="case_name")
        coded = [e for e in ELEMENTS if pd.notna(row[e])]
        if analogy and coded:
            raise DataError(file, "an analogy row is not coded on copyright elements",
                            row=number, column=coded[0])
        if not analogy and not coded:
            raise DataError(file, "code at least one element the decision addressed",
                            row=number, column="knowledge")
        kind = row["citation_check"]
        citation = row["citation"]
        if kind == "docket-only" and "No" not in citation:
            raise DataError(file, f'"{citation}" is marked docket-only but gives no docket number '
                            '("No." or "Nos.")', row=number, column="citation")
        if kind.startswith("reporter") and not any(r in citation for r in (" U.S. ", " S. Ct. ", " F.", " F. Supp.")):
            raise DataError(file, f'"{citation}" is marked {kind} but is not a reporter citation',
                            row=number, column="citation")
        year = row["decided_start"].year
        if str(year) not in row["id"] and str(row["decided_end"].year) not in row["id"]:
            raise DataError(file, f'id "{row["id"]}" does not end in the year decided ({year})',
                            row=number, column="id")
    return frame


def copyright_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the charts use: every decision except the analogies."""
    return frame[frame["body_of_law"] != ANALOGY]


def outcome_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions per kind of intermediary (rows) and outcome (columns), analogies left out."""
    rows = copyright_only(frame)
    table = pd.crosstab(rows["intermediary_type"], rows["outcome"])
    types = [t for t in TYPE_LABELS if t in table.index]
    outcomes = [o for o in OUTCOME_LABELS if o in table.columns]
    return table.reindex(index=types, columns=outcomes, fill_value=0)


def element_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per coded element of every decision: ``id``, ``intermediary_type``,
    ``element`` and ``finding``. Analogies are left out."""
    rows = copyright_only(frame)
    long = rows.melt(id_vars=["id", "number", "short_name", "intermediary_type"],
                     value_vars=list(ELEMENTS), var_name="element", value_name="finding")
    return long[long["finding"].notna()].reset_index(drop=True)


# --------------------------------------------------------------------------- numbers


def numbers(frame: pd.DataFrame | None = None) -> dict:
    """Every number (and date label) the Part II pages quote, ready to glue.

    Copyright decisions (analogies left out): ``n_decisions``, from ``first_year`` to
    ``last_year``, about ``n_types`` kinds of intermediary; ``n_analogies`` analogies.
    ``n_p2p`` / ``n_p2p_liable``: file-sharing software, and how often found liable
    (chapter 21 says every one went against the services: the rest were sent back after
    a win for them was set aside, which :func:`_check_p2p_sentence` keeps true);
    ``n_infra`` / ``n_infra_liable`` / ``n_infra_not_liable``: the same for the kinds in
    :data:`INFRASTRUCTURE`. ``n_findings`` coded findings in all, ``n_harbor`` of them on
    the DMCA safe harbor (``n_harbor_denied``, ``n_harbor_granted``, ``n_harbor_open``).
    ``n_cdn`` CDN decisions, ``n_cdn_cloudflare`` against Cloudflare, ``n_cdn_later``
    decided in a later year than ALS Scan v. Cloudflare's; ``n_infra_cases`` decisions
    about access providers and CDNs, ``n_knowledge_won`` of them with knowledge and
    material contribution both found for the rights holder. ``<id>-when``: the date of
    each decision in :data:`CASE_STAGES`.
    """
    frame = load() if frame is None else frame
    cases = copyright_only(frame)
    _check_p2p_sentence(cases)
    counts = outcome_counts(frame)
    infrastructure = counts.loc[[t for t in INFRASTRUCTURE if t in counts.index]]
    harbor = element_findings(frame).query("element == 'safe_harbor'")["finding"]
    by_id = frame.set_index("id")
    cdn = frame[frame["intermediary_type"] == "cdn-proxy"]
    network = network_decisions(frame)
    knowledge_won = network[(network["knowledge"] == "rights-holder")
                            & (network["material_contribution"] == "rights-holder")]
    found = {
        "n_decisions": len(cases),
        "n_analogies": len(frame) - len(cases),
        "n_types": len(counts),
        "first_year": int(cases["year"].min()),
        "last_year": int(cases["year"].max()),
        "n_p2p": int(counts.loc["p2p-software"].sum()),
        "n_p2p_liable": int(counts.loc["p2p-software", "liable"]),
        "n_infra": int(infrastructure.to_numpy().sum()),
        "n_infra_liable": int(infrastructure["liable"].sum()),
        "n_infra_not_liable": int(infrastructure["not-liable"].sum()),
        "n_findings": len(element_findings(frame)),
        "n_harbor": len(harbor),
        "n_harbor_denied": int((harbor == "rights-holder").sum()),
        "n_harbor_granted": int((harbor == "intermediary").sum()),
        "n_harbor_open": int((harbor == "open").sum()),
        "n_cdn": len(cdn),
        "n_cdn_cloudflare": int(cdn["case_name"].str.contains("Cloudflare").sum()),
        "n_cdn_later": int((cdn["year"] > by_id.loc["alsscan-2018", "year"]).sum()),
        "n_infra_cases": len(network),
        "n_knowledge_won": len(knowledge_won),
    }
    found.update({f"{ident}-when": by_id.loc[ident, "decided_label"] for ident in CASE_STAGES})
    return found


P2P_SENT_BACK = ("grokster-2005",)
"""The file-sharing decisions chapter 21 names as sent back rather than decided for the
rights holders: in *Grokster* the Supreme Court vacated the distributors' summary
judgment."""


def _check_p2p_sentence(cases: pd.DataFrame) -> None:
    """Stop the build if chapter 21's sentence on file-sharing decisions no longer fits.

    The chapter says all of them went against the services: each held them liable,
    except the ones in :data:`P2P_SENT_BACK`, which set aside a win of theirs.
    """
    p2p = cases[cases["intermediary_type"] == "p2p-software"]
    sent_back = tuple(p2p.loc[p2p["outcome"] == "remanded", "id"])
    others = p2p[~p2p["outcome"].isin(["liable", "remanded"])]
    if sent_back != P2P_SENT_BACK or len(others):
        raise ValueError(
            "data/precedents.csv: the file-sharing rows (intermediary_type 'p2p-software') "
            f"are now {', '.join(p2p['id'] + ': ' + p2p['outcome'])}; "
            "update the text about file-sharing decisions in chapter 21")


def network_decisions(frame: pd.DataFrame) -> pd.DataFrame:
    """The decisions about internet access providers and CDNs, in date order."""
    return frame[frame["intermediary_type"].isin(NETWORK_TYPES)]


# --------------------------------------------------------------------------- charts


def _spread(dates: list[pd.Timestamp], window_days: float = 900,
            levels=(0, 1, -1, 2, -2, 3, -3)) -> list[int]:
    """Sub-row levels so that markers closer than ``window_days`` in one lane do not overlap."""
    placed: list[tuple[pd.Timestamp, int]] = []
    result = []
    for date in dates:
        near = {level for other, level in placed if abs((date - other).days) < window_days}
        level = next(lv for lv in levels if lv not in near)
        placed.append((date, level))
        result.append(level)
    return result


def outcome_handles(outcomes) -> list[Line2D]:
    """Legend entries (colour and shape) for the outcomes that occur, in house order."""
    return [Line2D([], [], linestyle="none", markersize=8, label=OUTCOME_LABELS[o], **OUTCOME_STYLE[o])
            for o in OUTCOME_LABELS if o in set(outcomes)]


def precedent_timeline(ax, frame: pd.DataFrame, types: list[str] | None = None,
                       sub_row: float = 0.4, gap: float = 1.0):
    """Each decision as a marker at its date, one lane per kind of intermediary.

    Colour and shape show the outcome for the intermediary; the number beside each
    marker is the decision's ``number`` in the precedents table. Decisions that fall
    close together in one lane go on sub-rows ``sub_row`` apart, and the lane grows to
    fit them, lanes being ``gap`` apart. Returns legend handles.
    """
    rows = copyright_only(frame)
    lanes = [t for t in TYPE_LABELS if t in set(rows["intermediary_type"]) and (types is None or t in types)]
    rows = rows[rows["intermediary_type"].isin(lanes)]
    placed, centre, y = {}, {}, 0.0
    for lane in reversed(lanes):  # bottom lane first
        sub = rows[rows["intermediary_type"] == lane].sort_values("date", kind="stable")
        levels = _spread(list(sub["date"]))
        y += -min(levels) * sub_row
        centre[lane] = y
        placed[lane] = list(zip(sub.iterrows(), levels))
        y += max(levels) * sub_row + gap
    for lane in lanes:
        for (_, row), level in placed[lane]:
            at = centre[lane] + level * sub_row
            ax.plot([row["date"]], [at], linestyle="none", markersize=8, markeredgecolor="white",
                    markeredgewidth=0.6, **OUTCOME_STYLE[row["outcome"]])
            ax.annotate(str(row["number"]), (row["date"], at), xytext=(5, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=7.5, color="#222222")
    ax.set_yticks([centre[t] for t in lanes], [TYPE_LABELS[t] for t in lanes])
    ax.set_ylim(-0.6, y - gap + 0.7)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("year of decision")
    return outcome_handles(rows["outcome"])


def outcome_bars(ax, frame: pd.DataFrame):
    """Horizontal stacked bars: decisions per kind of intermediary, split by outcome.

    Each segment is labelled with its count. Returns legend handles.
    """
    counts = outcome_counts(frame)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    left = pd.Series(0, index=counts.index)
    for outcome in counts.columns:
        values = counts[outcome]
        colour = OUTCOME_STYLE[outcome]["color"]
        ax.barh([TYPE_LABELS[t] for t in counts.index], values, left=left, color=colour,
                edgecolor="white", linewidth=0.8)
        for i, (t, v) in enumerate(values.items()):
            if v:
                text_colour = "white" if outcome in ("liable", "not-liable", "settled") else "#222222"
                ax.text(left[t] + v / 2, i, str(v), ha="center", va="center", fontsize=8.5, color=text_colour)
        left = left + values
    ax.set_xlabel("number of decisions")
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return [Patch(facecolor=OUTCOME_STYLE[o]["color"], label=OUTCOME_LABELS[o]) for o in counts.columns]


def finding_handles(findings) -> list[Line2D]:
    """Legend entries for the element findings that occur."""
    return [Line2D([], [], linestyle="none", markersize=7, label=FINDING_LABELS[f], **FINDING_STYLE[f])
            for f in FINDING_LABELS if f in set(findings)]


def element_matrix(ax, frame: pd.DataFrame, by: str = "intermediary_type", per_row: int = 4,
                   rows_order: list | None = None, row_labels: dict | None = None):
    """What courts found on each element: one cell per row group × element, one marker per decision.

    ``by`` is ``intermediary_type`` (cells pool the decisions about that kind of
    intermediary) or ``id`` (one row per decision). Within a cell the markers are
    grouped by finding (rights holder, open, intermediary), ``per_row`` to a line.
    Returns legend handles.
    """
    findings = element_findings(frame)
    if rows_order is None:
        present = list(dict.fromkeys(findings[by]))
        rows_order = [t for t in TYPE_LABELS if t in present] if by == "intermediary_type" else present
    findings = findings[findings[by].isin(rows_order)]
    labels = row_labels or (TYPE_LABELS if by == "intermediary_type" else {})
    columns = list(ELEMENTS)
    y_of = {r: len(rows_order) - 1 - i for i, r in enumerate(rows_order)}
    order = {f: i for i, f in enumerate(FINDING_LABELS)}
    step, line = 0.18, 0.26
    for (group, element), cell in findings.groupby([by, "element"], sort=False):
        cell = cell.assign(rank=cell["finding"].map(order)).sort_values(["rank", "number"], kind="stable")
        n = len(cell)
        lines = (n + per_row - 1) // per_row
        for k, (_, hit) in enumerate(cell.iterrows()):
            r, c = divmod(k, per_row)
            in_line = min(per_row, n - r * per_row)
            x = columns.index(element) + (c - (in_line - 1) / 2) * step
            y = y_of[group] + ((lines - 1) / 2 - r) * line
            ax.plot([x], [y], linestyle="none", markersize=6.5, markeredgecolor="white",
                    markeredgewidth=0.5, **FINDING_STYLE[hit["finding"]])
    ax.set_xticks(range(len(columns)), [ELEMENTS[c] for c in columns], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(list(y_of.values()), [labels.get(r, r) for r in y_of])
    ax.set_xlim(-0.55, len(columns) - 0.45)
    ax.set_ylim(-0.55, len(rows_order) - 0.45)
    ax.set_xticks([i + 0.5 for i in range(len(columns) - 1)], minor=True)
    ax.set_yticks([i + 0.5 for i in range(len(rows_order) - 1)], minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="#DDDDDD", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(axis="x", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return finding_handles(findings["finding"])


def network_matrix(ax, frame: pd.DataFrame):
    """:func:`element_matrix` for the access-provider and CDN decisions, one row each,
    labelled "Short name (year)". Returns legend handles."""
    network = network_decisions(frame)
    labels = dict(zip(frame["id"], frame["short_name"] + " (" + frame["year"].astype(str) + ")"))
    return element_matrix(ax, frame, by="id", rows_order=list(network["id"]), row_labels=labels)


# --------------------------------------------------------------------------- tables


def stages_table(frame: pd.DataFrame) -> Markdown:
    """The last ruling for each defendant of ALS Scan v. Cloudflare (:data:`CASE_STAGES`)."""
    stages = frame.set_index("id", drop=False).loc[CASE_STAGES]
    stages = stages.assign(result=stages["outcome"].map(OUTCOME_LABELS))
    return cited_table(stages, {"short_name": "Defendant's ruling", "decided_label": "When",
                                "result": "Outcome", "holding": "What the court held (our words)"},
                       "The last reported ruling on each defendant of *ALS Scan v. Cloudflare* whose ruling is known.",
                       name="tbl-case-stages")


def precedents_table(frame: pd.DataFrame, caption: str, name: str = "tbl-precedents") -> Markdown:
    """The reader's table of every decision, as a MyST ``list-table`` with a caption.

    The table carries the class ``sortable-table``, so the ``book_extensions.reader_assets``
    extension gives this page a script that adds a filter box and sortable headings in
    the browser; without JavaScript the table
    reads in date order. Each row cites its sources in its last cell, with its notes and checks.
    """
    headers = ["No.", "Decision", "Date", "Intermediary", "Outcome", "What the court held (our words)",
               "Notes, checks and sources"]
    lines = [f"```{{list-table}} {escape(caption)}", ":header-rows: 1", f":name: {name}",
             ":class: sortable-table precedents-table", ":widths: 5 17 11 15 11 30 11", ""]
    lines.append("* - " + "\n  - ".join(headers))
    for _, row in frame.iterrows():
        outcome = OUTCOME_LABELS[row["outcome"]]
        if row["body_of_law"] == ANALOGY:
            outcome += " (analogy, not copyright)"
        citation = escape(row["citation"])
        if row["court"] not in citation:
            citation += f" ({escape(row['court'])})"
        checked = f'{CITATION_CHECK_LABELS[row["citation_check"]]}; holding from a {row["confidence"]} source'
        held = escape(row["holding"])
        # Notes, checks and sources in a column of their own: on a phone the page folds
        # it away behind a "more" toggle (book_extensions/static/tables.js), so no row outgrows a screen.
        more = f'*Note:* {escape(row["notes"])} ' if pd.notna(row["notes"]) else ""
        more += f"*Checked:* {checked}. *Sources:* {cite(row['source'])}"
        if "source_quote" in row and not is_blank(row["source_quote"]):
            more += f" {source_words(row['source_quote'])}"
        cells = [
            str(row["number"]),
            f'*{escape(row["case_name"])}*, {citation}',
            escape(row["decided_label"]),
            escape(TYPE_LABELS[row["intermediary_type"]]),
            outcome,
            held,
            more,
        ]
        lines.append("* - " + "\n  - ".join(cells))
    lines.append("```")
    return Markdown("\n".join(lines))
