"""Builders for the inputs a check must refuse (``Check.refuses``, :class:`theorems._core.Refusal`):
big arrays are described by their sizes and built only when a test uses them (most are refused
from the sizes alone). The refusals themselves are declared per paper in
``theorems/<paper>/_refusals.py``, keyed by check id.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np


def sphere(n: int, d: int, radius: float | None = None, seed: int = 0) -> list:
    """n random points on the sphere of radius sqrt(d) (satpathi21) or ``radius``."""
    Z = np.random.default_rng(seed).standard_normal((n, d))
    return (Z / np.linalg.norm(Z, axis=1, keepdims=True) * (math.sqrt(d) if radius is None else radius)).tolist()


def unit(n: int, d: int) -> list:
    """n random points on the unit sphere."""
    return sphere(n, d, 1.0)


def blocks(k: int, m: int, d: int) -> list:
    """B0 of k blocks, rows of norm 1/sqrt(m)."""
    return (np.asarray(sphere(k * m, d, 1 / math.sqrt(m))).reshape(k, m, d)).tolist()


def w(base: Callable[[], dict], **changes) -> Callable[[], dict]:
    """``base()`` with ``changes`` (callables are called: big arrays are built only when used)."""
    return lambda: {**base(), **{k: (v() if callable(v) else v) for k, v in changes.items()}}


def nested(depth: int) -> Any:
    """1.0 inside ``depth`` lists."""
    v: Any = 1.0
    for _ in range(depth):
        v = [v]
    return v
