"""Deterministic data designs on the sphere ``||x|| = sqrt(d)``: random and adversarial.

Each design is a pure function of small parameters (n, d, a seed, a scale), so that a
Hypothesis strategy can draw and shrink the parameters rather than thousands of floats, and a
worst case is reproducible from its name alone (``describe(design)``).

Families (Lemma 1's lower bound is a sup statement, so most of these are adversarial):

``uniform``         i.i.d. uniform on the sphere.
``cap``             uniform in a spherical cap of angular radius ``scale`` (clustered points).
``near-duplicates`` ceil(n/2) uniform points, each with a copy at angle ``scale`` (theta_min -> 0).
``great-circle``    n equally spaced points on an arc of length ``scale * pi`` of a great circle.
``cube-cap``        the 2^k vertices of a k-cube (n = 2^k), scaled into a cap of radius ``scale``:
                    locally the Euclidean distance kernel, whose cube is Ball's (1992) sharp
                    example; the worst design found for Lemma 1 (k = 4, n = 16).
``low-dim``         uniform on a great k-sphere (points in a random (k+1)-dim subspace).
``near-antipodal``  n = 2m points in a random plane: m lines at angles ``i pi/m``, each carrying
                    ``e_i`` and ``-e_i`` rotated by ``scale`` (not drawn by the strategies: it
                    breaks Lemma 1's lower bound for large d, see ``satpathi21/lemma1/lower``).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

FAMILIES = ("uniform", "cap", "near-duplicates", "great-circle", "cube-cap", "low-dim")
#: families built on request (searches, audits) but not drawn by ``theorems.strategies.designs``
EXTRA_FAMILIES = ("near-antipodal",)


@dataclass(frozen=True)
class Design:
    family: str
    n: int
    d: int
    seed: int = 0
    scale: float = 1.0  # family-specific: cap radius, duplicate gap, arc fraction
    k: int = 2  # cube dimension / subspace dimension

    def to_json(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        return f"{self.family}(n={self.n}, d={self.d}, seed={self.seed}, scale={self.scale:.3g}, k={self.k})"


def to_sphere(Z: np.ndarray) -> np.ndarray:
    """Rows of ``Z`` rescaled to norm ``sqrt(d)``."""
    d = Z.shape[1]
    return Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(d)


def _orthonormal(rng: np.random.Generator, d: int, k: int) -> np.ndarray:
    """A random d x k matrix with orthonormal columns."""
    Q, _ = np.linalg.qr(rng.standard_normal((d, k)))
    return Q[:, :k]


def _in_cap(rng, centre: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Unit vectors at the given tangent offsets (rows, orthogonal to ``centre``) via the exponential map."""
    r = np.linalg.norm(offsets, axis=1, keepdims=True)
    safe = np.where(r > 0, r, 1.0)
    return np.cos(r) * centre[None, :] + np.sin(r) * offsets / safe


def build(design: Design) -> np.ndarray:
    """The n x d data matrix of a design (float64, rows of norm sqrt(d))."""
    fam, n, d, s = design.family, design.n, design.d, design.scale
    rng = np.random.default_rng(design.seed)
    if fam not in FAMILIES + EXTRA_FAMILIES:
        raise ValueError(f"unknown design family {fam!r}; known: {', '.join(FAMILIES + EXTRA_FAMILIES)}")
    if n < 1 or d < 1:
        raise ValueError(f"a design needs n >= 1 and d >= 1, got n={n}, d={d}")
    if fam == "uniform":
        return to_sphere(rng.standard_normal((n, d)))
    if fam == "low-dim":
        k = max(1, min(design.k, d - 1))
        return to_sphere(rng.standard_normal((n, k + 1)) @ _orthonormal(rng, d, k + 1).T)
    if fam == "great-circle":
        if d < 2:
            raise ValueError("great-circle needs d >= 2")
        Q = _orthonormal(rng, d, 2)
        t = (np.arange(n) + 0.5) * (s * math.pi / n)  # arc of length s*pi, no antipodes for s <= 1
        return to_sphere(np.cos(t)[:, None] * Q[:, 0] + np.sin(t)[:, None] * Q[:, 1])
    if fam == "near-duplicates":
        base = to_sphere(rng.standard_normal(((n + 1) // 2, d))) / math.sqrt(d)
        tang = rng.standard_normal(base.shape)
        tang -= np.sum(tang * base, axis=1, keepdims=True) * base
        tang *= s / np.linalg.norm(tang, axis=1, keepdims=True)
        twins = np.array(
            [_in_cap(rng, b, t[None, :])[0] for b, t in zip(base, tang)]
        )
        return to_sphere(np.concatenate([base, twins])[:n])
    if d < 2:
        raise ValueError(f"{fam} needs d >= 2")
    if fam == "near-antipodal":
        m = (n + 1) // 2
        a = np.arange(m) * math.pi / m
        E = np.concatenate([np.c_[np.cos(a), np.sin(a)], -np.c_[np.cos(a + s), np.sin(a + s)]])[:n]
        return to_sphere(E @ _orthonormal(rng, d, 2).T)
    centre = to_sphere(rng.standard_normal((1, d)))[0] / math.sqrt(d)
    if fam == "cap":
        dirs = rng.standard_normal((n, d))
        dirs -= np.outer(dirs @ centre, centre)  # tangent at the centre
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        radii = s * rng.uniform(0, 1, size=(n, 1)) ** (1.0 / max(d - 1, 1))
        return to_sphere(_in_cap(rng, centre, radii * dirs))
    if fam == "cube-cap":
        k = max(1, min(design.k, d - 1))
        Q = np.linalg.qr(np.column_stack([centre, rng.standard_normal((d, k))]))[0]
        tangent = Q[:, 1 : k + 1]  # orthonormal, orthogonal to the centre
        verts = np.array([[(i >> b) & 1 for b in range(k)] for i in range(2**k)], dtype=np.float64) - 0.5
        pts = verts * (s / math.sqrt(k))  # side s / sqrt(k), circumradius s / 2
        X = to_sphere(_in_cap(rng, centre, pts @ tangent.T))
        return X[:n] if n < len(X) else X
    raise AssertionError(fam)
