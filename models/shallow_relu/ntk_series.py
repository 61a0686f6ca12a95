"""Satpathi & Srikant (2021), Lemma 6: the power series of the kernel of eq. (9).

For ``||x|| = ||y|| = sqrt(d)`` let ``s = x^T y`` and ``u = (s + 1)/(d + 1) = x~^T y~ /(d + 1)``.
Eq. (9) reads ``K = (d+1) u (pi - arccos u) / (2 pi) = (d+1) u (1/4 + arcsin(u) / (2 pi))``.

Derivation of the printed coefficients (checked, not assumed, by the ``satpathi21/lemma6``
check): ``arcsin u = sum_{p>=0} (2p-1)!! / ((2p)!! (2p+1)) u^{2p+1}``, so

    K = (s + 1)/4 + sum_{p>=1} c_{2p} u^{2p},   c_{2p} = (2p-3)!! (d+1) / (2 pi (2p-2)!! (2p-1)),

and expanding ``(s + 1)^{2p}`` binomially gives ``K = sum_k d_k s^k`` with

    d_0 = 1/4 + sum_{p>=1} c_{2p} / (d+1)^{2p},   d_1 = 1/4 + sum_{p>=1} 2p c_{2p} / (d+1)^{2p},
    d_k = sum_{p >= ceil(k/2)} c_{2p} C(2p, k) / (d+1)^{2p}    (k >= 2),

which are Lemma 6's coefficients (``(-1)!! = 0!! = 1``). All ``c_{2p}`` and ``d_k`` are positive,
so the partial sums of ``sum_k d_k |s|^k`` increase to ``K(|s|)``: the truncation error at
``s`` is bounded by ``K(|s|) - sum_{k<=N} d_k |s|^k`` (:func:`truncation_bound`), which makes the
comparison rigorous up to the working precision of mpmath.

Everything here is computed in mpmath at ``DPS`` decimal digits.
"""
from __future__ import annotations

import math
from functools import lru_cache

from models._shared.lazy import mpmath  # imported at first use

#: Working precision (decimal digits) of the series computations.
DPS = 50


def _mp(x) -> mpmath.mpf:
    return mpmath.mpf(x)


@lru_cache(maxsize=None)
def c2p(p: int, d: int) -> mpmath.mpf:
    """``c_{2p} = (2p-3)!! (d+1) / (2 pi (2p-2)!! (2p-1))`` for ``p >= 1`` (Lemma 6)."""
    if p < 1:
        raise ValueError(f"c_2p is defined for p >= 1, got p = {p}")
    with mpmath.workdps(DPS):
        return mpmath.fac2(2 * p - 3) * (d + 1) / (2 * mpmath.pi * mpmath.fac2(2 * p - 2) * (2 * p - 1))


@lru_cache(maxsize=None)
def d_coefficient(k: int, d: int) -> mpmath.mpf:
    """``d_k`` of Lemma 6, summed over p until the remaining terms are below the working precision.

    Consecutive terms ``t_p = c_{2p} C(2p, k) (d+1)^{-2p}`` have ratio
    ``q_p = [(2p-1)^2 / (2p (2p+1))] [(2p+2)(2p+1) / ((2p+2-k)(2p+1-k))] / (d+1)^2``, which
    decreases towards ``1/(d+1)^2 <= 1/4``; once ``q_p <= 1/2`` the tail is at most ``t_p q_p / (1 - q_p)``.
    """
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    if d < 1:
        raise ValueError(f"d must be a positive integer, got {d}")
    with mpmath.workdps(DPS + 10):
        total = _mp(0.25) if k <= 1 else _mp(0)
        p = max(1, (k + 1) // 2)
        eps = mpmath.mpf(10) ** (-(DPS + 5))
        while True:
            t = c2p(p, d) * mpmath.binomial(2 * p, k) / _mp(d + 1) ** (2 * p)
            total += t
            q = c2p(p + 1, d) * mpmath.binomial(2 * p + 2, k) / (c2p(p, d) * mpmath.binomial(2 * p, k) * _mp(d + 1) ** 2)
            if q <= 0.5 and t * q / (1 - q) <= eps * total:
                return +total
            p += 1


def closed_form(s, d: int) -> mpmath.mpf:
    """Eq. (9) as a function of ``s = x^T y`` on the sphere: ``(s+1)(pi - arccos u)/(2 pi)``, ``u = (s+1)/(d+1)``."""
    with mpmath.workdps(DPS):
        s = _mp(s)
        u = (s + 1) / (d + 1)
        if abs(u) > 1:
            raise ValueError(f"|x^T y| <= d on the sphere ||x|| = sqrt(d); got s = {s} for d = {d}")
        return (s + 1) * (mpmath.pi - mpmath.acos(u)) / (2 * mpmath.pi)


def partial_sum(s, d: int, terms: int, coefficients=None) -> mpmath.mpf:
    """``sum_{k=0}^{terms-1} d_k s^k``."""
    coefficients = coefficients if coefficients is not None else [d_coefficient(k, d) for k in range(terms)]
    with mpmath.workdps(DPS):
        s = _mp(s)
        return mpmath.fsum(c * s**k for k, c in enumerate(coefficients[:terms]))


def truncation_bound(s, d: int, terms: int, coefficients=None) -> mpmath.mpf:
    """Rigorous bound on ``|K(s) - sum_{k<terms} d_k s^k|``: ``K(|s|) - sum_{k<terms} d_k |s|^k``
    (all ``d_k > 0``; see the module docstring)."""
    with mpmath.workdps(DPS):
        return max(closed_form(abs(_mp(s)), d) - partial_sum(abs(_mp(s)), d, terms, coefficients), _mp(0))


def feature_norm_sq(p: int, d: int, beta_norm: float = 1.0) -> mpmath.mpf:
    """Corollary 8: ``y = (x^T beta)^p = phi(x)^T w_bar`` with ``w_bar`` carrying ``beta^{(x)p} / sqrt(d_p)``
    in block p, so ``|w_bar|^2 = ||beta||^{2p} / d_p``."""
    with mpmath.workdps(DPS):
        return _mp(beta_norm) ** (2 * p) / d_coefficient(p, d)


def terms_for(s: float, d: int, tol: float, max_terms: int = 400) -> int | None:
    """Fewest terms whose truncation bound at ``s`` is below ``tol`` (None beyond ``max_terms``).

    For ``|s| < d`` the bound decays geometrically like ``((|s|+1)/(d+1))^{N}``; at ``|s| = d``
    (``x = +-y``) it decays only like ``N^{-1/2}`` (``c_{2p} ~ p^{-3/2}``).
    """
    coeffs = [d_coefficient(k, d) for k in range(max_terms)]
    lo, hi = 1, max_terms
    if truncation_bound(s, d, hi, coeffs) > tol:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if truncation_bound(s, d, mid, coeffs) <= tol:
            hi = mid
        else:
            lo = mid + 1
    return lo


def float_closed_form(s: float, d: int) -> float:
    """float64 eq. (9) in terms of s, for comparison (arccos is ill-conditioned near u = 1)."""
    u = (s + 1) / (d + 1)
    return (s + 1) * (math.pi - math.acos(max(-1.0, min(1.0, u)))) / (2 * math.pi)


def taylor_coefficients(d: int, terms: int) -> list:
    """Taylor coefficients of the closed form in ``s`` at 0, by mpmath's high-precision numerical
    differentiation: an independent computation of the ``d_k`` (it never uses Lemma 6's formulas)."""
    with mpmath.workdps(DPS):
        f = lambda s: (s + 1) / 4 + (s + 1) * mpmath.asin((s + 1) / (d + 1)) / (2 * mpmath.pi)  # noqa: E731
        return mpmath.taylor(f, 0, terms - 1)
