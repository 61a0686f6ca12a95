"""Declaring checks for the tests of the framework (``tests/audit_checks.py``, ``tests/faulty_checks.py``).

:func:`fake_check` builds a check on the one-field spec ``i`` (an instance index) with the tests' fixed strings;
:class:`Installed` registers a module's checks and removes them again (``install`` / ``uninstall``).
"""
from hypothesis import strategies as st

from theorems._core import Check
from theorems._instances import Field, Spec
from theorems._registry import _CHECKS, register

SPEC = Spec((Field("i", "int", "instance index", minimum=0),))


def _instances():
    return st.builds(dict, i=st.integers(0, 10**6))


def fake_check(cid: str, title: str, statement: str, regime: str, evaluate, quick: int, full: int, **extra) -> Check:
    """A tests-only check ``cid`` with ``title`` (`` (tests only)`` appended), sweeps of ``quick``/``full`` instances."""
    return Check(id=cid, title=f"{title} (tests only)", statement=statement, equation="-", regime=regime,
                 hypotheses={}, spec=SPEC, evaluate_validated=evaluate, strategy=_instances,
                 sweep={"quick": quick, "full": full}, **extra)


class Installed:
    """The checks of one test module, registered on construction."""

    def __init__(self, checks):
        self.checks = tuple(checks)
        self.install()

    def install(self) -> None:
        """Register the checks (again, after ``uninstall``)."""
        for c in self.checks:
            if c.id not in _CHECKS:
                register(c)

    def uninstall(self) -> None:
        """Remove them from this process's registry (so that no other test lists them)."""
        for c in self.checks:
            _CHECKS.pop(c.id, None)
