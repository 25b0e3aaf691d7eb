"""Part III's shared code: its datasets' cross-column checks, the tables generated for the
worked illustration, and the three charts (decision flow, precedents, site record)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Annotation

from als_explainer import charts
from als_explainer import jurisdiction as jd
from als_explainer.data import DataError, load, source_keys

from conftest import ROOT
from datafiles import read_rows, set_cell, write_rows

SITES = "data/site_locations.csv"
ILLUSTRATION = "data/jurisdiction_illustration.csv"


# --------------------------------------------------------------------------- fixtures













def expect(loader, root: Path, file: str, row, column) -> str:
    with pytest.raises(DataError) as caught:
        loader(root=root)
    err = caught.value
    assert (err.file, err.row, err.column) == (file, row, column), str(err)
    return str(err)


# --------------------------------------------------------------------------- the data


def test_part_iii_datasets_load_with_their_extra_checks():
    assert len(jd.load_site_locations(root=ROOT)) > 0
    assert len(jd.load_illustration(root=ROOT)) == len(jd.ACTORS) * len(jd.STEPS)


def test_every_case_the_part_relies_on_is_in_the_cases_dataset():
    cases = load("jurisdiction_cases", root=ROOT)
    wanted = {
        "personal-jurisdiction": {"calder1984", "zippo1997", "alsscan2002dsc", "mavrix2011",
                                  "walden2014", "amawanat2020", "willco2022",
                                  "sergenian2025briskin"},
        "territorial-reach": {"rjrnabisco2016", "subafilms1994", "updateart1988", "lanews1998",
                              "spanski2018"},
    }
    for question, keys in wanted.items():
        present = set(source_keys(cases[cases["question"] == question]))
        assert keys <= present, f"{question} lacks {sorted(keys - present)}"


def test_illustration_sources_are_cases_whose_tests_it_applies():
    # The hypothetical rows cite the precedents they apply, never press reports about the case.
    cases = set(source_keys(load("jurisdiction_cases", root=ROOT)))
    used = set(source_keys(jd.load_illustration(root=ROOT)))
    assert used <= cases, f"illustration cites non-precedents: {sorted(used - cases)}"


def test_site_counts_are_only_where_a_source_states_one():
    sites = jd.load_site_locations(root=ROOT)
    stated = sites[sites["status"] == "count-stated"]
    silent = sites[sites["status"] != "count-stated"]
    assert stated["count"].notna().all() and silent["count"].isna().all()
    assert (silent["said_by"].isin(["als-scan", "nobody"])).all()


@pytest.mark.parametrize("row_id, column, value, bad_column, reason", [
    ("sites-country", "count", "9", "count", "only a count a source states"),
    ("sites-in-suit", "count", "", "count", "needs the stated number"),
    ("sites-phoenix-records", "count_text", "", "count_text", "needs the source's own word"),
    ("sites-in-suit", "count_text", "about", "count_text", "only for count-not-stated"),
    ("sites-country", "said_by", "cloudflare", "said_by", "must be nobody"),
    ("sites-in-tac", "said_by", "nobody", "said_by", "a source reports someone"),
])
def test_site_record_inconsistencies_name_file_row_and_column(scratch, row_id, column, value,
                                                               bad_column, reason):
    number = set_cell(scratch / SITES, row_id, column, value)
    message = expect(jd.load_site_locations, scratch, SITES, number, bad_column)
    assert reason in message
    assert message.startswith(f'{SITES}, row {number}, column "{bad_column}"')


def test_illustration_missing_step_is_named(scratch):
    rows = read_rows(scratch / ILLUSTRATION)
    write_rows(scratch / ILLUSTRATION, [r for r in rows if r[0] != "ads-rjr-2-copy"])
    message = expect(jd.load_illustration, scratch, ILLUSTRATION, None, "step")
    assert 'actor "ad-network-abroad" at step "rjr-2-copy"' in message


def test_illustration_repeated_step_points_at_the_repeat(scratch):
    rows = read_rows(scratch / ILLUSTRATION)
    copy = list(rows[1])
    copy[0] = "host-dsc-1-again"
    rows.append(copy)
    write_rows(scratch / ILLUSTRATION, rows)
    message = expect(jd.load_illustration, scratch, ILLUSTRATION, len(rows) - 1, "step")
    assert "first given in row 1" in message


def test_illustration_step_under_the_wrong_question_is_refused(scratch):
    number = set_cell(scratch / ILLUSTRATION, "proxy-dsc-2", "step", "rjr-1")
    message = expect(jd.load_illustration, scratch, ILLUSTRATION, number, "step")
    assert "belongs to territorial-reach" in message


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize("question", list(jd.QUESTIONS))
def test_illustration_table_puts_each_answer_in_its_actor_and_step(question):
    frame = jd.load_illustration(root=ROOT)
    wide = jd.illustration_frame(frame, question)
    steps = [s for s, (q, _) in jd.STEPS.items() if q == question]
    assert list(wide["actor"]) == list(jd.ACTORS.values())
    assert [c for c in wide.columns if c in jd.STEPS] == steps  # the other question stays out
    for _, row in frame[frame["question"] == question].iterrows():
        cell = wide.set_index("actor").loc[jd.ACTORS[row["actor"]], row["step"]]
        assert cell == f"**{jd.ANSWERS[row['answer']]}.** {row['reasoning']}"
    markdown = jd.illustration_table(frame, question).data
    body = [line for line in markdown.splitlines() if line.startswith("|")][2:]
    assert len(body) == len(jd.ACTORS)
    for actor, line in zip(jd.ACTORS, body):
        keys = source_keys(frame[(frame["actor"] == actor) & (frame["question"] == question)])
        assert line.endswith("{cite:p}`" + ",".join(keys) + "` |")


def test_cases_table_keeps_the_questions_apart():
    cases = load("jurisdiction_cases", root=ROOT)
    for question in jd.QUESTIONS:
        text = jd.cases_table(cases, question).data
        mine = cases[cases["question"] == question]
        other = cases[cases["question"] != question]
        assert len([line for line in text.splitlines() if line.startswith("|")]) == 2 + len(mine)
        assert all(c in text for c in mine["citation"])
        assert not any(c in text for c in other["citation"])
    with pytest.raises(ValueError):
        jd.cases_table(cases, "subject-matter")


def test_stated_count_refuses_a_silence():
    sites = jd.load_site_locations(root=ROOT)
    assert jd.stated_count(sites, "sites-in-suit") == int(
        sites.set_index("id").loc["sites-in-suit", "count"])
    with pytest.raises(ValueError, match="no stated count"):
        jd.stated_count(sites, "sites-phoenix-records")


# --------------------------------------------------------------------------- charts


def flow(phone: bool = False):
    size = (charts.PHONE_WIDTH, jd.phone_flow_nodes()[1] + 0.45) if phone else (9, 6.6)
    with charts.house_style():
        fig, ax = plt.subplots(figsize=size)
        drawn = jd.draw_decision_flow(ax, phone=phone)
    return fig, ax, drawn


def test_phone_flow_puts_one_question_above_the_other():
    nodes, height, divider = jd.phone_flow_nodes()
    assert {n.id for n in nodes} == {n.id for n in jd.FLOW_NODES}
    for node in nodes:
        if node.question == "personal-jurisdiction":
            assert node.y > divider, node.id
        else:
            assert node.y + node.h < divider, node.id
        assert 0 <= node.x and node.x + node.w <= charts.PHONE_WIDTH, node.id


def test_decision_flow_keeps_each_question_on_its_own_side():
    fig, ax, drawn = flow()
    nodes = {n.id: n for n in jd.FLOW_NODES}
    for node in jd.FLOW_NODES:
        left, right = node.x, node.x + node.w
        if node.question == "personal-jurisdiction":
            assert right < jd.DIVIDER_X, node.id
        else:
            assert left > jd.DIVIDER_X, node.id
    for start, end, _ in jd.FLOW_EDGES:
        assert nodes[start].question == nodes[end].question, (start, end)
    assert set(drawn) == set(nodes)
    plt.close(fig)


def test_decision_flow_every_decision_has_a_yes_and_a_no_way_out():
    decisions = [n.id for n in jd.FLOW_NODES if n.kind == "decision"]
    for node in decisions:
        labels = sorted(label.split(":")[0] for s, _, label in jd.FLOW_EDGES if s == node)
        assert labels == ["no", "yes"], (node, labels)
    ends = {e for _, e, _ in jd.FLOW_EDGES}
    for question in jd.QUESTIONS:
        kinds = {n.kind for n in jd.FLOW_NODES if n.question == question and n.id in ends}
        assert {"yes", "no"} <= kinds, question


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_decision_flow_text_fits_inside_its_box(phone):
    fig, ax, drawn = flow(phone)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for node_id, (box, text) in drawn.items():
        outer = box.get_window_extent(renderer)
        inner = text.get_window_extent(renderer)
        assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1, f"{node_id}: text too wide"
        assert outer.y0 <= inner.y0 and inner.y1 <= outer.y1, f"{node_id}: text too tall"
    plt.close(fig)


def test_decision_flow_svg_is_deterministic():
    first, _, _ = flow()
    second, _, _ = flow()
    assert charts.svg_bytes(first) == charts.svg_bytes(second)
    plt.close(first)
    plt.close(second)


def test_site_chart_draws_bars_only_for_stated_numbers():
    sites = jd.load_site_locations(root=ROOT)
    with charts.house_style():
        fig, ax = plt.subplots()
        drawn = jd.draw_site_record(ax, sites)
    labels = {t.get_text() for t in ax.texts}
    for _, row in sites.iterrows():
        artist = drawn[row["id"]]
        if row["status"] == "count-stated":
            assert artist.get_width() == row["count"]
            assert artist.get_hatch() is None
            assert str(int(row["count"])) in labels
        else:  # words, and no bar at all in the row: no length that reads as a number
            word = jd.SILENCE_TEXT[row["status"]].format(text=row["count_text"])
            assert any(word in label for label in labels), word
            y = artist.get_position()[1]
            in_row = [p for p in ax.patches if p.get_width() > 0
                      and p.get_y() <= y <= p.get_y() + p.get_height()]
            assert not in_row, f"{row['id']}: a bar is drawn in a row with no number"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(sites["label"])
    plt.close(fig)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_precedents_chart_puts_each_case_in_its_question_at_its_year(phone):
    cases = load("jurisdiction_cases", root=ROOT)
    span = (pd.Timestamp("2016-07-01"), pd.Timestamp("2018-06-30"))
    with charts.house_style():
        fig = jd.precedents_figure(cases, span=span, phone=phone)
        axes = fig.axes
    for ax, question in zip(axes, jd.QUESTIONS):
        mine = cases[cases["question"] == question].sort_values("year", kind="stable")
        if phone:  # each dot's name beside it, in its row
            at = {t.xy[1]: t.get_text() for t in ax.texts
                  if isinstance(t, Annotation) and float(t.xy[1]).is_integer()}
            names = [at[y] for y in sorted(at, reverse=True)]
            assert all(label in name for label, name in zip(mine["label"], names)), names
        else:
            at = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
            assert [at[y] for y in sorted(at, reverse=True)] == list(mine["label"])  # oldest on top
        dots = [line for line in ax.lines if line.get_marker() == "o"][0]
        assert list(dots.get_xdata()) == list(mine["year"])
        shaded = [p for p in ax.patches]
        assert shaded and shaded[0].get_x() == pytest.approx(2016.5, abs=0.01)
    plt.close(fig)


def test_every_part_iii_row_carries_a_short_passage_of_its_source():
    # The words that support a row are the source's own, and short (about 40 words at most).
    for name in ("jurisdiction_cases", "jurisdiction_illustration"):
        frame = load(name, root=ROOT)
        for number, row in frame.iterrows():
            words = [w for w in row["source_quote"].split() if w != "…"]
            assert 5 <= len(words) <= 45, f"{name} row {number}: {len(words)} words"
