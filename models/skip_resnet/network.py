"""The deep network with long-distance skip connections of E, Ma, Wang, Wu (2019), eqs. (2.2)/(2.3).

Depth and blocks: a network of depth ``L`` has **L - 1 blocks** ``l = 1 .. L-1`` (the reading of
(2.3), whose recursion runs over ``l = 1, ..., L-1`` and outputs ``f = y(L)``); the neighbourhood
radius ``c/L`` of Definition 1 uses the same ``L``. Block l holds ``B(l)`` (m x d), ``r(l)`` (m),
``a(l)`` (m), ``C(l)`` (d x m), stacked over blocks as tensors of shapes ``(L-1, m, d)``,
``(L-1, m)``, ``(L-1, m)``, ``(L-1, d, m)``:

    z(1) = x, y(1) = 0,
    g(l) = sigma(B(l) z(l) + r(l) y(l)),
    z(l+1) = x + C(l) g(l),  y(l+1) = y(l) + a(l)^T g(l),   f(x; Theta) = y(L).

Initialisation (2.5): ``C0 = 0``, ``a0 = 0``, ``r0 = 0``, rows of ``B0(l)`` uniform on the sphere of
radius ``1/sqrt(m)`` (so ``||B0(l)||_F = 1``).

Back-propagated quantities ``alpha(l) = df/dy(l)``, ``beta(l) = df/dz(l)``, ``gamma(l) = df/dg(l)``
(:func:`backprop`). The chain rule through ``g(l) = sigma(p(l))``, ``p(l) = B(l) z(l) + r(l) y(l)``, gives

    gamma(l) = a(l) alpha(l+1) + C(l)^T beta(l+1),
    beta(l)  = B(l)^T (sigma'(p(l)) * gamma(l)),   alpha(l) = alpha(l+1) + r(l)^T (sigma'(p(l)) * gamma(l)),

with ``alpha(L) = 1``, ``beta(L) = 0``. The paper's (4.3) prints ``beta(l) = B(l)^T gamma(l)`` and
``alpha(l) = alpha(l+1) + r(l)^T gamma(l)`` without ``sigma'``: exact only where ``sigma' = 1``
(``printed=True`` reproduces it; tests show where it differs from autograd). ``beta(l)`` is the
derivative through block l's pre-activation, which for ``l >= 2`` is all of ``df/dz(l)``
(``z(1) = x`` also feeds every skip connection; ``beta(1)`` excludes those).

Everything is torch, float64, vectorised over the batch of inputs; the loop runs over blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from models._shared.lazy import torch  # imported at first use: registration stays torch-free

ACTIVATIONS = ("relu", "tanh")


def sigma(name: str, p):
    return torch.relu(p) if name == "relu" else torch.tanh(p)


def dsigma(name: str, p):
    """``sigma'``: relu's is the indicator of ``p > 0`` (0 at 0, torch's convention)."""
    return (p > 0).to(p.dtype) if name == "relu" else 1 - torch.tanh(p) ** 2


@dataclass
class Params:
    B: torch.Tensor  # (L-1, m, d)
    r: torch.Tensor  # (L-1, m)
    a: torch.Tensor  # (L-1, m)
    C: torch.Tensor  # (L-1, d, m)

    @property
    def depth(self) -> int:
        return self.B.shape[0] + 1

    @property
    def blocks(self) -> int:
        return self.B.shape[0]

    @property
    def width(self) -> int:
        return self.B.shape[1]

    @property
    def dim(self) -> int:
        return self.B.shape[2]

    def tensors(self):
        return self.B, self.r, self.a, self.C

    @classmethod
    def of(cls, B, r=None, a=None, C=None) -> "Params":
        """From arrays (missing perturbations: the initial values 0); validates shapes (:func:`check_shapes`)."""
        B, r, a, C = check_shapes(B, r, a, C)
        k, m, d = B.shape

        def tensor(v, shape):
            return torch.zeros(shape, dtype=torch.float64) if v is None else torch.as_tensor(v)

        return cls(torch.as_tensor(B), tensor(r, (k, m)), tensor(a, (k, m)), tensor(C, (k, d, m)))


def check_shapes(B, r=None, a=None, C=None) -> tuple:
    """``(B, r, a, C)`` as float64 numpy arrays (``None`` stays ``None``) after checking the shapes
    ``(L-1, m, d)``, ``(L-1, m)``, ``(L-1, m)``, ``(L-1, d, m)`` (``ValueError`` naming the wrong one);
    numpy only, so that validating an instance does not import torch."""
    B = np.asarray(B, dtype=np.float64)
    if B.ndim != 3:
        raise ValueError(f"B must have shape (L-1, m, d), got {tuple(B.shape)}")
    k, m, d = B.shape
    if k < 1:
        raise ValueError("a network of depth L has L - 1 >= 1 blocks")

    def arr(v, shape, name):
        if v is None:
            return None
        v = np.asarray(v, dtype=np.float64)
        if v.shape != shape:
            raise ValueError(f"{name} must have shape {shape} (one entry per block), got {v.shape}")
        return v

    return B, arr(r, (k, m), "r"), arr(a, (k, m), "a"), arr(C, (k, d, m), "C")


def init_blocks(d: int, m: int, L: int, *, seed: int, chunk: int):
    """The matrices ``B0(1), ..., B0(L-1)`` of (2.5) (rows uniform on the sphere of radius ``1/sqrt m``),
    yielded ``chunk`` blocks at a time (the last chunk may be shorter): the same numbers as
    ``init(d, m, L, seed=seed).B`` in the same order (one generator stream), in memory ``chunk m d``."""
    if L < 2:
        raise ValueError(f"depth L must be >= 2 (L - 1 blocks), got {L}")
    rng = np.random.default_rng(seed)
    for start in range(0, L - 1, chunk):
        B = rng.standard_normal((min(chunk, L - 1 - start), m, d))
        B /= np.linalg.norm(B, axis=2, keepdims=True) * np.sqrt(m)
        yield B


def init(d: int, m: int, L: int, *, seed: int) -> Params:
    """Initialisation (2.5) for depth L (L - 1 blocks)."""
    (B,) = init_blocks(d, m, L, seed=seed, chunk=max(L - 1, 1))
    return Params.of(B)


def forward(p: Params, X, act: str):
    """``(y, z, pre)``: ``y`` (L, n) with ``y[l-1] = y(l)``; ``z`` (L, n, d); ``pre`` (L-1, n, m)
    the pre-activations ``p(l)``; ``f = y[-1]``."""
    X = torch.as_tensor(X, dtype=torch.float64)
    n = X.shape[0]
    ys, zs, pres = [torch.zeros(n, dtype=torch.float64)], [X], []
    for l in range(p.blocks):
        pre = zs[-1] @ p.B[l].T + ys[-1][:, None] * p.r[l]
        g = sigma(act, pre)
        pres.append(pre)
        zs.append(X + g @ p.C[l].T)
        ys.append(ys[-1] + g @ p.a[l])
    return torch.stack(ys), torch.stack(zs), torch.stack(pres)


def output(p: Params, X, act: str):
    return forward(p, X, act)[0][-1]


def backprop(p: Params, X, act: str, *, printed: bool = False):
    """``(alpha, beta, gamma)`` of shapes (L, n), (L, n, d), (L-1, n, m) by the recursion in the
    module docstring (``printed=True``: the paper's (4.3) without sigma')."""
    _, zs, pres = forward(p, X, act)
    n, d = zs.shape[1], zs.shape[2]
    alpha = [torch.ones(n, dtype=torch.float64)]
    beta = [torch.zeros(n, d, dtype=torch.float64)]
    gamma = []
    for l in reversed(range(p.blocks)):
        gm = alpha[-1][:, None] * p.a[l] + beta[-1] @ p.C[l]
        s = gm if printed else dsigma(act, pres[l]) * gm
        gamma.append(gm)
        beta.append(s @ p.B[l])
        alpha.append(alpha[-1] + s @ p.r[l])
    return torch.stack(alpha[::-1]), torch.stack(beta[::-1]), torch.stack(gamma[::-1])


def deviation_norms(p: Params, p0: Params) -> dict:
    """Per block, the four distances of Definition 1 (4.1): ``||a - a0||``, ``||r - r0||``,
    ``||B - B0||_F``, ``||C - C0||_F`` (arrays of length L - 1)."""
    return {
        "a": torch.linalg.vector_norm(p.a - p0.a, dim=1),
        "r": torch.linalg.vector_norm(p.r - p0.r, dim=1),
        "B": torch.linalg.matrix_norm(p.B - p0.B),
        "C": torch.linalg.matrix_norm(p.C - p0.C),
    }


def in_neighbourhood(p: Params, p0: Params, c: float, *, rtol: float = 1e-12) -> bool:
    """``Theta in I_c(Theta0)``: every block within ``c/L`` (Definition 1), up to ``rtol``."""
    eps = c / p.depth * (1 + rtol)
    return all(bool((v <= eps).all()) for v in deviation_norms(p, p0).values())


def random_point(p0: Params, c: float, *, seed: int, fraction: float = 1.0) -> Params:
    """A point of ``I_c(Theta0)``: every block moved by ``fraction * c/L`` in a uniformly random
    direction (``fraction = 1``: on the boundary of every block's ball)."""
    rng = np.random.default_rng(seed)
    eps = fraction * c / p0.depth

    def move(shape):
        v = rng.standard_normal(shape)
        return eps * v / np.sqrt((v**2).sum(axis=tuple(range(1, v.ndim)), keepdims=True))

    k, m, d = p0.blocks, p0.width, p0.dim
    return Params.of(p0.B.numpy() + move((k, m, d)), p0.r.numpy() + move((k, m)), p0.a.numpy() + move((k, m)), p0.C.numpy() + move((k, d, m)))


def project(p: Params, p0: Params, c: float) -> Params:
    """The Euclidean projection onto ``I_c(Theta0)``: each block's deviation scaled into its ball of
    radius ``c/L`` (a product of balls: the projection is blockwise)."""
    eps = c / p.depth

    def shrink(t, t0, dims):
        dev = t - t0
        nrm = torch.linalg.vector_norm(dev, dim=dims, keepdim=True)
        return t0 + dev * torch.clamp(eps / torch.clamp(nrm, min=1e-300), max=1.0)

    return Params(shrink(p.B, p0.B, (1, 2)), shrink(p.r, p0.r, (1,)), shrink(p.a, p0.a, (1,)), shrink(p.C, p0.C, (1, 2)))
