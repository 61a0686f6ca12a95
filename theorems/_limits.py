"""Resource limits: estimate an instance's memory and work from its sizes, refuse what is too big.

An estimate (:class:`Cost`) is a formula over named *sizes* read from the instance (``n`` and
``d`` of ``X``, ``width``, ``steps``, ...): peak memory in bytes and work in floating-point
operations. :func:`enforce` compares it with the limits in force and raises a
:class:`ResourceError` (an :class:`~theorems._core.InstanceError`, so exit 2 and one line) that
names the field whose size matters most, the estimate and the limit. Work is reported in
*estimated seconds*: floating-point operations at the nominal rate :data:`FLOPS` of one core.

Limits: ``--max-memory`` / ``--max-work`` on ``eval``, ``search`` and ``sweep``, passed to sweep
workers in the environment variables ``THEOREMS_MAX_MEMORY`` and ``THEOREMS_MAX_WORK``
(:func:`limits` reads them on every call). Defaults suit a 24 GiB, 2-core machine running two
workers: 8 GB and one hour per instance. Estimators import neither torch nor scipy and take
microseconds to milliseconds.
"""
from __future__ import annotations

import contextlib
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from theorems._errors import InstanceError, _short

#: nominal floating-point operations per second of one core: the unit of ``--max-work``
FLOPS = 1e9
DEFAULT_MEMORY = 8e9  # bytes
DEFAULT_WORK = 3600.0  # estimated seconds
MEMORY_ENV, WORK_ENV = "THEOREMS_MAX_MEMORY", "THEOREMS_MAX_WORK"
#: an instance file may be at most this fraction of the memory limit (its parsed form is ~10x larger)
FILE_FRACTION = 1 / 32
F8 = 8.0  # bytes per float64
#: interpreter overhead of one iteration of a NumPy (``STEP_NUMPY``) or torch (``STEP_TORCH``, forward
#: and backward) loop, in floating-point operations at :data:`FLOPS`: it dominates small instances
STEP_NUMPY, STEP_TORCH = 5e4, 1e5


class ResourceError(InstanceError):
    """An instance whose estimated memory or work exceeds a limit (refused before running it)."""


_UNITS = {"": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_TIMES = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def _parse(text: str, units: Mapping[str, float], what: str, example: str) -> float:
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = m and m.group(2).lower()
    if not m or unit not in units or float(m.group(1)) <= 0 or not math.isfinite(float(m.group(1))):
        raise ValueError(f"{what} must be a positive amount like {example}, got {text!r}")
    return float(m.group(1)) * units[unit]


def parse_memory(text: str) -> float:
    """Bytes from ``'8GB'``, ``'512MB'``, ``'16GiB'`` or a plain number of bytes."""
    return _parse(text, _UNITS, "a memory limit", "8GB, 512MB or 16GiB")


def parse_work(text: str) -> float:
    """Seconds from ``'3600'``, ``'90s'``, ``'30min'``, ``'2h'`` or ``'1d'``."""
    return _parse(text, _TIMES, "a work limit", "3600, 30min or 2h")


def format_bytes(b: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= size:
            return f"{b / size:.3g} {unit}"
    return f"{b:.0f} bytes"


def format_seconds(s: float) -> str:
    if not math.isfinite(s):
        return "forever"
    for unit, size in (("years", 3.15e7), ("days", 86400), ("h", 3600), ("min", 60)):
        if s >= (2 * size if unit in ("years", "days") else size):
            return f"{s / size:.3g} {unit}"
    return f"{s:.3g} s"


@dataclass(frozen=True)
class Limits:
    memory: float = DEFAULT_MEMORY  # bytes
    work: float = DEFAULT_WORK  # estimated seconds

    @property
    def file_bytes(self) -> float:
        """The largest instance file read (refused before reading)."""
        return self.memory * FILE_FRACTION


def limits() -> Limits:
    """The limits in force: the environment variables, else the defaults."""
    mem, work = os.environ.get(MEMORY_ENV), os.environ.get(WORK_ENV)
    return Limits(parse_memory(mem) if mem else DEFAULT_MEMORY, parse_work(work) if work else DEFAULT_WORK)


@contextlib.contextmanager
def override(memory: str | None = None, work: str | None = None) -> Iterator[None]:
    """Set the limits (strings as on the command line) for this process and the workers it starts."""
    old = {k: os.environ.get(k) for k in (MEMORY_ENV, WORK_ENV)}
    try:
        if memory is not None:
            parse_memory(memory)
            os.environ[MEMORY_ENV] = memory
        if work is not None:
            parse_work(work)
            os.environ[WORK_ENV] = work
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def size(value: Any) -> float:
    """A size as a float, capped so that arithmetic on it cannot overflow (huge ints included)."""
    try:
        v = float(value)
    except (OverflowError, TypeError, ValueError):
        return 1e300 if isinstance(value, int) else 1.0
    return min(max(v, 0.0), 1e300) if math.isfinite(v) else 1e300


@dataclass(frozen=True)
class Cost:
    """Estimated peak memory (bytes) and work (floating-point operations) of one evaluation.

    ``sizes`` maps a label (``n``, ``width``, ...) to ``(field, value)``; ``formula`` maps the
    label values to ``(memory, flops)``. Keeping the formula lets :meth:`blame` find the field
    whose size drives the estimate (the one that, brought down to 2, lowers it most).
    """

    sizes: Mapping[str, tuple[str, float]]
    formula: Callable[[Mapping[str, float]], tuple[float, float]]

    def _at(self, values: Mapping[str, float]) -> tuple[float, float]:
        with np.errstate(all="ignore"):
            mem, flops = self.formula(values)
        return (float(mem) if math.isfinite(mem) else math.inf, float(flops) if math.isfinite(flops) else math.inf)

    @property
    def values(self) -> dict[str, float]:
        return {k: size(v) for k, (_, v) in self.sizes.items()}

    @property
    def memory(self) -> float:
        return self._at(self.values)[0]

    @property
    def seconds(self) -> float:
        return self._at(self.values)[1] / FLOPS

    def blame(self, which: int) -> str:
        """The field of the size that matters most for memory (``which = 0``) or work (1)."""
        values = self.values
        best, low = None, self._at(values)[which]
        for label in values:
            if values[label] > 2:
                v = self._at({**values, label: 2.0})[which]
                if best is None or v < low:
                    best, low = label, v
        return self.sizes[best][0] if best is not None else next(iter(self.sizes.values()))[0]

    def describe(self) -> str:
        return ", ".join(f"{k} = {_fmt(v)}" for k, (_, v) in self.sizes.items())


def _fmt(v: Any) -> str:
    v = size(v)
    return f"{v:.0f}" if v < 1e7 and float(v).is_integer() else f"{v:.3g}"


def enforce(cost: Cost | None, lim: Limits | None = None) -> None:
    """Raise :class:`ResourceError` when ``cost`` exceeds the limits (nothing for ``None``)."""
    if cost is None:
        return
    lim = lim or limits()
    if cost.memory > lim.memory:
        raise ResourceError(f"field {cost.blame(0)!r}: this instance needs about {format_bytes(cost.memory)} of memory "
                            f"({cost.describe()}), above the limit of {format_bytes(lim.memory)} (--max-memory)")
    if cost.seconds > lim.work:
        raise ResourceError(f"field {cost.blame(1)!r}: this instance needs about {format_seconds(cost.seconds)} of work "
                            f"({cost.describe()}), above the limit of {format_seconds(lim.work)} (--max-work)")


# ------------------------------------------------------------------------------ generic estimate

#: field names that multiply the work of an evaluation (repetitions of the same computation)
REPEATS = ("steps", "max_steps", "runs", "draws", "seeds", "terms", "record")
#: field names giving a width (neurons per layer) or a depth (layers)
WIDTHS = ("width", "m")
DEPTHS = ("L",)


def shape_of(value: Any) -> tuple[int, ...]:
    return tuple(np.shape(value)) if isinstance(value, np.ndarray) else ()


def generic(inst: Mapping[str, Any]) -> Cost:
    """The estimate of a check that declares none, from the instance's sizes.

    Data ``X`` (n x d) with a width m: ``n x m x (d + 1)`` activations and an ``n x n`` kernel;
    work: a kernel eigen-decomposition plus one pass over the activations and the arrays per
    repetition (steps, runs, draws, seeds, ...). Arrays given in the instance are counted too.
    """
    sizes: dict[str, tuple[str, float]] = {}
    X = inst.get("X")
    if isinstance(X, np.ndarray) and X.ndim == 2:
        sizes["n"], sizes["d"] = ("X", X.shape[0]), ("X", X.shape[1])
    arrays = {k: int(v.size) for k, v in inst.items() if isinstance(v, np.ndarray) and k != "X"}
    for k, v in arrays.items():
        sizes[f"size of {k}"] = (k, v)
    for k in WIDTHS + DEPTHS + REPEATS:
        if isinstance(inst.get(k), (int, float)) and not isinstance(inst.get(k), bool):
            sizes[k] = (k, inst[k])
    if not sizes:
        return None
    array_labels = [f"size of {k}" for k in arrays]

    def formula(s):
        n, d = s.get("n", 1.0), s.get("d", 1.0)
        m = max([s[k] for k in WIDTHS if k in s] or [1.0]) * max([s[k] for k in DEPTHS if k in s] or [1.0])
        elems = n * d + sum(s[k] for k in array_labels)
        reps = math.prod(max(s[k], 1.0) for k in REPEATS if k in s)
        mem = F8 * (4 * elems + 4 * n * n + 4 * n * m * (d + 1))
        return mem, 10 * n**3 + reps * (20 * elems + 10 * n * n + 10 * n * m * (d + 1))

    return Cost(sizes, formula)


# ------------------------------------------------------------------------------ failures while running

#: values at least this large (or this small and nonzero) are named when an evaluation overflows
EXTREME = 1e30


def extreme_fields(inst: Mapping[str, Any]) -> list[str]:
    """``name = value`` of the instance's fields holding a number of magnitude >= 1e30 or <= 1e-30
    (the numbers of an object field too, as ``field.key``)."""
    out = []
    for k, v in inst.items():
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, Mapping):
            out += [f"{k}.{sub}" for sub in extreme_fields(v)]
            continue
        if isinstance(v, np.ndarray) and v.size and v.dtype.kind == "f":
            a = np.abs(v[np.isfinite(v)])
            big = float(a.max()) if a.size else 0.0
            tiny = a[a > 0]
            if big >= EXTREME:
                out.append(f"{k} (entries up to {big:.3g})")
            elif tiny.size and float(tiny.min()) <= 1 / EXTREME:
                out.append(f"{k} (entries down to {float(tiny.min()):.3g})")
        elif isinstance(v, (int, float)) and v != 0 and (abs(size(v)) >= EXTREME or abs(v) <= 1 / EXTREME):
            out.append(f"{k} = {_fmt(v) if isinstance(v, int) else format(v, '.3g')}")
    return out


def evaluation_error(exc: BaseException, inst: Mapping[str, Any]) -> InstanceError:
    """A one-line ``InstanceError`` for an overflow or out-of-memory during an evaluation, or for a
    model's ``ValueError`` on an instance with extreme values (a derived step of 0, ...)."""
    fields = extreme_fields(inst)
    where = ("field " + ", field ".join(repr(f.split(" ")[0].split(".")[0]) for f in fields) + ": ") if fields else ""
    values = f" ({'; '.join(fields)})" if fields else ""
    if isinstance(exc, MemoryError):
        return ResourceError(f"{where}the evaluation ran out of memory{values}: lower the instance's sizes, "
                             "or --max-memory to what this machine has free so that such instances are refused up front")
    what = ("division by zero" if isinstance(exc, ZeroDivisionError) else "floating-point overflow" if isinstance(exc, ArithmeticError)
            else "derived quantity out of range")
    detail = str(exc.args[-1]).split("\n")[0] if exc.args else ""
    return InstanceError(f"{where}the evaluation failed with a {what}" + (f" ({detail})" if detail else "")
                         + f"{values}: the instance's values are outside the range the computation can represent")


def int_list(obj: Any, field: str, key: str, default) -> list[int]:
    """``obj[key]`` of an object field as a list of integers >= 2 (``default`` when absent), or an
    ``InstanceError`` naming the field: the estimators read such lists before the evaluator does."""
    value = (obj or {}).get(key) if isinstance(obj, Mapping) or obj is None else None
    if value is None:
        return list(default)
    ok = isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                                                    and float(v).is_integer() and v >= 2 for v in value)
    if not ok:
        raise InstanceError(f"field {field!r}: {key!r} must be a non-empty list of integers >= 2, got {_short(value)}")
    return [int(v) for v in value]
