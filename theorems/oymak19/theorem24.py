"""Theorem 2.4 of Oymak & Soltanolkotabi (2019), eq. (2.13): the lower bound on the potential.

If ``||J(theta)|| <= beta`` on a set D containing the segment from theta0, then for all theta in D
``||y - f(theta)|| + beta ||theta - theta0|| >= ||y - f(theta0)||`` (2.13): ``f`` is
beta-Lipschitz along the segment, so ``||f(theta) - f(theta0)|| <= beta ||theta - theta0||``, and
the triangle inequality does the rest.

Check ``oymak19/theorem2.4/lower`` (certified for ``linear`` and ``glm``, whose ``beta``
bounds ``||J||`` on the whole space: :mod:`models.least_squares`). At every GD iterate
(``step_size`` default ``1/beta^2``) and at the extra points ``thetas`` if given, the *tightness*
``drop / (beta dist)`` with ``drop = ||y - f(theta0)|| - ||y - f(theta)||`` and
``dist = ||theta - theta0||`` is measured (not pinned to 1 at theta0, unlike the plain ratio of the
two sides; (2.13) says it is <= 1). ``ratio`` is its maximum over the points.

Tolerance: each point's rounding bound ``(e(theta0) + e(theta) + beta e_dist) / (beta dist)``
(:func:`theorems.oymak19._problems.residual_error`); points where it exceeds 1e-6 (too close to
theta0 to resolve) are skipped and counted; the tolerance is the largest over the points kept.
Equality needs a linear model moving along its top singular direction (Theorem 2.4's (2.15)
example), so ratios near 1 come from such instances; the strategy plants them.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import models.least_squares_gd as lsgd
from theorems._core import CERTIFIED, HYP_CERTIFIED, Check, Measurement
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems._tolerance import EPS
from theorems.oymak19 import _problems

#: points whose rounding bound exceeds this fraction of beta * dist are not resolved
RESOLUTION = 1e-6

THETAS = Field("thetas", "matrix", "extra points theta (k x p) at which to evaluate", required=False)
SPEC = Spec(_problems.FIELDS + (THETAS,), check=_problems.validate, title="least-squares problem and points")


def _lower(inst: dict) -> Measurement:
    prob = _problems.problem(inst)
    X, y, theta0 = inst["X"], inst["y"], inst["theta0"]
    c = prob.constants()
    beta = c.beta
    eta = inst["step_size"] if inst["step_size"] else 1.0 / beta**2
    run = lsgd.gd(prob, theta0, y, step_size=eta, steps=inst["steps"], keep_iterates=True)
    points = run.iterates[1:]
    if inst.get("thetas") is not None:
        if inst["thetas"].shape[1] != X.shape[1]:
            raise ValueError(f"thetas must have p = {X.shape[1]} columns")
        points = np.vstack([points, inst["thetas"]])
    r0 = float(np.linalg.norm(y - prob.f(theta0)))
    e0 = _problems.residual_error(prob, theta0, y)
    worst, tol, skipped, at = -np.inf, 0.0, 0, None
    for k, th in enumerate(points):
        dist = float(np.linalg.norm(th - theta0))
        e_dist = EPS * (float(np.linalg.norm(th)) + float(np.linalg.norm(theta0))) + th.size * EPS * dist
        err = (e0 + _problems.residual_error(prob, th, y) + beta * e_dist) / (beta * dist) if dist > 0 else np.inf
        if err > RESOLUTION:
            skipped += 1
            continue
        tight = (r0 - float(np.linalg.norm(y - prob.f(th)))) / (beta * dist)
        tol = max(tol, err)
        if tight > worst:
            worst, at = tight, k
    resolved = at is not None
    hyps = {"||J|| <= beta on the segment (beta certified on all of R^p)": HYP_CERTIFIED}
    return Measurement(
        check="oymak19/theorem2.4/lower",
        lhs=worst if resolved else np.nan,
        rhs=1.0,
        ratio=worst if resolved else np.nan,
        regime=CERTIFIED,
        hypotheses=hyps,
        constants={"beta": beta, "sup_tightness": worst if resolved else np.nan},
        details={
            "worst_point": "GD iterate %d" % (at + 1) if resolved and at < len(run.iterates) - 1 else ("extra point" if resolved else None),
            "points": len(points),
            "unresolved_points": skipped,
            "eta": eta,
            "beta_derivation": c.derivation.get("beta"),
        },
        tolerance=tol,
        resolved=resolved,
    )


@st.composite
def instances(draw):
    """Linear and GLM problems, with the adversarial case planted: labels along the top left
    singular vector of X (GD then moves along the top singular direction, where (2.13) is an
    equality for the linear model) and ill-conditioned X; also random labels and theta0."""
    model = draw(st.sampled_from(["linear", "glm"]))
    n = draw(st.integers(1, 6))
    p = draw(st.integers(n, n + 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**20)))
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((p, n)))
    cond = draw(st.sampled_from([1.0, 3.0, 100.0]))
    s = np.geomspace(1.0, 1.0 / cond, n) * draw(st.floats(0.1, 10))
    X = U @ np.diag(s) @ V.T
    labels = draw(st.sampled_from(["top", "random"]))
    y = U[:, 0] * draw(st.floats(0.1, 10)) if labels == "top" else rng.standard_normal(n)
    theta0 = np.zeros(p) if draw(st.booleans()) else 0.3 * rng.standard_normal(p)
    inst = {"model": model, "X": X.tolist(), "y": y.tolist(), "theta0": theta0.tolist(), "steps": 60}
    if model == "glm":
        name = draw(st.sampled_from(["slope-tanh", "leaky-softplus"]))
        inst["activation"] = {"name": name, "slope": draw(st.floats(0.05, 0.95))}
    return inst


register(
    Check(
        id="oymak19/theorem2.4/lower",
        title="||y - f(theta)|| + beta ||theta - theta0|| >= ||y - f(theta0)||: sup of drop/(beta dist) along GD <= 1",
        statement="Theorem 2.4 (2.13): the residual cannot drop faster than beta times the distance travelled",
        equation="Theorem 2.4, eq. (2.13)",
        regime=CERTIFIED,
        hypotheses={"||J|| <= beta on D": "Assumption 2's upper half on a set containing the segment"},
        spec=SPEC,
        evaluate_validated=_lower,
        strategy=instances,
    )
)
