"""Nonlinear least squares ``L(theta) = ||f(theta) - y||^2 / 2`` (Oymak & Soltanolkotabi 2019, Sec. 2).

A *problem* is a small object with

- ``f(theta)`` (n,), ``jacobian(theta)`` (n, p), and the products ``jvp(theta, v) = J v`` and
  ``vjp(theta, u) = J^T u`` (closed forms, no Jacobian materialised);
- ``constants(theta0, R)``: :class:`Constants` valid on the ball ``B(theta0, R)`` — lower bound
  ``alpha`` on ``sigma_min(J)``, upper bound ``beta`` on ``||J||`` (Assumption 2), Lipschitz
  constant ``L`` of J (Assumption 1), bound ``B`` on the row norms ``||J_i||`` (Theorem 3.1) —
  each with its derivation, or ``None`` where none can be certified;
- ``closest_solution(theta0)``: ``theta*``, the global optimum closest to ``theta0``, where it is
  exact (Corollary 2.3, Theorem 4.1).

Singular values come from LAPACK's SVD, which is backward stable: the computed values are
exact for ``X + E`` with ``||E|| <= c eps ||X||``, so by Weyl each is within ``c eps ||X||``
of the true one. :func:`_svd_bounds` widens them by ``SVD_SLACK * max(n, p) * eps * ||X||``
(conservative for ``c``), so ``alpha`` and ``beta`` below are rigorous bounds, not estimates.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.least_squares import activations as act_mod
from models._shared.validation import as_matrix, as_vector

#: multiple of ``max(n, p) eps ||X||`` allowed for the SVD's rounding (see module docstring)
SVD_SLACK = 8.0


@dataclass(frozen=True)
class Constants:
    """Constants of Assumptions 1-2 on ``B(theta0, R)``; ``derivation`` says where each comes from.

    ``certified`` is True when every value is a proven bound for the ball (up to the widening of
    float rounding already applied); False when some are estimates."""

    alpha: float
    beta: float
    L: float
    B: float
    certified: bool
    derivation: dict = field(default_factory=dict)


def _svd_bounds(X: np.ndarray) -> tuple[float, float, float]:
    """``(sigma_min lower bound, ||X|| upper bound, slack)`` for the n <= p case (sigma_n)."""
    s = np.linalg.svd(X, compute_uv=False)
    slack = SVD_SLACK * max(X.shape) * np.finfo(np.float64).eps * s[0]
    lo = s[min(X.shape) - 1] - slack
    return max(lo, 0.0), s[0] + slack, slack


def _row_norm_max(X: np.ndarray) -> float:
    """``||X||_{2,inf}`` = largest row norm, widened by a relative 4 p eps for the rounding of the sum."""
    r = float(np.sqrt((X**2).sum(axis=1)).max())
    return r * (1 + 4 * X.shape[1] * np.finfo(np.float64).eps)


def _check_wide(X: np.ndarray) -> None:
    n, p = X.shape
    if n > p:
        raise ValueError(f"the theorems take the over-parameterised case n <= p; X is {n} x {p}")


@dataclass(frozen=True)
class Linear:
    """``f(theta) = X theta``: ``J = X`` everywhere, so ``L = 0``, ``alpha = sigma_min(X)`` (the
    n-th singular value, n <= p), ``beta = ||X||``, ``B = max_i ||x_i||`` on every ball."""

    X: np.ndarray

    name = "linear"

    @classmethod
    def of(cls, X) -> "Linear":
        X = as_matrix(X)
        _check_wide(X)
        return cls(X)

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    def f(self, theta):
        return self.X @ theta

    def jacobian(self, theta):
        return self.X.copy()

    def jvp(self, theta, v):
        return self.X @ v

    def vjp(self, theta, u):
        return self.X.T @ u

    def residual_vjp(self, theta, y):
        """``(f(theta) - y, J^T (f(theta) - y))`` sharing one product with X (GD's step)."""
        r = self.X @ theta - y
        return r, self.X.T @ r

    def constants(self, theta0=None, R: float = np.inf) -> Constants:
        lo, hi, slack = _svd_bounds(self.X)
        return Constants(
            alpha=lo,
            beta=hi,
            L=0.0,
            B=_row_norm_max(self.X),
            certified=True,
            derivation={
                "alpha": "sigma_n(X) - SVD rounding bound",
                "beta": "||X|| + SVD rounding bound",
                "L": "J = X is constant",
                "B": "largest row norm of X",
                "svd_slack": slack,
            },
        )

    def closest_solution(self, theta0, y):
        """``theta* = theta0 + X^+ (y - X theta0)``: the projection of theta0 on ``{X theta = y}``."""
        theta0 = np.asarray(theta0, dtype=np.float64)
        return theta0 + np.linalg.lstsq(self.X, as_vector(y, "y", self.X.shape[0]) - self.X @ theta0, rcond=None)[0]


@dataclass(frozen=True)
class GLM:
    """``f(theta) = phi(X theta)`` (Theorem 4.1) with ``0 < gamma <= phi' <= Gamma``, ``|phi''| <= M``.

    ``J(theta) = diag(phi'(X theta)) X``. For n <= p with X of full row rank:

    - ``sigma_min(J) >= min_i phi'(x_i^T theta) sigma_n(X) >= gamma sigma_n(X) = alpha``
      (``D X`` with D diagonal invertible: ``||(DX)^T u|| >= sigma_n(X) ||D u|| >= gamma sigma_n(X) ||u||``);
    - ``||J|| <= Gamma ||X|| = beta``; rows ``||J_i|| <= Gamma ||x_i|| <= Gamma ||X||_{2,inf} = B``;
    - ``||J(t2) - J(t1)|| = ||diag(phi'(X t2) - phi'(X t1)) X|| <= M max_i |x_i^T (t2 - t1)| ||X||
      <= M ||X||_{2,inf} ||X|| ||t2 - t1||``: ``L = M ||X||_{2,inf} ||X||``.

    All hold on the whole space, hence on every ball.
    """

    X: np.ndarray
    activation: object

    name = "glm"

    @classmethod
    def of(cls, X, activation) -> "GLM":
        X = as_matrix(X)
        _check_wide(X)
        if isinstance(activation, dict):
            activation = act_mod.from_json(activation)
        return cls(X, activation)

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    def f(self, theta):
        return self.activation.phi(self.X @ theta)

    def jacobian(self, theta):
        return self.activation.dphi(self.X @ theta)[:, None] * self.X

    def jvp(self, theta, v):
        return self.activation.dphi(self.X @ theta) * (self.X @ v)

    def vjp(self, theta, u):
        return self.X.T @ (self.activation.dphi(self.X @ theta) * u)

    def residual_vjp(self, theta, y):
        """``(f(theta) - y, J^T (f(theta) - y))`` sharing the pre-activations (GD's step)."""
        z = self.X @ theta
        r = self.activation.phi(z) - y
        return r, self.X.T @ (self.activation.dphi(z) * r)

    def constants(self, theta0=None, R: float = np.inf) -> Constants:
        a = self.activation
        lo, hi, slack = _svd_bounds(self.X)
        row = _row_norm_max(self.X)
        return Constants(
            alpha=a.gamma * lo,
            beta=a.Gamma * hi,
            L=a.M * row * hi,
            B=a.Gamma * row,
            certified=True,
            derivation={
                "alpha": f"gamma sigma_n(X), gamma = {a.gamma:g}",
                "beta": f"Gamma ||X||, Gamma = {a.Gamma:g}",
                "L": f"M ||X||_2,inf ||X||, M = {a.M:.6g}",
                "B": "Gamma ||X||_2,inf",
                "svd_slack": slack,
            },
        )

    def closest_solution(self, theta0, y):
        """``theta*``: the projection of theta0 on the affine set ``{X theta = phi^{-1}(y)}``."""
        theta0 = np.asarray(theta0, dtype=np.float64)
        z = self.activation.inverse(as_vector(y, "y", self.X.shape[0]))
        return theta0 + np.linalg.lstsq(self.X, z - self.X @ theta0, rcond=None)[0]


def estimate_constants(problem, iterates: np.ndarray, *, max_points: int = 64) -> Constants:
    """Estimates (not bounds) of Assumption 1-2's constants *along a trajectory*: ``alpha`` the
    smallest ``sigma_n(J)``, ``beta`` the largest ``||J||`` at (up to ``max_points``, evenly
    spaced) iterates, ``L`` the largest finite difference ``||J(t_{k+1}) - J(t_k)|| / ||t_{k+1} - t_k||``
    between consecutive ones, ``B`` the largest row norm.

    Along the trajectory, not at random points of the ball: random points of a large ball sit
    where J is best conditioned and overstate ``alpha`` (issue 5). These are lower bounds on the
    sup-type constants (beta, L, B) and an upper bound on alpha over the ball: the optimistic
    side, so a verdict using them is "consistent", never a proof. ``certified`` is False.
    """
    its = np.asarray(iterates, dtype=np.float64)
    idx = np.unique(np.linspace(0, len(its) - 1, min(max_points, len(its))).round().astype(int))
    n = problem.shape[0]
    alpha, beta, L, B, prev = np.inf, 0.0, 0.0, 0.0, None
    for k in idx:
        J = problem.jacobian(its[k])
        s = np.linalg.svd(J, compute_uv=False)
        alpha = min(alpha, float(s[n - 1]) if n <= s.size else 0.0)
        beta = max(beta, float(s[0]))
        B = max(B, float(np.sqrt((J**2).sum(axis=1)).max()))
        if prev is not None:
            step = float(np.linalg.norm(its[k] - its[prev[0]]))
            if step > 0:
                L = max(L, float(np.linalg.norm(J - prev[1], 2)) / step)
        prev = (k, J)
    return Constants(
        alpha=alpha,
        beta=beta,
        L=L,
        B=B,
        certified=False,
        derivation={
            "alpha": f"min sigma_n(J) at {len(idx)} iterates",
            "beta": f"max ||J|| at {len(idx)} iterates",
            "L": "max finite difference between consecutive sampled iterates",
            "B": "max row norm of J at the sampled iterates",
        },
    )
