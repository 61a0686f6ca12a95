"""Uniformity audits of Lemma 2 and Theorems 3-4 (theorems/satpathi21/_audits.py; Lemma 5 and Theorem 7: test_generalisation.py).

Per audit: its family at a small scale gives admissible instances with a finite constant, the
check reports the audited constant as NaN where the horizon rule fails (never a truncated
number), and a planted wrong scaling (the constant multiplied by the audited parameter,
through the quantity the check measures) makes the audit say ``non-uniform``. (A planted sqrt(m)
is not enough over the one to three decades audited here: the verdict tolerates a 3x drift over
the range, and m^0.42 over one decade is 2.6x.) The
audits run here on a few cheap scales of the same families (``dataclasses.replace``); the full
audits take about a minute each (``python -m theorems audit ID``).
"""
import dataclasses
import math

import numpy as np
import pytest

import theorems
import theorems.satpathi21.dynamics as dyn
import theorems.satpathi21.generalisation as gen
from theorems._audit import audit
from theorems._core import VACUOUS
from theorems.satpathi21 import _audits as A


@pytest.fixture(autouse=True)
def empty_caches(monkeypatch):
    monkeypatch.setattr(dyn, "_CACHE", {})
    monkeypatch.setattr(gen, "_CACHE", {})


def declared(check_id, param):
    return next(u for u in theorems.get(check_id).uniform_in if u.param == param)


def cheap(check_id, param, scales, family=None):
    """The check with only ``param`` audited, on ``scales`` (and optionally another family)."""
    chk = theorems.get(check_id)
    u = declared(check_id, param)
    u = dataclasses.replace(u, scales=tuple(scales), family=family or u.family,
                            short_range_why=u.short_range_why or "test: a few cheap scales")
    return dataclasses.replace(chk, uniform_in=(u,))


def test_every_dynamics_and_generalisation_check_declares_its_audits():
    want = {"satpathi21/lemma2": {"m", "n", "d", "1/c"}, "satpathi21/theorem3": {"m"}, "satpathi21/theorem4": {"m"},
            "satpathi21/lemma5": {"n"}, "satpathi21/theorem7": {"n", "d"}}
    for cid, params in want.items():
        chk = theorems.get(cid)
        assert {u.param for u in chk.uniform_in} == params
        assert all(u.kind == "O" for u in chk.uniform_in)


@pytest.mark.parametrize("check_id,param,scale", [
    ("satpathi21/lemma2", "m", 30), ("satpathi21/lemma2", "n", 4), ("satpathi21/lemma2", "d", 20),
    ("satpathi21/lemma2", "1/c", 1 / 1.1959132760153037), ("satpathi21/theorem4", "m", 300),
])
def test_dynamics_family_at_a_small_scale_is_admissible_and_finite(check_id, param, scale):
    u = declared(check_id, param)
    vals = []
    for inst in u.family(scale):
        m = theorems.get(check_id).evaluate(inst)
        if m.verdict != VACUOUS:
            vals.append(m.constants[u.constant])
    assert vals and all(math.isfinite(v) and 0 < v < 10 for v in vals)


def test_structured_families_meet_their_description():
    import models.shallow_relu.network as net

    assert np.allclose(net.ntk(A.triangle()), 1.5 * np.eye(3))  # n = 3 > d = 2, orthogonal augmented points
    for n, d in ((2, 2), (5, 32)):
        X = A.basis(n, d)
        assert np.allclose(np.linalg.norm(X, axis=1), math.sqrt(d)) and n <= d
    cs = [1 / s for s in declared("satpathi21/lemma2", "1/c").scales]
    assert min(cs) < 0.1 and max(cs) / min(cs) >= 10  # ill-conditioned data down to c < 0.1


def test_lemma2_movement_constant_is_nan_where_the_horizon_is_not_spent():
    """Rule 1 of theorems._horizon: at c t = 0.5 the movement still to come is comparable to the
    movement: unresolved, and the audited constant is NaN (the audit then says inconclusive)."""
    inst = A.sweep_instance(A.pair(2), [1.0, -1.0], 300, horizon=0.5)
    m = theorems.get("satpathi21/lemma2").evaluate(inst)
    assert not m.resolved and "horizon too short" in m.unresolved_reason
    assert math.isnan(m.constants["movement_constant"]) and math.isfinite(m.constants["movement_constant_max"])
    ok = theorems.get("satpathi21/lemma2").evaluate(A.sweep_instance(A.pair(2), [1.0, -1.0], 300))
    assert ok.resolved and ok.details["horizon"]["spent"]


def test_lemma2_audit_in_m_passes_and_catches_a_movement_growing_like_m(monkeypatch):
    chk = cheap("satpathi21/lemma2", "m", (30, 60, 150, 300))
    good = audit(chk)["params"]["m"]
    assert good["verdict"] != "non-uniform in m" and good["exponent"] < 0.1
    real = dyn.movement
    monkeypatch.setattr(dyn, "movement", lambda W, W0: real(W, W0) * W.shape[1])  # planted: x m
    monkeypatch.setattr(dyn, "_CACHE", {})  # the movement is recorded inside the cached sweep
    bad = audit(chk)
    assert bad["verdict"] == "non-uniform in m" and bad["params"]["m"]["ci95"][0] > 0.5


def test_lemma2_audit_in_d_catches_a_constant_growing_with_d(monkeypatch):
    """Planted: an embedded run whose formulas forget ``embed_d`` (d = 2, the columns of X, in
    ``sqrt(dn)``) while c grows like d: the constant then grows like sqrt(d)."""
    chk = cheap("satpathi21/lemma2", "d", (2, 20, 200, 2000))
    assert audit(chk)["verdict"] != "non-uniform in d"
    monkeypatch.setattr(dyn, "dim", lambda inst: inst["X"].shape[1])
    assert audit(chk)["verdict"] == "non-uniform in d"


def _distance_scaled(power):
    """Planted bug: ||w - w*_L|| measured in wrong units, times m^power (the excess scales with it)."""
    real = dyn.sweep

    def sweep(inst, mode):
        res = real(inst, mode)
        runs = {m: [dict(r, dist_star=r["dist_star"] * m**power) for r in rs] for m, rs in res["runs"].items()}
        return dict(res, runs=runs)

    return sweep


@pytest.mark.parametrize("check_id", ["satpathi21/theorem3", "satpathi21/theorem4"])
def test_theorem_audit_in_m_catches_an_excess_times_m(monkeypatch, check_id):
    fam = lambda m: [A.sweep_instance(A.pair(2), [1.0, -1.0], int(m), max_horizon=30.0),  # noqa: E731
                     A.sweep_instance(A.triangle(), [1.0, -1.0, 0.5], int(m), max_horizon=30.0)]
    chk = cheap(check_id, "m", (60, 120, 300, 600), family=fam)
    assert audit(chk)["verdict"] != "non-uniform in m"
    monkeypatch.setattr(dyn, "_CACHE", {})
    monkeypatch.setattr(dyn, "sweep", _distance_scaled(1.0))
    res = audit(chk)
    assert res["verdict"] in ("non-uniform in m", "inconclusive")
    if res["verdict"] == "inconclusive":  # the horizon rule may refuse the faked runs: never a 'uniform'
        assert any(not isinstance(c, float) or math.isnan(c) for c in res["params"]["m"]["worst_constant"])


# -- coverage of the quick profile (issue 14, "quantifiers only partly covered") ------------------


def quick_rows(check_id):
    from theorems._sweep import quick_coverage

    return {r["name"]: r for r in quick_coverage(theorems.get(check_id))}


@pytest.mark.parametrize("check_id", ["satpathi21/lemma2", "satpathi21/theorem3", "satpathi21/theorem4"])
def test_quick_dynamics_reach_both_n_le_d_and_n_gt_d(check_id):
    rows = quick_rows(check_id)
    assert not rows["n vs d"]["gaps"], rows["n vs d"]


def test_quick_theorem4_horizon_from_the_first_step_and_audit_steps_below_the_cap():
    rows = quick_rows("satpathi21/theorem4")
    fam = declared("satpathi21/theorem4", "m").family(300)
    assert any(inst.get("step_size") for inst in fam)  # the audit runs 1/10 of the cap
    lo, hi = (float(x) for x in rows["c t"]["reached"].split(" .. "))
    assert lo < 0.01 and hi >= 12  # the sup over t starts at the first step


@pytest.mark.parametrize("check_id", ["satpathi21/lemma2", "satpathi21/theorem3"])
def test_flow_m_audits_span_four_decades_and_include_the_n2_design(check_id):
    """Theorem 3's m audit was 30..3000 (and Lemma 2's 30..3e4), without uniform(n=2, d=2, seed=0), the
    design on which the excess looked flat in m with 5 seeds."""
    u = declared(check_id, "m")
    assert not u.short and max(u.scales) / min(u.scales) >= 1e4
    X, y = A.uniform_pair()
    assert any(len(inst["X"]) == 2 and np.allclose(inst["X"], X) and np.allclose(inst["y"], y) for inst in u.family(3e4))


def test_lemma2_d_audit_spans_eight_decades_on_embedded_runs():
    """The d audit was d = 2..200 (short: a run's cost grew with d); embedded runs (``embed_d``) cost the
    same at every d, and d = 2e8 evaluates to a finite movement constant in the lazy regime."""
    u = declared("satpathi21/lemma2", "d")
    assert not u.short and min(u.scales) <= 2 and max(u.scales) >= 1e8
    fam = u.family(max(u.scales))
    assert all(inst["embed_d"] == max(u.scales) and len(inst["X"][0]) == 2 for inst in fam)
    m = theorems.get("satpathi21/lemma2").evaluate(fam[0])
    assert m.verdict != VACUOUS and math.isfinite(m.constants["movement_constant"])
