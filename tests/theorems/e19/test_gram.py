"""Lemma 4.4 (the Gram matrix at initialisation) of E–Ma–Wang–Wu: the event checked at the lemma's
own depth, how much smaller a depth suffices, E H(Theta0) against K (ReLU yes, tanh no), and
planted bugs (B0 rows with an extra 1/sqrt(m), the bound 3/4 made too strong, rows of norm 1); the tanh
erratum (declared on the check: here how its certificate's bound falls with m), the corrected
``width-kernel`` lemma, and the strategies' reach over the declared ranges."""

import numpy as np
import pytest

import models.skip_resnet.network as sr
import theorems
import models.skip_resnet.kernel as kk
from theorems._core import CERTIFIED, CONSISTENT, COUNTEREXAMPLE, INCONSISTENT, VACUOUS
from theorems.e19 import gram

TANH_MEAN, TANH_SMALLEST = gram.TANH_MEAN, gram.TANH_SMALLEST
TRIANGLE = TANH_SMALLEST["X"]


def test_the_mean_is_k0_m_for_both_activations_and_k0_for_relu():
    m = theorems.evaluate("e19/lemma4.4/mean", TANH_MEAN)
    assert m.verdict == INCONSISTENT and m.constants["max_z_vs_K_m"] < m.constants["z_critical"]
    assert theorems.evaluate("e19/lemma4.4/mean", dict(TANH_MEAN, activation="relu")).verdict == CONSISTENT
    assert theorems.evaluate("e19/lemma4.4/mean", dict(TANH_MEAN, m=1)).verdict == CONSISTENT  # tanh at m = 1: K_1 = K


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_the_event_at_the_lemmas_depth_and_the_depth_that_suffices(act):
    inst = gram.event_instance(act, 3, 3, 16, 0.1, 1, spread=0.1)
    m = theorems.evaluate("e19/lemma4.4", inst)
    assert m.verdict == CONSISTENT and not m.false_hypotheses
    assert m.constants["L"] == int(np.ceil(m.constants["L_req"])) and m.constants["frequency"] == 1.0
    assert 0 < m.constants["L_suffices/L_req"] < 0.2  # the lemma's depth is loose by more than 5x
    shallow = theorems.evaluate("e19/lemma4.4", dict(inst, L=6))
    assert shallow.verdict == VACUOUS and "L >= 8 ln(n^2/delta)/(m lambda_n^2)" in shallow.false_hypotheses


def test_nested_depths_are_draws_of_the_shallower_network():
    inst = theorems.get("e19/lemma4.4").spec.validate(gram.event_instance("relu", 2, 3, 4, 0.1, 0, draws=10))
    H = gram.gram_at_depths(inst, 50, [10, 50])
    G = gram.block_grams(inst["X"], "relu", 4, 50, int(np.random.default_rng(0).integers(1 << 62, size=10)[0]))
    np.testing.assert_allclose(H[0, 0], G[:9].sum(0) / (2 * 10), rtol=1e-14)
    np.testing.assert_allclose(H[0, 1], G.sum(0) / (2 * 50), rtol=1e-14)


def test_blocks_summed_in_pieces_give_the_same_numbers_and_bounded_memory(monkeypatch):
    """Streaming the blocks (``chunk_blocks`` at a time) reproduces the all-at-once cumulative sums
    bit for bit, and the memory estimate no longer grows with L: the sweep's instance at L ~ 1e6,
    m = 256 (23 GB before) is within the default limit."""
    inst = theorems.get("e19/lemma4.4").spec.validate(gram.event_instance("tanh", 3, 2, 4, 0.1, 0, draws=10))
    whole = gram.gram_at_depths(inst, 40, [2, 7, 40], draws=2)
    monkeypatch.setattr(gram, "CHUNK_BYTES", 3 * 8 * (4 * 2 + 2 * 3 * 4 + 2 * 9))  # 3 blocks a piece
    assert gram.chunk_blocks(3, 2, 4) == 3
    assert np.array_equal(gram.gram_at_depths(inst, 40, [2, 7, 40], draws=2), whole)
    G = gram.block_grams(inst["X"], "tanh", 4, 40, 5)
    assert np.array_equal(np.concatenate(list(gram.block_grams(inst["X"], "tanh", 4, 40, 5, chunk=3))), G)
    monkeypatch.undo()
    big = {"X": np.zeros((4, 3)), "m": 256, "L": 1010327, "draws": 10}
    assert gram.cost(big).memory < 1e9


def test_an_extra_one_over_sqrt_m_in_B0_is_caught(monkeypatch):
    """Planted bug: rows of B0 of norm 1/m: H is m times too small and the event fails."""
    real = sr.init_blocks

    def small(d, m, L, *, seed, chunk):
        return (B / m**0.5 for B in real(d, m, L, seed=seed, chunk=chunk))

    inst = gram.event_instance("relu", 3, 3, 16, 0.1, 1, spread=0.1)
    monkeypatch.setattr(sr, "init_blocks", small)
    assert theorems.evaluate("e19/lemma4.4", inst).verdict == INCONSISTENT


def test_rows_of_norm_one_are_caught_by_the_mean(monkeypatch):
    """Planted bug: rows of B0 of norm 1 (no 1/sqrt(m)): the ReLU mean is m K, not K."""
    real = sr.init_blocks

    def unit(d, m, L, *, seed, chunk):
        return (B * m**0.5 for B in real(d, m, L, seed=seed, chunk=chunk))

    monkeypatch.setattr(sr, "init_blocks", unit)
    assert theorems.evaluate("e19/lemma4.4/mean", dict(TANH_MEAN, activation="relu")).verdict == INCONSISTENT


def test_the_three_quarters_made_too_strong_is_caught(monkeypatch):
    """Planted bug: lambda_min(H) >= 1.05 lambda_n (H's delta-quantile is ~0.99 lambda_n at L_req)."""
    inst = gram.event_instance("relu", 3, 3, 16, 0.1, 1, spread=0.1)
    monkeypatch.setattr(gram, "FRACTION", 1.05)
    assert theorems.evaluate("e19/lemma4.4", inst).verdict == INCONSISTENT


def test_the_mean_on_a_singular_kernel():
    """n = 3 points in d = 1 (only +-1 exist): K is singular; the check still compares means."""
    inst = dict(TANH_MEAN, X=[[1.0], [-1.0], [1.0]], activation="relu")
    m = theorems.evaluate("e19/lemma4.4/mean", inst)
    assert m.verdict == CONSISTENT and np.isnan(m.constants["lambda_min(K_m)/lambda_n"])


def test_every_quick_sweep_instance_evaluates():
    from theorems._sweep import instances

    for inst in instances(theorems.get("e19/lemma4.4/mean"), "quick"):
        theorems.evaluate("e19/lemma4.4/mean", inst)


def test_bad_instances():
    inst = gram.event_instance("relu", 3, 3, 16, 0.1, 1)
    for change, needle in [({"delta": 1.5}, "delta"), ({"X": [[2.0, 0, 0]]}, "unit sphere"), ({"activation": "gelu"}, "relu or tanh"),
                           ({"L": 10**7, "draws": 1000}, "neurons to sample|field .L.: this instance needs")]:
        with pytest.raises(theorems.InstanceError, match=needle):
            theorems.evaluate("e19/lemma4.4", dict(inst, **change))


def test_the_tanh_counterexample_is_certified_and_its_ratio_falls_like_m_squared():
    r = theorems.evaluate("e19/lemma4.4", TANH_SMALLEST)
    assert r.verdict == COUNTEREXAMPLE and r.regime == CERTIFIED and not r.false_hypotheses
    assert r.constants["L"] == 8314747 and r.constants["certified_quantile_upper"] == pytest.approx(0.37315, abs=1e-5)
    assert r.constants["log10_P_event_upper"] < -5000 and r.tolerance < 1e-9
    q = [theorems.evaluate("e19/lemma4.4", dict(TANH_SMALLEST, m=m)).constants["certified_quantile_upper"] for m in (64, 256, 1024)]
    slopes = np.diff(np.log(q)) / np.log(4)
    assert np.all((-2.1 < slopes) & (slopes < -1.9))  # the bound |v|_1^2/(9 n m^2): m^-2
    big = theorems.evaluate("e19/lemma4.4", dict(TANH_SMALLEST, m=16))
    assert big.constants["log10_P_event_upper"] == -np.inf  # every draw, every depth


def test_the_certificate_does_not_disprove_what_holds():
    """m = 1 (K_1 = K: lambda_min(H) concentrates at ~lambda_n) and ReLU: the certificate stays silent."""
    X = np.asarray(TRIANGLE)
    lam = kk.lambda_n(X, "tanh")
    L = int(np.ceil(gram.required_depth(lam, 3, 1, 0.1)))
    assert gram.certificate(X, 1, L, 0.1, lam)["q"] > 0.75
    relu = theorems.evaluate("e19/lemma4.4", dict(TANH_SMALLEST, activation="relu", draws=20))
    assert relu.verdict == CONSISTENT and "certified_quantile_upper" not in relu.constants


def test_the_width_kernel_lemma_on_both_activations():
    for act in ("relu", "tanh"):
        r = theorems.evaluate("e19/lemma4.4/width-kernel", gram.event_instance(act, 3, 3, 16, 0.1, 1, draws=20, spread=0.1))
        assert r.verdict == CONSISTENT and not r.false_hypotheses
    lemma = theorems.evaluate("e19/lemma4.4", dict(TANH_SMALLEST, activation="relu", draws=20))
    fixed = theorems.evaluate("e19/lemma4.4/width-kernel", dict(TANH_SMALLEST, activation="relu", draws=20))
    assert fixed.constants["L"] == lemma.constants["L"]  # ReLU: K_m = K, the same depth


def test_the_strategies_reach_the_declared_ranges():
    from theorems._sweep import instances

    for cid in ("e19/lemma4.4", "e19/lemma4.4/width-kernel"):
        drawn = instances(theorems.get(cid), "full")
        shape = {(i["activation"], len(i["X"]) > len(i["X"][0])) for i in drawn}
        assert {("relu", True), ("relu", False), ("tanh", False)} <= shape
        assert (cid == "e19/lemma4.4") == (("tanh", True) in shape)  # width-kernel: tanh n > d not reached (declared)
        ms = [i["m"] for i in drawn]
        assert min(ms) == 1 and max(ms) >= 256
        assert {q.name for q in theorems.get(cid).quantifiers} == {"sigma", "n", "d", "m", "L", "delta"}


def test_the_width_kernel_lemma_with_its_fraction_made_too_strong_is_caught(monkeypatch):
    """Planted: 3/4 -> 1.5 of lambda_min(E H(Theta0)) (above the mean's own lambda_min): the corrected
    check must say inconsistent on the instance where it is consistent with the true fraction."""
    inst = gram.event_instance("relu", 3, 3, 16, 0.1, 1, draws=20, spread=0.1)
    assert theorems.evaluate("e19/lemma4.4/width-kernel", inst).verdict == CONSISTENT
    monkeypatch.setattr(gram, "FRACTION", 1.5)
    assert theorems.evaluate("e19/lemma4.4/width-kernel", inst).verdict == INCONSISTENT
