"""Theorem 4.1 of Oymak & Soltanolkotabi (2019): GD on an over-parameterised GLM contracts to
the closest global optimum, ``||theta_t - theta*|| <= (1 - eta gamma^2 lambda_min(X X^T))^t ||theta0 - theta*||``
for ``eta <= 1/(||X||^2 Gamma^2)`` (4.2).

Why it holds (for reading the verdicts): ``theta_t - theta0`` and ``theta* - theta0`` lie in the
row space of X, and ``theta_{t+1} - theta* = (I - eta X^T E_t X)(theta_t - theta*)`` with ``E_t``
diagonal, entries ``phi'(.) phi'(.)`` in ``[gamma^2, Gamma^2]`` (mean value theorem); on the row
space that matrix has norm ``<= 1 - eta gamma^2 lambda_min(X X^T)``.

Certified for the two activation families (``gamma``, ``Gamma`` derived in
:mod:`models.least_squares.activations`; theta* exact: :meth:`models.least_squares.problems.GLM.closest_solution`).
Measure (not pinned at t = 0): ``t log rho / log(||theta_t - theta*|| / ||theta0 - theta*||)``,
the bound's exponent over the measured one, maximised over t >= 1. The tolerance combines the GD
brackets (:mod:`theorems.oymak19._trajectory`), the a-posteriori error of theta*, and the SVD
rounding of ``lambda_min`` (the bound is evaluated with ``sigma_n(X)`` and with its certified lower
bound). ``step_fraction`` 1 = exactly at the maximum (8 ulps below).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from theorems._core import CERTIFIED, Check, Measurement, Testing
from theorems._instances import Spec
from theorems._registry import register
from theorems.oymak19 import _problems, _setup, _trajectory
from theorems.oymak19.theorem21 import GD_SWEEP, RESOLUTION, _star_error, cached_setup, instances
from theorems.oymak19 import _quantifiers as Q
from theorems.oymak19._refusals import REFUSES

HYP_STEP = "eta <= 1/(||X||^2 Gamma^2)"


def contraction_factor(eta: float, gamma: float, sigma_n: float) -> float:
    """(4.2)'s per-step factor ``1 - eta gamma^2 lambda_min(X X^T)``, ``lambda_min = sigma_n(X)^2``."""
    return 1 - eta * gamma**2 * sigma_n**2


def contraction_measure(s: _setup.Setup, inst: dict, rho: float, rho_up: float):
    b = s.run
    star = s.prob.closest_solution(inst["theta0"], inst["y"])
    e_star = _star_error(s.prob, star, inst)
    its = b.run.iterates
    dist = np.linalg.norm(its - star, axis=1)
    err = b.deviation + e_star + 2 * its.shape[1] * _setup.EPS * (np.linalg.norm(its, axis=1) + np.linalg.norm(star))
    t = np.arange(1, dist.size)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = dist[1:] / dist[0]
        qu = (dist[1:] + err[1:]) / np.maximum(dist[0] - err[0], 0)
        val = np.where(q < 1, t * np.log(rho) / np.log(q), np.inf)
        up = np.where(qu < 1, t * np.log(rho_up) / np.log(qu), np.inf)
    return val, up, float(dist[0]), float(dist[-1])


def _evaluate(inst: dict) -> Measurement:
    s = cached_setup(inst, "theorem4.1")
    a = s.prob.activation
    sv = np.linalg.svd(s.prob.X, compute_uv=False)
    lo = max(sv[-1] - s.prob.constants().derivation["svd_slack"], 0.0)
    rho, rho_up = contraction_factor(s.eta, a.gamma, sv[-1]), contraction_factor(s.eta, a.gamma, lo)
    val, up, d0, dT = contraction_measure(s, inst, rho, rho_up)
    ratio, tol, at, skipped = _trajectory.sup_ratio(val, up, RESOLUTION)
    hyps = {k: v for k, v in s.hypotheses.items() if k == _setup.STEP}
    hyps = {HYP_STEP: hyps.get(_setup.STEP), "0 < gamma <= phi' <= Gamma": "certified"}
    return Measurement(
        check="oymak19/theorem4.1",
        lhs=ratio,
        rhs=1.0,
        ratio=ratio,
        regime=CERTIFIED if hyps[HYP_STEP] == "certified" else "hypotheses-false",
        hypotheses=hyps,
        constants={"rho": rho, "eta": s.eta, "eta_max": s.eta_max, "gamma": a.gamma, "Gamma": a.Gamma, "speedup": 1 / ratio if ratio and np.isfinite(ratio) else np.nan},
        details={"worst_step": None if at is None else at + 1, "unresolved_steps": skipped, "initial_distance_to_theta_star": d0, "final_distance_to_theta_star": dT},
        tolerance=tol,
        resolved=at is not None,
    )


register(
    Check(
        id="oymak19/theorem4.1", sweep=GD_SWEEP,
        quantifiers=Q.GLM,
        title="GLM: ||theta_t - theta*|| <= (1 - eta gamma^2 lambda_min(XX^T))^t ||theta0 - theta*||: bound's exponent over the measured one <= 1",
        testing=Testing(unresolved_ok=_trajectory.WIDE),
        refuses=REFUSES["oymak19/theorem4.1"],
        statement="||theta_t - theta*|| <= (1 - eta gamma^2 lambda_min(X X^T))^t ||theta0 - theta*|| for all t, GD on the GLM "
        "f(theta) = phi(X theta) with 0 < gamma <= phi' <= Gamma, eta <= 1/(||X||^2 Gamma^2), theta* the global optimum "
        "closest to theta0 (Theorem 4.1, (4.2))",
        derivation="""lhs = ratio = max over t >= 1 of t log rho / log(||theta_t - theta*|| / ||theta0 - theta*||), rho = 1 -
eta gamma^2 sigma_n(X)^2, the bound's exponent over the measured one (<= 1 iff (4.2) holds at t; t = 0 is
an equality), rhs = 1; 1/ratio is reported as the speedup. theta* is exact: the projection of theta0 on the
affine set X theta = phi^-1(y) (models.least_squares.GLM.closest_solution), with an a-posteriori error
bound. gamma and Gamma are derived for the two activation families (models.least_squares.activations): certified.

GD runs in float64 with eta = step_fraction / (||X||^2 Gamma^2) (8 ulps below; 1 = at the maximum) or an
explicit step_size, whose hypothesis is then certified or false (false: vacuous). Tolerance: the GD
brackets against exact GD (theorems.oymak19._trajectory), the error of theta*, and the SVD rounding of
lambda_min (the worst end uses the certified lower bound of sigma_n(X)); steps whose bracket is wider than
1e-6 are skipped and counted (any skipped while the kept ones hold: unresolved), the tolerance is the widest
bracket kept.""",
        equation="Theorem 4.1, eq. (4.2)",
        regime=CERTIFIED,
        hypotheses={HYP_STEP: "the step rule", "0 < gamma <= phi' <= Gamma": "strictly increasing activation"},
        spec=Spec(_problems.FIELDS, check=lambda i: _problems.validate(i, ("glm",)), title="GLM problem, GD", cost=_problems.cost),
        evaluate_validated=_evaluate,
        strategy=lambda: instances(models=("glm",)),
    )
)
