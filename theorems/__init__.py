"""Checks of theorems about gradient descent on over-parameterised networks.

Public face (everything else is underscored):

- :func:`checks` / :func:`get` -- the registered checks, by id ``paper/statement/part``;
- :func:`evaluate` -- evaluate one check on one JSON instance, returning a Measurement;
- :func:`locate` -- a check's module, tests and report section, from its id;
- :mod:`theorems.strategies` -- Hypothesis strategies for instances;
- ``python -m theorems`` -- the command line (``--help``).
"""
from __future__ import annotations

from theorems._core import REGIMES, Check, InstanceError, Measurement
from theorems._registry import all_checks as checks
from theorems._registry import get
from theorems._locate import locate


def evaluate(check_id: str, instance: dict) -> Measurement:
    """Validate ``instance`` for the check ``check_id`` and evaluate it."""
    return get(check_id).evaluate(instance)


__all__ = ["Check", "InstanceError", "Measurement", "REGIMES", "checks", "evaluate", "get", "locate"]
