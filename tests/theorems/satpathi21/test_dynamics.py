"""The Satpathi–Srikant dynamics checks (Lemma 2, Theorems 3 and 4) catch planted bugs.

Each test first shows that the correct model passes, then plants one bug (by monkeypatching
the model function the check calls, or by faking the law a sweep produces) and asserts that
the check's verdict turns. The sweeps cache their runs per process, so every test starts from
an empty cache.
"""
import math

import numpy as np
import pytest

import models.shallow_relu.linearised as lin_mod
import models.shallow_relu.training as train
import theorems
import theorems.satpathi21.dynamics as dyn
from theorems._core import INSIDE, OUTSIDE, UNRESOLVED, VACUOUS
from tests.theorems.satpathi21._shared import CORRECT_GD, SWEEP, X4, X_ILL, Y4, Y_ILL, empty_caches, evaluate, w_star_without_p0perp  # noqa: F401 (fixture)


def gd_scaled_twice(X, y, params, *, step_size, **kw):
    """Planted bug: the 1/sqrt(m) of the output layer applied a second time in the update."""
    m = (params[0] if isinstance(params, list) else params).W.shape[0]
    return CORRECT_GD(X, y, params, step_size=step_size / math.sqrt(m), **kw)


# -------------------------------------------------------------------- theorems 3 and 4, lemma 2


@pytest.mark.parametrize("check_id", ["satpathi21/theorem3", "satpathi21/theorem4", "satpathi21/lemma2"])
def test_correct_model_is_inside(check_id):
    m = evaluate(check_id, SWEEP)
    assert m.verdict == INSIDE, m.explain()


def test_ill_conditioned_data_outside_the_lazy_regime_is_vacuous_not_a_law():
    """At c = 0.016 lambda_min(G(t)) collapses during training at every width up to 3162 (the
    excess is flat in m there): the check refuses to fit a law and says which premise failed."""
    inst = dict(SWEEP, X=X_ILL.tolist(), y=Y_ILL.tolist(), widths=[100, 1000, 3162], seeds=3)
    m = evaluate("satpathi21/theorem4", inst)
    assert m.verdict == VACUOUS
    assert any("lazy regime" in h and s == "false" for h, s in m.hypotheses.items())
    assert max(m.details["gram_min_over_c_by_width"].values()) < 0.5


@pytest.mark.parametrize("check_id", ["satpathi21/theorem3", "satpathi21/theorem4"])
def test_w_star_without_p0perp_is_caught(monkeypatch, check_id):
    # ||w - w*|| then tends to ||P0perp w(0)|| ~ sqrt(m): the excess grows with m
    monkeypatch.setattr(lin_mod.Linearisation, "w_star", w_star_without_p0perp)
    m = evaluate(check_id, SWEEP)
    assert m.verdict == OUTSIDE and m.constants["exponent"] > 0.3


def test_gd_with_the_scaling_applied_twice_is_caught(monkeypatch):
    """The iterates then contract sqrt(m) times slower than (1 - c eta/2)^{k/2} says."""
    monkeypatch.setattr(train, "gd", gd_scaled_twice)
    m = evaluate("satpathi21/theorem4", SWEEP)
    assert m.verdict == OUTSIDE and m.details["law_ratio"] > 1 and m.details["transient_ratio"] > 1


def test_theorem4_slow_step_contraction_is_reported_not_judged(monkeypatch):
    """Step lengths contracting at 0.8 of the theorem's per-step rate (transient ratio 1.25): the old
    criterion called Theorem 4 false; the theorem says nothing about step lengths below its O(m^{-1/8})."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        q = math.sqrt(1 - res["c"] * res["eta"] / 2) ** 0.8
        runs = {m: [dict(r, step=r["step"][0] * q ** r["t"]) for r in rs] for m, rs in res["runs"].items()}
        return dict(res, runs=runs)

    monkeypatch.setattr(dyn, "sweep", sweep)
    m = evaluate("satpathi21/theorem4", SWEEP)
    assert m.details["transient_ratio"] == pytest.approx(1.25, rel=1e-3) and m.details["converges"]
    assert m.verdict == INSIDE and m.ratio == m.details["law_ratio"]


def test_gd_transient_and_convergence_of_the_correct_model():
    m = evaluate("satpathi21/theorem4", SWEEP)
    assert m.details["converges"] and 1 < m.constants["transient_speedup_min"] < 10


def _fake_excess(exponent):
    """A sweep whose distance to w*_L is exactly decay(t) D0 + 3 m^exponent for t > 0 (large
    enough that the flow's decay term is spent at c t = 12: no rerun of the flow)."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        c, eta = res["c"], res["eta"]
        runs = {}
        for m, rs in res["runs"].items():
            runs[m] = []
            for r in rs:
                r = dict(r)
                decay = np.exp(-c * r["t"] / 2) if mode == "flow" else (1 - c * eta / 2) ** (r["t"] / 2)
                r["dist_star"] = r["dist_star"][0] * decay + 3.0 * m**exponent * (r["t"] > 0)
                runs[m].append(r)
        return dict(res, runs=runs)

    return sweep


@pytest.mark.parametrize("check_id,claimed", [("satpathi21/theorem3", -0.25), ("satpathi21/theorem4", -0.125)])
def test_faked_width_law_with_the_wrong_exponent_is_caught(monkeypatch, check_id, claimed):
    monkeypatch.setattr(dyn, "sweep", _fake_excess(claimed / 3))
    m = evaluate(check_id, SWEEP)
    assert m.verdict == OUTSIDE and m.constants["exponent"] == pytest.approx(claimed / 3, abs=0.02)


@pytest.mark.parametrize("check_id,claimed", [("satpathi21/theorem3", -0.25), ("satpathi21/theorem4", -0.125)])
def test_faked_width_law_at_the_claimed_exponent_passes(monkeypatch, check_id, claimed):
    monkeypatch.setattr(dyn, "sweep", _fake_excess(claimed * 1.5))
    m = evaluate(check_id, SWEEP)
    assert m.details["law_ratio"] <= 1


def test_movement_summed_over_neurons_is_caught(monkeypatch):
    """Planted bug: ||w - w(0)|| over all neurons instead of max_k ||w_k - w_k(0)||: O(1), not m^{-1/2}."""
    monkeypatch.setattr(dyn, "movement", lambda W, W0: np.sqrt(((W - W0) ** 2).sum(axis=(1, 2))))
    m = evaluate("satpathi21/lemma2", SWEEP)
    assert m.verdict == OUTSIDE and m.constants["movement_exponent"] > -0.2


def test_residual_rate_with_the_scaling_applied_twice_is_caught(monkeypatch):
    """The residual then decays like exp(-c t/(4 sqrt m)) against the bound exp(-c t/4)."""
    monkeypatch.setattr(train, "gd", gd_scaled_twice)
    m = evaluate("satpathi21/lemma2", SWEEP)
    assert m.verdict == OUTSIDE and m.constants["rate_ratio_at_largest_m"] > 1


# --------------------------------------------------- no silent skips (issue 14, kind 3)

SMALL = {"X": X4.tolist(), "y": Y4.tolist(), "widths": [100, 200, 400, 800], "seeds": 3, "record": 20}


def _blow_up_at_the_largest_width(real=dyn.sweep):
    """Planted hidden case: one run at the largest width overflows half way (every recorded
    quantity NaN from there on). It used to fail the lazy test (NaN >= c/2 is false) and be left
    out, the fit and the rate taken over the other widths: 'inside envelope'."""

    def sweep(inst, mode):
        res = real(inst, mode)
        runs = {m: [dict(r) for r in rs] for m, rs in res["runs"].items()}
        r = runs[max(runs)][0]
        half = r["t"] >= r["t"][-1] / 2
        for k in ("move", "residual", "lam_min_G", "dist_star", "step"):
            if k in r:
                r[k] = np.where(half, np.nan, r[k])
        return dict(res, runs=runs)

    return sweep


@pytest.mark.parametrize("check_id", ["satpathi21/lemma2", "satpathi21/theorem4"])
def test_a_run_that_blows_up_is_not_left_out(monkeypatch, check_id):
    assert evaluate(check_id, SMALL).verdict == INSIDE  # the sweep is cached: the planted run reuses it
    monkeypatch.setattr(dyn, "sweep", _blow_up_at_the_largest_width())
    assert evaluate(check_id, SMALL).verdict in (UNRESOLVED, OUTSIDE)


def test_theorem4_a_step_that_overflows_counts_against_convergence(monkeypatch):
    """Planted: the last step length of one run at the largest width is inf; it used to be masked
    out of the fitted contraction, which then said the run converges."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        runs = {m: [dict(r) for r in rs] for m, rs in res["runs"].items()}
        r = runs[max(runs)][0]
        r["step"] = np.where(r["t"] == r["t"][-1], np.inf, r["step"])
        return dict(res, runs=runs)

    monkeypatch.setattr(dyn, "sweep", sweep)
    m = evaluate("satpathi21/theorem4", SMALL)
    assert not m.details["converges"] and m.verdict != INSIDE


# ------------------------------------------------------- lemma 2: the movement against its bound


def _fake_movement(profile):
    """A sweep whose movement is ``profile(m)`` times Lemma 2's explicit bound
    ``4 sqrt(n(d+1)) ||f0 - Y|| / (c sqrt m)`` at every recorded t > 0."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        n, d = np.asarray(inst["X"]).shape
        runs = {}
        for m, rs in res["runs"].items():
            bound = lambda r: dyn.MOVE_BOUND * math.sqrt(n * (d + 1)) * r["residual"][0] / (res["c"] * math.sqrt(m))  # noqa: E731
            runs[m] = [dict(r, move=profile(m) * bound(r) * (r["t"] > 0)) for r in rs]
        return dict(res, runs=runs)

    return sweep


def test_lemma2_movement_rising_to_its_bound_holds(monkeypatch):
    """A max over m neurons each bounded by C/sqrt(m) rises towards C: sqrt(m) max_k = 0.9 C (1 - 3 m^{-0.3}).
    The old criterion (fitted exponent against -1/2) called this a violation; the bound holds."""
    monkeypatch.setattr(dyn, "sweep", _fake_movement(lambda m: 0.9 * (1 - 3 * m**-0.3)))
    m = evaluate("satpathi21/lemma2", SWEEP)
    assert m.details["law_ratio"] > 1  # the old criterion's ratio
    assert m.verdict == INSIDE and m.constants["movement_bound_ratio"] == pytest.approx(0.9 * (1 - 3 * 3162**-0.3))


def test_lemma2_movement_slower_than_m_to_minus_half_is_caught(monkeypatch):
    """Planted: movement C m^{-1/4} (half the bound at m = 100): above the bound by m = 3162."""
    monkeypatch.setattr(dyn, "sweep", _fake_movement(lambda m: 0.5 * (m / 100) ** 0.25))
    m = evaluate("satpathi21/lemma2", SWEEP)
    assert m.verdict == OUTSIDE and m.constants["movement_bound_ratio"] > 1


def test_strategies_reach_n_2_and_steps_below_the_cap():
    """The three strategies draw n = 2 (with SEEDS_N2 seeds), d beyond 5, label scales over a decade and,
    for Theorem 4, the steps 1, 10^-1/2, 1/10 and 1/100 of the cap (the old strategies: n >= 3 for
    Theorems 3-4, d <= 5, C_y < 1, steps >= 1/10)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    ns, ds, cys, fracs, seeds2 = set(), set(), set(), set(), set()
    lam_max = lambda inst: float(np.linalg.eigvalsh(dyn.net.ntk(np.asarray(inst["X"])))[-1])  # noqa: E731

    @settings(max_examples=60, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.tuples(*(theorems.get(f"satpathi21/{c}").strategy() for c in ("lemma2", "theorem3", "theorem4"))))
    def draw(insts):
        for i, inst in enumerate(insts):
            ns.add((i, len(inst["X"])))
            ds.add(len(inst["X"][0]))
            cys.add(max(abs(v) for v in inst["y"]))
            if len(inst["X"]) == 2:
                seeds2.add(inst["seeds"])
        theorem4 = insts[2]
        fracs.add(round(theorem4["step_size"] * lam_max(theorem4), 3) if "step_size" in theorem4 else 1.0)

    draw()
    assert {(i, 2) for i in range(3)} <= ns and seeds2 == {dyn.SEEDS_N2}
    assert max(ds) > 5 and max(cys) / min(cys) > 10
    assert fracs == {1.0, round(10**-0.5, 3), 0.1, 0.01}


def test_theorem3_a_run_exactly_at_w_star_does_not_leave_the_sweep_unresolved(monkeypatch):
    """A run whose activations never switch follows the linearised flow exactly: ||w - w*_L|| =
    exp(-c t) D0 (zero excess) down to float resolution. At n = 2 that happens at small widths
    (uniform(n=2, d=2, seed=0), 32 seeds: unresolved before). The old rule counted its zero excess as
    'decay term not spent' (share inf), reran to max_horizon and left the whole sweep unresolved; such a
    run is now settled once its distance reaches rounding and the other runs decide."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        runs = {}
        for m, rs in res["runs"].items():
            runs[m] = []
            for s, r in enumerate(rs):
                D0, ct = r["dist_star"][0], res["c"] * r["t"]
                excess = 0.0 if s == 0 else 3.0 * m**-0.375
                runs[m].append(dict(r, dist_star=D0 * (np.exp(-ct) if s == 0 else np.exp(-ct / 2)) + excess * (r["t"] > 0)))
        return dict(res, runs=runs)

    monkeypatch.setattr(dyn, "sweep", sweep)
    from theorems.satpathi21._audits import triangle  # H = 1.5 I: short runs

    m = evaluate("satpathi21/theorem3", {"X": triangle().tolist(), "y": [1.0, -1.0, 0.5], "widths": [100, 200, 400], "seeds": 3, "record": 40})
    assert m.verdict == INSIDE and m.resolved, m.explain()
    assert 12 < m.details["horizon"]["horizon"] < 60 and m.details["zero_excess_runs"] == 3


def test_embedded_run_equals_the_full_run_draw_by_draw():
    """``embed_d``: the run on ``run_data``'s d + 1 coordinates is the full run in R^D, coupled draw by
    draw (the full run's kept coordinates as the reduced initialisation): same outputs, movement and
    distance to w*_L, and the other D - d coordinates never move."""
    import models.shallow_relu.network as net

    d, D, m, eta, steps = 2, 7, 40, 0.2, 60
    X = np.array([[math.sqrt(2), 0.0], [0.6, math.sqrt(2 - 0.36)]])
    y = np.array([1.0, -0.5])
    Z = dyn.run_data({"X": X, "embed_d": D})
    Xfull = np.zeros((2, D))
    Xfull[:, :d] = Z
    assert np.allclose(np.linalg.norm(Xfull, axis=1), math.sqrt(D))
    full = net.init_params(D, m, seed=3)
    keep = list(range(d)) + [D]
    red = net.Params(W=full.W[:, keep].copy(), a=full.a)
    runs = [train.gd(Xd, y, p, step_size=eta, steps=steps, keep_weights=True) for Xd, p in ((Xfull, full), (Z, red))]
    Wf, Wr = runs[0].weights[-1], runs[1].weights[-1]
    np.testing.assert_allclose(Wf[:, keep], Wr, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(Wf[:, d:D], full.W[:, d:D])  # the coordinates off the span never move
    np.testing.assert_allclose(net.forward(Xfull, net.Params(Wf, full.a)), net.forward(Z, net.Params(Wr, red.a)), atol=1e-12)
    stars = [lin_mod.Linearisation.at(Xd, p).w_star(y).reshape(p.W.shape) for Xd, p in ((Xfull, full), (Z, red))]
    np.testing.assert_allclose(stars[0][:, d:D], full.W[:, d:D], atol=1e-12)  # w*_L - w(0) lies in the span
    assert abs(np.linalg.norm(Wf - stars[0]) - np.linalg.norm(Wr - stars[1])) < 1e-10
    np.testing.assert_allclose(net.ntk(Xfull), net.ntk(Z, on_sphere=False), atol=1e-12)

