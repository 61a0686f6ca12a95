"""Lemmas 4.5 and 4.6 of E–Ma–Wang–Wu (the deterministic core, conditional on Lemma 4.4's event):
they hold on the search's worst points, the gradient ratio is lambda_n/(4 lambda_min(H)) at most, and
planted bugs are caught (H normalised by 1/(nL^2), the gradient without its a-blocks, a draw
outside the event)."""
import pytest
import torch

import models.skip_resnet.sweeps as sw
import theorems
from theorems._core import COUNTEREXAMPLE, HOLDS, VACUOUS
from theorems.e19 import lower_bounds as lb


@pytest.fixture(scope="module")
def inst():
    return lb.instance("relu", 2, 3, 4, 1.0, 0, "boundary")


def test_both_hold_and_the_gradient_keeps_the_factor_two(inst):
    m45 = theorems.evaluate("e19/lemma4.5", inst)
    m46 = theorems.evaluate("e19/lemma4.6", inst)
    assert m45.verdict == HOLDS and m46.verdict == HOLDS and not m45.false_hypotheses
    assert 0.45 < m45.ratio < 0.55  # lambda_min(H) stays ~lambda_n: the 1/2 leaves room 2
    assert m46.ratio <= m45.ratio / 2 * (1 + 1e-12)  # |grad R|^2 >= 2 L lambda_min(H) R_n
    assert abs(m45.constants["drop/(50c^2/L)"]) < 0.1  # the proof's perturbation step is loose


def test_the_ascent_keeps_them(inst):
    for part in ("lemma4.5", "lemma4.6"):
        worst = lb.ascend(part, inst, steps=15)
        m = theorems.evaluate(f"e19/{part}", worst)
        assert m.verdict == HOLDS and m.ratio >= theorems.evaluate(f"e19/{part}", inst).ratio - 1e-12


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_along_the_gd_path(act):
    inst = lb.instance(act, 2, 3, 4, 1.0, 3, "gd")
    m45, m46 = theorems.evaluate("e19/lemma4.5", inst), theorems.evaluate("e19/lemma4.6", inst)
    assert m45.verdict == HOLDS and m46.verdict == HOLDS and not m45.false_hypotheses
    assert max(m45.details["block_deviation_over_radius"].values()) > 0.5  # GD went well into I_c


def test_gram_normalised_by_L_squared_is_caught(monkeypatch, inst):
    real = sw.gram
    monkeypatch.setattr(sw, "gram", lambda p, X, act, ps=None: real(p, X, act, ps) / p.depth)
    # the event is computed with the same (wrong) H: the draw is then outside it, and says so
    m = theorems.evaluate("e19/lemma4.5", inst)
    assert m.verdict == VACUOUS and any("Lemma 4.4" in h for h in m.false_hypotheses)
    monkeypatch.setattr(lb, "EVENT", 0.0)
    assert theorems.evaluate("e19/lemma4.5", inst).verdict == COUNTEREXAMPLE


def test_gradient_without_its_a_blocks_is_caught(monkeypatch, inst):
    real = sw.risk_and_gradient

    def no_a(p, X, y, act):
        R, G, ps = real(p, X, y, act)
        return R, type(G)(G.B, G.r, torch.zeros_like(G.a), G.C), ps

    monkeypatch.setattr(sw, "risk_and_gradient", no_a)
    assert theorems.evaluate("e19/lemma4.6", inst).verdict == COUNTEREXAMPLE
