"""One-hidden-layer network ``f(x; W) = v^T phi(W x)`` trained over W, as a least-squares problem
(Oymak & Soltanolkotabi 2019, Sec. 4.3, eqs. (4.4)-(4.5); Theorem 4.3).

``theta = vec(W)`` (row-major, ``W`` is k x d), ``X`` is n x d, ``v`` (k,) is fixed. With
``Z = X W^T`` (n x k): ``f(theta) = phi(Z) v``; row i of the Jacobian is
``vec((v * phi'(W x_i)) x_i^T)``, so ``J V = (phi'(Z) * (X V^T)) v`` and
``J^T u = (phi'(Z) * v)^T diag(u) X`` (closed forms, O(nkd), no Jacobian materialised).

With ``phi = relu`` and ``v = a / sqrt(m)`` this is the Satpathi–Srikant network of
:mod:`models.shallow_relu.network` (without the bias coordinate unless X carries it): Assumption 1 fails
(``phi'`` jumps), so :meth:`ShallowNet.constants` certifies nothing for it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.least_squares import activations as act_mod
from models.least_squares.problems import Constants, _row_norm_max, _svd_bounds
from models._shared.validation import as_matrix, as_vector


@dataclass(frozen=True)
class ShallowNet:
    """Constants on the whole space (hence on every ball), for ``0 < gamma <= phi' <= Gamma``,
    ``|phi''| <= M`` (derivation; ``J^T u = sum_l v_l e_l (sum_i u_i phi'(w_l^T x_i) x_i)^T``):

    - ``||J^T u||_F^2 = sum_l v_l^2 ||X^T (phi'(X w_l) * u)||^2 >= sum_l v_l^2 sigma_n(X)^2 gamma^2 ||u||^2``:
      ``alpha = gamma sigma_n(X) ||v||`` (n <= d, X of full row rank);
    - the same sum is ``<= ||v||^2 ||X||^2 Gamma^2 ||u||^2``: ``beta = Gamma ||X|| ||v||``;
    - ``||(J(W2) - J(W1))^T u||^2 <= sum_l v_l^2 ||X||^2 max_i |phi'(w2_l^T x_i) - phi'(w1_l^T x_i)|^2 ||u||^2
      <= ||v||_inf^2 ||X||^2 M^2 ||X||_{2,inf}^2 ||W2 - W1||_F^2``: ``L = M ||X||_{2,inf} ||X|| ||v||_inf``;
    - row i: ``||J_i|| = ||v * phi'(W x_i)|| ||x_i|| <= Gamma ||v|| ||X||_{2,inf} = B``.

    Theorem 4.3 takes ``||v|| = 1``, where ``alpha = gamma sigma_n(X)``, ``beta = Gamma ||X||`` and
    ``L <= M ||X||_{2,inf} ||X||`` (``||v||_inf <= 1``).
    """

    X: np.ndarray
    v: np.ndarray
    activation: object

    name = "shallow"

    @classmethod
    def of(cls, X, v, activation) -> "ShallowNet":
        X = as_matrix(X)
        v = as_vector(v, "v")
        if isinstance(activation, dict):
            activation = act_mod.from_json(activation)
        if X.shape[0] > X.shape[1]:
            raise ValueError(f"Theorem 4.3 takes n <= d; X is {X.shape[0]} x {X.shape[1]}")
        return cls(X, v, activation)

    @property
    def width(self) -> int:
        return self.v.size

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape[0], self.v.size * self.X.shape[1]

    def weights(self, theta) -> np.ndarray:
        return np.asarray(theta, dtype=np.float64).reshape(self.v.size, self.X.shape[1])

    def f(self, theta):
        return self.activation.phi(self.X @ self.weights(theta).T) @ self.v

    def jacobian(self, theta):
        D = self.activation.dphi(self.X @ self.weights(theta).T) * self.v  # (n, k)
        return (D[:, :, None] * self.X[:, None, :]).reshape(self.X.shape[0], -1)

    def jvp(self, theta, V):
        D = self.activation.dphi(self.X @ self.weights(theta).T)
        return (D * (self.X @ self.weights(V).T)) @ self.v

    def vjp(self, theta, u):
        D = self.activation.dphi(self.X @ self.weights(theta).T) * self.v
        return ((D * u[:, None]).T @ self.X).ravel()

    def constants(self, theta0=None, R: float = np.inf) -> Constants:
        a = self.activation
        lo, hi, slack = _svd_bounds(self.X)
        row = _row_norm_max(self.X)
        vn = float(np.linalg.norm(self.v)) * (1 + 4 * self.v.size * np.finfo(float).eps)
        vinf = float(np.abs(self.v).max())
        L = a.M * row * hi * vinf if np.isfinite(a.M) else np.inf
        return Constants(
            alpha=a.gamma * max(float(np.linalg.norm(self.v)) * (1 - 4 * self.v.size * np.finfo(float).eps), 0.0) * lo,
            beta=a.Gamma * hi * vn,
            L=L,
            B=a.Gamma * vn * row,
            certified=bool(a.gamma > 0 and np.isfinite(L)),
            derivation={
                "alpha": f"gamma sigma_n(X) ||v||, gamma = {a.gamma:g}",
                "beta": f"Gamma ||X|| ||v||, Gamma = {a.Gamma:g}",
                "L": f"M ||X||_2,inf ||X|| ||v||_inf, M = {a.M:.6g}" + ("" if np.isfinite(L) else ": phi' jumps, no Lipschitz Jacobian"),
                "B": "Gamma ||v|| ||X||_2,inf",
                "svd_slack": slack,
            },
        )
