"""Lemma 6.4 of E, Ma, Wang, Wu (2019): on ``I_c(Theta0)`` the deep network stays close to the
random-feature model ``f~(x; a, B0) = sum_l a(l)^T sigma(B0(l) x)`` with the same ``a``:

    |f(x; a, B, theta) - f~(x; a, B0)| <= 6 c^2 |a| / L,                      (f)
    |grad_a(l) f(x; a, B, theta) - grad_a(l) f~(x; a, B0)| <= c^2 / L.        (grad)

``|a|`` is read as the Euclidean norm of all of ``a``, ``|a|^2 = sum_l |a(l)|^2``, the reading Theorem
6.6 uses (``|a_t|^2 <= c_n^2 / L`` on ``I_{c_n}``, hence its ``c^3 / L^{3/2}``). The proof sums
``|a(l)^T (g(l) - sigma(B0(l) x))| <= 6 |a(l)| c^2 / L`` over the blocks, which gives
``6 c^2 / L sum_l |a(l)|``: a sum of block norms, up to ``sqrt(L - 1)`` times the Euclidean norm.
``e19/lemma6.4/f-proof`` checks that (the statement with ``sum_l |a(l)|``). For the gradient the
proof gives ``(1 + 5c/L) 6c^2/L + 5c/L`` and writes ``<~ c^2/L``; with Proposition 4.2's proven
``|alpha - 1| <= 5c^2/L`` (its erratum) it is ``(1 + 5c^2/L) 6c^2/L + 5c^2/L``, checked as
``e19/lemma6.4/grad-proof``; ``e19/lemma6.4/grad`` checks the printed constant 1.

**Errata.** Both printed bounds are false. Smallest counterexample (minimum depth ``L = 6c^2`` at
``c = 1``, ``d = m = 1``, ReLU, ``x = 1``, ``B0 = 1``, every block ``B = B0 + c/L``, ``a = r = C = c/L``):
``|f - f~| / (6c^2 |a| / L) = 1.035`` and ``|grad difference| / (c^2/L) = 3.79``. With ``a = c/L`` in every
block ``sum_l |a(l)| / |a| = sqrt(L - 1)`` and the ratio of (f) grows like ``sqrt(L)`` (2.3 found at
``c = 10``, ``L = 600``): Theorem 6.6's ``L^{-3/2}`` rests on the Euclidean reading. The grad ratio
is largest at small c (the ``c/L`` terms of ``g - g0`` are not ``c^2/L``). The proof's bounds hold (0.46
and 0.24 there).

The per-block gradients are ``alpha(l+1) g(l)`` and ``sigma(B0(l) x)``. Depth condition: the proof
uses Propositions 4.1 and 4.2, so ``L >= 6 c^2``. Certified; tolerance as in :mod:`.stability`.
"""
from __future__ import annotations

from models._shared.lazy import torch  # imported at first use: registration stays torch-free

import models.skip_resnet.network as sr
from theorems._core import CERTIFIED, COUNTEREXAMPLE, Erratum, Measurement, regime_of
from theorems._registry import register
from theorems._tolerance import EPS
from theorems.e19 import _params, _sup

DEPTH_K = 6

#: part -> (quantity, bound(c, L, q), statement)
PARTS = {
    "f": ("f", lambda c, L, q: 6 * c**2 * q["a_l2"] / L, "|f - f~| <= 6c^2 |a| / L, |a| the Euclidean norm (as printed)"),
    "f-proof": ("f", lambda c, L, q: 6 * c**2 * q["a_sum"] / L, "|f - f~| <= 6c^2 sum_l |a(l)| / L (what the proof sums)"),
    "grad": ("grad", lambda c, L, q: c**2 / L, "max_l |grad_a(l) f - grad_a(l) f~| <= c^2/L (as printed)"),
    "grad-proof": ("grad", lambda c, L, q: (1 + 5 * c**2 / L) * 6 * c**2 / L + 5 * c**2 / L,
                   "max_l |grad_a(l) f - grad_a(l) f~| <= (1 + 5c^2/L) 6c^2/L + 5c^2/L (the proof's steps)"),
}


def reference_features(B0, x, act: str):
    """``sigma(B0(l) x)`` for every block, (L-1, m): the features of f~ (torch, differentiable)."""
    return sr.sigma(act, B0 @ x)


def quantities(p: sr.Params, p0: sr.Params, x, act: str) -> dict:
    """Torch scalars: ``|f - f~|``, ``max_l |alpha(l+1) g(l) - sigma(B0(l) x)|`` and the two norms of a."""
    X = x[None, :]
    y, _, pre = sr.forward(p, X, act)
    alpha = sr.backprop(p, X, act)[0]
    feat0 = reference_features(p0.B, x, act)
    f_rf = (p.a * feat0).sum()
    grad_dnn = alpha[1:, 0, None] * sr.sigma(act, pre)[:, 0, :]
    return {
        "f": (y[-1, 0] - f_rf).abs(),
        "grad": torch.linalg.vector_norm(grad_dnn - feat0, dim=1).max(),
        "a_l2": torch.linalg.vector_norm(p.a),
        "a_sum": torch.linalg.vector_norm(p.a, dim=1).sum(),
    }


def _ratio(part: str, q: dict, c: float, L: int):
    key, bound, _ = PARTS[part]
    return q[key] / (bound(c, L, q) + 1e-300)  # a = 0 gives f = f~ = 0: ratio 0


def _evaluator(part: str):
    def evaluate(inst: dict) -> Measurement:
        p, p0, c, L, q = _sup.measure(quantities, inst)
        key, bound, _ = PARTS[part]
        b = bound(c, L, q)
        ratio = q[key] / b if b > 0 else (float("inf") if q[key] > 0 else 0.0)
        hyps = _params.hypotheses(inst, p, p0, DEPTH_K)
        return Measurement(
            check=f"e19/lemma6.4/{part}", lhs=q[key], rhs=b, ratio=ratio, regime=regime_of(CERTIFIED, hyps), hypotheses=hyps,
            constants={f"sup_{key}": q[key], "bound": b, **q, "L/c^2": _sup.depth_ratio(c, L),
                       "sum_l|a(l)| / |a|": q["a_sum"] / q["a_l2"] if q["a_l2"] > 0 else 1.0},
            details=_sup.details(p, p0, c),
            tolerance=4 * L * (p.dim + p.width + 4) * EPS * (1 + ratio + 1 / max(b, 1e-300) * EPS),
        )

    return evaluate


def _objective(part: str):
    return lambda p, p0, x, act, c, L: _ratio(part, quantities(p, p0, x, act), c, L)


ascend = _sup.ascender(_objective)


#: part -> how lhs and rhs are formed (the rest of the derivation is shared: :data:`DERIVATION`)
MEASURES = {
    "f": "lhs = |f(x; Theta) - f~(x; a, B0)|, rhs = 6c^2 |a| / L with |a| the Euclidean norm of all of a "
         "(sum_l |a(l)|^2 = |a|^2, the reading Theorem 6.6 uses)",
    "f-proof": "lhs = |f(x; Theta) - f~(x; a, B0)|, rhs = 6c^2 sum_l |a(l)| / L, the sum of block norms "
               "that the proof's block-by-block bound 6 |a(l)| c^2 / L adds up to",
    "grad": "lhs = max_l |alpha(l+1) g(l) - sigma(B0(l) x)|, the gap between grad_a(l) f and grad_a(l) f~; "
            "rhs = c^2/L (the printed constant 1)",
    "grad-proof": "lhs = max_l |alpha(l+1) g(l) - sigma(B0(l) x)|; rhs = (1 + 5c^2/L) 6c^2/L + 5c^2/L, the "
                  "proof's steps with Proposition 4.2's proven |alpha - 1| <= 5c^2/L in place of 5c/L",
}

DERIVATION = """{measure}; ratio = lhs / rhs (0 when a = 0, where f = f~ = 0). f~(x; a, B0) = sum_l a(l)^T
sigma(B0(l) x) is the random-feature model with the same a (6.2); f, g(l) and alpha(l) come from one
float64 torch forward and backward pass (2.3), (4.3) of models.skip_resnet. Tolerance: 4 L (d + m + 4)
eps (1 + ratio + eps/rhs), as for Proposition 4.1.

""" + _params.SUP_DERIVATION



def all_blocks(c: float = 1.0, L: int = 6, r: bool = True, C: bool = True) -> dict:
    """d = m = 1, ReLU, x = 1, B0 = 1; every block B = B0 + c/L, a = c/L (and r, C = c/L); the
    defaults (L = 6c^2) are the errata's smallest counterexample."""
    k, e = L - 1, c / L
    inst = {"activation": "relu", "L": L, "c": c, "x": [1.0], "B0": [[[1.0]]] * k, "B": [[[1.0 + e]]] * k, "a": [[e]] * k}
    if r:
        inst["r"] = [[e]] * k
    if C:
        inst["C"] = [[[e]]] * k
    return inst


_TEXTS = {
    "f": ("false as printed with |a| the Euclidean norm (Theorem 6.6's reading): smallest counterexample d = m = 1, "
          "c = 1, L = 6, every block B = B0 + c/L, a = r = C = c/L, ratio 1.035 (pinned case lemma6.4-erratum-smallest); "
          "the ratio grows like sqrt(L); the proof bounds the sum of block norms: e19/lemma6.4/f-proof"),
    "grad": ("false as printed with the constant 1: ratio 3.79 on the same instance; the proof gives "
             "(1 + 5c^2/L) 6c^2/L + 5c^2/L: e19/lemma6.4/grad-proof"),
}
#: part -> (pinned case, ratio, corrected part's ratio) on :func:`all_blocks`
_PINNED = {"f": ("lemma6.4-erratum-smallest", 1.0353068294428684, 0.46300328964080684),
           "grad": ("lemma6.4-grad-erratum-smallest", 3.785503353147386, 0.23659395957171162)}
ERRATA = {part: Erratum(what=_TEXTS[part], counterexample=all_blocks(), verdict=COUNTEREXAMPLE, pinned=name, ratio=ratio,
                        corrected=f"e19/lemma6.4/{part}-proof", corrected_ratio=fixed)
          for part, (name, ratio, fixed) in _PINNED.items()}

for _part, (_key, _bound, _what) in PARTS.items():
    register(_sup.sup_check(
        f"e19/lemma6.4/{_part}",
        title=_what + " on I_c(Theta0), x on the sphere",
        evaluator=_evaluator(_part),
        objective=_objective(_part),
        k=DEPTH_K,
        erratum=ERRATA.get(_part),
        statement=f"{_what} for all Theta in I_c(Theta0) and x in S^(d-1), if L >= {DEPTH_K} c^2 (Lemma 6.4, "
        "the deep net against the random-feature model" + ("; corrected statement)" if _part.endswith("proof") else ")"),
        derivation=DERIVATION.format(measure=MEASURES[_part], k=DEPTH_K),
        equation="Lemma 6.4, (6.2)",
        hypotheses={f"L >= {DEPTH_K} c^2": "Propositions 4.1 and 4.2, used by the proof", "Theta in I_c(Theta0)": "Definition 1", "c >= 1, c/L <= 1": "Sec. 4"},
    ))
