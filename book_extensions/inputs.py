"""What a chapter's code reads, found by reading the code (Python's ``ast``), not by running it.

- **modules**: the modules of the content package the chapter's cells import, and the
  modules those import in turn (``from pkg import load`` names the module the package
  exports ``load`` from, in its ``_EXPORTS`` dict);
- **datasets**: every ``load("name")`` or ``schema("name")`` of the package's loader in
  those cells and modules; a name not written out (``load(name)``, ``dataset_names()``)
  means every dataset;
- **charts**: every ``publish(fig, "slug")`` in the cells (``figures/<slug>.svg``).

A dataset's fingerprint covers its CSV file, its entry in ``data/datapackage.json``, the
source keys its rows name that ``references.bib`` lacks, and the datasets its foreign
keys point to. Chapters are read with myst-nb's own reader; nothing here imports Sphinx.
"""

import ast
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook

EVERY_DATASET = "*"
LOADERS = ("load", "schema")  # functions of <package>.data that read one dataset
LISTERS = ("dataset_names",)  # ... and that read the list of every dataset


def digest(value) -> str:
    """The SHA-256 of bytes, or of any other value written as JSON."""
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Cell:
    line: int  # 1-based line of the cell's opening fence in the chapter's file
    source: str


def code_cells(text: str) -> list[Cell]:
    """The code cells of a MyST Markdown notebook as myst-nb reads them (without their
    options), each with the line of its opening fence."""
    notebook = read_myst_markdown_notebook(text, add_source_map=True)
    return [Cell(line, cell.source) for line, cell in zip(notebook.metadata["source_map"], notebook.cells)
            if cell.cell_type == "code"]


def parse(source: str) -> ast.Module | None:
    """The code as a syntax tree; IPython's ``%magic`` and ``!shell`` lines left out."""
    kept = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        return ast.parse(kept)
    except SyntaxError:
        return None


@dataclass
class Uses:
    """What one piece of code uses of the content package."""

    modules: set[str] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)
    charts: set[str] = field(default_factory=set)


def _dotted(node) -> str | None:
    """``a.b.c`` for a name or an attribute chain, else None."""
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else None


def _constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names bound to a literal: ``EVENTS = "events"``, ``A, B = "a", "b"``."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
            pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                else [(target, value)]
            found.update({n.id: v.value for n, v in pairs if isinstance(n, ast.Name) and isinstance(v, ast.Constant)})
    return found


class Package:
    """The content package of the book at ``root`` (``root/<name>/``), read statically."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = Path(root), name
        self._uses: dict[str, Uses] = {}
        #: Each module of the package (``pkg``, ``pkg.data``) and its file.
        self.files = {".".join(path.relative_to(self.root).with_suffix("").parts).removesuffix(".__init__"): path
                      for path in sorted((self.root / name).rglob("*.py"))}
        init = parse(self.files[name].read_text(encoding="utf-8")) if name in self.files else None
        self.exports = next((ast.literal_eval(node.value) for node in (init.body if init else [])
                             if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "_EXPORTS"), {})

    def module_of(self, qualified: str) -> str | None:
        """The longest prefix of a dotted name that is a module of the package, reading
        ``pkg.load`` as ``pkg.data.load`` when the package exports ``load`` from ``data``."""
        parts = qualified.split(".")
        if parts[0] == self.name and len(parts) > 1 and parts[1] in self.exports:
            parts.insert(1, self.exports[parts[1]])
        return next((".".join(parts[:end]) for end in range(len(parts), 0, -1)
                     if ".".join(parts[:end]) in self.files), None)

    def uses(self, tree: ast.Module | None, module: str = "") -> Uses:
        """The modules, datasets and charts one module (or a chapter's cells) uses."""
        if tree is None:  # code the parser cannot read: assume it uses everything
            return Uses({self.name}, {EVERY_DATASET})
        found, names = Uses(), {}  # names: local name -> the dotted name it was imported as
        # The package a relative import starts from: the module's own when it is one.
        here = module if module and self.files[module].name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:  # import a.b binds a; import a.b as c binds c to a.b
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
                    found.modules.add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                parts = here.split(".")[:len(here.split(".")) - node.level + 1] if node.level else []
                base = ".".join(filter(None, [*parts, node.module]))  # from . import data: relative
                found.modules.add(base)
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
                    found.modules.add(f"{base}.{alias.name}")
        constants = _constants(tree)

        def qualified(node) -> str:  # a name as the code writes it, as the dotted name it imports
            first, _, rest = (_dotted(node) or "").partition(".")
            return ".".join(filter(None, [names[first], rest])) if first in names else ""

        def text(node) -> str | None:  # a literal string, or a module-level constant holding one
            value = constants.get(node.id) if isinstance(node, ast.Name) else getattr(node, "value", None)
            return value if isinstance(value, str) else None

        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):  # als_explainer.case_record.load
                found.modules.add(qualified(node))
            if not isinstance(node, ast.Call) or not (called := self.module_of(qualified(node.func))):
                continue
            function = qualified(node.func).rpartition(".")[2]
            if called == f"{self.name}.data" and function in (*LOADERS, *LISTERS):
                literal = text(node.args[0]) if node.args and function in LOADERS else None
                found.datasets.add(literal or EVERY_DATASET)
            elif called == f"{self.name}.charts" and function == "publish" and len(node.args) > 1 \
                    and text(node.args[1]):
                found.charts.add(text(node.args[1]))
        found.modules = {m for m in map(self.module_of, found.modules) if m}
        return found

    def closure(self, start: Uses) -> Uses:
        """``start`` with every module it imports, transitively, and what they read."""
        total = Uses(set(), set(start.datasets), set(start.charts))
        todo = list(start.modules)
        while todo:
            module = todo.pop()
            if not module or module in total.modules:
                continue
            total.modules.add(module)
            if module not in self._uses:
                self._uses[module] = Uses()  # an import cycle ends here
                self._uses[module] = self.uses(parse(self.files[module].read_text(encoding="utf-8")), module)
            total.datasets |= self._uses[module].datasets
            todo += [*self._uses[module].modules, module.rpartition(".")[0]]  # a.b runs a/__init__.py
        return total


class Book:
    """Fingerprints of the inputs of the book at ``root``, computed once per build."""

    def __init__(self, root: Path, package: str, bibfiles: list[str]):
        self.root, self.bibfiles = Path(root), bibfiles
        self.package = Package(self.root, package)
        self._datasets: dict[str, str] = {}
        descriptor = self.root / "data" / "datapackage.json"
        self.package_digest = digest(descriptor.read_bytes()) if descriptor.is_file() else "missing"
        try:
            self.resources = {r["name"]: r for r in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]}
        except (OSError, ValueError, KeyError, TypeError):
            self.resources = {}  # the loader reports it when a chapter runs

    @cached_property
    def bib_keys(self) -> frozenset[str]:
        from pybtex.database import parse_file

        keys: set[str] = set()
        for name in self.bibfiles:
            try:
                keys |= set(parse_file(str(self.root / name), bib_format="bibtex").entries)
            except Exception:  # a broken file: the chapter runs and its loader says why
                keys.add(f"unreadable {name} {digest((self.root / name).read_bytes())}")
        return frozenset(keys)

    def dataset(self, name: str) -> str:
        """The fingerprint of one dataset (see the module docstring)."""
        if name == EVERY_DATASET:
            return self.package_digest  # the list of datasets, and each of them
        if name not in self._datasets:
            self._datasets[name] = "in progress"  # a foreign key pointing back ends here
            resource = self.resources.get(name, {})
            path = self.root / "data" / str(resource.get("path", f"{name}.csv"))
            data = path.read_bytes() if path.is_file() else None
            schema = resource.get("schema", {})
            keyed = [f.get("name") for f in schema.get("fields", []) if f.get("bibtexKey")]
            rows = csv.DictReader(io.StringIO((data or b"").decode("utf-8-sig", "replace")))
            cited = {key.strip() for row in rows
                     for column in keyed for key in (row.get(column) or "").split(";")}
            targets = {k.get("reference", {}).get("resource") for k in schema.get("foreignKeys", [])}
            self._datasets[name] = digest({
                "resource": resource,
                "file": digest(data) if data is not None else "missing",
                "unknown sources": sorted(cited - self.bib_keys - {""}),
                "linked": {t: self.dataset(t) for t in sorted(targets - {None, name})},
            })
        return self._datasets[name]

    def chapter(self, text: str) -> tuple[dict[str, str], set[str]]:
        """The fingerprints of everything the chapter with source ``text`` reads, each named
        as an editor would, and the charts it draws (its cells read as one module: a name
        one cell imports is used in later ones)."""
        trees = [parse(cell.source) for cell in code_cells(text)]
        cells = None if None in trees else ast.Module([node for tree in trees for node in tree.body], [])
        uses = self.package.closure(self.package.uses(cells))
        paths = [self.package.files[module] for module in sorted(uses.modules)]
        prints = {path.relative_to(self.root).as_posix(): digest(path.read_bytes()) for path in paths}
        names = sorted(self.resources) if EVERY_DATASET in uses.datasets else sorted(uses.datasets)
        if EVERY_DATASET in uses.datasets:
            prints["the list of datasets in data/datapackage.json"] = digest(names)
        for name in names:
            path = self.resources.get(name, {}).get("path", f"{name}.csv")
            prints[f"data/{path} (or its schema, or a source it names)"] = self.dataset(name)
        return prints, uses.charts
