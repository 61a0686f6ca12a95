"""Numerically stable angles between vectors.

``arccos(<u, v>)`` loses half the digits near 0 and pi: an angle of 1e-8 comes out as 0 or
1.5e-8. Here the angle between unit vectors is ``2 * arctan2(||u - v||, ||u + v||)``, with the
chord lengths taken from the difference vectors themselves for the pairs where the Gram-based
chord would cancel (cosine within 1e-3 of +-1), and from the Gram matrix elsewhere (where
``||u -+ v||^2 = 2 -+ 2<u, v>`` has relative error below ~1e-13).
"""
from __future__ import annotations

import numpy as np

from models._shared.validation import PARALLEL_ATOL, as_matrix

_CANCELLATION = 1e-3


def unit_rows(X) -> np.ndarray:
    """Rows of ``X`` scaled to unit Euclidean norm (``ValueError`` on a zero row)."""
    X = as_matrix(X)
    norms = np.linalg.norm(X, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"row {int(np.argmin(norms))} is zero: its direction is undefined")
    return X / norms[:, None]


def pairwise_angles(X, Y=None) -> np.ndarray:
    """Matrix of angles in [0, pi] between the rows of ``X`` and of ``Y`` (default ``X``)."""
    U = unit_rows(X)
    V = U if Y is None else unit_rows(Y)
    if U.shape[1] != V.shape[1]:
        raise ValueError(f"X has {U.shape[1]} columns but Y has {V.shape[1]}")
    G = np.clip(U @ V.T, -1.0, 1.0)
    minus = np.sqrt(np.maximum(2.0 - 2.0 * G, 0.0))  # ||u - v||
    plus = np.sqrt(np.maximum(2.0 + 2.0 * G, 0.0))  # ||u + v||
    close = np.abs(G) > 1.0 - _CANCELLATION
    if np.any(close):
        ii, jj = np.nonzero(close)
        chunk = max(1, (1 << 24) // U.shape[1])  # bound the temporaries to ~128 MiB
        for start in range(0, ii.size, chunk):
            i, j = ii[start : start + chunk], jj[start : start + chunk]
            minus[i, j] = np.linalg.norm(U[i] - V[j], axis=1)
            plus[i, j] = np.linalg.norm(U[i] + V[j], axis=1)
    phi = 2.0 * np.arctan2(minus, plus)
    if Y is None:
        phi = 0.5 * (phi + phi.T)  # exact symmetry; the two halves agree to rounding
        np.fill_diagonal(phi, 0.0)
    return phi


def parallel_pair(X: np.ndarray, atol: float = PARALLEL_ATOL) -> tuple[int, int] | None:
    """The first pair (i, j), i < j, of rows that are parallel (angle 0 or pi), else None."""
    n = X.shape[0]
    if n < 2:
        return None
    phi = pairwise_angles(X)
    gap = np.minimum(phi, np.pi - phi)
    gap[np.diag_indices(n)] = np.inf
    i, j = np.unravel_index(np.argmin(gap), gap.shape)
    if gap[i, j] < atol:
        return (int(min(i, j)), int(max(i, j)))
    return None


def require_nonparallel(X: np.ndarray, atol: float = PARALLEL_ATOL) -> None:
    """Raise if two rows of ``X`` are parallel (the paper's assumption ``x_i not || x_j``)."""
    pair = parallel_pair(X, atol)
    if pair is not None:
        i, j = pair
        raise ValueError(
            f"x_{i} and x_{j} are parallel (angle within {atol:g} of 0 or pi); "
            "the statement assumes no two data points are parallel"
        )
