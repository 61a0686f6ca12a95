"""Instances and plants the oymak19 test files share (``tests/theorems/oymak19/test_<module>.py``)."""
import dataclasses

import numpy as np

import theorems.oymak19.theorem21 as t21
from theorems.oymak19 import _trajectory


def top_direction_instance(model="linear", n=3, p=5, seed=0, activation=None):
    """Labels along the top left singular vector, theta0 = 0: GD moves along the top singular
    direction, where (2.13) is an equality for the linear model (Theorem 2.4's (2.15) example)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    U = np.linalg.svd(X)[0]
    inst = {"model": model, "X": X.tolist(), "y": (2.0 * U[:, 0]).tolist(), "theta0": [0.0] * p, "steps": 40}
    if activation:
        inst["activation"] = activation
    return inst


def isotropic(model="linear", n=3, p=5, seed=0, **extra):
    """X with all singular values equal (alpha = beta), labels random, theta0 = 0: the potential
    (2.10) is an equality and Theorem 2.1's constants are attained up to the factor 4."""
    rng = np.random.default_rng(seed)
    V, _ = np.linalg.qr(rng.standard_normal((p, n)))
    inst = {"model": model, "X": (1.5 * V.T).tolist(), "y": rng.standard_normal(n).tolist(), "theta0": [0.0] * p, "steps": 60}
    return dict(inst, **extra)


def bottom_glm(slope=0.9, name="leaky-softplus"):
    """GLM started deep in the activation's tail (pre-activations -20, where phi' = gamma to 1e-9),
    labels off by a small step along the bottom singular direction: Theorem 4.1 nearly tight."""
    import models.least_squares.activations as A

    rng = np.random.default_rng(3)
    U, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    V, _ = np.linalg.qr(rng.standard_normal((5, 3)))
    X = U @ np.diag([2.0, 1.0, 0.5]) @ V.T
    theta0 = np.linalg.lstsq(X, -20 * np.ones(3), rcond=None)[0]
    y = A.from_json({"name": name, "slope": slope}).phi(X @ theta0) + 0.1 * U[:, -1]
    return {"model": "glm", "X": X.tolist(), "y": y.tolist(), "theta0": theta0.tolist(), "steps": 100,
            "activation": {"name": name, "slope": slope}, "step_fraction": 0.1}


def shallow_instance(**extra):
    """One neuron (k = 1, v = 1) with pre-activations at 20, where slope-tanh has phi' = gamma, labels
    a small step along the bottom singular direction: the printed rate holds with a factor ~2."""
    import models.least_squares.activations as A

    rng = np.random.default_rng(5)
    U, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    V, _ = np.linalg.qr(rng.standard_normal((4, 2)))
    X = U @ np.diag([1.0, 0.5]) @ V.T
    w0 = np.linalg.lstsq(X, 20 * np.ones(2), rcond=None)[0]
    y = A.SlopeTanh(0.9).phi(X @ w0) + 0.1 * U[:, -1]
    inst = {"model": "shallow", "X": X.tolist(), "y": y.tolist(), "v": [1.0], "theta0": w0.tolist(),
            "activation": {"name": "slope-tanh", "slope": 0.9}, "steps": 100}
    return dict(inst, **extra)


def plant_last_step(monkeypatch, **change):
    """Planted hidden case: GD's last step is replaced by ``change(bracketed run) -> {field: array}``
    (a residual that plainly grows, a path that jumps) whose bracket is too wide to decide it."""
    real = _trajectory.gd

    def gd(*a, **k):
        b = real(*a, **k)
        run_fields = {f: change[f](b) for f in ("residual", "path") if f in change}
        own = {f: change[f](b) for f in change if f not in run_fields}
        return dataclasses.replace(b, run=dataclasses.replace(b.run, **run_fields), **own)

    monkeypatch.setattr(_trajectory, "gd", gd)
    t21._CACHE.clear()


def last(a, v):
    a = np.array(a, dtype=np.float64)
    a[-1] = v
    return a
