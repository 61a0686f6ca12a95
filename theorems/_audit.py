"""Declared quantifiers and uniformity audits of hidden constants (issue 14).

A statement such as ``lambda_min(H) >= Omega((d+1) theta_min / sqrt(log 2n))`` claims one constant
for *all* admissible ``n`` and ``d``. A check declares

- its :class:`Quantifier` s: every object the statement quantifies over, with its full admissible
  range (``describe ID`` prints them);
- for each parameter the hidden constant is claimed uniform in, a :class:`Uniformity`: the
  constant's name in :attr:`Measurement.constants`, whether it is an Omega (must not tend to 0) or
  an O (must not tend to infinity) constant, the geometric scales to audit, and an *audit family*:
  a callable ``scale -> worst instance(s) at that scale`` built from the check's own search and
  structured families (the other parameters fixed).

:func:`audit` follows the worst constant as the parameter grows: per scale the worst over the
family's instances, then a power law ``worst ~ scale^e`` fitted with its 95% interval
(:func:`theorems._fit.fit_power_law`). Over a range ``R = max/min scale`` an exponent ``e`` means a
drift by the factor ``R^e``. Verdict per parameter:

``uniform``
    the interval excludes a drift beyond :data:`DRIFT` (3x) in the bad direction (toward 0 for an
    Omega, toward infinity for an O) over the audited range;
``non-uniform in NAME``
    the interval excludes 0 on the bad side (the worst constant drifts), or a worst constant is
    already non-positive for an Omega;
``inconclusive``
    neither: the data cannot exclude a 3x drift, so the audit gives no reassurance.

This is a measurement over families, not a proof; a non-uniform constant found this way is an
erratum once certified (``reports/certificates/``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from theorems._core import HYPOTHESES_FALSE

#: The stated factor: a drift of the worst constant beyond 3x over the audited range is excluded
#: by a ``uniform`` verdict, and an interval that cannot exclude it gives ``inconclusive``.
DRIFT = 3.0
OMEGA = "Omega"
O = "O"


@dataclass(frozen=True)
class Quantifier:
    """One object the statement quantifies over, with its full admissible range.

    ``low``/``high`` bound a numeric range (``math.inf`` for unbounded; ``brackets`` says which
    ends are included, e.g. ``"()"`` for an open interval); ``what`` describes a non-numeric one
    (e.g. "every data set on the sphere ||x|| = sqrt(d), no two parallel").
    """

    name: str
    what: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    brackets: str = "[]"

    def range_text(self) -> str:
        if self.low is None and self.high is None:
            return "-"
        def num(x):
            return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{x:g}"
        lo, hi = self.low if self.low is not None else -math.inf, self.high if self.high is not None else math.inf
        left = "(" if lo == -math.inf else self.brackets[0]
        right = ")" if hi == math.inf else self.brackets[1]
        return f"{left}{num(lo)}, {num(hi)}{right}" + (" integer" if self.integer else "")


@dataclass(frozen=True)
class Witness:
    """A worst instance whose constant a structured family computed in closed form (cost
    independent of the scale); ``instance`` is its JSON description (evaluable by the check
    where the check accepts it, e.g. Lemma 1's ``subspace`` form)."""

    constant: float
    instance: Mapping[str, Any]


@dataclass(frozen=True)
class Uniformity:
    """A hidden constant claimed uniform in ``param``, and how to audit that claim.

    ``family(scale)`` returns the worst instance(s) at that scale: raw JSON instances (evaluated
    by the check, the constant read from ``Measurement.constants[constant]``; instances that break
    a hypothesis are not counted) or
    :class:`Witness` es. ``scales`` must span at least four decades.
    """

    param: str
    constant: str
    kind: str  # OMEGA or O
    family: Callable[[float], Iterable[Any]]
    scales: tuple[float, ...]
    what: str = ""  # the family, in words

    def __post_init__(self) -> None:
        if self.kind not in (OMEGA, O):
            raise ValueError(f"uniformity kind must be {OMEGA!r} or {O!r}, got {self.kind!r}")
        if len(self.scales) < 4 or min(self.scales) <= 0 or max(self.scales) / min(self.scales) < 1e4:
            raise ValueError(f"{self.param}: audit scales must be >= 4 positive values over >= 4 decades")


def geometric(lo: float, hi: float, per_decade: int = 1, integer: bool = False) -> tuple[float, ...]:
    """Geometric scales from ``lo`` to ``hi`` (both included), rounded to distinct integers if asked."""
    k = max(1, round(per_decade * math.log10(hi / lo)))
    xs = [lo * (hi / lo) ** (i / k) for i in range(k + 1)]
    if integer:
        return tuple(sorted({int(round(x)) for x in xs}))
    return tuple(xs)


def _points(check, u: Uniformity, scale) -> list[tuple[float, Any]]:
    out = []
    for item in u.family(scale):
        if isinstance(item, Witness):
            out.append((float(item.constant), dict(item.instance)))
        else:
            m = check.evaluate(item)
            if m.regime != HYPOTHESES_FALSE:  # outside the statement: the constant is not claimed there
                out.append((float(m.constants[u.constant]), item))
    if not out:
        raise ValueError(f"{check.id}: the audit family for {u.param} gave no admissible instance at scale {scale}")
    return out


def judge(scales, worst, kind: str, param: str) -> dict:
    """Fit and verdict for one parameter (see the module docstring); pure, for tests."""
    from theorems._fit import fit_power_law

    scales, worst = [float(s) for s in scales], [float(w) for w in worst]
    sign = -1.0 if kind == OMEGA else 1.0  # the bad direction of the exponent
    if kind == OMEGA and any(w <= 0 for w in worst):
        return {"exponent": None, "ci95": [None, None], "verdict": f"non-uniform in {param}",
                "why": "a worst constant is <= 0: no positive constant holds"}
    fit = fit_power_law(scales, worst)
    if fit.nonfinite:  # an overflowed or undefined worst constant: what it hides is unknown
        return {"exponent": None, "ci95": [None, None], "verdict": "inconclusive",
                "why": f"{fit.nonfinite} worst constant(s) not finite: no fit over the rest"}
    if not (math.isfinite(fit.lo) and math.isfinite(fit.hi)):
        return {"exponent": None, "ci95": [None, None], "verdict": "inconclusive", "why": "too few points to fit"}
    bound = math.log(DRIFT) / math.log(max(scales) / min(scales))  # |exponent| of a 3x drift
    bad_far = sign * (fit.lo if kind == OMEGA else fit.hi)  # the interval's end furthest toward bad
    bad_near = sign * (fit.hi if kind == OMEGA else fit.lo)
    drift = (max(scales) / min(scales)) ** fit.slope
    if bad_far < bound:
        verdict, why = "uniform", f"the 95% interval excludes a drift beyond {DRIFT:g}x over the range"
    elif bad_near > 0:
        verdict, why = f"non-uniform in {param}", f"the 95% interval excludes 0: the worst constant drifts by {drift:.3g}x over the range"
    else:
        verdict, why = "inconclusive", f"the 95% interval cannot exclude a {DRIFT:g}x drift: no reassurance"
    return {"exponent": fit.slope, "ci95": [fit.lo, fit.hi], "verdict": verdict, "why": why}


def audit(check, params: Iterable[str] | None = None) -> dict:
    """The uniformity audit of ``check`` (JSON-ready): per parameter the scales, the worst constant
    per scale, the fitted exponent with its 95% interval and the witness (the worst instance of
    the audit, i.e. the smallest constant for an Omega, the largest for an O); overall verdict
    ``uniform``, ``non-uniform in A, B`` or ``inconclusive``."""
    declared = {u.param: u for u in check.uniform_in}
    if not declared:
        raise ValueError(f"{check.id} declares no hidden constant to audit (no uniform_in)")
    names = list(params) if params else list(declared)
    for p in names:
        if p not in declared:
            raise ValueError(f"{check.id} has no audited parameter {p!r}; audited: {', '.join(declared)}")
    out: dict = {"check": check.id, "params": {}}
    for p in names:
        u = declared[p]
        worst, wits = [], []
        for s in u.scales:
            pts = _points(check, u, s)
            c, w = (min if u.kind == OMEGA else max)(pts, key=lambda t: t[0])
            if any(math.isnan(t[0]) for t in pts):  # min/max would drop a NaN: it makes the scale's worst unknown
                c = math.nan
            worst.append(c)
            wits.append(w)
        pick = (min if u.kind == OMEGA else max)(range(len(worst)), key=worst.__getitem__)
        j = judge(u.scales, worst, u.kind, p)
        out["params"][p] = {"constant": u.constant, "kind": u.kind, "family": u.what,
                            "scales": list(u.scales), "worst_constant": worst, **j, "witness": wits[pick]}
    verdicts = [v["verdict"] for v in out["params"].values()]
    bad = [p for p, v in out["params"].items() if v["verdict"].startswith("non-uniform")]
    out["verdict"] = (f"non-uniform in {', '.join(bad)}" if bad
                      else "inconclusive" if "inconclusive" in verdicts else "uniform")
    return _plain(out)


def _plain(inst: Any) -> Any:
    from theorems._core import _jsonable

    return _jsonable(inst)


def describe_lines(check) -> list[str]:
    """The quantifier table and the audited parameters of a check, for ``describe ID``."""
    L = []
    if check.quantifiers:
        L.append("quantifiers (the statement's full admissible ranges):")
        w = max(len(q.name) for q in check.quantifiers)
        for q in check.quantifiers:
            L.append(f"  {q.name.ljust(w)}  {q.range_text():<22}  {q.what}")
    if check.uniform_in:
        L.append("hidden constants audited (python -m theorems audit " + check.id + "):")
        for u in check.uniform_in:
            L.append(f"  {u.constant} ({u.kind}) uniform in {u.param}: scales {u.scales[0]:g}..{u.scales[-1]:g}"
                     + (f"; family: {u.what}" if u.what else ""))
    return L


def text(result: dict) -> str:
    """Human-readable audit result."""
    L = [f"{result['check']}: {result['verdict']}"]
    for p, r in result["params"].items():
        e = "n/a" if r["exponent"] is None else f"{r['exponent']:+.3f}"
        ci = "n/a" if r["ci95"][0] is None else f"[{r['ci95'][0]:+.3f}, {r['ci95'][1]:+.3f}]"
        L.append(f"  {p}: {r['verdict']}  ({r['kind']} constant {r['constant']}; exponent {e}, 95% {ci}; {r['why']})")
        if r["family"]:
            L.append(f"    family: {r['family']}")
        L.append("    " + "  ".join(f"{p}={s:g}: {c:.4g}" for s, c in zip(r["scales"], r["worst_constant"])))
        wit = r["witness"]
        L.append("    witness: " + (wit.get("design") if isinstance(wit, dict) and wit.get("design") else "(see --json)"))
    return "\n".join(L)
