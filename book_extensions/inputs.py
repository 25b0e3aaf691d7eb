"""What a chapter's code reads, found by reading the code (Python's ``ast``), not by running it.

- **modules**: the modules of the content package the chapter's cells import, and the
  modules those import in turn (``from pkg import load`` names the module the package
  exports ``load`` from);
- **datasets**: every ``load("name")`` or ``schema("name")`` of the package's loader in
  those cells and modules; a name not written out (``load(name)``, ``dataset_names()``)
  means every dataset;
- **charts**: every ``publish(fig, "slug")`` in the cells (``figures/<slug>.svg``).

A dataset's fingerprint covers its CSV file, its entry in ``data/datapackage.json``, the
source keys its rows name that ``references.bib`` lacks, and the datasets its foreign
keys point to. Chapters are read with myst-nb's own reader; nothing here imports Sphinx.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook

EVERY_DATASET = "*"
LOADERS = ("load", "schema")  # functions of <package>.data that read one dataset
LISTERS = ("dataset_names",)  # ... and that read the list of every dataset


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_digest(value) -> str:
    return digest(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


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
    kept = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))
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


class Package:
    """The content package of the book at ``root`` (``root/<name>/``), read statically."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = Path(root), name
        self._uses: dict[str, Uses] = {}
        init = self.path(name)
        self.exports = _exports(init.read_text(encoding="utf-8")) if init else {}

    def path(self, module: str) -> Path | None:
        """The file of a module of the package, or None when it is not one."""
        if module != self.name and not module.startswith(self.name + "."):
            return None
        base = self.root.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def resolve(self, qualified: str) -> str:
        """``pkg.load`` as ``pkg.data.load`` when the package exports ``load`` from ``data``."""
        head, _, rest = qualified.partition(".")
        first, _, tail = rest.partition(".")
        if head == self.name and first in self.exports:
            return ".".join(filter(None, [self.name, self.exports[first], first, tail]))
        return qualified

    def module_of(self, qualified: str) -> str | None:
        """The longest prefix of a dotted name that is a module of the package."""
        parts = self.resolve(qualified).split(".")
        for end in range(len(parts), 0, -1):
            if self.path(".".join(parts[:end])):
                return ".".join(parts[:end])
        return None

    def uses(self, tree: ast.Module | None, module: str | None = None) -> Uses:
        """The modules, datasets and charts one module (or a chapter's cells) uses."""
        found = Uses()
        if tree is None:  # code the parser cannot read: assume it uses everything
            found.modules.add(self.name)
            found.datasets.add(EVERY_DATASET)
            return found
        names: dict[str, str] = {}  # local name -> the dotted name it was imported as
        constants = _constants(tree)
        path = self.path(module) if module else None
        package = module if path and path.name == "__init__.py" else (module or "").rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
                    found.modules.add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import data
                    parts = package.split(".")
                    base = ".".join(filter(None, [*parts[:len(parts) - node.level + 1], node.module]))
                found.modules.add(base)
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
                    found.modules.add(f"{base}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):  # als_explainer.case_record.load
                qualified = self._qualify(_dotted(node), names)
                if qualified:
                    found.modules.add(qualified)
            elif isinstance(node, ast.Call):
                self._call(node, names, constants, found)
        found.modules = {m for m in map(self.module_of, found.modules) if m}
        return found

    def _qualify(self, dotted: str | None, names: dict[str, str]) -> str | None:
        """A name as the code writes it, as the package's dotted name (None if not one)."""
        if not dotted or dotted.split(".")[0] not in names:
            return None  # defined in the code itself, or a builtin
        first, _, rest = dotted.partition(".")
        return self.resolve(".".join(filter(None, [names[first], rest])))

    def _call(self, call: ast.Call, names: dict[str, str], constants: dict, found: Uses) -> None:
        qualified = self._qualify(_dotted(call.func), names)
        if not qualified:
            return
        found.modules.add(qualified)
        module, _, function = qualified.rpartition(".")
        literal = _text(call.args[0], constants) if call.args else None
        if module == f"{self.name}.data" and function in LOADERS:
            found.datasets.add(literal or EVERY_DATASET)
        elif module == f"{self.name}.data" and function in LISTERS:
            found.datasets.add(EVERY_DATASET)
        elif module == f"{self.name}.charts" and function == "publish" and len(call.args) > 1:
            chart = _text(call.args[1], constants)
            if chart:
                found.charts.add(chart)

    def module_uses(self, module: str) -> Uses:
        if module not in self._uses:
            self._uses[module] = Uses()  # an import cycle ends here
            path = self.path(module)
            self._uses[module] = self.uses(parse(path.read_text(encoding="utf-8")), module)
        return self._uses[module]

    def closure(self, start: Uses) -> Uses:
        """``start`` with every module it imports, transitively, and what they read."""
        total = Uses(set(), set(start.datasets), set(start.charts))
        todo = list(start.modules)
        while todo:
            module = todo.pop()
            if module in total.modules:
                continue
            total.modules.add(module)
            for parent in _parents(module, self.name):  # importing a.b runs a/__init__.py
                todo.append(parent)
            uses = self.module_uses(module)
            total.datasets |= uses.datasets
            todo.extend(uses.modules)
        return total


def _parents(module: str, package: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts)) if parts[0] == package]


def _dotted(node) -> str | None:
    """``a.b.c`` for a name or an attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names bound to a literal: ``EVENTS = "events"``, ``A, B = "a", "b"``."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            for name, value in pairs:
                if isinstance(name, ast.Name) and isinstance(value, ast.Constant):
                    found[name.id] = value.value
    return found


def _text(node, constants: dict) -> str | None:
    """A string written in the code: a literal, or a module-level constant holding one."""
    if isinstance(node, ast.Name):
        value = constants.get(node.id)
    else:
        value = node.value if isinstance(node, ast.Constant) else None
    return value if isinstance(value, str) else None


def _exports(init_source: str) -> dict[str, str]:
    """The package's lazy exports: the ``{"name": "module"}`` dict its ``__init__`` maps."""
    tree = parse(init_source)
    for node in tree.body if tree else []:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                return value
    return {}


# --------------------------------------------------------------------------- fingerprints


class Book:
    """Fingerprints of the inputs of the book at ``root``, computed once per build."""

    def __init__(self, root: Path, package: str, bibfiles: list[str]):
        self.root = Path(root)
        self.package = Package(self.root, package)
        self.bibfiles = bibfiles
        self._datasets: dict[str, str] = {}
        self._bib: frozenset[str] | None = None
        data = _read(self.root / "data" / "datapackage.json")
        try:
            resources = json.loads(data)["resources"] if data else []
        except (ValueError, KeyError, TypeError):
            resources = []  # the loader reports it when a chapter runs
        self.resources = {r.get("name"): r for r in resources if isinstance(r, dict)}
        self.package_digest = digest(data) if data is not None else "missing"

    def bib_keys(self) -> frozenset[str]:
        if self._bib is None:
            from pybtex.database import parse_file

            keys: set[str] = set()
            for name in self.bibfiles:
                try:
                    keys |= set(parse_file(str(self.root / name), bib_format="bibtex").entries)
                except Exception:  # a broken file: the chapter runs and its loader says why
                    keys.add(f"unreadable {name} {digest((self.root / name).read_bytes())}")
            self._bib = frozenset(keys)
        return self._bib

    def dataset(self, name: str) -> str:
        """The fingerprint of one dataset (see the module docstring)."""
        if name == EVERY_DATASET:
            return self.package_digest  # the list of datasets, and each of them:
        if name not in self._datasets:
            self._datasets[name] = "in progress"  # a foreign key pointing back ends here
            resource = self.resources.get(name)
            if resource is None:
                self._datasets[name] = "not declared"
                return "not declared"
            data = _read(self.root / "data" / str(resource.get("path", "")))
            text = data.decode("utf-8-sig", errors="replace") if data is not None else ""
            schema = resource.get("schema", {})
            keyed = [f.get("name") for f in schema.get("fields", []) if f.get("bibtexKey")]
            cited = {key.strip() for row in csv.DictReader(io.StringIO(text))
                     for column in keyed for key in (row.get(column) or "").split(";")}
            targets = [k.get("reference", {}).get("resource") for k in schema.get("foreignKeys", [])]
            self._datasets[name] = _json_digest({
                "resource": resource,
                "file": digest(data) if data is not None else "missing",
                "unknown sources": sorted(cited - self.bib_keys() - {""}),
                "linked": {t: self.dataset(t) for t in targets if t and t != name},
            })
        return self._datasets[name]

    def fingerprints(self, uses: Uses) -> dict[str, str]:
        """Each input of a chapter that ``uses`` this, named as an editor would."""
        prints = {}
        for module in sorted(uses.modules):
            path = self.package.path(module)
            prints[path.relative_to(self.root).as_posix()] = digest(path.read_bytes())
        names = sorted(self.resources) if EVERY_DATASET in uses.datasets else sorted(uses.datasets)
        if EVERY_DATASET in uses.datasets:
            prints["the list of datasets in data/datapackage.json"] = _json_digest(names)
        for name in names:
            path = self.resources.get(name, {}).get("path", f"{name}.csv")
            prints[f"data/{path} (or its schema, or a source it names)"] = self.dataset(name)
        return prints

    def chapter(self, text: str) -> tuple[dict[str, str], set[str]]:
        """The fingerprints of everything the chapter with source ``text`` reads, and the
        charts it draws (its cells read as one module: a name one cell imports is used
        in later ones)."""
        trees = [parse(cell.source) for cell in code_cells(text)]
        if None in trees:  # a cell the parser cannot read: assume it reads everything
            cells = None
        else:
            cells = ast.Module(body=[node for tree in trees for node in tree.body], type_ignores=[])
        uses = self.package.closure(self.package.uses(cells))
        return self.fingerprints(uses), uses.charts


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
