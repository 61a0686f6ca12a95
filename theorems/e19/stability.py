"""Propositions 4.1 and 4.2 of E, Ma, Wang, Wu (2019): forward and backward stability on
``I_c(Theta0)``, sup statements over the neighbourhood and over x on the sphere.

Each check evaluates one parameter set (the whole set is the instance: :mod:`theorems.e19._params`)
and one x; the sup is searched by the strategy (structured starts: the alignment ``a(l) = r(l)`` on
active neurons that makes ``alpha`` grow, random points on the boundary of every block's ball,
interior points) and by projected gradient ascent in torch from many starts (:mod:`._search`).

- ``e19/proposition4.1/{y,z,g}``: ``max_l |y(l) - y0(l)| <= 4c``, ``max_l ||z(l) - z0(l)|| <= 4c/L``,
  ``max_l ||g(l) - g0(l)|| <= 6c^2/L`` when ``L >= 4c^2`` (4.2);
- ``e19/proposition4.2/{alpha,beta,gamma}``: ``|alpha(l) - 1| <= 5c/L``, ``||beta(l)|| <= 4c/L``,
  ``||gamma(l)|| <= 3c/L`` when ``L >= 6c^2`` (4.4).

**Erratum (alpha).** The proof derives ``alpha(l) <= (1 + 2.25 eps_c^2)^L <= 1 + 5 c eps_c = 1 + 5c^2/L``
and ``alpha(l) >= 1 - 3c^2/L``; the statement prints ``5c/L``. The statement is false for c > ~4.6:
with ``a(l) = r(l) = (c/L) u`` on active neurons, ``alpha(l) = alpha(l+1)(1 + c^2/L^2)``, so
``alpha(1) - 1 = (1 + c^2/L^2)^(L-1) - 1 ~ e^{c^2/L} - 1``, which at ``L = 6c^2`` is ~0.18 > 5/(6c).
``e19/proposition4.2/alpha`` checks the printed bound (its erratum, with the smallest counterexample, is declared on it);
``e19/proposition4.2/alpha-proof`` checks what the proof supports: ``alpha - 1 <= 5c^2/L`` and
``1 - alpha <= 3c^2/L``.

Certified: the bounds are deterministic for the given Theta and x. Tolerance: a forward/backward
pass of L - 1 blocks, each adding at most ``(d + m + 2) eps`` relative error to quantities bounded
by ``1 + |y| + ||z||``: ``4 L (d + m + 4) eps (1 + lhs) / rhs``.
"""
from __future__ import annotations

from models._shared.lazy import torch  # imported at first use: registration stays torch-free

import models.skip_resnet.network as sr
from theorems._core import CERTIFIED, COUNTEREXAMPLE, Erratum, Measurement, regime_of
from theorems._registry import register
from theorems._tolerance import EPS
from theorems.e19 import _params, _sup

#: part -> (quantity, bound(c, L), depth condition k in L >= k c^2, what)
PARTS = {
    "proposition4.1/y": ("y", lambda c, L: 4 * c, 4, "max_l |y(l) - y0(l)| <= 4c"),
    "proposition4.1/z": ("z", lambda c, L: 4 * c / L, 4, "max_l ||z(l) - z0(l)|| <= 4c/L"),
    "proposition4.1/g": ("g", lambda c, L: 6 * c**2 / L, 4, "max_l ||g(l) - g0(l)|| <= 6c^2/L"),
    "proposition4.2/alpha": ("alpha", lambda c, L: 5 * c / L, 6, "max_l |alpha(l) - 1| <= 5c/L (as printed)"),
    "proposition4.2/beta": ("beta", lambda c, L: 4 * c / L, 6, "max_l ||beta(l)|| <= 4c/L"),
    "proposition4.2/gamma": ("gamma", lambda c, L: 3 * c / L, 6, "max_l ||gamma(l)|| <= 3c/L"),
}


def quantities(p: sr.Params, p0: sr.Params, x, act: str) -> dict:
    """Torch scalars (differentiable in p and x) of every quantity the propositions bound."""
    X = x[None, :]
    y, z, pre = sr.forward(p, X, act)
    y0, z0, pre0 = sr.forward(p0, X, act)
    alpha, beta, gamma = sr.backprop(p, X, act)
    g, g0 = sr.sigma(act, pre), sr.sigma(act, pre0)
    return {
        "y": (y - y0).abs().max(),
        "z": torch.linalg.vector_norm(z - z0, dim=2).max(),
        "g": torch.linalg.vector_norm(g - g0, dim=2).max(),
        "alpha": (alpha - 1).abs().max(),
        "alpha_up": (alpha - 1).max(),
        "alpha_down": (1 - alpha).max(),
        "beta": torch.linalg.vector_norm(beta, dim=2).max(),
        "gamma": torch.linalg.vector_norm(gamma, dim=2).max(),
    }


def _ratio(part: str, q: dict, c: float, L: int):
    if part == "proposition4.2/alpha-proof":
        return torch.maximum(q["alpha_up"] / (5 * c**2 / L), q["alpha_down"] / (3 * c**2 / L))
    key, bound, _, _ = PARTS[part]
    return q[key] / bound(c, L)


def _headline(part: str, q: dict, c: float, L: int) -> dict:
    """The bounded quantity's sup over the layers and the bound, first in the reports' tables."""
    if part == "proposition4.2/alpha-proof":
        return {"sup_alpha_minus_1": q["alpha_up"], "bound_5c2_over_L": 5 * c**2 / L, "sup_1_minus_alpha": q["alpha_down"]}
    key, bound, _, _ = PARTS[part]
    return {f"sup_{key}": q[key], "bound": bound(c, L)}


def _evaluator(part: str):
    def evaluate(inst: dict) -> Measurement:
        p, p0, c, L, q = _sup.measure(quantities, inst)
        ratio = float(_ratio(part, {k: torch.tensor(v, dtype=torch.float64) for k, v in q.items()}, c, L))
        d, m = p.dim, p.width
        tol = 4 * L * (d + m + 4) * EPS * (1 + q["y"] + 1 + q["z"] + ratio)
        hyps = _params.hypotheses(inst, p, p0, 4 if part.startswith("proposition4.1") else 6)
        return Measurement(
            check=f"e19/{part}",
            lhs=ratio,
            rhs=1.0,
            ratio=ratio,
            regime=regime_of(CERTIFIED, hyps),
            hypotheses=hyps,
            constants={**_headline(part, q, c, L), **{k: v for k, v in q.items()}, "L/c^2": _sup.depth_ratio(c, L)},
            details=_sup.details(p, p0, c),
            tolerance=tol,
        )

    return evaluate


def _objective(part: str):
    return lambda p, p0, x, act, c, L: _ratio(part, quantities(p, p0, x, act), c, L)


ascend = _sup.ascender(_objective)


#: part -> how its ratio is formed (the rest of the derivation is shared: :data:`DERIVATION`)
RATIOS = {
    "proposition4.1/y": "max_l |y(l) - y0(l)| / (4c), y(l) the running output of (2.3)",
    "proposition4.1/z": "max_l ||z(l) - z0(l)|| / (4c/L)",
    "proposition4.1/g": "max_l ||g(l) - g0(l)|| / (6c^2/L), g(l) = sigma(B(l) z(l) + r(l) y(l))",
    "proposition4.2/alpha": "max_l |alpha(l) - 1| / (5c/L), alpha(l) = df/dy(l)",
    "proposition4.2/beta": "max_l ||beta(l)|| / (4c/L), beta(l) = df/dz(l)",
    "proposition4.2/gamma": "max_l ||gamma(l)|| / (3c/L), gamma(l) = df/dg(l)",
    "proposition4.2/alpha-proof": "the larger of max_l (alpha(l) - 1) / (5c^2/L) and max_l (1 - alpha(l)) / (3c^2/L), "
    "the two one-sided bounds the proof of Proposition 4.2 derives",
}

DERIVATION = """lhs = ratio = {ratio}; rhs = 1. The instance is one Theta, its Theta0 and one x: the forward pass
(2.3) gives y(l), z(l), g(l) at Theta and at Theta0, the backward recursion (4.3) alpha(l), beta(l),
gamma(l), with the chain rule's sigma' (which the printed (4.3) omits), all in float64 torch
(models.skip_resnet), L - 1 blocks. Tolerance: 4 L (d + m + 4) eps (2 + max|y - y0| + max||z - z0|| +
ratio), each of the L - 1 blocks adding at most (d + m + 2) eps relative error.

""" + _params.SUP_DERIVATION



def smallest_alpha_counterexample(c: float = 4.7, L: int = 133) -> dict:
    """d = m = 1, x = 1, B0(l) = 1 (a valid draw of (2.5)), ReLU, a(l) = r(l) = c/L in every block:
    alpha(1) - 1 = (1 + (c/L)^2)^(L-1) - 1 = 0.1791 > 5c/L = 0.1767, with L = 133 >= 6c^2 = 132.5
    (the defaults: the erratum's smallest counterexample)."""
    k, eps = L - 1, c / L
    return {"activation": "relu", "L": L, "c": c, "x": [1.0], "B0": [[[1.0]]] * k, "a": [[eps]] * k, "r": [[eps]] * k}


ERRATUM = Erratum(
    what="false as printed: |alpha - 1| <= 5c/L fails for c > ~4.6 (smallest counterexample: pinned case "
         "proposition4.2-alpha-erratum-smallest); the proof supports 5c^2/L (e19/proposition4.2/alpha-proof)",
    counterexample=smallest_alpha_counterexample(),
    verdict=COUNTEREXAMPLE,
    ratio=1.0135440371497935,
    pinned="proposition4.2-alpha-erratum-smallest",
    corrected="e19/proposition4.2/alpha-proof",
    corrected_ratio=0.21564766747867942,
)

for _part, (_key, _bound, _k, _what) in list(PARTS.items()) + [("proposition4.2/alpha-proof", (None, None, 6, "alpha - 1 <= 5c^2/L and 1 - alpha <= 3c^2/L (what the proof derives)"))]:
    register(_sup.sup_check(
        f"e19/{_part}",
        title=_what + " on I_c(Theta0), x on the sphere",
        evaluator=_evaluator(_part),
        objective=_objective(_part),
        k=_k,
        erratum=ERRATUM if _part == "proposition4.2/alpha" else None,
        statement=f"{_what} for all Theta in I_c(Theta0) and x in S^(d-1), if L >= {_k} c^2 ("
        + ("Proposition 4.1, forward stability" if _part.startswith("proposition4.1") else "Proposition 4.2, backward stability")
        + ("; the proof's bounds, corrected statement)" if _part.endswith("proof") else ")"),
        derivation=DERIVATION.format(ratio=RATIOS[_part], k=_k),
        equation="Proposition 4.1, (4.2)" if _part.startswith("proposition4.1") else "Proposition 4.2, (4.4), (4.5)-(4.6)",
        hypotheses={f"L >= {_k} c^2": "depth condition", "Theta in I_c(Theta0)": "Definition 1", "c >= 1, c/L <= 1": "Sec. 4"},
    ))
