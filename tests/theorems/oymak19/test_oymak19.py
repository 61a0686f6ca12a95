"""The Oymak–Soltanolkotabi checks catch planted bugs (a wrong model, a constant overstated or
understated) and certify the tight instances."""
import dataclasses

import numpy as np
import pytest

import models.least_squares.problems as ls
import theorems
from theorems._core import COUNTEREXAMPLE, HOLDS, UNRESOLVED


def top_direction_instance(model="linear", n=3, p=5, seed=0, activation=None):
    """Labels along the top left singular vector, theta0 = 0: GD moves along the top singular
    direction, where (2.13) is an equality for the linear model (Theorem 2.4's (2.15) example)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    U = np.linalg.svd(X)[0]
    inst = {"model": model, "X": X.tolist(), "y": (2.0 * U[:, 0]).tolist(), "theta0": [0.0] * p, "steps": 40}
    if activation:
        inst["activation"] = activation
    return inst


LOWER = "oymak19/theorem2.4/lower"


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


# ------------------------------------------------------------------------ Theorem 2.4 examples

TIGHT = "oymak19/theorem2.4/tight"
EXAMPLE = {"alpha": 0.5, "beta": 2.0, "n": 3, "p": 6, "seed": 1, "steps": 300}


def test_tight_examples_attain_equality():
    m = theorems.evaluate(TIGHT, EXAMPLE)
    assert m.verdict == HOLDS
    assert m.constants["deviation_2.15"] < 1e-14 and m.constants["deviation_2.14"] < 1e-14


@pytest.mark.parametrize("coef, part", [(lambda a, b: (0.9 * a, b), "2.14"), (lambda a, b: (a, 0.9 * b), "2.15")])
def test_tight_check_catches_a_coefficient_made_too_strong(monkeypatch, coef, part):
    """alpha replaced by 0.9 alpha breaks (2.14) along the bottom direction; beta by 0.9 beta
    breaks the equality (2.15) along the top direction."""
    import theorems.oymak19.theorem24 as t24

    monkeypatch.setattr(t24, "coefficients", coef)
    m = theorems.evaluate(TIGHT, EXAMPLE)
    assert m.verdict == COUNTEREXAMPLE and m.details[f"gd_{part}"]["excess"] > 1e-3


def test_tight_rejects_inconsistent_parameters():
    with pytest.raises(theorems.InstanceError, match="beta must be >= alpha"):
        theorems.evaluate(TIGHT, dict(EXAMPLE, beta=0.1))
    with pytest.raises(theorems.InstanceError, match="p must be >= n"):
        theorems.evaluate(TIGHT, dict(EXAMPLE, p=2))


# ------------------------------------------- Theorem 2.1, 2.2, Corollary 2.3, (2.10), 4.1, 4.3, 3.1

import functools  # noqa: E402

import models.least_squares.lowrank as lr  # noqa: E402
import theorems.oymak19.theorem21 as t21  # noqa: E402
import theorems.oymak19.theorem31 as t31  # noqa: E402
from theorems._core import CONSISTENT, INCONSISTENT, INSIDE, OUTSIDE, VACUOUS  # noqa: E402


def isotropic(model="linear", n=3, p=5, seed=0, **extra):
    """X with all singular values equal (alpha = beta), labels random, theta0 = 0: the potential
    (2.10) is an equality and Theorem 2.1's constants are attained up to the factor 4."""
    rng = np.random.default_rng(seed)
    V, _ = np.linalg.qr(rng.standard_normal((p, n)))
    inst = {"model": model, "X": (1.5 * V.T).tolist(), "y": rng.standard_normal(n).tolist(), "theta0": [0.0] * p, "steps": 60}
    return dict(inst, **extra)


def bottom_glm(slope=0.9, name="leaky-softplus"):
    """GLM started deep in the activation's tail (pre-activations -20, where phi' = gamma to 1e-9),
    labels off by a small step along the bottom singular direction: Theorem 4.1 nearly tight."""
    import models.least_squares.activations as A

    rng = np.random.default_rng(3)
    U, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    V, _ = np.linalg.qr(rng.standard_normal((5, 3)))
    X = U @ np.diag([2.0, 1.0, 0.5]) @ V.T
    theta0 = np.linalg.lstsq(X, -20 * np.ones(3), rcond=None)[0]
    y = A.from_json({"name": name, "slope": slope}).phi(X @ theta0) + 0.1 * U[:, -1]
    return {"model": "glm", "X": X.tolist(), "y": y.tolist(), "theta0": theta0.tolist(), "steps": 100,
            "activation": {"name": name, "slope": slope}, "step_fraction": 0.1}


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


def test_theorem41_is_nearly_tight_and_catches_gamma_overstated(monkeypatch):
    m = theorems.evaluate("oymak19/theorem4.1", bottom_glm())
    assert m.verdict == HOLDS and m.ratio > 0.99
    import theorems.oymak19.theorem41 as t41

    real = t41.contraction_factor
    monkeypatch.setattr(t41, "contraction_factor", lambda eta, gamma, s: real(eta, 1.1 * gamma, s))
    assert theorems.evaluate("oymak19/theorem4.1", bottom_glm()).verdict == COUNTEREXAMPLE


def test_theorem41_catches_a_jacobian_with_the_wrong_scale(monkeypatch):
    monkeypatch.setattr(ls.GLM, "vjp", lambda self, theta, u: 0.5 * (self.X.T @ (self.activation.dphi(self.X @ theta) * u)))
    monkeypatch.delattr(ls.GLM, "residual_vjp")
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.1", bottom_glm()).verdict == COUNTEREXAMPLE


def shallow_instance(**extra):
    """One neuron (k = 1, v = 1) with pre-activations at 20, where slope-tanh has phi' = gamma, labels
    a small step along the bottom singular direction: the printed rate holds with a factor ~2."""
    import models.least_squares.activations as A

    rng = np.random.default_rng(5)
    U, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    V, _ = np.linalg.qr(rng.standard_normal((4, 2)))
    X = U @ np.diag([1.0, 0.5]) @ V.T
    w0 = np.linalg.lstsq(X, 20 * np.ones(2), rcond=None)[0]
    y = A.SlopeTanh(0.9).phi(X @ w0) + 0.1 * U[:, -1]
    inst = {"model": "shallow", "X": X.tolist(), "y": y.tolist(), "v": [1.0], "theta0": w0.tolist(),
            "activation": {"name": "slope-tanh", "slope": 0.9}, "steps": 100}
    return dict(inst, **extra)


def test_theorem43_as_printed_holds_with_factor_two_and_catches_a_rate_made_too_strong(monkeypatch):
    m = theorems.evaluate("oymak19/theorem4.3", shallow_instance())
    assert m.verdict == HOLDS and 0.4 < m.ratio < 0.5 + 1e-9
    import theorems.oymak19.theorem43 as t43

    real = t21.rate_measure
    monkeypatch.setattr(t43, "rate_measure", lambda s, factor: real(s, factor=2.5 * factor))
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.3", shallow_instance()).verdict == COUNTEREXAMPLE


def test_theorem43_needs_unit_v():
    m = theorems.evaluate("oymak19/theorem4.3", shallow_instance(v=[2.0]))
    assert m.verdict == VACUOUS and "||v|| = 1" in m.false_hypotheses


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


def test_theorem42_and_figure3c_flag_a_diverging_model(monkeypatch):
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 30, "r": 2, "n": 15, "c1": 0.1, "steps": 300}).verdict == INSIDE
    monkeypatch.setattr(lr.LowRank, "vjp", lambda self, theta, u: -(self._sym(u) @ self.factor(theta)).ravel())
    monkeypatch.delattr(lr.LowRank, "residual_vjp")
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 30, "r": 2, "n": 15, "c1": 0.1, "steps": 300}).verdict == OUTSIDE
    assert theorems.evaluate("oymak19/figure3c", {"d": 20, "r": 2, "ns": [4, 8], "seeds": 1, "steps": 50}).verdict == OUTSIDE


def test_theorem42_is_vacuous_when_the_probability_bound_is_not_positive():
    assert theorems.evaluate("oymak19/theorem4.2", {"d": 10, "r": 1, "n": 2, "c1": 0.05}).verdict == VACUOUS


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


def test_theorem43_optimiser_finds_the_erratum_and_the_proof_bound_holds_on_it():
    """The search (n = d = 2, activation scale over nine decades) finds a certain violation of
    the printed statement; Theorem 2.1's cap and rate hold on what it found."""
    import theorems.oymak19.theorem43 as t43

    found = t43.searcher("oymak19/theorem4.3")(seed=0, budget=2)
    m = theorems.evaluate("oymak19/theorem4.3", found["instance"])
    assert m.verdict == COUNTEREXAMPLE and m.regime == "certified" and m.ratio > 1
    assert found["instance"]["activation"]["scale"] < 1e-2  # Gamma < 1: where the printed cap exceeds Theorem 2.1's
    assert theorems.evaluate("oymak19/theorem4.3-proof", found["instance"]).verdict == HOLDS


# -------------------------------------------------- Theorem 4.3 erratum (false as printed)


def test_theorem43_counterexample_is_a_certain_growth_and_meets_every_hypothesis():
    import theorems.oymak19.theorem43 as t43

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
    import theorems.oymak19.theorem43 as t43

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
    import theorems.oymak19.theorem43 as t43

    real = t43.rate_measure
    monkeypatch.setattr(t43, "rate_measure", lambda s, factor: real(s, factor=5.0 * factor))
    t21._CACHE.clear()
    assert theorems.evaluate("oymak19/theorem4.3-proof", shallow_instance()).verdict == COUNTEREXAMPLE




# ----------------------------------------------------------- no silent skips (issue 14, kind 3)

from theorems.oymak19 import _trajectory  # noqa: E402


def _plant_last_step(monkeypatch, **change):
    """Planted hidden case: GD's last step is replaced by ``change(bracketed run) -> {field: array}``
    (a residual that plainly grows, a path that jumps) whose bracket is too wide to decide it."""
    real = _trajectory.gd

    def gd(*a, **k):
        b = real(*a, **k)
        run_fields = {f: change[f](b) for f in ("residual", "path") if f in change}
        own = {f: change[f](b) for f in change if f not in run_fields}
        return dataclasses.replace(b, run=dataclasses.replace(b.run, **run_fields), **own)

    monkeypatch.setattr(_trajectory, "gd", gd)
    t21._CACHE.clear()


def _last(a, v):
    a = np.array(a, dtype=np.float64)
    a[-1] = v
    return a


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
    _plant_last_step(monkeypatch, residual=lambda b: _last(b.run.residual, 3 * b.run.residual[0]),
                     residual_err=lambda b: _last(b.residual_err, 3 * b.run.residual[0]))
    m = theorems.evaluate(check, isotropic())
    assert m.verdict == UNRESOLVED and (m.details["unresolved_steps"] >= 1 or "rate" in m.details["unresolved_parts"])


@pytest.mark.parametrize("check, inst", [("oymak19/theorem2.1/path", isotropic()), ("oymak19/corollary2.3", isotropic(theta0=[0.3] * 5))])
def test_a_path_jump_with_a_wide_bracket_is_not_dropped(monkeypatch, check, inst):
    _plant_last_step(monkeypatch, path=lambda b: _last(b.run.path, 100 * b.run.path[-1]),
                     path_err=lambda b: _last(b.path_err, 100 * b.run.path[-1]))
    assert theorems.evaluate(check, inst).verdict == UNRESOLVED


def test_theorem41_a_wide_bracket_at_the_last_step_is_not_dropped(monkeypatch):
    _plant_last_step(monkeypatch, deviation=lambda b: _last(b.deviation, 1e3 * np.linalg.norm(b.run.iterates[0]) + 1e3))
    m = theorems.evaluate("oymak19/theorem4.1", bottom_glm())
    assert m.verdict == UNRESOLVED and m.details["unresolved_steps"] >= 1


def test_eq210_keeps_the_certain_flag(monkeypatch):
    """The residual certainly triples at the last step (narrow bracket): (2.10) certainly fails there;
    its 'certain' flag used to be popped, the step skipped and the verdict 'inside envelope'."""
    _plant_last_step(monkeypatch, residual=lambda b: _last(b.run.residual, 3 * b.run.residual[0]))
    m = theorems.evaluate("oymak19/eq2.10", isotropic())
    assert m.verdict == OUTSIDE and m.ratio == np.inf


def test_theorem24_a_point_too_close_to_theta0_beside_gd_iterates_is_unresolved():
    """The GD iterates hold; the extra point cannot be resolved and could hide a violation."""
    inst = dict(top_direction_instance(), thetas=[[1e-14, 0, 0, 0, 0]])
    m = theorems.evaluate(LOWER, inst)
    assert m.verdict == UNRESOLVED and m.details["unresolved_points"] == 1
