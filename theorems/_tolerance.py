"""Floating-point tolerances derived from the computation (never tuned to make a check pass).

``EPS`` is float64's unit roundoff times two (machine epsilon, 2.22e-16).
"""
from __future__ import annotations

import math

import numpy as np

EPS = float(np.finfo(np.float64).eps)


def kernel_entry_error(d: int) -> float:
    """Bound on ``|fl(H_ij) - H_ij|`` for eq. (9) with ``||x~||^2 = d+1``.

    ``x~_i^T x~_j`` is a dot product of length d+1: error <= (d+1) eps ||x~_i|| ||x~_j||
    = (d+1)^2 eps (Higham, Thm 3.5 with gamma_n ~ n eps). The angle from
    ``2 atan2(chord-, chord+)`` has absolute error below 32 eps (chords accurate to a few eps
    relative, see models._shared.angles), so ``(pi - phi)/(2 pi)`` is off by < 6 eps; the product of
    the two factors (each <= d+1 and <= 1) adds one more rounding.
    """
    return (d + 1) * ((d + 1) + 8) * EPS


def eigenvalue_error(H: np.ndarray, entry_error: float) -> float:
    """Bound on ``|fl(lambda_k(H)) - lambda_k(H)|`` for ``numpy.linalg.eigvalsh``.

    Two sources, added (Weyl's inequality): the error in forming H, ``||dH||_2 <= n max|dH_ij|``,
    and the backward error of the symmetric eigensolver, ``||E||_2 <= p(n) eps ||H||_2`` with
    the conservative ``p(n) = 4n`` (LAPACK's syevd is backward stable with a modest p(n)).
    """
    n = H.shape[0]
    norm = float(np.linalg.norm(H, 2)) if n <= 2000 else float(np.linalg.norm(H, "fro"))
    return n * entry_error + 4 * n * EPS * norm


def angle_relative_error(theta: float) -> float:
    """Relative error bound of a stably computed angle ``theta`` (absolute error <= 32 eps)."""
    return 32 * EPS / theta if theta > 0 else math.inf
