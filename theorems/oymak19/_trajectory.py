"""GD trajectories with rigorous brackets on what *exact* GD would have done.

Theorems 2.1-4.3 are about exact-arithmetic GD from theta0. We run float64 GD
(:func:`models.least_squares.gd.gd`) and bound, at every step t, the distance ``e_t`` between the
computed iterate and the exact one (derivation):

- the GD map ``G(theta) = theta - eta J^T (f - y)`` has derivative
  ``I - eta (J^T J + sum_i r_i nabla^2 f_i)`` with ``||sum_i r_i nabla^2 f_i|| <= L ||r||``
  (Assumption 1), so on a segment where ``||J|| <= beta`` and ``||r|| <= rho`` it is Lipschitz
  with constant ``max(1 + eta L rho, eta beta^2 + eta L rho - 1)``;
- the computed step differs from the exact step *at the computed iterate* by
  ``delta_t <= eta (beta e_f + e_v) + eps (eta ||J^T r^|| + ||theta_{t+1}||)`` with the forward and
  vjp rounding bounds ``e_f``, ``e_v`` of :mod:`theorems.oymak19._rounding`;
- hence ``e_{t+1} <= Lip_t e_t + delta_t``, ``e_0 = 0``, with
  ``rho_t = ||r^_t|| + e_f + beta e_t`` (the residual anywhere on the segment).

From ``e_t`` follow brackets on the exact residual norm ``||r_t||`` (``+- (residual rounding +
beta e_t)``), distance ``||theta_t - theta0||`` (``+- (e_t + rounding)``) and cumulative path
length (``+- sum (e_s + e_{s+1} + rounding)``). A check evaluates its inequality at the computed
values and at the worst end of the brackets; the difference is its tolerance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import models.least_squares.gd as lsgd
from theorems.oymak19 import _rounding

EPS = _rounding.EPS
#: ``Testing.unresolved_ok`` of the checks that use the bracket: it grows like (1 + eta L ||r||)^t, so
#: on large residuals it cannot decide late steps, and those instances are unresolved
WIDE = "the GD bracket is too wide at late steps"


@dataclass(frozen=True)
class Bracketed:
    run: lsgd.Run
    eta: float
    deviation: np.ndarray  # e_t: ||exact theta_t - computed theta_t|| <= deviation[t]
    residual_err: np.ndarray  # | ||r_t|| exact - computed | <= residual_err[t]
    distance_err: np.ndarray
    path_err: np.ndarray

    @property
    def residual(self):
        return self.run.residual

    @property
    def distance(self):
        return self.run.distance

    @property
    def path(self):
        return self.run.path


def gd(prob, theta0, y, *, eta: float, steps: int, beta: float, L: float) -> Bracketed:
    """Float64 GD plus the brackets of the module docstring; ``beta`` must bound ``||J||`` and ``L``
    be a Lipschitz constant of J where the iterates go (certified constants; with estimates the
    brackets are estimates too)."""
    run = lsgd.gd(prob, theta0, y, step_size=eta, steps=steps, keep_iterates=True)
    its = run.iterates
    T = len(its) - 1
    n, p = prob.shape
    dev = np.zeros(T + 1)
    rerr = np.empty(T + 1)
    derr = np.empty(T + 1)
    step_err = np.zeros(T + 1)
    Lf = L if np.isfinite(L) else 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # a bound that overflows is inf: its points go unresolved
        return _bracket(prob, y, eta, beta, Lf, theta0, run, its, T, n, p, dev, rerr, derr, step_err)


def _bracket(prob, y, eta, beta, Lf, theta0, run, its, T, n, p, dev, rerr, derr, step_err) -> Bracketed:
    nrm0 = float(np.linalg.norm(theta0))
    for t in range(T + 1):
        th = its[t]
        r = prob.f(th) - y
        ef = _rounding.forward_error(prob, th, y)
        rerr[t] = ef + (n + 2) * EPS * run.residual[t] + beta * dev[t]
        derr[t] = dev[t] + 2 * (p + 2) * EPS * (float(np.linalg.norm(th)) + nrm0)
        if t == T:
            break
        g = prob.vjp(th, r)
        delta = eta * (beta * ef + _rounding.vjp_error(prob, th, r)) + EPS * (eta * float(np.linalg.norm(g)) + float(np.linalg.norm(its[t + 1])))
        rho = run.residual[t] + ef + beta * dev[t]
        lip = max(1 + eta * Lf * rho, eta * beta**2 + eta * Lf * rho - 1)
        dev[t + 1] = min(lip * dev[t] + delta, np.inf)
        step_err[t + 1] = dev[t] + dev[t + 1] + EPS * float(np.linalg.norm(its[t + 1])) + 2 * p * EPS * float(np.linalg.norm(its[t + 1] - th))
    perr = np.cumsum(step_err) + np.arange(T + 1) * EPS * run.path
    return Bracketed(run, eta, dev, rerr, derr, perr)


def sup_ratio(values: np.ndarray, uppers: np.ndarray, resolution: float, certain=None) -> tuple[float, float, int | None, int]:
    """``(max ratio, tolerance, argmax, skipped)`` over points where the bracket decides
    (``upper - value <= resolution * max(1, |value|)``, or ``upper < 1``: certainly holds there);
    The reported ratio is the max over the narrow brackets (tolerance: their largest upper end
    minus it), or, when every bracket is wide but below 1, the largest upper end (tolerance 0).
    ``certain`` marks points where even the favourable end of the bracket violates the inequality
    (e.g. the residual certainly grew): then the ratio is the largest value among them (inf where
    the measure is undefined, e.g. a residual that grew), with no tolerance.

    A skipped point (a wide bracket whose worst end is not below 1, or a non-finite value) could hide
    a violation: when any is skipped and the kept points hold, the argmax is None (unresolved), the
    ratio still the max over the kept points."""
    with np.errstate(invalid="ignore"):
        narrow = uppers - values <= resolution * np.maximum(1.0, np.abs(values))
        # a wide bracket still decides a point whose worst end is below 1 (it certainly holds there)
        ok = np.isfinite(values) & np.isfinite(uppers) & (narrow | (uppers < 1.0))
    if certain is not None and np.any(certain):
        idx = np.flatnonzero(certain)
        k = int(idx[np.argmax(np.where(np.isnan(values[idx]), np.inf, values[idx]))])
        v = float(values[k]) if not np.isnan(values[k]) else np.inf
        return max(v, 1.0 + resolution), 0.0, k, int(values.size - ok.sum())
    skipped = int(values.size - ok.sum())
    if not ok.any():
        return np.nan, 0.0, None, skipped
    idx = np.flatnonzero(ok)
    tight = idx[narrow[idx]]
    if tight.size:  # the reported sup comes from accurately known points; wide ones certainly hold
        k = int(tight[np.argmax(values[tight])])
        ratio, tol = float(values[k]), float(max(uppers[tight].max() - values[k], 0.0))
    else:
        k = int(idx[np.argmax(uppers[idx])])  # only wide brackets, all below 1: report the worst end
        ratio, tol = float(uppers[k]), 0.0
    if skipped and ratio <= 1.0 + tol:  # a skipped point could hide a violation
        return ratio, tol, None, skipped
    return ratio, tol, k, skipped
