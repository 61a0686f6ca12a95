"""Theorem 3.1 of Oymak & Soltanolkotabi (2019): SGD (one uniformly drawn sample per step).

Statement (as printed; the probability's factor is garbled in our text, read as ``1 - 4/nu``):
with Assumptions 1-2 and row norms ``||J_i|| <= B`` on ``D = B(theta0, nu r0 / alpha)``, ``nu >= 3``,
``eta <= alpha^2 / (nu beta^2 B^2 + nu beta B L r0)``, there is an event E with
``P(E) >= 1 - 4/nu`` on which SGD never leaves D and
``E[||r_t||^2 1_E] <= (1 - eta alpha^2 / (2n))^t r0^2`` for all t.

E is not named, so the check tests necessary consequences that hold for *every* event of that
probability: (a) ``P(SGD stays in D) >= P0 = 1 - 4/nu``; (b) for each t, the smallest
``E[X 1_E]`` over events with ``P(E) >= P0`` — the *lower partial expectation* of ``X = ||r_t||^2``,
the mean of its lowest P0-fraction — is at most the bound. (If the true factor is larger than
``1 - 4/nu``, (a) and (b) are still implied: both weaken as P0 decreases.) Read this way the
probability ``1 - 4/nu`` is not positive for ``3 <= nu <= 4``, where the statement is empty
(hypothesis false, verdict vacuous); the default is nu = 10.

Monte Carlo over ``runs`` independent SGD runs (seeded). Confidence: by the DKW inequality the
true CDF is within ``eps_N = sqrt(log(1/delta)/(2N))`` of the empirical one with probability
``1 - delta``, so the lower partial expectation at P0 is at least the empirical one at
``P0 - eps_N`` (a distribution-free lower confidence bound), and the stay-in-D probability at most
its empirical frequency plus ``eps_N`` (Hoeffding). The check is *inconsistent* only when a
95% bound excludes the statement: ratio = max over t of LCB_t / bound_t, replaced by
``P0 / UCB(stay)`` when that exceeds 1.
Constants certified (linear, GLM), the verdict statistical: regime ``estimated``.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import models.least_squares.gd as lsgd
from theorems._core import ESTIMATED, HYP_CERTIFIED, HYP_FALSE, Check, Measurement, Testing, regime_of
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems.oymak19 import _problems, _rounding
from theorems.oymak19.theorem21 import build_instance
from theorems.oymak19 import _quantifiers as Q
from theorems.oymak19._refusals import REFUSES

DELTA = 0.05
#: the rate's constant: rho = 1 - RATE_FACTOR eta alpha^2 / n (the statement's 1/2)
RATE_FACTOR = 0.5
NU = Field("nu", "float", "radius factor nu >= 3 (D = B(theta0, nu r0/alpha)); the probability 1 - 4/nu is positive only for nu > 4", required=False, default=10.0, minimum=3.0)
RUNS = Field("runs", "int", "Monte Carlo runs", required=False, default=400, minimum=10, maximum=100_000)
SEED = Field("seed", "int", "seed of the sampling", required=False, default=0, minimum=0)


def lower_partial_mean(sorted_x: np.ndarray, level: float) -> float:
    """``(1/N) sum of the floor(level N) smallest`` plus the fractional part of the next: the mean
    of X over its lowest ``level`` fraction, times ``level`` (an event of probability ``level``)."""
    N = sorted_x.size
    if level <= 0:
        return 0.0
    k = level * N
    whole = int(np.floor(k))
    total = sorted_x[:whole].sum() + (k - whole) * (sorted_x[whole] if whole < N else 0.0)
    return float(total / N)


def _evaluate(inst: dict) -> Measurement:
    prob = _problems.problem(inst)
    y, theta0 = inst["y"], inst["theta0"]
    n = prob.shape[0]
    r0 = float(np.linalg.norm(prob.f(theta0) - y))
    e0 = _rounding.residual_error(prob, theta0, y)
    c = prob.constants()
    nu = inst["nu"]
    emax = c.alpha**2 / (nu * c.beta**2 * c.B**2 + nu * c.beta * c.B * c.L * (r0 + e0)) * (1 - 8 * _rounding.EPS)
    hyps = {"Assumptions 1-2 and row norms <= B on D": HYP_CERTIFIED if c.alpha > 0 else HYP_FALSE,
            "P(E) >= 1 - 4/nu > 0 (else the statement is empty)": HYP_CERTIFIED if nu > 4 else HYP_FALSE}
    if inst.get("step_size"):
        eta = inst["step_size"]
        hyps["eta <= alpha^2/(nu beta^2 B^2 + nu beta B L r0)"] = HYP_CERTIFIED if eta <= emax else HYP_FALSE
    else:
        eta = inst["step_fraction"] * emax
        hyps["eta <= alpha^2/(nu beta^2 B^2 + nu beta B L r0)"] = HYP_CERTIFIED
    N = inst["runs"]
    runs = lsgd.sgd_runs(prob, theta0, y, step_size=eta, steps=inst["steps"], runs=N, seed=inst["seed"])
    P0 = max(1 - 4 / nu, 0.0)
    eps_n = np.sqrt(np.log(1 / DELTA) / (2 * N))
    log_rho = np.log1p(-min(RATE_FACTOR * eta * c.alpha**2 / n, 1.0))
    t = np.arange(runs.residual.shape[1])
    bound = np.exp(t * log_rho) * r0**2
    X2 = np.sort(runs.residual**2, axis=0)
    point = np.array([lower_partial_mean(X2[:, k], P0) for k in t])
    lcb = np.array([lower_partial_mean(X2[:, k], max(P0 - eps_n, 0.0)) for k in t])
    R = nu * r0 / c.alpha if c.alpha > 0 else np.inf
    stay = float(np.mean(runs.distance.max(axis=1) <= R))
    ucb_stay = min(stay + eps_n, 1.0)
    rate_ratio = lcb[1:] / bound[1:] if t.size > 1 else np.zeros(0)
    k = int(np.argmax(rate_ratio)) + 1 if rate_ratio.size else 0
    ratio = float(rate_ratio.max()) if rate_ratio.size else 0.0
    if ucb_stay < P0:  # (a) fails with 95% confidence: enters the ratio only then (it is >= P0 otherwise, uninformative)
        ratio = max(ratio, P0 / ucb_stay if ucb_stay > 0 else np.inf)
    # rounding: the residuals are off by at most the residual bound at theta0's scale; relative ~1e-13
    tol = 4 * (n + 2) * _rounding.EPS * max(1.0, float(runs.residual.max()) / max(r0, 1e-300)) + 2 * e0 / max(r0, 1e-300)
    return Measurement(
        check="oymak19/theorem3.1",
        lhs=float(lcb[k]) if k else np.nan,
        rhs=float(bound[k]) if k else np.nan,
        ratio=ratio,
        regime=regime_of(ESTIMATED, hyps),
        hypotheses=hyps,
        constants={"alpha": c.alpha, "beta": c.beta, "B": c.B, "L": c.L, "eta": eta, "eta_max": emax, "P0": P0,
                   "stay_in_D_frequency": stay, "max_point_ratio": float((point[1:] / bound[1:]).max()) if t.size > 1 else np.nan,
                   "speedup_exponent": float(np.log(point[-1] / (P0 * r0**2)) / (t[-1] * log_rho)) if point[-1] > 0 and t[-1] > 0 and log_rho < 0 else np.nan},
        details={"runs": N, "worst_step": k, "dkw_epsilon": float(eps_n), "confidence": 1 - DELTA,
                 "rate_ratio_lcb": float(rate_ratio.max()) if rate_ratio.size else None, "stay_ratio": P0 / ucb_stay if ucb_stay > 0 else None},
        tolerance=tol,
    )


@st.composite
def _strategy(draw):
    """Linear and GLM problems of :func:`theorems.oymak19.theorem21.instances` (every declared range
    reached on log scales) with 200 SGD runs, horizons of 1 to 1000 steps and nu from 3 (the
    statement empty: vacuous) to 3000, from one seeded generator."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inst = build_instance(rng, models=("linear", "glm"), corner="far" if rng.uniform() < 0.15 else None)  # fewer draws: far more often
    steps = inst["steps"] if inst["steps"] in (1, 1000) else int(rng.choice([3, 200]))
    return {**inst, "nu": float(rng.choice([3.0, 5.0, 10.0, 100.0, 3000.0])), "seed": int(rng.integers(0, 1001)), "runs": 200, "steps": steps}


def _check(inst):
    _problems.validate(inst, ("linear", "glm"))


register(
    Check(
        id="oymak19/theorem3.1", sweep={"quick": 20, "full": 200},
        quantifiers=Q.SGD,
        title="SGD: E[||r_t||^2 1_E] <= (1 - eta alpha^2/(2n))^t r0^2 on an event of probability >= 1 - 4/nu; Monte Carlo, 95% DKW bounds",
        testing=Testing(examples=15),
        refuses=REFUSES["oymak19/theorem3.1"],
        statement="E[||f(theta_t) - y||^2 1_E] <= (1 - eta alpha^2/(2n))^t ||f(theta0) - y||^2 for all t, on an event E with "
        "P(E) >= 1 - 4/nu on which SGD stays in D = B(theta0, nu r0/alpha), under Assumptions 1-2, row norms ||J_i|| <= B "
        "on D, nu >= 3 and eta <= alpha^2/(nu beta^2 B^2 + nu beta B L r0) (Theorem 3.1; the probability's factor, "
        "garbled in our text, read as 1 - 4/nu)",
        derivation="""lhs = LCB_t, rhs = (1 - eta alpha^2/(2n))^t r0^2 at the worst step t >= 1, ratio = max_t LCB_t / bound_t,
replaced by P0 / UCB(stay) when that exceeds 1 (P0 = 1 - 4/nu). E is not named, so the check tests
consequences that hold for every event of probability >= P0: (a) P(SGD stays in D) >= P0, and (b) for each
t the lower partial expectation of ||r_t||^2 at P0 (the smallest E[X 1_E] over such events: the mean of
its lowest P0-fraction) is at most the bound. Over `runs` seeded SGD runs (one uniformly drawn sample per
step, models.least_squares.gd), by the DKW inequality the lower partial expectation at P0 - eps_N,
eps_N = sqrt(log(1/0.05)/(2N)), is a 95% lower confidence bound LCB_t, and the stay frequency + eps_N an
upper one (UCB); ratio > 1 only when a 95% bound excludes the statement.

Regime estimated: the constants alpha, beta, B, L are certified (linear and GLM models,
models.least_squares), the verdict is statistical. Hypotheses, certified or false: alpha > 0, the step
rule (eta = step_fraction x its maximum, 8 ulps below, or an explicit step_size), and 1 - 4/nu > 0 (for
3 <= nu <= 4 the statement is empty: vacuous). Tolerance: 4 (n + 2) eps max(1, max ||r_t|| / r0) +
2 e0/r0, the residuals' rounding relative to r0.""",
        equation="Theorem 3.1",
        regime=ESTIMATED,
        hypotheses={"Assumptions 1-2 and row norms <= B on D": "certified constants", "eta <= alpha^2/(nu beta^2 B^2 + nu beta B L r0)": "the step rule",
                    "P(E) >= 1 - 4/nu > 0": "nu > 4, else the statement is empty"},
        spec=Spec(_problems.FIELDS + (NU, RUNS, SEED), check=_check, title="linear or GLM problem, SGD", cost=_problems.cost),
        evaluate_validated=_evaluate,
        strategy=_strategy,
    )
)
