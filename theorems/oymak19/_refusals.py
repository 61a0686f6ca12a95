"""Inputs the Oymak-Soltanolkotabi (2019) checks must refuse (``Check.refuses``), keyed by check id:
instances that must raise a one-line error naming the field, or be ``hypotheses-false`` naming the
hypothesis (:class:`theorems._core.Refusal`; builders in :mod:`theorems._refusals`)."""
from __future__ import annotations

import numpy as np

from theorems._core import Refusal
from theorems._refusals import w


def linear(p: int = 3, n: int = 2):
    X = np.eye(n, p).tolist()
    return {"model": "linear", "X": X, "y": [1.0] * n, "theta0": [0.0] * p}


def glm():
    return {**linear(), "model": "glm", "activation": {"name": "slope-tanh", "slope": 0.5}}


def shallow():
    """A valid shallow-net instance: n = d = 2, k = 1."""
    return {"model": "shallow", "X": [[1.0, 0.0], [0.0, 1.0]], "y": [0.1, 0.2], "v": [1.0], "theta0": [0.5, 1.0],
            "activation": {"name": "slope-tanh", "slope": 0.5}, "steps": 2}


REFUSES = {
    "oymak19/theorem2.1/rate": (
        Refusal(w(lambda: linear(5050, 1), steps=100_000), field="steps", name="theorem2.1 parameters just above memory", edge="memory"),
    ),
    "oymak19/theorem2.1/potential": (
        Refusal(w(linear, steps=10**6), field="steps", name="theorem2.1 steps too many"),
    ),
    "oymak19/theorem2.1/path": (
        Refusal(w(linear, step_size=1e400), field="step_size", name="theorem2.1 step_size 1e400"),
    ),
    "oymak19/theorem2.2": (
        Refusal(w(linear, theta0=["a", "b", "c"]), field="theta0", name="theorem2.2 theta0 strings"),
    ),
    "oymak19/corollary2.3": (
        Refusal(w(linear, theta0=[0.0]), mentions="theta0", name="corollary2.3 theta0 wrong length"),
    ),
    "oymak19/eq2.10": (
        Refusal(w(linear, model="quadratic"), mentions="model", name="eq2.10 model unknown"),
    ),
    "oymak19/theorem2.4/lower": (
        Refusal(w(linear, thetas=[["a"]]), field="thetas", name="theorem2.4 thetas strings"),
    ),
    "oymak19/theorem2.4/tight": (
        Refusal(lambda: {"alpha": 1.0, "beta": 2.0, "n": 100, "p": 200}, field="n", name="theorem2.4/tight n too large"),
        Refusal(lambda: {"alpha": 0.0, "beta": 2.0, "n": 3, "p": 5}, field="alpha", name="theorem2.4/tight alpha zero"),
    ),
    "oymak19/theorem3.1": (
        Refusal(w(linear, runs=100_000, steps=100_000), field="runs", name="theorem3.1 runs and steps"),
        Refusal(w(linear, runs=10**7), field="runs", name="theorem3.1 runs too many"),
    ),
    "oymak19/theorem4.1": (
        Refusal(w(glm, y=[1.0]), mentions="y", name="theorem4.1 y wrong length"),
        Refusal(w(glm, activation=[1, 2]), field="activation", name="theorem4.1 activation a list"),
    ),
    "oymak19/theorem4.3": (
        Refusal(lambda: {"model": "shallow", "X": [[0.0] * 300_000], "y": [0.0], "v": [1.0] * 10, "theta0": [0.0] * 10, "activation": {"name": "slope-tanh", "slope": 0.5}}, field="theta0", name="theorem4.3 parameters k d above memory"),
    ),
    "oymak19/theorem4.2": (
        Refusal(lambda: {"d": 400, "r": 50, "n": 2100, "steps": 2}, field="d", name="theorem4.2 n just above memory", edge="memory"),
        Refusal(lambda: {"d": 400, "r": 4, "n": 57, "steps": 100_000}, field="d", name="theorem4.2 steps just above work", edge="work"),
        Refusal(lambda: {"d": 10**5, "r": 4, "n": 50}, field="d", name="theorem4.2 d too large"),
    ),
    "oymak19/figure3c": (
        Refusal(lambda: {"ns": [25, 10**9]}, field="ns", name="figure3c ns 1e9"),
        Refusal(lambda: {"d": 400, "seeds": 100, "steps": 10_000}, field="d", name="figure3c steps and seeds"),
    ),
    "oymak19/eq2.12": (
        Refusal(w(linear, model="shallow"), mentions="model", name="model not linear or GLM"),
    ),
    "oymak19/theorem4.3-proof": (
        Refusal(w(shallow, v=[2.0]), hypothesis="||v|| = 1", name="output weight of norm 2"),
        Refusal(w(shallow, model="linear"), mentions="model", name="model not shallow"),
    ),
}
