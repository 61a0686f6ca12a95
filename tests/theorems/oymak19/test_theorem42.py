"""Theorem 4.2 and Figure 3c (``theorems/oymak19/theorem42.py``): a diverging low-rank model flagged, vacuous when
the probability bound is not positive."""
import models.least_squares.lowrank as lr
import theorems
from theorems._core import INSIDE, OUTSIDE, VACUOUS


def test_theorem42_and_figure3c_flag_a_diverging_model(monkeypatch):
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 30, "r": 2, "n": 15, "c1": 0.1, "steps": 300}).verdict == INSIDE
    monkeypatch.setattr(lr.LowRank, "vjp", lambda self, theta, u: -(self._sym(u) @ self.factor(theta)).ravel())
    monkeypatch.delattr(lr.LowRank, "residual_vjp")
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 30, "r": 2, "n": 15, "c1": 0.1, "steps": 300}).verdict == OUTSIDE
    assert theorems.evaluate("oymak19/figure3c", {"d": 20, "r": 2, "ns": [4, 8], "seeds": 1, "steps": 50}).verdict == OUTSIDE


def test_theorem42_is_vacuous_when_the_probability_bound_is_not_positive():
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 10, "r": 1, "n": 2, "c1": 0.05}).verdict == VACUOUS
