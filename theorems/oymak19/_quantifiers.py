"""What Oymak & Soltanolkotabi's statements quantify over (``Check.quantifiers``), with readers.

Theorems 2.1-3.1 hold for every smooth ``f`` meeting Assumptions 1-2 (here: the linear, GLM and
shallow models), every start ``theta0``, every label vector ``y`` and every step up to the cap,
for all ``t``; Theorems 4.1 and 4.3 for every activation with ``0 < gamma <= phi' <= Gamma``,
``|phi''| <= M`` (the scale ``s`` of ``phi -> s phi`` moves the three together, the slope apart).
Each :class:`~theorems._audit.Quantifier` reads its value from a raw JSON instance. The strategies
(:func:`theorems.oymak19.theorem21.instances` and its users) reach every range below on log scales;
where a range is reached only in part (``reach``) the quantifier says why (sizes stored whole in
every instance, the schema's caps); ``tests/theorems/oymak19/test_audits.py`` holds the quick profile to it.
"""
from __future__ import annotations

import math

import numpy as np

from theorems._audit import Quantifier, key


def _act(inst):
    """The activation object of a glm/shallow instance (``None`` otherwise)."""
    from models.least_squares.activations import from_json

    spec = inst.get("activation")
    return None if inst.get("model") not in ("glm", "shallow") or spec is None else from_json(spec)


def _act_attr(name):
    def read(inst, m):
        a = _act(inst)
        return None if a is None else float(getattr(a, name))
    return read


def _scale(inst, m):
    a = _act(inst)
    return None if a is None else float(getattr(a, "scale", 1.0))


def _n(inst, m):
    return len(inst["X"]) if inst.get("X") is not None else inst.get("ns", inst.get("n"))


def _p(inst, m):
    return len(inst["theta0"]) if inst.get("theta0") is not None else inst.get("p")


def _over(inst, m):
    n, p = _n(inst, m), _p(inst, m)
    return None if not n or not p else p / n


def _fit(inst):
    """``f(theta0)`` for the linear, glm and shallow models (``None`` for the others)."""
    X, th = np.asarray(inst["X"], dtype=float), np.asarray(inst["theta0"], dtype=float)
    if inst["model"] == "linear":
        return X @ th
    a = _act(inst)
    if a is None:
        return None
    if inst["model"] == "glm":
        return a.phi(X @ th)
    W = th.reshape(-1, X.shape[1])
    return a.phi(X @ W.T) @ np.asarray(inst["v"], dtype=float)


def _residual(inst, m):
    """Relative initial misfit ``||f(theta0) - y|| / ||y||`` (a start near the optimum: small)."""
    if inst.get("X") is None or inst.get("theta0") is None:
        return None
    f = _fit(inst)
    y = np.asarray(inst["y"], dtype=float)
    ny = float(np.linalg.norm(y))
    return None if f is None or ny == 0 else float(np.linalg.norm(f - y)) / ny


def _start(inst, m):
    return None if inst.get("theta0") is None else float(np.linalg.norm(inst["theta0"]))


def _labels(inst, m):
    return None if inst.get("y") is None else float(np.linalg.norm(inst["y"]))


def _step_fraction(inst, m):
    """``eta`` over the theorem's cap: ``step_fraction`` (default 1), or an explicit step over the
    measured cap ``eta_max``."""
    if inst.get("step_size") is None:
        return inst.get("step_fraction", 1.0)
    c = (m or {}).get("constants", {})
    return c["eta"] / c["eta_max"] if c.get("eta") and c.get("eta_max") else None


def _n_vs_d(inst, m):
    n, d = len(inst["X"]), len(inst["X"][0])
    return "n < d" if n < d else "n = d" if n == d else "n > d"


def _n_over_dr(inst, m):
    return inst["n"] / (inst["d"] * inst["r"])


MODEL_GD = Quantifier("model", "every f meeting Assumptions 1-2 (the suite's models)", values=("linear", "glm", "shallow"),
                      of=key("model"))
MODEL_LIN = Quantifier("model", "linear or GLM f", values=("linear", "glm"), of=key("model"))
#: an n x p design is stored whole in every instance (and every swept row): the GD checks' strategies
#: reach n = 100 (p >= n: 10k numbers, each converted one by one), not the default 1e3
N = Quantifier("n", "number of samples (residual dimension); reached up to 100: the n x p design is stored whole in "
               "every instance", 1, math.inf, integer=True, reach=(1, 100), of=_n)
P = Quantifier("p", "number of parameters", 1, math.inf, integer=True, of=_p)
OVER = Quantifier("p/n", "over-parametrisation p/n (alpha > 0 needs p >= n for the linear model)", 1, math.inf, of=_over)
START = Quantifier("||theta0||", "every start theta0 (0 included)", 0, math.inf, of=_start)
RESIDUAL = Quantifier("||r0||/||y||", "initial misfit relative to the labels: starts near the optimum (small) to far",
                      0, math.inf, brackets="(]", of=_residual)
LABELS = Quantifier("||y||", "every label vector: its scale", 0, math.inf, brackets="(]", of=_labels)
STEP = Quantifier("eta/eta_max", "step as a fraction of the theorem's cap, every step up to it", 0, 1, brackets="(]",
                  of=_step_fraction)
HORIZON = Quantifier("t", "iterations: the bound is claimed for all t", 1, math.inf, integer=True, of=key("steps", 200))
GAMMA = Quantifier("gamma", "lower bound of phi' (any gamma > 0)", 0, math.inf, brackets="()", of=_act_attr("gamma"))
GAMMA_UP = Quantifier("Gamma", "upper bound of phi' (any Gamma >= gamma: below and above 1)", 0, math.inf, brackets="()",
                      of=_act_attr("Gamma"))
M = Quantifier("M", "bound on |phi''| (any M >= 0)", 0, math.inf, of=_act_attr("M"))
SCALE = Quantifier("s", "activation scale phi -> s phi (gamma, Gamma, M all scale by s)", 0, math.inf, brackets="()",
                   of=_scale)
SHALLOW_N_VS_D = Quantifier("n vs d", "Theorem 4.3's n <= d, its boundary n = d included", values=("n < d", "n = d"),
                            of=_n_vs_d)
NU = Quantifier("nu", "radius factor nu >= 3 (probability 1 - 4/nu)", 3, math.inf, of=key("nu", 10.0))
TIGHT = (
    Quantifier("alpha", "smallest singular value of X (any alpha > 0)", 0, math.inf, brackets="()", of=key("alpha")),
    Quantifier("beta", "largest singular value of X (any beta >= alpha)", 0, math.inf, brackets="()", of=key("beta")),
    Quantifier("n", "samples (reached up to 20: (2.14) is minimised by Nelder-Mead in p >= n dimensions, seconds "
               "beyond)", 1, math.inf, integer=True, reach=(1, 20), of=key("n")),
    Quantifier("p", "parameters (p >= n; reached up to 20: (2.14) is minimised by Nelder-Mead in p dimensions)", 1,
               math.inf, integer=True, reach=(1, 20), of=key("p")),
    Quantifier("||y||", "label norm c", 0, math.inf, brackets="()", of=key("c", 1.0)),
    HORIZON,
)
#: Theorem 4.2's sizes: the n sensing matrices are dense d x d (n d^2 numbers, O(n d^2) per GD step), so
#: the strategy reaches d = 400 and n = 500 (the schema's caps: d <= 400, r <= 50); the statement is empty
#: for n <= 2 (1 - 4 exp(-n/2) <= 0), so with n <= d r / 2 the smallest admissible d is 6 (r = 1, n = 3)
LOWRANK = (
    Quantifier("d", "matrix size (non-empty from d = 6; reached up to 400, the schema's cap)", 2, math.inf, integer=True,
               reach=(6, 400), of=key("d")),
    Quantifier("r", "rank (1 <= r <= d; the schema's cap: 50)", 1, math.inf, integer=True, reach=(1, 50), of=key("r")),
    Quantifier("n", "samples (non-empty from n = 3; reached up to 200: n d^2 numbers)", 1, math.inf, integer=True,
               reach=(3, 200), of=key("n")),
    Quantifier("n/(dr)", "the theorem's n <= c d r (c unnamed; read c = 1/2)", 0, 0.5, brackets="(]",
               reach=(1e-3, 0.5), of=_n_over_dr),
    Quantifier("c1", "step constant in eta = c1 sqrt(n)/(r^2 d ||y||): there is one (unnamed, small); read c1 <= 0.1 "
               "(c1 = 0.25 diverges at d = 25, r = 1, n = 12)", 0, 0.1, brackets="(]", reach=(1e-3, 0.1), of=key("c1", 1.0)),
    Quantifier("labels", "labels (Sec. 5.2: Rademacher; any labels)", values=("rademacher", "gaussian"),
               of=key("labels", "rademacher")),
    Quantifier("t", "iterations: the bound is claimed for all t (the schema's minimum: 2)", 1, math.inf, integer=True,
               reach=(2, 1000), of=key("steps", 200)),
)
FIGURE3C = (
    Quantifier("d", "the figure's d = 100", 100, 100, integer=True, of=key("d", 100)),
    Quantifier("r", "the figure's r = 4", 4, 4, integer=True, of=key("r", 4)),
    Quantifier("n", "the figure's n in {25, 50, 100, 200}", 25, 200, integer=True, of=key("ns", [25, 50, 100, 200])),
)

GD = (MODEL_GD, N, P, OVER, START, RESIDUAL, LABELS, STEP, HORIZON, GAMMA, GAMMA_UP, M, SCALE)
GD_LIN = (MODEL_LIN, N, P, OVER, START, RESIDUAL, LABELS, STEP, HORIZON, GAMMA, GAMMA_UP, M, SCALE)
POINTS = (MODEL_LIN, N, P, OVER, START, RESIDUAL, LABELS, HORIZON)
SGD = GD_LIN + (NU,)
GLM = (N, P, OVER, START, RESIDUAL, LABELS, STEP, HORIZON, GAMMA, GAMMA_UP, SCALE)
SHALLOW = (N, P, SHALLOW_N_VS_D, START, RESIDUAL, LABELS, STEP, HORIZON, GAMMA, GAMMA_UP, M, SCALE)
