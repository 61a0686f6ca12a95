"""Lemma 4.3 (gradient upper bounds) of E–Ma–Wang–Wu: the a-part's erratum (declared on its check)
examined in closed form, the corrected bound, the reduction of
data sets to single points, and planted bugs."""
import numpy as np
import pytest
import torch

import models.skip_resnet.sweeps as sw
import theorems
from theorems._core import COUNTEREXAMPLE, HOLDS, VACUOUS
from theorems.e19 import _params, _search, gradients
from theorems.e19.gradients import smallest_a_counterexample


def test_the_counterexample_is_exact_and_the_corrected_bound_holds():
    m = theorems.evaluate("e19/lemma4.3/a", smallest_a_counterexample())
    assert m.regime == "certified" and m.verdict == COUNTEREXAMPLE and m.ratio == pytest.approx(4 / 3, rel=1e-15)
    fixed = theorems.evaluate("e19/lemma4.3/a-proof", smallest_a_counterexample())
    assert fixed.verdict == HOLDS and fixed.ratio == pytest.approx(2 / 3, rel=1e-15)
    # the same number from a data set of one point and a label: ||grad_a R||^2 / R
    p, _ = _params.params(smallest_a_counterexample())
    R, G, _ = sw.risk_and_gradient(p, torch.tensor([[1.0]]), torch.tensor([0.7]), "relu")
    assert float((G.a**2).sum(1).max() / R) == pytest.approx(2.0, rel=1e-14)


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_data_sets_never_exceed_the_single_point_sup(act):
    """Cauchy-Schwarz: ||grad R_n||^2 / R_n <= 2 max_i ||grad f(x_i)||^2 for every data set."""
    inst = _search.start(act, 3, 4, 400, 2.0, 3, "boundary")
    p, _ = _params.params(inst)
    rng = np.random.default_rng(0)
    for _ in range(5):
        X = rng.standard_normal((6, 3))
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        R, G, ps = sw.risk_and_gradient(p, torch.tensor(X), torch.tensor(rng.uniform(-1, 1, 6)), act)
        per = sw.per_example_gradients(p, ps)
        for key in ("a", "r", "B", "C"):
            lhs = (getattr(G, key) ** 2).reshape(G.a.shape[0], -1).sum(1) / R
            rhs = 2 * (getattr(per, key) ** 2).reshape(G.a.shape[0], 6, -1).sum(2).max(1).values
            assert bool((lhs <= rhs * (1 + 1e-12)).all())


def test_the_ascent_finds_the_erratum_and_the_other_parts_hold():
    inst = gradients.ascend("a", _search.start("relu", 3, 4, 300, 1.5, 1, "aligned"), steps=40)
    m = theorems.evaluate("e19/lemma4.3/a", inst)
    assert m.verdict == COUNTEREXAMPLE and m.ratio > 1.2 and m.regime == "certified"
    assert theorems.evaluate("e19/lemma4.3/a-proof", inst).verdict == HOLDS
    for part in ("r", "B", "C"):
        assert theorems.evaluate(f"e19/lemma4.3/{part}", inst).verdict == HOLDS


def test_a_bound_made_twenty_times_too_strong_is_caught(monkeypatch):
    """Planted bug: the C-part's 20c^2/L^2 divided by 20 (the sup found is ~0.09 of it): the ascent
    from a boundary start breaks it."""
    key, bound, what = gradients.PARTS["C"]
    monkeypatch.setitem(gradients.PARTS, "C", (key, lambda c, L: bound(c, L) / 20, what))
    inst = gradients.ascend("C", _search.start("tanh", 3, 4, 300, 1.5, 0, "boundary"), steps=40)
    assert theorems.evaluate("e19/lemma4.3/C", inst).verdict == COUNTEREXAMPLE


def test_risk_without_the_half_is_caught(monkeypatch):
    """Planted bug: a model whose gradient is off by sqrt(2) (as if R_n had no 1/2): the corrected
    a-part then fails on the erratum's instance (ratio 4/3 instead of 2/3)."""
    real = sw.full_pass

    def scaled(p, X, act):
        ps = real(p, X, act)
        ps.alpha = ps.alpha * 2**0.5
        return ps

    monkeypatch.setattr(sw, "full_pass", scaled)
    m = theorems.evaluate("e19/lemma4.3/a-proof", smallest_a_counterexample())
    assert m.verdict == COUNTEREXAMPLE and m.ratio == pytest.approx(4 / 3)


def test_too_shallow_is_vacuous():
    m = theorems.evaluate("e19/lemma4.3/a", smallest_a_counterexample(c=1.0, L=99))
    assert m.verdict == VACUOUS and "L >= 100 c^2" in m.false_hypotheses


@pytest.mark.parametrize("part, factor", [("r", 30_000), ("B", 20)])
def test_the_r_and_B_bounds_made_too_strong_are_caught(monkeypatch, part, factor):
    """Planted bug: the part's bound divided by ``factor``; the ascent from a boundary start
    breaks it (the r-part's sup is ~1e-4 of its bound, so only a bound far too strong fails)."""
    key, bound, what = gradients.PARTS[part]
    monkeypatch.setitem(gradients.PARTS, part, (key, lambda c, L: bound(c, L) / factor, what))
    inst = gradients.ascend(part, _search.start("tanh", 3, 4, 300, 1.5, 0, "boundary"), steps=30)
    assert theorems.evaluate(f"e19/lemma4.3/{part}", inst).verdict == COUNTEREXAMPLE
