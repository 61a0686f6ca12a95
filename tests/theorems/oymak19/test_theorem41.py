"""Theorem 4.1 (``theorems/oymak19/theorem41.py``): nearly tight on a GLM in the activation's tail, planted gamma
and Jacobian scale, no silent skip at the last step."""
import numpy as np

import models.least_squares.problems as ls
import theorems
import theorems.oymak19.theorem41 as t41
import theorems.oymak19.theorem21 as t21
from tests.theorems.oymak19._instances import bottom_glm, last, plant_last_step
from theorems._core import COUNTEREXAMPLE, HOLDS, UNRESOLVED


def test_theorem41_is_nearly_tight_and_catches_gamma_overstated(monkeypatch):
    m = theorems.evaluate("oymak19/theorem4.1", bottom_glm())
    assert m.verdict == HOLDS and m.ratio > 0.99
    real = t41.contraction_factor
    monkeypatch.setattr(t41, "contraction_factor", lambda eta, gamma, s: real(eta, 1.1 * gamma, s))
    assert theorems.evaluate("oymak19/theorem4.1", bottom_glm()).verdict == COUNTEREXAMPLE


def test_theorem41_catches_a_jacobian_with_the_wrong_scale(monkeypatch):
    monkeypatch.setattr(ls.GLM, "vjp", lambda self, theta, u: 0.5 * (self.X.T @ (self.activation.dphi(self.X @ theta) * u)))
    monkeypatch.delattr(ls.GLM, "residual_vjp")
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.1", bottom_glm()).verdict == COUNTEREXAMPLE


def test_theorem41_a_wide_bracket_at_the_last_step_is_not_dropped(monkeypatch):
    plant_last_step(monkeypatch, deviation=lambda b: last(b.deviation, 1e3 * np.linalg.norm(b.run.iterates[0]) + 1e3))
    m = theorems.evaluate("oymak19/theorem4.1", bottom_glm())
    assert m.verdict == UNRESOLVED and m.details["unresolved_steps"] >= 1
