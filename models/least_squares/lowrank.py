"""Low-rank (Burer–Monteiro) regression ``f_i(Theta) = <X_i, Theta Theta^T>`` as a least-squares
problem (Oymak & Soltanolkotabi 2019, Sec. 4.2, eq. (4.3); Theorem 4.2, Figure 3c).

``theta = vec(Theta)`` (row-major, Theta is d x r). The n features ``X_i`` (d x d) are given as
the rows of an n x d^2 matrix ``A`` (``A[i] = vec(X_i)``), so ``f(theta) = A vec(Theta Theta^T)``.
With ``S_i = X_i + X_i^T``: row i of the Jacobian is ``vec(S_i Theta)``, so
``J V = A vec(V Theta^T + Theta V^T)`` and ``J^T u = (S + S^T) Theta`` with
``S = reshape(A^T u)``: O(n d^2 + d^2 r), no Jacobian materialised.

J is *linear* in Theta: ``J(Theta2) - J(Theta1) = J(Theta2 - Theta1)``, which gives the
constants of :meth:`LowRank.constants`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.least_squares.problems import SVD_SLACK, Constants
from models._shared.validation import as_matrix

EPS = np.finfo(np.float64).eps


@dataclass(frozen=True)
class LowRank:
    A: np.ndarray  # (n, d*d)
    rank: int

    name = "lowrank"

    @classmethod
    def of(cls, A, rank: int) -> "LowRank":
        A = as_matrix(A, "X")
        d = int(round(np.sqrt(A.shape[1])))
        if d * d != A.shape[1]:
            raise ValueError(f"low-rank features are rows vec(X_i) of length d^2; got {A.shape[1]}, not a square")
        if not (isinstance(rank, (int, np.integer)) and 1 <= rank <= d):
            raise ValueError(f"rank must be an integer in 1..d = {d}, got {rank!r}")
        return cls(A, int(rank))

    @classmethod
    def for_theta(cls, A, theta0) -> "LowRank":
        """The rank read from ``len(theta0) = d r``."""
        A = as_matrix(A, "X")
        d = int(round(np.sqrt(A.shape[1])))
        size = np.asarray(theta0).size
        if d == 0 or size % d:
            raise ValueError(f"theta0 must have length d r with d = {d}; got {size}")
        return cls.of(A, size // d)

    @property
    def d(self) -> int:
        return int(round(np.sqrt(self.A.shape[1])))

    @property
    def shape(self) -> tuple[int, int]:
        return self.A.shape[0], self.d * self.rank

    def factor(self, theta) -> np.ndarray:
        return np.asarray(theta, dtype=np.float64).reshape(self.d, self.rank)

    def f(self, theta):
        T = self.factor(theta)
        return self.A @ (T @ T.T).ravel()

    def _sym(self, u) -> np.ndarray:
        S = (self.A.T @ u).reshape(self.d, self.d)
        return S + S.T

    def jacobian(self, theta):
        T = self.factor(theta)
        n, d = self.A.shape[0], self.d
        Xs = self.A.reshape(n, d, d)
        return ((Xs + Xs.transpose(0, 2, 1)) @ T).reshape(n, -1)

    def jvp(self, theta, V):
        T, V = self.factor(theta), self.factor(V)
        return self.A @ (V @ T.T + T @ V.T).ravel()

    def vjp(self, theta, u):
        return (self._sym(u) @ self.factor(theta)).ravel()

    def residual_vjp(self, theta, y):
        """``(f(theta) - y, J^T (f(theta) - y))``: two products with A per GD step."""
        T = self.factor(theta)
        r = self.A @ (T @ T.T).ravel() - y
        return r, (self._sym(r) @ T).ravel()

    def lipschitz(self) -> float:
        """``L >= ||J(Delta)|| / ||Delta||_F`` for all Delta: ``||J(Delta)^T u||_F = ||(S(u) + S(u)^T) Delta||_F
        <= ||S(u) + S(u)^T||_2 ||Delta||_F`` and ``||S(u) + S(u)^T||_2 <= 2 ||S(u)||_F = 2 ||A^T u|| <= 2 ||A|| ||u||``.
        Widened by the SVD rounding slack."""
        s = float(np.linalg.norm(self.A, 2))
        return 2 * (s + SVD_SLACK * max(self.A.shape) * EPS * s)

    def constants(self, theta0=None, R: float = np.inf) -> Constants:
        """On ``B(theta0, R)`` (derivation: J is linear in Theta with norm <= L per unit of Theta):

        - ``beta = L (||Theta0||_F + R)``, ``B = 2 max_i ||X_i||_F (||Theta0||_F + R)``;
        - ``alpha = sigma_n(J(Theta0)) - L R`` (Weyl), certified when positive. When the ball
          contains ``Theta = 0`` (``R >= ||Theta0||_F``), ``J(0) = 0``: no ``alpha > 0`` exists and
          Assumption 2 is *false*, not merely unproven; ``alpha`` is then 0.
        """
        if theta0 is None:
            raise ValueError("low-rank constants are local: give theta0 and R")
        L = self.lipschitz()
        t0 = float(np.linalg.norm(theta0))
        J0 = self.jacobian(theta0)
        s = np.linalg.svd(J0, compute_uv=False)
        slack = SVD_SLACK * max(J0.shape) * EPS * s[0]
        n = self.A.shape[0]
        smin = s[n - 1] - slack if n <= s.size else 0.0
        alpha = max(smin - L * R, 0.0) if R < t0 else 0.0
        rows = 2 * float(np.sqrt((self.A**2).sum(axis=1)).max()) * (1 + 4 * self.A.shape[1] * EPS)
        return Constants(
            alpha=alpha,
            beta=L * (t0 + R),
            L=L,
            B=rows * (t0 + R),
            certified=bool(alpha > 0),
            derivation={
                "alpha": "sigma_n(J(Theta0)) - L R (Weyl)" + ("" if R < t0 else ": the ball contains Theta = 0 where J = 0"),
                "beta": "L (||Theta0||_F + R)",
                "L": "2 ||A||_2 (J linear in Theta)",
                "B": "2 max_i ||X_i||_F (||Theta0||_F + R)",
                "ball_contains_origin": bool(R >= t0),
                "sigma_n_J0": float(s[n - 1]) if n <= s.size else 0.0,
            },
        )


def theorem42_problem(d: int, r: int, n: int, *, seed: int, labels: str = "rademacher"):
    """The setting of Theorem 4.2 / Figure 3c: ``X_i`` with i.i.d. N(0, 1) entries, labels
    Rademacher (Sec. 5.2) or Gaussian, and ``Theta0 = U diag(s) V^T`` with Haar U (d x r), V (r x r)
    and singular values uniform in ``[sqrt(||y||)/(rn)^{1/4}, 2 sqrt(||y||)/(rn)^{1/4}]``.
    Returns ``(A, y, theta0)`` with ``A`` n x d^2 (rows vec(X_i)), ``theta0 = vec(Theta0)``."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, d * d))
    y = rng.choice([-1.0, 1.0], size=n) if labels == "rademacher" else rng.standard_normal(n)
    lo = np.sqrt(np.linalg.norm(y)) / (r * n) ** 0.25
    U, _ = np.linalg.qr(rng.standard_normal((d, r)))
    V, _ = np.linalg.qr(rng.standard_normal((r, r)))
    s = rng.uniform(lo, 2 * lo, size=r)
    return A, y, (U @ np.diag(s) @ V.T).ravel()


def theorem42_step(d: int, r: int, n: int, y_norm: float, c1: float) -> float:
    """``eta = c1 sqrt(n) / (r^2 d ||y||)`` (Theorem 4.2; c1 an unnamed numerical constant)."""
    return c1 * np.sqrt(n) / (r**2 * d * y_norm)
