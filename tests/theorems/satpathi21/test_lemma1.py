"""Each Lemma 1 check catches a planted bug (a wrong model) or a bound made too strong.

The checks call the model through the module ``models.shallow_relu.network``, so monkeypatching a
function there plants the bug in what the check evaluates.
"""
import math

import numpy as np
import pytest

import models.shallow_relu.network as net
import theorems
from theorems import _envelopes
from theorems._designs import Design, build

CORRECT_NTK = net.ntk


def two_points(phi: float, d: int = 2) -> list:
    """Two points on the sphere whose augmented angle is phi (cos phi = (d cos psi + 1)/(d+1))."""
    psi = math.acos(((d + 1) * math.cos(phi) - 1) / d)
    x1 = np.zeros(d)
    x1[0] = math.sqrt(d)
    x2 = np.zeros(d)
    x2[0], x2[1] = math.sqrt(d) * math.cos(psi), math.sqrt(d) * math.sin(psi)
    return [x1.tolist(), x2.tolist()]


WORST_LOWER = {"X": build(Design("cube-cap", 16, 5, seed=0, scale=1e-3, k=4)).tolist()}


def ntk_one_over_pi(X, Y=None, on_sphere=True):
    """Planted bug: 1/pi instead of 1/(2 pi) in eq. (9)."""
    return 2.0 * CORRECT_NTK(X, Y, on_sphere=on_sphere)


def ntk_arccos_not_divided(X, Y=None, on_sphere=True):
    """Planted bug: arccos argument not divided by d + 1 (the intermediate clipping hides nothing)."""
    Xt = net.augment(X)
    s = Xt @ Xt.T
    with np.errstate(invalid="ignore"):
        return s * (np.pi - np.arccos(np.clip(s, -1, 1))) / (2 * np.pi)


def ntk_wrong_sign(X, Y=None, on_sphere=True):
    """Planted bug: arccos of minus the cosine, i.e. phi/(2 pi) instead of (pi - phi)/(2 pi)."""
    Xt = net.augment(X)
    return (Xt @ Xt.T) * net.augmented_angles(X) / (2 * np.pi)


def theta_min_unaugmented(X, on_sphere=True):
    """Planted bug: theta_min from the angles of x rather than x~ = (x, 1)."""
    from models._shared.angles import pairwise_angles

    phi = pairwise_angles(np.asarray(X, dtype=float))
    np.fill_diagonal(phi, np.inf)
    return float(phi.min())


# -- the correct model passes ------------------------------------------------------------


@pytest.mark.parametrize(
    "cid", ["satpathi21/lemma1/positive-definite", "satpathi21/lemma1/upper", "satpathi21/lemma1/lower"]
)
def test_correct_model_passes(cid):
    for X in (two_points(0.95), WORST_LOWER["X"]):
        assert theorems.evaluate(cid, {"X": X}).verdict in {"holds", "inside envelope"}


# -- kernel ------------------------------------------------------------------------------


@pytest.mark.parametrize("bug", [ntk_one_over_pi, ntk_arccos_not_divided, ntk_wrong_sign])
def test_kernel_check_catches_wrong_kernel(monkeypatch, bug):
    inst = {"X": two_points(0.95, d=3), "width": 20_000, "seed": 0}
    assert theorems.evaluate("satpathi21/lemma1/kernel", inst).verdict == "consistent"
    monkeypatch.setattr(net, "ntk", bug)
    assert theorems.evaluate("satpathi21/lemma1/kernel", inst).verdict == "inconsistent"


def test_kernel_check_catches_wrong_finite_width_gram(monkeypatch):
    """Planted bug in the network: a_k / m instead of a_k / sqrt(m) scaling."""
    inst = {"X": two_points(0.5, d=3), "width": 20_000, "seed": 0}
    right = net.gram
    monkeypatch.setattr(net, "gram", lambda X, p: right(X, p) / p.width)
    assert theorems.evaluate("satpathi21/lemma1/kernel", inst).verdict == "inconsistent"


# -- positive definiteness ---------------------------------------------------------------


def test_pd_check_catches_indefinite_kernel(monkeypatch):
    monkeypatch.setattr(net, "ntk", ntk_wrong_sign)
    m = theorems.evaluate("satpathi21/lemma1/positive-definite", {"X": two_points(0.5)})
    assert m.verdict == "counterexample" and m.constants["lambda_min"] < 0


def test_pd_check_reports_unresolved_below_float_resolution(monkeypatch):
    """A singular kernel (rank-deficient finite-width Gram, m = 1 < n) is not called a counterexample."""
    X = build(Design("uniform", 8, 3, seed=1))
    monkeypatch.setattr(net, "ntk", lambda X, Y=None, on_sphere=True: net.gram(X, net.init_params(3, 1, seed=0)))
    m = theorems.evaluate("satpathi21/lemma1/positive-definite", {"X": X.tolist()})
    assert m.verdict in {"unresolved", "counterexample"} and m.holds is not True


# -- upper bound -------------------------------------------------------------------------


def test_upper_check_catches_kernel_off_by_two(monkeypatch):
    inst = {"X": two_points(0.95)}
    assert theorems.evaluate("satpathi21/lemma1/upper", inst).verdict == "holds"
    monkeypatch.setattr(net, "ntk", ntk_one_over_pi)
    assert theorems.evaluate("satpathi21/lemma1/upper", inst).verdict == "counterexample"


def test_upper_check_catches_constant_made_too_strong(monkeypatch):
    """C_up = 1/(2 pi) (the theta -> 0 limit) is too strong near theta_min = 1."""
    import theorems.satpathi21.lemma1 as s21

    monkeypatch.setattr(s21, "C_UP", 1 / (2 * math.pi))
    assert theorems.evaluate("satpathi21/lemma1/upper", {"X": two_points(0.95)}).verdict == "counterexample"


def test_upper_check_catches_theta_min_halved(monkeypatch):
    right = net.theta_min
    monkeypatch.setattr(net, "theta_min", lambda X, on_sphere=True: right(X) / 2)
    assert theorems.evaluate("satpathi21/lemma1/upper", {"X": two_points(0.95)}).verdict == "counterexample"


def test_upper_bound_is_attained_to_within_its_derivation():
    """At n = 2 the 2x2 bound is exact: lambda_min = (d+1)/(2 pi)[pi(1 - cos t) + t cos t]."""
    t = 0.95
    m = theorems.evaluate("satpathi21/lemma1/upper", {"X": two_points(t)})
    exact = 3 / (2 * math.pi) * (math.pi * (1 - math.cos(t)) + t * math.cos(t))
    assert m.lhs == pytest.approx(exact, rel=1e-12)
    assert m.details["two_by_two_ratio"] == pytest.approx(1.0, rel=1e-12)


def test_theta_min_at_least_one_is_vacuous():
    m = theorems.evaluate("satpathi21/lemma1/upper", {"X": two_points(1.2)})
    assert m.regime == "hypotheses-false" and m.verdict == "vacuous"
    assert m.false_hypotheses == ["theta_min < 1"]


# -- lower bound (measured) --------------------------------------------------------------


def test_lower_check_catches_unaugmented_theta_min(monkeypatch):
    assert theorems.evaluate("satpathi21/lemma1/lower", WORST_LOWER).verdict == "inside envelope"
    monkeypatch.setattr(net, "theta_min", theta_min_unaugmented)
    assert theorems.evaluate("satpathi21/lemma1/lower", WORST_LOWER).verdict == "outside envelope"


def test_lower_check_catches_envelope_made_too_strong(monkeypatch):
    env = dict(_envelopes.envelope("satpathi21/lemma1/lower"), floor=0.2)
    import theorems.satpathi21.lemma1 as s21

    monkeypatch.setattr(s21, "envelope", lambda cid: env)
    assert theorems.evaluate("satpathi21/lemma1/lower", WORST_LOWER).verdict == "outside envelope"


def test_lower_constant_of_worst_design_matches_krawtchouk_value():
    """The tiny-cap 4-cube: H/(d+1) -> 1/2 - |x - y|/(2 pi) locally, whose cube spectrum is given by
    Krawtchouk polynomials: lambda_min/((d+1) theta) -> 0.0704932..., so C_log -> 0.148968...
    (computed with mpmath in reports/satpathi21-lemma1.md; the cap radius 1e-3 adds O(1e-3))."""
    m = theorems.evaluate("satpathi21/lemma1/lower", WORST_LOWER)
    assert m.constants["C_log"] == pytest.approx(0.148968, rel=2e-3)
