"""Recorded envelopes of measured checks (``theorems/data/envelopes.json``).

A measured check compares what it sees with the envelope recorded from earlier sweeps; each
entry says where its numbers came from. An instance outside the envelope fails the check's
property test: it is a new worst case to look at and, once understood, to record.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("data") / "envelopes.json"


@lru_cache(maxsize=None)
def _all() -> dict:
    with open(PATH, encoding="utf-8") as fh:
        return json.load(fh)


def envelope(check_id: str) -> dict:
    try:
        return _all()[check_id]
    except KeyError:
        raise KeyError(f"no envelope recorded for {check_id!r} in {PATH}") from None
