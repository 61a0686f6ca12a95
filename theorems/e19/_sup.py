"""The shape the e19 sup checks share (:mod:`.stability`, :mod:`.gradients`, :mod:`.reference_model`).

Each evaluates torch quantities of one parameter set and one x (:func:`measure`), reports the same
details and depth ratio, searches the sup by projected gradient ascent of its ratio
(:func:`ascender`, :mod:`._search`), and is declared by :func:`sup_check` with the fields they have in common
(each module registers its own checks: the registry records the registering module, :func:`theorems.locate`).
"""
from __future__ import annotations

import math

from models._shared.lazy import torch  # imported at first use: registration stays torch-free

from theorems._core import CERTIFIED, FALSE_AS_PRINTED, Check, Testing
from theorems.e19 import _params, _search
from theorems.e19 import _quantifiers as Q
from theorems.e19._refusals import REFUSES


def measure(quantities, inst: dict) -> tuple:
    """``(p, p0, c, L, q)``: the instance's parameters and ``quantities(p, p0, x, act)`` as floats."""
    p, p0 = _params.params(inst)
    x = torch.as_tensor(inst["x"], dtype=torch.float64)
    with torch.no_grad():
        q = {k: float(v) for k, v in quantities(p, p0, x, inst["activation"]).items()}
    return p, p0, inst["c"], inst["L"], q


def depth_ratio(c: float, L: int) -> float:
    """``L / c^2`` (infinite at ``c = 0``), the constants' depth entry."""
    return L / c**2 if c > 0 else math.inf


def details(p, p0, c: float, **extra) -> dict:
    """The measurement details every sup check reports: block deviations over the radius and the sizes."""
    return {"block_deviation_over_radius": _params.deviation_over_radius(p, p0, c), "blocks": p.blocks,
            "m": p.width, "d": p.dim, **extra}


def ascender(objective):
    """``ascend(part, inst, **kw)`` for a module whose part's objective is ``objective(part)``."""
    def ascend(part: str, inst: dict, **kw) -> dict:
        """Projected gradient ascent of the part's ratio from ``inst`` (:func:`._search.ascend`)."""
        return _search.ascend(objective(part), inst, **kw)

    return ascend


def sup_check(cid: str, *, title: str, evaluator, objective, k: float, erratum=None, search_c: float | None = None,
              **fields) -> Check:
    """The sup check ``cid``: certified, over ``I_c(Theta0)`` (:data:`._quantifiers.SUP`), instances
    from :func:`._search.strategy` at depth ``L >= k c^2``, searched from ``objective``; ``erratum`` set means
    false as printed; ``fields`` are the rest (statement, derivation, equation, hypotheses)."""
    spec = _params.SPEC
    return Check(
        id=cid, quantifiers=Q.SUP, title=title, testing=FALSE_AS_PRINTED if erratum else Testing(examples=8),
        refuses=REFUSES[cid], regime=CERTIFIED, spec=spec, evaluate_validated=evaluator,
        strategy=lambda: _search.strategy(k),
        search=_search.searcher(objective, lambda inst: evaluator(spec.validate(inst)), k,
                                **({} if search_c is None else {"c": search_c})),
        sweep={"quick": 12, "full": 120}, erratum=erratum, **fields)
