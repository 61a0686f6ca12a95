"""The E–Ma–Wang–Wu stability checks: Proposition 4.2's erratum (alpha; declared on its check)
examined in closed form, the corrected bound, and planted bugs (skip connection to z(l) instead of x,
the alpha recursion without the r^T gamma term, projection onto the wrong radius)."""

import pytest
import torch

import models.skip_resnet.network as sr
import theorems
import theorems.e19._params  # noqa: F401
from theorems._core import COUNTEREXAMPLE, HOLDS, VACUOUS
from theorems.e19 import _search, stability
from theorems.e19.stability import smallest_alpha_counterexample


def test_the_counterexample_is_exact_and_meets_every_hypothesis():
    inst = smallest_alpha_counterexample()
    m = theorems.evaluate("e19/proposition4.2/alpha", inst)
    assert m.regime == "certified" and m.verdict == COUNTEREXAMPLE
    c, L = 4.7, 133
    assert m.constants["alpha"] == pytest.approx((1 + (c / L) ** 2) ** (L - 1) - 1, rel=1e-12)
    assert m.ratio == pytest.approx(((1 + (c / L) ** 2) ** (L - 1) - 1) / (5 * c / L), rel=1e-12) and m.ratio > 1.01
    assert theorems.evaluate("e19/proposition4.2/alpha-proof", inst).verdict == HOLDS


def test_below_the_threshold_the_printed_bound_holds_on_the_same_construction():
    assert theorems.evaluate("e19/proposition4.2/alpha", smallest_alpha_counterexample(c=4.5, L=122)).verdict == HOLDS


@pytest.mark.parametrize("part", ["proposition4.1/y", "proposition4.1/z", "proposition4.1/g", "proposition4.2/beta", "proposition4.2/gamma", "proposition4.2/alpha-proof"])
def test_other_bounds_hold_on_the_adversarial_construction(part):
    inst = _search.start("relu", 3, 8, 600, 10.0, 0, "aligned")
    assert theorems.evaluate(f"e19/{part}", inst).verdict == HOLDS


def test_instance_outside_the_neighbourhood_is_vacuous():
    inst = smallest_alpha_counterexample()
    inst["a"] = [[1.0]] * 132
    m = theorems.evaluate("e19/proposition4.2/alpha-proof", inst)
    assert m.verdict == VACUOUS and "Theta in I_c(Theta0)" in m.false_hypotheses


def test_too_shallow_is_vacuous():
    inst = smallest_alpha_counterexample(c=4.7, L=100)
    assert "L >= 6 c^2" in theorems.evaluate("e19/proposition4.2/alpha", inst).false_hypotheses


def test_skip_connection_to_z_instead_of_x_is_caught(monkeypatch):
    """Planted bug: z(l+1) = z(l) + C(l) g(l) (a plain ResNet): z drifts by ~L * c/L = c."""
    def wrong_forward(p, X, act):
        X = torch.as_tensor(X, dtype=torch.float64)
        n = X.shape[0]
        ys, zs, pres = [torch.zeros(n, dtype=torch.float64)], [X], []
        for l in range(p.blocks):
            pre = zs[-1] @ p.B[l].T + ys[-1][:, None] * p.r[l]
            g = sr.sigma(act, pre)
            pres.append(pre)
            zs.append(zs[-1] + g @ p.C[l].T)
            ys.append(ys[-1] + g @ p.a[l])
        return torch.stack(ys), torch.stack(zs), torch.stack(pres)

    inst = _search.start("tanh", 3, 4, 100, 2.0, 1, "boundary")
    # every C(l) = (c/L) e_1 u_l^T with u_l = sign(g0(l))/sqrt(m): the plain ResNet drifts linearly
    p, p0 = theorems.e19._params.params(theorems.get("e19/proposition4.1/z").spec.validate(inst))
    g0 = torch.tanh(p0.B @ torch.tensor(inst["x"], dtype=torch.float64))
    u = torch.sign(g0) / 2.0
    inst["C"] = (2.0 / 100 * torch.einsum("i,km->kim", torch.tensor([1.0, 0, 0], dtype=torch.float64), u)).tolist()
    assert theorems.evaluate("e19/proposition4.1/z", inst).verdict == HOLDS
    monkeypatch.setattr(sr, "forward", wrong_forward)
    assert theorems.evaluate("e19/proposition4.1/z", inst).verdict == COUNTEREXAMPLE


def test_alpha_recursion_without_the_r_gamma_term_is_caught(monkeypatch):
    """Planted bug: alpha(l) = alpha(l+1) (the r^T gamma term dropped) makes alpha identically 1:
    the corrected check then sees no growth, and the counterexample disappears — so the check of
    the *printed* bound, which must fail on the counterexample, flags the bug by holding."""
    real = sr.backprop

    def no_r_term(p, X, act, printed=False):
        alpha, beta, gamma = real(p, X, act, printed=printed)
        return torch.ones_like(alpha), beta, gamma

    inst = smallest_alpha_counterexample()
    assert theorems.evaluate("e19/proposition4.2/alpha", inst).verdict == COUNTEREXAMPLE
    monkeypatch.setattr(sr, "backprop", no_r_term)
    m = theorems.evaluate("e19/proposition4.2/alpha", inst)
    assert m.verdict == HOLDS and m.constants["alpha"] == 0.0


def test_projection_onto_the_wrong_radius_is_caught(monkeypatch):
    """Planted bug: projecting onto radius 2c/L: the ascent's iterates leave I_c and the check says so."""
    real = sr.project
    monkeypatch.setattr(sr, "project", lambda p, p0, c: real(p, p0, 2 * c))
    inst = stability.ascend("proposition4.2/gamma", _search.start("relu", 3, 4, 30, 2.0, 0, "boundary"), steps=5)
    m = theorems.evaluate("e19/proposition4.2/gamma", inst)
    assert m.verdict == VACUOUS and "Theta in I_c(Theta0)" in m.false_hypotheses


def test_ascent_increases_the_ratio_and_stays_feasible():
    inst0 = _search.start("tanh", 3, 4, 30, 2.0, 0, "interior")
    r0 = theorems.evaluate("e19/proposition4.2/gamma", inst0).ratio
    inst = stability.ascend("proposition4.2/gamma", inst0, steps=40)
    m = theorems.evaluate("e19/proposition4.2/gamma", inst)
    assert m.verdict == HOLDS and m.ratio > r0


def test_bad_instances_are_rejected():
    inst = smallest_alpha_counterexample()
    for change, needle in [({"activation": "gelu"}, "relu or tanh"), ({"x": [2.0]}, "unit sphere"),
                           ({"B0": [[[0.5]]] * 132}, "1/sqrt"), ({"L": 50}, "L - 1 = 49 blocks"), ({"a": [[0.0, 0.0]] * 132}, "shape")]:
        with pytest.raises(theorems.InstanceError, match=needle):
            theorems.evaluate("e19/proposition4.2/alpha", dict(inst, **change))


@pytest.mark.parametrize("part, L, factor", [("proposition4.1/y", 16, 10), ("proposition4.1/g", 16, 8), ("proposition4.2/beta", 24, 4)])
def test_a_bound_made_too_strong_is_caught_by_the_ascent(monkeypatch, part, L, factor):
    """Planted bug: the part's bound divided by ``factor`` (e.g. 4c -> 0.4c for y). The boundary
    start still meets it; the ascent from there (ratio x2-10 higher) breaks it."""
    key, bound, k, what = stability.PARTS[part]
    monkeypatch.setitem(stability.PARTS, part, (key, lambda c, L: bound(c, L) / factor, k, what))
    start = _search.start("tanh", 3, 4, L, 2.0, 0, "boundary")
    assert theorems.evaluate(f"e19/{part}", start).verdict == HOLDS
    assert theorems.evaluate(f"e19/{part}", stability.ascend(part, start, steps=30)).verdict == COUNTEREXAMPLE
