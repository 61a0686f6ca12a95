"""Instance schemas: plain JSON data, validated into float64 arrays.

Field names are shared across all checks: ``X`` (n x d list of lists), ``y`` (n list),
``width``, ``seed``, ``step_size``, ``steps``. A :class:`Spec` validates a raw dict (clear
:class:`~theorems._core.InstanceError` naming the field) and emits a JSON schema for
``python -m theorems describe``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from theorems._errors import InstanceError, _short

_KINDS = {
    "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
    "vector": {"type": "array", "items": {"type": "number"}},
    "array3": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "str": {"type": "string"},
    "object": {"type": "object"},
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # matrix | vector | array3 | int | float | str | object (a JSON object, kept as a dict)
    description: str
    required: bool = True
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None

    def schema(self) -> dict:
        s = dict(_KINDS[self.kind], description=self.description)
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        if not self.required and self.default is not None:
            s["default"] = self.default
        return s

    def convert(self, value: Any) -> Any:
        name = self.name
        if self.kind in ("matrix", "vector", "array3"):
            ndim = {"matrix": 2, "vector": 1, "array3": 3}[self.kind]
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError, OverflowError, RecursionError):
                raise InstanceError(f"field {name!r} must be a {self.kind} of numbers") from None
            if arr.ndim != ndim:
                what = "3-d array" if self.kind == "array3" else self.kind
                raise InstanceError(f"field {name!r} must be a {what}, got an array of shape {arr.shape}")
            if not np.all(np.isfinite(arr)):
                raise InstanceError(f"field {name!r} has a non-finite entry")
            return arr
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                if not (isinstance(value, float) and value.is_integer()):
                    raise InstanceError(f"field {name!r} must be an integer, got {_short(value)}")
            value = int(value)
        elif self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
                raise InstanceError(f"field {name!r} must be a number, got {_short(value)}")
            try:
                value = float(value)
            except OverflowError:
                raise InstanceError(f"field {name!r} is too large for a float64, got an integer of about {int(value.bit_length() * 0.30103)} digits") from None
            if not np.isfinite(value):
                raise InstanceError(f"field {name!r} must be finite, got {_short(value)}")
        elif self.kind == "str":
            if not isinstance(value, str):
                raise InstanceError(f"field {name!r} must be a string, got {_short(value)}")
        elif self.kind == "object":
            if not isinstance(value, dict):
                raise InstanceError(f"field {name!r} must be a JSON object, got {_short(value)}")
            return dict(value)
        if self.minimum is not None and value < self.minimum:
            raise InstanceError(f"field {name!r} must be >= {self.minimum}, got {_short(value)}")
        if self.maximum is not None and value > self.maximum:
            raise InstanceError(f"field {name!r} must be <= {self.maximum}, got {_short(value)}")
        return value


@dataclass(frozen=True)
class Spec:
    """The instance type of a check: its fields and a cross-field validator.

    ``check`` receives the converted fields and raises ``ValueError`` (from the models) or
    :class:`InstanceError` for a broken standing assumption; both become ``InstanceError``.
    ``cost`` estimates memory and work from the converted fields (see :mod:`theorems._limits`).
    """

    fields: tuple[Field, ...]
    check: Callable[[dict], None] | None = None
    title: str = "instance"
    #: ``converted instance -> theorems._limits.Cost``, for the checks on this spec that declare none
    cost: Callable[[dict], Any] | None = None

    def validate(self, raw: Mapping[str, Any]) -> dict:
        """The converted, cross-validated instance (:meth:`convert` then :meth:`cross_check`)."""
        return self.cross_check(self.convert(raw))

    def convert(self, raw: Mapping[str, Any]) -> dict:
        """Every field converted and range-checked, defaults filled in (no cross-field check)."""
        if not isinstance(raw, Mapping):
            raise InstanceError(f"an instance must be a JSON object, got {type(raw).__name__}")
        known = {f.name for f in self.fields}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise InstanceError(f"unknown field(s) {unknown}; expected {sorted(known)}")
        out: dict = {}
        for f in self.fields:
            if f.name in raw:
                out[f.name] = f.convert(raw[f.name])
            elif f.required:
                raise InstanceError(f"missing required field {f.name!r} ({f.description})")
            else:
                out[f.name] = f.default
        return out

    def cross_check(self, inst: dict) -> dict:
        """Apply the cross-field validator to a converted instance (in place; returned)."""
        if self.check is not None:
            try:
                self.check(inst)
            except InstanceError:
                raise
            except ValueError as exc:
                raise InstanceError(str(exc)) from None
        return inst

    def json_schema(self) -> dict:
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title,
            "type": "object",
            "properties": {f.name: f.schema() for f in self.fields},
            "required": [f.name for f in self.fields if f.required],
            "additionalProperties": False,
        }


def to_json(instance: Mapping[str, Any]) -> dict:
    """A validated instance back to plain JSON data (arrays to nested lists)."""
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in instance.items() if v is not None}


# Fields shared by all checks (names fixed across papers).
X = Field("X", "matrix", "data points, n x d (rows x_i)")
Y = Field("y", "vector", "labels, length n")
WIDTH = Field("width", "int", "network width m", minimum=1)
SEED = Field("seed", "int", "seed of the model's randomness (initialisation, Monte Carlo)", minimum=0)
STEP_SIZE = Field("step_size", "float", "gradient-descent step size eta", minimum=0)
STEPS = Field("steps", "int", "number of gradient-descent steps", minimum=0)
