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
