"""What happened after ALS Scan v. Cloudflare: the later disputes, their rulings, and the
figures sources give about them.

Three datasets work together here (all declared in ``data/datapackage.json``):

- ``cloudflare_disputes``: one row per dispute, with when it was brought and when it
  ended at first instance, each only as precise as the record;
- ``dispute_events``: the dated rulings and steps in those disputes;
- ``reported_figures``: numbers as sources state them, grouped by ``measure`` so that
  disagreeing sources are visible.

:func:`load` returns the three checked. The generic loader checks each file on its own
(and that every step names a listed dispute, a declared foreign key); this module adds
the checks that span rows or files (a foreign court applies foreign law; a dispute cannot
end before it began, nor a step come before its dispute; sources that disagree must say
so) and raises the same :class:`~als_explainer.data.DataError`, naming file, row and
column. :func:`numbers` gives every number the Part IV pages quote; the module also
computes case durations from partial dates, draws the two charts of Part IV and writes
its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import data
from .charts import (
    PALETTE,
    PHONE_MIN_TEXT,
    PHONE_WIDTH,
    lane_offsets,
    names_above,
    place_number_labels,
    precision_handles,
    timeline,
)
from .data import DataError, is_blank
from .tables import cited_table

#: The datasets this module loads: the build reads this to know which chapters to run
#: again after a data edit (the editing guide; tests/test_reexecution.py checks it).
DATASETS = DISPUTES, EVENTS, FIGURES = ("cloudflare_disputes", "dispute_events", "reported_figures")
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


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Disputes:
    """Part IV's data, checked: the disputes, their dated steps, and reported figures."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    figures: pd.DataFrame


def load(root: Path | None = None) -> Disputes:
    """The three Part IV datasets, with every cross-row and cross-file check."""
    cases = data.load(DISPUTES, root=root)
    steps = data.load(EVENTS, root=root)
    figures = data.load(FIGURES, root=root)
    check_disputes(cases)
    check_events(steps, cases)
    check_figures(figures)
    return Disputes(cases=cases, steps=steps, figures=figures)


def check_disputes(disputes: pd.DataFrame) -> None:
    """Checks within each dispute row that the schema alone cannot express."""
    file = disputes.attrs["path"]
    for number, row in disputes.iterrows():
        foreign = row["country"] != HOME_COUNTRY
        if (row["foreign_law"] == "yes") != foreign:
            expected = "yes" if foreign else "no"
            raise DataError(
                file,
                f'is "{row["foreign_law"]}" but a case heard in {row["country"]} must say "{expected}"',
                row=number, column="foreign_law",
            )
        for date in ("filed", "resolved"):
            has_date, has_precision = not is_blank(row[date]), not is_blank(row[f"{date}_precision"])
            if has_date != has_precision:
                missing = f"{date}_precision" if has_date else date
                raise DataError(
                    file,
                    f"is empty, but {date} and {date}_precision must be given together or not at all",
                    row=number, column=missing,
                )
        if not is_blank(row["resolved"]) and not is_blank(row["filed"]) \
                and row["resolved_end"] < row["filed_start"]:
            raise DataError(
                file,
                f'"{row["resolved"]}" ends before the dispute was filed ({row["filed"]})',
                row=number, column="resolved",
            )
        if is_blank(row["resolved"]) != is_blank(row["resolved_how"]):
            raise DataError(
                file, "must be given exactly when resolved is given",
                row=number, column="resolved_how",
            )


def check_events(events: pd.DataFrame, disputes: pd.DataFrame) -> None:
    """No step predates its dispute's filing (that the dispute is listed is a foreign key)."""
    by_id = disputes.set_index("id")
    for number, row in events.iterrows():
        dispute = by_id.loc[row["dispute"]]
        if not is_blank(dispute["filed"]) and row["date_end"] < dispute["filed_start"]:
            raise DataError(
                events.attrs["path"],
                f'"{row["date"]}" is before the dispute was filed ({dispute["filed"]})',
                row=number, column="date",
            )


def check_figures(figures: pd.DataFrame) -> None:
    """Rows for the same measure that disagree are all marked disputed, and only those."""
    file = figures.attrs["path"]
    for number, row in figures.iterrows():
        same = figures[(figures["measure"] == row["measure"]) & (figures.index != number)]
        differs = bool((same["value"] != row["value"]).any())
        if differs and row["agreement"] != "disputed":
            other = same.loc[same["value"] != row["value"], "id"].iloc[0]
            raise DataError(
                file,
                f'is "{row["agreement"]}" but row "{other}" gives a different value for '
                f'measure "{row["measure"]}"; mark both disputed',
                row=number, column="agreement",
            )
        if row["agreement"] == "disputed" and not differs:
            raise DataError(
                file,
                f'is "disputed" but no other row gives a different value for measure "{row["measure"]}"',
                row=number, column="agreement",
            )
        if row["agreement"] == "single" and len(same):
            raise DataError(
                file,
                f'is "single" but measure "{row["measure"]}" has other rows',
                row=number, column="agreement",
            )


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
        raise KeyError(f'{figures.attrs.get("path", FIGURES)} has no figure "{figure_id}"')
    return match.iloc[0]


# --------------------------------------------------------------------------- numbers


def _yen(value: float, scale: float = 1e6, unit: str = "million") -> str:
    """"¥1.5 million", "¥46 million", "¥3.2 billion": one decimal below ten units."""
    value = value / scale
    return f"¥{value:,.0f} {unit}" if value >= 10 else f"¥{value:,.1f} {unit}"


def _listed(names: list[str]) -> str:
    """"Germany", "Germany and Italy", "Germany, Italy and Japan": a list as prose writes it."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def numbers(part: Disputes | None = None) -> dict:
    """Every number (and date label) the Part IV pages quote, ready to glue.

    The case itself: ``filed_label``, ``ended_label``, ``denial_label`` (Cloudflare's
    summary-judgment denial), ``steadfast_end`` (the Ninth Circuit's ruling for Steadfast),
    and ``als_months_least`` / ``als_months_most``, the shortest and longest time from
    complaint to stipulated dismissal the partial dates allow. The disputes: ``n_cases``
    in all, ``n_later`` later ones over Cloudflare's services, ``n_related`` against
    others, ``n_foreign`` under foreign law (``foreign_countries``, listed as prose lists them), ``n_steps`` dated
    steps; ``n_durations`` with both dates known, and the durations of Mon Cheri
    (``moncheri_months``) and the Tokyo case (``tokyo_least`` / ``tokyo_most``). The
    open questions: ``n_answers`` rulings and steps that bear on one, ``n_answers_foreign``
    of them under foreign law, ``n_serving`` on liability for serving, ``n_safe_harbor``
    on the safe harbor. After the case: ``us_rulings`` (``us_for`` for the
    intermediary) and ``foreign_rulings`` (``foreign_against`` against it), and
    ``years_to_cox``. Reported figures, as the sources give them: money
    (``damages_sought_m``, ``tokyo_*`` (the Tokyo claim at filing and at judgment, the award
    and the damage found), ``cologne_fine``) and Cloudflare's scale and
    disclosures (``web_properties_m`` with ``properties_date``, ``share_claim``,
    ``dmca_subpoenas``, ``domains_*``, ``hosted_*``).
    """
    part = part or load()
    cases, steps, figures = part.cases, part.steps, part.figures
    case = cases.set_index("id").loc["als-scan-v-cloudflare"]
    step = steps.set_index("id")
    span = durations(cases).set_index("id")
    later = cases[(cases["defendant"] == "Cloudflare") & (cases["id"] != "als-scan-v-cloudflare")]
    foreign = cases[cases["foreign_law"] == "yes"]
    answers = by_question(steps, cases)
    addressed = answers[answers["source"] != ""]
    per_question = addressed.groupby("question").size()
    after = rulings_after(steps, cases, "als-scan-v-cloudflare")
    cox = step.loc["cox-supreme-court-2026", "date_start"]

    def value(figure_id: str) -> float:
        return float(figure(figures, figure_id)["value"])

    return {
        "filed_label": case["filed_label"],
        "ended_label": case["resolved_label"],
        "denial_label": step.loc["als-sj-denied-2018", "date_label"],
        "steadfast_end": step.loc["steadfast-appeal-2020", "date_label"],
        "als_months_least": float(span.loc["als-scan-v-cloudflare", "shortest"]),
        "als_months_most": float(span.loc["als-scan-v-cloudflare", "longest"]),
        "n_cases": len(cases),
        "n_later": len(later),
        "n_related": int((cases["defendant"] != "Cloudflare").sum()),
        "n_foreign": len(foreign),
        "foreign_countries": _listed(list(foreign["country"])),
        "n_steps": len(steps),
        "n_durations": len(span),
        "moncheri_months": float(span.loc["mon-cheri-v-cloudflare", "middle"]),
        "tokyo_least": float(span.loc["publishers-v-cloudflare-japan", "shortest"]),
        "tokyo_most": float(span.loc["publishers-v-cloudflare-japan", "longest"]),
        "n_answers": len(addressed),
        "n_answers_foreign": int(addressed["law"].str.contains("foreign").sum()),
        "n_serving": int(per_question.get(QUESTIONS["serving-liability"], 0)),
        "n_safe_harbor": int(per_question.get(QUESTIONS["safe-harbor"], 0)),
        "us_rulings": int(after.loc["US"].sum()),
        "us_for": int(after.loc["US", "for-intermediary"]),
        "foreign_rulings": int(after.loc["foreign"].sum()),
        "foreign_against": int(after.loc["foreign", "against-intermediary"]),
        "years_to_cox": (cox - case["resolved_end"]).days / 365.25,
        "damages_sought_m": value("als-damages-sought") / 1e6,
        "web_properties_m": value("cloudflare-web-properties") / 1e6,
        "properties_date": figure(figures, "cloudflare-web-properties")["period"],
        "tokyo_award": f"¥{value('tokyo-award'):,.0f}",
        "tokyo_sought_filing": _yen(value("tokyo-sought-filing")),
        "tokyo_sought_judgment": _yen(value("tokyo-sought-judgment")),
        "tokyo_total": _yen(value("tokyo-total-harm"), 1e9, "billion"),
        "cologne_fine": f"€{value('cologne-fine'):,.0f}",
        "share_claim": value("piracy-share-claim"),
        "dmca_subpoenas": value("dmca-subpoenas"),
        "domains_2021": value("subpoena-domains-h1-2021"),
        "domains_2020": value("subpoena-domains-h1-2020"),
        "hosted_reports_2025": value("hosted-reports-h1-2025"),
        "hosted_actions_2025": value("hosted-actions-h1-2025"),
        "hosted_h2_2024_it": value("hosted-actions-h2-2024-it"),
        "hosted_h2_2024_en": value("hosted-actions-h2-2024-en"),
    }


# --------------------------------------------------------------------------- tables

#: The reported figures about Cloudflare's scale and disclosures (the policy chapter's table).
POLICY_TOPICS = ["cloudflare-scale", "piracy-share-claim", "disclosure", "hosted-content"]


#: How the disputes table words each status (an unknown status is a KeyError: add it here).
STATUS_LABELS = {
    "settled": "settled",
    "decided-for-intermediary": "decided for the intermediary",
    "decided-against-intermediary": "decided against the intermediary",
    "dropped": "dropped",
    "remanded": "remanded",
    "referred-to-eu-court": "referred to the EU Court of Justice",
    "appeal-announced": "appeal announced",
    "complying-with-orders": "complying with orders",
    "constitutional-complaint": "constitutional complaint lodged",
}


def disputes_table(cases: pd.DataFrame) -> Markdown:
    """Every dispute: where, under which law, the claim, the outcome and its status."""
    table = cases.assign(law=cases["foreign_law"].map({"yes": "foreign", "no": "US"}),
                         status_text=[STATUS_LABELS[s] for s in cases["status"]])
    return cited_table(table, {"short_name": "Dispute", "country": "Country", "law": "Law",
                               "court": "Court", "claim": "Claim", "outcome": "Outcome",
                               "status_text": "Status"},
                       "ALS Scan v. Cloudflare, Cloudflare's later disputes over its customers' "
                       "content and two related US cases: where, under which law, and how each "
                       "stands.", name="tbl-disputes", sortable=True)


def steps_table(steps: pd.DataFrame, cases: pd.DataFrame) -> Markdown:
    """Every dated step, numbered as on the timeline chart."""
    return cited_table(numbered_events(steps, cases),
                       {"number": "#", "date_label": "When", "date_precision": "How precise",
                        "case": "Dispute", "court": "Court", "event": "What happened",
                        "result_label": "For the intermediary?"},
                       "Every dated step of those disputes, numbered as on the timeline chart.",
                       name="tbl-dispute-steps", sortable=True)


def questions_table(steps: pd.DataFrame, cases: pd.DataFrame) -> Markdown:
    """The open questions of 2018 and what later rulings did with each. Sortable, so each
    row names its question: a row sorted or filtered away from its first still says which
    question it answers."""
    return cited_table(by_question(steps, cases),
                       {"question": "Open question", "when": "When", "case": "Case",
                        "law": "Law applied", "what": "What was decided or done",
                        "result_label": "For the intermediary?"},
                       "The questions left open in 2018 and what rulings from 2018 on did with each.",
                       name="tbl-open-after-2018", sortable=True)


def policy_table(figures: pd.DataFrame) -> Markdown:
    """The figures of :data:`POLICY_TOPICS`, with whose figure each is and its caveat."""
    policy = figures[figures["topic"].isin(POLICY_TOPICS)]
    shown = policy.assign(amount=policy["value"].map("{:,.0f}".format))
    return cited_table(shown, {"figure": "Figure", "amount": "Value", "unit": "Unit",
                               "period": "Period", "stated_by": "Whose figure",
                               "agreement": "Do sources agree?", "caveat": "Caveat"},
                       "The figures quoted in the policy fight, whose figure each is, and (in "
                       "the caveat) how its source qualifies it.", name="tbl-policy-figures")


# --------------------------------------------------------------------------- charts


def lane_label(dispute: pd.Series) -> str:
    """A chart lane label: the short name, then the country, flagging foreign law."""
    where = "US law" if dispute["foreign_law"] == "no" else f"{dispute['country']}: foreign law"
    return f"{dispute['short_name']}\n({where})"


def draw_timeline(ax, events: pd.DataFrame, disputes: pd.DataFrame,
                  highlight: str | None = "als-scan-v-cloudflare", vertical: bool = False,
                  numbered: pd.DataFrame | None = None, key: bool = True) -> list:
    """Every step, one lane per dispute (US first, then foreign), coloured by result.

    Markers keep the house timeline's precision code (filled = exact day, hollow =
    month, diamond with bar = approximate). If ``highlight`` names a dispute with a
    resolution date, a pale band marks the span that date allows. Returns legend
    handles: results first, then precisions, all in one key below the axes.
    """
    every = numbered_events(events, disputes) if numbered is None else numbered
    frame = every[every["dispute"].isin(disputes["id"])]
    order = list(disputes.sort_values("foreign_law", kind="stable")["id"])
    labels = {d["id"]: lane_label(d) for _, d in disputes.iterrows()}
    # Steps close in time (on the scale of every step) sit side by side across their
    # lane, whatever their result.
    offsets = lane_offsets(every, "dispute")
    for result, (_, colour) in RESULTS.items():
        subset = frame[frame["result"] == result]
        if not subset.empty:  # the house timeline colours by lane, so draw one result at a time
            timeline(ax, subset, lane="dispute", colours={d: colour for d in order},
                     lane_order=order, lane_labels=labels, label="number", vertical=vertical,
                     offsets=offsets)
    handles = [Line2D([], [], marker="o", color=colour, linestyle="none", markersize=7,
                      label=name)
               for key, (name, colour) in RESULTS.items() if key in set(frame["result"])]
    if highlight is not None and highlight in set(disputes["id"]):
        row = disputes.set_index("id").loc[highlight]
        if not is_blank(row["resolved"]):
            span = (row["resolved_start"], row["resolved_end"] + pd.Timedelta(days=1))
            (ax.axhspan if vertical else ax.axvspan)(*span, color=PALETTE["grey"], alpha=0.18, linewidth=0)
            handles.append(Patch(facecolor=PALETTE["grey"], alpha=0.35,
                                 label=f"{row['short_name']} ends ({row['resolved_label']})"))
    us_lanes = int((disputes["foreign_law"] == "no").sum())
    if 0 < us_lanes < len(order):
        if vertical:
            ax.axvline(us_lanes - 0.5, color="#333333", linewidth=0.8, linestyle="--")
        else:
            ax.axhline(len(order) - us_lanes - 0.5, color="#333333", linewidth=0.8, linestyle="--")
    place_number_labels(ax)
    # One key, below the axes, where it cannot cover a marker or a number.
    handles += precision_handles(frame["date_precision"])
    if not key:
        return handles
    if vertical:
        ax.figure.legend(handles=handles, loc="outside lower left", fontsize=PHONE_MIN_TEXT, ncols=1)
    else:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), fontsize=8.5,
                  ncol=3)
    return handles


def timeline_figure(events: pd.DataFrame, disputes: pd.DataFrame,
                    highlight: str | None = "als-scan-v-cloudflare", phone: bool = False):
    """The "what happened next" chart: :func:`draw_timeline` on a figure of its own
    (for a ``phone``, lanes as columns and time running down the page)."""
    if phone:  # US disputes, then foreign ones: two timelines down the page, lanes wide enough
        numbered = numbered_events(events, disputes)  # numbers as in the table, over all disputes
        parts = [disputes[disputes["foreign_law"] == "no"], disputes[disputes["foreign_law"] != "no"]]
        fig, axes = plt.subplots(2, 1, figsize=(PHONE_WIDTH, 12), layout="constrained", sharey=True)
        handles = {}
        for ax, part in zip(axes, parts):
            for handle in draw_timeline(ax, events, part, highlight=highlight, vertical=True,
                                        numbered=numbered, key=False):
                handles.setdefault(handle.get_label(), handle)
        fig.legend(handles=list(handles.values()), loc="outside lower left", fontsize=PHONE_MIN_TEXT, ncols=1)
        return fig
    fig, ax = plt.subplots(figsize=(9, 6.6))  # lanes tall enough for steps set side by side
    draw_timeline(ax, events, disputes, highlight=highlight)
    return fig


def draw_durations(ax, table: pd.DataFrame, highlight: str = "als-scan-v-cloudflare",
                   phone: bool = False) -> list:
    """Horizontal ranges of months from filing to first-instance end, one row per dispute.

    A range shows every duration the partial dates allow, with a dot at its middle;
    a dispute known to the day is a dot alone. ``highlight`` is drawn in vermillion,
    the rest in blue; a label says how each ended (beside the range, or, for a
    ``phone``, after the dispute's name above it). Returns legend handles.
    """
    if highlight not in set(table["id"]):
        raise ValueError(f'no dispute "{highlight}" among those with both dates known')
    for y, (_, row) in enumerate(table.iterrows()):
        colour = PALETTE["vermillion"] if row["id"] == highlight else PALETTE["blue"]
        ax.plot([row["shortest"], row["longest"]], [y, y], color=colour, linewidth=7,
                alpha=0.35, solid_capstyle="butt")
        ax.plot([row["middle"]], [y], marker="o", color=colour, markersize=8, linestyle="none")
        if not phone:
            ax.annotate(f"{row['resolved_how']}", (row["longest"], y), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=8.5, color="#222222")
    names = [lane_label(r) if not phone else f"{' '.join(lane_label(r).split())}: {r['resolved_how']}"
             for _, r in table.iterrows()]
    ax.set_yticks(range(len(table)), names)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlim(0, max(table["longest"].max() * (1.1 if phone else 1.35), 12))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("months from filing to the end of\nfirst-instance proceedings" if phone
                  else "months from filing to the end of first-instance proceedings")
    if phone:
        names_above(ax)
    highlighted = table.set_index("id").loc[highlight, "short_name"]
    return [Patch(facecolor=PALETTE["vermillion"], label=highlighted),
            Patch(facecolor=PALETTE["blue"], label="later or related disputes"),
            Line2D([], [], marker="o", color=PALETTE["grey"], linestyle="none",
                   label="middle of the possible range")]


def durations_figure(table: pd.DataFrame, highlight: str = "als-scan-v-cloudflare",
                     phone: bool = False):
    """The durations chart (:func:`draw_durations`) on a figure of its own, its key below;
    for a ``phone``, at a phone's width with each dispute named above its range."""
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4.4) if phone else (8, 3.6),
                           layout="constrained" if phone else None)
    handles = draw_durations(ax, table, highlight=highlight, phone=phone)
    if phone:
        fig.legend(handles=handles, loc="outside lower left", ncols=1, fontsize=PHONE_MIN_TEXT)
    else:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    return fig
