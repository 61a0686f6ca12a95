"""Satpathi & Srikant (2021): one-hidden-layer ReLU network with fixed output signs.

Notation of ``THEOREMS.md`` (``satpathi21``) and of the paper's Sections 2-3:

- augmentation ``x~ = (x, 1)`` in R^{d+1} (the bias is the last weight coordinate);
- ``f(x, w) = sum_k a_k / sqrt(m) * relu(w_k^T x~)`` with ``a_k in {+1, -1}`` fixed (Sec. 2);
- initialisation ``w_k(0) ~ N(0, kappa^2 I_{d+1})`` (Sec. 3, first bullet);
- gradient ``grad f(x, w) = [a_k / sqrt(m) 1{w_k^T x~ >= 0} x~]_k`` (Sec. 2.1);
- the infinite-width kernel ``H = E_{w(0)}[grad f0^T grad f0]``, eq. (9).

Weights are an (m, d+1) array ``W``; the flat parameter vector of the paper is
``W.reshape(-1)`` (neuron-major), and the Jacobian's columns follow that order.

Everything is float64 numpy. Bad input raises ``ValueError`` naming the problem.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._shared.angles import pairwise_angles, require_nonparallel
from models._shared.validation import as_matrix, as_vector, require_sphere


@dataclass(frozen=True)
class Params:
    """Network parameters: hidden weights ``W`` (m, d+1) and output signs ``a`` (m,)."""

    W: np.ndarray
    a: np.ndarray

    @property
    def width(self) -> int:
        return self.W.shape[0]

    @property
    def input_dim(self) -> int:
        """``d``, the data dimension (W has d+1 columns)."""
        return self.W.shape[1] - 1

    def flat(self) -> np.ndarray:
        """The paper's weight vector ``w`` in R^{m(d+1)}."""
        return self.W.reshape(-1)


def augment(X) -> np.ndarray:
    """``x~ = (x, 1)``: append a column of ones (Sec. 2)."""
    X = as_matrix(X)
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


def init_params(d: int, width: int, *, seed: int, kappa: float = 1.0) -> Params:
    """``w_k(0) ~ N(0, kappa^2 I_{d+1})`` and ``a_k`` uniform on {+1, -1} (Sec. 3).

    Deterministic in ``seed`` (numpy PCG64): the same seed gives bit-identical parameters.
    """
    if int(d) != d or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    if int(width) != width or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    if not (np.isfinite(kappa) and kappa > 0):
        raise ValueError(f"kappa must be positive and finite, got {kappa!r}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    W = kappa * rng.standard_normal((int(width), int(d) + 1))
    a = rng.choice(np.array([-1.0, 1.0]), size=int(width))
    return Params(W=W, a=a)


def _check(X, params: Params) -> np.ndarray:
    Xt = augment(X)
    if Xt.shape[1] != params.W.shape[1]:
        raise ValueError(
            f"X has d = {Xt.shape[1] - 1} columns but the network expects d = {params.input_dim}"
        )
    as_matrix(params.W, "W")
    as_vector(params.a, "a", params.width)
    return Xt


def forward(X, params: Params) -> np.ndarray:
    """``f(x_i, w)`` for each row of ``X`` (Sec. 2): shape (n,)."""
    Xt = _check(X, params)
    pre = Xt @ params.W.T  # (n, m): w_k^T x~_i
    return np.maximum(pre, 0.0) @ params.a / np.sqrt(params.width)


def activation_pattern(X, params: Params) -> np.ndarray:
    """``1{w_k^T x~_i >= 0}`` as a float (n, m) matrix (the paper's convention relu'(0) = 1)."""
    Xt = _check(X, params)
    return (Xt @ params.W.T >= 0.0).astype(np.float64)


def jacobian(X, params: Params) -> np.ndarray:
    """Closed-form Jacobian ``grad f^T``: row i is ``grad f(x_i, w)`` in R^{m(d+1)} (Sec. 2.1).

    ``J[i, k(d+1) + l] = a_k / sqrt(m) * 1{w_k^T x~_i >= 0} * x~_il``; shape (n, m(d+1)).
    """
    Xt = _check(X, params)
    S = (Xt @ params.W.T >= 0.0) * (params.a / np.sqrt(params.width))  # (n, m)
    n, m = S.shape
    J = np.empty((n, m, Xt.shape[1]))  # written once, in place: the output dominates the cost
    np.multiply(S[:, :, None], Xt[:, None, :], out=J)
    return J.reshape(n, m * Xt.shape[1])


def gram(X, params: Params) -> np.ndarray:
    """Finite-width Gram ``grad f^T grad f`` (n x n) without forming the Jacobian.

    ``(J J^T)_ij = x~_i^T x~_j * (1/m) sum_k a_k^2 1{w_k^T x~_i >= 0} 1{w_k^T x~_j >= 0}``.
    """
    Xt = _check(X, params)
    S = (Xt @ params.W.T >= 0.0).astype(np.float64)
    Sa = S * (params.a**2 / params.width)
    return (Sa @ S.T) * (Xt @ Xt.T)


def ntk(X, Y=None, *, on_sphere: bool = True) -> np.ndarray:
    """Infinite-width kernel ``H = E_{w(0)}[grad f0^T grad f0]``, eq. (9).

    For Gaussian ``w`` and two vectors at angle ``phi``,
    ``P(w^T u >= 0, w^T v >= 0) = (pi - phi) / (2 pi)`` (the hyperplane through the origin
    separates them with probability ``phi / pi``), and ``E[a_k^2] = 1``, so

        H_ij = x~_i^T x~_j * (pi - phi_ij) / (2 pi),

    ``phi_ij`` the angle between ``x~_i`` and ``x~_j``. When ``||x_i|| = sqrt(d)`` (the paper's
    assumption, checked when ``on_sphere``), ``||x~_i||^2 = d + 1`` and
    ``phi_ij = arccos(x~_i^T x~_j / (d + 1))``: this is eq. (9) verbatim. With
    ``on_sphere=False`` the same formula is the general kernel, eq. (9) with ``d + 1``
    replaced by ``||x~_i|| ||x~_j||`` (needed by the paper's Section 6 experiment, whose
    inputs have unit norm). Angles are computed stably (:func:`models._shared.angles.pairwise_angles`).
    Independent of the width and of ``kappa``.
    """
    X = as_matrix(X)
    Y = X if Y is None else as_matrix(Y, "Y")
    if on_sphere:
        require_sphere(X)
        if Y is not X:
            require_sphere(Y)
    Xt, Yt = augment(X), augment(Y)
    phi = pairwise_angles(Xt, None if Y is X else Yt)
    return (Xt @ Yt.T) * (np.pi - phi) / (2.0 * np.pi)


def augmented_angles(X) -> np.ndarray:
    """Angles between the augmented points ``x~_i``: ``cos = (x_i^T x_j + 1)/(d+1)`` on the sphere."""
    return pairwise_angles(augment(X))


def theta_min(X, *, on_sphere: bool = True) -> float:
    """Lemma 1: ``cos theta_min = max_{i != j} (x_i^T x_j + 1) / (d + 1)``.

    On the sphere ``||x|| = sqrt(d)`` this is the smallest angle between two augmented points;
    it is computed as such, stably, rather than through ``arccos`` of the maximum cosine.
    Requires n >= 2 and no two parallel points (else ``theta_min`` may be 0).
    """
    X = as_matrix(X)
    if X.shape[0] < 2:
        raise ValueError("theta_min needs at least two data points")
    if on_sphere:
        require_sphere(X)
    phi = augmented_angles(X)
    np.fill_diagonal(phi, np.inf)
    return float(phi.min())


def check_data(X, *, on_sphere: bool = True, nonparallel: bool = True) -> np.ndarray:
    """Validate data against the paper's Sec. 2.2 assumptions and return it as float64."""
    X = as_matrix(X)
    if on_sphere:
        require_sphere(X)
    if nonparallel:
        require_nonparallel(X)
    return X


def ntk_torch(X):
    """Differentiable eq. (9) for a torch float64 tensor ``X`` (n, d), any norms (general form).

    Same formula and the same stable angle ``2 atan2(||u - v||, ||u + v||)`` as :func:`ntk`,
    with the chords taken from difference vectors (O(n^2 d) memory: meant for the small data
    sets of gradient-based searches over data, where gradients flow to ``X``).
    """
    import torch

    Xt = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)], dim=1)
    U = Xt / Xt.norm(dim=1, keepdim=True)
    diff = (U[:, None, :] - U[None, :, :]).pow(2).sum(-1)
    summ = (U[:, None, :] + U[None, :, :]).pow(2).sum(-1)
    eye = torch.eye(X.shape[0], dtype=X.dtype, device=X.device)
    # sqrt has an infinite derivative at 0: keep the diagonal (angle 0 by definition) away from it
    phi = 2 * torch.atan2(torch.sqrt(diff + eye), torch.sqrt(summ)) * (1 - eye)
    return (Xt @ Xt.T) * (torch.pi - phi) / (2 * torch.pi), phi


def ntk_subspace(E, d: int) -> tuple[np.ndarray, np.ndarray]:
    """eq. (9) and the augmented angles for ``x_i = sqrt(d) (e_i, 0, ..., 0)``, cost independent of d.

    ``E`` (n, k) has unit rows (a configuration in a k-dimensional subspace, ``k <= d``); the kernel
    depends only on inner products, so this is :func:`ntk` of the embedded n x d data without forming
    it: ``x~_i^T x~_j = d e_i^T e_j + 1``, and with the chords of the augmented points
    ``||x~_i - x~_j|| = sqrt(d) ||e_i - e_j||``, ``||x~_i + x~_j|| = sqrt(d ||e_i + e_j||^2 + 4)``
    (taken from difference vectors, stable near 0 and pi), ``phi = 2 atan2(minus, plus)`` and
    ``pi - phi = 2 atan2(plus, minus)``. Returns ``(H, phi)``.
    """
    E = as_matrix(E, "E")
    if not (int(d) == d and d >= max(1, E.shape[1])):
        raise ValueError(f"d must be an integer >= the subspace dimension {E.shape[1]}, got {d!r}")
    d = float(d)
    minus = np.sqrt(d) * np.linalg.norm(E[:, None, :] - E[None, :, :], axis=-1)
    plus = np.sqrt(d * np.linalg.norm(E[:, None, :] + E[None, :, :], axis=-1) ** 2 + 4.0)
    phi = 2.0 * np.arctan2(minus, plus)
    H = (d * (E @ E.T) + 1.0) * np.arctan2(plus, minus) / np.pi
    return 0.5 * (H + H.T), 0.5 * (phi + phi.T)


def theta_lines(phi: np.ndarray) -> float:
    """Smallest angle between the *lines* through the augmented points: ``min_{i != j} min(phi_ij,
    pi - phi_ij)`` for the matrix ``phi`` of augmented angles (the angle of ``x~_i`` to ``+-x~_j``)."""
    g = np.minimum(phi, np.pi - phi)
    g = g + np.diag(np.full(g.shape[0], np.inf))
    return float(g.min())
