"""The dependency recorder: what counts as a chapter's input or output, and when a
recorded fingerprint no longer matches (book_extensions/dependencies.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from als_explainer import data
from book_extensions import dependencies as deps

from conftest import ROOT


@pytest.fixture
def book(tmp_path) -> Path:
    """A tiny book: the real schema and bibliography, one CSV, one package module."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "datapackage.json", tmp_path / "data" / "datapackage.json")
    shutil.copy(ROOT / "data" / "events.csv", tmp_path / "data" / "events.csv")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "figures").mkdir()
    return tmp_path


def add_resource(book: Path, name: str, description: str = "x") -> None:
    path = book / "data" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"].append({"name": name, "path": f"{name}.csv", "description": description,
                                 "schema": {"fields": [{"name": "id", "type": "string"}]}})
    path.write_text(json.dumps(package, indent=2), encoding="utf-8")


# --------------------------------------------------------------------------- fingerprints


def test_file_fingerprint_follows_content_not_mtime(book):
    dep = {"kind": "file", "path": "data/events.csv"}
    before = deps.fingerprint(book, dep)
    os.utime(book / "data/events.csv", (1, 1))  # touching is not changing
    assert deps.fingerprint(book, dep) == before
    with open(book / "data/events.csv", "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert deps.fingerprint(book, dep) != before
    (book / "data/events.csv").unlink()
    assert deps.fingerprint(book, dep) == "missing"


def test_resource_fingerprint_ignores_other_datasets(book):
    dep = {"kind": "resource", "path": "data/datapackage.json", "name": "events"}
    names = {"kind": "resource-names", "path": "data/datapackage.json"}
    before, names_before = deps.fingerprint(book, dep), deps.fingerprint(book, names)
    add_resource(book, "other")
    assert deps.fingerprint(book, dep) == before, "adding a dataset changed another's entry"
    assert deps.fingerprint(book, names) != names_before, "a new dataset must change the list"

    path = book / "data" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    names_now = deps.fingerprint(book, names)
    package["resources"][0]["description"] += " Edited."
    path.write_text(json.dumps(package), encoding="utf-8")
    assert deps.fingerprint(book, dep) != before
    assert deps.fingerprint(book, names) == names_now, "editing a description is not a new list"

    path.write_text("{ not json", encoding="utf-8")
    assert deps.fingerprint(book, dep).startswith("invalid:")


def test_removed_dataset_is_absent(book):
    dep = {"kind": "resource", "path": "data/datapackage.json", "name": "nosuchdataset"}
    assert deps.fingerprint(book, dep) == "absent"


def test_bibkeys_fingerprint_changes_only_when_a_used_key_comes_or_goes(book):
    dep = {"kind": "bibkeys", "path": "references.bib",
           "keys": ["torrentfreak2018settles", "later2099"]}
    before = deps.fingerprint(book, dep)
    bib = book / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n@misc{unrelated2099,\n  title = {{X}},\n  year = {2099}\n}\n",
                   encoding="utf-8")
    assert deps.fingerprint(book, dep) == before, "an unrelated new source changed it"
    bib.write_text(text + "\n@misc{later2099,\n  title = {{X}},\n  year = {2099}\n}\n",
                   encoding="utf-8")
    assert deps.fingerprint(book, dep) != before, "a key the data names appeared"
    bib.write_text(text.replace("torrentfreak2018settles", "renamed2018settles"), encoding="utf-8")
    assert deps.fingerprint(book, dep) != before, "a key the data names disappeared"


def test_listing_fingerprint_sees_new_files_but_not_bytecode(book):
    dep = {"kind": "listing", "path": "data"}
    before = deps.fingerprint(book, dep)
    (book / "data" / "__pycache__").mkdir()
    assert deps.fingerprint(book, dep) == before
    (book / "data" / "new.csv").write_text("id\n", encoding="utf-8")
    assert deps.fingerprint(book, dep) != before


def test_changes_name_what_changed(book):
    inputs = [dict(dep, fingerprint=deps.fingerprint(book, dep)) for dep in (
        {"kind": "file", "path": "data/events.csv"},
        {"kind": "file", "path": "pkg/__init__.py"},
    )]
    (book / "figures" / "chart.svg").write_bytes(b"<svg/>")
    outputs = {"figures/chart.svg": deps.fingerprint(book, {"kind": "file", "path": "figures/chart.svg"})}
    assert deps.changes(book, inputs, outputs) == []

    (book / "pkg" / "__init__.py").write_text("VALUE = 2\n", encoding="utf-8")
    (book / "figures" / "chart.svg").write_bytes(b"<svg>edited</svg>")
    assert deps.changes(book, inputs, outputs) == [
        "pkg/__init__.py changed", "its output figures/chart.svg was altered"]
    (book / "figures" / "chart.svg").unlink()
    assert "its output figures/chart.svg is missing" in deps.changes(book, inputs, outputs)


# --------------------------------------------------------------------------- classification


def open_event(recorder, path, mode="r"):
    recorder.audit("open", (str(path), mode, 0))


def test_recorder_sorts_reads_writes_and_outputs(book, monkeypatch):
    monkeypatch.chdir(book / "chapters")
    recorder = deps.Recorder(book, None)
    open_event(recorder, "../data/events.csv")                      # relative to the chapter
    open_event(recorder, book / "figures" / "chart.svg", "wb")     # a chart: output
    open_event(recorder, book / "figures" / "old.svg", "rb")       # publish() comparing
    open_event(recorder, book / "data" / "scribble.csv", "w")      # a chapter writing data
    open_event(recorder, book / "_build" / "x.json")               # build output: ignored
    open_event(recorder, book / ".git" / "HEAD")                   # tooling: ignored
    open_event(recorder, "/etc/hostname")                          # outside the book: ignored
    recorder.audit("open", (3, "r", 0))                            # a file descriptor: ignored
    (book / "pkg" / "__pycache__").mkdir()
    open_event(recorder, book / "pkg" / "__pycache__" / f"__init__.{sys.implementation.cache_tag}.pyc", "rb")
    recorder.audit("os.open", ())                                  # other events: ignored

    paths = sorted(d["path"] for d in recorder.inputs.values())
    assert paths == ["data/events.csv", "pkg/__init__.py"], "a .pyc counts as its .py source"
    assert recorder.outputs == {"figures/chart.svg", "figures/old.svg"}
    assert recorder.writes == {"data/scribble.csv"}
    events = next(d for d in recorder.inputs.values() if d["path"] == "data/events.csv")
    assert events["fingerprint"] == deps.fingerprint(book, {"kind": "file", "path": "data/events.csv"})


def test_os_open_flags_decide_read_or_write(book):
    recorder = deps.Recorder(book, None)
    recorder.audit("open", (str(book / "data" / "events.csv"), None, os.O_RDONLY))
    recorder.audit("open", (str(book / "data" / "out.csv"), None, os.O_WRONLY | os.O_CREAT))
    assert [d["path"] for d in recorder.inputs.values()] == ["data/events.csv"]
    assert recorder.writes == {"data/out.csv"}


def test_fingerprint_is_taken_when_the_file_is_first_read(book):
    recorder = deps.Recorder(book, None)
    open_event(recorder, book / "data" / "events.csv")
    first = recorder.snapshot()["inputs"][0]["fingerprint"]
    (book / "data" / "events.csv").write_text("edited while the chapter ran\n", encoding="utf-8")
    open_event(recorder, book / "data" / "events.csv")
    assert recorder.snapshot()["inputs"][0]["fingerprint"] == first
    # ... so the next build sees the edit and runs the chapter again.
    assert deps.changes(book, recorder.snapshot()["inputs"], {}) == ["data/events.csv changed"]


def test_loader_events_record_parts_instead_of_whole_files(book):
    # The events als_explainer.data raises, fed to the hook as Python would feed them.
    recorder = deps.Recorder(book, None)
    recorder.audit(data.QUIET_EVENT, (True,))
    open_event(recorder, book / "references.bib")
    recorder.audit(data.QUIET_EVENT, (False,))
    recorder.audit(data.READ_EVENT, ("bibkeys", str(book / "references.bib"),
                                     {"keys": ["b", "a", "b"]}))
    recorder.audit(data.READ_EVENT, ("resource", str(book / "data" / "datapackage.json"),
                                     {"name": "events"}))
    recorder.audit(data.READ_EVENT, ("resource-names", str(book / "data" / "datapackage.json"), {}))
    recorder.audit(data.READ_EVENT, ("bibkeys", str(book / "references.bib"), {"keys": []}))
    kinds = sorted((d["kind"], d["path"]) for d in recorder.inputs.values())
    assert kinds == [("bibkeys", "references.bib"), ("resource", "data/datapackage.json"),
                     ("resource-names", "data/datapackage.json")]
    keys = next(d for d in recorder.inputs.values() if d["kind"] == "bibkeys")["keys"]
    assert keys == ["a", "b"]
    open_event(recorder, book / "data" / "events.csv")  # quiet ended: whole files count again
    assert ("file", "data/events.csv") in {(d["kind"], d["path"]) for d in recorder.inputs.values()}


def test_the_event_names_match_on_both_sides():
    # Two packages that must not import each other agree on two strings.
    assert (deps.READ_EVENT, deps.QUIET_EVENT) == (data.READ_EVENT, data.QUIET_EVENT)


def test_listings_by_the_import_system_are_not_dependencies():
    assert deps._import_machinery("<frozen importlib._bootstrap_external>")
    assert deps._import_machinery("/usr/lib/python3.11/importlib/metadata/__init__.py")
    assert not deps._import_machinery("/book/chapters/ipykernel_123/456.py")
    assert not deps._import_machinery("/usr/lib/python3.11/pathlib.py")


def test_recording_is_off_without_the_build(monkeypatch):
    monkeypatch.delenv(deps.ENV_ROOT, raising=False)
    monkeypatch.delenv(deps.ENV_RECORD, raising=False)
    assert deps.start_from_environment() is None
    assert deps.active() is None


# --------------------------------------------------------------------------- a real process


def run_recorded(book: Path, code: str, record: Path) -> dict:
    """Run ``code`` in a fresh interpreter recording like a chapter kernel does."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(book), str(ROOT)]),
               **{deps.ENV_ROOT: str(book), deps.ENV_RECORD: str(record)})
    script = textwrap.dedent("""
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location(
            "book_extensions.dependencies", sys.argv[1])
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        module.start_from_environment()
    """) + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", script, str(ROOT / "book_extensions" / "dependencies.py")],
                            cwd=book / "chapters", env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(record.read_text(encoding="utf-8"))


def test_a_process_records_imports_reads_and_charts(book, tmp_path):
    record = run_recorded(book, """
        import pkg                                     # a module of the book
        open("../data/events.csv").read()              # a data file, read directly
        open("../figures/chart.svg", "w").write("<svg/>")
        import json                                    # the standard library: not the book's
    """, tmp_path / "run.json")
    assert {(d["kind"], d["path"]) for d in record["inputs"]} == {
        ("file", "pkg/__init__.py"), ("file", "data/events.csv")}
    assert list(record["outputs"]) == ["figures/chart.svg"]
    assert record["writes"] == []


def test_loader_records_the_parts_of_schema_and_bibliography_it_uses(tmp_path):
    # The real loader on the real book: the CSV whole, but only the "events" entry of
    # datapackage.json and only the keys events.csv names in references.bib.
    record = run_recorded(ROOT, """
        from als_explainer.data import load
        frame = load("events")
    """, tmp_path / "run.json")
    inputs = {(d["kind"], d["path"]) for d in record["inputs"]}
    assert ("file", "data/events.csv") in inputs
    assert ("resource", "data/datapackage.json") in inputs
    assert ("bibkeys", "references.bib") in inputs
    assert ("file", "data/datapackage.json") not in inputs, "the whole schema file was recorded"
    assert ("file", "references.bib") not in inputs, "the whole bibliography was recorded"
    assert ("file", "als_explainer/data.py") in inputs, "the loader's own module is an input"
    assert ("file", "als_explainer/charts.py") not in inputs, "chart code was not imported"
    keys = next(d for d in record["inputs"] if d["kind"] == "bibkeys")["keys"]
    assert "torrentfreak2018settles" in keys and len(keys) == len(set(keys))
