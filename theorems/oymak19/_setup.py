"""Constants, hypotheses and step size of Theorems 2.1/2.2 for one instance, then the bracketed
GD run (:mod:`theorems.oymak19._trajectory`). Shared by the Section 2 and 4 checks.

Which constants (``alpha``, ``beta``, ``L`` on ``D = B(theta0, R)``, ``R = 4 ||f(theta0) - y|| / alpha``):

- ``linear``, ``glm``, ``shallow``: certified on the whole space (:mod:`models.least_squares.problems`,
  :mod:`models.least_squares.shallow`), so Assumptions 1-2 hold on D: **certified**.
- ``lowrank``: J is linear in Theta with a certified ``L``; ``alpha(R) = sigma_n(J(Theta0)) - L R``
  (Weyl) with ``R = 4 r0 / alpha`` is certified when ``alpha^2 - sigma_n alpha + 4 L r0 >= 0`` has a
  root with ``R < ||Theta0||_F``. If the ball of the estimated radius contains ``Theta = 0``
  (``J(0) = 0``) Assumption 2 is **false**. Otherwise the constants are **estimated** along
  the GD trajectory (two passes: constants at theta0, run, constants along the run, run again).
- ``relu-shallow``: ``phi'`` jumps where a pre-activation ``w_l^T x_i`` changes sign. If D contains
  no such point (``R < min_{l,i} |w_l^T x_i| / ||x_i||``) J is constant on D (L = 0) and the
  constants are those at theta0: certified. Otherwise Assumption 1 is **false**; the run still
  happens with estimated constants and is reported.

Step size (Theorem 2.1): ``eta_max = min(1, alpha^2 / (L r0_up)) / (2 beta^2)`` with ``r0_up`` the
computed ``||f(theta0) - y||`` plus its rounding bound (so the hypothesis holds for the exact
residual), shrunk by 8 ulps for the formula's own rounding: "exactly at the maximum" means
within 8 ulps below it. Theorem 2.2's rule is ``1/(2 beta^2)`` with ``alpha = sigma_n(J(theta0))/2``,
``beta = 2 ||J(theta0)||`` (both with SVD rounding slack), under ``alpha^2 >= 4 L r0``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import models.least_squares.problems as ls
from theorems._core import CERTIFIED, HYP_CERTIFIED, HYP_ESTIMATED, HYP_FALSE, regime_of
from theorems.oymak19 import _problems, _rounding, _trajectory

EPS = _rounding.EPS
A1 = "Assumption 1 (J L-Lipschitz) on D"
A2 = "Assumption 2 (alpha <= sigma_min(J) <= ||J|| <= beta) on D = B(theta0, 4 r0/alpha)"
STEP = "eta <= the theorem's maximum step"


@dataclass(frozen=True)
class Setup:
    prob: object
    inst: dict
    alpha: float
    beta: float
    L: float
    r0: float  # computed ||f(theta0) - y||
    e0: float  # its rounding bound
    eta: float
    eta_max: float
    hypotheses: dict
    regime: str
    run: _trajectory.Bracketed
    derivation: dict

    @property
    def R(self) -> float:
        return 4 * (self.r0 + self.e0) / self.alpha if self.alpha > 0 else np.inf


def _svd0(prob, theta0):
    J = prob.jacobian(theta0)
    s = np.linalg.svd(J, compute_uv=False)
    n = prob.shape[0]
    slack = ls.SVD_SLACK * max(J.shape) * EPS * s[0]
    return max(float(s[n - 1]) - slack, 0.0) if n <= s.size else 0.0, float(s[0]) + slack


def eta_max(alpha, beta, L, r0_up, rule="theorem2.1", prob=None) -> float:
    """The largest step of each rule (see the module docstring), 8 ulps below the formula.

    ``theorem4.1``: ``1/(||X||^2 Gamma^2) = 1/beta^2``; ``theorem4.3`` (as printed):
    ``min(1, gamma^2 sigma_n(X)^2 / (Gamma M ||X||_{2,inf} ||X|| r0)) / (2 Gamma^2 ||X||^2)``
    (with ``||v|| = 1``, ``alpha = gamma sigma_n(X)``, ``beta = Gamma ||X||``)."""
    shrink = 1 - 8 * EPS
    if rule in ("theorem2.2", "plain"):
        return 1.0 / (2 * beta**2) * shrink
    if rule == "theorem4.1":
        return 1.0 / beta**2 * shrink
    if rule == "theorem4.3":
        a = prob.activation
        X = prob.X
        sx = float(np.linalg.norm(X, 2)) * (1 + ls.SVD_SLACK * max(X.shape) * EPS)
        row = ls._row_norm_max(X)
        denom = a.Gamma * a.M * row * sx * r0_up
        cap = 1.0 if denom == 0 else min(1.0, alpha**2 / denom)
        return cap / (2 * a.Gamma**2 * sx**2) * shrink
    if alpha <= 0:
        return 0.0
    cap = 1.0 if L == 0 else min(1.0, alpha**2 / (L * r0_up))
    return cap / (2 * beta**2) * (1 - 8 * EPS)


def setup(inst: dict, rule: str = "theorem2.1") -> Setup:
    """``rule``: ``theorem2.1`` (Theorem 2.1's step and constants), ``theorem2.2`` (its
    hypotheses at theta0) or ``plain`` (Theorem 2.1's constants, ``eta = 1/(2 beta^2)``: for (2.10))."""
    prob = _problems.problem(inst)
    y, theta0 = inst["y"], inst["theta0"]
    r0 = float(np.linalg.norm(prob.f(theta0) - y))
    e0 = _rounding.residual_error(prob, theta0, y)
    hyps: dict = {}
    deriv: dict = {}
    model = inst["model"]
    estimate = False
    if rule == "theorem2.2":
        lo, hi = _svd0(prob, theta0)
        alpha, beta = lo / 2, 2 * hi
        L = _lipschitz(prob, inst, theta0, 4 * (r0 + e0) / alpha if alpha > 0 else np.inf, hyps)
        ok = alpha > 0 and alpha**2 >= 4 * L * (r0 + e0)
        hyps["2 alpha <= sigma_min(J(theta0)) <= ||J(theta0)|| <= beta/2 (alpha, beta chosen so)"] = HYP_CERTIFIED if alpha > 0 else HYP_FALSE
        hyps["alpha^2 >= 4 L ||y - f(theta0)|| (2.6)"] = HYP_CERTIFIED if ok else HYP_FALSE
        deriv.update(alpha="sigma_n(J(theta0))/2", beta="2 ||J(theta0)||")
    elif model in ("linear", "glm", "shallow"):
        c = prob.constants()
        alpha, beta, L = c.alpha, c.beta, c.L
        hyps[A1] = HYP_CERTIFIED
        hyps[A2] = HYP_CERTIFIED if alpha > 0 else HYP_FALSE
        deriv.update(c.derivation)
    elif model == "lowrank":
        alpha, beta, L, estimate = _lowrank(prob, theta0, r0 + e0, hyps, deriv)
    else:  # relu-shallow
        alpha, beta, L, estimate = _relu(prob, inst, theta0, r0 + e0, hyps, deriv)
    emax = eta_max(alpha, beta, L, r0 + e0, rule, prob) if np.isfinite(L) or rule != "theorem2.1" else 1.0 / (2 * beta**2) * (1 - 8 * EPS)
    eta = _eta(inst, emax, hyps)
    run = _trajectory.gd(prob, theta0, y, eta=eta, steps=inst["steps"], beta=beta, L=L)
    if estimate:  # second pass with constants estimated along the first run
        c = ls.estimate_constants(prob, run.run.iterates)
        alpha, beta = min(alpha, c.alpha), max(beta, c.beta)
        if not np.isfinite(L):
            L = c.L
        deriv.update({k + "_estimate": v for k, v in c.derivation.items()})
        emax = eta_max(alpha, beta, L, r0 + e0, rule, prob)
        eta = _eta(inst, emax, hyps)
        run = _trajectory.gd(prob, theta0, y, eta=eta, steps=inst["steps"], beta=beta, L=L)
    return Setup(prob, inst, alpha, beta, L, r0, e0, eta, emax, hyps, regime_of(CERTIFIED, hyps), run, deriv)


def _eta(inst, emax, hyps):
    if inst.get("step_size"):
        eta = float(inst["step_size"])
        hyps[STEP] = HYP_CERTIFIED if eta <= emax else HYP_FALSE
        return eta
    hyps[STEP] = HYP_CERTIFIED
    return inst.get("step_fraction", 1.0) * emax if inst.get("step_fraction", 1.0) > 0 else emax


def _lipschitz(prob, inst, theta0, R, hyps):
    if inst["model"] == "relu-shallow":
        hyps[A1] = HYP_FALSE
        return np.inf
    if inst["model"] == "lowrank":
        return prob.lipschitz()
    return prob.constants().L


def _lowrank(prob, theta0, r0_up, hyps, deriv):
    L = prob.lipschitz()
    smin, smax = _svd0(prob, theta0)
    t0 = float(np.linalg.norm(theta0))
    hyps[A1] = HYP_CERTIFIED
    deriv["L"] = "2 ||A||_2 (J linear in Theta)"
    disc = smin**2 - 16 * L * r0_up
    if disc >= 0:
        alpha = (smin + np.sqrt(disc)) / 2  # largest alpha with alpha >= smin - L * 4 r0/alpha
        R = 4 * r0_up / alpha
        if R < t0:
            hyps[A2] = HYP_CERTIFIED
            deriv["alpha"] = "sigma_n(J(Theta0)) - L R (Weyl), R = 4 r0/alpha"
            return alpha * (1 - 4 * EPS), L * (t0 + R), L, False
    if smin <= 0 or 4 * r0_up / smin >= t0:
        hyps[A2] = HYP_FALSE
        deriv["alpha"] = "the ball B(Theta0, 4 r0/alpha) contains Theta = 0, where J = 0: no alpha > 0 exists"
        return smin, smax, L, True
    hyps[A2] = HYP_ESTIMATED
    deriv["alpha"] = "estimated along the GD trajectory (Weyl's bound sigma_n(J0) - L R is not positive)"
    return smin, smax, L, True


def _relu(prob, inst, theta0, r0_up, hyps, deriv):
    W = prob.weights(theta0)
    margin = float((np.abs(prob.X @ W.T) / np.linalg.norm(prob.X, axis=1)[:, None]).min())
    smin, smax = _svd0(prob, theta0)
    R = 4 * r0_up / smin if smin > 0 else np.inf
    deriv["margin"] = margin
    if R < margin * (1 - 1e-12):
        hyps[A1] = HYP_CERTIFIED
        hyps[A2] = HYP_CERTIFIED if smin > 0 else HYP_FALSE
        deriv["L"] = "0: D contains no kink, J is constant on D"
        return smin, smax, 0.0, False
    hyps[A1] = HYP_FALSE
    hyps[A2] = HYP_ESTIMATED
    deriv["L"] = f"none: D (radius {R:.3g}) contains a kink of relu (closest at {margin:.3g}), where J jumps"
    return smin, smax, np.inf, True
