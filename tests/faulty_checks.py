"""Checks that fail on purpose, for the tests of failing work in sweeps (``test_sweep_failures``).

Registered when imported (``uninstall`` removes them); sweep workers import this module too when ``THEOREMS_EXTRA_CHECKS``
names it (see ``theorems._registry``). On the *bad* instances, those with ``i % 3 == 0`` (none
once the file named by ``FAULTY_FIXED`` exists: the bug is "fixed"; a file, not a variable, so
that running Dask workers see it): ``faulty/raises`` raises, ``faulty/hangs`` never returns (a
pure-Python loop when 16 divides ``i``, a call stuck in C, ``time.sleep``, otherwise),
``faulty/dies`` kills its own worker process. ``faulty/slow`` takes ``FAULTY_SLOW_SECONDS``
(default 2) on every instance.
"""
import os
import signal
import time

from tests.fake_checks import Installed, fake_check
from theorems._core import CERTIFIED, Check, Measurement


def bad(inst) -> bool:
    return inst["i"] % 3 == 0 and not os.path.exists(os.environ.get("FAULTY_FIXED", "/nonexistent"))


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


def _dies(inst):
    if bad(inst):
        os.kill(os.getpid(), signal.SIGKILL)
    return _ok("faulty/dies")


def _slow(inst):
    time.sleep(float(os.environ.get("FAULTY_SLOW_SECONDS", "2")))
    return _ok("faulty/slow")


def _check(cid: str, evaluate, n: int) -> Check:
    return fake_check(cid, f"a check that {cid.split('/')[1]}", "0 <= 1", CERTIFIED, evaluate, n, 10 * n)


CHECKS = (_check("faulty/raises", _raises, 6), _check("faulty/hangs", _hangs, 6), _check("faulty/dies", _dies, 3),
          _check("faulty/slow", _slow, 20))
_INSTALLED = Installed(CHECKS)
install, uninstall = _INSTALLED.install, _INSTALLED.uninstall

