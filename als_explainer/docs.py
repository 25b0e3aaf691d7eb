"""Documentation generated from ``data/datapackage.json``: one description, two readers.

The data appendix renders these tables at build time, so the page an editor reads and
the schema the loader enforces can never drift apart.
"""

from __future__ import annotations

from IPython.display import Markdown

from .data import load, schema
from .tables import _cell


def _rule(field: dict) -> str:
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
    if field.get("precisionField"):
        rules.append(f"precision given by `{field['precisionField']}`")
    return "; ".join(rules)


def dataset_doc(name: str) -> Markdown:
    """A section for one dataset: what it is, a download link, and every column."""
    resource = schema(name)
    rows = len(load(name))
    lines = [
        f"### `{resource['path']}`: {resource.get('title', name)}",
        "",
        resource.get("description", ""),
        "",
        f"{rows} rows. Download: {{download}}`{resource['path']} <../data/{resource['path']}>`.",
        "",
        "| Column | Type | Meaning | Rules |",
        "|---|---|---|---|",
    ]
    for field in resource["schema"]["fields"]:
        lines.append(
            f"| `{field['name']}` | {field.get('type', 'string')} | "
            f"{_cell(field.get('description', ''))} | {_cell(_rule(field))} |"
        )
    return Markdown("\n".join(lines))
