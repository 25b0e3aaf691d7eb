"""A loader in the shape of als_explainer.data (the book folder is the working folder's parent)."""

import csv
import json
from pathlib import Path

ROOT = Path.cwd()


def dataset_names():
    return [r["name"] for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]]


def load(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
