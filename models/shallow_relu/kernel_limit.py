"""The infinite-width limit of GD on the shallow ReLU network, in closed form (Satpathi & Srikant 2021).

As ``m -> infinity`` the network trained by GD from ``w_k(0) ~ N(0, kappa^2 I)`` follows its
linearisation with the kernel ``H`` of eq. (9) (:func:`models.shallow_relu.network.ntk`), and its
initial output ``f0`` is a centred Gaussian process with covariance ``kappa^2 K0``,
``K0(u, v) = |u~||v~| (sin phi + (pi - phi) cos phi) / (2 pi)`` (``phi`` the angle of the augmented
points; ``E[relu(g^T u~) relu(g^T v~)]`` for ``g ~ N(0, I)``, the arc-cosine kernel of degree 1).
With ``H = V diag(lam) V^T`` and ``rho = 1 - eta lam``, ``k`` GD steps give

    f_k(x) = f0(x) + h(x)^T V diag((1 - rho^k) / lam) V^T (Y - f0(X)),

so ``k`` steps cost one eigendecomposition, whatever ``k``. :func:`gd_limit` returns, averaged
over ``f0``, Lemma 5's ``D(k) = E_x (f_k(x) - f_KR(x))^2`` at the recorded ``k`` and Theorem 7's
test error ``E_x (y - f_K(x))^2`` (the cross terms between ``f0`` and the rest have mean 0):

    D(k) = mean_t (a_t^T (b rho^k / lam))^2 + kappa^2 mean_t u_t(k)^T K0 u_t(k),

``a_t = V^T h(x_t)``, ``b = V^T Y``, ``u_t(k) = (1, -V (s_k a_t))`` on ``(x_t, X)``,
``s_k = (1 - rho^k) / lam``. The init term's mean over the test points is
``(d+1)/2 - 2 s^T mean_t(a_t B_t) + s^T (M * A^T A / T) s`` with ``M = V^T K0(X, X) V`` and
``B = K0(Xs, X) V``: O(n^2) per recorded k after O(n^3 + T n^2) once.

:func:`sphere_draw` draws points uniform on the sphere ``||x|| = sqrt(d)`` at a cost independent
of ``d`` where ``d`` exceeds their number (exactly equal in distribution for everything that
depends on the points through their inner products only, as all of the above does).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

import models.shallow_relu.network as net
from models._shared.angles import pairwise_angles


def sphere_draw(rng: np.random.Generator, count: int, d: int) -> np.ndarray:
    """``count`` points whose Gram matrix is distributed exactly as that of ``count`` i.i.d.
    points uniform on the sphere ``||x|| = sqrt(d)`` of R^d, as rows in R^min(d, count).

    For ``d <= count``: the points themselves (normalised Gaussians). For ``d > count`` (Bartlett):
    let ``z_1, ..., z_N`` be i.i.d. ``N(0, I_d)`` and Gram-Schmidt them, ``z_i = sum_{j <= i} L_ij q_j``.
    Given ``z_1..z_{i-1}`` (hence ``q_1..q_{i-1}``), ``z_i`` is ``N(0, I_d)`` independent of them, so by
    rotation invariance its coordinates ``L_ij = q_j^T z_i`` (``j < i``) are i.i.d. ``N(0, 1)`` and the
    squared norm of its remainder, ``L_ii^2``, is chi-squared with ``d - i + 1`` degrees of freedom,
    independent of them. So ``L`` (lower triangular, ``N x N``) has independent entries with those laws
    and ``Z Z^T = L L^T`` (``q`` orthonormal); the uniform points are ``sqrt(d) z_i / ||z_i||``, whose
    Gram ``d D^{-1/2} Z Z^T D^{-1/2}`` (``D = diag(Z Z^T)``) is then that of the rows of ``L`` scaled to
    norm ``sqrt(d)``. Cost ``O(N^2)``, independent of ``d``."""
    count, d = int(count), int(d)
    if d <= count:
        Z = rng.standard_normal((count, d))
    else:
        Z = np.tril(rng.standard_normal((count, count)), -1)
        Z[np.diag_indices(count)] = np.sqrt(rng.chisquare(d - np.arange(count)))
    return Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(d)


def init_kernel(X, Y=None) -> np.ndarray:
    """``K0(x_i, y_j) = |x~||y~| (sin phi + (pi - phi) cos phi) / (2 pi)``: the covariance of the
    initial output ``f0`` at infinite width, per unit ``kappa^2`` (any norms)."""
    Xt = net.augment(X)
    Yt = Xt if Y is None else net.augment(Y)
    phi = pairwise_angles(Xt, None if Y is None else Yt)
    norms = np.linalg.norm(Xt, axis=1)[:, None] * np.linalg.norm(Yt, axis=1)[None, :]
    return norms * (np.sin(phi) + (np.pi - phi) * np.cos(phi)) / (2 * np.pi)


@dataclass(frozen=True)
class LimitRun:
    """Closed-form GD in the kernel limit (see the module docstring)."""

    c: float  # lambda_min(H)
    eta: float  # 1 / lambda_max(H)
    D: np.ndarray  # E_f0 E_x (f_k - f_KR)^2 at the recorded k
    E: float  # E_f0 mean_t (y_t - f_K(x_t))^2
    E_se: float  # its Monte-Carlo standard error over the test points
    E_kr: float  # mean_t (y_t - f_KR(x_t))^2
    yHy: float  # Y^T H^{-1} Y
    train_residual: float  # ||rho^K V^T Y|| / ||Y|| (the deterministic part)


def gd_limit(X, y, Xs, ys, kappa_sq: Callable[[float], float], steps: np.ndarray) -> LimitRun:
    """GD at ``eta = 1/lambda_max(H)`` in the kernel limit from ``f0 ~ GP(0, kappa^2 K0)``,
    ``kappa^2 = kappa_sq(c)`` (``c = lambda_min(H)``), recorded at ``steps`` (the last is ``K``);
    inputs on a sphere of any radius (the general form of eq. (9))."""
    y, ys, k = np.asarray(y, float), np.asarray(ys, float), np.asarray(steps, dtype=float)
    lam, V = np.linalg.eigh(net.ntk(X, on_sphere=False))
    kappa_sq = float(kappa_sq(float(lam[0])))
    eta = 1.0 / lam[-1]
    rho = np.clip(1.0 - eta * lam, 0.0, 1.0)
    A = net.ntk(Xs, X, on_sphere=False) @ V  # rows a_t
    b = V.T @ y
    decay = rho[None, :] ** k[:, None]  # (records, n); 0 ** 0 = 1
    S = (1.0 - decay) / lam  # rows s_k
    D_det = ((A @ (decay * (b / lam)).T) ** 2).mean(axis=0)
    M = V.T @ init_kernel(X) @ V
    B = init_kernel(Xs, X) @ V
    k00 = float(np.mean(np.linalg.norm(net.augment(Xs), axis=1) ** 2)) / 2  # K0(x, x) = |x~|^2 / 2
    N = M * (A.T @ A) / A.shape[0]
    cross = (A * B).mean(axis=0)
    init = k00 - 2 * S @ cross + np.einsum("ri,ij,rj->r", S, N, S)
    D = D_det + kappa_sq * init
    sA = A * S[-1]
    init_t = k00 - 2 * (sA * B).sum(axis=1) + ((sA @ M) * sA).sum(axis=1)
    f_K = sA @ b
    sq = (ys - f_K) ** 2 + kappa_sq * init_t
    f_kr = A @ (b / lam)
    return LimitRun(c=float(lam[0]), eta=float(eta), D=D, E=float(sq.mean()), E_se=float(sq.std(ddof=1) / math.sqrt(sq.size)),
                    E_kr=float(((ys - f_kr) ** 2).mean()), yHy=float(b @ (b / lam)),
                    train_residual=float(np.linalg.norm(decay[-1] * b) / max(np.linalg.norm(y), 1e-300)))
