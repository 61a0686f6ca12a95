"""The registry of checks: discovered by importing the paper modules, listed and run by id.

``THEOREMS_EXTRA_CHECKS``: comma-separated module names imported after the papers' (each
registers checks when imported), in every process, sweep workers included. For tests of the
machinery itself (e.g. ``tests.faulty_checks``: checks that raise or hang); unset, only the papers'
checks exist.
"""
from __future__ import annotations

import importlib
import os
import sys

from theorems._core import CERTIFIED, CONSISTENT, ESTIMATED, HOLDS, INSIDE, MEASURED, Check

#: regime -> the verdict of an instance where the inequality holds
_PASSES = {CERTIFIED: HOLDS, ESTIMATED: CONSISTENT, MEASURED: INSIDE}

#: Paper key -> module holding its checks. Import order is listing order.
PAPER_MODULES = {
    "satpathi21": "theorems.satpathi21",
    "oymak19": "theorems.oymak19",
    "e19": "theorems.e19",
}

_CHECKS: dict[str, Check] = {}
#: Check id -> the module that registered it (read by :func:`theorems.locate`).
_MODULES: dict[str, str] = {}
_loaded = False


def register(check: Check) -> Check:
    """Add a check; ids are unique. The calling module is recorded as the check's module."""
    if check.id in _CHECKS and _CHECKS[check.id] is not check:
        raise ValueError(f"duplicate check id {check.id!r}")
    _CHECKS[check.id] = check
    _MODULES[check.id] = sys._getframe(1).f_globals.get("__name__", "?")
    return check


def module_of(check_id: str) -> str:
    """The dotted name of the module that registered ``check_id`` (``KeyError`` as :func:`get`)."""
    get(check_id)
    return _MODULES[check_id]


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in PAPER_MODULES.values():
            importlib.import_module(module)
        for module in filter(None, (m.strip() for m in os.environ.get("THEOREMS_EXTRA_CHECKS", "").split(","))):
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ValueError(f"THEOREMS_EXTRA_CHECKS: cannot import module {module!r} ({exc})") from None
        _loaded = True


def all_checks() -> list[Check]:
    """Every registered check, in catalog order."""
    _load()
    return list(_CHECKS.values())


def pinned_cases() -> list[dict]:
    """Every pinned regression case: ``{"name", "check", "instance", "expected": {"verdict"[, "ratio"]}[, "note"]}``.

    The worst cases kept as data (``theorems/data/pinned.json``), then the cases derived from each
    erratum (:class:`theorems._core.Erratum`): its counterexample on the check as printed, and on
    the corrected check where the erratum pins that ratio.
    """
    import copy
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).with_name("data") / "pinned.json").read_text(encoding="utf-8"))
    for c in all_checks():
        e = c.erratum
        if e is None:
            continue
        cases.append({"name": e.pinned, "check": c.id, "instance": copy.deepcopy(e.counterexample),
                      "expected": {"verdict": e.verdict, **({} if e.ratio is None else {"ratio": e.ratio})},
                      "note": f"erratum: {e.what}"})
        if e.corrected_ratio is not None:
            cases.append({"name": e.corrected.split("/", 1)[1].replace("/", "-") + "-on-the-erratum", "check": e.corrected,
                          "instance": copy.deepcopy(e.counterexample), "expected": {"verdict": _PASSES[get(e.corrected).regime],
                                                                     "ratio": e.corrected_ratio},
                          "note": f"what holds instead ({e.corrected}) on the erratum's counterexample of {c.id}"})
    return cases


def get(check_id: str) -> Check:
    """The check with this id (``KeyError`` with the known ids otherwise)."""
    _load()
    try:
        return _CHECKS[check_id]
    except KeyError:
        close = [c for c in _CHECKS if c.startswith(check_id.split("/")[0])] or list(_CHECKS)
        raise KeyError(f"unknown check id {check_id!r}; known: {', '.join(close)}") from None
