"""Rebuilds are fast and never stale: a real `jupyter-book build` of a small book, edited
step by step, runs exactly the chapters whose inputs changed.

The book is the real one cut down to probe chapters whose inputs are known exactly:
`chapters/zz-probe` reads a dataset and a package module of its own and draws a chart;
`chapters/zz-events` reads the book's events dataset and cites a source;
`chapters/zz-all` reads every dataset declared in data/datapackage.json, as the Data
appendix does; `chapters/zz-sources` lists the sources cited. (The real chapters run
in the shared strict build, tests/test_build.py and tests/test_chapters.py.)

The everyday edits (none, prose, code, a package module, a data file, one dataset's
schema, a new source, a source the data names going missing) are tested in process on a
small book, tests/test_reexecution.py; this file keeps only the steps that need the real
book and its command line. It is ONE test because its steps build on each other: every
step edits the book the previous step left and builds it again. The cold build without
network is the shared build's (tests/test_build.py).
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


def test_what_only_a_real_rebuild_of_the_book_shows(tmp_path):
    """The steps the in-process tests cannot show, on the real package, data and
    bibliography through `jupyter-book build`: a deleted chart, an earlier code version
    run with earlier data, a corrected source title, and a dependency added by an edit."""
    builds = cold_probe_book(tmp_path)
    book = builds.book
    page = book / f"{PROBE}.md"

    # A chart deleted from figures/: its chapter runs and draws it again, identically.
    chart = book / "figures" / "probe-chart.svg"
    drawn = chart.read_bytes()
    chart.unlink()
    assert builds.executed() == {PROBE}, "missing chart"
    assert chart.read_bytes() == drawn

    # Back to earlier code after a data edit: jupyter-cache keeps the run of every code
    # version, but the run of the earlier code was made with the earlier data.
    replace_in(page, "ax.bar(", "ax.barh(")
    assert builds.executed() == {PROBE}, "code edit before the data edit"
    replace_in(book / "data" / "probe.csv", "first,1,", "first,4,")
    assert builds.executed() == {PROBE, ALL}, "data edit"
    replace_in(page, "ax.barh(", "ax.bar(")
    assert builds.executed() == {PROBE}, "the stale run of the earlier code was served"
    assert probe_total(builds) in probe_page(builds), "the page is stale"

    # A corrected title reaches every page that cites the source, without running code.
    replace_in(book / "references.bib", "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit}}",
               "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit (probe edit)}}")
    assert builds.executed() == set(), "edited source"
    for cited_on in (SOURCES, EVENTS):
        text = (book / "_build" / "html" / f"{cited_on}.html").read_text(encoding="utf-8")
        assert "(probe edit)" in text, f"{cited_on} still shows the old title"

    # A new dependency is found without being declared: the probe starts reading the
    # events dataset (a code edit, so it runs) ...
    replace_in(page, 'frame = load("probe")', 'frame = load("probe")\nevents = load("events")')
    assert builds.executed() == {PROBE}, "code edit adding a dataset"
    # ... and from then on an edit to events.csv re-runs it with the others that read it.
    replace_in(book / "data" / "events.csv",
               "Tiger Media moves to dismiss the first amended complaint",
               "Tiger Media moves to dismiss the first amended complaint (edited)")
    assert builds.executed() == {PROBE, EVENTS, ALL}, "edit to the newly read dataset"
