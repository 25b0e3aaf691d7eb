"""The post-settlement disputes: cross-file checks, durations from partial dates, and the
two Part IV charts. Bad data must fail with file, row and column, like every dataset."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pytest

from als_explainer import charts, disputes
from als_explainer.data import DataError, load, schema

from conftest import ROOT
from datafiles import set_cell


def frames(root: Path = ROOT):
    part = disputes.load(root)
    return part.cases, part.steps, part.figures







def expect(root: Path, file: str, row: int, column: str, fragment: str) -> None:
    with pytest.raises(DataError) as caught:
        disputes.load(root)
    err = caught.value
    assert (err.file, err.row, err.column) == (file, row, column), str(err)
    assert fragment in str(err) and f"row {row}" in str(err) and f'column "{column}"' in str(err)


# --------------------------------------------------------------------------- the real data


def test_real_data_passes_every_cross_check():
    disputes.load(ROOT)


def test_foreign_cases_are_flagged_and_us_cases_are_not():
    table, _, _ = frames()
    assert set(table.loc[table["foreign_law"] == "yes", "country"]) == {
        "Germany", "Italy", "Japan", "France", "Spain"}
    assert set(table.loc[table["foreign_law"] == "no", "country"]) == {"United States"}


def test_settlement_row_agrees_with_the_case_events_dataset():
    # The same ending is recorded in events.csv (Part I) and here; they must not drift apart.
    table, _, _ = frames()
    als = table.set_index("id").loc["als-scan-v-cloudflare"]
    events = load("events", root=ROOT)
    settlement = events[(events["kind"] == "settlement") & (events["concerns"] == "cloudflare")]
    complaint = events[(events["kind"] == "filing") & (events["concerns"] == "all")]
    assert len(settlement) == 1, "events.csv should hold exactly one settlement with Cloudflare"
    assert als["resolved"] == settlement.iloc[0]["date"]
    assert als["filed"] == complaint.sort_values("date_start").iloc[0]["date"]


# --------------------------------------------------------------------------- bad input


def test_foreign_country_marked_as_us_law_is_refused(scratch):
    number = set_cell(scratch / "data/cloudflare_disputes.csv", "publishers-v-cloudflare-japan",
                      "foreign_law", "no")
    expect(scratch, "data/cloudflare_disputes.csv", number, "foreign_law", "heard in Japan")


def test_event_for_an_unlisted_dispute_is_refused(scratch):
    number = set_cell(scratch / "data/dispute_events.csv", "moncheri-sj-2021", "dispute",
                      "mon-cheri-v-cloudfare")
    expect(scratch, "data/dispute_events.csv", number, "dispute",
           'not among the "id" values of data/cloudflare_disputes.csv')


def test_date_without_its_precision_is_refused(scratch):
    number = set_cell(scratch / "data/cloudflare_disputes.csv", "mon-cheri-v-cloudflare",
                      "resolved_precision", "")
    expect(scratch, "data/cloudflare_disputes.csv", number, "resolved_precision", "together")


def test_dispute_ending_before_it_began_is_refused(scratch):
    number = set_cell(scratch / "data/cloudflare_disputes.csv", "mon-cheri-v-cloudflare",
                      "resolved", "2017-10-06")
    expect(scratch, "data/cloudflare_disputes.csv", number, "resolved", "before the dispute was filed")


def test_event_before_its_dispute_was_filed_is_refused(scratch):
    number = set_cell(scratch / "data/dispute_events.csv", "moncheri-mtd-2019", "date", "2018-07-11")
    expect(scratch, "data/dispute_events.csv", number, "date", "before the dispute was filed")


def test_disagreeing_sources_must_both_be_marked_disputed(scratch):
    number = set_cell(scratch / "data/reported_figures.csv", "hosted-actions-h2-2024-it", "agreement",
                      "single")
    expect(scratch, "data/reported_figures.csv", number, "agreement", "different value")


def test_disputed_figure_needs_a_disagreeing_twin(scratch):
    # Make the two H2 2024 rows agree: neither may then call itself disputed.
    set_cell(scratch / "data/reported_figures.csv", "hosted-actions-h2-2024-en", "value", "1394")
    path = scratch / "data/reported_figures.csv"
    first = next(i for i, r in enumerate(csv.reader(path.open(encoding="utf-8")))
                 if r[0] == "hosted-actions-h2-2024-it")
    expect(scratch, "data/reported_figures.csv", first, "agreement", "no other row")


# --------------------------------------------------------------------------- durations


def test_durations_cover_every_day_the_partial_dates_allow():
    table, _, _ = frames()
    span = disputes.durations(table).set_index("id")
    # Mon Cheri: 7 Nov 2018 to 6 Oct 2021, both exact, is 1,064 days (counted by hand).
    mon = span.loc["mon-cheri-v-cloudflare"]
    assert mon["shortest"] == mon["longest"] == pytest.approx(1064 / (365.25 / 12))
    # ALS Scan: filed in July 2016, ended April-June 2018: 1 Apr 2018 - 31 Jul 2016 = 609
    # days at the least, 30 Jun 2018 - 1 Jul 2016 = 729 days at the most.
    als = span.loc["als-scan-v-cloudflare"]
    assert als["shortest"] == pytest.approx(609 / (365.25 / 12))
    assert als["longest"] == pytest.approx(729 / (365.25 / 12))
    assert (span["shortest"] <= span["middle"]).all() and (span["middle"] <= span["longest"]).all()


def test_durations_leave_out_disputes_missing_a_date():
    table, _, _ = frames()
    kept = set(disputes.durations(table)["id"])
    missing = set(table.loc[table["filed"].isna() | table["resolved"].isna(), "id"])
    assert missing and not kept & missing


def test_question_table_reports_unaddressed_questions_without_a_source():
    table, events, _ = frames()
    rows = disputes.by_question(events, table)
    assert set(rows["question"]) == set(disputes.QUESTIONS.values())
    for _question, group in rows.groupby("question"):
        if (group["source"] == "").any():
            assert len(group) == 1 and "No ruling" in group.iloc[0]["what"]
        else:
            assert (group["when"] != "").all()


# --------------------------------------------------------------------------- charts


def test_timeline_colours_each_step_by_its_result_in_its_lane():
    table, events, _ = frames()
    with charts.house_style():
        fig, ax = plt.subplots()
        disputes.draw_timeline(ax, events, table)
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(markers) == len(events)
    lanes = {label.get_text().split("\n")[0]: tick for label, tick in
             zip(ax.get_yticklabels(), ax.get_yticks())}
    numbered = disputes.numbered_events(events, table)
    for _, step in numbered.iterrows():
        y = lanes[step["case"]]
        colour = disputes.RESULTS[step["result"]][1]
        # In its lane: on the lane's line, or set beside a step close in time.
        here = [m for m in markers if abs(m.get_ydata()[0] - y) < 0.5
                and mcolors.same_color(m.get_color(), colour)]
        assert here, f"no {step['result']} marker in the lane of {step['case']}"
    # US lanes sit above the dashed divider, foreign ones below it.
    divider = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(divider) == 1
    cut = divider[0].get_ydata()[0]
    for _, row in table.iterrows():
        y = lanes[row["short_name"]]
        assert (y > cut) == (row["foreign_law"] == "no"), row["short_name"]
    plt.close(fig)


def test_duration_chart_highlights_only_the_chosen_case():
    table, _, _ = frames()
    span = disputes.durations(table)
    with charts.house_style():
        fig, ax = plt.subplots()
        disputes.draw_durations(ax, span)
    dots = [line for line in ax.lines if len(line.get_xdata()) == 1]
    red = [d for d in dots if mcolors.same_color(d.get_color(), charts.PALETTE["vermillion"])]
    assert len(dots) == len(span) and len(red) == 1
    row = span.set_index("id").loc["als-scan-v-cloudflare"]
    assert red[0].get_xdata()[0] == pytest.approx(row["middle"])
    with pytest.raises(ValueError):
        disputes.draw_durations(ax, span, highlight="sony-v-cox")
    plt.close(fig)


def test_every_status_the_schema_allows_has_words_in_the_disputes_table():
    field = next(f for f in schema(disputes.DISPUTES, ROOT)["schema"]["fields"] if f["name"] == "status")
    assert set(field["constraints"]["enum"]) == set(disputes.STATUS_LABELS)



def test_row_without_its_sources_words_is_refused(scratch):
    number = set_cell(scratch / "data/dispute_events.csv", "france-motogp-2025", "source_quote", "")
    expect(scratch, "data/dispute_events.csv", number, "source_quote", "")
