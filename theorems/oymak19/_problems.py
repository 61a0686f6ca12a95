"""Instance fields and problem construction shared by the Oymak & Soltanolkotabi checks.

Fields (THEOREMS.md ``oymak19``; issue 5): ``model`` (``linear`` | ``glm``), ``X`` (n x p,
n <= p), ``y``, ``theta0``, ``activation`` (for ``glm``: ``{"name": "slope-tanh" |
"leaky-softplus", "slope": s}``), ``step_size``, ``steps``.

:func:`residual_error` bounds the rounding in a computed ``||y - f(theta)||`` (used to derive
the checks' tolerances).
"""
from __future__ import annotations

import numpy as np

import models.least_squares as ls
from theorems._core import InstanceError
from theorems._instances import Field
from theorems._instances import X as X_FIELD
from theorems._instances import Y as Y_FIELD
from theorems._tolerance import EPS

MODEL = Field("model", "str", "linear | glm")
THETA0 = Field("theta0", "vector", "initial point theta0, length p")
ACTIVATION = Field("activation", "object", 'for glm: {"name": "slope-tanh" | "leaky-softplus", "slope": s}', required=False)
STEP = Field("step_size", "float", "GD step eta (default: the check's own rule)", required=False, minimum=0)
STEPS = Field("steps", "int", "GD iterations", required=False, default=200, minimum=0, maximum=100_000)
FIELDS = (MODEL, X_FIELD, Y_FIELD, THETA0, ACTIVATION, STEP, STEPS)


def validate(inst: dict) -> None:
    n, p = inst["X"].shape
    if n > p:
        raise InstanceError(f"the theorems take n <= p; X is {n} x {p}")
    if inst["y"].shape != (n,):
        raise InstanceError(f"y must have length n = {n}")
    if inst["theta0"].shape != (p,):
        raise InstanceError(f"theta0 must have length p = {p}")
    if inst["model"] not in ("linear", "glm"):
        raise InstanceError(f"model must be linear or glm, got {inst['model']!r}")
    if inst["model"] == "glm" and inst.get("activation") is None:
        raise InstanceError("model glm needs an activation")
    try:
        problem(inst)  # activation and shape errors, as InstanceError
    except ValueError as exc:
        raise InstanceError(str(exc)) from None


def problem(inst: dict):
    if inst["model"] == "linear":
        return ls.Linear.of(inst["X"])
    return ls.GLM.of(inst["X"], inst["activation"])


def residual_error(prob, theta: np.ndarray, y: np.ndarray) -> float:
    """Bound on ``|fl(||y - f(theta)||) - ||y - f(theta)|||``.

    ``x_i^T theta`` in float64 is off by at most ``p eps |x_i|^T |theta| <= p eps ||x_i|| ||theta||``
    (Higham, Thm 3.5), so the pre-activations by ``p eps ||X||_F ||theta||`` in norm; the
    activation multiplies that by at most ``Gamma`` and adds its own evaluation error, bounded
    here by ``8 eps (|phi(z)| + Gamma |z| + 1)`` per entry (tanh, exp, log1p are accurate to a few
    ulps); the subtraction and the norm add ``(n + 2) eps ||y - f||``.
    """
    n, p = prob.shape
    z = prob.X @ theta
    lin = p * EPS * float(np.linalg.norm(prob.X)) * float(np.linalg.norm(theta))
    r = float(np.linalg.norm(y - prob.f(theta)))
    if isinstance(prob, ls.Linear):
        return lin + (n + 2) * EPS * r
    a = prob.activation
    act = 8 * EPS * float(np.linalg.norm(np.abs(a.phi(z)) + a.Gamma * np.abs(z) + 1))
    return a.Gamma * lin + act + (n + 2) * EPS * r
