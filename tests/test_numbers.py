"""The numbers the prose quotes: each Part's ``numbers()``, and the chapters that glue them.

Two kinds of test. The first reads each chapter's code cells and checks the shape the
editing guide promises: no ``def`` or ``lambda``, and every glued value taken straight
from a Part module's ``numbers()``, never computed in the cell; a glue name used on two
pages names the same quantity on both. The second checks ``numbers()`` itself against
the CSVs, read here with the csv module (not the book's loader), or against values
worked out by hand, so a wrong definition (7 rulings where the case had 8) fails.
"""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys

import pytest

from als_explainer import case_record, disputes, jurisdiction, precedents

from conftest import ROOT, page_source, toc_files

CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
MODULES = {"case_record", "precedents", "jurisdiction", "disputes", "proxy_model"}


def rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def code(page: str) -> str:
    """The Python of a page's code cells (cell options and metadata blocks dropped)."""
    text = page_source(page).read_text(encoding="utf-8")
    cells = []
    for cell in CELL.findall(text):
        cell = re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)
        cells.append("\n".join(line for line in cell.splitlines() if not line.startswith(":")))
    return "\n".join(cells)


PAGES = [p for p in toc_files() if "```{code-cell}" in page_source(p).read_text(encoding="utf-8")]


# --------------------------------------------------------------------------- chapter shape


class Glues(ast.NodeVisitor):
    """Every ``glue(name, value)`` of a page, as name -> (module, numbers key)."""

    def __init__(self):
        self.sources: dict[str, str] = {}  # variable -> module whose numbers() it holds
        self.glued: dict[str, tuple[str, str]] = {}
        self.loops: list[tuple[str, list[str] | None]] = []
        self.problems: list[str] = []

    def visit_FunctionDef(self, node):
        self.problems.append(f"line {node.lineno}: a def (logic belongs in the package)")

    def visit_Lambda(self, node):
        self.problems.append(f"line {node.lineno}: a lambda (logic belongs in the package)")

    def visit_Assign(self, node):
        call = node.value
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "numbers" \
                    and isinstance(func.value, ast.Name) and func.value.id in MODULES:
                self.sources[node.targets[0].id] = func.value.id
            elif isinstance(func, ast.Name) and func.id == "numbers":  # from proxy_model import numbers
                self.sources[node.targets[0].id] = "proxy_model"
        self.generic_visit(node)

    def visit_For(self, node):
        keys = None
        if isinstance(node.iter, (ast.Tuple, ast.List)):
            keys = [e.value for e in node.iter.elts]
        elif isinstance(node.iter, ast.Name) and node.iter.id in self.sources:
            keys = [f"*{node.iter.id}"]  # every key of that numbers() result
        self.loops.append((node.target.id, keys))
        self.generic_visit(node)
        self.loops.pop()

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id == "glue":
            self._glue(node)
        self.generic_visit(node)

    def _glue(self, node):
        name, value = node.args[0], node.args[1]
        where = f"line {node.lineno}: glue({ast.unparse(name)}, {ast.unparse(value)})"
        if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                and value.value.id in self.sources):
            self.problems.append(f"{where}: the value must be numbers[...] of a Part module")
            return
        module = self.sources[value.value.id]
        key = value.slice
        loop = dict(self.loops)
        if isinstance(key, ast.Constant):
            keys = [key.value]
        elif isinstance(key, ast.Name) and loop.get(key.id):
            keys = loop[key.id]
        else:
            self.problems.append(f"{where}: the key must be a string or a loop over strings")
            return
        for k in keys:
            glued = k if isinstance(name, ast.Name) else ast.unparse(name)
            if isinstance(name, ast.Constant):
                glued = name.value
            elif isinstance(name, ast.JoinedStr):
                glued = ast.unparse(name).replace("{" + key.id + "}", k)[2:-1] \
                    if isinstance(key, ast.Name) else None
            self.glued[glued] = (module, k)


def glues(page: str) -> Glues:
    visitor = Glues()
    visitor.visit(ast.parse(code(page)))
    return visitor


@pytest.mark.parametrize("page", PAGES)
def test_chapter_code_has_no_logic_and_glues_only_numbers(page):
    found = glues(page)
    assert not found.problems, f"{page}: " + "; ".join(found.problems)


@pytest.mark.parametrize("page", PAGES)
def test_chapter_code_has_no_unused_import_or_undefined_name(page):
    # ruff's pyflakes rules on the page's cells in order, as the kernel runs them
    # (the jupytext-aware lint: chapters are Markdown, so ruff never sees them itself).
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "--select", "F", "--stdin-filename",
                             f"{page}.py", "-"], input=code(page), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_glue_name_on_two_pages_is_one_quantity():
    seen: dict[str, tuple[str, tuple[str, str]]] = {}
    for page in PAGES:
        for name, source in glues(page).glued.items():
            first = seen.setdefault(name, (page, source))
            assert first[1] == source, (
                f'"{name}" is {source} on {page} but {first[1]} on {first[0]}: two quantities '
                "under one name; give one of them its own name")


def test_both_pages_that_count_rulings_quote_one_number():
    # The case-at-a-glance page once said 7 and the case-record page 8, from one dataset.
    sources = {page: glues(page).glued.get("n_rulings") for page in PAGES}
    quoting = {page: source for page, source in sources.items() if source}
    assert set(quoting) >= {"chapters/00-case-at-a-glance", "chapters/11-the-case-from-the-record"}
    assert set(quoting.values()) == {("case_record", "n_rulings")}


def test_every_key_a_chapter_glues_exists():
    every = {"case_record": case_record.numbers(), "precedents": precedents.numbers(),
             "jurisdiction": jurisdiction.numbers(), "disputes": disputes.numbers()}
    for page in PAGES:
        for name, (module, key) in glues(page).glued.items():
            if module in every and not key.startswith("*"):
                assert key in every[module], f"{page} glues {name} from {module}.numbers()[{key!r}]"


# --------------------------------------------------------------------------- Part I


def test_case_record_numbers_count_every_decision_of_a_court():
    events = rows("events")
    found = case_record.numbers()
    kinds = [e["kind"] for e in events]
    # A ruling of the district court or of the Ninth Circuit: the appeal's decision counts.
    assert found["n_rulings"] == kinds.count("ruling") + kinds.count("appeal")
    assert found["n_rulings"] > kinds.count("ruling"), "the appeal's decision was left out"
    assert found["n_events"] == len(events)
    precision = [e["date_precision"] for e in events]
    assert (found["n_day"], found["n_month"], found["n_approx"]) == (
        precision.count("day"), precision.count("month"), precision.count("approximate"))
    assert found["n_day_primary"] == sum(e["date_precision"] == "day" and e["confidence"] == "primary"
                                         for e in events)
    sites = rows("sites")
    assert found["n_sites"] == len(sites)
    assert found["n_juicyads_sites"] == sum(s["named_as"] == "named-in-juicyads-ruling" for s in sites)
    assert found["n_open"] == len(rows("open_questions"))


def test_case_record_dates_as_the_record_gives_them():
    by_id = {e["id"]: e for e in rows("events")}
    found = case_record.numbers()
    assert by_id["complaint-2016"]["date"] == "2016-07"
    assert found["complaint_label"] == "July 2016"
    # From 1 July 2016 (the complaint, known to the month) to 30 June 2018 (the end of the
    # stipulation's span, April to June 2018): 729 days, just under two years.
    assert by_id["stipulation-2018"]["date"] == "2018-04/2018-06"
    assert found["ending_label"] == "April 2018 – June 2018"
    assert found["case_years"] == pytest.approx(729 / 365.25)


def test_the_widest_date_span_must_stay_ovhs(scratch):
    from datafiles import set_cell

    set_cell(scratch / "data/events.csv", "first-amended-complaint", "date", "2016-01/2019-12")
    with pytest.raises(ValueError, match="update the text about OVH"):
        case_record.numbers(case_record.load(scratch))


# --------------------------------------------------------------------------- Part II


def test_precedents_numbers_from_the_csv():
    decisions = rows("precedents")
    found = precedents.numbers()
    copyright_rows = [d for d in decisions if d["body_of_law"] != "anti-terrorism-analogy"]
    assert found["n_decisions"] == len(copyright_rows)
    assert found["n_analogies"] == len(decisions) - len(copyright_rows)
    p2p = [d for d in copyright_rows if d["intermediary_type"] == "p2p-software"]
    assert (found["n_p2p"], found["n_p2p_liable"]) == (len(p2p), sum(d["outcome"] == "liable" for d in p2p))
    # Chapter 21: "all of them went against the services": every other one was sent back.
    assert [d["id"] for d in p2p if d["outcome"] != "liable"] == ["grokster-2005"]
    harbor = [d["safe_harbor"] for d in copyright_rows if d["safe_harbor"]]
    assert (found["n_harbor"], found["n_harbor_denied"], found["n_harbor_granted"],
            found["n_harbor_open"]) == (len(harbor), harbor.count("rights-holder"),
                                        harbor.count("intermediary"), harbor.count("open"))
    cdn = [d for d in decisions if d["intermediary_type"] == "cdn-proxy"]
    assert found["n_cdn"] == len(cdn)
    assert found["n_cdn_later"] == sum(d["decided"][:4] > "2018" for d in cdn)
    network = [d for d in decisions if d["intermediary_type"] in ("isp-conduit", "cdn-proxy")]
    assert found["n_infra_cases"] == len(network)
    assert found["n_knowledge_won"] == sum(
        d["knowledge"] == d["material_contribution"] == "rights-holder" for d in network)
    assert found["steadfast-2020-when"] == "17 July 2020"


# --------------------------------------------------------------------------- Part III



def test_a_file_sharing_win_must_change_chapter_21s_sentence(scratch):
    from datafiles import set_cell

    set_cell(scratch / "data/precedents.csv", "napster-2001", "outcome", "not-liable")
    with pytest.raises(ValueError, match="update the text about file-sharing decisions"):
        precedents.numbers(precedents.load(scratch))

def test_jurisdiction_numbers_are_the_counts_sources_state():
    stated = {r["id"]: r["count"] for r in rows("site_locations")}
    found = jurisdiction.numbers()
    assert (found["n_sites_in_suit"], found["n_sites_abroad"], found["n_sites_in_tac"]) == (
        int(stated["sites-in-suit"]), int(stated["sites-argued-abroad"]), int(stated["sites-in-tac"]))
    assert found["n_sites_rest"] == int(stated["sites-in-suit"]) - int(stated["sites-argued-abroad"])
    assert found["n_site_rows_silent"] == sum(1 for count in stated.values() if not count)
    cases = rows("jurisdiction_cases")
    assert found["n_personal"] + found["n_territorial"] == found["n_cases"] == len(cases)
    assert found["first_year"] == min(int(c["year"]) for c in cases)
    grid = rows("jurisdiction_illustration")
    assert (found["n_grid_rows"], found["n_arguable"]) == (
        len(grid), sum(g["answer"] == "arguable" for g in grid))


# --------------------------------------------------------------------------- Part IV


def test_money_is_written_as_the_sources_give_it():
    assert disputes._yen(506_000_000) == "¥506 million"
    assert disputes._yen(3_600_000_000, 1e9, "billion") == "¥3.6 billion"
    assert disputes._yen(1_500_000) == "¥1.5 million"
    figures = {r["id"]: float(r["value"]) for r in rows("reported_figures")}
    found = disputes.numbers()
    assert found["tokyo_award"] == f"¥{figures['tokyo-award']:,.0f}"
    assert found["damages_sought_m"] == figures["als-damages-sought"] / 1e6
    # The Tokyo claim grew during the case: ¥460 million at filing, ¥506 million at judgment
    # (Jiji's English "560 million yen" is a mistranslation of its own ¥506 million).
    assert (found["tokyo_sought_filing"], found["tokyo_sought_judgment"]) == (
        "¥460 million", "¥506 million")


def test_disputes_numbers_from_the_csv():
    cases = rows("cloudflare_disputes")
    found = disputes.numbers()
    assert found["n_cases"] == len(cases)
    assert found["n_steps"] == len(rows("dispute_events"))
    foreign = [c for c in cases if c["foreign_law"] == "yes"]
    assert found["n_foreign"] == len(foreign)
    names = [c["country"] for c in foreign]
    assert found["foreign_countries"] == ", ".join(names[:-1]) + " and " + names[-1]
    assert found["n_later"] == sum(c["defendant"] == "Cloudflare" and c["id"] != "als-scan-v-cloudflare"
                                   for c in cases)
    # ALS Scan v. Cloudflare: filed in July 2016 (a month), ended April to June 2018. Shortest:
    # 31 July 2016 to 1 April 2018 = 609 days; longest: 1 July 2016 to 30 June 2018 = 729 days.
    months = 365.25 / 12
    assert found["als_months_least"] == pytest.approx(609 / months)
    assert found["als_months_most"] == pytest.approx(729 / months)
