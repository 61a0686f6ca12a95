"""Lemma 6.4 (the deep net against the random-feature model) of E–Ma–Wang–Wu: both printed bounds
are false (errata declared on the checks; the ratio in closed form), the proof's bounds hold, and a
random-feature model without the 1/sqrt(m) of (2.5) is caught."""
import math

import pytest

import models.skip_resnet.network as sr
import theorems
from theorems._core import COUNTEREXAMPLE, HOLDS
from theorems.e19 import _search, reference_model as rm
from theorems.e19.reference_model import all_blocks


def test_the_f_ratio_grows_like_sqrt_L_in_closed_form():
    """With B = B0 + c/L and a = c/L only: g(l) = 1 + c/L, f - f~ = (L-1) c^2/L^2, |a| = sqrt(L-1) c/L,
    so the ratio is sqrt(L-1)/(6c), above 1 from L = 38 at c = 1."""
    for L in (20, 38, 200):
        m = theorems.evaluate("e19/lemma6.4/f", all_blocks(L=L, r=False, C=False))
        assert m.ratio == pytest.approx(math.sqrt(L - 1) / 6, rel=1e-9)  # f - f~ cancels ~L/c digits
        assert m.constants["sum_l|a(l)| / |a|"] == pytest.approx(math.sqrt(L - 1), rel=1e-12)
    assert theorems.evaluate("e19/lemma6.4/f-proof", all_blocks(L=200, r=False, C=False)).verdict == HOLDS


def test_the_smallest_counterexample_meets_every_hypothesis_and_the_proofs_bounds_hold():
    inst = all_blocks()
    for part in ("f", "grad"):
        m = theorems.evaluate(f"e19/lemma6.4/{part}", inst)
        assert m.regime == "certified" and m.verdict == COUNTEREXAMPLE and not m.false_hypotheses
    for part in ("f-proof", "grad-proof"):
        assert theorems.evaluate(f"e19/lemma6.4/{part}", inst).verdict == HOLDS


@pytest.mark.parametrize("part", ["f-proof", "grad-proof"])
def test_the_ascent_does_not_break_the_proofs_bounds(part):
    for act, kind in (("relu", "aligned"), ("tanh", "boundary")):
        inst = rm.ascend(part, _search.start(act, 3, 4, 60, 3.0, 0, kind), steps=30)
        assert theorems.evaluate(f"e19/lemma6.4/{part}", inst).verdict == HOLDS


def test_a_reference_model_without_the_width_scaling_is_caught(monkeypatch):
    """Planted bug: f~ built from rows of norm 1 (sqrt(m) B0) instead of 1/sqrt(m)."""
    inst = _search.start("relu", 1, 16, 54, 3.0, 0, "aligned")  # the a(l) add up; L = 6c^2; d = 1: half the neurons active
    assert theorems.evaluate("e19/lemma6.4/f-proof", inst).verdict == HOLDS
    monkeypatch.setattr(rm, "reference_features", lambda B0, x, act: sr.sigma(act, 4.0 * B0 @ x))  # sqrt(m) = 4
    assert theorems.evaluate("e19/lemma6.4/f-proof", inst).verdict == COUNTEREXAMPLE


def test_a_gradient_bound_made_ten_times_too_strong_is_caught(monkeypatch):
    """Planted bug: the proof's (1 + 5c^2/L) 6c^2/L + 5c^2/L divided by 10 (0.24 of it is reached)."""
    key, bound, what = rm.PARTS["grad-proof"]
    monkeypatch.setitem(rm.PARTS, "grad-proof", (key, lambda c, L, q: bound(c, L, q) / 10, what))
    assert theorems.evaluate("e19/lemma6.4/grad-proof", all_blocks()).verdict == COUNTEREXAMPLE
