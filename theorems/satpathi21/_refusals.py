"""Inputs the Satpathi-Srikant (2021) checks must refuse (``Check.refuses``), keyed by check id:
instances that must raise a one-line error naming the field, or be ``hypotheses-false`` naming the
hypothesis (:class:`theorems._core.Refusal`; builders in :mod:`theorems._refusals`)."""
from __future__ import annotations

import math

from theorems._core import Refusal
from theorems._refusals import nested, sphere, w


def sat_dyn():
    return {"X": sphere(4, 3), "y": [1.0, -0.5, 0.3, 0.2], "widths": [100, 1000], "seeds": 3}


def sat_gen():
    return {"d": 3, "sizes": [16, 32, 64], "p": 2, "width": 500, "seeds": 2, "test_points": 500, "max_steps": 1000}


def sat_fig():
    return {"widths": [1000, 2000], "seeds": 2, "steps": 100}


#: two orthogonal points on the sphere of radius sqrt(2): theta_min = pi/2 >= 1, outside Lemma 1's condition
ORTHOGONAL = {"X": [[math.sqrt(2), 0.0], [0.0, math.sqrt(2)]]}

REFUSES = {
    "satpathi21/lemma1/upper": (
        Refusal(ORTHOGONAL, hypothesis="theta_min < 1", name="orthogonal pair"),
        Refusal(lambda: {"X": sphere(15900, 2)}, field="X", name="lemma1 n just above memory", edge="memory"),
        Refusal(lambda: {"X": [[float("nan"), 1.0], [1.0, 0.0]]}, field="X", name="lemma1 X with NaN"),
        Refusal(lambda: {"X": [[1e400, 1.0], [1.0, 0.0]]}, field="X", name="lemma1 X 1e400"),
        Refusal(lambda: {"X": [[10**400, 1], [1, 0]]}, field="X", name="lemma1 X a huge integer"),
        Refusal(lambda: {"X": nested(100)}, field="X", name="lemma1 X nested 100 deep"),
    ),
    "satpathi21/lemma1/positive-definite": (
        Refusal(lambda: {"X": sphere(60000, 2)}, field="X", name="lemma1 n far above"),
        Refusal(lambda: {"X": [[[1.0, 1.0]]]}, field="X", name="lemma1 X a 3-d array"),
    ),
    "satpathi21/lemma1/lower": (
        Refusal(ORTHOGONAL, hypothesis="theta_min < 1", name="orthogonal pair"),
        Refusal(lambda: {"X": [["a", "b"]]}, field="X", name="lemma1 X strings"),
        Refusal(lambda: {"X": [[1.0], [1.0, 2.0]]}, field="X", name="lemma1 X ragged"),
    ),
    "satpathi21/lemma1/kernel": (
        Refusal(lambda: {"X": sphere(2, 2), "width": 57_000_000, "seed": 0}, field="width", name="kernel width just above memory", edge="memory"),
        Refusal(lambda: {"X": sphere(2, 2), "width": 10**30, "seed": 0}, field="width", name="kernel width 1e30"),
        Refusal(lambda: {"X": sphere(2, 2), "width": 1e400, "seed": 0}, field="width", name="kernel width inf"),
        Refusal(lambda: {"X": sphere(2, 2), "width": -5, "seed": 0}, field="width", name="kernel width negative"),
        Refusal(lambda: {"X": sphere(2, 2), "width": "100", "seed": 0}, field="width", name="kernel width a string"),
        Refusal(lambda: {"X": sphere(2, 2), "width": 10, "seed": 1.5}, field="seed", name="kernel seed fractional"),
    ),
    "satpathi21/lemma6": (
        Refusal(lambda: {"X": sphere(2, 3), "terms": 10**6}, field="terms", name="lemma6 terms too many"),
    ),
    "satpathi21/lemma2": (
        Refusal(w(sat_dyn, widths=[100, 1e12]), field="widths", name="lemma2 width 1e12"),
        Refusal(w(sat_dyn, record=10**9), field="record", name="lemma2 record too many"),
        Refusal(w(sat_dyn, widths="abc"), field="widths", name="lemma2 widths strings"),
        Refusal(w(sat_dyn, embed_d=2), field="embed_d", name="lemma2 embedded in fewer dimensions than X has"),
        Refusal(w(sat_dyn, embed_d=1e13), field="embed_d", name="lemma2 embed_d above its maximum"),
    ),
    "satpathi21/theorem3": (
        Refusal(w(sat_dyn, widths=[100, 265_000], seeds=64), field="widths", name="theorem3 widths just above memory", edge="memory"),
        Refusal(w(sat_dyn, kappa=0.0), field="kappa", name="theorem3 kappa zero"),
    ),
    "satpathi21/theorem4": (
        Refusal(w(sat_dyn, step_size=1e-300), field="step_size", name="theorem4 tiny step"),
        Refusal(w(sat_dyn, widths=[100, 20000], seeds=64, step_size=0.00075), field="widths", name="theorem4 steps just above work", edge="work"),
        Refusal(w(sat_dyn, horizon=1e308), field="horizon", name="theorem4 horizon 1e308"),
    ),
    "satpathi21/lemma5": (
        Refusal(w(sat_gen, width=10**9), field="width", name="lemma5 width 1e9"),
        Refusal(w(sat_gen, sizes=[16, 10**9]), field="sizes", name="lemma5 sizes 1e9"),
        Refusal(w(sat_gen, d=10**6), field="d", name="lemma5 d too large"),
    ),
    "satpathi21/theorem7": (
        Refusal(w(sat_gen, max_steps=10**12), field="max_steps", name="theorem7 max_steps 1e12"),
        Refusal(w(sat_gen, max_steps=587_000), field="max_steps", name="theorem7 max_steps just above work", edge="work"),
        Refusal(w(sat_gen, test_points=10**10), field="test_points", name="theorem7 test points 1e10"),
    ),
    "satpathi21/figure1": (
        Refusal(w(sat_fig, widths=[1000, 10**9]), field="widths", name="figure1 width 1e9"),
        Refusal(w(sat_fig, steps=10**12), field="steps", name="figure1 steps 1e12"),
        Refusal(w(sat_fig, widths=[1000, 100000], seeds=16), field="widths", name="figure1 seeds just above memory", edge="memory"),
        Refusal(w(sat_fig, loss=None), field="loss", name="figure1 loss null"),
    ),
    "satpathi21/lemma1/lower-lines": (
        Refusal(ORTHOGONAL, hypothesis="theta_min < 1", name="orthogonal pair"),
        Refusal({"X": [["a", "b"]]}, field="X", name="X strings"),
    ),
}
