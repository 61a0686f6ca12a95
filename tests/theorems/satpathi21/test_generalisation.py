"""Lemma 5 and Theorem 7 / Corollary 8 (generalisation) catch planted bugs; unspent sweeps are unresolved."""
import math

import numpy as np
import pytest

import models.shallow_relu.linearised as lin_mod
import theorems.satpathi21.generalisation as gen
from theorems._core import INSIDE, OUTSIDE, UNRESOLVED

from tests.theorems.satpathi21._shared import empty_caches, evaluate  # noqa: F401 (fixture)


# -------------------------------------------------------------- lemma 5, theorem 7 (small sweeps)

GEN = {"d": 2, "sizes": [8, 16, 32], "p": 1, "width": 200, "seeds": 2, "test_points": 300, "max_steps": 300}
#: well-conditioned (d = 5, n <= 16): Lemma 5's decay term is spent within 2000 steps
GEN_SPENT = {"d": 5, "sizes": [4, 8, 16], "p": 1, "width": 200, "seeds": 2, "test_points": 300, "max_steps": 2000}


def _fake_rows(exponent):
    def sweep(inst):
        rows = []
        for n in inst["sizes"]:
            for seed in range(inst["seeds"]):
                v = 0.5 * n**exponent * (1 + 0.01 * seed)
                rows.append(
                    {"n": int(n), "seed": seed, "c": 0.5, "eta": 0.1, "k": np.array([0, 2000]), "D": np.array([1.0, v]),
                     "E": v, "E_se": 0.0, "E_kr": v, "yHy": 1.0, "train_residual": 0.0}
                )
        return rows

    return sweep


@pytest.mark.parametrize("check_id", ["satpathi21/lemma5", "satpathi21/theorem7"])
def test_generalisation_laws_slower_than_n_to_minus_half_are_caught(monkeypatch, check_id):
    monkeypatch.setattr(gen, "sweep", _fake_rows(-0.2))
    assert evaluate(check_id, GEN).verdict == OUTSIDE
    monkeypatch.setattr(gen, "sweep", _fake_rows(-0.7))
    assert evaluate(check_id, GEN).verdict == INSIDE


def test_theorem7_real_sweep_runs_and_reports():
    """At d = 2 the decay term (1 - c eta/2)^K (Y^T H^-1 Y + 1) is still ~10^4 times the test error
    after 300 steps: the n-law would be the transient's, so none is fitted (unresolved, with numbers)."""
    m = evaluate("satpathi21/theorem7", GEN)
    assert set(m.details["error_by_n"]) == {8, 16, 32}
    assert m.verdict == UNRESOLVED and "horizon too short" in m.explain()
    assert math.isnan(m.constants["exponent"]) and math.isfinite(m.details["truncated_fit"]["slope"])
    assert m.details["horizon"]["decay_share_max"] > 1e3 and m.details["horizon"]["horizon_needed"] > 300


def test_lemma5_catches_a_wrong_kernel_regression_predictor(monkeypatch):
    """Planted bug: f_KR of eq. (8) replaced by the zero predictor; D(n) then tends to E f^2,
    which does not shrink with n."""
    assert evaluate("satpathi21/lemma5", GEN_SPENT).verdict == INSIDE
    monkeypatch.setattr(gen, "_CACHE", {})
    monkeypatch.setattr(lin_mod, "kernel_regression", lambda X, y, Xnew: np.zeros(len(Xnew)))
    m = evaluate("satpathi21/lemma5", GEN_SPENT)
    assert m.verdict == OUTSIDE, m.constants


# ------------------------------------------------------- the kernel limit (model: kernel) and its audits

import dataclasses  # noqa: E402

from scipy import stats  # noqa: E402

import models.shallow_relu.kernel_limit as kl  # noqa: E402
import models.shallow_relu.network as net  # noqa: E402
import theorems  # noqa: E402
from theorems._audit import audit  # noqa: E402
from theorems.satpathi21 import _generalisation_audits as A  # noqa: E402


def _cosines(P):
    G = P @ P.T / P.shape[1] if P.shape[1] == P.shape[0] else P @ P.T
    return G / np.sqrt(np.outer(np.diag(G), np.diag(G)))


def test_sphere_draw_beyond_the_count_is_equal_in_distribution_to_the_direct_draw():
    """Bartlett (d = 12 > 3 points, rows in R^3) against normalised Gaussians in R^12: the norms are
    sqrt(d) and the joint law of the three cosines agrees (each cosine and the Gram determinant, KS)."""
    rng_b, rng_d = np.random.default_rng(0), np.random.default_rng(1)
    b = [kl.sphere_draw(rng_b, 3, 12) for _ in range(3000)]
    g = [rng_d.standard_normal((3, 12)) for _ in range(3000)]
    g = [Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(12) for Z in g]
    assert b[0].shape == (3, 3) and np.allclose(np.linalg.norm(b[0], axis=1), math.sqrt(12))
    for stat in (lambda P: _cosines(P)[0, 1], lambda P: _cosines(P)[1, 2], lambda P: np.linalg.det(_cosines(P))):
        assert stats.ks_2samp([stat(P) for P in b], [stat(P) for P in g]).pvalue > 1e-3
    # the wrong construction (a chi-square with d degrees of freedom on every row) is caught
    wrong = []
    for _ in range(3000):
        Z = np.tril(rng_b.standard_normal((3, 3)), -1)
        Z[np.diag_indices(3)] = np.sqrt(rng_b.chisquare(3, size=3))
        wrong.append(Z)
    assert stats.ks_2samp([np.linalg.det(_cosines(P)) for P in wrong], [np.linalg.det(_cosines(P)) for P in g]).pvalue < 1e-3


def test_kernel_limit_matches_the_explicit_linearised_run_averaged_over_f0():
    """gd_limit against matrix powers of (I - eta H) and the GP's covariance, written out."""
    rng = np.random.default_rng(3)
    X, Xs = kl.sphere_draw(rng, 5, 4), kl.sphere_draw(rng, 30, 4)
    y, ys = X[:, 0] ** 2, Xs[:, 0] ** 2
    ks, kap = np.array([0, 1, 7, 40]), 0.3
    run = kl.gd_limit(X, y, Xs, ys, lambda c: kap, ks)
    H, h = net.ntk(X), net.ntk(Xs, X)
    eta = 1 / np.linalg.eigvalsh(H)[-1]
    f_kr = lin_mod.kernel_regression(X, y, Xs)
    K0 = kl.init_kernel(np.vstack([Xs, X]))
    for j, k in enumerate(ks):
        P = np.linalg.matrix_power(np.eye(5) - eta * H, int(k))
        det = -h @ np.linalg.solve(H, P @ y)
        W = h @ np.linalg.solve(H, np.eye(5) - P)  # f_k - f_KR = f0(x) - W f0(X) + det
        U = np.hstack([np.eye(30), -W])
        init = np.einsum("ti,ij,tj->t", U, K0, U)
        assert run.D[j] == pytest.approx(np.mean(det**2 + kap * init), rel=1e-8)
    assert run.E_kr == pytest.approx(np.mean((ys - f_kr) ** 2), rel=1e-10)
    assert run.yHy == pytest.approx(lin_mod.kernel_norm(X, y), rel=1e-10)


def test_kernel_model_takes_any_d_and_the_network_keeps_its_cap():
    inst = {"d": 10**5, "sizes": [4, 5], "p": 2, "width": 1, "seeds": 2, "test_points": 50, "max_steps": 10**12, "model": "kernel"}
    m = theorems.get("satpathi21/theorem7").evaluate(inst)
    assert m.resolved and math.isfinite(m.constants["constant"])
    with pytest.raises(theorems.InstanceError, match="d must be <= 50"):
        theorems.get("satpathi21/theorem7").evaluate(dict(inst, d=51, model="network", max_steps=10))


def test_generalisation_audits_run_in_the_kernel_limit_and_d_spans_four_decades():
    for cid in ("satpathi21/lemma5", "satpathi21/theorem7"):
        for u in theorems.get(cid).uniform_in:
            assert all(i["model"] == "kernel" for i in u.family(u.scales[0]))
    u = next(u for u in theorems.get("satpathi21/theorem7").uniform_in if u.param == "d")
    assert not u.short and max(u.scales) >= 1e5


def _cheap(check_id, param, scales, family):
    chk = theorems.get(check_id)
    u = next(u for u in chk.uniform_in if u.param == param)
    u = dataclasses.replace(u, scales=tuple(scales), family=family, short_range_why="test: a few cheap scales")
    return dataclasses.replace(chk, uniform_in=(u,))


def _gen_family(n):
    return [A.gen_instance(n, 8, 2, test_points=50)]


def _gen_scaled(power):
    """Planted bug: D(n, k) and E(n) multiplied by n^power (a wrong normalisation of the mean)."""
    real = gen.sweep

    def sweep(inst):
        return [dict(r, D=r["D"] * r["n"] ** power, E=r["E"] * r["n"] ** power) for r in real(inst)]

    return sweep


@pytest.mark.parametrize("check_id", ["satpathi21/lemma5", "satpathi21/theorem7"])
def test_generalisation_audit_in_n_catches_an_error_times_n_squared(monkeypatch, check_id):
    chk = _cheap(check_id, "n", (2, 4, 8, 20), _gen_family)
    base = audit(chk)["params"]["n"]
    assert all(isinstance(c, float) and math.isfinite(c) for c in base["worst_constant"])
    monkeypatch.setattr(gen, "_CACHE", {})
    monkeypatch.setattr(gen, "sweep", _gen_scaled(3.0))
    bad = audit(chk)["params"]["n"]
    assert bad["verdict"] == "non-uniform in n" and bad["exponent"] > base["exponent"] + 1


def test_theorem7_audit_in_d_catches_an_error_times_d_cubed():
    """(At n = 4 the constant falls like d^-1.3: a planted d^3 makes it grow.)"""
    chk = _cheap("satpathi21/theorem7", "d", (3, 30, 300, 3000), lambda d: [A.gen_instance(4, d, 2, test_points=50)])
    assert audit(chk)["params"]["d"]["verdict"] != "non-uniform in d"
    real = gen.sweep
    fake = lambda inst: [dict(r, E=r["E"] * inst["d"] ** 3) for r in real(inst)]  # noqa: E731
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gen, "sweep", fake)
        assert audit(chk)["params"]["d"]["verdict"] == "non-uniform in d"


@pytest.mark.parametrize("model", ["network", "kernel"])
def test_generalisation_constants_are_nan_where_the_decay_term_is_not_spent(model):
    inst = A.gen_instance(6, 6, 1, width=50, test_points=50, max_steps=3, model=model)
    for cid, name in (("satpathi21/lemma5", "plateau_sqrt_n"), ("satpathi21/theorem7", "constant")):
        m = theorems.get(cid).evaluate(inst)
        assert not m.resolved and math.isnan(m.constants[name])


def test_quick_generalisation_widths_and_dimensions_vary():
    from theorems._sweep import quick_coverage

    rows = {r["name"]: r for r in quick_coverage(theorems.get("satpathi21/theorem7"))}
    assert " .. " in rows["m"]["reached"] and " .. " in rows["d"]["reached"]


@pytest.mark.parametrize("check_id", ["satpathi21/lemma5", "satpathi21/theorem7"])
def test_quick_generalisation_covers_widths_from_10_to_the_kernel_limit(check_id):
    from theorems._sweep import quick_coverage

    rows = {r["name"]: r for r in quick_coverage(theorems.get(check_id))}
    assert not rows["m"]["gaps"] and rows["m"]["reached"] == "10 .. inf", rows["m"]
