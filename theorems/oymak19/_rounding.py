"""Rounding bounds for the least-squares models, from which the Oymak–Soltanolkotabi checks
derive their tolerances (never tuned).

Conventions (Higham, *Accuracy and Stability of Numerical Algorithms*, Thm 3.5 and Sec. 3.5):
a float64 product ``A B`` with inner dimension k is off by at most ``gamma_k |A||B|``
entrywise, so by ``2 k eps ||A||_F ||B||_F`` in Frobenius norm (``gamma_k <= 2 k eps`` for
``k eps < 1/2``); an elementwise ``tanh``, ``exp``, ``log1p`` or ``expit`` is accurate to a few
ulps, bounded by ``8 eps (|phi(z)| + Gamma |z| + 1)`` per entry (the ``Gamma |z|`` covers the
linear part ``s z``, the 1 the absolute error near 0; an activation with ``scale c`` computes
``c phi_1(z)``, whose error is ``c`` times that of ``phi_1`` plus one rounding of the product, so the
bound is ``8 eps (|phi(z)| + Gamma |z| + c)``: ``c`` times the unscaled one, for every ``c > 0``; the
former ``max(1, c)`` overstated it by ``1/c`` for ``c < 1``, so that runs with ``c = 1e-6`` were never
resolved).

- :func:`forward_error`: ``||fl(f(theta) - y) - (f(theta) - y)||`` (the residual *vector*);
- :func:`vjp_error`: ``||fl(J(theta)^T u) - J(theta)^T u||`` for a given (computed) u;
- :func:`residual_error`: the above plus the rounding of the norm: ``|fl(||r||) - ||r|||``.
"""
from __future__ import annotations

import numpy as np

import models.least_squares.problems as ls
import models.least_squares.lowrank as lr
import models.least_squares.shallow as sh

EPS = float(np.finfo(np.float64).eps)


def _nrm(a) -> float:
    return float(np.linalg.norm(a))


def _act_eval(act, z) -> float:
    return 8 * EPS * _nrm(np.abs(act.phi(z)) + act.Gamma * np.abs(z) + getattr(act, "scale", 1.0))


def forward_error(prob, theta: np.ndarray, y: np.ndarray) -> float:
    n, p = prob.shape
    r = _nrm(prob.f(theta) - y)
    sub = 2 * EPS * (r + _nrm(y))  # the subtraction f - y
    if isinstance(prob, ls.Linear):
        return 2 * p * EPS * _nrm(prob.X) * _nrm(theta) + sub
    if isinstance(prob, ls.GLM):
        a = prob.activation
        z = prob.X @ theta
        return a.Gamma * 2 * p * EPS * _nrm(prob.X) * _nrm(theta) + _act_eval(a, z) + sub
    if isinstance(prob, sh.ShallowNet):
        a, v = prob.activation, prob.v
        W = prob.weights(theta)
        Z = prob.X @ W.T
        dZ = 2 * prob.X.shape[1] * EPS * _nrm(prob.X) * _nrm(W)
        return _nrm(v) * (a.Gamma * dZ + _act_eval(a, Z)) + 2 * v.size * EPS * _nrm(a.phi(Z)) * _nrm(v) + sub
    if isinstance(prob, lr.LowRank):
        T = prob.factor(theta)
        P = T @ T.T
        dP = 2 * prob.rank * EPS * _nrm(T) ** 2
        return float(np.linalg.norm(prob.A, 2)) * dP + 2 * prob.A.shape[1] * EPS * _nrm(prob.A) * _nrm(P) + sub
    raise TypeError(f"no rounding model for {type(prob).__name__}")


def vjp_error(prob, theta: np.ndarray, u: np.ndarray) -> float:
    n, p = prob.shape
    nu = _nrm(u)
    if isinstance(prob, ls.Linear):
        return 2 * n * EPS * _nrm(prob.X) * nu
    if isinstance(prob, ls.GLM):
        a = prob.activation
        dz = 2 * p * EPS * _nrm(prob.X) * _nrm(theta)
        dD = a.M * dz + 8 * EPS * a.Gamma * np.sqrt(n)  # ||phi'(z^) - phi'(z)||, norm over entries
        return float(np.linalg.norm(prob.X, 2)) * (dD * nu + EPS * a.Gamma * nu) + 2 * n * EPS * _nrm(prob.X) * a.Gamma * nu
    if isinstance(prob, sh.ShallowNet):
        a, v = prob.activation, prob.v
        W = prob.weights(theta)
        k = v.size
        dZ = 2 * prob.X.shape[1] * EPS * _nrm(prob.X) * _nrm(W)
        D = a.dphi(prob.X @ W.T) * v
        M = a.M if np.isfinite(a.M) else 0.0  # relu: phi' is exact away from the kinks
        dD = float(np.abs(v).max()) * (M * dZ + 8 * EPS * a.Gamma * np.sqrt(n * k)) + EPS * _nrm(D)
        Du = _nrm(D * u[:, None])
        return dD * nu * float(np.linalg.norm(prob.X, 2)) + 2 * n * EPS * Du * _nrm(prob.X) + EPS * Du
    if isinstance(prob, lr.LowRank):
        T = prob.factor(theta)
        S2 = prob._sym(u)
        dS = 2 * n * EPS * _nrm(prob.A) * nu
        return 2 * dS * _nrm(T) + 2 * prob.d * EPS * _nrm(S2) * _nrm(T) + EPS * _nrm(S2)
    raise TypeError(f"no rounding model for {type(prob).__name__}")


def residual_error(prob, theta: np.ndarray, y: np.ndarray) -> float:
    """Bound on ``|fl(||y - f(theta)||) - ||y - f(theta)|||``: the residual vector's error plus
    ``(n + 2) eps ||y - f||`` for the norm."""
    n = prob.shape[0]
    return forward_error(prob, theta, y) + (n + 2) * EPS * _nrm(y - prob.f(theta))
