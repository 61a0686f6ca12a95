"""Lemma 6 of Satpathi & Srikant (2021), Sec. 5: the feature expansion of the kernel of eq. (9).

``K(x, y) = sum_k d_k (x^T y)^k`` with the printed ``d_0, d_1, d_k, c_2p`` must equal the closed
form ``x~^T y~ (pi - arccos(x~^T y~/(d+1)))/(2 pi)`` on the sphere ``||x|| = sqrt(d)``.

This is an identity, checked *certified*: the coefficients and both sides are computed in
mpmath at 50 digits (:mod:`models.shallow_relu.ntk_series`), and since every ``d_k`` is positive the error of
the truncated series at ``s = x^T y`` is rigorously bounded by ``K(|s|) - sum_{k<N} d_k |s|^k``.
The printed coefficients are also compared one by one with Taylor coefficients computed
independently (see :func:`_lemma6`). Reported too: whether N terms bring the series within
1e-12 of the closed form (never at ``x = +-y``, where it converges only like ``N^{-1/2}``), and ``|w_bar|^2 = 1/d_p`` of Corollary 8
for ``p = 0..3`` against its printed order ``(d+1)^p (p+1)^{1.5}``.

The derivation in :mod:`models.shallow_relu.ntk_series` reproduces the printed coefficients; no erratum.
"""
from __future__ import annotations

import inspect
import math

from models._shared.lazy import mpmath  # imported at first use
import numpy as np
from hypothesis import strategies as st

import models.shallow_relu.ntk_series as series
from theorems._core import CERTIFIED, HYP_CERTIFIED, Check, InstanceError, Measurement, Testing
from theorems._instances import Field, Spec
from theorems._instances import X as X_FIELD
from theorems._registry import register
from theorems.satpathi21 import _quantifiers as Q
from theorems.satpathi21._refusals import REFUSES

TERMS = Field("terms", "int", "number of series terms N (k = 0..N-1)", required=False, default=40, minimum=1, maximum=400)


def _validate(inst: dict) -> None:
    X = inst["X"]
    if X.shape[0] != 2:
        raise InstanceError("lemma6 takes a pair of points: X must have exactly 2 rows (x and y)")
    d = X.shape[1]
    norms = np.linalg.norm(X, axis=1)
    if np.any(np.abs(norms - math.sqrt(d)) > 1e-9 * math.sqrt(d)):
        raise InstanceError(f"x and y must lie on the sphere ||x|| = sqrt(d) = {math.sqrt(d):.6g}; norms {norms}")


#: relative agreement demanded between printed and independently computed coefficients
#: (both are computed at 50 digits; they agree to about 1e-41)
COEFF_RTOL = 1e-30


def _lemma6(inst: dict) -> Measurement:
    """Two comparisons, both certified at 50-digit precision:

    1. coefficients: the printed ``d_k`` (k < N) against the Taylor coefficients of the closed
       form at ``s = 0`` computed independently (:func:`models.shallow_relu.ntk_series.taylor_coefficients`):
       ``ratio_coef = max_k |d_k - t_k| / (COEFF_RTOL t_k)``;
    2. values: at ``s = x^T y`` the N-term series with the printed coefficients against the
       closed form, allowed the rigorous tail ``K(|s|) - sum_{k<N} t_k |s|^k`` (true
       coefficients, all positive): ``ratio_val = |partial - K(s)| / tail``. For ``s >= 0`` the
       error *is* the tail, so ``ratio_val = 1`` up to rounding (tolerance 1e-20).
    """
    X, N = inst["X"], inst["terms"]
    d = X.shape[1]
    with mpmath.workdps(series.DPS):
        s = mpmath.fsum(mpmath.mpf(float(a)) * mpmath.mpf(float(b)) for a, b in zip(X[0], X[1]))  # exact products
        # on the float sphere |s| may exceed d by rounding: clip (moves s by < 1e-15 d)
        s = max(min(s, mpmath.mpf(d)), -mpmath.mpf(d))
        printed = [series.d_coefficient(k, d) for k in range(N)]
        true = series.taylor_coefficients(d, N)
        ratio_coef = max(float(abs(p - t) / (COEFF_RTOL * t)) for p, t in zip(printed, true))
        closed = series.closed_form(s, d)
        partial = series.partial_sum(s, d, N, printed)
        tail = max(series.closed_form(abs(s), d) - series.partial_sum(abs(s), d, N, true), mpmath.mpf(0))
        err = abs(partial - closed)
        floor = mpmath.mpf(10) ** -40 * (1 + abs(closed))
        ratio_val = float(err / (tail + floor))
    w_bar = {p: float(series.feature_norm_sq(p, d)) for p in range(4)}
    order = {p: (d + 1) ** p * (p + 1) ** 1.5 for p in range(4)}
    hyps = {"||x|| = ||y|| = sqrt(d)": HYP_CERTIFIED}
    return Measurement(
        check="satpathi21/lemma6",
        lhs=float(err),
        rhs=float(tail + floor),
        ratio=max(ratio_coef, ratio_val),
        regime=CERTIFIED,
        hypotheses=hyps,
        constants={"coefficient_ratio": ratio_coef, "abs_error": float(err), "truncation_bound": float(tail)},
        details={
            "s": float(s),
            "d": d,
            "terms": N,
            "closed_form": float(closed),
            "within_1e-12": bool(err <= 1e-12),
            "w_bar_sq": w_bar,
            "w_bar_sq_over_printed_order": {p: w_bar[p] / order[p] for p in w_bar},
        },
        tolerance=1e-20,
    )


@st.composite
def pairs(draw):
    """Two points of the sphere ``||x|| = sqrt(d)``, d in 2..12: random, and the extremes
    ``s = x^T y`` near ``+-d`` (slowest convergence), with N from 1 to 120 terms."""
    d = draw(st.integers(2, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**20)))
    x = rng.standard_normal(d)
    kind = draw(st.sampled_from(["random", "near", "antipodal-near", "orthogonal"]))
    if kind == "random":
        z = rng.standard_normal(d)
    else:
        z = rng.standard_normal(d)
        z -= (z @ x) / (x @ x) * x  # orthogonal to x
        eps = draw(st.floats(1e-6, 0.3))
        z = {"near": x / np.linalg.norm(x) + eps * z / np.linalg.norm(z),
             "antipodal-near": -x / np.linalg.norm(x) + eps * z / np.linalg.norm(z),
             "orthogonal": z}[kind]
    P = np.stack([x, z])
    P = P / np.linalg.norm(P, axis=1, keepdims=True) * math.sqrt(d)
    return {"X": P.tolist(), "terms": draw(st.integers(1, 120)), "design": f"pair {kind} d={d}"}


register(
    Check(
        id="satpathi21/lemma6", sweep={"quick": 8, "full": 60},
        quantifiers=(Q.PAIR_D, Q.PAIR_COS),
        title="Lemma 6: sum_k d_k (x^T y)^k with the printed coefficients equals eq. (9) (mpmath, rigorous tail bound)",
        testing=Testing(examples=15),
        refuses=REFUSES["satpathi21/lemma6"],
        statement="K(x, y) = phi(x)^T phi(y) = sum_k d_k (x^T y)^k = x~^T y~ (pi - arccos(x~^T y~/(d+1)))/(2 pi)",
        equation="Lemma 6, eq. (9)",
        regime=CERTIFIED,
        hypotheses={"||x|| = ||y|| = sqrt(d)": "Sec. 2.2"},
        spec=Spec((X_FIELD, TERMS, Field("design", "str", "provenance", required=False)), check=_validate, title="a pair of points"),
        evaluate_validated=_lemma6,
        derivation=inspect.cleandoc(_lemma6.__doc__ or "") + "\n\nlhs = |partial - K(s)|, rhs = the tail bound (plus a "
        "1e-40 floor), ratio = max(ratio_coef, ratio_val); s = x^T y is summed exactly in mpmath (clipped to [-d, d]). "
        "Hypothesis ||x|| = ||y|| = sqrt(d): enforced by the schema (to 1e-9 relative), hence certified. Also reported: "
        "whether N terms bring the series within 1e-12 of the closed form, and |w_bar|^2 = 1/d_p of Corollary 8 for "
        "p = 0..3 against its printed order (d+1)^p (p+1)^1.5.",
        strategy=lambda: pairs(),
    )
)
