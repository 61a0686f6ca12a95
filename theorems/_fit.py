"""Power-law fits with confidence intervals, for the measured width and sample-size laws.

``fit_power_law(x, y)`` fits ``log y = b log x + log C`` by ordinary least squares over all
positive finite points (the others are counted in the result) (several seeds per x are separate points) and gives the two-sided 95% t-interval of
the slope ``b``. With ``k`` distinct x values and ``N`` points the interval has ``N - 2``
degrees of freedom; it is only as good as the log-linear model, which the reports show beside
the data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PowerLaw:
    slope: float
    lo: float  # 95% interval of the slope
    hi: float
    constant: float  # C in y ~ C x^slope
    points: int
    #: points left out of the fit: ``dropped`` with ``y <= 0`` or ``x <= 0`` (finite), ``nonfinite``
    #: with a NaN or infinite ``x`` or ``y`` (an overflow or an undefined value: what it hides is unknown)
    dropped: int = 0
    nonfinite: int = 0

    def to_json(self) -> dict:
        return {"slope": self.slope, "ci95": [self.lo, self.hi], "constant": self.constant, "points": self.points,
                "dropped": self.dropped, "nonfinite": self.nonfinite}


def fit_power_law(x, y, level: float = 0.95) -> PowerLaw:
    """Slope of ``log y`` against ``log x`` with its ``level`` t-interval; points with ``y <= 0`` or a
    non-finite coordinate are left out and counted (``dropped``, ``nonfinite``)."""
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    keep = finite & (y > 0) & (x > 0)
    counts = {"dropped": int((finite & ~keep).sum()), "nonfinite": int((~finite).sum())}
    lx, ly = np.log(x[keep]), np.log(y[keep])
    N = lx.size
    if N < 3 or np.ptp(lx) == 0:
        return PowerLaw(math.nan, -math.inf, math.inf, math.nan, int(N), **counts)
    A = np.vstack([lx, np.ones_like(lx)]).T
    coef, *_ = np.linalg.lstsq(A, ly, rcond=None)
    resid = ly - A @ coef
    s2 = float(resid @ resid) / (N - 2)
    se = math.sqrt(s2 / float(((lx - lx.mean()) ** 2).sum()))
    t = float(stats.t.ppf(0.5 + level / 2, N - 2))
    b = float(coef[0])
    with np.errstate(over="ignore"):  # a steep fit over a narrow range: the constant overflows to inf
        constant = float(np.exp(coef[1]))
    return PowerLaw(b, b - t * se, b + t * se, constant, int(N), **counts)


def law_ratio(fit: PowerLaw, claimed: float) -> float:
    """``10^(lo - claimed)``: above 1 when even the fastest slope the data allow (the interval's
    lower end) is slower than the claimed exponent, i.e. the measured decay is significantly
    slower than the theorem's law; the number is the factor lost per decade of x. NaN (unresolved)
    when the fit has no interval or left out a non-finite point (it could hide a slower decay);
    points with ``y <= 0`` are below every law ``C x^b`` and cannot hide one."""
    if not math.isfinite(fit.lo) or fit.nonfinite:
        return math.nan
    return 10.0 ** (fit.lo - claimed)
