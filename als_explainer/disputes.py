"""What happened after ALS Scan v. Cloudflare: the later disputes, their rulings, and the
figures sources give about them.

Three datasets work together here (all declared in ``data/datapackage.json``):

- ``cloudflare_disputes``: one row per dispute, with when it was brought and when it
  ended at first instance, each only as precise as the record;
- ``dispute_events``: the dated rulings and steps in those disputes;
- ``reported_figures``: numbers as sources state them, grouped by ``measure`` so that
  disagreeing sources are visible.

The generic loader checks each file on its own. This module adds the checks that span
rows or files (a step must belong to a listed dispute; a foreign court applies foreign
law; a dispute cannot end before it began; sources that disagree must say so) and raises
the same :class:`~als_explainer.data.DataError`, naming file, row and column. It also
computes case durations from partial dates and draws the two charts of Part IV.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .charts import PALETTE, PRECISION_STYLE, place_number_labels, timeline
from .data import DataError

DISPUTES, EVENTS, FIGURES = "cloudflare_disputes", "dispute_events", "reported_figures"
HOME_COUNTRY = "United States"
DAYS_PER_MONTH = 365.25 / 12

# What a step meant for the intermediary: one colour each (Okabe-Ito, colour-blind safe).
RESULTS = {
    "for-intermediary": ("for the intermediary", PALETTE["blue"]),
    "against-intermediary": ("against the intermediary", PALETTE["vermillion"]),
    "mixed": ("mixed", PALETTE["orange"]),
    "ended-without-ruling": ("ended without a ruling", PALETTE["grey"]),
    "procedural": ("filing, referral or notice", PALETTE["black"]),
    "compliance": ("intermediary complies with orders", PALETTE["purple"]),
}

# The open questions of 2018, in the words the book uses for them.
QUESTIONS = {
    "serving-liability": "Does serving a known infringer make the provider liable?",
    "response-duties": "What must the provider do once notified (the \u201csimple measures\u201d)?",
    "safe-harbor": "Does the DMCA \u00a7 512 safe harbor protect a CDN?",
    "blocking": "Can the provider be ordered to block access?",
}


def _file(name: str) -> str:
    return f"data/{name}.csv"


def _given(value) -> bool:
    """True for a filled cell (the loader turns empty cells into None or NaN)."""
    return not pd.isna(value)


# --------------------------------------------------------------------------- checks


def check_disputes(disputes: pd.DataFrame) -> None:
    """Checks within each dispute row that the schema alone cannot express."""
    for index, row in disputes.iterrows():
        number = index + 1
        foreign = row["country"] != HOME_COUNTRY
        if (row["foreign_law"] == "yes") != foreign:
            expected = "yes" if foreign else "no"
            raise DataError(
                _file(DISPUTES),
                f'is "{row["foreign_law"]}" but a case heard in {row["country"]} must say "{expected}"',
                row=number, column="foreign_law",
            )
        for date in ("filed", "resolved"):
            has_date, has_precision = _given(row[date]), _given(row[f"{date}_precision"])
            if has_date != has_precision:
                missing = f"{date}_precision" if has_date else date
                raise DataError(
                    _file(DISPUTES),
                    f"is empty, but {date} and {date}_precision must be given together or not at all",
                    row=number, column=missing,
                )
        if _given(row["resolved"]) and _given(row["filed"]) \
                and row["resolved_end"] < row["filed_start"]:
            raise DataError(
                _file(DISPUTES),
                f'"{row["resolved"]}" ends before the dispute was filed ({row["filed"]})',
                row=number, column="resolved",
            )
        if _given(row["resolved"]) != _given(row["resolved_how"]):
            raise DataError(
                _file(DISPUTES), "must be given exactly when resolved is given",
                row=number, column="resolved_how",
            )


def check_events(events: pd.DataFrame, disputes: pd.DataFrame) -> None:
    """Every step belongs to a listed dispute and does not predate its filing."""
    by_id = disputes.set_index("id")
    for index, row in events.iterrows():
        number = index + 1
        if row["dispute"] not in by_id.index:
            raise DataError(
                _file(EVENTS),
                f'names dispute "{row["dispute"]}", which {_file(DISPUTES)} does not list',
                row=number, column="dispute",
            )
        dispute = by_id.loc[row["dispute"]]
        if _given(dispute["filed"]) and row["date_end"] < dispute["filed_start"]:
            raise DataError(
                _file(EVENTS),
                f'"{row["date"]}" is before the dispute was filed ({dispute["filed"]})',
                row=number, column="date",
            )


def check_figures(figures: pd.DataFrame) -> None:
    """Rows for the same measure that disagree are all marked disputed, and only those."""
    for index, row in figures.iterrows():
        number = index + 1
        same = figures[(figures["measure"] == row["measure"]) & (figures.index != index)]
        differs = bool((same["value"] != row["value"]).any())
        if differs and row["agreement"] != "disputed":
            other = same.loc[same["value"] != row["value"], "id"].iloc[0]
            raise DataError(
                _file(FIGURES),
                f'is "{row["agreement"]}" but row "{other}" gives a different value for '
                f'measure "{row["measure"]}"; mark both disputed',
                row=number, column="agreement",
            )
        if row["agreement"] == "disputed" and not differs:
            raise DataError(
                _file(FIGURES),
                f'is "disputed" but no other row gives a different value for measure "{row["measure"]}"',
                row=number, column="agreement",
            )
        if row["agreement"] == "single" and len(same):
            raise DataError(
                _file(FIGURES),
                f'is "single" but measure "{row["measure"]}" has other rows',
                row=number, column="agreement",
            )


def checked(disputes: pd.DataFrame, events: pd.DataFrame,
            figures: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every cross-row and cross-file check; return the two frames unchanged."""
    check_disputes(disputes)
    check_events(events, disputes)
    if figures is not None:
        check_figures(figures)
    return disputes, events


# --------------------------------------------------------------------------- derived tables


def durations(disputes: pd.DataFrame) -> pd.DataFrame:
    """How long each dispute with both dates took to end at first instance, in months.

    A partial date stands for a span of days, so a duration is a range: ``shortest``
    runs from the last day the filing may have happened to the first day the end may
    have happened, ``longest`` the other way round. Disputes without both dates are left
    out rather than guessed.
    """
    known = disputes[disputes["filed"].notna() & disputes["resolved"].notna()].copy()
    shortest = (known["resolved_start"] - known["filed_end"]).dt.days / DAYS_PER_MONTH
    longest = (known["resolved_end"] - known["filed_start"]).dt.days / DAYS_PER_MONTH
    known["shortest"] = shortest.clip(lower=0)
    known["longest"] = longest
    known["middle"] = (known["shortest"] + known["longest"]) / 2
    columns = ["id", "short_name", "country", "foreign_law", "filed_label", "resolved_label",
               "resolved_how", "status", "shortest", "middle", "longest", "source"]
    return known[columns].sort_values("middle", kind="stable").reset_index(drop=True)


def numbered_events(events: pd.DataFrame, disputes: pd.DataFrame) -> pd.DataFrame:
    """Steps in date order with a running number and their dispute's names, for chart and table."""
    names = disputes.set_index("id")
    frame = events.sort_values(["date_start", "date_end"], kind="stable").reset_index(drop=True)
    frame["number"] = range(1, len(frame) + 1)
    frame["case"] = frame["dispute"].map(names["short_name"])
    frame["country"] = frame["dispute"].map(names["country"])
    frame["result_label"] = frame["result"].map(lambda r: RESULTS[r][0])
    return frame


def by_question(events: pd.DataFrame, disputes: pd.DataFrame) -> pd.DataFrame:
    """For each open question, the rulings that bear on it; a question no ruling
    addressed gets one row that says so (with no source, because there is none)."""
    frame = numbered_events(events, disputes)
    rows = []
    for key, question in QUESTIONS.items():
        hits = frame[(frame["question"] == key) & (frame["result"] != "procedural")]
        if hits.empty:
            rows.append({"question": question, "when": "", "case": "", "law": "",
                         "what": "No ruling on this question in the sources this book uses.",
                         "result_label": "", "source": ""})
        for _, hit in hits.iterrows():
            law = "US" if hit["country"] == HOME_COUNTRY else f"{hit['country']} (foreign law)"
            rows.append({"question": question, "when": hit["date_label"], "case": hit["case"],
                         "law": law, "what": hit["event"], "result_label": hit["result_label"],
                         "source": hit["source"]})
    return pd.DataFrame(rows)


def rulings_after(events: pd.DataFrame, disputes: pd.DataFrame,
                  dispute_id: str = "als-scan-v-cloudflare") -> pd.DataFrame:
    """Count the rulings (not filings, referrals or compliance) that certainly came after
    ``dispute_id`` ended, by law applied (US or foreign) and result for the intermediary."""
    end = disputes.set_index("id").loc[dispute_id, "resolved_end"]
    if pd.isna(end):
        raise ValueError(f'dispute "{dispute_id}" has no resolution date')
    law = events["dispute"].map(disputes.set_index("id")["foreign_law"]).map(
        {"yes": "foreign", "no": "US"})
    rulings = events.assign(law=law)[(events["date_start"] > end)
                                     & events["result"].isin(["for-intermediary", "against-intermediary",
                                                              "mixed"])]
    table = rulings.groupby(["law", "result"]).size().unstack(fill_value=0)
    return table.reindex(index=["US", "foreign"],
                         columns=["for-intermediary", "against-intermediary", "mixed"],
                         fill_value=0)


def figure(figures: pd.DataFrame, figure_id: str) -> pd.Series:
    """One row of ``reported_figures`` by id, with a clear error if it is missing."""
    match = figures[figures["id"] == figure_id]
    if match.empty:
        raise KeyError(f'{_file(FIGURES)} has no figure "{figure_id}"')
    return match.iloc[0]


# --------------------------------------------------------------------------- charts


def lane_label(dispute: pd.Series) -> str:
    """A chart lane label: the short name, then the country, flagging foreign law."""
    where = "US law" if dispute["foreign_law"] == "no" else f"{dispute['country']}: foreign law"
    return f"{dispute['short_name']}\n({where})"


def draw_timeline(ax, events: pd.DataFrame, disputes: pd.DataFrame,
                  highlight: str | None = "als-scan-v-cloudflare") -> list:
    """Every step, one lane per dispute (US first, then foreign), coloured by result.

    Markers keep the house timeline's precision code (filled = exact day, hollow =
    month, diamond with bar = approximate). If ``highlight`` names a dispute with a
    resolution date, a pale band marks the span that date allows. Returns legend
    handles: results first, then precisions, all in one key below the axes.
    """
    frame = numbered_events(events, disputes)
    order = list(disputes.sort_values("foreign_law", kind="stable")["id"])
    labels = {d["id"]: lane_label(d) for _, d in disputes.iterrows()}
    for result, (_, colour) in RESULTS.items():
        subset = frame[frame["result"] == result]
        if not subset.empty:  # the house timeline colours by lane, so draw one result at a time
            timeline(ax, subset, lane="dispute", colours={d: colour for d in order},
                     lane_order=order, lane_labels=labels, label="number")
    handles = [Line2D([], [], marker="o", color=colour, linestyle="none", markersize=7,
                      label=name)
               for key, (name, colour) in RESULTS.items() if key in set(frame["result"])]
    if highlight is not None:
        row = disputes.set_index("id").loc[highlight]
        if _given(row["resolved"]):
            ax.axvspan(row["resolved_start"], row["resolved_end"] + pd.Timedelta(days=1),
                       color=PALETTE["grey"], alpha=0.18, linewidth=0)
            handles.append(Patch(facecolor=PALETTE["grey"], alpha=0.35,
                                 label=f"{row['short_name']} ends ({row['resolved_label']})"))
    us_lanes = int((disputes["foreign_law"] == "no").sum())
    if 0 < us_lanes < len(order):
        ax.axhline(len(order) - us_lanes - 0.5, color="#333333", linewidth=0.8, linestyle="--")
    place_number_labels(ax)
    # One key, below the axes, where it cannot cover a marker or a number.
    handles += _precision_handles(frame)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), fontsize=8.5,
              ncol=3)
    return handles


def timeline_figure(events: pd.DataFrame, disputes: pd.DataFrame,
                    highlight: str | None = "als-scan-v-cloudflare"):
    """The "what happened next" chart: :func:`draw_timeline` on a figure of its own."""
    fig, ax = plt.subplots(figsize=(9, 5.8))
    draw_timeline(ax, events, disputes, highlight=highlight)
    return fig


def _precision_handles(frame: pd.DataFrame) -> list:
    return [Line2D([], [], marker=s["marker"], fillstyle=s["fillstyle"], color=PALETTE["grey"],
                   linestyle="none", markersize=7, markeredgewidth=1.6, label=s["label"])
            for p, s in PRECISION_STYLE.items() if p in set(frame["date_precision"])]


def draw_durations(ax, table: pd.DataFrame, highlight: str = "als-scan-v-cloudflare") -> list:
    """Horizontal ranges of months from filing to first-instance end, one row per dispute.

    A range shows every duration the partial dates allow, with a dot at its middle;
    a dispute known to the day is a dot alone. ``highlight`` is drawn in vermillion,
    the rest in blue. Returns legend handles.
    """
    if highlight not in set(table["id"]):
        raise ValueError(f'no dispute "{highlight}" among those with both dates known')
    for y, (_, row) in enumerate(table.iterrows()):
        colour = PALETTE["vermillion"] if row["id"] == highlight else PALETTE["blue"]
        ax.plot([row["shortest"], row["longest"]], [y, y], color=colour, linewidth=7,
                alpha=0.35, solid_capstyle="butt")
        ax.plot([row["middle"]], [y], marker="o", color=colour, markersize=8, linestyle="none")
        ax.annotate(f"{row['resolved_how']}", (row["longest"], y), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=8.5, color="#222222")
    ax.set_yticks(range(len(table)), [lane_label(r) for _, r in table.iterrows()])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlim(0, max(table["longest"].max() * 1.35, 12))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("months from filing to the end of first-instance proceedings")
    highlighted = table.set_index("id").loc[highlight, "short_name"]
    return [Patch(facecolor=PALETTE["vermillion"], label=highlighted),
            Patch(facecolor=PALETTE["blue"], label="later or related disputes"),
            Line2D([], [], marker="o", color=PALETTE["grey"], linestyle="none",
                   label="middle of the possible range")]
