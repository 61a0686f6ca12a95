"""The random-feature reference model of E, Ma, Wang, Wu (2019), Sec. 6, and its gradient flow.

``f~(x; a, B0) = a^T sigma(B0 x) = sum_l a(l)^T sigma(B0(l) x)`` with the blocks ``B0(l)`` of the
deep network's initialisation (2.5) (here the L - 1 blocks of :mod:`models.skip_resnet.network`), features
``Phi = [sigma(B0(l) x_i)]`` of shape ``(n, (L-1) m)``, and the empirical risk
``E_n(a) = 1/(2n) ||Phi a - y||^2``. It is the deep network with ``B = B0``, ``C = 0``, ``r = 0``
(6.2): ``f(x; a, B0, 0) = f~(x; a, B0)``.

Gradient flow (6.1) ``da/dt = -grad E_n(a) = -Phi^T (Phi a - y) / n`` from ``a0`` is linear; with the
thin SVD ``Phi = U S V^T`` and ``r0 = Phi a0 - y`` its solution is

    a_t = a0 - V diag((1 - exp(-t s^2 / n)) / s) U^T r0,
    Phi a_t - y = (I - U U^T) r0 + U diag(exp(-t s^2 / n)) U^T r0,

evaluated with ``expm1`` (no cancellation at small ``t s^2``); directions with ``s = 0`` do not move.
Discrete GD ``a_{k+1} = a_k - eta grad E_n(a_k)`` has the same form with ``1 - (1 - eta s^2/n)^k`` in
place of ``1 - exp(-t s^2/n)`` (:meth:`Flow.gd`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.skip_resnet.kernel import ACTIVATIONS


def features(B0, X, act: str) -> np.ndarray:
    """``Phi`` (n, (L-1) m): row i is ``sigma(B0(l) x_i)`` for every block, concatenated."""
    B0 = np.asarray(B0, dtype=np.float64)
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    if B0.ndim != 3 or X.shape[1] != B0.shape[2]:
        raise ValueError(f"B0 must be (L-1, m, d) and X (n, d); got {B0.shape} and {X.shape}")
    if act not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {act!r}")
    pre = np.einsum("kmd,nd->nkm", B0, X)
    return ACTIVATIONS[act](pre).reshape(X.shape[0], -1)


def output(a, B0, X, act: str) -> np.ndarray:
    """``f~(x_i; a, B0)`` with ``a`` of shape (L-1, m) or flat."""
    return features(B0, X, act) @ np.asarray(a, dtype=np.float64).reshape(-1)


def risk(Phi, y, a) -> float:
    """``E_n(a) = 1/(2n) ||Phi a - y||^2``."""
    e = Phi @ np.asarray(a, dtype=np.float64).reshape(-1) - y
    return float(e @ e) / (2 * len(y))


@dataclass
class Flow:
    """The gradient flow (6.1) of ``E_n`` for fixed features, solved in closed form."""

    Phi: np.ndarray
    y: np.ndarray
    a0: np.ndarray

    def __post_init__(self):
        self.Phi = np.asarray(self.Phi, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.float64).reshape(-1)
        self.a0 = np.asarray(self.a0, dtype=np.float64).reshape(-1)
        if self.Phi.shape != (self.y.size, self.a0.size):
            raise ValueError(f"Phi must be (n, p) = ({self.y.size}, {self.a0.size}), got {self.Phi.shape}")
        self.U, self.s, Vt = np.linalg.svd(self.Phi, full_matrices=False)
        self.V = Vt.T
        self.r0 = self.Phi @ self.a0 - self.y
        self.c0 = self.U.T @ self.r0

    def _decay(self, t: float) -> np.ndarray:
        return -np.expm1(-t * self.s**2 / self.y.size)  # 1 - exp(-t s^2 / n), accurate at small t s^2

    def gd(self, eta: float, k: int) -> np.ndarray:
        """``a_k`` of discrete GD with step ``eta`` (flat): ``1 - (1 - eta s^2/n)^k`` per direction."""
        if eta <= 0 or k < 0:
            raise ValueError(f"need eta > 0 and k >= 0, got eta={eta}, k={k}")
        decay = -np.expm1(k * np.log1p(-eta * self.s**2 / self.y.size + 0j)).real if k else np.zeros_like(self.s)
        coef = np.divide(decay, self.s, out=np.zeros_like(self.s), where=self.s > 0)
        return self.a0 - self.V @ (coef * self.c0)

    def a(self, t: float) -> np.ndarray:
        """``a_t`` (flat)."""
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t}")
        coef = np.divide(self._decay(t), self.s, out=np.zeros_like(self.s), where=self.s > 0)
        return self.a0 - self.V @ (coef * self.c0)

    def residual(self, t: float) -> np.ndarray:
        """``Phi a_t - y`` (the orthogonal part of ``r0`` plus the decayed range part)."""
        return self.r0 - self.U @ (self._decay(t) * self.c0)

    def risk(self, t: float) -> float:
        e = self.residual(t)
        return float(e @ e) / (2 * self.y.size)
