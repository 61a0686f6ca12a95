"""Satpathi & Srikant (2021), Sec. 3-5: the linearisation of the shallow ReLU net at ``w(0)``.

Notation of ``THEOREMS.md`` (``satpathi21``). With ``grad f0`` the ``m(d+1) x n`` matrix whose
columns are ``grad f(x_i, w(0))`` (we store its transpose ``J0``, n x m(d+1), as in
:func:`models.shallow_relu.network.jacobian`):

- ``f_L(x, w) = grad f(x, w(0))^T w`` (Sec. 5, proof outline of Lemma 5). Because
  ``relu(z) = 1{z >= 0} z``, ``f(x, w(0)) = f_L(x, w(0))`` exactly;
- ``P0`` projects onto the column space of ``grad f0`` (the row space of ``J0``):
  ``P0 v = J0^T G0^{-1} J0 v`` with ``G0 = J0 J0^T``; ``P0perp = I - P0``;
- ``w*_L = argmin ||w - w(0)|| s.t. f_L(x_i, w) = y_i = P0perp w(0) + grad f0 G0^{-1} Y``
  (Sec. 3), equivalently ``w(0) + J0^T G0^{-1} (Y - f0)``;
- the Lyapunov functions of eq. (7): ``V_perp = ||P0perp (w - w*_L)||^2``,
  ``V_par = ||P0 (w - w*_L)||^2``;
- the linearised gradient flow ``dw/dt = -J0^T (J0 w - Y)`` in closed form:
  ``f_L(t) - Y = exp(-G0 t) (f0 - Y)`` and
  ``w(t) = w(0) - J0^T G0^{-1} (I - exp(-G0 t)) (f0 - Y)``; and the discrete GD of the paper,
  ``f_L(k) - Y = (I - eta G0)^k (f0 - Y)``.
- the kernel-regression predictor of eq. (8): ``f_KR(x) = h(x)^T H^{-1} Y``,
  ``h(x)_i = K(x, x_i)`` with ``K`` the kernel of eq. (9) (:func:`kernel_regression`).

Everything is matrix-free: products with ``J0`` and ``J0^T`` use the activation pattern at
``w(0)`` (n x m) and never form the n x m(d+1) Jacobian. float64 numpy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from models.shallow_relu import network as net
from models._shared.validation import as_matrix, as_vector


@dataclass(frozen=True)
class Linearisation:
    """The linearisation of ``f`` at ``params`` (= ``w(0)``) on the training inputs ``X``.

    Weight vectors are handled in the (m, d+1) layout of :class:`models.shallow_relu.network.Params`
    (the paper's flat ``w`` is ``W.reshape(-1)``).
    """

    X: np.ndarray  # (n, d) training inputs
    params: net.Params  # w(0)
    Xt: np.ndarray  # (n, d+1) augmented inputs
    S0: np.ndarray  # (n, m) activation pattern 1{w_k(0)^T x~_i >= 0}, times a_k / sqrt(m)
    G0: np.ndarray  # (n, n) = J0 J0^T, the finite-width Gram at w(0)
    evals: np.ndarray  # eigenvalues of G0, ascending
    evecs: np.ndarray  # its orthonormal eigenvectors (columns)

    @classmethod
    def at(cls, X, params: net.Params) -> "Linearisation":
        X = as_matrix(X)
        Xt = net.augment(X)
        S0 = net.activation_pattern(X, params) * (params.a / np.sqrt(params.width))
        G0 = net.gram(X, params)
        evals, evecs = np.linalg.eigh(G0)
        if evals[0] <= 0:
            raise ValueError(
                f"the Gram matrix grad f0^T grad f0 is singular (lambda_min = {evals[0]:.3g}): "
                "w*_L is not defined; use a larger width or data with no two points parallel"
            )
        return cls(X=X, params=params, Xt=Xt, S0=S0, G0=G0, evals=evals, evecs=evecs)

    # -- products with J0 (matrix-free) ------------------------------------------------
    def jvp(self, W: np.ndarray) -> np.ndarray:
        """``J0 w`` = ``f_L(x_i, w)`` for each training input: (n,) (or (n, B) for W (B, m, d+1))."""
        W = np.asarray(W, dtype=np.float64)
        if W.ndim == 3:
            return np.einsum("nk,bkl,nl->nb", self.S0, W, self.Xt)
        return np.einsum("nk,kl,nl->n", self.S0, W, self.Xt)

    def vjp(self, u: np.ndarray) -> np.ndarray:
        """``J0^T u`` in the (m, d+1) layout."""
        u = as_vector(u, "u", self.X.shape[0])
        return (self.S0 * u[:, None]).T @ self.Xt

    def solve(self, r: np.ndarray) -> np.ndarray:
        """``G0^{-1} r`` through the eigendecomposition (G0 is symmetric positive definite)."""
        return self.evecs @ ((self.evecs.T @ r) / self.evals)

    # -- the paper's objects -------------------------------------------------------------
    @property
    def f0(self) -> np.ndarray:
        """``f(x_i, w(0)) = f_L(x_i, w(0))``."""
        return self.jvp(self.params.W)

    def project(self, W: np.ndarray) -> np.ndarray:
        """``P0 w``: projection onto the column space of ``grad f0``."""
        return self.vjp(self.solve(self.jvp(W)))

    def project_perp(self, W: np.ndarray) -> np.ndarray:
        """``P0perp w = w - P0 w``."""
        return np.asarray(W, dtype=np.float64) - self.project(W)

    def w_star(self, y) -> np.ndarray:
        """``w*_L = P0perp w(0) + grad f0 G0^{-1} Y`` (Sec. 3), computed as
        ``w(0) + J0^T G0^{-1} (Y - f0)`` (the same vector: ``J0^T G0^{-1} J0 w(0) = P0 w(0)``)."""
        y = as_vector(y, "y", self.X.shape[0])
        return self.params.W + self.vjp(self.solve(y - self.f0))

    def lyapunov(self, W: np.ndarray, W_star: np.ndarray) -> tuple[float, float]:
        """``(V_perp, V_par)`` of eq. (7): ``||P0perp (w - w*_L)||^2`` and ``||P0 (w - w*_L)||^2``."""
        D = np.asarray(W, dtype=np.float64) - W_star
        par = self.project(D)
        return float(np.sum((D - par) ** 2)), float(np.sum(par**2))

    def predict(self, Xnew, W: np.ndarray) -> np.ndarray:
        """``f_L(x, w) = grad f(x, w(0))^T w`` at new inputs (n_new,)."""
        Xt = net.augment(as_matrix(Xnew, "Xnew"))
        S = (Xt @ self.params.W.T >= 0.0) * (self.params.a / np.sqrt(self.params.width))
        return np.einsum("nk,kl,nl->n", S, W, Xt)

    def kernel_to(self, Xnew) -> np.ndarray:
        """Finite-width kernel ``grad f(x, w(0))^T grad f0``: (n_new, n)."""
        Xt = net.augment(as_matrix(Xnew, "Xnew"))
        S = (Xt @ self.params.W.T >= 0.0) * (self.params.a / np.sqrt(self.params.width))
        return (S @ self.S0.T) * (Xt @ self.Xt.T)

    def flow_residual(self, y, t) -> np.ndarray:
        """Linearised gradient flow: ``f_L(t) - Y = exp(-G0 t)(f0 - Y)`` for each time: (len(t), n)."""
        y = as_vector(y, "y", self.X.shape[0])
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        c = self.evecs.T @ (self.f0 - y)
        return (np.exp(-np.outer(t, self.evals)) * c) @ self.evecs.T

    def flow_weights(self, y, t: float) -> np.ndarray:
        """Linearised gradient flow in weight space:
        ``w(t) = w(0) - J0^T G0^{-1} (I - exp(-G0 t)) (f0 - Y)``, via ``-expm1``."""
        y = as_vector(y, "y", self.X.shape[0])
        c = self.evecs.T @ (self.f0 - y)
        u = self.evecs @ (np.expm1(-self.evals * float(t)) / self.evals * c)
        return self.params.W + self.vjp(u)

    def gd_residual(self, y, eta: float, k) -> np.ndarray:
        """Linearised discrete GD of the paper: ``f_L(k) - Y = (I - eta G0)^k (f0 - Y)``: (len(k), n)."""
        y = as_vector(y, "y", self.X.shape[0])
        k = np.atleast_1d(np.asarray(k, dtype=np.float64))
        c = self.evecs.T @ (self.f0 - y)
        return (np.power.outer(1.0 - eta * self.evals, k).T * c) @ self.evecs.T


def kernel_regression(X, y, Xnew, *, on_sphere: bool = True) -> np.ndarray:
    """``f_KR(x) = h(x)^T H^{-1} Y``, ``h(x)_i = K(x, x_i)`` (eq. 8), kernel of eq. (9).

    ``on_sphere=False`` uses the general form of the kernel (inputs of any norm). ``H`` is
    solved by Cholesky (it is positive definite for data with no two points parallel).
    """
    X = as_matrix(X)
    y = as_vector(y, "y", X.shape[0])
    H = net.ntk(X, on_sphere=on_sphere)
    h = net.ntk(as_matrix(Xnew, "Xnew"), X, on_sphere=on_sphere)
    return h @ scipy.linalg.cho_solve(scipy.linalg.cho_factor(H), y)


def kernel_norm(X, y, *, on_sphere: bool = True) -> float:
    """``Y^T H^{-1} Y`` (the RKHS norm of the interpolant, Lemma 5)."""
    X = as_matrix(X)
    y = as_vector(y, "y", X.shape[0])
    H = net.ntk(X, on_sphere=on_sphere)
    return float(y @ scipy.linalg.cho_solve(scipy.linalg.cho_factor(H), y))
