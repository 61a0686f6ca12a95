"""What Satpathi & Srikant's statements quantify over (``Check.quantifiers``), with readers.

Standing assumptions (Sec. 2): data ``||x_i|| = sqrt(d)``, no two parallel, ``|y_i| <= C_y`` for
any ``C_y``; any ``n >= 2``, ``d``, width ``m`` (the theorems: ``m`` large enough), initialisation
scale ``kappa = 1`` (Lemma 5: small ``kappa``), all times ``t`` / steps ``k``. Each
:class:`~theorems._audit.Quantifier` reads its value from a raw JSON instance (coverage,
``theorems._audit.coverage``).
"""
from __future__ import annotations

import math

import numpy as np

from theorems._audit import Quantifier, key


def _rows(inst) -> np.ndarray | None:
    """The augmented unit vectors ``(x_i, 1)/sqrt(d+1)`` of ``X`` or of the ``subspace`` form."""
    if inst.get("X") is not None:
        X = np.asarray(inst["X"], dtype=float)
    elif inst.get("subspace") is not None:
        X = math.sqrt(inst["subspace"]["d"]) * np.asarray(inst["subspace"]["E"], dtype=float)
    else:
        return None
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    return A / np.linalg.norm(A, axis=1, keepdims=True)


def _angles(inst) -> np.ndarray | None:
    """Angles between the augmented points, ``2 atan2(|a - b|, |a + b|)`` (stable near 0 and pi),
    the diagonal excluded (``nan``)."""
    A = _rows(inst)
    if A is None or A.shape[0] < 2:
        return None
    phi = 2 * np.arctan2(np.linalg.norm(A[:, None] - A[None], axis=-1), np.linalg.norm(A[:, None] + A[None], axis=-1))
    np.fill_diagonal(phi, np.nan)
    return phi


def _n(inst, m):
    if inst.get("sizes") is not None:
        return list(inst["sizes"])
    A = _rows(inst)
    return None if A is None else A.shape[0]


def _d(inst, m):
    if inst.get("subspace") is not None:
        return inst["subspace"]["d"]
    if inst.get("X") is not None:
        return len(inst["X"][0])
    return inst.get("d")


def _theta_min(inst, m):
    phi = _angles(inst)
    return None if phi is None else float(np.nanmin(phi))


def _theta_lines(inst, m):
    phi = _angles(inst)
    return None if phi is None else float(np.nanmin(np.minimum(phi, np.pi - phi)))


def _n_vs_d(inst, m):
    n, d = _n(inst, m), _d(inst, m)
    if n is None or d is None:
        return None
    return ["n <= d" if k <= d else "n > d" for k in (n if isinstance(n, list) else [n])]


def _label_scale(inst, m):
    return None if inst.get("y") is None else float(np.max(np.abs(inst["y"])))


def _design(inst, m):
    """The data family (the ``design`` field up to its parameters), for the ``X`` quantifier."""
    if inst.get("subspace") is not None:
        return "subspace"
    return (inst.get("design") or "explicit X").split("(")[0].strip()


def _widths(inst, m):
    return list(inst["widths"]) if inst.get("widths") is not None else inst.get("width")


def _spectrum(inst) -> tuple[float, float] | None:
    """``(lambda_min, lambda_max)`` of H (eq. 9) for a small explicit X (n <= 200), else None."""
    if inst.get("X") is None or len(inst["X"]) > 200:
        return None
    from models.shallow_relu import network as shallow_relu

    with np.errstate(all="ignore"):
        e = np.linalg.eigvalsh(shallow_relu.ntk(np.asarray(inst["X"], dtype=float), on_sphere=False))
    return float(e[0]), float(e[-1])


def _step_fraction(inst, m):
    """``eta`` as a fraction of the suite's stand-in cap ``1/lambda_max(H)`` (default: 1)."""
    if inst.get("step_size") is None:
        return 1.0
    ev = _spectrum(inst)
    return None if ev is None else inst["step_size"] * ev[1]


def _horizon(inst, m):
    """The range of c t the sup over t covers: from the first recorded step (flow: c t = 0.05 c/lambda_max;
    GD: c eta) to the horizon run (after the horizon rule's extension where measured)."""
    ran = ((m or {}).get("details", {}).get("horizon") or {}).get("horizon")
    end = ran if isinstance(ran, (int, float)) else inst.get("horizon", 12.0)
    ev = _spectrum(inst)
    if ev is None or ev[0] <= 0:
        return end
    first = ev[0] * (inst["step_size"] if inst.get("step_size") else 0.05 / ev[1])
    return [first, end]


def _pair_cosine(inst, m):
    X = np.asarray(inst["X"], dtype=float)
    return float(X[0] @ X[1] / X.shape[1])


N = Quantifier("n", "number of data points", 2, math.inf, integer=True, of=_n)
D = Quantifier("d", "input dimension", 1, math.inf, integer=True, of=_d)
N_VS_D = Quantifier("n vs d", "both n <= d and n > d (no relation between n and d is assumed)",
                    values=("n <= d", "n > d"), of=_n_vs_d)
DATA = Quantifier("X", "every data set of n points on the sphere ||x|| = sqrt(d), no two parallel (families reached)",
                  of=_design)
THETA_MIN = Quantifier("theta_min", "Lemma 1's condition theta_min < 1 (angle between augmented points), down to 0",
                       0, 1, brackets="()", of=_theta_min)
THETA_ANY = Quantifier("theta_min", "smallest angle between augmented points: any, down to 0 (no two parallel)",
                       0, math.pi, brackets="()", of=_theta_min)
THETA_LINES = Quantifier("theta_lines", "angle between lines, in the bound: down to 0 (near-antipodal pairs)", 0,
                         math.pi / 2, brackets="(]", of=_theta_lines)
MC_WIDTH = Quantifier("width", "Monte-Carlo width m of eq. (9)'s estimate (any m; the error shrinks like 1/sqrt(m))",
                      1, math.inf, integer=True, of=key("width"))
WIDTH = Quantifier("m", "network width (the statements: m large enough; the law in m is what is measured)",
                   1, math.inf, integer=True, of=_widths)
LABELS = Quantifier("C_y", "label scale max |y_i| (any C_y > 0: the statements scale with it)", 0, math.inf,
                    brackets="(]", of=_label_scale)
KAPPA = Quantifier("kappa", "initialisation scale (Lemma 2, Theorems 3, 4: kappa = 1)", 1, 1, of=key("kappa", 1.0))
HORIZON = Quantifier("c t", "time (flow: c t; GD: c eta k): the bound is claimed for all t > 0", 0, math.inf,
                     brackets="()", of=_horizon)
STEP = Quantifier("eta lambda_max", "GD step as a fraction of the stand-in cap 1/lambda_max(H) (paper: eta = O(c/(dn)^2))",
                  0, 1, brackets="(]", of=_step_fraction)
SIZES = Quantifier("n", "sample sizes (the rate is claimed as n -> infinity)", 1, math.inf, integer=True, of=_n)
DIM = Quantifier("d", "input dimension", 1, math.inf, integer=True, of=key("d"))
DEGREE = Quantifier("p", "degree of the target y = (x^T beta)^p (Corollary 8: any p >= 0)", 0, math.inf, integer=True,
                    reach=(0, 6), of=key("p"))
PAIR_D = Quantifier("d", "dimension of the pair (the identity holds for every d)", 1, math.inf, integer=True, of=_d)
PAIR_COS = Quantifier("x^T y / d", "cosine of the pair: every value in [-1, 1] (antipodal and parallel included)", -1, 1,
                      of=_pair_cosine)
FIG_WIDTH = Quantifier("m", "the figure's widths 1000, 2000, 5000, 10000", 1000, 10000, integer=True, of=_widths)

LEMMA1 = (N, D, N_VS_D, DATA, THETA_ANY)
LEMMA1_BOUND = (N, D, N_VS_D, DATA, THETA_MIN)  # under Lemma 1's condition theta_min < 1
DYNAMICS = (N, D, N_VS_D, DATA, THETA_ANY, WIDTH, LABELS, KAPPA, HORIZON)
GD = DYNAMICS + (STEP,)


def _gen_width(inst, m):
    """The sweep's width; infinite for the kernel limit (``model: kernel``)."""
    return math.inf if inst.get("model") == "kernel" else inst.get("width")


#: reach from m = 10: below, GD's Gram G0 can vanish (every neuron inactive at width 1: eta = 1/lambda_max(G0) undefined)
GEN_WIDTH = Quantifier("m", "network width (the statements: m large enough; model kernel is the limit m -> infinity)",
                       1, math.inf, integer=True, of=_gen_width, reach=(10, 1000))
GENERALISATION = (SIZES, DIM, DEGREE, GEN_WIDTH)
