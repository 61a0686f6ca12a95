"""Heavy dependencies imported on first use, so that listing, describing and validating the
checks (``python -m theorems list``) never pays for them.

``from models._shared.lazy import torch`` binds a stand-in for the module: the first read of an
attribute imports the real module and keeps that attribute on the stand-in, so later reads are
plain lookups and code written against ``torch`` computes exactly as with ``import torch``.
A module whose top level only defines functions, registers checks or validates instances
imports nothing heavy. Attributes must only be read through the stand-in, never assigned.
"""
from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module ``name``; imports it at the first attribute read."""

    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attr: str) -> Any:  # only called for attributes not yet kept
        value = getattr(importlib.import_module(self.__dict__["_lazy_name"]), attr)
        self.__dict__[attr] = value
        return value

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError(f"set {attr!r} on the module {self.__dict__['_lazy_name']!r} itself, not on its lazy stand-in")

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


torch = LazyModule("torch")
stats = LazyModule("scipy.stats")
mpmath = LazyModule("mpmath")
