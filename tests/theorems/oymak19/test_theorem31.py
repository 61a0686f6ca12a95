"""Theorem 3.1 (``theorems/oymak19/theorem31.py``): consistent, seeded, a rate made too strong caught, vacuous where
the probability is not positive."""
import numpy as np

import theorems
import theorems.oymak19.theorem31 as t31
from tests.theorems.oymak19._instances import isotropic
from theorems._core import CONSISTENT, INCONSISTENT, VACUOUS


def test_theorem31_is_consistent_and_catches_a_rate_made_too_strong(monkeypatch):
    inst = isotropic(runs=100, steps=100, seed=1)
    m = theorems.evaluate("oymak19/theorem3.1", inst)
    assert m.verdict == CONSISTENT and m.ratio < 1
    assert m.to_json() == theorems.evaluate("oymak19/theorem3.1", inst).to_json()  # seeded: same numbers twice
    monkeypatch.setattr(t31, "RATE_FACTOR", 5.0)  # rho = 1 - 5 eta alpha^2 / n: faster than SGD can go
    m = theorems.evaluate("oymak19/theorem3.1", inst)
    assert m.verdict == INCONSISTENT and np.isfinite(m.ratio)


def test_theorem31_is_vacuous_where_the_probability_is_not_positive():
    m = theorems.evaluate("oymak19/theorem3.1", isotropic(runs=20, steps=10, nu=3.0))
    assert m.verdict == VACUOUS
