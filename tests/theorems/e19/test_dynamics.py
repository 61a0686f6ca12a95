"""Training dynamics of E–Ma–Wang–Wu (Theorems 3.2, 7.1, 6.6, Proposition 5.1; measured): GD
against autograd, the reported rates and laws, and planted bugs (a gradient 100x too small, a
radius law made too strong, a random-feature model with the wrong features)."""
import numpy as np
import pytest
import torch

import models.skip_resnet.network as sr
import models.skip_resnet.gd as gd
import models.skip_resnet.sweeps as sw
import theorems
from theorems._core import INSIDE, OUTSIDE
from theorems.e19 import dynamics as dy
from theorems.e19 import gram


@pytest.fixture(scope="module")
def inst():
    return dy.instance("tanh", 3, 3, 4, 100, 0, "slow")


def test_gd_steps_are_plain_gradient_steps_by_autograd():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = rng.uniform(-1, 1, 3)
    p0 = sr.init(3, 2, 12, seed=0)
    tr = gd.gd(p0, X, y, "tanh", 0.3, 3, record=[0, 3])
    p = [t.clone() for t in p0.tensors()]
    for _ in range(3):
        ts = [t.clone().requires_grad_(True) for t in p]
        sw.risk(sr.output(sr.Params(*ts), torch.tensor(X), "tanh"), torch.tensor(y)).backward()
        p = [t.detach() - 0.3 * t.grad for t in ts]
    for a, b in zip(tr.final.tensors(), p):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)
    assert tr.risk[-1] < tr.risk[0] and tr.radius[0] == 0


def test_measured_rates_and_laws(inst):
    m71 = theorems.evaluate("e19/theorem7.1", inst)
    m32 = theorems.evaluate("e19/theorem3.2", inst)
    m51 = theorems.evaluate("e19/proposition5.1", inst)
    m66 = theorems.evaluate("e19/theorem6.6", inst)
    for m in (m71, m32, m51, m66):
        assert m.regime == "measured" and m.verdict == INSIDE
    assert m71.constants["rate_ratio"] > 5 and m32.constants["rate_ratio"] > 2  # faster than the bounds
    assert m51.constants["max_t c_t"] < m51.constants["c_n = 8/lambda_n"] / 10
    assert m66.constants["exponent_hi"] < -1.5  # the gap shrinks faster than L^{-3/2}


def test_a_gradient_a_hundred_times_too_small_is_caught(monkeypatch, inst):
    real = sw.risk_and_gradient

    def small(p, X, y, act):
        R, G, ps = real(p, X, y, act)
        return R, sr.Params(*(g / 100 for g in G.tensors())), ps

    monkeypatch.setattr(sw, "risk_and_gradient", small)
    dy._flow_cached.cache_clear()
    assert theorems.evaluate("e19/theorem7.1", inst).verdict == OUTSIDE
    assert theorems.evaluate("e19/theorem3.2", inst).verdict == OUTSIDE
    dy._flow_cached.cache_clear()


def test_a_radius_law_made_too_strong_is_caught(monkeypatch, inst):
    monkeypatch.setattr(dy, "C_N", 0.1)  # c_n = 0.1/lambda_n instead of 8/lambda_n
    assert theorems.evaluate("e19/proposition5.1", inst).verdict == OUTSIDE


def test_a_random_feature_model_with_other_features_is_caught(monkeypatch, inst):
    """Planted bug: f~ evaluated with the features of another draw: the gap no longer shrinks with L."""
    real = gd.gd

    def other(p0, X, y, act, eta, steps, **kw):
        tr = real(p0, X, y, act, eta, steps, **kw)
        q = sr.init(p0.dim, p0.width, p0.depth, seed=999)
        feat = sr.sigma(act, torch.as_tensor(kw["X_eval"]) @ q.B.transpose(1, 2))
        tr.f_rf_eval = np.asarray([torch.einsum("knm,km->n", feat, tr.final.a).numpy()] * len(tr.steps))
        return tr

    monkeypatch.setattr(gd, "gd", other)
    dy._flow_cached.cache_clear()
    assert theorems.evaluate("e19/theorem6.6", inst).verdict == OUTSIDE
    dy._flow_cached.cache_clear()


def test_lemma44_certificate_is_reported_for_tanh(inst):
    """n <= d (the fixture): the certificate leaves room; n > d (equilateral triangle, m = 16): Lemma 4.4's event,
    on which Theorems 3.2 and 7.1 rest, is certified false (m = 16: every draw has lambda_min(H) <= 0.3 lambda_n)."""
    m = theorems.evaluate("e19/theorem7.1", dict(inst, steps=2))
    assert m.constants["lemma4.4_quantile_bound"] > 0.75
    tri = {"activation": "tanh", "X": gram.TANH_SMALLEST["X"], "y": [1.0, 1.0, 1.0], "m": 16, "L": 20, "seed": 0, "steps": 2}
    assert theorems.evaluate("e19/theorem7.1", tri).constants["lemma4.4_quantile_bound"] < 0.2
    assert {q.name for q in theorems.get("e19/theorem3.2").quantifiers} == {"sigma", "n", "d", "m", "L", "max |y_i|"}


def test_the_strategy_reaches_n_above_d():
    from theorems._sweep import instances

    drawn = instances(theorems.get("e19/theorem3.2"), "full")
    shape = {(i["activation"], len(i["X"]) > len(i["X"][0])) for i in drawn}
    assert {("relu", True), ("relu", False), ("tanh", False)} <= shape  # tanh with n > d: declared not reached
