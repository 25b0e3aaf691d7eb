"""Part I's case record: the cross-dataset rules, and charts that show every ruling once."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

from als_explainer.case_record import (
    GRID_STAGES,
    event_ladder,
    in_date_order,
    load_events,
    load_intermediaries,
    open_questions,
    outcome_cells,
    outcome_figure,
    when,
)
from als_explainer.case_record import card as case_card
from als_explainer.charts import house_style
from als_explainer.data import DataError, load

from conftest import ROOT
from datafiles import set_cell as edit

THREE = ["tiger-media", "steadfast", "cloudflare"]







def expect(call, file: str, row: int, column: str, words: str) -> None:
    with pytest.raises(DataError) as caught:
        call()
    err = caught.value
    assert (err.file, err.row, err.column) == (file, row, column), str(err)
    assert words in str(err)


# --------------------------------------------------------------------------- the rules


def test_the_real_datasets_keep_every_rule():
    events = load_events(ROOT)
    load_intermediaries(events, ROOT)


def test_a_ruling_must_say_whom_it_favoured(scratch):
    row = edit(scratch / "data/events.csv", "juicyads-dismissal-2016", "favoured", "")
    expect(lambda: load_events(scratch), "data/events.csv", row, "favoured", "must say whom")


def test_a_filing_cannot_favour_anyone(scratch):
    row = edit(scratch / "data/events.csv", "complaint-2016", "favoured", "plaintiff")
    expect(lambda: load_events(scratch), "data/events.csv", row, "favoured", "only rulings")


def test_an_undated_event_must_say_how_its_date_is_bounded(scratch):
    row = edit(scratch / "data/events.csv", "ovh-dismissal", "date_basis", "")
    expect(lambda: load_events(scratch), "data/events.csv", row, "date_basis", "bound")


def test_an_exit_must_be_a_known_event(scratch):
    row = edit(scratch / "data/intermediaries.csv", "steadfast", "exit_event", "no-such-event")
    expect(lambda: load_intermediaries(root=scratch), "data/intermediaries.csv", row,
           "exit_event", 'not among the "id" values of data/events.csv')


def test_an_exit_must_be_about_that_intermediary(scratch):
    row = edit(scratch / "data/intermediaries.csv", "steadfast", "exit_event", "stipulation-2018")
    expect(lambda: load_intermediaries(root=scratch), "data/intermediaries.csv", row,
           "exit_event", 'concerns "cloudflare"')


def test_a_disagreement_needs_two_sources(scratch):
    row = edit(scratch / "data/open_questions.csv", "site-count", "source", "cmu2018settlement")
    expect(lambda: open_questions(scratch), "data/open_questions.csv", row, "source",
           "names only one source")


def test_an_open_question_with_an_unknown_status_is_refused(scratch):
    row = edit(scratch / "data/open_questions.csv", "trial-date", "status", "answered")
    expect(lambda: open_questions(scratch), "data/open_questions.csv", row, "status", "answered")


def test_every_open_question_has_its_own_section_on_the_record_page():
    # The chapters link to record-<id>; a row without its section would leave a dead link,
    # and a section without its row would be an answer the data does not know about.
    page = (ROOT / "chapters/19-what-the-record-shows.md").read_text(encoding="utf-8")
    labels = set(re.findall(r"^\(record-([a-z0-9-]+)\)=$", page, flags=re.M))
    questions = open_questions(ROOT)
    assert labels == set(questions["id"])
    assert questions["status_label"].notna().all()


def test_every_defendant_in_the_events_is_an_intermediary_or_all():
    events, intermediaries = load("events", root=ROOT), load("intermediaries", root=ROOT)
    assert set(events["concerns"]) - {"all"} <= set(intermediaries["id"])


# --------------------------------------------------------------------------- dates


def test_events_are_numbered_by_their_earliest_possible_day():
    ordered = in_date_order(load_events(ROOT))
    assert ordered["date_start"].is_monotonic_increasing
    assert list(ordered["number"]) == list(range(1, len(ordered) + 1))


def test_when_never_turns_a_bounded_date_into_a_day():
    events = load_events(ROOT).set_index("id")
    assert when(events.loc["steadfast-appeal-2020"]) == "17 July 2020"
    assert when(events.loc["juicyads-dismissal-2016"]) == "October 2016"
    assert when(events.loc["cloudflare-fac-ruling"]) == "between 6 October 2016 and 13 June 2017"


# --------------------------------------------------------------------------- the charts


def test_outcome_grid_shows_every_ruling_about_the_three_once_in_its_stage():
    events = load_events(ROOT)
    intermediaries = load_intermediaries(events, ROOT)
    cells = outcome_cells(intermediaries, events, THREE)
    decided = events[events["kind"].isin(["ruling", "appeal"]) & events["concerns"].isin(THREE)]
    shown = cells[cells["column"].isin(list(GRID_STAGES))]
    assert len(shown) == len(decided)
    for _, event in decided.iterrows():
        match = shown[(shown["id"] == event["concerns"]) & (shown["text"] == event["outcome"])]
        assert list(match["column"]) == [event["stage"]], event["id"]
        assert list(match["favoured"]) == [event["favoured"]], event["id"]
    # One service cell and one exit cell per intermediary, from the dataset.
    for ident in THREE:
        row = intermediaries.set_index("id").loc[ident]
        assert cells[(cells["id"] == ident) & (cells["column"] == "exit")]["text"].tolist() == [row["exit"]]
        assert cells[(cells["id"] == ident) & (cells["column"] == "service")]["text"].tolist() == [row["service"]]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_outcome_figure_writes_every_cell_and_keeps_text_inside_the_figure(phone):
    events = load_events(ROOT)
    intermediaries = load_intermediaries(events, ROOT)
    with house_style():
        fig = outcome_figure(intermediaries, events, THREE, phone=phone)
        fig.canvas.draw()
        texts = [t for t in fig.axes[0].texts]
        joined = " ".join(t.get_text().replace("\n", " ") for t in texts)
        for name in intermediaries.set_index("id").loc[THREE, "name"]:
            assert name in joined
        # Every ruling and exit the grid shows is a box (tinted) in both renderings.
        cells = outcome_cells(intermediaries, events, THREE)
        assert len(fig.axes[0].patches) == int((cells["column"] != "service").sum())
        # Each box's text fits inside its box.
        renderer = fig.canvas.get_renderer()
        boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches]
        for text in texts:
            extent = text.get_window_extent(renderer)
            middle = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
            containing = [b for b in boxes if b.contains(*middle)]
            for box in containing:
                assert box.x0 <= extent.x0 + 1 and extent.x1 <= box.x1 + 1, text.get_text()
                assert box.y0 <= extent.y0 + 1 and extent.y1 <= box.y1 + 1, text.get_text()
    plt.close(fig)


def test_event_ladder_gives_every_event_its_own_numbered_line():
    ordered = in_date_order(load_events(ROOT))
    with house_style():
        fig, ax = plt.subplots()
        handles = event_ladder(ax, ordered)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{n}. {lab}" for n, lab in zip(ordered["number"], ordered["label"])]
    assert list(ax.get_yticks()) == sorted(ax.get_yticks(), reverse=True)  # first on top
    assert {h.get_label() for h in handles} >= {"Cloudflare", "OVH", "Steadfast"}
    plt.close(fig)


def test_timeline_labels_never_run_together():
    # Chapter 00 labels its markers with numbers; two close events in one lane must not
    # print "1" and "2" so near each other that they read as "12".
    from als_explainer.charts import timeline

    events = in_date_order(load("events", root=ROOT))
    colours = {c: "#000000" for c in events["concerns"].unique()}
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 3.6))
        timeline(ax, events, lane="concerns", colours=colours, label="number")
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not overlaps, f"{len(overlaps)} pairs of event labels overlap"
    plt.close(fig)


# --------------------------------------------------------------------------- the case card


def test_case_card_gives_the_record_of_the_case():
    card = case_card(root=ROOT)
    assert card["court"] == "U.S. District Court, C.D. Cal."
    assert card["judge"] == "George H. Wu"
    assert card["case_number"] == "No. 2:16-cv-05051-GW-AFM"
    assert (card["plaintiff"], card["defendant"]) == ("ALS Scan, Inc.", "Cloudflare, Inc.")
    assert "Cloudflare" not in card["also_sued"] and "Steadfast Networks, LLC" in card["also_sued"]
    # As precise as the sources, and a settlement told as a dismissal, never a verdict.
    assert card["filed"] == "July 2016"
    assert card["ended"] == "between April 2018 and June 2018"
    assert card["how_it_ended"].startswith("Dismissed without prejudice by joint stipulation")


def test_case_card_refuses_a_court_without_its_judge(scratch):
    row = edit(scratch / "data/cloudflare_disputes.csv", "als-scan-v-cloudflare", "court",
               "U.S. District Court, C.D. Cal.")
    expect(lambda: case_card(root=scratch), "data/cloudflare_disputes.csv", row, "court",
           "(Judge <name>)")


def test_case_card_refuses_a_citation_that_is_not_a_docket_number(scratch):
    row = edit(scratch / "data/precedents.csv", "alsscan-2018", "citation", "2018 WL 1234")
    expect(lambda: case_card(root=scratch), "data/precedents.csv", row, "citation",
           "No. <number>")
