"""Theorem 4.3 and its corrected form (``theorems/oymak19/theorem43.py``): the printed rate on one neuron, the
erratum's counterexample (certain growth), the optimiser finding it, and planted rates and flags."""
import numpy as np
import pytest

import theorems
import theorems.oymak19.theorem43 as t43
import theorems.oymak19.theorem21 as t21
from tests.theorems.oymak19._instances import shallow_instance
from theorems._core import COUNTEREXAMPLE, HOLDS, UNRESOLVED, VACUOUS


def test_theorem43_as_printed_holds_with_factor_two_and_catches_a_rate_made_too_strong(monkeypatch):
    m = theorems.evaluate("oymak19/theorem4.3", shallow_instance())
    assert m.verdict == HOLDS and 0.4 < m.ratio < 0.5 + 1e-9
    real = t21.rate_measure
    monkeypatch.setattr(t43, "rate_measure", lambda s, factor: real(s, factor=2.5 * factor))
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.3", shallow_instance()).verdict == COUNTEREXAMPLE


def test_theorem43_needs_unit_v():
    m = theorems.evaluate("oymak19/theorem4.3", shallow_instance(v=[2.0]))
    assert m.verdict == VACUOUS and "||v|| = 1" in m.false_hypotheses


def test_theorem43_optimiser_finds_the_erratum_and_the_proof_bound_holds_on_it():
    """The search (n = d = 2, activation scale over nine decades) finds a certain violation of
    the printed statement; Theorem 2.1's cap and rate hold on what it found."""
    found = t43.searcher("oymak19/theorem4.3")(seed=0, budget=2)
    m = theorems.evaluate("oymak19/theorem4.3", found["instance"])
    assert m.verdict == COUNTEREXAMPLE and m.regime == "certified" and m.ratio > 1
    assert found["instance"]["activation"]["scale"] < 1e-2  # Gamma < 1: where the printed cap exceeds Theorem 2.1's
    assert theorems.evaluate("oymak19/theorem4.3-proof", found["instance"]).verdict == HOLDS


def test_theorem43_counterexample_is_a_certain_growth_and_meets_every_hypothesis():
    m = theorems.evaluate("oymak19/theorem4.3", t43.SMALLEST)
    assert m.regime == "certified" and m.verdict == COUNTEREXAMPLE and m.certain_violation and not m.false_hypotheses
    assert m.details["final_residual"] > m.details["initial_residual"] * (1 + 1e-4)  # grew, far above rounding
    assert m.constants["step_cap_theorem2.1_over_4.3"] == pytest.approx(1.3e-4, rel=1e-9)  # = Gamma
    p = theorems.evaluate("oymak19/theorem4.3-proof", t43.SMALLEST)
    assert p.verdict == HOLDS and p.ratio < 0.5


def test_theorem43_popping_the_certain_flag_again_is_caught(monkeypatch):
    """Planted bug (the old silent skip): with the 'certain' flags dropped before the measurement
    the growing first step is skipped and a 3-step run reads 'holds' (the false reassurance the
    old code gave); with them it is a counterexample."""
    real = t43.rate_measure

    def popped(s, factor):
        val, up, extra = real(s, factor=factor)
        extra["certain"] = np.zeros_like(extra["certain"])
        return val, up, extra

    inst = dict(t43.SMALLEST, steps=3)
    monkeypatch.setattr(t43, "rate_measure", popped)
    t21._CACHE.clear()
    # without the flag the growth is not seen: the old code said 'holds'; with skipped steps counted
    # (no silent skips) it is at best 'unresolved', never the disproof
    assert theorems.evaluate("oymak19/theorem4.3", inst).verdict in (HOLDS, UNRESOLVED)
    monkeypatch.undo()
    t21._CACHE.clear()
    m = theorems.evaluate("oymak19/theorem4.3", inst)
    assert m.verdict == COUNTEREXAMPLE and m.certain_violation and m.details["worst_step"] == 1


def test_theorem43_proof_catches_a_rate_made_too_strong(monkeypatch):
    """Planted bug: the corrected check's rate made too strong (factor 2.5 in place of its 1/2)
    fails on a plain instance."""
    real = t43.rate_measure
    monkeypatch.setattr(t43, "rate_measure", lambda s, factor: real(s, factor=5.0 * factor))
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.3-proof", shallow_instance()).verdict == COUNTEREXAMPLE
