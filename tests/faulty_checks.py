"""Checks that fail on purpose, for the tests of failing work in sweeps (``test_sweep_failures``).

Registered when imported; sweep workers import this module too when ``THEOREMS_EXTRA_CHECKS``
names it (see ``theorems._registry``). ``faulty/raises`` raises on instances with ``i % 3 == 0``
(unless ``FAULTY_FIXED`` is set: the bug "fixed"), ``faulty/hangs`` never returns on those (a
pure-Python loop when 16 divides ``i``, a call stuck in C, ``time.sleep``, otherwise), ``faulty/slow``
takes ``FAULTY_SLOW_SECONDS`` (default 2) on every instance.
"""
import os
import time

from hypothesis import strategies as st

from theorems._core import CERTIFIED, Check, Measurement
from theorems._instances import Field, Spec
from theorems._registry import _CHECKS, register

SPEC = Spec((Field("i", "int", "instance index", minimum=0),))


def bad(inst) -> bool:
    return inst["i"] % 3 == 0 and not os.environ.get("FAULTY_FIXED")


def _ok(cid: str) -> Measurement:
    return Measurement(cid, 0.0, 1.0, 0.0, CERTIFIED, {})


def _raises(inst):
    if bad(inst):
        raise RuntimeError(f"planted failure on i = {inst['i']}\nsecond line of the message")
    return _ok("faulty/raises")


def _hangs(inst):
    if bad(inst):
        if inst["i"] % 16 == 0:
            while True:
                pass
        time.sleep(3600)
    return _ok("faulty/hangs")


def _slow(inst):
    time.sleep(float(os.environ.get("FAULTY_SLOW_SECONDS", "2")))
    return _ok("faulty/slow")


def _check(cid: str, evaluate, n: int) -> Check:
    return Check(id=cid, title=f"a check that {cid.split('/')[1]} (tests only)", statement="0 <= 1", equation="-",
                 regime=CERTIFIED, hypotheses={}, spec=SPEC, evaluate_validated=evaluate,
                 strategy=lambda: st.builds(dict, i=st.integers(0, 10**6)), sweep={"quick": n, "full": 10 * n})


for _c in (_check("faulty/raises", _raises, 6), _check("faulty/hangs", _hangs, 6), _check("faulty/slow", _slow, 20)):
    if _c.id not in _CHECKS:
        register(_c)
