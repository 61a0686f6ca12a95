"""Instance fields of the E–Ma–Wang–Wu checks: the whole parameter set, so that any worst case
re-runs with ``python -m theorems eval``.

``activation`` (relu | tanh), ``L`` (depth: L - 1 blocks), ``c`` (neighbourhood radius c/L),
``x`` (a point of the sphere S^{d-1}), ``B0`` ((L-1) x m x d, the initial B of every block),
and the perturbed ``a``, ``r`` ((L-1) x m), ``B`` ((L-1) x m x d), ``C`` ((L-1) x d x m); a
missing perturbation means its initial value (``a0 = r0 = C0 = 0``, ``B = B0``).
"""
from __future__ import annotations

import numpy as np

import models.skip_resnet.network as sr
from theorems import _limits
from theorems._core import HYP_CERTIFIED, HYP_FALSE, InstanceError
from theorems._instances import Field, Spec

_HEAD = (
    Field("activation", "str", "relu | tanh"),
    Field("L", "int", "depth L (the network has L - 1 blocks)", minimum=2, maximum=100_000),
    Field("c", "float", "radius c of I_c(Theta0): every block within c/L of its initial value", minimum=0),
)
_PARAMS = (
    Field("B0", "array3", "initial B of every block, (L-1) x m x d, rows of norm 1/sqrt(m)"),
    Field("a", "matrix", "a of every block, (L-1) x m (default a0 = 0)", required=False),
    Field("r", "matrix", "r of every block, (L-1) x m (default r0 = 0)", required=False),
    Field("B", "array3", "B of every block, (L-1) x m x d (default B0)", required=False),
    Field("C", "array3", "C of every block, (L-1) x d x m (default C0 = 0)", required=False),
)
#: one parameter set and one input x (the sup statements over x on the sphere)
FIELDS = _HEAD + (Field("x", "vector", "input, a point of the unit sphere S^{d-1}"),) + _PARAMS
#: one parameter set and a data set (X, y) (the statements about R_n and H)
DATA_FIELDS = _HEAD + (Field("X", "matrix", "data points on the unit sphere, n x d"),
                       Field("y", "vector", "labels, |y_i| <= 1 (one per row of X)")) + _PARAMS

#: relative tolerance on "x is on the sphere" and "rows of B0 have norm 1/sqrt(m)"
SHAPE_RTOL = 1e-9


def validate_data(inst: dict) -> None:
    """``activation`` is relu or tanh, the rows of ``X`` lie on the sphere, and ``y`` (when the
    instance has labels) has one per row."""
    if inst["activation"] not in sr.ACTIVATIONS:
        raise InstanceError(f"activation must be relu or tanh, got {inst['activation']!r}")
    X = inst.get("X")
    if X is not None:
        if np.abs(np.linalg.norm(X, axis=1) - 1).max() > SHAPE_RTOL:
            raise InstanceError("rows of X must lie on the unit sphere")
        if inst.get("y") is not None and inst["y"].shape != (X.shape[0],):
            raise InstanceError(f"y must have one label per row of X ({X.shape[0]})")


def validate(inst: dict) -> None:
    validate_data(inst)
    B0 = inst["B0"]
    if B0.shape[0] != inst["L"] - 1:
        raise InstanceError(f"B0 must have L - 1 = {inst['L'] - 1} blocks (depth L has L - 1 blocks), got {B0.shape[0]}")
    m, d = B0.shape[1], B0.shape[2]
    if "x" in inst:
        if inst["x"].shape != (d,):
            raise InstanceError(f"x must have length d = {d}")
        if abs(np.linalg.norm(inst["x"]) - 1) > SHAPE_RTOL:
            raise InstanceError("x must lie on the unit sphere (||x|| = 1)")
    elif inst["X"].shape[1] != d:
        raise InstanceError(f"X must have d = {d} columns")
    rows = np.linalg.norm(B0, axis=2) * np.sqrt(m)
    if np.abs(rows - 1).max() > SHAPE_RTOL:
        raise InstanceError("rows of B0 must have norm 1/sqrt(m) (initialisation (2.5))")
    try:  # the shape checks of params(inst), in numpy (validation stays torch-free)
        B = inst.get("B")
        if B is not None and B.shape != B0.shape:
            raise InstanceError(f"B must have the shape of B0 {B0.shape} (Theta and Theta0 share their sizes), got {B.shape}")
        sr.check_shapes(inst["B0"] if B is None else B, inst.get("r"), inst.get("a"), inst.get("C"))
    except ValueError as exc:
        raise InstanceError(str(exc)) from None


def cost(inst: dict) -> _limits.Cost:
    """A forward and backward pass per input through L - 1 blocks of m x d (the arrays themselves are
    in the instance), and with data an n x n Gram of the per-point gradients (Lemmas 4.5, 4.6)."""
    X = inst.get("X")
    n = X.shape[0] if isinstance(X, np.ndarray) else 1
    k, m, d = inst["B0"].shape
    arrays = sum(v.size for v in inst.values() if isinstance(v, np.ndarray))
    sizes = {"n": ("X", n), "blocks": ("B0", k), "m": ("B0", m), "d": ("B0", d)}

    def formula(s):
        n, P = s["n"], s["blocks"] * s["m"] * (s["d"] + 1)
        mem = _limits.F8 * (4 * arrays + 12 * n * s["blocks"] * (s["m"] + s["d"]) + (n * P if n > 1 else 0))
        return mem, 60 * n * P + (2 * n * n * P if n > 1 else 0)

    return _limits.Cost(sizes, formula)


#: the derivation's paragraphs shared by the certified sup checks on ``I_c(Theta0)`` (one Theta,
#: its Theta0 and an input): the hypotheses of :func:`hypotheses` and how the sup is searched
SUP_DERIVATION = """Hypotheses, certified exactly from the instance (else false, and the result is vacuous):
L >= {k:g} c^2, c >= 1 and c <= L (Sec. 4's standing assumption), and Theta in I_c(Theta0) (Definition 1:
every block's deviation within c/L, relative slack 1e-12). Inputs on the sphere and rows of B0 of norm
1/sqrt(m) (2.5) are enforced by the schema.

The statement is a sup over I_c(Theta0) and the inputs; one evaluation is one point, and the sup is
searched by the strategy (aligned a(l) = r(l) starts, boundary and interior points of every block's
ball) and by projected gradient ascent (theorems.e19._search)."""

#: the instance spec of the checks on one parameter set and one input (Propositions 4.1/4.2, Lemmas 4.3, 6.4)
SPEC = Spec(FIELDS, check=validate, title="E-Ma-Wang-Wu parameter set and input", cost=cost)


def params(inst: dict) -> tuple[sr.Params, sr.Params]:
    """``(Theta, Theta0)``."""
    p0 = sr.Params.of(inst["B0"])
    B = inst.get("B")
    p = sr.Params.of(inst["B0"] if B is None else B, inst.get("r"), inst.get("a"), inst.get("C"))
    return p, p0


def to_instance(act: str, c: float, x, p: sr.Params, p0: sr.Params, y=None) -> dict:
    """The JSON instance of a parameter set, with one input ``x`` or (``y`` given) data ``X = x``, ``y``."""
    inputs = {"x": np.asarray(x, dtype=float).tolist()} if y is None else {"X": np.asarray(x, dtype=float).tolist(), "y": np.asarray(y, dtype=float).tolist()}
    return {"activation": act, "L": p.depth, "c": float(c), **inputs,
            "B0": p0.B.detach().numpy().tolist(), "a": p.a.detach().numpy().tolist(), "r": p.r.detach().numpy().tolist(),
            "B": p.B.detach().numpy().tolist(), "C": p.C.detach().numpy().tolist()}


def hypotheses(inst: dict, p: sr.Params, p0: sr.Params, k: float) -> dict:
    """The hypotheses shared by the statements on ``I_c(Theta0)``: the depth condition
    ``L >= k c^2``, Sec. 4's standing ``c >= 1``, ``c/L <= 1``, and membership (Definition 1)."""
    c, L = inst["c"], inst["L"]
    return {
        f"L >= {k:g} c^2": HYP_CERTIFIED if L >= k * c**2 else HYP_FALSE,
        "c >= 1 and c/L <= 1 (standing assumption of Sec. 4)": HYP_CERTIFIED if c >= 1 and c <= L else HYP_FALSE,
        "Theta in I_c(Theta0)": HYP_CERTIFIED if sr.in_neighbourhood(p, p0, c) else HYP_FALSE,
    }


def deviation_over_radius(p: sr.Params, p0: sr.Params, c: float) -> dict:
    """Per kind of block, the largest deviation as a fraction of the radius c/L (1 = on the boundary)."""
    return {k: float(v.max()) * p.depth / c if c > 0 else float("inf") for k, v in sr.deviation_norms(p, p0).items()}
