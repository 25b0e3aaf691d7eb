"""A content package in the shape of als_explainer: names exported lazily from modules."""

from importlib import import_module

_EXPORTS = {"load": "data"}


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(name)  # a submodule: the import system imports it
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
