"""Rebuilds are fast and never stale: a real `jupyter-book build` of a scratch copy of the
whole book, edited step by step, runs exactly the chapters whose inputs changed.

The copy gets one extra chapter, `chapters/zz-probe`, with a dataset and a package module
of its own, so that what each edit *should* re-run is known exactly, whatever chapters
the book has. The first (cold) build runs with the network cut off. The steps run in
file order and build on each other.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from book_builds import (
    EXECUTING,
    Builds,
    add_dataset,
    add_to_toc,
    build,
    docname,
    notebooks,
    offline_env,
    offline_wrapper,
    output,
    replace_in,
    scratch_book,
    write_chapter,
)

PROBE = "chapters/zz-probe"
DATA_PAGE = "chapters/90-data"  # documents every dataset, so it reads every CSV
FIRST = "chapters/00-case-at-a-glance"  # reads the events dataset

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
]
PROBE_CSV = "id,value,source\nfirst,1,torrentfreak2018settles\nsecond,2,cmu2018settlement\n"


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    book = scratch_book(tmp_path_factory.mktemp("rebuilds") / "book")
    write_chapter(book, PROBE, PROBE_BODY)
    add_to_toc(book, PROBE)
    add_dataset(book, "probe", PROBE_CSV, PROBE_FIELDS)
    (book / "als_explainer" / "probe_helper.py").write_text(
        "def doubled(values):\n    return [2 * v for v in values]\n", encoding="utf-8")
    runner = Builds(book)
    # The cold build, with every proxy pointed at a closed port and, where the machine
    # allows it, inside a network namespace that has no interface but loopback.
    env, wrapper = offline_env(), offline_wrapper()
    runner.cold = build(book, env=env, wrapper=wrapper)
    runner.offline = (env, wrapper)
    return runner


def probe_page(builds) -> str:
    return (builds.book / "_build" / "html" / f"{PROBE}.html").read_text(encoding="utf-8")


def probe_total(builds) -> str:
    """What the probe page must print for the data and helper now on disk."""
    values = [int(line.split(",")[1]) for line in
              (builds.book / "data" / "probe.csv").read_text(encoding="utf-8").splitlines()[1:]]
    helper = (builds.book / "als_explainer" / "probe_helper.py").read_text(encoding="utf-8")
    factor = int(re.search(r"(\d+) \* v", helper).group(1))
    return f"probe total {factor * sum(values)}"


def test_cold_build_without_network_runs_every_chapter(builds):
    text = output(builds.cold)
    assert builds.cold.returncode == 0, f"the build failed with the network cut off:\n{text[-8000:]}"
    ran = {docname(builds.book, path) for path in EXECUTING.findall(text)}
    assert ran == notebooks(builds.book)
    assert probe_total(builds) in probe_page(builds), "the page is stale"


def test_the_offline_sandbox_really_blocks_the_network(builds):
    # Guards the test above: the same wrapper and proxies must stop an HTTP request.
    env, wrapper = builds.offline
    probe = subprocess.run(
        [*wrapper, sys.executable, "-c",
         "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/', timeout=10)"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, **env))
    assert probe.returncode != 0, "a request got through the offline sandbox"
    assert "URLError" in probe.stderr, f"the probe failed for another reason:\n{probe.stderr}"


def test_noop_rebuild_runs_nothing(builds):
    assert builds.executed() == set()


def test_prose_edit_runs_nothing(builds):
    replace_in(builds.book / f"{PROBE}.md", "Some prose about the probe.", "Edited prose.")
    assert builds.executed() == set()
    assert "Edited prose." in probe_page(builds)


def test_code_edit_runs_only_that_chapter(builds):
    replace_in(builds.book / f"{PROBE}.md", "fig, ax = plt.subplots()",
               "fig, ax = plt.subplots()  # edited")
    assert builds.executed() == {PROBE}


def test_data_edit_runs_exactly_the_chapters_that_read_it(builds):
    replace_in(builds.book / "data" / "probe.csv", "second,2,", "second,5,")
    assert builds.executed() == {PROBE, DATA_PAGE}
    assert probe_total(builds) in probe_page(builds), "the page shows the old data"


def test_module_edit_runs_exactly_the_chapters_that_import_it(builds):
    replace_in(builds.book / "als_explainer" / "probe_helper.py", "2 * v", "3 * v")
    assert builds.executed() == {PROBE}
    assert probe_total(builds) in probe_page(builds), "the page shows the old helper's result"


def test_new_source_in_the_bibliography_runs_nothing(builds):
    with open(builds.book / "references.bib", "a", encoding="utf-8") as bib:
        bib.write("\n@misc{probe2099,\n  title = {{A source nobody cites yet}},\n"
                  "  author = {{Test}},\n  year = {2099},\n  url = {https://example.org/}\n}\n")
    assert builds.executed() == set()


def test_edited_source_is_shown_on_the_next_build(builds):
    # A corrected title must reach every page that cites the source, without running code.
    replace_in(builds.book / "references.bib", "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit}}",
               "{{Cloudflare Settles Dangerous Piracy Liability Lawsuit (probe edit)}}")
    assert builds.executed() == set()
    html = builds.book / "_build" / "html"
    for page in ("chapters/99-bibliography", FIRST):
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert "(probe edit)" in text, f"{page} still shows the old title"


def test_schema_edit_runs_only_the_chapters_using_that_dataset(builds):
    replace_in(builds.book / "data" / "datapackage.json",
               '"description": "A number."', '"description": "A whole number."')
    ran = builds.executed()
    assert ran == {PROBE, DATA_PAGE}, "editing one dataset's schema re-ran other chapters"
    assert FIRST not in ran


def test_missing_chart_is_drawn_again(builds):
    chart = builds.book / "figures" / "probe-chart.svg"
    drawn = chart.read_bytes()
    chart.unlink()
    assert builds.executed() == {PROBE}
    assert chart.read_bytes() == drawn


def test_new_dependency_is_found_without_being_declared(builds):
    # The probe starts reading the events dataset: a code edit, so it runs ...
    replace_in(builds.book / f"{PROBE}.md", 'frame = load("probe")',
               'frame = load("probe")\nevents = load("events")')
    assert builds.executed() == {PROBE}
    # ... and from then on an edit to events.csv re-runs it with the others that read it.
    replace_in(builds.book / "data" / "events.csv",
               "Tiger Media moves to dismiss the first amended complaint",
               "Tiger Media moves to dismiss the first amended complaint (edited)")
    ran = builds.executed()
    assert {PROBE, FIRST, DATA_PAGE} <= ran


def test_returning_to_earlier_code_after_a_data_edit_runs_again(builds):
    # jupyter-cache keeps the run of every code version; the run of the earlier code
    # was made with the earlier data and must not come back.
    page = builds.book / f"{PROBE}.md"
    replace_in(page, "ax.bar(", "ax.barh(")
    assert builds.executed() == {PROBE}
    replace_in(builds.book / "data" / "probe.csv", "first,1,", "first,4,")
    assert builds.executed() == {PROBE, DATA_PAGE}
    replace_in(page, "ax.barh(", "ax.bar(")
    assert builds.executed() == {PROBE}, "the stale run of the earlier code was served"
    assert probe_total(builds) in probe_page(builds), "the page is stale"
