"""What a chapter's code reads, found by reading the code (Python's ``ast``), not by running it.

- **modules**: the modules of the content package the chapter's cells import, and the
  modules those import in turn (``from pkg import load`` names the module the package
  exports ``load`` from, in its ``_EXPORTS`` dict);
- **datasets**: the datasets those modules declare they read, in a module-level
  ``DATASETS`` tuple (``DATASETS = ("events", "sites")``; ``("*",)`` for every dataset).
  A chapter that imports the loader module itself (``<pkg>.data``) reads every dataset.
  ``tests/test_reexecution.py`` checks each declaration against the module's loader calls;
- **charts**: every ``publish(fig, "slug")`` in the cells (``figures/<slug>.svg``).

A dataset's fingerprint covers its CSV file, its entry in ``data/datapackage.json``, the
source keys its rows name that ``references.bib`` lacks, and the datasets its foreign
keys point to. Chapters are read with myst-nb's own reader; the content package is read
as text, never imported; nothing here imports Sphinx.
"""

import ast
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook

EVERY_DATASET = "*"


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


def declared(tree: ast.Module | None, name: str, default=(), where: Path | str = "this module"):
    """The literal a module (the file ``where``) binds ``name`` to at its top level
    (``DATASETS = (...)``); a name that is not written out stops the build."""
    for node in tree.body if tree else []:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                raise ValueError(f"{where}, line {node.lineno}: write {name} out in quotes, "
                                 f'as in {name} = ("events", "sites")') from None
    return default


def imported(tree: ast.Module, here: str = "") -> set[str]:
    """The dotted names the code imports or reaches through an import (``pkg.mod.f`` after
    ``import pkg``); ``here``: the package its relative imports start from."""
    found, names = set(), {}  # names: local name -> the dotted name it was imported as
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:  # import a.b binds a; import a.b as c binds c to a.b
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            parts = here.split(".")[:len(here.split(".")) - node.level + 1] if node.level else []
            base = ".".join(filter(None, [*parts, node.module]))  # from . import data: relative
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Attribute):
            first, _, rest = ast.unparse(node).partition(".")
            found |= {f"{names[first]}.{rest}"} if first in names else set()
    return found


class Package:
    """The content package of the book at ``root`` (``root/<name>/``), read as text."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = Path(root), name
        #: Each module of the package (``pkg``, ``pkg.data``) and its syntax tree.
        self.files = {".".join(path.relative_to(self.root).with_suffix("").parts).removesuffix(".__init__"): path
                      for path in sorted((self.root / name).rglob("*.py"))}
        self.trees = {module: parse(path.read_text(encoding="utf-8")) for module, path in self.files.items()}
        self.exports = declared(self.trees.get(name), "_EXPORTS", {})
        self.imports = {module: self.modules(tree, module) for module, tree in self.trees.items()}

    def module_of(self, qualified: str) -> str | None:
        """The longest prefix of a dotted name that is a module of the package, reading
        ``pkg.load`` as ``pkg.data.load`` when the package exports ``load`` from ``data``."""
        parts = qualified.split(".")
        if parts[0] == self.name and len(parts) > 1 and parts[1] in self.exports:
            parts.insert(1, self.exports[parts[1]])
        return next((".".join(parts[:end]) for end in range(len(parts), 0, -1)
                     if ".".join(parts[:end]) in self.files), None)

    def modules(self, tree: ast.Module | None, module: str = "") -> set[str]:
        """The package's modules that ``tree`` (a module, or a chapter's cells) imports."""
        here = module if module and self.files[module].name == "__init__.py" else module.rpartition(".")[0]
        return {self.module_of(name) for name in imported(tree, here)} - {None} if tree else {self.name}

    def reads(self, cells: ast.Module | None) -> tuple[set[str], set[str]]:
        """The modules a chapter's cells import, transitively, and the datasets they read."""
        start = self.modules(cells)
        datasets = {EVERY_DATASET} if cells is None or f"{self.name}.data" in start else set()
        done, todo = set(), list(start)
        while todo:
            module = todo.pop()
            if module and module not in done:
                done.add(module)
                tree = self.trees[module]  # None when unreadable: assume it reads everything
                datasets |= set(declared(tree, "DATASETS", where=self.files[module])) if tree else {EVERY_DATASET}
                todo += [*self.imports[module], module.rpartition(".")[0]]  # a.b runs a/__init__.py
        return done, datasets


def charts(cells: ast.Module | None) -> set[str]:
    """The slugs of the ``publish(fig, "slug")`` calls in a chapter's cells."""
    calls = [node for node in ast.walk(cells or ast.Module([], [])) if isinstance(node, ast.Call)]
    return {call.args[1].value for call in calls if ast.unparse(call.func).rpartition(".")[2] == "publish"
            and len(call.args) > 1 and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)}


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
        modules, datasets = self.package.reads(cells)
        paths = [self.package.files[module] for module in sorted(modules)]
        prints = {path.relative_to(self.root).as_posix(): digest(path.read_bytes()) for path in paths}
        names = sorted(self.resources) if EVERY_DATASET in datasets else sorted(datasets)
        if EVERY_DATASET in datasets:
            prints["the list of datasets in data/datapackage.json"] = digest(names)
        for name in names:
            path = self.resources.get(name, {}).get("path", f"{name}.csv")
            prints[f"data/{path} (or its schema, or a source it names)"] = self.dataset(name)
        return prints, charts(cells)
