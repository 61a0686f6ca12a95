"""The kernel of E, Ma, Wang, Wu (2019), Sec. 2.2, and the Gram matrix it is compared with (4.8).

``k0(x, x') = E_{w ~ pi0}[sigma(w^T x) sigma(w^T x')]`` (2.6), ``pi0`` uniform on ``S^{d-1}``;
``K_ij = k0(x_i, x_j) / n``; ``lambda_n = lambda_min(K)`` (2.7).

**ReLU, closed form.** For ``g ~ N(0, I_d)`` the arc-cosine kernel of degree 1 (Cho & Saul 2009)
is ``E[relu(g.x) relu(g.x')] = |x||x'| (sin t + (pi - t) cos t) / (2 pi)``, ``t`` the angle. Writing
``g = |g| w`` with ``|g|`` independent of ``w ~ pi0`` and ``E|g|^2 = d``, and using that relu is
positively homogeneous, ``k0 = |x||x'| (sin t + (pi - t) cos t) / (2 pi d)``. Angles come from
:func:`models._shared.angles.pairwise_angles` (arctan2 of chord lengths, stable near 0 and pi).

**Any sigma, quadrature.** ``(w.x, w.x')`` depends on ``w`` only through its projection onto the
plane of ``x, x'``; in polar coordinates ``(s cos phi, s sin phi)`` of that plane, ``phi`` is uniform
and ``t = s^2 ~ Beta(1, (d - 2)/2)`` for ``d >= 3`` (``s = 1`` for ``d = 2``; ``w = +-1`` for
``d = 1``). With ``x = |x| e1``, ``x' = |x'| (cos t e1 + sin t e2)``:
``k0 = E_t (1/2pi) int sigma(|x| sqrt(t) cos phi) sigma(|x'| sqrt(t) cos(phi - t)) dphi``, by Gauss–Jacobi
nodes in ``t`` and the trapezoidal rule in ``phi`` (periodic: geometric convergence for smooth
sigma such as tanh; ReLU's kink makes it algebraic, so ReLU uses the closed form). The error is
estimated as the difference from the rule with half the nodes in each variable.

**The scaling between H and K.** Rows of ``B0(l)`` are ``w_k / sqrt(m)`` with ``w_k ~ pi0``, so at
``Theta0`` (``alpha = 1``) ``E <sigma(B0 x), sigma(B0 x')> = m E[sigma(w.x/sqrt m) sigma(w.x'/sqrt m)]
=: k0_m(x, x')`` and ``E H(Theta0) = (1 - 1/L) k0_m(X, X) / n`` (L - 1 blocks under the printed
``1/(nL)``). For ReLU (positively homogeneous) ``k0_m = k0``: H is an unbiased estimate of
``(1 - 1/L) K``. For tanh it is not: ``k0_m -> <x, x'>/d`` (a linear kernel, of rank d) as m grows,
so the paper's "any 1-Lipschitz sigma with sigma(0) = 0" does not give ``E H = K``.
"""
from __future__ import annotations

import numpy as np
from scipy.special import roots_jacobi

from models._shared.angles import pairwise_angles
from models._shared.validation import as_matrix

ACTIVATIONS = {"relu": lambda u: np.maximum(u, 0.0), "tanh": np.tanh}

#: default quadrature nodes (in t and, doubled, in phi); tanh converges to ~1e-15 well before
NODES = 48


def _sigma(act: str):
    if act not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {act!r}")
    return ACTIVATIONS[act]


def relu_k0(X, Y=None) -> np.ndarray:
    """Closed form of (2.6) for ReLU (module docstring)."""
    X = as_matrix(X)
    Yv = X if Y is None else as_matrix(Y, "Y")
    t = pairwise_angles(X, Yv)
    scale = np.linalg.norm(X, axis=1)[:, None] * np.linalg.norm(Yv, axis=1)[None, :]
    return scale * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi * X.shape[1])


def _quadrature(X, Y, act: str, nodes: int, m: float) -> np.ndarray:
    sig = _sigma(act)
    d = X.shape[1]
    nx, ny = np.linalg.norm(X, axis=1), np.linalg.norm(Y, axis=1)
    if d == 1:  # w = +1 or -1
        return m * 0.5 * (sig(X / np.sqrt(m)) * sig(Y / np.sqrt(m)).T + sig(-X / np.sqrt(m)) * sig(-Y / np.sqrt(m)).T)
    t = pairwise_angles(X, Y)[..., None, None]
    if d == 2:
        s, ws = np.ones(1), np.ones(1)
    else:  # t = s^2 ~ Beta(1, (d-2)/2): weight (1 - t)^{(d-4)/2} on [0, 1], Gauss-Jacobi on [-1, 1]
        u, wu = roots_jacobi(nodes, (d - 4) / 2, 0.0)
        s, ws = np.sqrt((1 + u) / 2), wu / wu.sum()
    phi = 2 * np.pi * np.arange(2 * nodes) / (2 * nodes)
    a = sig(nx[:, None, None, None] * s[:, None] * np.cos(phi) / np.sqrt(m))
    b = sig(ny[None, :, None, None] * s[:, None] * np.cos(phi - t) / np.sqrt(m))
    return m * np.einsum("ijsp,s->ij", a * b, ws) / (2 * nodes)


def k0(X, Y=None, act: str = "relu", *, m: float = 1.0, nodes: int = NODES, with_error: bool = False):
    """``k0_m(x_i, y_j) = m E_{w ~ pi0}[sigma(w.x_i / sqrt m) sigma(w.y_j / sqrt m)]`` ((2.6) at
    ``m = 1``; the mean of the per-block Gram at initialisation for width m). ReLU: closed form
    (independent of m); otherwise quadrature, and ``with_error=True`` also returns the estimated
    absolute error (difference from the rule with half the nodes)."""
    _sigma(act)
    X = as_matrix(X)
    Yv = X if Y is None else as_matrix(Y, "Y")
    if X.shape[1] != Yv.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns but Y has {Yv.shape[1]}")
    if m <= 0:
        raise ValueError(f"m must be positive, got {m}")
    if act == "relu":
        val, err = relu_k0(X, Yv), np.zeros((X.shape[0], Yv.shape[0]))
    else:
        val = _quadrature(X, Yv, act, nodes, m)
        err = np.abs(val - _quadrature(X, Yv, act, max(nodes // 2, 2), m))
    return (val, err) if with_error else val


def kernel_matrix(X, act: str = "relu", *, m: float = 1.0) -> np.ndarray:
    """``K = k0(X, X) / n`` (Sec. 2.2); with ``m``, the matrix ``k0_m(X, X) / n``."""
    X = as_matrix(X)
    return k0(X, act=act, m=m) / X.shape[0]


def lambda_n(X, act: str = "relu", *, m: float = 1.0) -> float:
    """(2.7): ``lambda_min(K)``."""
    return float(np.linalg.eigvalsh(kernel_matrix(X, act, m=m))[0])
