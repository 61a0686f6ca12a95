"""Lemma 4.3 of E, Ma, Wang, Wu (2019): upper bounds on the risk gradient on ``I_c(Theta0)`` when
``L >= 100 c^2`` (4.7):

    ||grad_a(l) R_n||^2, ||grad_r(l) R_n||^2 <= (1 + 50c^2/L) R_n,
    ||grad_B(l) R_n||_F^2, ||grad_C(l) R_n||_F^2 <= 20c^2/L^2 R_n.

**Instances are one input x.** For any data set and labels with ``e = f - y != 0``,
``grad R_n = (1/n) sum_i e_i v_i`` with ``v_i`` the per-example gradient of f, and by Cauchy–Schwarz
``||grad R_n||^2 <= (1/n sum e_i^2)(1/n sum ||v_i||^2) = 2 R_n mean_i ||v_i||^2 <= 2 R_n max_i ||v_i||^2``,
with equality for ``n = 1`` (any label ``y != f(x)``, e.g. ``y = 0`` when ``f(x) != 0``). So the
sup of ``||grad R_n||^2 / R_n`` over data sets is the sup over single points x of ``2 ||v(x)||^2``,
and each check's ratio is ``2 max_l ||grad f(x)||^2`` over its bound. The per-block gradients are
``alpha(l+1) g(l)``, ``y(l) s(l)``, ``s(l) z(l)^T``, ``beta(l+1) g(l)^T`` (:mod:`models.skip_resnet.sweeps`).

**Erratum (the a-part).** The proof writes ``||(1/n) sum e_i alpha g||^2 <= R_n (1/n) sum ||alpha g||^2``,
dropping the factor 2 of ``R_n = ||e||^2/(2n)`` (2.1). At ``Theta0`` with ``d = m = 1``, ReLU,
``x = 1``, ``B0 = 1`` (a valid draw of (2.5)), ``alpha = 1``, ``g = 1`` and the ratio is
``2 / (1 + 50c^2/L) >= 4/3`` for every ``L >= 100 c^2``: false as printed. With the factor restored
and the proof's own ``|alpha - 1| <= 5c^2/L`` (see Proposition 4.2's erratum),
``2 (1 + 5c^2/L)^2 (1 + 6c^2/L)^2 <= 2 (1 + 50c^2/L)`` for ``c^2/L <= 1/100``:
``e19/lemma4.3/a-proof`` checks ``||grad_a(l) R_n||^2 <= 2 (1 + 50c^2/L) R_n``. The r-, B- and C-parts
have slack enough to absorb the factor 2 (the proof's (C) gives ``<= 1/2``) and are checked as printed.

Certified (deterministic for the given Theta and x). Tolerance: each per-block gradient carries
the forward/backward pass's relative error ``L (d + m + 4) eps`` (see :mod:`.stability`), doubled by
squaring: ``8 L (d + m + 4) eps (1 + ratio)``.
"""
from __future__ import annotations

import models.skip_resnet.sweeps as sw
from theorems._core import CERTIFIED, COUNTEREXAMPLE, Erratum, Measurement, regime_of
from theorems._registry import register
from theorems._tolerance import EPS
from theorems.e19 import _params, _sup

#: depth condition of Lemma 4.3: L >= 100 c^2
DEPTH_K = 100

#: part -> (gradient, bound on ||grad R_n||^2 / R_n as a function of (c, L), statement)
PARTS = {
    "a": ("a", lambda c, L: 1 + 50 * c**2 / L, "max_l ||grad_a(l) R_n||^2 <= (1 + 50c^2/L) R_n (as printed)"),
    "r": ("r", lambda c, L: 1 + 50 * c**2 / L, "max_l ||grad_r(l) R_n||^2 <= (1 + 50c^2/L) R_n"),
    "B": ("B", lambda c, L: 20 * c**2 / L**2, "max_l ||grad_B(l) R_n||_F^2 <= 20c^2/L^2 R_n"),
    "C": ("C", lambda c, L: 20 * c**2 / L**2, "max_l ||grad_C(l) R_n||_F^2 <= 20c^2/L^2 R_n"),
    "a-proof": ("a", lambda c, L: 2 * (1 + 50 * c**2 / L), "max_l ||grad_a(l) R_n||^2 <= 2 (1 + 50c^2/L) R_n (factor 2 of (2.1) restored)"),
}


def gradient_norms(p, x, act: str) -> dict:
    """``max_l ||grad_{.}(l) f(x)||^2`` for the four kinds of block (torch scalars, differentiable)."""
    ps = sw.full_pass(p, x[None, :], act)
    sq = lambda t: (t[:, 0] ** 2).reshape(t.shape[0], -1).sum(1)  # noqa: E731  per block, one input
    g2, s2 = sq(ps.g), sq(ps.s)
    return {
        "a": (ps.alpha[1:, 0] ** 2 * g2).max(),
        "r": (ps.y[:-1, 0] ** 2 * s2).max(),
        "B": (s2 * sq(ps.z[:-1])).max(),
        "C": (sq(ps.beta[1:]) * g2).max(),
    }


def _ratio(part: str, q: dict, c: float, L: int):
    key, bound, _ = PARTS[part]
    return 2 * q[key] / bound(c, L)


def _evaluator(part: str):
    def evaluate(inst: dict) -> Measurement:
        p, p0, c, L, q = _sup.measure(lambda p, p0, x, act: gradient_norms(p, x, act), inst)
        key, bound, _ = PARTS[part]
        ratio = _ratio(part, q, c, L)
        hyps = _params.hypotheses(inst, p, p0, DEPTH_K)
        return Measurement(
            check=f"e19/lemma4.3/{part}",
            lhs=2 * q[key],
            rhs=bound(c, L),
            ratio=ratio,
            regime=regime_of(CERTIFIED, hyps),
            hypotheses=hyps,
            constants={f"sup_grad_{key}_sq_over_R": 2 * q[key], "bound": bound(c, L),
                       **{f"2|grad_{k} f|^2": 2 * v for k, v in q.items()}, "L/c^2": _sup.depth_ratio(c, L)},
            details=_sup.details(p, p0, c, reduction="sup over data sets = sup over single points of 2|grad f|^2"),
            tolerance=8 * L * (p.dim + p.width + 4) * EPS * (1 + ratio),
        )

    return evaluate


def _objective(part: str):
    return lambda p, p0, x, act, c, L: _ratio(part, gradient_norms(p, x, act), c, L)


ascend = _sup.ascender(_objective)


DERIVATION = """lhs = 2 max_l ||grad_{key}(l) f(x)||^2 at one input x, rhs = {bound}, ratio = lhs / rhs.
Reduction to one point: for any data set, grad R_n = (1/n) sum_i e_i v_i (v_i the per-example gradient
of f, e = f - y), and Cauchy-Schwarz gives ||grad R_n||^2 <= 2 R_n max_i ||v_i||^2, with equality for
n = 1 and any label y != f(x); so the sup over data sets of ||grad R_n||^2 / R_n is the sup over x of
2 ||v(x)||^2. The per-block gradient of f is {grad} (one float64 torch forward and backward pass,
models.skip_resnet.sweeps.full_pass). Tolerance: 8 L (d + m + 4) eps (1 + ratio), the pass's relative
error doubled by squaring.

""" + _params.SUP_DERIVATION

#: gradient kind -> the per-block gradient of f
GRADS = {"a": "alpha(l+1) g(l)", "r": "y(l) s(l), s(l) = sigma'(p(l)) * gamma(l)", "B": "s(l) z(l)^T", "C": "beta(l+1) g(l)^T"}
#: part -> its bound as text
BOUNDS = {"a": "1 + 50c^2/L (as printed)", "r": "1 + 50c^2/L", "B": "20c^2/L^2", "C": "20c^2/L^2",
          "a-proof": "2 (1 + 50c^2/L), the factor 2 of R_n = |e|^2/(2n) (2.1) that the proof drops restored"}



def smallest_a_counterexample(c: float = 1.0, L: int = 100) -> dict:
    """Theta = Theta0, d = m = 1, x = 1, B0(l) = 1, ReLU: alpha = 1, g = 1, ratio 2/(1 + 50c^2/L)
    (the defaults, L = 100c^2: 4/3, the erratum's smallest counterexample)."""
    return {"activation": "relu", "L": L, "c": c, "x": [1.0], "B0": [[[1.0]]] * (L - 1)}


ERRATUM = Erratum(
    what="false as printed: the proof drops the factor 2 of R_n = |e|^2/(2n); at Theta0 with d = m = 1, "
         "x = 1, B0 = 1 the ratio is 2/(1 + 50c^2/L) >= 4/3 (pinned case lemma4.3-a-erratum-smallest); "
         "the corrected bound 2(1 + 50c^2/L) R_n is e19/lemma4.3/a-proof",
    counterexample=smallest_a_counterexample(),
    verdict=COUNTEREXAMPLE,
    ratio=1.3333333333333333,
    pinned="lemma4.3-a-erratum-smallest",
    corrected="e19/lemma4.3/a-proof",
    corrected_ratio=0.6666666666666666,
)

for _part, (_key, _bound, _what) in PARTS.items():
    register(_sup.sup_check(
        f"e19/lemma4.3/{_part}",
        title=_what + " on I_c(Theta0), any data on the sphere",
        evaluator=_evaluator(_part),
        objective=_objective(_part),
        k=DEPTH_K,
        search_c=3.0,
        erratum=ERRATUM if _part == "a" else None,
        statement=f"{_what} for all Theta in I_c(Theta0) and all data on the sphere, if L >= {DEPTH_K} c^2 "
        "(Lemma 4.3, gradient upper bound" + ("; corrected statement)" if _part == "a-proof" else ")"),
        derivation=DERIVATION.format(key=_key, bound=BOUNDS[_part], grad=GRADS[_key], k=DEPTH_K),
        equation="Lemma 4.3, (4.7)",
        hypotheses={f"L >= {DEPTH_K} c^2": "depth condition", "Theta in I_c(Theta0)": "Definition 1", "c >= 1, c/L <= 1": "Sec. 4"},
    ))
