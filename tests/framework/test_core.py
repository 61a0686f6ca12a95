"""Tests of the check framework: regimes, verdicts, instance validation, registry, profiles."""
import math

import numpy as np
import pytest

import theorems
from theorems._core import (
    CERTIFIED,
    ESTIMATED,
    HYP_CERTIFIED,
    HYP_ESTIMATED,
    HYP_FALSE,
    MEASURED,
    InstanceError,
    Measurement,
    ratio_of,
    regime_of,
)
from theorems._instances import Field, Spec


def meas(regime, ratio, tol=0.0, resolved=True):
    return Measurement("p/s", 1.0, 1.0, ratio, regime, {}, tolerance=tol, resolved=resolved)


def test_regime_of():
    assert regime_of(CERTIFIED, {"a": HYP_CERTIFIED}) == CERTIFIED
    assert regime_of(CERTIFIED, {"a": HYP_ESTIMATED}) == ESTIMATED
    assert regime_of(MEASURED, {"a": HYP_FALSE}) == "hypotheses-false"
    with pytest.raises(ValueError):
        regime_of("proven", {})
    with pytest.raises(ValueError):
        regime_of(CERTIFIED, {"a": "maybe"})


@pytest.mark.parametrize(
    "regime, ratio, tol, verdict",
    [
        (CERTIFIED, 1.0, 0.0, "holds"),
        (CERTIFIED, 1.0 + 1e-9, 1e-8, "holds"),
        (CERTIFIED, 1.0 + 1e-7, 1e-8, "counterexample"),
        (ESTIMATED, 0.5, 0.0, "consistent"),
        (ESTIMATED, 2.0, 0.0, "inconsistent"),
        (MEASURED, 0.9, 0.0, "inside envelope"),
        (MEASURED, 1.1, 0.0, "outside envelope"),
        # a non-finite number never decides a verdict (issue 16): undecided, never a disproof
        (CERTIFIED, math.nan, 0.0, "unresolved"),
        (CERTIFIED, 2.0, math.nan, "unresolved"),
        (CERTIFIED, 2.0, math.inf, "unresolved"),
        (ESTIMATED, math.nan, 0.0, "unresolved"),
        (MEASURED, math.nan, 0.0, "unresolved"),
    ],
)
def test_verdicts(regime, ratio, tol, verdict):
    assert meas(regime, ratio, tol).verdict == verdict


def test_no_verdict_says_verified():
    words = {meas(r, x).verdict for r in (CERTIFIED, ESTIMATED, MEASURED) for x in (0.5, 2.0)}
    assert not any("verif" in w or "refut" in w or "proven" in w for w in words)


def test_unresolved_and_vacuous_are_not_decided():
    assert meas(CERTIFIED, 5.0, resolved=False).holds is None
    m = Measurement("p/s", 0, 1, 0.0, "hypotheses-false", {"h": HYP_FALSE})
    assert m.holds is None and m.verdict == "vacuous" and "h" in m.explain()


def test_infinite_ratio_decides_only_from_finite_sides():
    # lhs > 0 >= rhs, both finite: a genuine violation
    m = Measurement("p/s", 1.0, 0.0, ratio_of(1.0, 0.0), CERTIFIED, {})
    assert m.verdict == "counterexample" and m.nonfinite == ""
    # the right-hand side overflowed: the planted bug of issue 16 (a NaN tolerance from rhs = inf
    # used to be reported as a disproof)
    for lhs, rhs, ratio, tol in [(1.0, math.inf, 0.0, math.nan), (math.inf, 1.0, math.inf, 0.0),
                                 (math.inf, math.inf, math.nan, 0.0), (1.0, math.nan, math.nan, 0.0)]:
        m = Measurement("p/s", lhs, rhs, ratio, CERTIFIED, {}, tolerance=tol)
        assert m.verdict == "unresolved" and m.holds is None, (lhs, rhs, ratio, tol)
        assert "non-finite" in m.explain() and m.to_json()["verdict"] == "unresolved"


def test_certain_violation_marks_a_sentinel_inf_as_decisive():
    # ratio-normalised sides (lhs = ratio = inf, rhs = 1): decisive only when the check proved the
    # violation from finite numbers; never with a non-finite tolerance
    assert Measurement("p/s", math.inf, 1.0, math.inf, CERTIFIED, {}, certain_violation=True).verdict == "counterexample"
    assert Measurement("p/s", math.inf, 1.0, math.inf, CERTIFIED, {}).verdict == "unresolved"
    assert Measurement("p/s", math.inf, 1.0, math.inf, CERTIFIED, {}, tolerance=math.nan, certain_violation=True).verdict == "unresolved"
    assert Measurement("p/s", math.inf, math.inf, math.inf, CERTIFIED, {}, certain_violation=True).verdict == "unresolved"


def test_ratio_of():
    assert ratio_of(1.0, 2.0) == 0.5
    assert ratio_of(1.0, 0.0) == math.inf
    assert ratio_of(1.0, -1.0) == math.inf


def test_spec_validation_messages():
    spec = Spec((Field("X", "matrix", "data"), Field("width", "int", "m", minimum=1)))
    assert spec.validate({"X": [[1.0]], "width": 3})["X"].dtype == np.float64
    for raw, msg in [
        ({"width": 3}, "missing required field 'X'"),
        ({"X": [1.0], "width": 3}, "must be a matrix"),
        ({"X": [[1.0]], "width": 0}, ">= 1"),
        ({"X": [[1.0]], "width": 2.5}, "integer"),
        ({"X": [[1.0]], "width": 2, "extra": 1}, "unknown field"),
        ([1, 2], "JSON object"),
    ]:
        with pytest.raises(InstanceError, match=msg):
            spec.validate(raw)
    schema = spec.json_schema()
    assert schema["required"] == ["X", "width"] and schema["additionalProperties"] is False


def test_registry_ids_are_well_formed_and_unique():
    ids = [c.id for c in theorems.checks()]
    assert len(ids) == len(set(ids))
    assert all(i.split("/")[0] in {"satpathi21", "oymak19", "e19"} for i in ids)
    with pytest.raises(KeyError, match="unknown check id"):
        theorems.get("satpathi21/no-such")


def test_standing_assumptions_become_instance_errors():
    with pytest.raises(InstanceError, match="parallel"):
        theorems.evaluate("satpathi21/lemma1/upper", {"X": [[1.0, 1.0], [-1.0, -1.0]]})
    with pytest.raises(InstanceError, match="sqrt\\(d\\)"):
        theorems.evaluate("satpathi21/lemma1/upper", {"X": [[1.0, 0.0], [0.0, 1.0]]})


def test_evaluation_is_deterministic():
    inst = {"X": [[1.0, 1.0], [1.4142135623730951, 0.0]], "width": 1000, "seed": 3}
    a = theorems.evaluate("satpathi21/lemma1/kernel", inst).to_json()
    b = theorems.evaluate("satpathi21/lemma1/kernel", inst).to_json()
    assert a == b


def test_profiles_registered(monkeypatch):
    from hypothesis import settings

    from theorems._pytest_plugin import load_profile

    for name, n in [("ci", 12), ("thorough", 500)]:
        monkeypatch.setenv("HYPOTHESIS_PROFILE", name)
        assert load_profile() == name
        assert settings.default.max_examples >= n
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "nope")
    with pytest.raises(pytest.UsageError):
        load_profile()
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    load_profile()


def test_summary_table_format():
    from theorems._pytest_plugin import _Recorder, format_table

    r = _Recorder()
    r.add(meas(CERTIFIED, 0.5))
    r.add(meas(CERTIFIED, 0.7))
    (row,) = r.rows()
    assert row["instances"] == 2 and row["worst_ratio"] == 0.7 and row["verdict"] == "holds"
    assert "worst ratio" in format_table([row])


def test_summary_row_with_an_unresolved_instance_is_not_a_pass():
    """Planted: one instance of a check is unresolved, the others hold; the row used to say 'holds'."""
    from theorems._core import UNRESOLVED
    from theorems._pytest_plugin import _Recorder, format_table

    r = _Recorder()
    r.add(meas(CERTIFIED, 0.5))
    r.add(meas(CERTIFIED, 0.7, resolved=False))
    (row,) = r.rows()
    assert row["verdict"] == UNRESOLVED and row["unresolved"] == 1 and row["worst_ratio"] == 0.5
    assert "(1 unresolved)" in format_table([row])


def test_report_verdict_word_names_unresolved_instances():
    from collections import Counter

    from theorems._core import UNRESOLVED
    from theorems._report import _verdict_word

    assert _verdict_word(None, Counter({"holds": 3, UNRESOLVED: 1})) == "holds (1 unresolved)"
    assert _verdict_word(None, Counter({"holds": 3})) == "holds"


def test_unresolved_ok_lets_only_unresolved_through_a_violation_still_fails(monkeypatch):
    """``Testing.unresolved_ok`` (declared by the oymak19 bracket checks) passes instances the method
    cannot decide, never a violation."""
    import pytest

    from tests.fake_checks import fake_check
    from theorems._core import CERTIFIED, Measurement, Testing
    import theorems._pytest_plugin as plugin
    from theorems._pytest_plugin import run_property_test

    monkeypatch.setattr(plugin, "RECORDER", plugin._Recorder())  # the tests-only check stays out of the summary table

    def undecided(inst):
        return Measurement("tests/unresolved-ok", 0.5, 1.0, 0.5, CERTIFIED, {}, resolved=False, unresolved_reason="test")

    def violated(inst):
        return undecided(inst) if inst["i"] % 2 else Measurement("tests/unresolved-ok", 2.0, 1.0, 2.0, CERTIFIED, {})

    ok = Testing(unresolved_ok="test: undecidable draws")
    run_property_test(fake_check("tests/unresolved-ok", "t", "s", CERTIFIED, undecided, 1, 1, testing=ok))
    with pytest.raises(AssertionError, match="counterexample"):
        run_property_test(fake_check("tests/unresolved-ok", "t", "s", CERTIFIED, violated, 1, 1, testing=ok))
    with pytest.raises(AssertionError, match="unresolved"):
        run_property_test(fake_check("tests/unresolved-ok", "t", "s", CERTIFIED, undecided, 1, 1))
