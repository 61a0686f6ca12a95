"""Hypothesis-driven search for the worst instance of a check, outside pytest.

Uses ``hypothesis.target`` on the check's ratio so that Hypothesis' targeted phase hill-climbs
towards larger ratios (worse instances); returns the worst instance seen.
"""
from __future__ import annotations

import math
import sys

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import seed as hseed

from theorems._core import UNRESOLVED, VACUOUS


def hypothesis_search(check, examples: int, seed: int, progress: bool = False):
    """``(instance, measurement)`` with the largest decided ratio over ``examples`` examples."""
    worst: dict = {"m": None, "inst": None, "n": 0}
    if examples == 0:
        return None, None

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.target],
        suppress_health_check=list(HealthCheck),
    )
    @hseed(seed)
    @given(check.strategy())
    def run(inst):
        try:
            m = check.evaluate(inst)
        except ValueError:
            return
        worst["n"] += 1
        if m.verdict in (VACUOUS, UNRESOLVED):
            return
        r = m.ratio if math.isfinite(m.ratio) else 1e300
        target(min(r, 1e12))
        if worst["m"] is None or r > (worst["m"].ratio if math.isfinite(worst["m"].ratio) else 1e300):
            worst["m"], worst["inst"] = m, inst
        if progress:
            print(f"\r[{worst['n']}/{examples}] worst ratio {worst['m'].ratio:.6g}", end="", file=sys.stderr)

    run()
    if progress:
        print(file=sys.stderr)
    return worst["inst"], worst["m"]
