"""The registry test: one set of tests over every registered check, parametrised by check id (as
pytorch's OpInfo tests run over ``op_db``), collected by ``pytest theorems``. Everything per check is
declared on its :class:`theorems._core.Check`:

- ``test_property[ID]``: the Hypothesis property test (``Check.testing``: examples, unresolved
  instances allowed, or no property test with the reason, e.g. a statement false as printed);
- ``test_pinned[NAME]``: the pinned regression cases, data (``theorems/data/pinned.json``) and those
  derived from each ``Check.erratum``;
- ``test_erratum_as_printed[ID]``: strict xfail, the statement holds on its erratum's counterexample;
- ``test_certificate[PATH]``: the erratum's certificate runs standalone and confirms;
- ``test_refuses[ID-k]``: each of the check's ``Check.refuses`` is refused (one-line error naming
  the field, or ``hypotheses-false`` naming the hypothesis);
- ``describe`` shows each erratum with its pinned case.

The pytest glue (profiles, recorder, summary) is ``theorems/_pytest_plugin.py``.
"""
import pytest

from theorems._core import ACCEPTABLE, HYPOTHESES_FALSE, InstanceError
from theorems._pytest_plugin import certificate_run, evaluate_cached, run_pinned, run_property_test
from theorems._registry import all_checks, pinned_cases

CHECKS = all_checks()
ERRATA = [c for c in CHECKS if c.erratum]
CASES = pinned_cases()


def _param(c):
    marks = [pytest.mark.skip(reason=c.testing.skip)] if c.testing.skip else []
    return pytest.param(c, id=c.id, marks=marks)


@pytest.mark.parametrize("check", [_param(c) for c in CHECKS])
def test_property(check):
    run_property_test(check)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_pinned(case):
    run_pinned(case)


@pytest.mark.parametrize("check", [pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason="erratum: " + c.erratum.what))
                                   for c in ERRATA])
def test_erratum_as_printed(check):
    """The statement as printed on its smallest counterexample: must fail (a violation)."""
    m = evaluate_cached(check, check.erratum.counterexample)
    assert m.regime != HYPOTHESES_FALSE and m.verdict in ACCEPTABLE, f"{check.id}: {m.verdict} (ratio {m.ratio})"


@pytest.mark.parametrize("certificate", sorted({c.erratum.certificate for c in ERRATA if c.erratum.certificate}))
def test_certificate(certificate):
    """Standalone (no import of the suite; run isolated, from /): exit status 0, the certificate's
    "confirmed"."""
    from theorems._pytest_plugin import ROOT

    text = (ROOT / certificate).read_text()
    assert "import theorems" not in text and "from theorems" not in text
    rc, out, err = certificate_run(certificate)
    assert rc == 0 and "not confirmed" not in out.lower(), out + err


def test_describe_shows_each_erratum(capsys):
    from theorems._cli import main

    for c in ERRATA:
        assert main(["describe", c.id]) == 0
        out = capsys.readouterr().out
        assert "erratum:" in out and f"pinned case {c.erratum.pinned} ({c.erratum.verdict})" in out


def test_every_check_declares_a_refusal():
    assert [c.id for c in CHECKS if not c.refuses] == []


REFUSALS = [pytest.param(c, r, id=f"{c.id}-{k}") for c in CHECKS for k, r in enumerate(c.refuses)]


@pytest.mark.parametrize("check, refusal", REFUSALS)
def test_refuses(check, refusal):
    if refusal.hypothesis:
        m = check.evaluate(refusal.build())
        assert m.regime == HYPOTHESES_FALSE and refusal.hypothesis in m.false_hypotheses, (m.regime, m.false_hypotheses)
        return
    with pytest.raises(InstanceError) as exc:
        check.evaluate(refusal.build())
    line = str(exc.value)
    assert "\n" not in line and refusal.needle in line, line
