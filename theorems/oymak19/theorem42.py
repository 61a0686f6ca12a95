"""Theorem 4.2 (low-rank Burer–Monteiro regression) and Figure 3c of Oymak & Soltanolkotabi (2019).

Theorem 4.2: Gaussian ``X_i``, ``n <= c d r``, Theta0 with singular values in
``[sqrt(||y||)/(rn)^{1/4}, 2 sqrt(||y||)/(rn)^{1/4}]``, ``eta = c1 sqrt(n)/(r^2 d ||y||)``: with
probability ``>= 1 - 4 exp(-n/2)``,
``sum_i (y_i - <X_i, Theta_t Theta_t^T>)^2 <= 100 (1 - c2 / r^{3/2})^t ||y||^2`` (the text's
exponent is garbled; read as ``r^{3/2}``, which matches the scaling: the Jacobian's smallest
singular value squared is ~ ``d ||Theta||_F^2 ~ d sqrt(r) ||y|| / sqrt(n)``, times eta).

``c, c1, c2`` are unnamed and the probability is not checkable at one instance: **measured**
(for ``n <= 2`` the probability bound ``1 - 4 exp(-n/2)`` is not positive and the statement is
vacuous). A run outside the envelope is not a counterexample: the theorem allows failure with
probability ``4 exp(-n/2)`` and smaller unnamed constants. Small d diverges at c1 = 0.5 (d = 5,
r = 1, n = 1), and d = 20, r = 1 at c1 = 0.5: eta scales as 1/r^2 while the stable step scales
as ``sqrt(n) / (d sqrt(r) ||y||)``, so c1 must be small at r = 1. The property search stays at
``d >= 20``, ``12 <= n <= dr/2``, ``c1 in {0.05, 0.1} (at d = 25, r = 1, n = 12, c1 = 0.25 puts eta ||J||^2 at 4.8: divergence)``.
With ``q_t = ||r_t||^2 / ||y||^2`` (points above the float floor ``FLOOR``):

- ``c2_fit = r^{3/2} (1 - rho_fit)``, ``rho_fit`` the per-step contraction fitted (least squares
  on ``log q_t``) over the second half of the run: the rate constant GD actually shows;
- ``C_front = max_t q_t / rho_fit^t``: the constant in front that this rate needs (the
  theorem's is 100); ratio = ``C_front / 100`` (inside the envelope iff <= 1);
- ``c2_at_100 = r^{3/2} min_t (1 - (q_t/100)^{1/t})``: the largest c2 compatible with the 100 at
  the observed steps.

Figure 3c (``oymak19/figure3c``): d = 100, r = 4, n in {25, 50, 100, 200}, Rademacher labels,
200 GD steps at the Theorem 4.2 step with ``c1`` (default 1; the paper does not give it: c1 = 1
is stable for all four n, c1 = 4 diverges at n = 200): the normalised misfit
``||r_t|| / ||r_0||`` against the normalised distance ``||Theta_t - Theta0||_F / ||Theta0||_F``
"is a near-straight line", and the distance grows with n. Read as: every curve stays within
``CHORD_TOL = 0.2`` of the straight chord from (0, 1) to its end point (our threshold, stated),
and the mean final distance increases with n. :func:`figure3c_curves` gives the curves for the
PNG (theorems/reports/oymak19.py).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import models.least_squares.gd as lsgd
import models.least_squares.lowrank as lr
from theorems._core import HYP_FALSE, HYP_NOT_CHECKABLE, MEASURED, regime_of, Check, Measurement, Testing
from theorems import _limits
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems.oymak19 import _quantifiers as Q
from theorems.oymak19._refusals import REFUSES

FLOOR = 1e-24
CHORD_TOL = 0.2

D = Field("d", "int", "matrix size d", minimum=2, maximum=400)
R = Field("r", "int", "rank r", minimum=1, maximum=50)
N = Field("n", "int", "samples n", minimum=1, maximum=5000)
SEED = Field("seed", "int", "seed of X, y, Theta0", required=False, default=0, minimum=0)
C1 = Field("c1", "float", "step constant c1 in eta = c1 sqrt(n)/(r^2 d ||y||)", required=False, default=1.0, minimum=0, maximum=100)
STEPS = Field("steps", "int", "GD iterations", required=False, default=200, minimum=2, maximum=100_000)
LABELS = Field("labels", "str", "rademacher (Sec. 5.2) | gaussian", required=False, default="rademacher")


def _check(inst):
    from theorems._core import InstanceError

    if inst["r"] > inst["d"]:
        raise InstanceError("r must be <= d")
    if inst["labels"] not in ("rademacher", "gaussian"):
        raise InstanceError("labels must be rademacher or gaussian")


def _cost(inst: dict) -> _limits.Cost:
    """Low-rank GD: n sensing matrices d x d (X is n x d^2), per step <X_i, Theta Theta^T> and its
    gradient, the Jacobian's SVD bounds; Figure 3c repeats it per sample size and seed."""
    ns = np.asarray(inst["ns"] if "ns" in inst else [inst["n"]], dtype=float)
    count = float(ns.size) if "ns" in inst else 1.0
    sizes = {"d": ("d", inst["d"]), "r": ("r", inst["r"]), "n": ("ns" if "ns" in inst else "n", float(ns.max()) if ns.size else 1.0),
             "steps": ("steps", inst["steps"])}
    if "ns" in inst:
        sizes["seeds"] = ("seeds", inst["seeds"])

    def formula(s):
        d, r, n, T, S = s["d"], s["r"], s["n"], s["steps"], s.get("seeds", 1.0)
        mem = _limits.F8 * (3 * n * d * d + 2 * (T + 1) * d * r + 4 * n * d * r)
        return mem, count * S * ((T + 1) * (4 * n * d * d + 4 * d * d * r) + 20 * n * n * d * r)

    return _limits.Cost(sizes, formula)


#: sizes (d, r, n) at the ends of the declared ranges (n/(dr) from 1e-3 to 1/2, d from 6 to 400, r up
#: to 50, n from 3 to 200), each cheap (at most 200 steps): the n sensing matrices are d x d, O(n d^2) per step
CORNERS = ((6, 1, 3), (400, 8, 3), (50, 50, 200))


@st.composite
def _strategy(draw):
    """Theorem 4.2 instances where "numerical constants" can plausibly apply (they are unnamed):
    mostly d in 20..60, r in 1..4, 12 <= n <= dr/2 (failure probability 4 exp(-n/2) <= 1%), and
    the corners :data:`CORNERS` (half the draws); c1 from 1e-3 to 0.1 (log scale; at d = 25,
    r = 1, n = 12, c1 = 0.25 puts eta ||J||^2 at 4.8: divergence), horizons 2 .. 1000 steps
    (corners: 2 or 200); every choice from one seeded generator (see
    :func:`theorems.oymak19.theorem21.instances`)."""
    from theorems.oymak19.theorem21 import log_uniform

    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    corner = rng.uniform() < 1 / 2
    if corner:
        d, r, n = CORNERS[rng.integers(len(CORNERS))]
    else:
        r = int(rng.integers(1, 5))
        d = max(int(rng.integers(20, 61)), 24 // r + 1)
        n = max(12, int(rng.choice([1 / 8, 1 / 4, 1 / 2]) * d * r))
    c1 = float(rng.choice([0.05, 0.1])) if rng.uniform() < 0.5 else log_uniform(rng, -3.0, -1.0)
    return {"d": d, "r": r, "n": n, "seed": int(rng.integers(0, 1001)), "c1": c1,
            "steps": int(rng.choice([2, 200] if corner else [2, 600, 600, 1000])), "labels": str(rng.choice(["rademacher", "gaussian"]))}


def run_theorem42(d, r, n, *, seed, c1=1.0, steps=200, labels="rademacher"):
    A, y, theta0 = lr.theorem42_problem(d, r, n, seed=seed, labels=labels)
    prob = lr.LowRank.of(A, r)
    eta = lr.theorem42_step(d, r, n, float(np.linalg.norm(y)), c1)
    with np.errstate(over="ignore", invalid="ignore"):
        run = lsgd.gd(prob, theta0, y, step_size=eta, steps=steps)
    return run, y, theta0, eta


def rate_constants(q: np.ndarray, r: int) -> dict:
    """``c2_fit``, ``C_front``, ``c2_at_100`` from ``q_t`` (see the module docstring)."""
    t = np.arange(q.size)
    # points at the float floor are left out of the fit and of C (their q_t / rho^t is rounding);
    # a non-finite q_t is not: a diverged run is handled below and counts against the statement
    ok = np.isfinite(q) & (q > FLOOR)
    tail = ok & (t >= q.size // 2)
    if tail.sum() < 5:  # converged to the floor early: fit where it is still above it
        tail = ok & (t >= 1)
    if not np.isfinite(q).all():  # diverged: with rho <= 1, C >= q_t at every finite q_t (inf if none is finite)
        fin = q[np.isfinite(q)]
        return {"c2_fit": np.nan, "C_front": float(fin.max()) if fin.size else np.inf, "c2_at_100": np.nan, "rho_fit": np.nan}
    if tail.sum() < 2:  # at the floor after one step: any rate fits; the front constant is q_0
        return {"c2_fit": float(r**1.5), "C_front": float(q[0]), "c2_at_100": np.nan, "rho_fit": 0.0}
    slope = np.polyfit(t[tail], np.log(q[tail]), 1)[0]
    rho = float(np.exp(min(slope, 0.0)))
    C = float(np.max(q[ok] / rho ** t[ok]))
    k = ok & (t >= 1)
    c2_100 = float(r**1.5 * np.min(1 - (q[k] / 100) ** (1.0 / t[k]))) if k.any() else np.nan
    return {"c2_fit": r**1.5 * (1 - rho), "C_front": C, "c2_at_100": c2_100, "rho_fit": rho}


def _theorem42(inst: dict) -> Measurement:
    d, r, n = inst["d"], inst["r"], inst["n"]
    run, y, theta0, eta = run_theorem42(d, r, n, seed=inst["seed"], c1=inst["c1"], steps=inst["steps"], labels=inst["labels"])
    q = (run.residual / np.linalg.norm(y)) ** 2
    c = rate_constants(q, r)
    hyps = {"n <= c d r (c unnamed)": HYP_NOT_CHECKABLE,
            "the event of probability >= 1 - 4 exp(-n/2)": HYP_NOT_CHECKABLE if 1 - 4 * np.exp(-n / 2) > 0 else HYP_FALSE}
    ratio = c["C_front"] / 100
    return Measurement(
        check="oymak19/theorem4.2",
        lhs=c["C_front"],
        rhs=100.0,
        ratio=ratio,
        regime=regime_of(MEASURED, hyps),
        hypotheses=hyps,
        constants={**c, "eta": eta, "final_q": float(q[-1]), "max_q": float(np.nanmax(q)), "n_over_dr": n / (d * r)},
        details={"converged": bool(q[-1] < 1e-6), "note": "c, c1, c2 unnamed: measured constants, not a proof"},
    )


def figure3c_curves(d=100, r=4, ns=(25, 50, 100, 200), seeds=5, c1=1.0, steps=200):
    """``{n: [(distance, misfit) arrays per seed]}`` normalised as in Sec. 5."""
    out = {}
    for n in ns:
        curves = []
        for seed in range(seeds):
            run, y, theta0, _ = run_theorem42(d, r, n, seed=seed, c1=c1, steps=steps)
            curves.append((run.distance / np.linalg.norm(theta0), run.residual / run.residual[0]))
        out[n] = curves
    return out


def _figure3c(inst: dict) -> Measurement:
    curves = figure3c_curves(inst["d"], inst["r"], tuple(int(n) for n in inst["ns"]), inst["seeds"], inst["c1"], inst["steps"])
    chord, finals, r2 = {}, {}, {}
    for n, cs in curves.items():
        dev, fin, rs = [], [], []
        for dist, mis in cs:
            if not (np.isfinite(dist).all() and np.isfinite(mis).all()):
                # diverged: measure the finite part of the curve (ending at its last finite point);
                # no finite part, no finite deviation
                k = int(np.argmin(np.isfinite(dist) & np.isfinite(mis)))
                if k < 2 or dist[k - 1] <= 0:
                    dev.append(np.inf), fin.append(np.nan), rs.append(np.nan)
                    continue
                dist, mis = dist[:k], mis[:k]
            dev.append(float(np.abs(mis - (1 - dist / dist[-1])).max()))
            fin.append(float(dist[-1]))
            c = np.polyfit(dist, mis, 1)
            rs.append(float(1 - ((mis - np.polyval(c, dist)) ** 2).sum() / ((mis - mis.mean()) ** 2).sum()))
        chord[n], finals[n], r2[n] = max(dev), float(np.mean(fin)), float(np.min(rs))
    ns = sorted(curves)
    increasing = all(finals[a] < finals[b] for a, b in zip(ns, ns[1:]))
    ratio = max(chord.values()) / CHORD_TOL if increasing else np.inf
    return Measurement(
        check="oymak19/figure3c",
        lhs=max(chord.values()),
        rhs=CHORD_TOL,
        ratio=ratio,
        regime=MEASURED,
        hypotheses={"the figure's unstated c1 (we use the given one)": HYP_NOT_CHECKABLE},
        constants={**{f"max_chord_deviation_n{n}": v for n, v in chord.items()}, **{f"mean_final_distance_n{n}": v for n, v in finals.items()},
                   **{f"min_R2_n{n}": v for n, v in r2.items()}},
        details={"distance_increases_with_n": increasing, "chord_tolerance": CHORD_TOL, "seeds": inst["seeds"], "steps": inst["steps"], "c1": inst["c1"]},
    )


#: the audit's step constant (one c1 for every scale: the theorem's c1 is one numerical constant) and seeds
AUDIT_C1 = 0.05
AUDIT_SEEDS = (0, 1)
#: steps per unit of r^{3/2} (the rate is c2 / r^{3/2} per step: 600 r^{3/2} steps decay q by e^{-600 c2},
#: below the float floor for c2 >= 0.1), capped
AUDIT_STEPS, AUDIT_MAX_STEPS = 600, 20_000
#: fixed sizes of the audit families (n <= d r / 2 everywhere: the constant c of n <= c d r read as 1/2)
AUDIT_R_FIXED = {"d": 64, "n": 20}
AUDIT_D_FIXED = {"r": 1, "n": 12}
AUDIT_N_RATIO = 4  # n family: r = 1, d = 4 n (n/(dr) = 1/4 fixed: away from the boundary n = c d r)
SHORT_WHY = ("the n sensing matrices X_i are dense Gaussian d x d (n d^2 numbers, O(n d^2) per GD step; GD's iterates "
             "leave every fixed low-dimensional subspace, so no reduction is exact), r <= d, n <= d r / 2, and the run "
             "needs ~600 r^{3/2} steps: four decades of any size would need d >= 1e4 (1e9 numbers at n = 12)")
#: measured costs (one run, one core shared with other jobs) that stop each family
R_WHY = SHORT_WHY + ("; r = 32 at d = 64 takes 2 s a run, r = 64 (beyond the schema's cap 50) needs d >= 128 and 20000 steps: 200 s a run "
                     "(r = 128 does not converge in 20000 steps)")
D_WHY = SHORT_WHY + "; d = 384 (n = 12, 600 steps) takes about 30 s a run, d = 768 four times that"
N_WHY = SHORT_WHY + "; n = 48 (d = 192) takes about 25 s a run, n = 96 (d = 384) eight times that"


def _family(**fixed):
    """``scale -> instances`` of the audit: the sizes ``fixed`` plus the audited one at ``scale``,
    c1 = :data:`AUDIT_C1`, seeds :data:`AUDIT_SEEDS`, ``600 r^{3/2}`` steps (capped at 20000)."""
    param = next(k for k, v in fixed.items() if v is None)

    def family(scale):
        size = {**fixed, param: int(scale)}
        if "d" not in size:
            size["d"] = AUDIT_N_RATIO * size["n"]
        steps = int(min(AUDIT_MAX_STEPS, np.ceil(AUDIT_STEPS * size["r"] ** 1.5)))
        return [{**size, "seed": seed, "c1": AUDIT_C1, "steps": steps, "labels": "rademacher"} for seed in AUDIT_SEEDS]

    return family


def _audits() -> tuple:
    """The hidden rate constant c2 of ``(1 - c2/r^{3/2})^t`` (fitted: ``c2_fit``, an Omega constant,
    must not tend to 0), audited in r, d and n with the others fixed. The front constant 100 is
    measured by the check itself (C_front / 100 is its ratio) and not audited apart: with c1 fixed
    q_0 ~ 7 ||y||^2 at every size, and a growing C_front would show as a falling c2_at_100."""
    from theorems._audit import OMEGA, Uniformity

    return (
        Uniformity("r", "c2_fit", OMEGA, _family(r=None, **AUDIT_R_FIXED), (1, 2, 4, 8, 16, 32),
                   what=f"Theorem 4.2's Gaussian problem, d = {AUDIT_R_FIXED['d']}, n = {AUDIT_R_FIXED['n']}, c1 = {AUDIT_C1}, "
                        f"seeds {AUDIT_SEEDS}, 600 r^(3/2) steps (at most 20000)", short_range_why=R_WHY),
        Uniformity("d", "c2_fit", OMEGA, _family(d=None, **AUDIT_D_FIXED), (24, 48, 96, 192, 384),
                   what=f"r = {AUDIT_D_FIXED['r']}, n = {AUDIT_D_FIXED['n']}, c1 = {AUDIT_C1}, seeds {AUDIT_SEEDS}, 600 steps",
                   short_range_why=D_WHY),
        Uniformity("n", "c2_fit", OMEGA, _family(n=None, r=1), (3, 6, 12, 24, 48),
                   what=f"r = 1, d = {AUDIT_N_RATIO} n (n/(dr) = 1/{AUDIT_N_RATIO} fixed: n grows with d r, as n <= c d r "
                        f"requires), c1 = {AUDIT_C1}, seeds {AUDIT_SEEDS}, 600 steps", short_range_why=N_WHY),
    )


register(
    Check(
        id="oymak19/theorem4.2", sweep={"quick": 12, "full": 120},
        quantifiers=Q.LOWRANK,
        title="low rank: sum_i r_i^2 <= 100 (1 - c2/r^{3/2})^t ||y||^2: measured front constant / 100 (c2 fitted)",
        testing=Testing(examples=10),
        refuses=REFUSES["oymak19/theorem4.2"],
        statement="sum_i (y_i - <X_i, Theta_t Theta_t^T>)^2 <= 100 (1 - c2/r^{3/2})^t ||y||^2 for all t, w.p. >= 1 - 4 exp(-n/2), GD "
        "on low-rank regression with Gaussian X_i, n <= c d r, Theta0's singular values in [1, 2] sqrt(||y||)/(rn)^{1/4} and "
        "eta = c1 sqrt(n)/(r^2 d ||y||) (Theorem 4.2; the text's garbled exponent read as r^{3/2})",
        derivation="""lhs = C_front = max_t q_t / rho_fit^t, rhs = 100, ratio = C_front / 100 (inside the envelope iff <= 1).
q_t = ||r_t||^2 / ||y||^2 along float64 GD (models.least_squares.gd) on the problem drawn by
models.least_squares.lowrank.theorem42_problem (seed; Rademacher or Gaussian labels) at the theorem's step
with the given c1; rho_fit is the per-step contraction fitted by least squares on log q_t over the second
half of the run (points above 1e-24): C_front is the front constant that rate needs (the theorem's is
100). Reported: c2_fit = r^{3/2} (1 - rho_fit), and c2_at_100 = r^{3/2} min_t (1 - (q_t/100)^{1/t}), the
largest c2 compatible with the 100.

Regime measured: c, c1, c2 are unnamed and the probability is not checkable at one instance (both
hypotheses not checkable; for n <= 2, where 1 - 4 exp(-n/2) <= 0, the statement is empty: false, vacuous).
Outside the envelope is not a counterexample. No float tolerance.""",
        equation="Theorem 4.2",
        regime=MEASURED,
        hypotheses={"n <= c d r": "unnamed c", "probability >= 1 - 4 exp(-n/2)": "over the Gaussian X_i"},
        spec=Spec((D, R, N, SEED, C1, STEPS, LABELS), check=_check, title="Theorem 4.2 low-rank instance", cost=_cost),
        evaluate_validated=_theorem42,
        strategy=_strategy,
        uniform_in=_audits(),
    )
)

register(
    Check(
        id="oymak19/figure3c", sweep={"quick": 1, "full": 1},
        quantifiers=Q.FIGURE3C,
        title="Figure 3c: normalised misfit vs normalised distance is near-straight (within 0.2 of the chord), distance grows with n",
        testing=Testing(examples=1),
        refuses=REFUSES["oymak19/figure3c"],
        statement="||y - f(Theta_t)|| / ||y - f(Theta0)|| against ||Theta_t - Theta0||_F / ||Theta0||_F is a near-straight line "
        "(within 0.2 of its chord), and the final distance grows with n (Figure 3c, Sec. 5.2: low-rank regression d = 100, "
        "r = 4, n in {25, 50, 100, 200}, 200 GD iterations)",
        derivation="""lhs = the largest deviation, over n and seeds, of the normalised misfit from the straight chord from
(0, 1) to the curve's end point, rhs = 0.2 (our threshold for "near-straight", stated), ratio = lhs / rhs,
set to inf unless the mean final distance increases strictly with n. Curves: float64 GD at Theorem 4.2's
step eta = c1 sqrt(n)/(r^2 d ||y||) (c1 default 1: the paper does not give it; c1 = 1 is stable for all four
n, c1 = 4 diverges at n = 200), Gaussian inputs, Rademacher labels, `seeds` seeds per n. Reported: each n's
largest chord deviation, mean final distance and smallest R^2 of a straight fit.

Regime measured, a reproduction; the unstated c1 is a not-checkable hypothesis. No float tolerance.""",
        equation="Figure 3c, Sec. 5.2",
        regime=MEASURED,
        hypotheses={"c1": "the paper's step constant is not given"},
        spec=Spec((Field("d", "int", "d", required=False, default=100, minimum=2, maximum=400), Field("r", "int", "r", required=False, default=4, minimum=1, maximum=50),
                   Field("ns", "vector", "sample sizes", required=False, default=[25, 50, 100, 200]), Field("seeds", "int", "seeds per n", required=False, default=5, minimum=1, maximum=100),
                   Field("c1", "float", "step constant", required=False, default=1.0, minimum=0, maximum=100), Field("steps", "int", "GD iterations", required=False, default=200, minimum=2, maximum=10000)),
                  title="Figure 3c experiment", cost=_cost),
        evaluate_validated=_figure3c,
        # the paper's setting only: at small d the curves are not straight (d = 30, r = 2 bends
        # at n >= dr/4), which the figure does not claim
        strategy=lambda: st.just({"seeds": 3}),
    )
)
