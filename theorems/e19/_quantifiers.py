"""What E, Ma, Wang and Wu's statements quantify over (``Check.quantifiers``), with readers.

Sec. 2-4: inputs on the unit sphere ``S^{d-1}``, labels ``|y_i| <= 1``, any width ``m``, depth
``L >= 2`` (``L - 1`` blocks), ``sigma`` 1-Lipschitz with ``sigma(0) = 0`` (here relu and tanh),
every ``Theta`` in ``I_c(Theta0)`` for ``c >= 1`` (with the statement's depth condition
``L >= k c^2``), ``delta`` in ``(0, 1)``, all times ``t``. Each
:class:`~theorems._audit.Quantifier` reads its value from a raw JSON instance.
"""
from __future__ import annotations

import math

import numpy as np

from theorems._audit import Quantifier, key, measured


def _n(inst, m):
    return len(inst["X"]) if inst.get("X") is not None else inst.get("n")


def _d(inst, m):
    if inst.get("X") is not None:
        return len(inst["X"][0])
    return len(inst["x"]) if inst.get("x") is not None else inst.get("d")


def _m(inst, m):
    return inst["m"] if inst.get("m") is not None else len(inst["B0"][0])


def _labels(inst, m):
    return None if inst.get("y") is None else float(np.max(np.abs(inst["y"])))


def _radius_used(inst, m):
    """Largest block deviation (Definition 1: ``||a||``, ``||r||``, ``||B - B0||_F``, ``||C||_F``
    per block; ``Theta0`` has ``a0 = r0 = C0 = 0``) as a fraction of the radius ``c/L`` (0: at
    ``Theta0``, 1: on the boundary of ``I_c``); numpy on the JSON arrays (no torch for ``describe``)."""
    if not inst["c"] > 0:
        return None
    B0 = np.asarray(inst["B0"], dtype=float)
    dev = [0.0]
    for name in ("a", "r", "C"):
        if inst.get(name) is not None:
            A = np.asarray(inst[name], dtype=float)
            dev.append(float(np.linalg.norm(A.reshape(A.shape[0], -1), axis=1).max()))
    if inst.get("B") is not None:
        dev.append(float(np.linalg.norm((np.asarray(inst["B"], dtype=float) - B0).reshape(B0.shape[0], -1), axis=1).max()))
    return max(dev) * inst["L"] / inst["c"]


def _norm(name):
    return lambda inst, m: 0.0 if inst.get(name) is None else float(np.linalg.norm(inst[name]))


def _depths(inst, m):
    return list((inst.get("depths") or {}).get("L") or [2, 10, 100])


ACTIVATION = Quantifier("sigma", "1-Lipschitz activations with sigma(0) = 0 (the suite's relu and tanh)",
                        values=("relu", "tanh"), of=key("activation"))
N = Quantifier("n", "number of data points", 1, math.inf, integer=True, of=_n)
D = Quantifier("d", "input dimension (inputs on S^{d-1})", 1, math.inf, integer=True, of=_d)
M = Quantifier("m", "width of every block", 1, math.inf, integer=True, of=_m)
L = Quantifier("L", "depth (L - 1 blocks)", 2, math.inf, integer=True, of=key("L"))
L_REQ = Quantifier("L", "depth, default the lemma's ceil(8 ln(n^2/delta)/(m lambda_n^2))", 2, math.inf, integer=True,
                   of=measured("L", "L"), needs_sweep=True)
C = Quantifier("c", "radius of I_c(Theta0) (Sec. 4: c >= 1, with the depth condition L >= k c^2)", 1, math.inf, of=key("c"))
INSIDE = Quantifier("dev/(c/L)", "where Theta lies in I_c(Theta0): its largest block deviation over c/L, from Theta0 "
                    "(0) to the boundary (1)", 0, 1, of=_radius_used)
LABELS = Quantifier("max |y_i|", "labels |y_i| <= 1", 0, 1, of=_labels)
KAPPA = Quantifier("kappa", "eta = kappa lambda_n/L (Theorem 7.1: every small enough constant; the suite caps at 10)",
                   0, math.inf, brackets="()", reach=(1e-3, 10), of=key("kappa", 10.0))
STEPS = Quantifier("t", "GD steps: the bound is claimed for all t", 1, math.inf, integer=True,
                   of=measured("steps", "steps"), needs_sweep=True)
DELTA = Quantifier("delta", "failure probability", 0, 1, brackets="()", of=key("delta"))
T = Quantifier("t", "time of the gradient flow: every t > 0", 0, math.inf, brackets="()", of=key("t"))
A_STAR = Quantifier("|a*|", "the comparison point a*: any", 0, math.inf, of=_norm("a_star"))
A0 = Quantifier("|a0|", "the start a0 (default 0, initialisation (2.5))", 0, math.inf, of=_norm("a0"))
FIG_DEPTHS = Quantifier("L", "the figure's depths", 2, 100, integer=True, of=_depths)

TRAINING = (ACTIVATION, N, D, M, L, LABELS)
SUP = (ACTIVATION, D, M, L, C, INSIDE)  # a sup over I_c(Theta0) and x on the sphere
SUP_DATA = (ACTIVATION, N, D, M, L, C, INSIDE, LABELS)
GRAM = (ACTIVATION, N, D, M, L_REQ, DELTA)
FLOW = (ACTIVATION, N, D, M, L, LABELS, T, A_STAR, A0)
FIGURE = (FIG_DEPTHS,
          Quantifier("n", "training points", 1, math.inf, integer=True, of=key("n", 50)),
          Quantifier("d", "input dimension", 1, math.inf, integer=True, of=key("d", 5)))
