"""Lemma 6 (the kernel's feature expansion): the printed coefficients hold, planted wrong ones are caught."""
import math

import mpmath
import numpy as np

import models.shallow_relu.ntk_series as series
from theorems._core import COUNTEREXAMPLE, HOLDS

from tests.theorems.satpathi21._shared import empty_caches, evaluate  # noqa: F401 (fixture)


# ------------------------------------------------------------------------------- lemma 6

PAIR = {"X": [[1.0, 1.0, 1.0], [1.0, -1.0, 0.5]], "terms": 30}
PAIR["X"][1] = (np.array(PAIR["X"][1]) / np.linalg.norm(PAIR["X"][1]) * math.sqrt(3)).tolist()
PAIR["X"][0] = (np.array(PAIR["X"][0]) / np.linalg.norm(PAIR["X"][0]) * math.sqrt(3)).tolist()


def test_lemma6_printed_coefficients_hold():
    m = evaluate("satpathi21/lemma6", PAIR)
    assert m.verdict == HOLDS, m.explain()


def test_lemma6_catches_a_wrong_double_factorial(monkeypatch):
    """Planted bug: (2p-1)!! instead of (2p-3)!! in c_2p."""

    def c2p(p, d):
        with mpmath.workdps(series.DPS):
            return mpmath.fac2(2 * p - 1) * (d + 1) / (2 * mpmath.pi * mpmath.fac2(2 * p - 2) * (2 * p - 1))

    monkeypatch.setattr(series, "c2p", c2p)
    assert evaluate("satpathi21/lemma6", PAIR).verdict == COUNTEREXAMPLE


def test_lemma6_catches_a_coefficient_off_by_one_part_in_1e25(monkeypatch):
    correct = series.d_coefficient
    monkeypatch.setattr(series, "d_coefficient", lambda k, d: correct(k, d) * (1 + (mpmath.mpf(10) ** -25 if k == 7 else 0)))
    assert evaluate("satpathi21/lemma6", PAIR).verdict == COUNTEREXAMPLE
