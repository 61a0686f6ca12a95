"""Input validation shared by the models.

Every public model function validates what it is given and raises ``ValueError`` with a
message that names the problem (shape, non-finite entry, norm off the sphere; parallel points
are checked in :mod:`models._shared.angles`, which imports this module). Checks in :mod:`theorems`
turn these into exit status 2 on the command line.
"""
from __future__ import annotations

import numpy as np

#: Relative tolerance on ``||x_i|| = sqrt(d)`` (the paper's standing assumption, Sec. 2.2).
#: Points normalised in float64 are within ~1e-15 of the sphere; JSON round trips are exact.
SPHERE_RTOL = 1e-9

#: Two points are called parallel when the angle between them, or between one and the
#: negative of the other, is below this (radians). Near-duplicates at 1e-8 rad are allowed:
#: they are an adversarial family, not a violation.
PARALLEL_ATOL = 1e-12


def _float64(x, name: str, what: str) -> np.ndarray:
    """``x`` as a float64 array; ``ValueError`` saying ``name`` must be a numeric ``what`` if it is not one."""
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric {what}: {exc}") from None


def as_matrix(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite float64 array of shape (n, d) with n >= 1, d >= 1."""
    A = _float64(X, name, "n x d array")
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (n x d), got shape {A.shape}")
    if A.shape[0] < 1 or A.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        i, j = np.argwhere(~np.isfinite(A))[0]
        raise ValueError(f"{name} has a non-finite entry at ({i}, {j}): {A[i, j]}")
    return A


def as_vector(v, name: str, length: int | None = None) -> np.ndarray:
    """``v`` as a finite float64 vector, optionally of a given length."""
    a = _float64(v, name, "vector")
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise ValueError(f"{name} must have length {length}, got {a.shape[0]}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} has a non-finite entry at index {int(np.argmax(~np.isfinite(a)))}")
    return a


def require_sphere(X: np.ndarray, rtol: float = SPHERE_RTOL) -> None:
    """Raise unless every row has norm ``sqrt(d)`` to relative tolerance ``rtol``."""
    d = X.shape[1]
    norms = np.linalg.norm(X, axis=1)
    err = np.abs(norms / np.sqrt(d) - 1.0)
    if np.any(err > rtol):
        i = int(np.argmax(err))
        raise ValueError(
            f"||x_{i}|| = {norms[i]:.17g} is not sqrt(d) = {np.sqrt(d):.17g} "
            f"(relative error {err[i]:.3g} > {rtol:g}); the paper assumes ||x_i|| = sqrt(d)"
        )
