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
    Omega, toward infinity for an O) over the audited range, and does not exclude no drift at all
    (a significant drift toward bad, even under 3x, is ``inconclusive``: extrapolated it is unbounded);
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
from dataclasses import dataclass
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
    #: the value(s) an instance takes: ``of(instance, measurement)`` with the raw JSON instance and
    #: the measurement as stored (a dict with ``constants``/``details``; ``None`` when not
    #: evaluated); returns a number, a string (a category), a list of them, or ``None`` (not
    #: applicable to this instance, or not readable without the measurement)
    of: Callable[[Mapping, Mapping | None], Any] | None = None
    #: the reader may need the measurement (``describe`` says "needs a sweep" where it read nothing)
    needs_sweep: bool = False
    #: a finite set of admissible categories (e.g. the models or activations the statement covers)
    values: tuple = ()
    #: the finite range a sweep must reach to cover the declared one (default: see :func:`target`)
    reach: tuple[float, float] | None = None

    def range_text(self) -> str:
        if self.low is None and self.high is None:
            return "{" + ", ".join(self.values) + "}" if self.values else "-"
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
    #: why fewer than four decades are audited (e.g. an n x n kernel beyond n = 4000 does not fit
    #: in memory); required below four decades (at least one decade, four scales), and such an
    #: audit can say ``non-uniform`` but never ``uniform`` (at best ``inconclusive``)
    short_range_why: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (OMEGA, O):
            raise ValueError(f"uniformity kind must be {OMEGA!r} or {O!r}, got {self.kind!r}")
        if len(self.scales) < 4 or min(self.scales) <= 0:
            raise ValueError(f"{self.param}: audit scales must be >= 4 positive values")
        span = max(self.scales) / min(self.scales)
        if span < 1e4 and not (self.short_range_why and span >= 10):
            raise ValueError(f"{self.param}: audit scales must span >= 4 decades "
                             "(or >= 1 decade with short_range_why)")

    @property
    def short(self) -> bool:
        """The audited range is under four decades (a ``uniform`` verdict is then withheld)."""
        return max(self.scales) / min(self.scales) < 1e4


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
    if bad_far < bound and bad_near <= 0:
        verdict, why = "uniform", f"the 95% interval excludes a drift beyond {DRIFT:g}x over the range"
    elif bad_far < bound:  # a significant drift toward bad, under 3x here: extrapolated it is unbounded
        verdict, why = "inconclusive", (f"a drift by {drift:.3g}x toward "
                                        f"{'0' if kind == OMEGA else 'infinity'} over the range is significant "
                                        f"(95% interval excludes 0) but under {DRIFT:g}x: no reassurance")
    elif bad_near > 0:
        verdict, why = f"non-uniform in {param}", f"the 95% interval excludes 0: the worst constant drifts by {drift:.3g}x over the range"
    else:
        verdict, why = "inconclusive", f"the 95% interval cannot exclude a {DRIFT:g}x drift: no reassurance"
    return {"exponent": fit.slope, "ci95": [fit.lo, fit.hi], "verdict": verdict, "why": why}


def audited_params(check, params: Iterable[str] | None = None) -> list[str]:
    """The parameters an audit of ``check`` follows (``params``, default all declared);
    ValueError, in the user's terms, for a check without audits or an undeclared parameter."""
    declared = [u.param for u in check.uniform_in]
    if not declared:
        raise ValueError(f"{check.id} declares no hidden constant to audit (no uniform_in)")
    names = list(params) if params else declared
    for p in names:
        if p not in declared:
            raise ValueError(f"{check.id} has no audited parameter {p!r}; audited: {', '.join(declared)}")
    return names


def audit(check, params: Iterable[str] | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """The uniformity audit of ``check`` (JSON-ready): per parameter the scales, the worst constant
    per scale, the fitted exponent with its 95% interval and the witness (the worst instance of
    the audit, i.e. the smallest constant for an Omega, the largest for an O); overall verdict
    ``uniform``, ``non-uniform in A, B`` or ``inconclusive``. ``progress``, when given, is called
    with one line after each scale (``ID: d = 1e+04 (5/15)``)."""
    declared = {u.param: u for u in check.uniform_in}
    names = audited_params(check, params)
    out: dict = {"check": check.id, "params": {}}
    for p in names:
        u = declared[p]
        worst, wits = [], []
        for i, s in enumerate(u.scales):
            pts = _points(check, u, s)
            if progress is not None:
                progress(f"{check.id}: {p} = {s:g} ({i + 1}/{len(u.scales)})")
            c, w = (min if u.kind == OMEGA else max)(pts, key=lambda t: t[0])
            if any(math.isnan(t[0]) for t in pts):  # min/max would drop a NaN: it makes the scale's worst unknown
                c = math.nan
            worst.append(c)
            wits.append(w)
        pick = (min if u.kind == OMEGA else max)(range(len(worst)), key=worst.__getitem__)
        j = judge(u.scales, worst, u.kind, p)
        if u.short and j["verdict"] == "uniform":  # too short a range to reassure
            j = {**j, "verdict": "inconclusive",
                 "why": f"no drift seen, but the range is under four decades ({u.short_range_why})"}
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


# --- coverage: the range a sweep reached against the declared one ---------------------------

#: an end that cannot be reached itself (infinite, or an end at 0) is covered by reaching this
#: many decades beyond the other end (see :func:`target`)
DECADES = 3
#: slack on a reached end: a factor 10^0.05 (12%) on a log scale, 1% of the span on a linear one
LOG_SLACK, LIN_SLACK = 10 ** 0.05, 0.01


def key(name: str, default: Any = None) -> Callable:
    """Reader of a scalar instance field (``default`` where the instance leaves it out)."""
    return lambda inst, m: default if inst.get(name) is None else inst[name]


def measured(name: str, field: str | None = None) -> Callable:
    """Reader of the instance field ``field`` where given, else of a measured constant or detail
    ``name`` (declare ``needs_sweep=True``; ``None`` before a sweep)."""
    def read(inst, m):
        if field is not None and inst.get(field) is not None:
            return inst[field]
        if m is None:
            return None
        v = m.get("constants", {}).get(name, m.get("details", {}).get(name))
        return v if isinstance(v, (int, float, str)) else None
    return read


def target(q: Quantifier) -> tuple[float, float] | None:
    """The finite range a sweep must reach to cover ``q``'s declared range: ``q.reach`` where
    given; else each finite non-zero end itself, an end at 0 replaced by ``10^-DECADES`` times the
    other end (1 where that is infinite), an infinite end by ``10^DECADES`` times the other end
    (1 where that is <= 0). ``None`` for a non-numeric quantifier."""
    if q.reach is not None:
        return tuple(q.reach)
    if q.low is None and q.high is None:
        return None
    lo0 = q.low if q.low is not None else -math.inf
    hi0 = q.high if q.high is not None else math.inf
    lo = lo0 if lo0 != 0 else (hi0 if math.isfinite(hi0) and hi0 > 0 else 1.0) * 10.0 ** -DECADES
    hi = hi0 if math.isfinite(hi0) else (lo0 if lo0 > 0 else 1.0) * 10.0 ** DECADES
    return (lo if math.isfinite(lo) else -hi), hi


def _values(q: Quantifier, inst, m) -> list:
    """The values ``q`` reads from one instance (none where its reader cannot read this instance,
    e.g. a stored row of an older schema; tests/framework/test_registry_contract.py holds every reader to
    the check's own instances)."""
    try:
        v = q.of(inst, m)
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    vals = list(v) if isinstance(v, (list, tuple)) else [v]
    return [x for x in vals if x is not None and not (isinstance(x, float) and math.isnan(x))]


def coverage(check, pairs: Iterable[tuple[Mapping, Mapping | None]]) -> list[dict]:
    """Per declared quantifier of ``check``: the range the instances reached against the declared
    range. ``pairs``: ``(instance, measurement)`` with ``measurement`` ``None`` where not
    evaluated (quantifiers with ``needs_sweep`` then say so). Each row: ``name``, ``declared``,
    ``reached`` (text), ``scale`` (``log``, ``linear`` or ``categories``), ``covered`` (the
    fraction of the target range reached, on that scale; ``None`` for categories) and ``gaps``:
    what the instances left out, in plain words (empty when the range is covered)."""
    pairs = list(pairs)
    swept = any(m is not None for _, m in pairs)
    rows = []
    for q in check.quantifiers:
        vals = [x for inst, m in pairs for x in _values(q, inst, m)]
        rows.append(_cover(q, vals, pending=q.needs_sweep and not swept and not vals))
    return rows


def _cover(q: Quantifier, vals: list, pending: bool) -> dict:
    row = {"name": q.name, "declared": q.range_text(), "reached": "", "scale": "categories", "covered": None, "gaps": []}
    if pending:
        row["reached"] = "needs a sweep"
        return row
    cats = sorted({str(v) for v in vals if isinstance(v, str)})
    nums = [float(v) for v in vals if not isinstance(v, str)]
    t = target(q)
    if t is None or cats:
        row["reached"] = ", ".join(cats) or "-"
        missing = [v for v in q.values if v not in cats]
        if missing:
            row["gaps"].append("not reached: " + ", ".join(missing))
        return row
    log = t[0] > 0 and t[1] / t[0] >= 100
    row["scale"] = "log" if log else "linear"
    if not nums:
        row["reached"] = "-"
        row["gaps"].append(f"{q.name} never set (no instance has it)")
        row["covered"] = 0.0
        return row
    lo, hi = min(nums), max(nums)
    row["reached"] = f"{lo:.3g}" if lo == hi else f"{lo:.3g} .. {hi:.3g}"
    if log:
        f = lambda x: math.log10(max(x, t[0]))
        short_lo, short_hi = lo > t[0] * LOG_SLACK, hi < t[1] / LOG_SLACK
    else:
        f = lambda x: x
        slack = LIN_SLACK * (t[1] - t[0])
        short_lo, short_hi = lo > t[0] + slack, hi < t[1] - slack
    span = f(t[1]) - f(t[0])
    row["covered"] = max(0.0, min(1.0, (min(f(hi), f(t[1])) - max(f(lo), f(t[0]))) / span)) if span > 0 else 1.0
    if (short_lo or short_hi) and lo == hi:
        row["gaps"].append(f"{q.name} only {lo:.3g}")
    else:
        if short_lo:
            row["gaps"].append(f"{q.name} only down to {lo:.3g} (target {t[0]:.3g})")
        if short_hi:
            row["gaps"].append(f"{q.name} only up to {hi:.3g} (target {t[1]:.3g})")
    return row


def gaps(rows: list[dict]) -> list[str]:
    """The plain-words gaps of a coverage table (empty: every declared range covered)."""
    return [g for r in rows for g in r["gaps"]]


def coverage_text(rows: list[dict], indent: str = "  ") -> list[str]:
    """A coverage table as aligned text lines (``describe``)."""
    head = ("quantity", "declared", "reached", "scale", "covered", "not covered")
    body = [(r["name"], r["declared"], r["reached"], r["scale"], "" if r["covered"] is None else f"{r['covered']:.0%}",
             "; ".join(r["gaps"]) or "-") for r in rows]
    w = [max(len(x[i]) for x in [head, *body]) for i in range(5)]
    return [indent + "  ".join(x[i].ljust(w[i]) for i in range(5)) + "  " + x[5] for x in [head, *body]]


def coverage_markdown(rows: list[dict]) -> list[str]:
    """A coverage table in Markdown (the report)."""
    esc = lambda s: s.replace("|", "\\|")
    L = ["| quantity | declared | reached | scale | covered | not covered |", "|---|---|---|---|---|---|"]
    for r in rows:
        cov = "" if r["covered"] is None else f"{r['covered']:.0%}"
        L.append(f"| {esc(r['name'])} | {esc(r['declared'])} | {esc(r['reached'])} | {r['scale']} | {cov} | "
                 f"{esc('; '.join(r['gaps'])) or '-'} |")
    return L


def describe_lines(check, coverage_rows: list[dict] | None = None) -> list[str]:
    """The quantifier table, the quick profile's coverage of it (``coverage_rows``, from
    :func:`theorems._sweep.quick_coverage`; left out where ``None``) and the audited parameters of
    a check, for ``describe ID``."""
    L = []
    if check.quantifiers:
        L.append("quantifiers (the statement's full admissible ranges):")
        w = max(len(q.name) for q in check.quantifiers)
        for q in check.quantifiers:
            L.append(f"  {q.name.ljust(w)}  {q.range_text():<22}  {q.what}")
        if coverage_rows is not None:
            L.append("coverage by the quick profile's instances (python -m theorems sweep --profile quick):")
            L += coverage_text(coverage_rows)
    if check.uniform_in:
        L.append("hidden constants audited (python -m theorems audit " + check.id + "):")
        for u in check.uniform_in:
            L.append(f"  {u.constant} ({u.kind}) uniform in {u.param}: scales {u.scales[0]:g}..{u.scales[-1]:g}"
                     + (f"; family: {u.what}" if u.what else ""))
    return L


# --- verdicts resting on audits ------------------------------------------------------------------

#: the word of a check with a declared hidden constant whose audit has not been run (or failed)
NOT_AUDITED = "not audited"
#: the word of a check whose audit could not exclude a drift (no reassurance either way)
INCONCLUSIVE_AUDIT = "inconclusive (audit)"
#: verdict words (from the rows alone) that an audit may turn: they claim nothing is wrong
_REASSURING = ("holds", "consistent", "measured only", "inside envelope")


def audit_word(row: Mapping | None) -> str:
    """The outcome of one stored audit (``theorems._store.Store.audits``): its verdict
    (``uniform``, ``non-uniform in d``, ``inconclusive``), ``audit error`` / ``audit timeout`` /
    ``audit lost`` where it failed, ``not audited`` where none was run (``row`` None)."""
    if row is None:
        return NOT_AUDITED
    if row["kind"] != "ok":
        return f"audit {row['kind']}"
    return row["result"]["verdict"]


def check_verdict(check, base: str | None, row: Mapping | None) -> str:
    """The verdict of ``check`` resting on its uniformity audit (issue 14), the one rule used by
    the report, ``compare`` and ``audit``. ``base``: the verdict from the check's rows alone
    (``theorems._report._verdict_word``; ``None``: none, i.e. nothing seen wrong: ``audit`` without
    a sweep); ``row``: its stored audit (``None``: not run).

    A check without ``uniform_in`` keeps ``base``. With one: a non-uniform audit makes it ``false as
    printed: non-uniform in NAME (audit)`` (an erratum) whatever the rows say; a base that claims
    nothing wrong (holds / consistent / measured only / inside envelope, with its "(N unresolved)"
    note) becomes
    ``consistent`` only where the audit says ``uniform`` (``holds`` stays ``holds``),
    ``inconclusive (audit)`` where it says ``inconclusive``, ``not audited`` where no audit was run,
    and ``not audited (audit error)`` (``timeout``, ``lost``) where it failed. Any other base (a
    violation, outside the envelope, vacuous) is kept: it says more than the audit."""
    if check is None or not check.uniform_in:
        return base if base is not None else "-"
    word = audit_word(row)
    if word.startswith("non-uniform"):
        return f"false as printed: {word} (audit)"
    base = base if base is not None else ("holds" if check.regime == "certified" else "measured only")
    head = next((w for w in _REASSURING if base == w or base.startswith(w + " (")), None)
    if head is None:
        return base
    rest = base[len(head):]
    if word == "uniform":
        return ("holds" if head == "holds" else "consistent") + rest
    if word == "inconclusive":
        return INCONCLUSIVE_AUDIT + rest
    return (NOT_AUDITED if row is None else f"{NOT_AUDITED} ({word})") + rest


def short_witness(wit: Any, limit: int = 60) -> str:
    """A witness in a few words: its ``design`` where it names one, else its JSON cut short."""
    if isinstance(wit, Mapping) and isinstance(wit.get("design"), str):
        return wit["design"]
    import json

    t = json.dumps(wit, sort_keys=True, separators=(",", ":"))
    return t if len(t) <= limit else t[: limit - 3] + "..."


def worst_range(p: Mapping) -> str:
    """The range of one parameter's worst constants over its scales (``0.149 .. 0.152``)."""
    nums = [float(c) for c in p["worst_constant"]]
    fin = [c for c in nums if math.isfinite(c)]
    text = "-" if not fin else f"{min(fin):.3g}" if min(fin) == max(fin) else f"{min(fin):.3g} .. {max(fin):.3g}"
    return text + (f" ({len(nums) - len(fin)} not finite)" if len(fin) < len(nums) else "")


def exponent_text(p: Mapping) -> str:
    """``-0.487 [-0.495, -0.478]``: the fitted exponent with its 95% interval (``n/a``: no fit)."""
    if p["exponent"] is None:
        return "n/a"
    return f"{float(p['exponent']):+.3f} [{float(p['ci95'][0]):+.3f}, {float(p['ci95'][1]):+.3f}]"


def text(result: dict) -> str:
    """Human-readable audit result."""
    L = [f"{result['check']}: {result['verdict']}"]
    for p, r in result["params"].items():
        L.append(f"  {p}: {r['verdict']}  ({r['kind']} constant {r['constant']}; exponent, 95% interval: {exponent_text(r)}; {r['why']})")
        if r["family"]:
            L.append(f"    family: {r['family']}")
        L.append("    " + "  ".join(f"{p}={s:g}: " + (f"{c:.4g}" if isinstance(c, (int, float)) else str(c))
                                   for s, c in zip(r["scales"], r["worst_constant"])))
        L.append("    witness: " + short_witness(r["witness"]))
    return "\n".join(L)
