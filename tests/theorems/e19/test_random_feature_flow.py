"""Lemma 6.2 (random-feature gradient flow) of E–Ma–Wang–Wu: the distance bound's erratum (declared
on its check) examined in closed form, the corrected bound, and planted bugs (a flow n times too slow,
a bound made too strong)."""
import math

import numpy as np
import pytest

import models.skip_resnet.random_features as rf
import theorems
from theorems._core import COUNTEREXAMPLE, HOLDS, VACUOUS
from theorems.e19 import random_feature_flow as rff

SMALLEST = rff.ERRATUM.counterexample


def test_the_counterexample_is_exact_and_the_corrected_bound_holds():
    m = theorems.evaluate("e19/lemma6.2/distance", SMALLEST)
    assert m.regime == "certified" and m.verdict == COUNTEREXAMPLE
    assert m.ratio == pytest.approx((1 - math.exp(-1)) / 2 / 0.25, rel=1e-14)
    fixed = theorems.evaluate("e19/lemma6.2/distance-proof", SMALLEST)
    assert fixed.verdict == HOLDS and fixed.ratio == pytest.approx(((1 - math.exp(-1)) / 2) ** 2 / 0.25, rel=1e-14)
    assert theorems.evaluate("e19/lemma6.2/risk", SMALLEST).verdict == HOLDS


@pytest.mark.parametrize("part", ["risk", "distance-proof"])
def test_the_search_finds_no_violation_of_what_the_proof_gives(part):
    res = theorems.get(f"e19/lemma6.2/{part}").search(0, 15)
    assert res["worst_ratio"] <= 1 + 1e-9
    assert res["worst_ratio"] > 0.99  # equality in the limit t -> 0 (a* = a0), which the search approaches


def test_the_search_finds_the_erratum_far_beyond_one():
    """With a* = a0 and t -> 0 the ratio tends to |grad E_n(a0)| / (2 E_n(a0)), which is |phi| / |e|
    for one feature: unbounded as the residual shrinks (the small-label draws)."""
    assert theorems.get("e19/lemma6.2/distance").search(0, 30)["worst_ratio"] > 10


def test_a_flow_n_times_too_slow_is_caught(monkeypatch):
    """Planted bug: the flow with 1/n^2 in place of 1/n. With a* the minimiser the risk bound's
    ratio is ~ (n/2) e^{-1} at the worst time instead of at most 1/(2e)."""
    real = rf.Flow._decay
    monkeypatch.setattr(rf.Flow, "_decay", lambda self, t: real(self, t / self.y.size))
    inst = rff._SPEC.validate(rff.instance("tanh", 3, 4, 6, 8, 0, "min", 1.0))
    worst = max(rff._evaluator("risk")(dict(inst, t=10.0**e)).ratio for e in np.linspace(-2, 6, 81))
    assert worst > 1
    monkeypatch.undo()
    assert max(rff._evaluator("risk")(dict(inst, t=10.0**e)).ratio for e in np.linspace(-2, 6, 81)) < 0.5


def test_a_risk_bound_made_too_strong_is_caught(monkeypatch):
    """Planted bug: |a0 - a*|^2/(2t) replaced by |a0 - a*|^2/(20t)."""
    real = rff.sides

    def strong(part, s):
        lhs, rhs, err = real(part, s)
        return (lhs, s["E_star"] + (rhs - s["E_star"]) / 10, err) if part == "risk" else (lhs, rhs, err)

    monkeypatch.setattr(rff, "sides", strong)
    assert theorems.get("e19/lemma6.2/risk").search(1, 10)["worst_ratio"] > 1


def test_bad_instances_and_vacuous_labels():
    for change, needle in [({"y": [0.5, 0.1]}, "one label"), ({"X": [[2.0]]}, "unit sphere"), ({"a_star": [[0.0, 1.0]]}, "shape"),
                           ({"L": 3}, "L - 1 = 2 blocks"), ({"activation": "gelu"}, "relu or tanh")]:
        with pytest.raises(theorems.InstanceError, match=needle):
            theorems.evaluate("e19/lemma6.2/risk", dict(SMALLEST, **change))
    m = theorems.evaluate("e19/lemma6.2/risk", dict(SMALLEST, y=[1.5]))
    assert m.verdict == VACUOUS and "|y_i| <= 1" in m.false_hypotheses


def test_a_flow_running_uphill_is_caught_by_the_distance_bound(monkeypatch):
    """Planted bug: the flow with the sign of the gradient flipped (ascent): a_t leaves a* = a0 = 0
    exponentially and the corrected distance bound |a_t - a*|^2 <= |a0 - a*|^2 + 2t E_n(a*) fails."""
    assert theorems.evaluate("e19/lemma6.2/distance-proof", SMALLEST).verdict == HOLDS
    real = rf.Flow._decay
    monkeypatch.setattr(rf.Flow, "_decay", lambda self, t: real(self, -t))
    assert theorems.evaluate("e19/lemma6.2/distance-proof", SMALLEST).verdict == COUNTEREXAMPLE
