"""The data appendix, generated from ``data/datapackage.json``: one description, two readers.

The appendix (``chapters/90-data.md``) renders these tables at build time, so the page an
editor reads and the schema the loader enforces can never drift apart.
"""

from __future__ import annotations

from IPython.display import Markdown

from .data import QUOTE_FIELD, QUOTE_MAX_WORDS, is_blank, is_partial_date, load, schema
from .tables import cite, escape, source_words

#: The datasets this module loads: the build reads this to know which chapters to run
#: again after a data edit (the editing guide; tests/test_reexecution.py checks it).
DATASETS = ("*",)  # dataset_doc(name) documents any dataset


def _links(resource: dict) -> dict[str, str]:
    """Column -> the rule its ``foreignKeys`` entry states, e.g. "an `id` in events.csv"."""
    links = {}
    for key in resource["schema"].get("foreignKeys", []):
        column = key["fields"] if isinstance(key["fields"], str) else key["fields"][0]
        target = key["reference"]["fields"]
        target = target if isinstance(target, str) else target[0]
        links[column] = f"an `{target}` in `{schema(key['reference']['resource'])['path']}`"
    return links


def column_type(field: dict) -> str:
    """How the appendix names a column's type: partial dates are "date" to a reader."""
    return "date" if is_partial_date(field) else field.get("type", "string")


def _rule(field: dict, link: str | None = None) -> str:
    constraints = field.get("constraints", {})
    rules = []
    if constraints.get("required"):
        rules.append("required")
    if constraints.get("unique"):
        rules.append("unique")
    if "enum" in constraints:
        rules.append("one of " + ", ".join(f"`{v}`" for v in constraints["enum"]))
    if "maxLength" in constraints:
        rules.append(f"at most {constraints['maxLength']} characters")
    if field.get("bibtexKey"):
        rules.append("keys in references.bib")
    if field["name"] == QUOTE_FIELD:
        rules.append(f"the source's own words, at most {QUOTE_MAX_WORDS}, for every row that "
                     "names a source; a translation follows as `[our translation: …]`")
    if is_partial_date(field):
        rules.append(f"precision given by `{field['precisionField']}`")
    if link:
        rules.append(link)
    return "; ".join(rules)


def dataset_doc(name: str) -> Markdown:
    """A section for one dataset: what it is, a download link, and every column."""
    resource = schema(name)
    rows = len(load(name))
    lines = [
        f"## `{resource['path']}`: {resource.get('title', name)}",
        "",
        resource.get("description", ""),
        "",
        f"{rows} rows. Download: {{download}}`{resource['path']} <../data/{resource['path']}>`.",
        "",
        f"````{{table}} The columns of {resource['path']}: type, meaning and the rules the "
        "loader enforces.",
        f":name: tbl-data-{name}",
        "",
        "| Column | Type | Meaning | Rules |",
        "|---|---|---|---|",
    ]
    links = _links(resource)
    for field in resource["schema"]["fields"]:
        rule = _rule(field, links.get(field["name"]))
        lines.append(
            f"| `{field['name']}` | {column_type(field)} | "
            f"{escape(field.get('description', ''))} | {escape(rule, markup=True)} |"
        )
    lines += ["````", *_words_table(resource)]
    return Markdown("\n".join(lines))


def _words_table(resource: dict) -> list[str]:
    """Each row's sources with the passage that supports it (datasets that carry one)."""
    names = [f["name"] for f in resource["schema"]["fields"]]
    if QUOTE_FIELD not in names or "source" not in names:
        return []
    frame = load(resource["name"])
    key = names[0]
    lines = ["", f"````{{table}} Each row of {resource['path']} with its sources, in their own words.",
             f":name: tbl-data-{resource['name']}-sources", "",
             "| Row | Sources and the source's words |", "|---|---|"]
    for _, row in frame.iterrows():
        if is_blank(row["source"]):
            continue
        lines.append(f"| {escape(row[key])} | {cite(row['source'])} {source_words(row[QUOTE_FIELD])} |")
    return [*lines, "````"]
