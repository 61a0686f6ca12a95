"""Theorem 2.1, 2.2, Corollary 2.3, (2.10) and (2.12) (``theorems/oymak19/theorem21.py``): constants loose by
four on isotropic data, planted constants and Jacobians, vacuous instances, and no silent skips (issue 14, kind 3)."""
import dataclasses
import functools

import numpy as np
import pytest

import models.least_squares.lowrank as lr
import models.least_squares.problems as ls
import theorems
import theorems.oymak19.theorem21 as t21
from tests.theorems.oymak19._instances import isotropic, last, plant_last_step
from theorems._core import COUNTEREXAMPLE, HOLDS, INSIDE, OUTSIDE, UNRESOLVED, VACUOUS
from theorems.oymak19 import _trajectory


@pytest.mark.parametrize("part, expected", [("rate", np.log(0.75) / np.log(0.25)), ("potential", 0.25), ("path", 0.25)])
def test_theorem21_holds_with_the_constants_loose_by_four_on_isotropic_data(part, expected):
    """eta alpha^2 = 1/2: ||r_t|| halves each step (rate: log(3/4)/log(1/4)); the iterates move on
    a straight line with alpha dist = drop (potential, path: 1/4)."""
    m = theorems.evaluate(f"oymak19/theorem2.1/{part}", isotropic())
    assert m.verdict == HOLDS and m.regime == "certified"
    assert m.ratio == pytest.approx(expected, rel=1e-6) and m.tolerance <= t21.RESOLUTION


@pytest.mark.parametrize("part, measure", [("rate", functools.partial(t21.rate_measure, factor=1.9)),
                                           ("potential", functools.partial(t21.potential_measure, k=1.5)),
                                           ("path", functools.partial(t21.path_measure, k=0.9))])
def test_theorem21_catches_a_constant_made_too_strong(monkeypatch, part, measure):
    """1/2 -> 1.9 in the rate, alpha/4 -> 1.5 alpha in the potential, 4 -> 0.9 in the path: each
    is false on isotropic linear regression, which attains 2, 1 and 1."""
    monkeypatch.setitem(t21.MEASURES, part, measure)
    t21._CACHE.clear()
    assert theorems.evaluate(f"oymak19/theorem2.1/{part}", isotropic()).verdict == COUNTEREXAMPLE


@pytest.mark.parametrize("check", ["oymak19/theorem2.1/rate", "oymak19/theorem2.2"])
def test_jacobian_with_the_wrong_sign_is_a_counterexample(monkeypatch, check):
    monkeypatch.setattr(ls.Linear, "vjp", lambda self, theta, u: -(self.X.T @ u))
    monkeypatch.delattr(ls.Linear, "residual_vjp")  # so that GD takes the planted vjp
    t21._CACHE.clear()
    assert theorems.evaluate(check, isotropic()).verdict == COUNTEREXAMPLE


def test_step_above_the_maximum_makes_the_instance_vacuous():
    m = theorems.evaluate("oymak19/theorem2.1/rate", isotropic(step_size=1.0))
    assert m.verdict == VACUOUS and "eta <= the theorem's maximum step" in m.false_hypotheses


def test_corollary23_catches_the_factor_made_too_strong_and_is_not_fooled_by_a_wrong_theta_star(monkeypatch):
    """Isotropic data: GD goes straight to theta*, so path = ||theta* - theta0|| and the 4 is loose
    by exactly 4; 4 -> 0.9 must fail. A theta* that is not a solution has a large a-posteriori
    error bound: the check cannot resolve it (it does not pass it)."""
    inst = isotropic(theta0=[0.3] * 5)
    m = theorems.evaluate("oymak19/corollary2.3", inst)
    assert m.verdict == HOLDS and m.ratio == pytest.approx(0.25, rel=1e-6)
    monkeypatch.setattr(t21, "COROLLARY_FACTOR", 0.9)
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/corollary2.3", inst).verdict == COUNTEREXAMPLE
    monkeypatch.setattr(t21, "COROLLARY_FACTOR", 4.0)
    correct = ls.Linear.closest_solution
    monkeypatch.setattr(ls.Linear, "closest_solution", lambda self, t0, y: t0 + 0.1 * (correct(self, t0, y) - t0))
    assert theorems.evaluate("oymak19/corollary2.3", inst).verdict != HOLDS


def test_eq210_is_attained_on_isotropic_data_and_catches_alpha_overstated(monkeypatch):
    m = theorems.evaluate("oymak19/eq2.10", isotropic())
    assert m.verdict == INSIDE and m.ratio == pytest.approx(1.0, abs=1e-9)
    correct = ls.Linear.constants
    monkeypatch.setattr(ls.Linear, "constants", lambda self, *a: dataclasses.replace(correct(self), alpha=1.1 * correct(self).alpha))
    t21._CACHE.clear()
    m = theorems.evaluate("oymak19/eq2.10", isotropic())
    assert m.verdict == OUTSIDE and m.ratio == pytest.approx(1.1, rel=1e-6)


def test_lowrank_ball_containing_the_origin_breaks_assumption_2():
    A, y, t0 = lr.theorem42_problem(8, 2, 6, seed=0)
    inst = {"model": "lowrank", "X": A.tolist(), "y": y.tolist(), "theta0": (0.01 * t0).tolist(), "steps": 20}
    m = theorems.evaluate("oymak19/theorem2.1/rate", inst)
    assert m.verdict == VACUOUS and any("Assumption 2" in h for h in m.false_hypotheses)


def test_relu_shallow_breaks_assumption_1_when_the_ball_contains_a_kink():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6))
    inst = {"model": "relu-shallow", "X": X.tolist(), "y": rng.standard_normal(3).tolist(), "v": (np.array([1, -1, 1, -1]) / 2).tolist(),
            "theta0": rng.standard_normal(24).tolist(), "steps": 30}
    m = theorems.evaluate("oymak19/theorem2.1/potential", inst)
    assert m.verdict == VACUOUS and any("Assumption 1" in h for h in m.false_hypotheses)
    assert np.isfinite(m.constants["alpha"])  # still measured, with estimated constants


def test_alpha_overstated_is_caught_once_past_theorem21s_slack(monkeypatch):
    """Theorem 2.1's constants are loose by exactly 4 on isotropic data, so a 10% overstatement of
    alpha is invisible to (2.4) (Corollary 2.3, (2.10), Theorem 2.4 and 4.1 catch such errors);
    past the slack (alpha x 4.5) the potential check must fail."""
    correct = ls.Linear.constants
    monkeypatch.setattr(ls.Linear, "constants", lambda self, *a: dataclasses.replace(correct(self), alpha=1.1 * correct(self).alpha))
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem2.1/potential", isotropic()).verdict == HOLDS
    monkeypatch.setattr(ls.Linear, "constants", lambda self, *a: dataclasses.replace(correct(self), alpha=4.5 * correct(self).alpha))
    t21._CACHE.clear()
    m = theorems.evaluate("oymak19/theorem2.1/potential", isotropic())
    assert m.verdict == COUNTEREXAMPLE and m.ratio == pytest.approx(4.5 / 4, rel=1e-6)


def test_eq212_is_attained_on_isotropic_data_and_catches_alpha_overstated(monkeypatch):
    """(2.12), Corollary 2.3 with 1 in place of 4: GD goes straight to theta* on isotropic linear data,
    so path = ||theta* - theta0|| and beta = alpha: ratio 1 (inside the envelope, the inequality itself).
    Planted bug: alpha overstated by 10% makes it fail (ratio 1.1), while Corollary 2.3's 4 still hides it."""
    t21._CACHE.clear()  # setups cached by earlier tests (some under a patched model)
    m = theorems.evaluate("oymak19/eq2.12", isotropic())
    assert m.verdict == INSIDE and m.regime == "measured" and m.ratio == pytest.approx(1.0, rel=1e-9)
    assert m.ratio == pytest.approx(4 * theorems.evaluate("oymak19/corollary2.3", isotropic()).ratio, rel=1e-12)
    correct = ls.Linear.constants
    monkeypatch.setattr(ls.Linear, "constants", lambda self, *a: dataclasses.replace(correct(self), alpha=1.1 * correct(self).alpha))
    t21._CACHE.clear()
    bad = theorems.evaluate("oymak19/eq2.12", isotropic())
    assert bad.verdict == OUTSIDE and bad.ratio == pytest.approx(1.1, rel=1e-6)
    assert theorems.evaluate("oymak19/corollary2.3", isotropic()).verdict == HOLDS
    monkeypatch.undo()
    t21._CACHE.clear()


def test_sup_ratio_with_a_skipped_point_is_unresolved_unless_a_kept_one_fails():
    vals, ups = np.array([0.5, 0.6, 0.7]), np.array([0.5, 0.6, 5.0])  # the last bracket is wide and reaches above 1
    ratio, tol, at, skipped = _trajectory.sup_ratio(vals, ups, 1e-6)
    assert at is None and skipped == 1 and ratio == pytest.approx(0.6)
    vals[0] = ups[0] = 2.0  # a kept point fails: decided whatever the skipped one hides
    assert _trajectory.sup_ratio(vals, ups, 1e-6)[2] == 0
    assert _trajectory.sup_ratio(np.array([0.5, np.inf]), np.array([0.5, np.inf]), 1e-6)[2] is None  # non-finite: skipped


@pytest.mark.parametrize("check", ["oymak19/theorem2.1/rate", "oymak19/theorem2.1/potential", "oymak19/theorem2.2"])
def test_a_growing_residual_with_a_wide_bracket_is_not_dropped(monkeypatch, check):
    """The residual triples at the last step, its bracket reaching 0: not certain, so it used to be
    skipped and the other steps said 'holds'."""
    plant_last_step(monkeypatch, residual=lambda b: last(b.run.residual, 3 * b.run.residual[0]),
                     residual_err=lambda b: last(b.residual_err, 3 * b.run.residual[0]))
    m = theorems.evaluate(check, isotropic())
    assert m.verdict == UNRESOLVED and (m.details["unresolved_steps"] >= 1 or "rate" in m.details["unresolved_parts"])


@pytest.mark.parametrize("check, inst", [("oymak19/theorem2.1/path", isotropic()), ("oymak19/corollary2.3", isotropic(theta0=[0.3] * 5))])
def test_a_path_jump_with_a_wide_bracket_is_not_dropped(monkeypatch, check, inst):
    plant_last_step(monkeypatch, path=lambda b: last(b.run.path, 100 * b.run.path[-1]),
                     path_err=lambda b: last(b.path_err, 100 * b.run.path[-1]))
    assert theorems.evaluate(check, inst).verdict == UNRESOLVED


def test_eq210_keeps_the_certain_flag(monkeypatch):
    """The residual certainly triples at the last step (narrow bracket): (2.10) certainly fails there;
    its 'certain' flag used to be popped, the step skipped and the verdict 'inside envelope'."""
    plant_last_step(monkeypatch, residual=lambda b: last(b.run.residual, 3 * b.run.residual[0]))
    m = theorems.evaluate("oymak19/eq2.10", isotropic())
    assert m.verdict == OUTSIDE and m.ratio == np.inf
