"""Uniformity audits of the hidden constants of Lemma 2 and Theorems 3-4 (Lemma 5 and Theorem 7: :mod:`theorems.satpathi21._generalisation_audits`)
(``Check.uniform_in``; the mechanism: :mod:`theorems._audit`).

Every family returns raw JSON instances of the check itself (evaluated by it, the constant read
from ``Measurement.constants``; an instance outside the lazy regime is ``hypotheses-false`` and
not counted). Where a run cannot spend its decay term the check reports the audited constant as
NaN (rule 1 of :mod:`theorems._horizon`), so the audit says ``inconclusive`` instead of fitting
a truncated number.

Structured families, chosen so that the run length (``~ 20 horizon lambda_max/c`` small GD steps
for the flow) stays short:

- ``pair(d, theta)``: two points at angle ``theta`` in a plane of R^d (``n = 2 <= d``;
  ``theta = pi/2``: the augmented points are nearly orthogonal, lambda_max/c = 1.2 at d = 2);
- ``triangle``: three points at 120 degrees in R^2 (``n = 3 > d = 2``; the augmented points are
  exactly orthogonal, H = 1.5 I);
- ``uniform(n=2, d=2, seed=0)`` with random labels (:func:`uniform_pair`; Lemma 2 and Theorem 3), the
  design on which 5 seeds once made Theorem 3's excess look flat in m;
- ``basis(n, d)``: ``x_i = sqrt(d) e_i`` (``n <= d``; H has two eigenvalue levels,
  lambda_max/c ~ 2 at every n);
- the checks' own strategy's designs (uniform, great-circle, low-dim; lambda_max/c up to 50) are not
  in the lazy regime below m ~ 10^4 (e.g. uniform n = 4, d = 3 with the slowest-mode label: min_t
  lambda_min(G(t))/c < 1/2 at m = 3000), so they are hypotheses-false at most audited widths and are
  left out (they cost 10 s a scale and count for nothing);
- ill-conditioned ``pair(2, theta)`` with ``theta`` down to 0.25 (``c`` down to 0.1) for Lemma 2's
  audit in ``c``.

The movement of Lemma 2 does not see the coordinates of w orthogonal to the data's span (the
gradient lies in the span): with ``embed_d = D`` the sweep runs a configuration of R^2 embedded in
R^D exactly, at a cost independent of D (:func:`theorems.satpathi21.dynamics.run_data`), so the
``d`` audit spans d = 2 .. 2e8 at m = 200, where the pair and the triangle are in the lazy regime
at every d (the Gram's relative fluctuation is ~ 1/sqrt(m)).
"""
from __future__ import annotations

import math

import numpy as np

import models.shallow_relu.network as net
from theorems._audit import O, Uniformity, geometric


def pair(d: int, theta: float = math.pi / 2) -> np.ndarray:
    """Two points at angle ``theta`` in the plane of the first two axes of R^d, on the sphere."""
    X = np.zeros((2, d))
    X[0, 0], X[1, 0], X[1, 1] = 1.0, math.cos(theta), math.sin(theta)
    return X * math.sqrt(d)


def triangle() -> np.ndarray:
    """Three points at 120 degrees in R^2 (augmented points orthogonal: H = 1.5 I)."""
    a = np.arange(3) * 2 * math.pi / 3
    return np.c_[np.cos(a), np.sin(a)] * math.sqrt(2)


def basis(n: int, d: int) -> np.ndarray:
    """``x_i = sqrt(d) e_i``, i < n <= d."""
    return math.sqrt(d) * np.eye(n, d)


def alternating(n: int) -> list[float]:
    return [(-1.0) ** i for i in range(n)]


def sweep_instance(X, y, m: int, horizon: float = 6.0, **extra) -> dict:
    """A width sweep at three widths within 21% of m (three lazy widths are the checks' premise),
    three seeds, 40 records."""
    return {"X": np.asarray(X).tolist(), "y": [float(v) for v in y], "widths": [int(m), int(round(1.1 * m)), int(round(1.21 * m))],
            "seeds": 3, "record": 40, "horizon": horizon, **extra}


def uniform_pair() -> tuple[np.ndarray, np.ndarray]:
    """``uniform(n=2, d=2, seed=0)`` with the strategy's random labels: the design on which Theorem 3's
    excess once looked flat in m (5 seeds; see :func:`theorems.satpathi21.dynamics.sweep_instances`)."""
    from theorems._designs import Design, build

    des = Design(family="uniform", n=2, d=2, seed=0, scale=1.0, k=1)
    return build(des), np.random.default_rng(des.seed + 1).standard_normal(2)


#: the flow audits' horizon c t: the decay term exp(-c t/2) D0 is then ~ 3e-4 D0, spent against the excess
#: at every audited m, so no rerun; from c t = 6 the measured excess is still rising and the horizon rule's
#: estimate of the horizon needed overshoots to max_horizon = 100 (the triangle at m = 3000: 180 s, not 20)
FLOW_AUDIT_HORIZON = 16.0


def _m_family(gd: bool):
    def family(m):
        m = int(m)
        h = {} if gd else {"horizon": FLOW_AUDIT_HORIZON}
        out = [sweep_instance(triangle(), [1.0, -1.0, 0.5], m, design=f"triangle (n=3 > d=2), m={m}", **h),
               sweep_instance(pair(2), [1.0, -1.0], m, design=f"pair(d=2, theta=pi/2), m={m}", **h)]
        if not gd and m <= 30000:  # its runs are 3.3x longer (lambda_max/c): at m = 3e5 it alone would take a minute
            X, y = uniform_pair()
            out.append(sweep_instance(X, y, m, design=f"uniform(n=2, d=2, seed=0) labels=random, m={m}", **h))
        lam = float(np.linalg.eigvalsh(net.ntk(triangle()))[-1])
        # steps below the cap 1/lambda_max(H): 1/10 of it for 300 <= m <= 3000 (1/100 costs 10 s a scale)
        fracs = (0.1,) if 300 <= m <= 3000 else ()
        out += [sweep_instance(triangle(), [1.0, -1.0, 0.5], m, step_size=f / lam, design=f"triangle, eta = {f:g}/lambda_max, m={m}")
                for f in (fracs if gd else ())]
        return out
    return family


#: Lemma 2's audit in c: theta -> the pair's c = lambda_min(H) (d = 2) and the width that keeps it lazy
C_THETAS = (math.pi / 2, 1.0, 0.6, 0.35, 0.2)
C_WIDTH = {math.pi / 2: 300, 1.0: 300, 0.6: 600, 0.35: 1500, 0.2: 4000}


def _c_of(theta: float) -> float:
    return float(np.linalg.eigvalsh(net.ntk(pair(2, theta)))[0])


def _c_family(inv_c):
    """scale 1/c (the bad direction is c -> 0) -> the pair at the angle with that c."""
    c = 1.0 / inv_c
    theta = min(C_THETAS, key=lambda t: abs(_c_of(t) - c))
    labels = [(1.0, 1.0)] + ([(1.0, -1.0)] if theta >= 0.6 else [])  # (1, -1) leaves the lazy regime below theta = 0.6
    return [sweep_instance(pair(2, theta), y, C_WIDTH[theta], horizon=8.0, design=f"pair(d=2, theta={theta:.3g}) y={y}, c={c:.3g}")
            for y in labels]


#: Lemma 2's audit in n: d fixed, n <= d (x_i = sqrt(d) e_i), width fixed
N_AUDIT_D, N_AUDIT_M = 32, 1000


def _n_family(n):
    n = int(n)
    return [sweep_instance(basis(n, N_AUDIT_D), alternating(n), N_AUDIT_M, design=f"basis(n={n}, d={N_AUDIT_D})")]


def _d_family(d):
    """The pair at theta = pi/2 and 1 and the triangle, each in a plane of R^d (``embed_d``; the triangle
    has n = 3 > d at d = 2)."""
    d = int(d)
    return [sweep_instance(pair(2), [1.0, -1.0], 200, embed_d=d, design=f"pair(d={d}, theta=pi/2)"),
            sweep_instance(pair(2, 1.0), [1.0, -1.0], 200, embed_d=d, design=f"pair(d={d}, theta=1)"),
            sweep_instance(triangle(), [1.0, -1.0, 0.5], 200, embed_d=d, design=f"triangle in a plane of R^{d}")]


#: Lemma 2's audit in d: eight decades (embedded runs cost the same at every d)
D_AUDIT = geometric(2, 2e8, per_decade=1, integer=True)

M_FLOW = geometric(30, 3e5, per_decade=1, integer=True)

def lemma2_audits() -> tuple:
    """Lemma 2's movement constant ``c sqrt(m) max_k ||w_k(t) - w_k(0)|| / (sqrt(dn) ||f0 - Y||)``, O, in m, n, d
    and 1/c (audited as c -> 0, ill-conditioned data: the scale is 1/c)."""
    inv_cs = tuple(sorted(1.0 / _c_of(t) for t in C_THETAS))
    return (
        Uniformity("m", "movement_constant", O, _m_family(gd=False), M_FLOW,
                   what="pair (d=2, n=2 <= d), uniform(n=2, d=2, seed=0) (m <= 3e4), triangle (n=3 > d=2); widths m, 1.1m, 1.21m, 3 seeds, c t = 16"),
        Uniformity("n", "movement_constant", O, _n_family, (2, 4, 8, 16, 32),
                   short_range_why=f"n <= d = {N_AUDIT_D} at width {N_AUDIT_M}: the lazy regime needs m >> n (the "
                                   "theorem: m ~ n^6) and a run costs n m d per step",
                   what=f"x_i = sqrt(d) e_i (n <= d = {N_AUDIT_D}), labels alternating; m = {N_AUDIT_M}"),
        Uniformity("d", "movement_constant", O, _d_family, D_AUDIT,
                   what="pair at theta = pi/2 and 1 and the triangle in a plane of R^d, run exactly in the "
                        "plane's coordinates (embed_d: cost independent of d); m = 200"),
        Uniformity("1/c", "movement_constant", O, _c_family, inv_cs,
                   short_range_why="c = lambda_min(H) -> 0 costs ~ 1/c^3 (the run has ~ 1/c steps, the lazy regime "
                                   "needs m >> 1/c^2): c = 0.1 .. 1.2 fits in a minute",
                   what="two points at angle theta = pi/2 .. 0.2 in R^2 (ill-conditioned: c down to 0.097), labels "
                        "(1, 1) and, for theta >= 0.6, (1, -1); width up to 4000, horizon c t = 8"),
    )


def theorem3_audits() -> tuple:
    """Theorem 3's ``C = excess * m^{1/4}`` (0.9 quantile over seeds, worst width), O, in m."""
    return (Uniformity("m", "excess_m^1/4", O, _m_family(gd=False), M_FLOW,
                       what="as Lemma 2's m audit (pair, uniform(n=2, d=2, seed=0) for m <= 3e4, triangle), horizon c t = 16"),)


def theorem4_audits() -> tuple:
    """Theorem 4's ``C = excess * m^{1/8}``, O, in m (GD: the default step and 1/10 of the cap)."""
    return (Uniformity("m", "excess_m^1/8", O, _m_family(gd=True), geometric(30, 3e5, per_decade=1, integer=True),
                       what="pair (n=2 <= d=2), triangle (n=3 > d=2) at eta = 1/lambda_max(H); the triangle "
                            "also at eta = 0.1 of that cap (300 <= m <= 3000)"),)
