"""Instance fields and problem construction shared by the Oymak & Soltanolkotabi checks.

Fields (THEOREMS.md ``oymak19``; issue 5): ``model``, ``X``, ``y``, ``theta0``, ``activation``,
``v``, ``step_size``, ``step_fraction``, ``steps``. The models:

- ``linear``: ``X theta`` (X n x p, n <= p); ``glm``: ``phi(X theta)`` with ``activation``
  ``{"name": "slope-tanh" | "leaky-softplus", "slope": s}``;
- ``shallow``: ``v^T phi(W x_i)`` (Theorem 4.3), X n x d, ``v`` (k,), ``theta0 = vec(W0)`` of
  length k d (row-major), the same activations;
- ``relu-shallow``: the same with ``phi = relu`` (the Satpathi–Srikant network; give
  ``v = a / sqrt(m)``); no activation field;
- ``lowrank``: ``<X_i, Theta Theta^T>`` (Theorem 4.2), X n x d^2 with rows ``vec(X_i)``,
  ``theta0 = vec(Theta0)`` of length d r (row-major): r is read from it.

Rounding bounds for the tolerances are in :mod:`theorems.oymak19._rounding`.
"""
from __future__ import annotations

import numpy as np

import models.least_squares.problems as ls
import models.least_squares.lowrank as lr
import models.least_squares.shallow as sh
from theorems import _limits
from theorems._core import InstanceError
from theorems._instances import Field
from theorems._instances import X as X_FIELD
from theorems._instances import Y as Y_FIELD
from theorems.oymak19 import _rounding

MODELS = ("linear", "glm", "shallow", "relu-shallow", "lowrank")

MODEL = Field("model", "str", "linear | glm | shallow | relu-shallow | lowrank")
THETA0 = Field("theta0", "vector", "initial point theta0 (shallow: vec(W0), k*d; lowrank: vec(Theta0), d*r)")
ACTIVATION = Field("activation", "object", 'glm, shallow: {"name": "slope-tanh" | "leaky-softplus", "slope": s, "scale": c (optional, > 0: phi -> c phi)}', required=False)
V = Field("v", "vector", "shallow, relu-shallow: the fixed output weights v (k,)", required=False)
STEP = Field("step_size", "float", "GD step eta (default: step_fraction times the check's maximum)", required=False, minimum=0)
FRACTION = Field("step_fraction", "float", "eta as a fraction of the theorem's maximum step (1 = exactly at it)", required=False, default=1.0, minimum=0, maximum=1)
STEPS = Field("steps", "int", "GD iterations", required=False, default=200, minimum=0, maximum=100_000)
FIELDS = (MODEL, X_FIELD, Y_FIELD, THETA0, ACTIVATION, V, STEP, FRACTION, STEPS)


def cost(inst: dict) -> _limits.Cost:
    """GD (or ``runs`` SGD runs) on X (n x p) with P = len(theta0) parameters: per step a forward pass
    and a vjp through an n x P Jacobian, every iterate kept (T x P), SVD bounds of the constants."""
    (n, p), v = inst["X"].shape, inst.get("v")
    P = max(inst["theta0"].size, v.size * p if isinstance(v, np.ndarray) and inst["model"] in ("shallow", "relu-shallow") else 0)
    sizes = {"n": ("X", n), "p": ("X", p), "parameters": ("theta0", P), "steps": ("steps", inst["steps"])}
    if inst.get("runs") is not None:
        sizes["runs"] = ("runs", inst["runs"])
    extra = inst["thetas"].shape[0] if isinstance(inst.get("thetas"), np.ndarray) else 0

    def formula(s):
        n, p, P, T, N = s["n"], s["p"], s["parameters"], s["steps"], s.get("runs", 0.0)
        mem = _limits.F8 * (2 * (T + 1) * P + 4 * n * P + 4 * n * p + N * (P + 2 * T + n + 2) + extra * P)
        work = (T + 1) * 10 * n * P + 20 * min(n, P) ** 2 * max(n, P) + 20 * min(n, p) ** 2 * max(n, p) + N * (T + 1) * 4 * n * P
        return mem, work + extra * 10 * n * P + (T + 1) * _limits.STEP_NUMPY

    return _limits.Cost(sizes, formula)


def validate(inst: dict, models=MODELS) -> None:
    model = inst["model"]
    if model not in models:
        raise InstanceError(f"model must be {' or '.join(models)}, got {model!r}")
    n = inst["X"].shape[0]
    if inst["y"].shape != (n,):
        raise InstanceError(f"y must have length n = {n}")
    if model in ("glm", "shallow") and inst.get("activation") is None:
        raise InstanceError(f"model {model} needs an activation")
    if model in ("glm", "shallow") and inst["activation"].get("name") == "relu":
        raise InstanceError("relu is not strictly increasing: use model relu-shallow")
    if model in ("shallow", "relu-shallow") and inst.get("v") is None:
        raise InstanceError(f"model {model} needs the output weights v")
    if model in ("linear", "glm"):
        n, p = inst["X"].shape
        if n > p:
            raise InstanceError(f"the theorems take n <= p; X is {n} x {p}")
        if inst["theta0"].shape != (p,):
            raise InstanceError(f"theta0 must have length p = {p}")
    try:
        prob = problem(inst)  # activation, shape and size errors, as InstanceError
    except ValueError as exc:
        raise InstanceError(str(exc)) from None
    if inst["theta0"].size != prob.shape[1]:
        raise InstanceError(f"theta0 must have length {prob.shape[1]} for this {model} model")
    if model == "lowrank" and prob.shape[0] > prob.shape[1]:
        raise InstanceError(f"the theorems take n <= d r; here n = {prob.shape[0]} > {prob.shape[1]}")


def problem(inst: dict):
    model = inst["model"]
    if model == "linear":
        return ls.Linear.of(inst["X"])
    if model == "glm":
        return ls.GLM.of(inst["X"], inst["activation"])
    if model == "shallow":
        return _shallow(inst, inst["activation"])
    if model == "relu-shallow":
        return _shallow(inst, {"name": "relu"})
    return lr.LowRank.for_theta(inst["X"], inst["theta0"])


def _shallow(inst, activation):
    prob = sh.ShallowNet.of(inst["X"], inst["v"], activation)
    k, d = prob.v.size, prob.X.shape[1]
    if inst["theta0"].size != k * d:
        raise ValueError(f"theta0 = vec(W0) must have length k d = {k} x {d} = {k * d}")
    return prob


def residual_error(prob, theta: np.ndarray, y: np.ndarray) -> float:
    """See :func:`theorems.oymak19._rounding.residual_error`."""
    return _rounding.residual_error(prob, theta, y)
