"""Measured checks with cheap uniformity audits, for the tests of audits in sweeps, reports, compare
and the CLI (``tests/framework/test_audit_report.py``).

Registered when imported (``uninstall`` removes them); sweep workers import this module too when
``THEOREMS_EXTRA_CHECKS`` names it. Each check's constant at scale ``d`` is planted: ``fakeaudit/flat``
is flat (audit ``uniform``), ``fakeaudit/decays`` falls like ``d^-1/2`` (``non-uniform in d``),
``fakeaudit/noisy`` is noise (``inconclusive``); the audit of ``fakeaudit/raises`` raises and that of
``fakeaudit/hangs`` sleeps for an hour (a timeout); ``fakeaudit/plain`` declares no hidden constant.
The audits' families give :class:`Witness` es (no evaluation). ``AUDIT_DRIFT``: when set (a number),
the flat check's constant drifts like ``d^-AUDIT_DRIFT`` instead (a new code version's finding).
"""
import math
import os
import time

from tests.fake_checks import Installed, fake_check
from theorems._audit import OMEGA, Uniformity, Witness, geometric
from theorems._core import MEASURED, Check, Measurement

SCALES = geometric(10, 1e6, per_decade=1)
NOISE = (1.0, 7.0, 0.2, 5.0, 0.1, 9.0)


def _flat(d):
    e = float(os.environ.get("AUDIT_DRIFT", "0"))
    return 0.15 * d ** -e


def _hangs(d):
    time.sleep(3600)
    return 1.0


def _raises(d):
    raise RuntimeError(f"planted audit failure at d = {d:g}\nsecond line")


CONSTANTS = {"flat": _flat, "decays": lambda d: 0.7 / math.sqrt(d), "noisy": lambda d: NOISE[SCALES.index(d)],
             "raises": _raises, "hangs": _hangs}


def _evaluate(cid):
    def evaluate(inst):
        return Measurement(cid, 0.5, 1.0, 0.5, MEASURED, {}, constants={"C": 0.5})
    return evaluate


def _check(name: str) -> Check:
    cid = f"fakeaudit/{name}"
    f = CONSTANTS.get(name)
    family = (lambda d, f=f: [Witness(f(d), {"design": f"planted {name}", "d": d})])
    uniform = () if f is None else (Uniformity("d", "C", OMEGA, family, SCALES, what=f"planted {name} constant"),)
    return fake_check(cid, f"a measured check whose audit is {name}", "C > 0", MEASURED, _evaluate(cid), 2, 4,
                      uniform_in=uniform)


CHECKS = tuple(_check(n) for n in ("flat", "decays", "noisy", "raises", "hangs", "plain"))
_INSTALLED = Installed(CHECKS)
install, uninstall = _INSTALLED.install, _INSTALLED.uninstall

