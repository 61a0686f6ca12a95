"""Strictly increasing activations with known derivative bounds, for the GLM and shallow-net
theorems of Oymak & Soltanolkotabi (2019), Sec. 4.1 and 4.3 (``0 < gamma <= phi' <= Gamma``,
``|phi''| <= M``).

Each activation is a small immutable value with ``phi``, ``dphi``, ``d2phi``, ``inverse`` and its
bounds, each derived in the docstring; ``from_json({"name": ..., "slope": ..., "scale": ...})``
builds one from an instance field. The optional ``scale`` ``c > 0`` (default 1) gives ``c phi``:
``gamma``, ``Gamma`` and ``M`` all scale by ``c`` exactly, so the three constants are not tied
together (the hypotheses ``gamma <= phi' <= Gamma``, ``|phi''| <= M`` are invariant under
``phi -> c phi``; a statement that is not is suspect).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

#: ``max_z 2 sech(z)^2 |tanh z| = 4/(3 sqrt 3)``, attained at ``tanh^2 z = 1/3``
_TANH_D2_MAX = 4.0 / (3.0 * math.sqrt(3.0))


def _sech(z):
    """``1/cosh z = 2 e^{-|z|} / (1 + e^{-2|z|})``, without overflow for large |z|."""
    e = np.exp(-np.abs(z))
    return 2.0 * e / (1.0 + e * e)


@dataclass(frozen=True)
class _Increasing:
    """Shared by both families: ``scale c`` (``phi = c phi_1`` with ``phi_1`` the unscaled family
    member below), ``gamma = c slope``, the inverse, the JSON form (``scale`` only when not 1)."""

    slope: float
    scale: float = 1.0
    name = ""

    def _check_scale(self):
        if not (self.scale > 0 and math.isfinite(self.scale)):
            raise ValueError(f"{self.name} needs scale > 0 (finite), got {self.scale!r}")

    @property
    def gamma(self) -> float:
        return self.scale * self.slope

    def phi(self, z):
        return self.scale * self._phi(z)

    def dphi(self, z):
        return self.scale * self._dphi(z)

    def d2phi(self, z):
        return self.scale * self._d2phi(z)

    def inverse(self, y):
        return _invert(self, y)

    def to_json(self) -> dict:
        return {"name": self.name, "slope": self.slope, **({"scale": self.scale} if self.scale != 1.0 else {})}


@dataclass(frozen=True)
class SlopeTanh(_Increasing):
    """``phi(z) = c (s z + tanh z)`` (s > 0, scale c > 0, default 1).

    ``phi' = c (s + sech^2 z)`` lies in ``(c s, c (s + 1)]``: ``gamma = c s``, ``Gamma = c (s + 1)``.
    ``phi'' = -2 c sech^2 z tanh z``: ``|phi''| <= c 4/(3 sqrt 3) = M`` (maximise
    ``2 t (1 - t^2)`` over ``t = tanh z`` in [0, 1): at ``t = 1/sqrt 3``).
    """

    def __post_init__(self):
        if not (self.slope > 0 and math.isfinite(self.slope)):
            raise ValueError(f"slope-tanh needs slope > 0, got {self.slope!r}")
        self._check_scale()

    name = "slope-tanh"

    @property
    def Gamma(self) -> float:
        return self.scale * (self.slope + 1.0)

    @property
    def M(self) -> float:
        return self.scale * _TANH_D2_MAX

    def _phi(self, z):
        return self.slope * z + np.tanh(z)

    def _dphi(self, z):
        return self.slope + _sech(z) ** 2

    def _d2phi(self, z):
        return -2.0 * np.tanh(z) * _sech(z) ** 2


@dataclass(frozen=True)
class LeakySoftplus(_Increasing):
    """``phi(z) = c (g z + (1 - g) log(1 + e^z))`` (0 < g < 1, scale c > 0, default 1).

    ``phi' = c (g + (1 - g) sigmoid(z))`` lies in ``(c g, c)``: ``gamma = c g``, ``Gamma = c``.
    ``phi'' = c (1 - g) sigmoid(z)(1 - sigmoid(z)) <= c (1 - g)/4 = M``.
    """

    def __post_init__(self):
        if not (0 < self.slope < 1):
            raise ValueError(f"leaky-softplus needs 0 < slope < 1, got {self.slope!r}")
        self._check_scale()

    name = "leaky-softplus"

    @property
    def Gamma(self) -> float:
        return self.scale

    @property
    def M(self) -> float:
        return self.scale * (1.0 - self.slope) / 4.0

    def _phi(self, z):
        return self.slope * z + (1.0 - self.slope) * np.logaddexp(0.0, z)

    def _dphi(self, z):
        return self.slope + (1.0 - self.slope) * expit(z)

    def _d2phi(self, z):
        s = expit(z)
        return (1.0 - self.slope) * s * (1.0 - s)

@dataclass(frozen=True)
class ReLU:
    """``phi(z) = max(z, 0)``, for the Satpathi–Srikant network read as a least-squares problem.

    Not strictly increasing and not differentiable at 0: ``gamma = 0``, ``Gamma = 1``, and
    ``phi'`` jumps, so no ``M`` exists (``M = inf``): Assumption 1 (a Lipschitz Jacobian) fails
    for every network that uses it. ``phi'(0)`` is taken as 0 (the torch convention).
    """

    name = "relu"
    gamma = 0.0
    Gamma = 1.0
    M = math.inf

    def phi(self, z):
        return np.maximum(z, 0.0)

    def dphi(self, z):
        return (np.asarray(z) > 0).astype(np.float64)

    def d2phi(self, z):
        return np.zeros_like(np.asarray(z, dtype=np.float64))

    def inverse(self, y):
        raise ValueError("relu is not invertible: phi^{-1}(y) does not exist")

    def to_json(self) -> dict:
        return {"name": self.name}


ACTIVATIONS = {"slope-tanh": SlopeTanh, "leaky-softplus": LeakySoftplus, "relu": ReLU}


def from_json(spec) -> SlopeTanh | LeakySoftplus | ReLU:
    """``{"name": "slope-tanh" | "leaky-softplus", "slope": s[, "scale": c]}`` or ``{"name": "relu"}``
    -> activation (ValueError otherwise)."""
    if not isinstance(spec, dict) or "name" not in spec:
        raise ValueError('an activation is an object {"name": ..., "slope": ...}')
    if spec["name"] not in ACTIVATIONS:
        raise ValueError(f"unknown activation {spec['name']!r}; expected one of {', '.join(ACTIVATIONS)}")
    allowed = {"name"} if spec["name"] == "relu" else {"name", "slope", "scale"}
    extra = set(spec) - allowed
    if extra:
        raise ValueError(f"unknown activation field(s) {sorted(extra)}")
    if spec["name"] == "relu":
        return ReLU()
    if "slope" not in spec:
        raise ValueError(f"activation {spec['name']!r} needs a slope")
    try:
        scale = float(spec.get("scale", 1.0))
    except (TypeError, ValueError):
        raise ValueError(f"activation scale must be a number, got {spec.get('scale')!r}") from None
    return ACTIVATIONS[spec["name"]](float(spec["slope"]), scale)


def _invert(act, y, iters: int = 200):
    """``phi^{-1}(y)`` elementwise by safeguarded Newton on a bracket.

    ``phi`` is strictly increasing with ``phi' >= gamma``, so the root lies in
    ``[phi^{-1}(0) - |y|/gamma, ...]``; we bracket with ``|z - z0| <= |y - phi(z0)|/gamma`` from
    ``z0 = y/Gamma`` and iterate Newton steps clipped to the bracket until the bracket or the
    step is at float resolution.
    """
    y = np.asarray(y, dtype=np.float64)
    z = y / act.Gamma
    r0 = act.phi(z) - y
    lo = z - np.abs(r0) / act.gamma
    hi = z + np.abs(r0) / act.gamma
    for _ in range(iters):
        r = act.phi(z) - y
        lo = np.where(r < 0, np.maximum(lo, z), lo)
        hi = np.where(r > 0, np.minimum(hi, z), hi)
        step = r / act.dphi(z)
        z_new = np.clip(z - step, lo, hi)
        if np.all(np.abs(z_new - z) <= 4 * np.finfo(float).eps * (1 + np.abs(z))):
            return z_new
        z = z_new
    return z
