"""Re-execution, in process, on the three-chapter book in tests/roots/test-reexecution/
(tinybook: a content package in the shape of als_explainer): a build runs exactly the
chapters whose code or inputs changed, side by side when there are several, and says why.

Each scenario is one test, because its builds follow each other on one copy of the book.
The real book's cold build through `jupyter-book build`, with every chapter run, is the
shared build (tests/conftest.py, tests/test_build.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from book_extensions.inputs import Book, charts, code_cells, declared, parse


def runs(srcdir: Path) -> set[tuple]:
    from jupyter_cache import get_cache

    folder = srcdir / "_build" / ".jupyter_cache"
    return {(r.uri, r.pk, r.created) for r in get_cache(str(folder)).list_cache_records()} if folder.is_dir() else set()


class TinyBook:
    def __init__(self, make_app, srcdir: Path):
        self.make_app, self.srcdir = make_app, Path(srcdir)
        self.app = None

    def build(self) -> set[str]:
        """Build again; the chapters that ran (a new run in jupyter-cache)."""
        before = runs(self.srcdir)
        self.app = self.make_app("html", srcdir=self.srcdir, freshenv=False,
                                 builddir=self.srcdir / "_build")
        self.app.build()
        return {Path(uri).stem for uri, *_ in runs(self.srcdir) - before}

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.srcdir / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def page(self, name: str) -> str:
        return (self.srcdir / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> Path:
        path = self.srcdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def book(make_app, app_params, monkeypatch) -> TinyBook:
    srcdir = Path(app_params.kwargs["srcdir"])
    monkeypatch.setenv("PYTHONPATH", str(srcdir))  # the kernels import tinybook from the copy
    return TinyBook(make_app, srcdir)


@pytest.mark.sphinx("html", testroot="reexecution", srcdir="reexecution-edits")
def test_each_edit_runs_exactly_the_chapters_that_read_it(book):
    assert book.build() == {"one", "two", "every"}, "cold build"
    assert "(3 at a time)" in book.app.status.getvalue() or "(2 at a time)" in book.app.status.getvalue()
    assert book.build() == set(), "no change"

    book.edit("one.md", "Prose about", "Edited prose about")
    assert book.build() == set(), "prose edit"
    assert "Edited prose about" in book.page("one")

    book.edit("one.md", 'print("one:"', 'print("one, edited:"')
    assert book.build() == {"one"}, "code edit"

    book.edit("tinybook/helper.py", "2 * value", "3 * value")
    assert book.build() == {"one"}, "module edit"
    assert "one, edited: 6" in book.page("one"), "the page shows the old helper's result"
    assert "tinybook/helper.py changed; running it again" in book.app.status.getvalue()

    book.edit("data/two.csv", "x,first2020\n", "x,first2020\ny,first2020\n")
    assert book.build() == {"two", "every"}, "data edit"
    assert "two: 2" in book.page("two")

    book.edit("data/datapackage.json", '{"name": "id", "type": "string"}]}},',
              '{"name": "id", "type": "string", "title": "Id"}]}},')
    assert book.build() == {"one", "every"}, "one dataset's schema"

    with open(book.srcdir / "refs.bib", "a", encoding="utf-8") as bib:
        bib.write("\n@misc{second2021,\n  title = {A second source},\n  year = {2021}\n}\n")
    assert book.build() == set(), "a new source nobody's data names"

    book.edit("refs.bib", "@misc{first2020,", "@misc{renamed2020,")
    assert book.build() == {"two", "every"}, "a source the data names went missing"


@pytest.mark.sphinx("html", testroot="reexecution", srcdir="reexecution-writes")
def test_one_by_one_a_chapter_that_writes_into_the_data_is_named(book, monkeypatch):
    monkeypatch.setenv("BOOK_JOBS", "1")  # myst-nb alone runs each chapter as Sphinx reads it
    book.edit("two.md", 'print("two:"', 'open("data/notes.csv", "w").write("id\\n")\nprint("two:"')
    assert book.build() == {"one", "two", "every"}
    assert "at a time" not in book.app.status.getvalue()
    assert "two.md wrote data/notes.csv while it ran" in book.app.warning.getvalue()


CHART_CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# A chart

Drawn from the first dataset {cite:p}`first2020`.

```{code-cell} ipython3
from tinybook import first
from tinybook.charts import publish

rows = first.load()
publish(len(rows), "one-count")
print("chart:", len(rows))
```
"""

# tinybook's publish(), in the shape of als_explainer.charts.publish: figures/<name>.svg.
CHARTS_MODULE = """from pathlib import Path


def publish(value, name):
    folder = Path.cwd() / "figures"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{value}</text></svg>')
"""


@pytest.mark.sphinx("html", testroot="reexecution", srcdir="reexecution-history")
def test_a_rebuild_redraws_a_lost_chart_never_serves_a_stale_run_and_follows_new_reads(book):
    book.write("tinybook/charts.py", CHARTS_MODULE)
    book.write("chart.md", CHART_CHAPTER)
    book.write("sources.md", "# Sources\n\n```{bibliography}\n```\n")
    book.edit("index.md", "every\n", "every\nchart\nsources\n")
    assert book.build() == {"one", "two", "every", "chart"}, "cold build"

    # A chart deleted from figures/: its chapter runs and draws it again, identically.
    chart = book.srcdir / "figures" / "one-count.svg"
    drawn = chart.read_bytes()
    chart.unlink()
    assert book.build() == {"chart"}, "missing chart"
    assert chart.read_bytes() == drawn

    # Back to earlier code after a data edit: jupyter-cache keeps the run of every code
    # version, but the run of the earlier code was made with the earlier data.
    book.edit("chart.md", 'print("chart:"', 'print("chart, edited:"')
    assert book.build() == {"chart"}, "code edit before the data edit"
    book.edit("data/one.csv", "a\nb\n", "a\nb\nc\n")
    assert book.build() == {"one", "every", "chart"}, "data edit"
    book.edit("chart.md", 'print("chart, edited:"', 'print("chart:"')
    assert book.build() == {"chart"}, "the stale run of the earlier code was served"
    assert "chart: 3" in book.page("chart"), "the page shows the earlier data"

    # A corrected title reaches every page that cites the source, without running code.
    book.edit("refs.bib", "A first source", "A first source (corrected)")
    assert book.build() == set(), "edited source"
    for page in ("chart", "sources"):
        assert "(corrected)" in book.page(page), f"{page} still shows the old title"

    # A Part module the code starts to import brings its datasets: the edit runs the
    # chapter, and from then on an edit to that dataset runs it with its readers.
    book.edit("chart.md", "rows = first.load()", "rows = first.load()\nfrom tinybook import second\nsecond.load()")
    assert book.build() == {"chart"}, "code edit adding a dataset"
    book.edit("data/two.csv", "x,first2020\n", "x,first2020\nz,first2020\n")
    assert book.build() == {"two", "every", "chart"}, "edit to the newly read dataset"


# --------------------------------------------------------------------------- reading code


ROOT = Path(__file__).parent / "roots" / "test-reexecution"


def test_inputs_are_what_the_code_imports_and_what_its_modules_declare():
    book = Book(ROOT, "tinybook", ["refs.bib"])
    one, _ = book.chapter((ROOT / "one.md").read_text(encoding="utf-8"))
    assert sorted(one) == ["data/one.csv (or its schema, or a source it names)", "tinybook/__init__.py",
                           "tinybook/data.py", "tinybook/first.py", "tinybook/helper.py"]
    every, _ = book.chapter((ROOT / "every.md").read_text(encoding="utf-8"))
    assert {"data/one.csv (or its schema, or a source it names)",
            "data/two.csv (or its schema, or a source it names)",
            "the list of datasets in data/datapackage.json"} <= set(every)


@pytest.mark.parametrize(("cell", "datasets", "slugs"), [
    ("from tinybook import first", {"one"}, set()),
    ("import tinybook.second as s\ns.load()", {"two"}, set()),
    ("import tinybook\ntinybook.second.load()", {"two"}, set()),
    ("from tinybook import load", {"*"}, set()),  # the loader itself: any dataset
    ("from tinybook.data import dataset_names", {"*"}, set()),
    ('from tinybook.charts import publish\npublish(fig, "a-chart")', set(), {"a-chart"}),
    ("%matplotlib inline\nx = 1 +", {"*"}, set()),  # unreadable: assume everything
])
def test_datasets_come_from_the_imported_modules_and_charts_from_the_calls(tmp_path, cell, datasets, slugs):
    (tmp_path / "tinybook").mkdir()
    for name in ("__init__.py", "data.py", "first.py", "second.py"):
        (tmp_path / "tinybook" / name).write_text((ROOT / "tinybook" / name).read_text())
    (tmp_path / "tinybook" / "charts.py").write_text("def publish(fig, name):\n    pass\n")
    book = Book(tmp_path, "tinybook", [])
    text = f"```{{code-cell}} ipython3\n:tags: [hide-input]\n{cell}\n```\n"
    tree = parse(code_cells(text)[0].source)
    assert book.package.reads(tree)[1] == datasets
    assert charts(tree) == slugs


def test_a_declaration_not_written_out_is_named(tmp_path):
    (tmp_path / "tinybook").mkdir()
    (tmp_path / "tinybook" / "__init__.py").write_text('EVENTS = "events"\nDATASETS = (EVENTS,)\n')
    with pytest.raises(ValueError, match=r"tinybook/__init__.py, line 2: write DATASETS out in quotes"):
        Book(tmp_path, "tinybook", []).package.reads(parse("import tinybook"))


def loader_calls(path: Path) -> set[str]:
    """The datasets a module's code loads: the first argument of each call of the loader
    (``data.load("x")``, or ``load``/``schema`` imported from ``.data``), a module-level
    constant's value for a name, ``*`` for anything else."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {target.id: value.value for node in tree.body if isinstance(node, ast.Assign)
                 for target, value in zip(getattr(node.targets[-1], "elts", [node.targets[-1]]),
                                          getattr(node.value, "elts", [node.value]))
                 if isinstance(target, ast.Name) and isinstance(value, ast.Constant)}
    loaders = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
               and node.module == "data" for alias in node.names if alias.name in ("load", "schema")}
    found = set()
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args):
        name = ast.unparse(call.func)
        if name in {"data.load", "data.schema", *loaders}:
            first = call.args[0]
            value = first.value if isinstance(first, ast.Constant) else constants.get(getattr(first, "id", None))
            found.add(value if isinstance(value, str) else "*")
    return found


MODULES = [path for folder in (ROOT.parents[2] / "als_explainer", ROOT / "tinybook")
           for path in sorted(folder.glob("*.py")) if path.name != "data.py"]  # the loader loads any


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_each_module_declares_exactly_the_datasets_it_loads(path):
    """The build trusts each module's ``DATASETS`` (book_extensions/inputs.py): a module
    that loads a dataset without declaring it would leave its chapters stale after an
    edit to that dataset."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert set(declared(tree, "DATASETS")) == loader_calls(path), \
        f"{path.name}: its DATASETS must name exactly the datasets its code loads (\"*\" for any)"
