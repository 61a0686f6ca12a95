"""The small framework every check is written in: regimes, hypotheses, measurements, checks.

A *check* encodes one statement (id ``paper/statement/part``). Evaluating it on an
*instance* (plain JSON data) gives a :class:`Measurement`: ``lhs``, ``rhs`` and
``ratio`` normalised so that ``ratio <= 1`` means the inequality holds, plus the status of
each of the statement's hypotheses for that instance, the measured constants, and the
regime that says how much the verdict is worth:

``certified``
    every hypothesis is proven for the instance (constants computed exactly or bounded
    rigorously): a ratio above ``1 + tolerance`` (a derived floating-point tolerance) is a
    counterexample to the statement or a bug, never noise.
``estimated``
    some constant is estimated, not proven: the verdict is *consistent* or
    *inconsistent*, never verified or refuted.
``measured``
    the statement's regime (O/Omega constants, "w.h.p.", width ``poly(n)``) is out of reach:
    the check reports the constant it sees and compares it with a recorded *envelope*
    (``ratio <= 1`` means inside it). This is never a proof.
``hypotheses-false``
    the instance breaks a hypothesis: the theorem says nothing, and the measurement names
    which hypothesis.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from theorems._errors import InstanceError  # re-exported: theorems._core.InstanceError

CERTIFIED = "certified"
ESTIMATED = "estimated"
MEASURED = "measured"
HYPOTHESES_FALSE = "hypotheses-false"
REGIMES = (CERTIFIED, ESTIMATED, MEASURED, HYPOTHESES_FALSE)

#: Status of one hypothesis of a statement, for one instance.
HYP_CERTIFIED = "certified"  # proven for this instance
HYP_ESTIMATED = "estimated"  # believed from an estimate, not proven
HYP_FALSE = "false"  # the instance breaks it
HYP_NOT_CHECKABLE = "not checkable"  # asymptotic / probabilistic: no finite test exists
HYP_STATUSES = (HYP_CERTIFIED, HYP_ESTIMATED, HYP_FALSE, HYP_NOT_CHECKABLE)

#: Verdict words. "verified" is deliberately absent.
HOLDS = "holds"
COUNTEREXAMPLE = "counterexample"
CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
INSIDE = "inside envelope"
OUTSIDE = "outside envelope"
VACUOUS = "vacuous"
UNRESOLVED = "unresolved"  # below floating-point resolution: neither holds nor fails
ACCEPTABLE = frozenset({HOLDS, CONSISTENT, INSIDE, VACUOUS})


def regime_of(nominal: str, hypotheses: Mapping[str, str]) -> str:
    """The regime of one measurement, from the check's nominal regime and hypothesis statuses.

    Any false hypothesis makes the instance ``hypotheses-false``; a certified check with an
    estimated hypothesis is only ``estimated``.
    """
    if nominal not in REGIMES:
        raise ValueError(f"unknown regime {nominal!r}")
    for name, status in hypotheses.items():
        if status not in HYP_STATUSES:
            raise ValueError(f"hypothesis {name!r} has unknown status {status!r}")
    if any(s == HYP_FALSE for s in hypotheses.values()):
        return HYPOTHESES_FALSE
    if nominal == CERTIFIED and any(s == HYP_ESTIMATED for s in hypotheses.values()):
        return ESTIMATED
    return nominal


def ratio_of(lhs: float, rhs: float) -> float:
    """``lhs / rhs`` for an inequality ``lhs <= rhs`` with ``rhs > 0``; +inf if ``rhs <= 0 < lhs``."""
    if rhs > 0:
        return lhs / rhs
    if lhs <= 0 and rhs == 0:
        return 0.0 if lhs < 0 else 1.0
    return math.inf


@dataclass(frozen=True)
class Measurement:
    """One evaluation of one check on one instance.

    ``tolerance`` is the relative float tolerance on ``ratio`` derived by the check from the
    computation (not tuned). ``resolved=False`` marks a result below floating-point
    resolution (e.g. an eigenvalue within its own error bound of zero).
    """

    check: str
    lhs: float
    rhs: float
    ratio: float
    regime: str
    hypotheses: Mapping[str, str]
    constants: Mapping[str, float] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    tolerance: float = 0.0
    resolved: bool = True
    #: the check proved from finite numbers that the inequality fails at a point where its
    #: normalised ratio is undefined (e.g. a residual that certainly grew): ``ratio = inf`` is then
    #: decisive even though the ratio-normalised sides (``lhs = ratio``, ``rhs = 1``) are not finite
    certain_violation: bool = False
    #: why ``resolved=False`` (default: the decisive quantity is within its float error bound)
    unresolved_reason: str = ""

    @property
    def false_hypotheses(self) -> list[str]:
        return [k for k, v in self.hypotheses.items() if v == HYP_FALSE]

    @property
    def nonfinite(self) -> str:
        """Why a non-finite number would decide this verdict ('' when none would).

        A NaN ratio, a non-finite tolerance, or an infinite ratio built from a non-finite lhs or
        rhs (an overflow, not a division by a non-positive right-hand side) decides nothing: the
        measurement is ``unresolved``. An infinite ratio from finite ``lhs > 0 >= rhs`` is a
        genuine violation and stays decisive, and so is one the check marks ``certain_violation``
        (its sides are the ratio itself and 1).
        """
        bad = [name for name, v in (("ratio", self.ratio), ("lhs", self.lhs), ("rhs", self.rhs), ("tolerance", self.tolerance))
               if not _isfinite(v)]
        if not bad:
            return ""
        if self.ratio == math.inf and _isfinite(self.tolerance) and (
                self.certain_violation and set(bad) <= {"ratio", "lhs"} or bad == ["ratio"]):
            return ""
        return "non-finite " + ", ".join(bad)

    @property
    def decided(self) -> bool:
        """Resolved and decided by finite numbers only."""
        return self.resolved and not self.nonfinite

    @property
    def holds(self) -> bool | None:
        """True/False when the inequality (or envelope) is decided; None when vacuous or unresolved."""
        if self.regime == HYPOTHESES_FALSE or not self.decided:
            return None
        return bool(self.ratio <= 1.0 + self.tolerance)

    @property
    def verdict(self) -> str:
        if self.regime == HYPOTHESES_FALSE:
            return VACUOUS
        if not self.decided:
            return UNRESOLVED
        ok = self.holds
        return {
            CERTIFIED: (HOLDS, COUNTEREXAMPLE),
            ESTIMATED: (CONSISTENT, INCONSISTENT),
            MEASURED: (INSIDE, OUTSIDE),
        }[self.regime][0 if ok else 1]

    def explain(self) -> str:
        """One sentence a researcher can read without knowing the framework."""
        if self.regime == HYPOTHESES_FALSE:
            return "the instance breaks " + ", ".join(self.false_hypotheses) + ": the statement says nothing"
        if self.resolved and self.nonfinite:
            return f"a non-finite number ({self.nonfinite}: an overflow or an undefined value) would decide it: undecided"
        if not self.resolved and self.unresolved_reason:
            return self.unresolved_reason + ": undecided"
        if not self.resolved:
            return "the decisive quantity is within its floating-point error bound: undecided"
        return {
            CERTIFIED: "hypotheses proven for this instance; ratio <= 1 + tol means the inequality holds",
            ESTIMATED: "some constant is estimated, not proven: consistent/inconsistent, not verified/refuted",
            MEASURED: "the theorem's own regime is out of reach: this compares the measured constant "
            "with a recorded envelope and proves nothing",
        }[self.regime]

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "regime": self.regime,
            "lhs": _num(self.lhs),
            "rhs": _num(self.rhs),
            "ratio": _num(self.ratio),
            "tolerance": _num(self.tolerance),
            "holds": self.holds,
            "verdict": self.verdict,
            "explanation": self.explain(),
            "hypotheses": dict(self.hypotheses),
            "constants": {k: _num(v) for k, v in self.constants.items()},
            "details": _jsonable(self.details),
        }


def _isfinite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


def _isinf(x) -> bool:
    try:
        return math.isinf(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


def _num(x: float) -> float | str:
    x = float(x)
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf" if x < 0 else "nan")


def _jsonable(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


@dataclass(frozen=True)
class Testing:
    """How the registry test (``theorems/test_checks.py``) runs a check's property test.

    ``examples`` caps the Hypothesis profile's number of examples (the ``thorough`` profile lifts
    the cap to 10x) for checks whose one evaluation is a whole sweep; ``unresolved_ok`` (why, in
    words) lets an ``unresolved`` instance through for a check whose method cannot decide part of
    its strategy's range; ``skip`` (why, in words) means no property test at all, e.g. for a
    statement false as printed (its :class:`Erratum` is tested instead).
    """

    examples: int | None = None
    unresolved_ok: str = ""
    skip: str = ""


#: the :class:`Testing` of a statement false as printed: no property test (its :class:`Erratum` is tested)
FALSE_AS_PRINTED = Testing(skip="false as printed: the registry test checks its erratum instead")


@dataclass(frozen=True)
class Erratum:
    """A statement false as printed, declared once: the registry test, the pinned regressions,
    ``describe`` and the report's errata all read it.

    ``what`` is the text shown by ``describe`` and the report (``str(erratum)``). The smallest
    ``counterexample`` (an instance) must evaluate to ``verdict`` (a violation) with ``ratio``
    (``None``: not pinned, e.g. infinite); ``pinned`` names that regression case. ``corrected`` is
    the id of the check of what the proof supports; where ``corrected_ratio`` is given, it holds
    on the counterexample with that ratio. ``certificate`` is a standalone script (path from the
    repository root) that confirms the erratum without importing the suite.
    """

    what: str
    counterexample: Mapping[str, Any]
    verdict: str
    pinned: str
    ratio: float | None = None
    corrected: str = ""
    corrected_ratio: float | None = None
    certificate: str = ""

    def __str__(self) -> str:
        return self.what


@dataclass(frozen=True)
class Refusal:
    """An input the check must refuse: with ``field``, evaluating ``instance`` raises the one-line
    :class:`InstanceError` naming it (``field 'NAME'``); with ``mentions``, an error whose line
    contains that text (a cross-field error phrased in words); with ``hypothesis``, the measurement
    is ``hypotheses-false`` naming that hypothesis. ``instance`` may be a zero-argument callable
    (big arrays are built only when used); ``edge`` (``"memory"`` or ``"work"``) marks sizes just
    above that default resource limit. The CLI tests run the error refusals through ``eval``.
    """

    instance: Any
    field: str = ""
    mentions: str = ""
    hypothesis: str = ""
    name: str = ""
    edge: str = ""

    def __post_init__(self) -> None:
        if sum(map(bool, (self.field, self.mentions, self.hypothesis))) != 1:
            raise ValueError("a Refusal names exactly one of field, mentions, hypothesis")

    def build(self) -> Any:
        return self.instance() if callable(self.instance) else self.instance

    @property
    def needle(self) -> str:
        """What the error line must contain (error refusals)."""
        return f"field '{self.field}'" if self.field else self.mentions


@dataclass(frozen=True)
class Check:
    """A statement turned into something that can be evaluated and searched.

    ``evaluate`` takes a validated instance (see :class:`theorems._instances.Spec`) and returns
    a :class:`Measurement`. ``strategy()`` returns a Hypothesis strategy of raw JSON instances.
    ``search``, when given, is a deterministic optimiser ``(seed, budget) -> instance`` that
    looks for the worst instance beyond what Hypothesis' ``target`` finds. ``sweep`` says how many
    instances the ``quick`` and ``full`` sweep profiles evaluate.
    """

    id: str
    title: str
    statement: str
    equation: str
    regime: str
    hypotheses: Mapping[str, str]  # name -> what it says
    spec: Any  # theorems._instances.Spec
    evaluate_validated: Callable[[dict], Measurement]
    strategy: Callable[[], Any]
    search: Callable[[int, int], dict] | None = None
    notes: str = ""
    #: how lhs, rhs, the ratio and the tolerance are computed, which hypotheses are certified or
    #: estimated and how, with the paper's equation numbers (printed by ``describe``)
    derivation: str = ""
    #: instances per sweep profile, drawn deterministically from ``strategy`` (``theorems._sweep``);
    #: checks whose one evaluation is itself a sweep (seconds) declare fewer
    sweep: Mapping[str, int] = field(default_factory=lambda: {"quick": 20, "full": 200})
    #: how the registry test runs the property test (:class:`Testing`)
    testing: Testing = Testing()
    #: set when the statement is false as printed (:class:`Erratum`; ``str()`` is the text)
    erratum: Erratum | None = None
    #: inputs the check must refuse (:class:`Refusal`), run by the registry test
    refuses: tuple = ()
    #: what the statement quantifies over, with full admissible ranges (``theorems._audit.Quantifier``)
    quantifiers: tuple = ()
    #: hidden constants claimed uniform in a parameter, with audit families (``theorems._audit.Uniformity``)
    uniform_in: tuple = ()
    #: ``instance -> theorems._limits.Cost``: memory and work estimated from the sizes of an instance
    #: whose fields are converted but not yet cross-validated (default: the spec's ``cost``, else
    #: ``theorems._limits.generic``)
    cost: Callable[[dict], Any] | None = None

    def __post_init__(self) -> None:
        parts = self.id.split("/")
        if len(parts) < 2 or not all(parts):
            raise ValueError(f"check id must be paper/statement[/part], got {self.id!r}")
        if self.regime not in REGIMES:
            raise ValueError(f"{self.id}: unknown regime {self.regime!r}")

    @property
    def paper(self) -> str:
        return self.id.split("/")[0]

    def evaluate(self, instance: Mapping[str, Any]) -> Measurement:
        """Validate a raw JSON instance and evaluate it (``InstanceError`` on bad input).

        The resource limits apply between the conversion of the fields and the cross-field
        validation (which may itself be heavy, e.g. pairwise angles): an instance too big for them
        is refused (``theorems._limits.ResourceError``) before anything large is allocated. An
        overflow or an out-of-memory during the evaluation (or a model's ``ValueError`` on an
        instance with values beyond 1e30) becomes an ``InstanceError`` naming the extreme fields.
        """
        from theorems import _limits

        inst = self.spec.convert(instance)
        _limits.enforce((self.cost or getattr(self.spec, "cost", None) or _limits.generic)(inst))
        self.spec.cross_check(inst)
        try:
            return self.evaluate_validated(inst)
        except InstanceError:
            raise
        except (ArithmeticError, MemoryError) as exc:
            raise _limits.evaluation_error(exc, inst) from None
        except ValueError as exc:
            if not _limits.extreme_fields(inst):
                raise
            raise _limits.evaluation_error(exc, inst) from None
