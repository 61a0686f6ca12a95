"""Theorem 2.4 (``theorems/oymak19/theorem24.py``): the lower bound (2.13) attained along the top singular
direction, planted bugs in beta and f, points too close to theta0, and the tight examples (2.14)/(2.15)."""
import dataclasses

import numpy as np
import pytest

import models.least_squares.problems as ls
import theorems
import theorems.oymak19.theorem24 as t24
from tests.theorems.oymak19._instances import top_direction_instance
from theorems._core import COUNTEREXAMPLE, HOLDS, UNRESOLVED

LOWER = "oymak19/theorem2.4/lower"
TIGHT = "oymak19/theorem2.4/tight"
EXAMPLE = {"alpha": 0.5, "beta": 2.0, "n": 3, "p": 6, "seed": 1, "steps": 300}


def test_linear_top_direction_attains_equality_and_holds():
    m = theorems.evaluate(LOWER, top_direction_instance())
    assert m.verdict == HOLDS
    assert m.ratio == pytest.approx(1.0, abs=1e-12) and m.tolerance < 1e-12


def test_glm_holds_below_one():
    m = theorems.evaluate(LOWER, top_direction_instance("glm", activation={"name": "slope-tanh", "slope": 0.5}))
    assert m.verdict == HOLDS and m.ratio < 1


def test_beta_understated_by_ten_percent_is_a_counterexample(monkeypatch):
    correct = ls.Linear.constants
    monkeypatch.setattr(ls.Linear, "constants", lambda self, *a: dataclasses.replace(correct(self), beta=0.9 * correct(self).beta))
    m = theorems.evaluate(LOWER, top_direction_instance())
    assert m.verdict == COUNTEREXAMPLE and m.ratio == pytest.approx(1 / 0.9, rel=1e-9)


def test_glm_beta_with_gamma_for_Gamma_is_a_counterexample(monkeypatch):
    """Planted bug: beta = gamma ||X|| (lower instead of upper derivative bound)."""
    correct = ls.GLM.constants

    def wrong(self, *a):
        c = correct(self)
        return dataclasses.replace(c, beta=c.beta * self.activation.gamma / self.activation.Gamma)

    monkeypatch.setattr(ls.GLM, "constants", wrong)
    inst = top_direction_instance("glm", activation={"name": "slope-tanh", "slope": 0.5})
    inst["y"] = (0.2 * np.array(inst["y"])).tolist()  # small moves: phi' stays near Gamma
    inst["step_size"] = 0.1 / (1.5 * np.linalg.norm(inst["X"], 2)) ** 2  # a stable step for the true beta
    assert theorems.evaluate(LOWER, inst).verdict == COUNTEREXAMPLE


def test_model_with_f_scaled_is_a_counterexample(monkeypatch):
    """Planted bug: f(theta) = 2 X theta while J = X (forward pass and Jacobian disagree)."""
    monkeypatch.setattr(ls.Linear, "f", lambda self, theta: 2.0 * (self.X @ theta))
    inst = dict(top_direction_instance())
    inst["step_size"] = 0.1 / np.linalg.norm(inst["X"], 2) ** 2  # stable for the doubled model too
    m = theorems.evaluate(LOWER, inst)
    assert m.verdict == COUNTEREXAMPLE and m.ratio == pytest.approx(2.0, rel=1e-9)


def test_points_too_close_to_theta0_are_unresolved_not_passed():
    inst = top_direction_instance()
    inst["steps"] = 0
    inst["thetas"] = [[1e-14, 0, 0, 0, 0]]
    m = theorems.evaluate(LOWER, inst)
    assert m.verdict == UNRESOLVED and m.details["unresolved_points"] == 1


@pytest.mark.parametrize(
    "change, needle",
    [({"model": "mlp"}, "linear or glm"), ({"model": "glm"}, "needs an activation"), ({"X": [[1.0], [2.0]], "y": [1, 2], "theta0": [0]}, "n <= p"),
     ({"activation": {"name": "relu"}, "model": "glm"}, "not strictly increasing"), ({"theta0": [0.0]}, "length p")],
)
def test_bad_instances_are_rejected_with_the_reason(change, needle):
    inst = dict(top_direction_instance(), **change)
    with pytest.raises(theorems.InstanceError, match=needle):
        theorems.evaluate(LOWER, inst)


def test_theorem24_a_point_too_close_to_theta0_beside_gd_iterates_is_unresolved():
    """The GD iterates hold; the extra point cannot be resolved and could hide a violation."""
    inst = dict(top_direction_instance(), thetas=[[1e-14, 0, 0, 0, 0]])
    m = theorems.evaluate(LOWER, inst)
    assert m.verdict == UNRESOLVED and m.details["unresolved_points"] == 1


def test_tight_examples_attain_equality():
    m = theorems.evaluate(TIGHT, EXAMPLE)
    assert m.verdict == HOLDS
    assert m.constants["deviation_2.15"] < 1e-14 and m.constants["deviation_2.14"] < 1e-14


@pytest.mark.parametrize("coef, part", [(lambda a, b: (0.9 * a, b), "2.14"), (lambda a, b: (a, 0.9 * b), "2.15")])
def test_tight_check_catches_a_coefficient_made_too_strong(monkeypatch, coef, part):
    """alpha replaced by 0.9 alpha breaks (2.14) along the bottom direction; beta by 0.9 beta
    breaks the equality (2.15) along the top direction."""
    monkeypatch.setattr(t24, "coefficients", coef)
    m = theorems.evaluate(TIGHT, EXAMPLE)
    assert m.verdict == COUNTEREXAMPLE and m.details[f"gd_{part}"]["excess"] > 1e-3


def test_tight_rejects_inconsistent_parameters():
    with pytest.raises(theorems.InstanceError, match="beta must be >= alpha"):
        theorems.evaluate(TIGHT, dict(EXAMPLE, beta=0.1))
    with pytest.raises(theorems.InstanceError, match="p must be >= n"):
        theorems.evaluate(TIGHT, dict(EXAMPLE, p=2))
