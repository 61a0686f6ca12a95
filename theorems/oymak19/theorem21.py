"""Theorem 2.1 (rate (2.3), potential (2.4), path (2.5)), Theorem 2.2, Corollary 2.3 and the
improved potential (2.10) of Oymak & Soltanolkotabi (2019).

Each check runs GD with the theorem's step (``step_fraction`` of the maximum, 1 = exactly at
it; or an explicit ``step_size``, whose hypothesis is then checked) and brackets what exact GD
does (:mod:`theorems.oymak19._trajectory`); constants and regimes per model are in
:mod:`theorems.oymak19._setup`.

Tightness. At t = 0 each inequality is an equality, so the checks use measures not pinned there,
each ``<= 1`` iff the inequality holds at that t, maximised over ``t >= 1``:

- rate (2.3): ``t log(1 - eta alpha^2/2) / log(||r_t||^2/||r_0||^2)``: the bound's exponent over
  the measured one (1/ratio = "contracts that many times faster"); reported also as the
  effective constant ``c = min_t (1 - (||r_t||/||r_0||)^{2/t}) / (eta alpha^2)`` against the 1/2;
- potential (2.4): ``(alpha/4) ||theta_t - theta0|| / (||r_0|| - ||r_t||)``: the distance term
  over the drop in residual; the effective constant ``min_t drop/(alpha dist)`` against the 1/4;
- path (2.5): ``sum_{s<t} ||theta_{s+1} - theta_s|| / (4 ||r_0|| / alpha)``; the effective
  constant ``alpha path / ||r_0||`` against the 4. Only partial sums are observed: the check
  certifies each of them (necessary for (2.5)); the tail after the last step is not bounded.

Points whose bracket is wider than ``RESOLUTION`` are skipped and counted; the tolerance is the
widest bracket kept. A skipped point could hide a violation: when the kept points hold, the
measurement is unresolved (:func:`_trajectory.sup_ratio`). The rate's measure (a log of residuals)
leaves out, and counts (``float_floor_steps``), the steps whose residual is at float resolution
(``||r_t|| <= 100 eps ||r_0||``: :func:`at_float_floor`), unless they certainly violate it.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict

import numpy as np
from hypothesis import strategies as st

from theorems._core import CERTIFIED, HYP_CERTIFIED, HYP_FALSE, HYPOTHESES_FALSE, MEASURED, Check, Measurement, Testing
from theorems._instances import Spec
from theorems._registry import register
from theorems.oymak19 import _problems, _setup, _trajectory
from theorems.oymak19._refusals import REFUSES
from theorems.oymak19 import _quantifiers as Q

RESOLUTION = 1e-6
EPS = _setup.EPS

SPEC = Spec(_problems.FIELDS, check=_problems.validate, title="least-squares problem, GD", cost=_problems.cost)
_CACHE: OrderedDict = OrderedDict()


def _key(inst: dict, rule: str) -> str:
    h = hashlib.sha256(rule.encode())
    for k in sorted(inst):
        v = inst[k]
        h.update(k.encode() + (np.ascontiguousarray(v).tobytes() if isinstance(v, np.ndarray) else repr(v).encode()))
    return h.hexdigest()


def cached_setup(inst: dict, rule: str = "theorem2.1") -> _setup.Setup:
    """:func:`_setup.setup`, remembered for the last few instances (the three parts of Theorem 2.1
    are three checks of the same run)."""
    key = _key(inst, rule)
    if key not in _CACHE:
        _CACHE[key] = _setup.setup(inst, rule)
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return _CACHE[key]


# ------------------------------------------------------------------------------- the measures


def _log_ratio(a, b):
    """``log(a / b)``, as ``log1p((a - b) / b)`` where ``a`` is within half of ``b`` (no cancellation in
    the log) and as ``log(a / b)`` elsewhere (no loss in ``1 + (a - b)/b`` for ``a << b``)."""
    d = (a - b) / b
    return np.where(np.abs(d) < 0.5, np.log1p(d), np.log(a / b))


def rate_measure(s: _setup.Setup, factor: float = 0.5):
    """Per t >= 1: ``t log rho / log q_t`` with ``rho = 1 - factor eta alpha^2``, ``q_t = (r_t/r_0)^2``,
    at the computed values and at the worst end of the brackets. Both logarithms are taken as
    ``log1p`` of small differences (``log rho = log1p(-factor eta alpha^2)``, ``log q_t`` by
    :func:`_log_ratio`), so that a step of ``eta alpha^2 ~ 1e-14`` or a residual that moves
    by 1e-14 of itself is measured to a few ulps instead of at float resolution."""
    b = s.run
    t = np.arange(1, b.residual.size)
    r0, e0, r, e = b.residual[0], b.residual_err[0], b.residual[1:], b.residual_err[1:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lrho = np.log1p(-factor * s.eta * s.alpha**2)
        lq = 2 * _log_ratio(r, r0)
        lqu = 2 * _log_ratio(r + e, np.maximum(r0 - e0, 0))
        lq_lo = 2 * _log_ratio(np.maximum(r - e, 0), r0 + e0)
        val = np.where(lq < 0, t * lrho / lq, np.inf)
        up = np.where(lqu < 0, t * lrho / lqu, np.inf)
        c_eff = -np.expm1(lq / t) / (s.eta * s.alpha**2)
    # the exact residual certainly exceeds the bound, decided from finite numbers only (an
    # overflowed residual decides nothing), with a margin for the rounding of the two logarithms
    certain = (lq_lo - t * lrho > 8 * EPS * (np.abs(lq_lo) + t * np.abs(lrho))) & np.isfinite(lq_lo)
    return val, up, {"c_rate_effective": float(np.nanmin(c_eff)) if c_eff.size else np.nan, "certain": certain}


def potential_measure(s: _setup.Setup, k: float = 0.25):
    """Per t >= 1: ``k alpha dist_t / (r_0 - r_t)`` (and at the bracket's worst end)."""
    b = s.run
    drop = b.residual[0] - b.residual[1:]
    drop_lo = (b.residual[0] - b.residual_err[0]) - (b.residual[1:] + b.residual_err[1:])
    dist, dist_up = b.distance[1:], b.distance[1:] + b.distance_err[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.where(drop > 0, k * s.alpha * dist / drop, np.where(dist > 0, np.inf, 0.0))
        up = np.where(drop_lo > 0, k * s.alpha * dist_up / drop_lo, np.inf)
        k_eff = np.where(dist > 0, drop / (s.alpha * dist), np.inf)
    drop_hi = (b.residual[0] + b.residual_err[0]) - np.maximum(b.residual[1:] - b.residual_err[1:], 0)
    lhs_lo = k * s.alpha * np.maximum(dist - b.distance_err[1:], 0)
    certain = (lhs_lo > drop_hi) & np.isfinite(lhs_lo) & np.isfinite(drop_hi)  # lhs certainly above r_0, from finite numbers
    return val, up, {"k_potential_effective": float(k_eff.min()) if k_eff.size else np.nan, "certain": certain}


#: the constant of (2.7)-(2.8): path <= COROLLARY_FACTOR (beta/alpha) ||theta* - theta0||
COROLLARY_FACTOR = 4.0


def path_measure(s: _setup.Setup, k: float = 4.0):
    b = s.run
    bound, bound_lo = k * b.residual[0] / s.alpha, k * (b.residual[0] - b.residual_err[0]) / s.alpha
    val = b.path[1:] / bound
    up = (b.path[1:] + b.path_err[1:]) / bound_lo if bound_lo > 0 else np.full(val.shape, np.inf)
    return val, up, {"C_path_effective": float(s.alpha * b.path[-1] / b.residual[0]) if b.residual[0] > 0 else np.nan}


MEASURES = {"rate": rate_measure, "potential": potential_measure, "path": path_measure}


def at_float_floor(s: _setup.Setup, certain=None) -> np.ndarray:
    """Per step t >= 1: True where the measurement leaves the step out because its residual is at
    float resolution (``||r_t|| <= FLOAT_FLOOR ||r_0||``, ``theorems._horizon``: a ratio there divides
    rounding by rounding), never where the step certainly violates the inequality, and never all of
    them (the first step stays). A residual that rises above the floor again is measured again."""
    from theorems._horizon import FLOAT_FLOOR

    r = s.run.residual
    floor = np.isfinite(r[1:]) & (r[1:] <= FLOAT_FLOOR * r[0])
    if certain is not None:
        floor &= ~np.asarray(certain, dtype=bool)
    if floor.size and floor.all():
        floor[0] = False
    return floor


def _truncated(s: _setup.Setup, val, up, certain, floor: bool = True):
    """``(val, up, certain, left out, kept steps)``: without the steps :func:`at_float_floor` leaves
    out where ``floor`` (the rate measure, a log of residuals; the other measures take differences
    of residuals or path lengths, resolved at the floor too), all of them otherwise."""
    out = at_float_floor(s, certain) if floor else np.zeros(val.shape, dtype=bool)
    keep = ~out
    return val[keep], up[keep], None if certain is None else np.asarray(certain)[keep], int(out.sum()), np.flatnonzero(keep)


def _measurement(check_id: str, s: _setup.Setup, val, up, extra: dict, *, regime=None, hyps=None, floor: bool = False) -> Measurement:
    """``floor``: the measure is the rate's (steps at the float floor leave it: :func:`at_float_floor`)."""
    certain = extra.pop("certain", None)
    val, up, certain, floored, steps = _truncated(s, val, up, certain, floor)
    ratio, tol, k, skipped = _trajectory.sup_ratio(val, up, RESOLUTION, certain)
    sure = bool(certain is not None and k is not None and certain[k])
    at = None if k is None else int(steps[k])  # the step's index among all t >= 1
    resolved = at is not None
    hyps = dict(s.hypotheses if hyps is None else hyps)
    reg = s.regime if regime is None else regime
    if reg == HYPOTHESES_FALSE:
        pass
    return Measurement(
        check=check_id,
        lhs=ratio,
        rhs=1.0,
        ratio=ratio,
        regime=reg,
        hypotheses=hyps,
        constants={"alpha": s.alpha, "beta": s.beta, "L": s.L, "eta": s.eta, "eta_max": s.eta_max, **extra},
        details={
            "worst_step": None if at is None else at + 1,
            "steps": int(s.run.residual.size - 1),
            "unresolved_steps": skipped,
            "float_floor_steps": floored,
            "initial_residual": s.r0,
            "final_residual": float(s.run.residual[-1]),
            "max_deviation_bound": float(s.run.deviation.max()),
            "derivation": {k: v for k, v in s.derivation.items() if isinstance(v, (str, float, bool))},
        },
        tolerance=tol,
        resolved=resolved,
        certain_violation=sure,
    )


def _theorem21(part: str):
    def evaluate(inst: dict) -> Measurement:
        s = cached_setup(inst, "theorem2.1")
        val, up, extra = MEASURES[part](s)
        return _measurement(f"oymak19/theorem2.1/{part}", s, val, up, extra, floor=part == "rate")

    return evaluate


def _theorem22(inst: dict) -> Measurement:
    """Theorem 2.2: the three conclusions of 2.1 under hypotheses at theta0 only; ratio = the
    largest of the three measures (each reported)."""
    s = cached_setup(inst, "theorem2.2")
    parts = {name: fn(s) for name, fn in MEASURES.items()}
    sups = {}
    for name, (v, u, e) in parts.items():
        v, u, c = _truncated(s, v, u, e.get("certain"), name == "rate")[:3]
        sups[name] = _trajectory.sup_ratio(v, u, RESOLUTION, c)
    name = max(sups, key=lambda k: -np.inf if sups[k][2] is None else sups[k][0])
    val, up, _ = parts[name]
    extra = {f"sup_{k}": v[0] for k, v in sups.items()}
    for _, _, e in parts.values():
        extra.update({k: v for k, v in e.items() if k != "certain"})
    extra["certain"] = parts[name][2].get("certain")
    m = _measurement("oymak19/theorem2.2", s, val, up, extra, floor=name == "rate")
    unresolved = sorted(k for k, v in sups.items() if v[2] is None)
    if unresolved and m.holds:  # a part that could not be resolved could hide a violation
        m = dataclasses.replace(m, resolved=False)
    return _with_details(m, worst_part=name, unresolved_parts=unresolved)


def _with_details(m: Measurement, **kw) -> Measurement:
    return dataclasses.replace(m, details={**m.details, **kw})


def _corollary23(inst: dict, k: float | None = None, check_id: str = "oymak19/corollary2.3", regime=None, hyps=None) -> Measurement:
    """(2.7)-(2.8): ``||theta_t - theta0|| <= path_t <= 4 (beta/alpha) ||theta* - theta0||`` with
    theta* exact (linear, GLM: the projection of theta0 on the affine solution set). Ratio: the
    largest of ``dist_t / path_t`` (first inequality; <= 1 up to rounding) and
    ``path_t / (4 beta/alpha ||theta* - theta0||)`` (the former only where it exceeds 1: it is an
    equality at t = 1); the constant ``alpha path / (beta ||theta* - theta0||)``
    is reported against the 4 (and the 1 of (2.12)). ``k`` (default :data:`COROLLARY_FACTOR`),
    ``check_id``, ``regime`` and ``hyps`` serve :func:`_eq212`, the same measure with 1 in place of 4."""
    s = cached_setup(inst, "theorem2.1")
    b = s.run
    star = s.prob.closest_solution(inst["theta0"], inst["y"])
    d_star = float(np.linalg.norm(star - inst["theta0"]))
    # theta* by lstsq: relative error <= cond(X) * a few eps; bound it by the residual of X theta* = z
    e_star = _star_error(s.prob, star, inst)
    k = COROLLARY_FACTOR if k is None else k
    bound, bound_lo = k * s.beta / s.alpha * d_star, k * s.beta / s.alpha * max(d_star - e_star, 0.0)
    val = b.path[1:] / bound if bound > 0 else np.full(b.path.size - 1, np.inf)
    up = (b.path[1:] + b.path_err[1:]) / bound_lo if bound_lo > 0 else np.full(val.shape, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(b.path[1:] > 0, b.distance[1:] / b.path[1:], 0.0)
        first_up = np.where(b.path[1:] > 0, (b.distance[1:] + b.distance_err[1:]) / np.maximum(b.path[1:] - b.path_err[1:], 1e-300), 0.0)
        first_lo = np.where(b.path[1:] > 0, np.maximum(b.distance[1:] - b.distance_err[1:], 0) / (b.path[1:] + b.path_err[1:]), 0.0)
    # (2.7)'s first inequality is the triangle inequality, an equality at t = 1: it enters the
    # ratio only where even its lower bracket exceeds 1 (a certain failure)
    bad = first_lo > 1
    val, up = np.where(bad, np.maximum(val, first), val), np.where(bad, np.maximum(up, first_up), up)
    extra = {"distance_to_theta_star": d_star, "C_cor_effective": float(s.alpha * b.path[-1] / (s.beta * d_star)) if d_star > 0 else np.nan,
             "final_distance_over_theta_star": float(b.distance[-1] / d_star) if d_star > 0 else np.nan}
    return _measurement(check_id, s, val, up, extra, regime=regime, hyps=hyps)


def _eq212(inst: dict) -> Measurement:
    """(2.12) ``||theta_t - theta0|| <= path_t <= (beta/alpha) ||theta* - theta0||``: Corollary 2.3 with
    1 in place of 4 (the supplement's improvement, like (2.10)), measured: its conditions are in the
    supplement. The measure is Corollary 2.3's with factor 1 (ratio = C_cor_effective at the worst step)."""
    s = cached_setup(inst, "theorem2.1")
    hyps = {**s.hypotheses, "Theorem 9.3's conditions (supplement, not available)": "not checkable"}
    return _corollary23(inst, k=1.0, check_id="oymak19/eq2.12", regime=HYPOTHESES_FALSE if s.regime == HYPOTHESES_FALSE else MEASURED,
                        hyps=hyps)


def _star_error(prob, star, inst) -> float:
    """``||theta* computed - theta*|| <= ||X^+|| ||X theta* - z|| + rounding``: the affine system's
    residual, pulled back by ``1/sigma_n(X)`` (an a-posteriori bound), with z = y (linear) or
    ``phi^{-1}(y)`` (GLM, whose inversion error is bounded by ``|phi(z) - y| / gamma``)."""
    X = prob.X
    smin = float(np.linalg.svd(X, compute_uv=False)[-1])
    if smin <= 0:
        return np.inf
    if inst["model"] == "linear":
        z, ez = inst["y"], 0.0
    else:
        z = prob.activation.inverse(inst["y"])
        ez = float(np.linalg.norm(prob.activation.phi(z) - inst["y"])) / prob.activation.gamma + 8 * _setup.EPS * float(np.linalg.norm(z))
    res = float(np.linalg.norm(X @ star - z))
    return (res + ez + 2 * X.shape[1] * _setup.EPS * float(np.linalg.norm(X)) * float(np.linalg.norm(star))) / smin * 1.01


def _eq210(inst: dict) -> Measurement:
    """(2.10) ``alpha ||theta_t - theta0|| + ||r_t|| <= ||r_0||``, measured: its hypotheses are in a
    supplement we do not have. Evaluated under Theorem 2.1's step rule (``rule = theorem2.1``, the
    default) and under the plain ``eta = 1/(2 beta^2)`` (``step_rule = plain``); the ratio is the
    tightness ``alpha dist / drop`` (> 1: (2.10) fails on this instance). Constants are certified
    (same as Theorem 2.1) but the statement's conditions are unknown, hence ``measured``."""
    rule = inst.get("step_rule") or "theorem2.1"
    s = cached_setup(inst, rule)
    val, up, extra = potential_measure(s, k=1.0)
    hyps = {**s.hypotheses, "Theorem 9.3's conditions (supplement, not available)": "not checkable"}
    reg = HYPOTHESES_FALSE if s.regime == HYPOTHESES_FALSE else MEASURED
    m = _measurement("oymak19/eq2.10", s, val, up, {"k_210_effective": extra["k_potential_effective"], "certain": extra["certain"]},
                     regime=reg, hyps=hyps)
    return _with_details(m, step_rule=rule)


# ------------------------------------------------------------------------------- strategies


def _design(rng, n, p):
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((p, n)))
    cond = rng.choice([1.0, 2.0, 10.0, 100.0])
    s = np.geomspace(1.0, 1.0 / cond, n) * rng.uniform(0.2, 5.0)
    return U @ np.diag(s) @ V.T, U


def log_uniform(rng, lo: float, hi: float) -> float:
    """``10^x`` with ``x`` one of the ends ``lo``, ``hi`` (a quarter of the draws each) or uniform
    between them: a log-scale draw that reaches both ends of its range in a few examples."""
    u = rng.uniform()
    return 10.0 ** (lo if u < 0.25 else hi if u < 0.5 else rng.uniform(lo, hi))


#: the corners of the declared ranges, one drawn uniformly per instance: ``far`` (start of norm 1e3,
#: labels 10^-3.5 of f(theta0): initial misfit ~3e3 ||y||), ``near`` (labels f(theta0) plus a relative
#: 10^-3.5: a start near the optimum), ``wide`` (n <= 2, p = 1000), ``tall`` (n = 100; an n x p design
#: is stored whole in every instance, so larger n are left out), ``long`` (1000 steps), ``tiny-step``
#: (eta = 1e-3 of its cap), ``one`` (n = p = 1); ``free``: every choice drawn from its whole range
CORNERS = ("far", "near", "wide", "tall", "long", "tiny-step", "one", "free", "free")
#: starts of a free draw: zero, random (norm 1e-3 .. 10), far (norm 10 .. 1e3, labels small against
#: f(theta0)), near the optimum (labels f(theta0) + a relative 10^-3.5 .. 10^-1)
STARTS = ("zero", "random", "far", "near")


@st.composite
def instances(draw, models=("linear", "glm", "shallow"), scales=(-3.5, 4.0), labels_follow_scale=True):
    """Adversarial-leaning problems that reach every declared range of the quantifiers
    (:mod:`theorems.oymak19._quantifiers`) on log scales: ill-conditioned X (condition up to
    100), n from 1 to 100 and p/n up to 1000, starts from 0 to norm 1e3 and from near the
    optimum to far from it, labels along the bottom or top singular direction or random with
    norms 10^-3.2 .. 10^3.2, activation scale ``s`` (``phi -> s phi``) 10^scales so that gamma,
    Gamma and M each span decades independently of the slope, step fractions 1 down to 1e-3 and
    horizons 1 .. 1000 steps (:data:`CORNERS`). Every choice comes from one seeded generator
    (the seed is Hypothesis' draw): Hypothesis' own choices favour the first options and repeat
    themselves, which left corners unreached in a sweep of a few dozen instances.

    With ``labels_follow_scale`` the labels carry the factor ``s`` (the symmetry
    ``(phi, y) -> (s phi, s y)`` of the hypotheses, under which GD with ``eta -> eta/s^2`` runs the
    same iterates): the relative scale of labels and activation is then drawn independently of
    ``s``, and runs stay above float resolution (with labels fixed and ``s << 1`` the theorem's
    step moves the residual by less than float resolution)."""
    return build_instance(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), models, scales, labels_follow_scale)


def build_instance(rng, models=("linear", "glm", "shallow"), scales=(-3.5, 4.0), labels_follow_scale=True, corner=None) -> dict:
    """One instance of :func:`instances` from the generator ``rng`` (at ``corner``, else a random one)."""
    corner = corner or CORNERS[rng.integers(len(CORNERS))]
    model = models[rng.integers(len(models))]
    if corner == "tall":
        n, extra = 100, int(rng.integers(0, 5))
    elif corner == "wide":
        n, extra = int(rng.integers(1, 3)), 1000
    elif corner == "one":
        n, extra = 1, 0
    else:
        n, extra = int(rng.integers(1, 6)), int(rng.choice([0, 0, 0, 1, 2, 3, 4, 100]))
    steps = 1000 if corner == "long" else int(rng.choice([1, 3, 30, 30, 100] if n <= 5 else [1, 3, 30]))
    inst: dict = {"model": model, "steps": steps}
    if model == "shallow":
        k = 1 if corner == "one" else int(rng.choice([1, 1, 2, 3]))
        d = n + (extra if corner != "wide" else extra // k)
        X, U = _design(rng, n, d)
        v = rng.standard_normal(k)
        inst.update(X=X.tolist(), v=(v / np.linalg.norm(v)).tolist())
        p = k * d
    else:
        p = n + extra
        X, U = _design(rng, n, p)
        inst["X"] = X.tolist()
    s = 1.0
    if model != "linear":
        s = log_uniform(rng, *scales)
        inst["activation"] = {"name": str(rng.choice(["slope-tanh", "leaky-softplus"])), "slope": float(rng.choice([0.05, 0.3, 0.9])), "scale": s}
    start = corner if corner in ("far", "near") else STARTS[rng.integers(len(STARTS))]
    # how far out a start is (a far start's norm and its labels' smallness together): 1 at its corner
    out = 1.0 if corner == start else rng.uniform()
    norm0 = {"zero": 0.0, "random": log_uniform(rng, -3, 1), "far": 10.0 ** (1 + 2 * out), "near": log_uniform(rng, -1, 1)}[start]
    theta0 = rng.standard_normal(p)
    inst["theta0"] = (theta0 / np.linalg.norm(theta0) * norm0).tolist()
    labels = ("bottom", "top", "random")[rng.integers(3)]
    u = {"bottom": U[:, -1], "top": U[:, 0], "random": rng.standard_normal(n)}[labels]
    u = u / np.linalg.norm(u)
    if start in ("far", "near"):
        f0 = Q._fit({**inst, "y": np.zeros(n).tolist()})
        rel = 10.0 ** (-1 - 2.5 * out)
        y = f0 + rel * np.linalg.norm(f0) * u if start == "near" else rel * np.linalg.norm(f0) * u
    else:
        y = u * log_uniform(rng, -3.2, 3.2) * (s if labels_follow_scale else 1.0)
    inst["y"] = y.tolist()
    inst["step_fraction"] = 1e-3 if corner == "tiny-step" else float(rng.choice([1.0, 1.0, 0.5, 0.1, 0.01]))
    return inst


#: instances per sweep profile of the GD checks: a few more than the default (cheap: small problems, a
#: few tall or wide ones), so that the quick profile reaches every corner of :data:`CORNERS`
GD_SWEEP = {"quick": 24, "full": 240}

#: the derivation's paragraphs shared by every check that runs Theorem 2.1's bracketed GD
GD_DERIVATION = """GD runs in float64 (models.least_squares.gd) for `steps` steps with eta = step_fraction x the
rule's maximum step (computed with ||r_0|| rounded up and 8 ulps below the formula: 1 = at the maximum), or
an explicit step_size, whose hypothesis is then certified or false. Every computed iterate is bracketed
against exact-arithmetic GD (theorems.oymak19._trajectory: e_(t+1) <= Lip_t e_t + delta_t from Assumption
1 and the rounding bounds of theorems.oymak19._rounding), which brackets ||r_t||, ||theta_t - theta0|| and
the path length. The measure is taken at the computed values and at the worst end of the brackets; steps
whose bracket is wider than 1e-6 are skipped and counted (any skipped while the kept ones hold: unresolved),
the tolerance is the widest bracket kept, and a step where even the favourable end violates the inequality counts with no
tolerance.

Constants on D = B(theta0, 4 ||r_0||/alpha) (theorems.oymak19._setup): linear, glm, shallow: alpha, beta, L
certified on the whole space (models.least_squares.problems, models.least_squares.shallow), so Assumptions 1 and 2
are certified; lowrank: L certified (J linear in Theta), alpha certified by Weyl (sigma_n(J(Theta0)) - L R)
when that gives a radius below ||Theta0||_F, false when D contains Theta = 0 (J(0) = 0), estimated along
the GD run otherwise; relu-shallow: certified with L = 0 when D contains no kink of relu, otherwise
Assumption 1 is false (the run is still reported, with estimated constants). An estimated hypothesis makes
the result estimated."""


def _register(id_, title, statement, equation, regime, evaluate, spec=SPEC, strategy=instances, hyps=None, derivation="",
              quantifiers=Q.GD, testing=Testing(unresolved_ok=_trajectory.WIDE)):
    register(
        Check(
            id=id_, title=title,
            testing=testing, refuses=REFUSES[id_],
            statement=statement, equation=equation, regime=regime, derivation=derivation,
            quantifiers=quantifiers, sweep=GD_SWEEP,
            hypotheses=hyps or {_setup.A1: "J is L-Lipschitz on D", _setup.A2: "Jacobian well conditioned on D", _setup.STEP: "eta <= min(1, alpha^2/(L r0))/(2 beta^2)"},
            spec=spec, evaluate_validated=evaluate, strategy=strategy,
        )
    )


_register("oymak19/theorem2.1/rate", "||r_t||^2 <= (1 - eta alpha^2/2)^t ||r_0||^2: bound's exponent over the measured one <= 1",
          "||f(theta_t) - y||^2 <= (1 - eta alpha^2/2)^t ||f(theta0) - y||^2 for all t, under Assumptions 1-2 on "
          "D = B(theta0, 4 ||f(theta0) - y||/alpha) and eta <= min(1, alpha^2/(L ||f(theta0) - y||))/(2 beta^2) "
          "(Theorem 2.1, (2.3): geometric decay of the misfit)", "Theorem 2.1, eq. (2.3)", CERTIFIED, _theorem21("rate"),
          derivation="lhs = ratio = max over t >= 1 of t log(1 - eta alpha^2/2) / log(||r_t||^2/||r_0||^2), the bound's "
          "exponent over the measured one (<= 1 iff (2.3) holds at t; t = 0 is an equality, so the plain ratio of the "
          "sides would be pinned there), rhs = 1. Reported: c_rate_effective = min_t (1 - (||r_t||/||r_0||)^(2/t)) / "
          "(eta alpha^2), against the theorem's 1/2.\n\n" + GD_DERIVATION)
_register("oymak19/theorem2.1/potential", "alpha/4 ||theta_t - theta0|| + ||r_t|| <= ||r_0||: (alpha/4) dist / drop <= 1",
          "alpha/4 ||theta_t - theta0|| + ||f(theta_t) - y|| <= ||f(theta0) - y|| for all t, under Theorem 2.1's hypotheses "
          "(Theorem 2.1, (2.4): the potential never increases above its start)", "Theorem 2.1, eq. (2.4)", CERTIFIED, _theorem21("potential"),
          derivation="lhs = ratio = max over t >= 1 of (alpha/4) ||theta_t - theta0|| / (||r_0|| - ||r_t||), the distance term "
          "over the drop in residual (<= 1 iff (2.4) holds at t), rhs = 1. Reported: k_potential_effective = "
          "min_t drop / (alpha dist), against the theorem's 1/4.\n\n" + GD_DERIVATION)
_register("oymak19/theorem2.1/path", "sum ||theta_{t+1} - theta_t|| <= 4 ||r_0|| / alpha: partial sums over the bound <= 1",
          "sum_t ||theta_(t+1) - theta_t|| <= 4 ||f(theta0) - y|| / alpha, under Theorem 2.1's hypotheses "
          "(Theorem 2.1, (2.5): the GD path is short)", "Theorem 2.1, eq. (2.5)", CERTIFIED, _theorem21("path"),
          derivation="lhs = ratio = max over t >= 1 of the partial sum sum_(s<t) ||theta_(s+1) - theta_s|| over "
          "4 ||r_0|| / alpha, rhs = 1. Only partial sums are observed: each is certified (necessary for (2.5)); "
          "the tail after the last step is not bounded. Reported: C_path_effective = alpha path / ||r_0||, against "
          "the theorem's 4.\n\n" + GD_DERIVATION)
_register("oymak19/theorem2.2", "Theorem 2.1's conclusions under conditions at theta0 only (2 alpha <= sigma(J0), ||J0|| <= beta/2, alpha^2 >= 4 L r0), eta = 1/(2 beta^2)",
          "(2.3), (2.4) and (2.5) hold with eta <= 1/(2 beta^2) when 2 alpha <= sigma_min(J(theta0)) <= ||J(theta0)|| <= beta/2, "
          "Assumption 1 holds on D and alpha^2 >= 4 L ||y - f(theta0)|| (Theorem 2.2, (2.6): conditions at the initial "
          "point suffice)", "Theorem 2.2, eq. (2.6)", CERTIFIED, _theorem22,
          derivation="lhs = ratio = the largest of Theorem 2.1's three measures (rate, potential, path; see "
          "oymak19/theorem2.1/*), each reported as sup_rate, sup_potential, sup_path, rhs = 1. The constants are "
          "chosen at theta0: alpha = sigma_n(J(theta0))/2, beta = 2 ||J(theta0)|| (with SVD rounding slack), L the "
          "model's certified Lipschitz constant of J (relu-shallow: none, Assumption 1 false), eta = step_fraction / "
          "(2 beta^2). Hypotheses: alpha > 0 and (2.6) alpha^2 >= 4 L (||r_0|| + its rounding bound), certified or "
          "false on the instance.\n\n" + GD_DERIVATION.split("\n\n")[0],
          hyps={"2 alpha <= sigma_min(J(theta0)) <= ||J(theta0)|| <= beta/2": "at theta0", "alpha^2 >= 4 L ||y - f(theta0)|| (2.6)": "small initial residual", _setup.STEP: "eta <= 1/(2 beta^2)"})
_register("oymak19/corollary2.3", "||theta_t - theta0|| <= sum ||theta_{s+1} - theta_s|| <= 4 (beta/alpha) ||theta* - theta0||, theta* exact",
          "||theta_t - theta0|| <= sum_s ||theta_(s+1) - theta_s|| <= 4 (beta/alpha) ||theta* - theta0|| for all t, theta* the "
          "global optimum closest to theta0, under Theorem 2.1's hypotheses (Corollary 2.3, (2.7)-(2.8): GD ends near "
          "the closest global optimum)", "Corollary 2.3, eqs. (2.7), (2.8)", CERTIFIED, _corollary23,
          derivation="lhs = ratio = max over t >= 1 of path_t / (4 (beta/alpha) ||theta* - theta0||), and of "
          "||theta_t - theta0|| / path_t where even its lower bracket exceeds 1 (the first inequality is the "
          "triangle inequality, an equality at t = 1), rhs = 1. Linear and GLM models only: theta* is exact, the "
          "projection of theta0 on the affine set X theta = z (z = y, or phi^-1(y) for the GLM), computed by least "
          "squares with an a-posteriori error bound (||X theta* - z|| + inversion and rounding error) / sigma_n(X) "
          "that lowers the bound's worst end. Reported: C_cor_effective = alpha path / (beta ||theta* - theta0||), "
          "against the 4 (and the 1 of (2.12)).\n\n" + GD_DERIVATION,
          spec=Spec(_problems.FIELDS, check=lambda i: _problems.validate(i, ("linear", "glm")), title="linear or GLM problem", cost=_problems.cost),
          strategy=lambda: instances(models=("linear", "glm")), quantifiers=Q.GD_LIN)

_register("oymak19/eq2.12", "||theta_t - theta0|| <= sum ||theta_{s+1} - theta_s|| <= (beta/alpha) ||theta* - theta0|| (supplement): measured",
          "||theta_t - theta0|| <= sum_s ||theta_(s+1) - theta_s|| <= (beta/alpha) ||theta* - theta0|| for all t, theta* the global "
          "optimum closest to theta0, under the conditions of the supplement's Theorem 9.3 ((2.12): Corollary 2.3 with the "
          "improved potential (2.10), beta/alpha in place of 4 beta/alpha)", "eq. (2.12)", MEASURED, _eq212,
          derivation="lhs = ratio = max over t >= 1 of path_t / ((beta/alpha) ||theta* - theta0||) (and ||theta_t - theta0|| / "
          "path_t where even its lower bracket exceeds 1), rhs = 1: > 1 means (2.12) fails on this instance. The measure, "
          "theta* and its error bound are oymak19/corollary2.3's with the factor 1 in place of 4; run under Theorem 2.1's step "
          "rule. Regime measured: the constants are certified, but the statement's conditions are in a supplement we do "
          "not have, so that hypothesis is not checkable and the envelope is the inequality itself.\n\n" + GD_DERIVATION,
          spec=Spec(_problems.FIELDS, check=lambda i: _problems.validate(i, ("linear", "glm")), title="linear or GLM problem", cost=_problems.cost),
          strategy=lambda: instances(models=("linear", "glm")), quantifiers=Q.GD_LIN,
          hyps={"Theorem 9.3's conditions": "in the supplement, not available"})

STEP_RULE = _problems.Field("step_rule", "str", "theorem2.1 (default) | plain (eta = 1/(2 beta^2))", required=False, default="theorem2.1")


def _check_210(inst):
    _problems.validate(inst, ("linear", "glm", "shallow"))
    if inst.get("step_rule") not in (None, "theorem2.1", "plain"):
        from theorems._core import InstanceError

        raise InstanceError("step_rule must be theorem2.1 or plain")


_register("oymak19/eq2.10", "alpha ||theta_t - theta0|| + ||r_t|| <= ||r_0|| (supplement's Theorem 9.3): alpha dist / drop <= 1, measured",
          "alpha ||theta_t - theta0|| + ||f(theta_t) - y|| <= ||f(theta0) - y|| for all t, under the conditions of the supplement's "
          "Theorem 9.3 ((2.10): the improved potential with alpha in place of alpha/4)", "eq. (2.10)", MEASURED, _eq210,
          derivation="lhs = ratio = max over t >= 1 of alpha ||theta_t - theta0|| / (||r_0|| - ||r_t||), rhs = 1: > 1 means "
          "(2.10) fails on this instance. Run under Theorem 2.1's step rule (step_rule = theorem2.1, the default) or "
          "eta = 1/(2 beta^2) (plain). Regime measured: the constants are certified as for Theorem 2.1, but the "
          "statement's conditions are in a supplement we do not have, so that hypothesis is not checkable and the "
          "envelope is the inequality itself.\n\n" + GD_DERIVATION,
          spec=Spec(_problems.FIELDS + (STEP_RULE,), check=_check_210, title="least-squares problem, GD, step rule", cost=_problems.cost),
          strategy=lambda: instances().flatmap(lambda i: st.sampled_from(["theorem2.1", "plain"]).map(lambda r: {**i, "step_rule": r})),
          hyps={"Theorem 9.3's conditions": "in the supplement, not available"})
