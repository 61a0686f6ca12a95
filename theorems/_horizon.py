"""Horizons that mean something: when a finite run may stand for a "for all k / all t" statement.

A statement ``q(t) <= decay(t) q0 + E`` (or a law fitted to the plateau ``E`` that a run reaches)
is measured on a finite horizon ``T``. Two rules decide which part of a run may enter the
measurement; every check that fits a law to such a run uses both:

1. **The decay term must be spent.** A law fitted to ``E`` (an excess over the decay term, a
   plateau) is only a law of ``E`` once ``decay(T) q0 <= SPENT * E`` on every run: before that the
   fitted number mixes ``E`` with the truncation (a width exponent then comes out too steep).
   :func:`spent` measures the worst share ``decay(T) q0 / E`` and, for a decay
   ``exp(-rate h)`` in the horizon variable ``h``, the horizon at which it would be spent; a check
   reruns to that horizon (up to its cap) or reports the fit **unresolved**, with the numbers
   (:meth:`Spent.why`), never a verdict.
2. **Quantities at float resolution end the measurement.** A difference, residual or distance
   below ``FLOAT_FLOOR = 100 eps`` times its scale is rounding, not signal; ratios or fitted rates
   built on it are nonsense. :func:`float_stop` finds the first recorded point where a quantity
   reaches its floor; the measurement stops there and says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: the decay term must be below this fraction of what is fitted (rule 1)
SPENT = 0.1
#: a quantity at or below this many times its scale is at float resolution (rule 2)
FLOAT_FLOOR = 100 * float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Spent:
    """Rule 1 on a set of runs: ``share`` = the worst ``decay(T) q0 / E``; ``needed`` = the
    horizon at which every run's share would be ``SPENT`` (``E`` as measured, a lower bound of
    the limit, so ``needed`` is an upper bound); ``horizon`` = the horizon run."""

    share: float
    horizon: float
    needed: float

    @property
    def ok(self) -> bool:
        return self.share <= SPENT

    def why(self, what: str) -> str:
        """One sentence for an unresolved measurement."""
        return (
            f"horizon too short: the decay term is still {self.share:.3g} times the fitted {what} at the horizon "
            f"{self.horizon:.3g} (needs <= {SPENT}; about {self.needed:.3g} would do): no law fitted"
        )

    def to_json(self) -> dict:
        return {"decay_share_max": self.share, "limit": SPENT, "horizon": self.horizon, "horizon_needed": self.needed, "spent": self.ok}


def spent(decay_end, fitted, horizon, rate) -> Spent:
    """Rule 1 for runs with decay terms ``decay_end`` (``decay(T) q0``, per run) and fitted values
    ``fitted`` (per run), decaying like ``exp(-rate h)`` in the horizon variable ``h`` (``horizon``
    and ``rate`` scalars or per run). A run whose fitted value is 0 or not finite is not spent."""
    decay_end, fitted = np.asarray(decay_end, dtype=np.float64), np.asarray(fitted, dtype=np.float64)
    horizon, rate = np.broadcast_to(np.asarray(horizon, dtype=np.float64), decay_end.shape), np.asarray(rate, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(decay_end <= 0, 0.0, decay_end / fitted)
        shares = np.where(np.isfinite(shares) & (fitted > 0) | (decay_end <= 0), shares, math.inf)
        needed = horizon + np.log(np.maximum(shares, SPENT) / SPENT) / rate
    if not shares.size:
        return Spent(math.inf, math.nan, math.inf)
    return Spent(float(shares.max()), float(horizon.max()), float(needed.max()))


def float_stop(values, scale) -> int | None:
    """Index of the first recorded point where ``values`` are at float resolution
    (``<= FLOAT_FLOOR * scale``, or not finite); None when they never are. The measurement keeps
    the points before it."""
    v = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(v) | (np.abs(v) <= FLOAT_FLOOR * np.asarray(scale, dtype=np.float64))
    idx = np.flatnonzero(bad)
    return int(idx[0]) if idx.size else None


def stopped(what: str, at: float, value: float, scale: float) -> dict:
    """The record of a float stop, for a measurement's details."""
    return {"quantity": what, "at": float(at), "value": float(value), "scale": float(scale), "floor": FLOAT_FLOOR}
