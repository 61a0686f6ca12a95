"""Theorem 2.4 of Oymak & Soltanolkotabi (2019), eq. (2.13): the lower bound on the potential.

If ``||J(theta)|| <= beta`` on a set D containing the segment from theta0, then for all theta in D
``||y - f(theta)|| + beta ||theta - theta0|| >= ||y - f(theta0)||`` (2.13): ``f`` is
beta-Lipschitz along the segment, so ``||f(theta) - f(theta0)|| <= beta ||theta - theta0||``, and
the triangle inequality does the rest.

Check ``oymak19/theorem2.4/tight`` builds the theorem's two linear-regression examples and
certifies the equalities (2.14)/(2.15) along GD and (2.14) everywhere (see :func:`_tight`).

Check ``oymak19/theorem2.4/lower`` (certified for ``linear`` and ``glm``, whose ``beta``
bounds ``||J||`` on the whole space: :mod:`models.least_squares`). At every GD iterate
(``step_size`` default ``1/beta^2``) and at the extra points ``thetas`` if given, the *tightness*
``drop / (beta dist)`` with ``drop = ||y - f(theta0)|| - ||y - f(theta)||`` and
``dist = ||theta - theta0||`` is measured (not pinned to 1 at theta0, unlike the plain ratio of the
two sides; (2.13) says it is <= 1). ``ratio`` is its maximum over the points.

Tolerance: each point's rounding bound ``(e(theta0) + e(theta) + beta e_dist) / (beta dist)``
(:func:`theorems.oymak19._problems.residual_error`); points where it exceeds 1e-6 (too close to
theta0 to resolve) are skipped and counted (any skipped while the kept ones hold: unresolved); the
tolerance is the largest over the points kept.
Equality needs a linear model moving along its top singular direction (Theorem 2.4's (2.15)
example), so ratios near 1 come from such instances; the strategy plants them.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import models.least_squares.gd as lsgd
from theorems._core import CERTIFIED, HYP_CERTIFIED, Check, Measurement, Testing
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems._tolerance import EPS
from theorems.oymak19 import _problems
from theorems.oymak19 import _quantifiers as Q
from theorems.oymak19._refusals import REFUSES
from theorems.oymak19.theorem21 import GD_SWEEP, log_uniform, instances as gd_instances

#: points whose rounding bound exceeds this fraction of beta * dist are not resolved
RESOLUTION = 1e-6

THETAS = Field("thetas", "matrix", "extra points theta (k x p) at which to evaluate", required=False)
SPEC = Spec(_problems.FIELDS + (THETAS,), check=lambda i: _problems.validate(i, ("linear", "glm", "shallow", "relu-shallow")), title="least-squares problem and points", cost=_problems.cost)


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
    # a skipped point could hide a violation: with any skipped, only a violation among the kept decides
    resolved = at is not None and not (skipped and worst <= 1.0 + tol)
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


def instances():
    """Linear and GLM problems of :func:`theorems.oymak19.theorem21.instances` (every declared range
    reached on log scales), with the adversarial case among them: labels along the top left
    singular vector of X (GD then moves along the top singular direction, where (2.13) is an
    equality for the linear model) and ill-conditioned X; also random labels and starts."""
    return gd_instances(models=("linear", "glm"))


register(
    Check(
        id="oymak19/theorem2.4/lower", sweep=GD_SWEEP,
        quantifiers=Q.POINTS,
        title="||y - f(theta)|| + beta ||theta - theta0|| >= ||y - f(theta0)||: sup of drop/(beta dist) along GD <= 1",
        testing=Testing(),
        refuses=REFUSES["oymak19/theorem2.4/lower"],
        statement="||y - f(theta)|| + beta ||theta - theta0|| >= ||y - f(theta0)|| for all theta in D, if ||J|| <= beta on a set D "
        "containing the segment from theta0 (Theorem 2.4, (2.13): the residual cannot drop faster than beta times the "
        "distance travelled)",
        derivation="""lhs = ratio = the largest tightness drop / (beta dist) over the points, drop = ||y - f(theta0)|| -
||y - f(theta)||, dist = ||theta - theta0|| ((2.13) says <= 1; unlike the ratio of the two sides it is not
pinned to 1 at theta0), rhs = 1. Points: every GD iterate (float64, step_size default 1/beta^2, `steps`
steps) and the extra points `thetas` if given. beta is the model's certified bound on ||J|| on all of R^p
(models.least_squares), so the hypothesis is certified. Tolerance: per point (e(theta0) + e(theta) +
beta e_dist) / (beta dist), the residuals' rounding bounds (theorems.oymak19._rounding) and the distance's;
points where it exceeds 1e-6 (too close to theta0) are skipped and counted (any skipped while the kept ones
hold: unresolved), and the tolerance is the largest kept. Equality needs a linear model moving along its top singular direction, which the strategy plants.""",
        equation="Theorem 2.4, eq. (2.13)",
        regime=CERTIFIED,
        hypotheses={"||J|| <= beta on D": "Assumption 2's upper half on a set containing the segment"},
        spec=SPEC,
        evaluate_validated=_lower,
        strategy=instances,
    )
)


# ------------------------------------------------------------------------------- tight examples


def tight_problem(alpha: float, beta: float, n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X = U diag(beta, ..., alpha) V^T`` (n x p, singular values geometric from beta to alpha)
    with random orthonormal U, V; returns ``(X, u_top, u_bottom)``."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((p, n)))
    s = np.geomspace(beta, alpha, n)
    return U @ np.diag(s) @ V.T, U[:, 0], U[:, -1]


def coefficients(alpha: float, beta: float) -> tuple[float, float]:
    """The coefficients of the distance in (2.14) and (2.15): alpha and beta."""
    return alpha, beta


def _excess_over_ray(res, dist, drift, slope, beta):
    """How far ``res + slope dist`` may exceed its value on the exact ray because the iterate is
    ``drift`` off the ray: ``sqrt(a^2 + b^2) - a <= min(b, b^2/(2a))`` for the residual
    (``b = ||X delta|| <= beta drift``) and for the distance (``b = drift``)."""
    b = beta * drift
    r_part = np.minimum(b, np.where(res > 0, b**2 / (2 * np.maximum(res, 1e-300)), b))
    d_part = np.minimum(drift, np.where(dist > 0, drift**2 / (2 * np.maximum(dist, 1e-300)), drift))
    return r_part + slope * d_part


def _tight(inst: dict) -> Measurement:
    """Theorem 2.4's examples, built and measured:

    - (2.15): labels ``y = c u_top``, theta0 = 0, GD with ``eta = 1/(2 beta^2)`` moves along the top
      right singular vector, where ``||y - X theta|| + beta ||theta|| = c`` exactly;
    - (2.14): labels ``y = c u_bottom``: GD moves along the bottom direction, where
      ``||y - X theta|| + alpha ||theta|| = c``, and for every theta
      ``||y - X theta|| >= |c - alpha <v_bottom, theta>| >= c - alpha ||theta||``: (2.14) holds
      everywhere. Checked at random points and at the minimiser of the left side (scipy).

    Deviations from equality are allowed the rounding of the two norms plus the (measured)
    drift of the iterates off the exact ray, whose effect is second order
    (:func:`_excess_over_ray`). ``ratio = 1 + max(excess deviation, violation of (2.14)) / c``:
    above 1 means an equality or (2.14) failed beyond the allowance.
    """
    from scipy.optimize import minimize

    import models.least_squares.problems as ls

    alpha, beta, n, p, seed, c = inst["alpha"], inst["beta"], inst["n"], inst["p"], inst["seed"], inst["c"]
    X, u_top, u_bot = tight_problem(alpha, beta, n, p, seed)
    prob = ls.Linear.of(X)
    k14, k15 = coefficients(alpha, beta)
    Vt = np.linalg.svd(X)[2]
    out = {}
    for name, u, v, k in (("2.15", u_top, Vt[0], k15), ("2.14", u_bot, Vt[n - 1], k14)):
        y = c * u
        run = lsgd.gd(prob, np.zeros(p), y, step_size=1.0 / (2 * beta**2), steps=inst["steps"], keep_iterates=True)
        th = run.iterates
        drift = np.linalg.norm(th - np.outer(th @ v, v), axis=1)
        e_res = np.array([_problems.residual_error(prob, t, y) for t in th])
        e_dist = EPS * (1 + p) * np.linalg.norm(th, axis=1)
        allow = e_res + e_res[0] + k * e_dist + _excess_over_ray(run.residual, run.distance, drift, k, np.linalg.norm(X, 2))
        dev = np.abs(run.residual + k * run.distance - run.residual[0])
        out[name] = {"max_deviation": float(dev.max()), "excess": float(np.max(dev - allow)), "max_drift": float(drift.max())}
    # (2.14) everywhere: min of g(theta) = ||y - X theta|| + alpha ||theta|| - c at random points and a local minimiser
    y = c * u_bot
    rng = np.random.default_rng(seed + 1)
    g = lambda t: np.linalg.norm(y - X @ t) + k14 * np.linalg.norm(t) - c  # noqa: E731
    pts = [s * rng.standard_normal(p) for s in (0.01, 0.1, 1.0, 10.0) for _ in range(25)]
    pts += [Vt[n - 1] * (c / alpha) * f for f in (0.25, 0.5, 0.99, 1.0, 1.5)]
    best = min(pts, key=g)
    best = minimize(g, best, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 4000}).x
    gmin = min(g(best), min(g(t) for t in pts))
    e_g = 2 * _problems.residual_error(prob, best, y) + k14 * EPS * (1 + p) * np.linalg.norm(best) + 4 * EPS * c
    violation = max(-gmin - e_g, 0.0)
    worst = max(out["2.15"]["excess"], out["2.14"]["excess"], violation)
    ratio = 1.0 + max(worst, 0.0) / c
    hyps = {"0 < alpha <= beta, n <= p": HYP_CERTIFIED}
    return Measurement(
        check="oymak19/theorem2.4/tight",
        lhs=worst,
        rhs=0.0,
        ratio=ratio,
        regime=CERTIFIED,
        hypotheses=hyps,
        constants={"deviation_2.15": out["2.15"]["max_deviation"], "deviation_2.14": out["2.14"]["max_deviation"], "min_g_2.14": float(gmin)},
        details={**{f"gd_{k}": v for k, v in out.items()}, "g_min_allowance": float(e_g)},
    )


@st.composite
def tight_instances(draw):
    """Theorem 2.4's examples over the declared ranges on log scales: alpha and ||y|| = c from
    1e-3 to 1e3 (ends included), condition beta/alpha up to 100, n and p up to about 20 (the
    Nelder-Mead search for (2.14)'s minimum in p dimensions takes seconds beyond), horizons of 1 to 1000 GD steps; every choice from one seeded generator
    (see :func:`theorems.oymak19.theorem21.instances`)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = log_uniform(rng, -3.0, 3.0)
    n = 20 if rng.uniform() < 0.2 else int(rng.choice([1, 1, 2, 3, 4, 5, 6]))
    p = n + int(rng.choice([0, 0, 1, 3, 6] if n in (1, 20) or rng.uniform() < 0.7 else [20 - n]))
    kappa = float(rng.choice([1.0, 2.0, 10.0, 100.0])) if n > 1 else 1.0
    return {"alpha": a, "beta": a * kappa, "n": n, "p": p, "seed": int(rng.integers(0, 1001)), "c": log_uniform(rng, -3.0, 3.0),
            "steps": int(rng.choice([1, 3, 100, 1000]))}


TIGHT_SPEC = Spec(
    (
        Field("alpha", "float", "smallest singular value of X (> 0)", minimum=1e-6),
        Field("beta", "float", "largest singular value of X (>= alpha)", maximum=1e6),
        Field("n", "int", "samples", minimum=1, maximum=50),
        Field("p", "int", "parameters (>= n)", minimum=1, maximum=200),
        Field("seed", "int", "seed of U, V", required=False, default=0, minimum=0),
        Field("c", "float", "label norm ||y||", required=False, default=1.0, minimum=1e-6, maximum=1e6),
        Field("steps", "int", "GD iterations", required=False, default=200, minimum=1, maximum=20000),
    ),
    check=lambda inst: _check_tight(inst),
    title="Theorem 2.4 tight example",
)


def _check_tight(inst: dict) -> None:
    from theorems._core import InstanceError

    if inst["beta"] < inst["alpha"]:
        raise InstanceError("beta must be >= alpha")
    if inst["p"] < inst["n"]:
        raise InstanceError("p must be >= n")
    if inst["n"] == 1 and inst["alpha"] != inst["beta"]:
        raise InstanceError("with n = 1 there is one singular value: alpha must equal beta")


register(
    Check(
        id="oymak19/theorem2.4/tight", sweep={"quick": 10, "full": 100},
        quantifiers=Q.TIGHT,
        title="Theorem 2.4's examples: (2.15) equality along GD with beta, (2.14) equality along GD and validity everywhere with alpha",
        testing=Testing(examples=15),
        refuses=REFUSES["oymak19/theorem2.4/tight"],
        statement="for any 0 < alpha <= beta there are linear regressions with alpha <= sigma_min(X) <= ||X|| <= beta where "
        "||y - X theta|| + alpha ||theta - theta0|| >= ||y - X theta0|| for all theta with equality along GD (2.14), and "
        "||y - X theta_t|| + beta ||theta_t - theta0|| = ||y - X theta0|| along GD (2.15) (Theorem 2.4's examples)",
        derivation="""lhs = the largest excess deviation from the equalities or violation of (2.14) beyond its allowance,
rhs = 0, ratio = 1 + max(lhs, 0)/c: above 1 means an equality or (2.14) failed beyond the allowance. Built:
X = U diag(beta .. alpha) V^T (n x p, singular values geometric, random orthonormal U, V), theta0 = 0, GD
with eta = 1/(2 beta^2). (2.15): labels y = c u_top, GD moves along the top right singular vector, where
||y - X theta|| + beta ||theta|| = c exactly. (2.14): labels y = c u_bottom, GD moves along the bottom
direction, where ||y - X theta|| + alpha ||theta|| = c, and (2.14) is checked everywhere by its minimum over
random points and a Nelder-Mead minimiser (scipy).

Allowance: the rounding of the two norms (theorems.oymak19._rounding) plus the measured drift of the
iterates off the exact ray, whose effect is second order; the minimum of (2.14) gets its own rounding
allowance. The construction's hypothesis 0 < alpha <= beta, n <= p is certified by the schema.""",
        equation="Theorem 2.4, eqs. (2.14), (2.15)",
        regime=CERTIFIED,
        hypotheses={"0 < alpha <= beta, n <= p": "the construction's parameters"},
        spec=TIGHT_SPEC,
        evaluate_validated=_tight,
        strategy=tight_instances,
    )
)
