"""e19 horizons and audits (issue 14): the rule of theorems._horizon on Theorems 3.2, 7.1, 6.6 and
Proposition 5.1 (planted truncations are reported, not fitted; quantities at float resolution end the
measurement), the uniformity audits' declarations, and the quantifier declarations being the one place."""
import math

import numpy as np
import pytest

import theorems
from theorems import _horizon
from theorems._core import UNRESOLVED
from theorems.e19 import dynamics as dy


def _run(H: float, fast: float = 5.0, floor_at: float | None = None) -> dict:
    """A linearised two-mode run: H(Theta0) eigenvalues 1 (slow) and 3 (fast), lambda_n = 1, mode amplitudes
    exp(-2 mu h) (mode_rate 2), the fast mode's weight ``fast``; ``floor_at``: the residual is rounding from there."""
    h = np.linspace(0, H, 61)
    e = np.c_[np.exp(-2 * h), fast * np.exp(-6 * h)]
    if floor_at is not None:
        e[h >= floor_at] = 1e-300
    return {"h": h, "e": e, "risk": (e**2).sum(1) / 4, "w": np.array([1.0, 3.0]), "V": np.eye(2), "mode_rate": 2.0, "lam": 1.0}


def _modes(H: float, w, c0) -> dict:
    """A linearised run over modes with eigenvalues ``w`` (lambda_n = 1, mode_rate 2) from residual ``c0``."""
    h, w = np.linspace(0, H, 61), np.asarray(w, dtype=float)
    e = np.asarray(c0, dtype=float) * np.exp(-2 * np.clip(w, 0, None) * h[:, None])
    return {"h": h, "e": e, "risk": (e**2).sum(1) / 4, "w": w, "V": np.eye(len(w)), "mode_rate": 2.0, "lam": 1.0}


def test_a_truncated_rate_fit_is_reported_with_the_horizon_that_would_do():
    sp, win = dy._rate_spent(_run(0.5))
    assert not sp.ok and sp.share > 0.1
    assert 0.69 < sp.needed < 1.0  # 25 exp(-8 h) = 0.1 at h = ln(250)/8 = 0.69, plus the fit's window
    sp, win = dy._rate_spent(_run(3.0))
    assert sp.ok and win["end"] - win["start"] >= dy.MIN_FIT_POINTS
    assert dy._rate(_run(3.0), win) == pytest.approx(4.0, rel=0.02)  # the slow mode's risk rate 4 (in h), not a mix


def test_a_residual_at_float_resolution_ends_the_rate_measurement():
    sp, win = dy._rate_spent(_run(30.0, floor_at=10.0))
    assert win["stop"] is not None and _run(30.0)["h"][win["end"] - 1] < 10.0
    assert sp.ok and dy._rate(_run(30.0, floor_at=10.0), win) == pytest.approx(4.0, rel=0.02)


def test_the_movement_still_to_come_must_be_spent():
    assert not dy._movement_spent(_run(0.2)).ok
    assert dy._movement_spent(_run(3.0)).ok
    assert dy._movement_spent(_run(3.0), quadratic=True).share > dy._movement_spent(_run(3.0)).share


def test_modes_at_float_resolution_are_reported_not_still_to_come():
    """An eigenvalue of H(Theta0) that is rounding (0, or -1e-17) never moves: its |C|/sqrt(w) made the old share
    infinite (or its negative rate a negative horizon). Now the share runs over the moving modes and the frozen
    mode is reported with its residual energy."""
    for w0 in (0.0, -1e-17, 1e-300):
        run = _modes(3.0, [w0, 1.0, 3.0], [0.5, 1.0, 1.0])
        sp = dy._movement_spent(run, quadratic=True)
        assert sp.ok and math.isfinite(sp.needed)
        fr = dy.frozen_modes(run)
        assert fr["count"] == 1 and fr["residual_energy_share"] > 0.99


def test_a_residual_that_has_not_moved_asks_for_the_horizon_that_would_do():
    """Nothing moved yet (done = 0): the share is infinite, but the horizon asked for is the linearised one
    (finite; the old rule gave infinity and the run was never extended), and the run continued there is spent."""
    sp = dy._movement_spent(_modes(0.0, [1.0, 3.0], [1.0, 1.0]))
    assert not sp.ok and 0 < sp.needed < 5
    assert dy._movement_spent(_modes(sp.needed * 1.01, [1.0, 3.0], [1.0, 1.0])).ok


def test_a_slow_mode_that_cannot_be_spent_stays_unresolved():
    """Planted: a resolvable slow mode (w = 1e-4 lambda_n) holds the residual: its movement to come is real, so the
    rule is not spent at max_horizon and asks for the (long, finite) horizon that would do."""
    sp = dy._movement_spent(_modes(12.0, [1e-4, 3.0], [1.0, 1.0]))
    assert not sp.ok and sp.needed > 1000 and math.isfinite(sp.needed)


def test_a_stationary_flow_is_left_out_of_the_depth_law():
    """ReLU, m = 1, depth 2 (one block): for one draw every feature is 0 at Theta0, H(Theta0) = 0, the flow does not
    move and its gap is 0. The old check ended the depth sweep there (unresolved, 0 depths left); now that draw is
    left out and reported, and the law is fitted over the rest."""
    inst = {"activation": "relu", "X": [[-0.3737496273039775, 0.92752963084213], [0.9301363678828238, 0.36721429321548504]],
            "y": [0.08724998293084574, 0.8701448475755365], "m": 1, "L": 8, "seed": 0}  # drawn by the strategy
    assert not all(dy._moving(dy._flow(dy._SPEC.validate(inst), 2, s)).any() for s in range(3))
    m = theorems.evaluate("e19/theorem6.6", inst)
    assert 2 in m.details["stationary_depths"] and m.verdict != UNRESOLVED


@pytest.fixture(scope="module")
def small():
    return dy.instance("relu", 3, 3, 2, 8, 0, "random")  # eigenvalues 0.34, 0.58, 3.0 lambda_n: modes to spend


def test_a_planted_truncated_horizon_is_unresolved_not_fitted(small):
    """horizon = max_horizon = 0.1: the decay term is not spent and cannot be extended."""
    short = dict(small, horizon=0.1, max_horizon=0.1)
    for cid in ("e19/theorem3.2", "e19/theorem7.1", "e19/proposition5.1"):
        m = theorems.evaluate(cid, short)
        assert m.verdict == UNRESOLVED and "horizon too short" in m.explain(), cid
        assert not m.details["horizon"]["spent"]
    m = theorems.evaluate("e19/theorem3.2", short)
    assert math.isnan(m.constants["rate_ratio"])  # no rate fitted from the truncated run
    full = theorems.evaluate("e19/theorem3.2", small)
    assert full.details["horizon"]["spent"] and full.verdict != UNRESOLVED and full.constants["rate_ratio"] > 1


def test_a_short_horizon_is_extended_until_spent(small):
    m = theorems.evaluate("e19/theorem3.2", dict(small, horizon=0.1, max_horizon=12.0))
    assert m.details["horizon"]["spent"] and m.details["horizon"]["run"] > 0.1


def test_quantifiers_are_declared_once():
    for cid in ("e19/theorem7.1", "e19/theorem3.2", "e19/proposition5.1", "e19/theorem6.6"):
        names = {q.name for q in theorems.get(cid).quantifiers}
        assert {"sigma", "n", "d", "m", "L", "max |y_i|"} <= names
    assert not hasattr(dy, "QUANTIFIERS")


TRIANGLE = [[1.0, 0.0], [-0.5, 0.8660254037844386], [-0.5, -0.8660254037844386]]


def test_lemmas_4_5_and_4_6_for_tanh_with_n_above_d_name_the_failed_event():
    """tanh, n = 3 > d = 2: Lemma 4.4's event (their premise) fails; the checks say vacuous and name it. At
    m = 16 every draw has lambda_min(H(Theta0)) <= 0.29 lambda_n < lambda_n / 2 (the lemma4.4 certificate):
    the printed, probabilistic Lemma 4.5 fails at Theta = Theta0 exactly where its premise does."""
    import models.skip_resnet.network as sr
    from theorems.e19 import gram

    X = np.asarray(TRIANGLE)
    p0 = sr.init(2, 16, 20, seed=0)
    inst = {"activation": "tanh", "L": 20, "c": 1.0, "X": TRIANGLE, "y": [1.0, -1.0, 0.5], "B0": p0.B.numpy().tolist()}
    for part in ("lemma4.5", "lemma4.6"):
        m = theorems.evaluate(f"e19/{part}", inst)
        assert m.verdict == "vacuous" and any("Lemma 4.4's event" in h for h in m.false_hypotheses), part
    import models.skip_resnet.kernel as kk

    lam = kk.lambda_n(X, "tanh")
    assert gram.certificate(X, 16, 20, 0.1, lam)["every_draw_bound"] < 0.3


def test_the_rate_audit_resolves_small_depths():
    """At L = 4 the slow modes of H(Theta0) are not those of the late flow: the old rule never saw the decay term
    spent (NaN constants, the audit inconclusive for that); in the late tangent kernel's basis it is."""
    for w in dy._witnesses("theorem3.2", 3, 3, 2, 4):
        assert math.isfinite(w.constant) and w.constant > 0


# ------------------------------------------------------------------ uniformity audits (issue 14)


def _short(cid: str, params=("L",), scales=(3, 6, 12, 30)):
    """The check ``cid`` with its declared audit families at small scales (a short range: never ``uniform``)."""
    import dataclasses

    from theorems._audit import Uniformity

    check = theorems.get(cid)
    us = tuple(dataclasses.replace(u, scales=scales, short_range_why="test: small scales")
               for u in check.uniform_in if u.param in params)
    assert len(us) == len(params)
    return dataclasses.replace(check, uniform_in=us)


def test_every_dynamics_check_declares_its_hidden_constant_with_four_decades_in_L():
    """Theorem 7.1 and Proposition 5.1 declared no audit (their verdict rested on the rows alone); now every
    dynamics check audits its constant, an O constant, in L over four decades and in m or n."""
    from theorems._audit import O

    want = {"theorem7.1": {"L", "m"}, "theorem3.2": {"L", "m"}, "proposition5.1": {"L", "m", "n"}, "theorem6.6": {"L", "n"}}
    for cid, params in want.items():
        us = {u.param: u for u in theorems.get(f"e19/{cid}").uniform_in}
        assert set(us) == params, cid
        assert all(u.constant == dy.AUDITED[cid] and u.kind == O for u in us.values()), cid
        assert not us["L"].short and max(us["L"].scales) / min(us["L"].scales) >= 1e4, cid
        assert "m" not in us or not us["m"].short
        assert "n" not in us or ("n x n" in us["n"].short_range_why and us["n"].short)


def test_the_theorem71_verdict_rests_on_its_audit():
    from theorems._audit import check_verdict

    for cid in ("e19/theorem7.1", "e19/proposition5.1"):
        assert check_verdict(theorems.get(cid), "measured only", None) == "not audited"  # was "measured only"
        assert check_verdict(theorems.get(cid), "measured only", {"kind": "ok", "result": {"verdict": "non-uniform in L"}}) \
            == "false as printed: non-uniform in L (audit)"


def test_the_audited_depths_and_widths_are_admissible_instances():
    """L = 30000 and m = 10000 (the audits' largest scales) were refused by the old field maxima (20000, 1000)."""
    for m, L in ((2, max(dy.AUDIT_DEPTHS)), (max(dy.AUDIT_WIDTHS), 4)):
        inst = dy._SPEC.validate(dy.instance("relu", 3, 3, 1, 2, 0) | {"m": m, "L": L})
        assert (inst["m"], inst["L"]) == (m, L)


@pytest.fixture(scope="module")
def memo():
    """:func:`theorems.e19.dynamics._constant` computed once per instance in this module (the GD runs are not cached)."""
    real, seen = dy._constant, {}

    def constant(which, inst, L):
        k = (which, dy._key(inst), L)
        if k not in seen:
            seen[k] = real(which, inst, L)
        return seen[k]
    return constant


@pytest.mark.parametrize("cid", ["e19/theorem7.1", "e19/proposition5.1"])
def test_the_new_audits_run_at_small_scales_and_find_a_finite_constant(cid, memo, monkeypatch):
    from theorems._audit import audit

    monkeypatch.setattr(dy, "_constant", memo)
    res = audit(_short(cid))
    r = res["params"]["L"]
    assert all(math.isfinite(c) and c > 0 for c in r["worst_constant"]), r
    assert not r["verdict"].startswith("non-uniform") and res["verdict"] == "inconclusive"  # short: never uniform


@pytest.mark.parametrize("cid", ["e19/theorem7.1", "e19/proposition5.1"])
def test_the_audit_says_non_uniform_for_a_planted_constant_that_grows_with_L(cid, memo, monkeypatch):
    from theorems._audit import audit

    monkeypatch.setattr(dy, "_constant", lambda which, inst, L: memo(which, inst, L) * L)  # planted: x L
    res = audit(_short(cid))
    assert res["verdict"] == "non-uniform in L", res["params"]["L"]


def test_a_scale_whose_decay_term_is_not_spent_gives_nan_not_a_number(small):
    """Rule 1 of theorems._horizon: a truncated run gives no constant. Theorem 7.1's (and 3.2's) 1/rate_ratio was
    infinite there (1/NaN read as a rate <= 0), an overflow the audit took for the worst constant; it is NaN now,
    as is Proposition 5.1's radius constant, and so is every audited constant of a truncated run."""
    short = dict(small, horizon=0.1, max_horizon=0.1)
    for cid in ("e19/theorem7.1", "e19/theorem3.2"):
        assert math.isnan(theorems.evaluate(cid, short).constants["1/rate_ratio"]), cid
    assert math.isnan(theorems.evaluate("e19/proposition5.1", short).constants[dy.RADIUS])
    full = theorems.evaluate("e19/proposition5.1", small)
    assert full.constants[dy.RADIUS] == pytest.approx(full.ratio)
    inst = dy._SPEC.validate(short)
    for which in dy.AUDITED:
        assert math.isnan(dy._constant(which, inst, inst["L"])), which


@pytest.mark.parametrize("cid", ["e19/theorem7.1", "e19/proposition5.1"])
def test_an_audit_over_truncated_runs_is_inconclusive_not_fitted(cid, monkeypatch):
    """Planted: every run of the family stops at horizon 0.1 (max_horizon 0.1), its decay term not spent: each
    scale's worst constant is NaN and the audit fits nothing."""
    from theorems._audit import audit

    real = dy.instance
    monkeypatch.setattr(dy, "instance", lambda *a, **k: dict(real(*a, **k), horizon=0.1, max_horizon=0.1))
    r = audit(_short(cid))["params"]["L"]
    assert all(math.isnan(float(c)) for c in r["worst_constant"]) and r["exponent"] is None and r["verdict"] == "inconclusive", r


def test_a_rate_fitted_before_the_kernel_has_moved_is_unresolved():
    """Slow labels (the bottom eigenvector of H(Theta0)) at horizon 0.1: the residual already lies in the slow
    modes of the last iterate's kernel, so the old rule called the run spent and Theorem 3.2 fitted the initial
    rate (rate_ratio 1.41, inside envelope), though Theta had yet to do most of its moving (the movement still to
    come 12x that so far). Now the movement must be spent too: unresolved, no rate, and the horizon that would do."""
    inst = dict(dy.instance("relu", 3, 3, 2, 8, 0, "slow"), horizon=0.1, max_horizon=0.1)
    for cid in ("e19/theorem3.2", "e19/theorem7.1"):
        m = theorems.evaluate(cid, inst)
        assert m.verdict == UNRESOLVED and math.isnan(m.constants["rate_ratio"]), cid
        assert m.details["horizon"]["horizon_needed"] > 0.5, cid
