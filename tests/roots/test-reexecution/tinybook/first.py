"""A Part module in the shape of als_explainer's: it declares the datasets it loads."""

from . import data

DATASETS = ("one",)


def load():
    return data.load("one")
