"""The build layer stays small enough to take over (issue 23): its lines of code in
book_extensions/, counted without blank lines, comments and docstrings, stay under a
ceiling, and every one of its extensions is built in process by a test on a small project
in tests/roots/.

Issue 23 asks for at most 1,000 lines (:data:`TARGET`). The layer was 1,565 lines when
this test was written, 1,251 after the first cut and 1,219 once each content module
declared the datasets it loads (December 2026), and 1,215 once the reading time's word count
lost a hand-written walk up the tree (the EPUB's stale-stylesheet fix, 5 lines, included), every
behaviour kept;
:data:`CEILING` holds it there, so it can only shrink: lower the ceiling whenever a change
removes lines, never raise it to let one add them."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import book_extensions

from conftest import ROOT

TARGET = 1000
CEILING = 1215
LAYOUT = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
          tokenize.ENDMARKER)


def code_lines(source: str) -> int:
    """The lines of ``source`` that hold code: not blank, not only a comment, not part of a
    docstring (the first statement of a module, class or function, when it is a string)."""
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body \
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in LAYOUT:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def test_the_counter_leaves_out_blanks_comments_and_docstrings():
    source = '"""Module.\n\nMore."""\n\n# a comment\nx = (1,\n     2)  # trailing\n\n\n' \
             'def f():\n    """Doc."""\n    return """not a\ndocstring"""\n'
    assert code_lines(source) == 5  # x = (1, / 2) / def f(): / return """not a / docstring"""


def test_the_build_layer_does_not_grow():
    sizes = {path.name: code_lines(path.read_text(encoding="utf-8"))
             for path in sorted((ROOT / "book_extensions").rglob("*.py"))}
    total = sum(sizes.values())
    listing = ", ".join(f"{name} {n}" for name, n in sorted(sizes.items(), key=lambda item: -item[1]))
    assert total <= CEILING, \
        f"book_extensions/ holds {total} lines of code (ceiling {CEILING}, target {TARGET}): {listing}"


def test_every_extension_is_built_in_process_on_a_test_root():
    loaded = set()
    for conf in (ROOT / "tests" / "roots").glob("test-*/conf.py"):
        loaded |= set(re.findall(r"book_extensions\.(\w+)", conf.read_text(encoding="utf-8")))
    untested = [name for name in book_extensions.MODULES if name not in loaded]
    assert not untested, f"no project in tests/roots/ loads book_extensions.{untested}"
