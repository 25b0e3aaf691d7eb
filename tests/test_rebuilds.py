"""Rebuilds are fast and never stale: a real `jupyter-book build` of a small book, edited
step by step, runs exactly the chapters whose inputs changed.

The book is the real one cut down to probe chapters whose inputs are known exactly:
`chapters/zz-probe` reads a dataset and a package module of its own and draws a chart;
`chapters/zz-events` reads the book's events dataset and cites a source;
`chapters/zz-all` reads every dataset declared in data/datapackage.json, as the Data
appendix does; `chapters/zz-sources` lists the sources cited. (The real chapters run
in the shared strict build, tests/test_build.py and tests/test_chapters.py.)

Each scenario is ONE test because its steps build on each other: every step edits the
book the previous step left and builds it again. The two scenarios start from separate
copies, so they can run at the same time (pytest-xdist). The cold build without network
is the shared build's (tests/test_build.py).
"""

from __future__ import annotations

import re

from book_builds import Builds, add_dataset, notebooks, replace_in, scratch_book, set_toc, write_chapter

PROBE = "chapters/zz-probe"
EVENTS = "chapters/zz-events"  # reads the events dataset
ALL = "chapters/zz-all"  # reads every dataset
SOURCES = "chapters/zz-sources"
PAGES = [PROBE, EVENTS, ALL, SOURCES]
CITED = "torrentfreak2018settles"

EVENTS_BODY = f"""
# Events

The case ended in a settlement {{cite:p}}`{CITED}`.

```{{code-cell}} ipython3
from als_explainer import load

print(f"{{len(load('events'))}} events")
```
"""

ALL_BODY = """
# Every dataset

```{code-cell} ipython3
from als_explainer import load
from als_explainer.data import dataset_names

print({name: len(load(name)) for name in dataset_names()})
```
"""

SOURCES_BODY = """
# Sources

```{bibliography}
```
"""

PROBE_BODY = """
# Probe

A page the rebuild tests add to a scratch copy of the book.

```{code-cell} ipython3
import matplotlib.pyplot as plt

from als_explainer import load, publish, use_house_style
from als_explainer.probe_helper import doubled

use_house_style()
frame = load("probe")
print(f"probe total {sum(doubled(frame['value']))}")
```

Some prose about the probe.

```{code-cell} ipython3
fig, ax = plt.subplots()
ax.bar(frame["id"], doubled(frame["value"]))
publish(fig, "probe-chart")
```
"""

PROBE_FIELDS = [
    {"name": "id", "type": "string", "description": "Row id.",
     "constraints": {"required": True, "unique": True}},
    {"name": "value", "type": "integer", "description": "A number.", "constraints": {"required": True}},
    {"name": "source", "type": "string", "description": "Source keys.", "bibtexKey": True,
     "constraints": {"required": True}},
    {"name": "source_quote", "type": "string", "description": "The source's words.",
     "constraints": {"required": True}},
]
PROBE_CSV = ("id,value,source,source_quote\nfirst,1,torrentfreak2018settles,Words of the first source.\n"
             "second,2,cmu2018settlement,Words of the second source.\n")


def cold_probe_book(tmp_path) -> Builds:
    """A trimmed book with the probe chapter, built once cold (every chapter runs)."""
    book = scratch_book(tmp_path / "book")
    for page, body in ((PROBE, PROBE_BODY), (EVENTS, EVENTS_BODY), (ALL, ALL_BODY)):
        write_chapter(book, page, body)
    (book / f"{SOURCES}.md").write_text(SOURCES_BODY, encoding="utf-8")  # a plain page
    set_toc(book, PAGES)
    add_dataset(book, "probe", PROBE_CSV, PROBE_FIELDS)
    (book / "als_explainer" / "probe_helper.py").write_text(
        "def doubled(values):\n    return [2 * v for v in values]\n", encoding="utf-8")
    builds = Builds(book)
    assert builds.executed() == notebooks(book) == {PROBE, EVENTS, ALL}, "cold build"
    assert probe_total(builds) in probe_page(builds), "the page is stale"
    return builds


def probe_page(builds) -> str:
    return (builds.book / "_build" / "html" / f"{PROBE}.html").read_text(encoding="utf-8")


def probe_total(builds) -> str:
    """What the probe page must print for the data and helper now on disk."""
    values = [int(line.split(",")[1]) for line in
              (builds.book / "data" / "probe.csv").read_text(encoding="utf-8").splitlines()[1:]]
    helper = (builds.book / "als_explainer" / "probe_helper.py").read_text(encoding="utf-8")
    factor = int(re.search(r"(\d+) \* v", helper).group(1))
    return f"probe total {factor * sum(values)}"


def test_edits_to_chapters_code_and_charts_rerun_only_what_they_touch(tmp_path):
    builds = cold_probe_book(tmp_path)
    page = builds.book / f"{PROBE}.md"

    # No change: nothing runs.
    assert builds.executed() == set(), "no-op rebuild"

    # Prose: nothing runs, and the page shows the new words.
    replace_in(page, "Some prose about the probe.", "Edited prose.")
    assert builds.executed() == set(), "prose edit"
    assert "Edited prose." in probe_page(builds)

    # Code: only that chapter runs.
    replace_in(page, "fig, ax = plt.subplots()", "fig, ax = plt.subplots()  # edited")
    assert builds.executed() == {PROBE}, "code edit"

    # A package module: only the chapter that imports it runs, and shows its new result.
    replace_in(builds.book / "als_explainer" / "probe_helper.py", "2 * v", "3 * v")
    assert builds.executed() == {PROBE}, "module edit"
    assert probe_total(builds) in probe_page(builds), "the page shows the old helper's result"

    # A chart deleted from figures/: its chapter runs and draws it again, identically.
    chart = builds.book / "figures" / "probe-chart.svg"
    drawn = chart.read_bytes()
    chart.unlink()
    assert builds.executed() == {PROBE}, "missing chart"
    assert chart.read_bytes() == drawn

    # Back to earlier code after a data edit: jupyter-cache keeps the run of every code
    # version, but the run of the earlier code was made with the earlier data.
    replace_in(page, "ax.bar(", "ax.barh(")
    assert builds.executed() == {PROBE}, "code edit before the data edit"
    replace_in(builds.book / "data" / "probe.csv", "first,1,", "first,4,")
    assert builds.executed() == {PROBE, ALL}, "data edit"
    replace_in(page, "ax.barh(", "ax.bar(")
    assert builds.executed() == {PROBE}, "the stale run of the earlier code was served"
    assert probe_total(builds) in probe_page(builds), "the page is stale"


def test_edits_to_data_schema_and_sources_rerun_exactly_their_readers(tmp_path):
    builds = cold_probe_book(tmp_path)
    book = builds.book

    # A data file: exactly the chapters that read it run (not EVENTS), with the new data.
    replace_in(book / "data" / "probe.csv", "second,2,", "second,5,")
    assert builds.executed() == {PROBE, ALL}, "data edit"
    assert probe_total(builds) in probe_page(builds), "the page shows the old data"

    # One dataset's schema: only the chapters using that dataset run.
    replace_in(book / "data" / "datapackage.json",
               '"description": "A number."', '"description": "A whole number."')
    assert builds.executed() == {PROBE, ALL}, "schema edit re-ran other chapters"

    # A new source in the bibliography: nothing runs.
    with open(book / "references.bib", "a", encoding="utf-8") as bib:
        bib.write("\n@misc{probe2099,\n  title = {{A source nobody cites yet}},\n"
                  "  author = {{Test}},\n  year = {2099},\n  url = {https://example.org/}\n}\n")
    assert builds.executed() == set(), "new source"

    # A corrected title reaches every page that cites the source, without running code.
    replace_in(book / "references.bib", "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit}}",
               "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit (probe edit)}}")
    assert builds.executed() == set(), "edited source"
    for page in (SOURCES, EVENTS):
        text = (book / "_build" / "html" / f"{page}.html").read_text(encoding="utf-8")
        assert "(probe edit)" in text, f"{page} still shows the old title"

    # A new dependency is found without being declared: the probe starts reading the
    # events dataset (a code edit, so it runs) ...
    replace_in(book / f"{PROBE}.md", 'frame = load("probe")',
               'frame = load("probe")\nevents = load("events")')
    assert builds.executed() == {PROBE}, "code edit adding a dataset"
    # ... and from then on an edit to events.csv re-runs it with the others that read it.
    replace_in(book / "data" / "events.csv",
               "Tiger Media moves to dismiss the first amended complaint",
               "Tiger Media moves to dismiss the first amended complaint (edited)")
    assert builds.executed() == {PROBE, EVENTS, ALL}, "edit to the newly read dataset"
