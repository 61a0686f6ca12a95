"""Training dynamics of E, Ma, Wang, Wu (2019): Theorems 3.2, 7.1, 6.6 and Proposition 5.1.
**Measured**: the depth conditions ``L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3)`` carry unnamed
constants (Proposition 5.1 states 3000 lambda_n^-3: 1e8 or more for the data here), and the
step rule ``eta <~ lambda_n / L`` an unnamed one. Each result says how far the instance is from the
stated regime (``L lambda_n^3`` and ``L / (3000 lambda_n^-3)``); a ratio above 1 is outside the
envelope, not a counterexample.

- ``e19/theorem7.1``: GD (7.1) with ``eta = kappa lambda_n / L`` (``kappa`` the unnamed constant,
  default 10): ratio ``max_{t > 0} R_t / ((1 - lambda_n eta L / 8)^t R_0)`` (t = 0 is an equality); ``rate_ratio`` = how many times
  faster ``R_t`` decays than the bound (fitted per-step exponent over the bound's).
- ``e19/theorem3.2``: gradient flow (2.4), followed by GD with ``eta = 0.05 / (L lambda_max(H(Theta0)))``
  (time ``t = k eta``; the step is ~40x below the stable one) until ``L lambda_n t / 2 = 3``: ratio
  ``max_t R(t) / (exp(-L lambda_n t / 2) R(0))``, and ``rate_ratio`` as above.
- ``e19/proposition5.1``: on the same flow, how far Theta moves as the effective c
  (``c_t = L max_l`` block deviation, :func:`models.skip_resnet.gd.effective_radius`) against
  ``c_n = 8 / lambda_n``: ratio ``max_t c_t / c_n``.
- ``e19/theorem6.6``: ``sup_t sup_x |f(x; Theta_t) - f~(x; a_t, B0)|`` along the flow, x over the data and
  ``N_EVAL`` random points of the sphere, at every depth of ``depths`` and ``seeds`` draws: the fitted
  exponent of L with a 95% interval against the theorem's ``-3/2`` (ratio ``10^(lo + 3/2)``
  (:func:`theorems._fit.law_ratio`): above 1 when even the fastest slope the data allow is slower
  than ``L^{-3/2}``), and the constant in front of ``c_n^3 n / L^{3/2}`` (reported; ``c_n^3 = 512/lambda_n^3``
  makes it ~1e-6 here, so it could not fail).

For tanh the constant ``lemma4.4_quantile_bound`` is :func:`theorems.e19.gram.certificate`'s proven upper
bound on the delta-quantile (delta = 0.1) of ``lambda_min(H(Theta0)) / lambda_n`` at the instance's depth:
below 3/4 (tanh with n > d, m >= 2) Lemma 4.4's event, on which the proofs of Theorems 3.2 and 7.1 rest,
is certified false, and the rates ``L lambda_n / 2``, ``lambda_n eta L / 8`` then outrun the slow direction
of ``H(Theta0)`` (its eigenvalue is ~``lambda_min(K_m)``) for labels along it.

The targets are the instance's labels ``y``; :func:`instance` draws them at random or adversarially
(``y`` along the eigenvector of the smallest eigenvalue of ``H(Theta0)``, the slowest direction).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np
from models._shared.lazy import torch  # imported at first use: registration stays torch-free
from hypothesis import strategies as st

import models.skip_resnet.network as sr
import models.skip_resnet.gd as gd
import models.skip_resnet.kernel as kk
import models.skip_resnet.sweeps as sw
from theorems._core import HYP_CERTIFIED, HYP_FALSE, HYP_NOT_CHECKABLE, MEASURED, Check, InstanceError, Measurement, Testing, regime_of
from theorems._fit import fit_power_law, law_ratio
from theorems import _limits
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems.e19 import _params, gram
from theorems.e19 import _quantifiers as Q
from theorems.e19._refusals import REFUSES

#: the flow's time horizon: L lambda_n t / 2 = FLOW_HORIZON
FLOW_HORIZON = 3.0
#: the flow's GD step, as a fraction of 1 / (L lambda_max(H(Theta0)))
FLOW_STEP = 0.05
#: random evaluation points of the sphere for Theorem 6.6
N_EVAL = 20
#: Proposition 5.1's radius c_n = C_N / lambda_n
C_N = 8.0
#: Proposition 5.1's depth constant
PROP51_DEPTH = 3000

#: the ranges each check quantifies over, what the strategy reaches, and what it does not (and why)
QUANTIFIERS = {f"e19/{name}": {
    "activation": {"range": "any 1-Lipschitz sigma, sigma(0) = 0", "reached": ["relu", "tanh"]},
    "n, d": {"range": "n >= 2, lambda_n > 0", "reached": "n in [2, 3], d = 3 (n <= d); n = 3, d = 2 for relu"},
    "m": {"range": "m >= 1", "reached": [2, 4]},
    "L": {"range": "L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3) (unnamed constants)", "reached": [50, 200, 400]},
    "labels": {"range": "|y_i| <= 1", "reached": ["random", "slow (bottom eigenvector of H(Theta0))"]},
    "not reached": "m >= 16 (a run at L = 400 takes ~20 s); tanh with n > d: lambda_n <= 1.5e-3 (n = 3, d = 2) makes "
                   "the horizon ~120 lambda_max/lambda_n ~ 2e4 steps per run; for tanh the lemma4.4_quantile_bound constant reports that Lemma 4.4's event is "
                   "certified false there (e19/lemma4.4 erratum)",
} for name in ("theorem7.1", "theorem3.2", "proposition5.1", "theorem6.6")}

FIELDS = (
    Field("activation", "str", "relu | tanh"),
    Field("X", "matrix", "data points on the unit sphere, n x d"),
    Field("y", "vector", "labels, |y_i| <= 1"),
    Field("m", "int", "width of every block", minimum=1, maximum=1000),
    Field("L", "int", "depth (L - 1 blocks)", minimum=2, maximum=20_000),
    Field("seed", "int", "seed of the initialisation (2.5)", required=False, default=0, minimum=0),
    Field("kappa", "float", "GD step eta = kappa lambda_n / L (Theorem 7.1's unnamed constant)", required=False, default=10.0, minimum=0),
    Field("steps", "int", "GD steps for Theorem 7.1 (default: until the bound has decayed by e^-3)", required=False, minimum=1, maximum=200_000),
    Field("depths", "object", "Theorem 6.6: {\"L\": [depths], \"seeds\": k} (default 4 depths from L/8 to L, 3 seeds)", required=False),
)


def _validate(inst: dict) -> None:
    _params.validate_data(inst)
    if kk.lambda_n(inst["X"], inst["activation"]) <= 0:
        raise InstanceError("lambda_n <= 0: Assumption 2.1 fails for this data set")


_SPEC = Spec(FIELDS, check=_validate, title="E-Ma-Wang-Wu training run: data, width, depth, step")


def _key(inst: dict) -> str:
    return json.dumps({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in inst.items() if v is not None}, sort_keys=True)


def _eval_points(inst: dict) -> np.ndarray:
    rng = np.random.default_rng(inst["seed"] + 12345)
    Z = rng.standard_normal((N_EVAL, inst["X"].shape[1]))
    return np.vstack([inst["X"], Z / np.linalg.norm(Z, axis=1, keepdims=True)])


def _flow(inst: dict, L: int, seed: int) -> dict:
    X, act = inst["X"], inst["activation"]
    d, m = X.shape[1], inst["m"]
    lam = kk.lambda_n(X, act)
    p0 = sr.init(d, m, L, seed=seed)
    lmax = float(torch.linalg.eigvalsh(sw.gram(p0, torch.as_tensor(X), act))[-1])
    eta = FLOW_STEP / (L * lmax)
    K = math.ceil(2 * FLOW_HORIZON / (L * lam) / eta)
    _limits.enforce(cost("theorem3.2", steps=K)({**inst, "L": L}))
    rec = np.unique(np.linspace(0, K, 61).astype(int))
    tr = gd.gd(p0, X, inst["y"], act, eta, K, record=rec, X_eval=_eval_points(inst))
    return {"t": rec * eta, "risk": tr.risk, "radius": tr.radius, "gap": np.abs(tr.f_eval - tr.f_rf_eval).max(axis=1), "eta": eta, "lam": lam}


@lru_cache(maxsize=16)
def _flow_cached(key: str, L: int, seed: int) -> dict:
    return _flow(_SPEC.validate(json.loads(key)), L, seed)


def _regime(inst: dict, lam: float, L: int) -> tuple[dict, dict]:
    n = inst["X"].shape[0]
    hyps = {"|y_i| <= 1": HYP_CERTIFIED if np.all(np.abs(inst["y"]) <= 1) else HYP_FALSE,
            "L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3) (unnamed constants)": HYP_NOT_CHECKABLE}
    consts = {"lambda_n": lam, "L*lambda_n^3": L * lam**3, "L/(3000 lambda_n^-3)": L * lam**3 / PROP51_DEPTH,
              "L*lambda_n^2/ln(10 n^2)": L * lam**2 / math.log(10 * n**2)}
    if inst["activation"] == "tanh":
        consts["lemma4.4_quantile_bound"] = gram.certificate(inst["X"], inst["m"], L, 0.1, lam)["q"]
    return hyps, consts


def _rate_ratio(t, risk, bound_exponent: float) -> float:
    """Fitted decay exponent of ``R`` (least squares of log R on t, points above 1e-25 R_0) over the
    bound's exponent: how many times faster than the bound."""
    ok = risk > 1e-25 * risk[0]
    if ok.sum() < 3:
        return math.inf
    slope = np.polyfit(t[ok], np.log(risk[ok]), 1)[0]
    return float(-slope / bound_exponent)


def _evaluate_71(inst: dict) -> Measurement:
    X, act, L = inst["X"], inst["activation"], inst["L"]
    lam = kk.lambda_n(X, act)
    eta = inst["kappa"] * lam / L
    q = 1 - lam * eta * L / 8
    if q <= 0:
        raise InstanceError(f"kappa = {inst['kappa']} makes 1 - lambda_n eta L / 8 = {q:.3g} <= 0")
    steps = inst.get("steps") or math.ceil(FLOW_HORIZON / -math.log(q))
    _limits.enforce(cost("theorem7.1", steps=steps)(inst))
    rec = np.unique(np.linspace(0, steps, 61).astype(int))
    tr = gd.gd(sr.init(X.shape[1], inst["m"], L, seed=inst["seed"]), X, inst["y"], act, eta, steps, record=rec)
    bound = q**rec * tr.risk[0]
    ratio = float((tr.risk[1:] / bound[1:]).max())  # t = 0 is an equality
    hyps, consts = _regime(inst, lam, L)
    hyps["eta <~ lambda_n / L (unnamed constant kappa)"] = HYP_NOT_CHECKABLE
    return Measurement(
        check="e19/theorem7.1", lhs=ratio, rhs=1.0, ratio=ratio, regime=regime_of(MEASURED, hyps), hypotheses=hyps,
        constants={"max_t R_t/bound_t": ratio, "rate_ratio": _rate_ratio(rec.astype(float), tr.risk, -math.log(q)), "kappa": inst["kappa"],
                   "R_0": float(tr.risk[0]), "R_end": float(tr.risk[-1]),
                   "max_c_t": float(tr.radius.max()), **consts},
        details={"steps": int(steps), "risk": tr.risk.tolist(), "recorded": rec.tolist()},
    )


def _evaluate_32(inst: dict) -> Measurement:
    L = inst["L"]
    fl = _flow_cached(_key(inst), L, inst["seed"])
    lam = fl["lam"]
    bound = np.exp(-L * lam * fl["t"] / 2) * fl["risk"][0]
    ratio = float((fl["risk"][1:] / bound[1:]).max())  # t = 0 is an equality
    hyps, consts = _regime(inst, lam, L)
    return Measurement(
        check="e19/theorem3.2", lhs=ratio, rhs=1.0, ratio=ratio, regime=regime_of(MEASURED, hyps), hypotheses=hyps,
        constants={"max_t R(t)/bound(t)": ratio, "rate_ratio": _rate_ratio(fl["t"], fl["risk"], L * lam / 2), "R_0": float(fl["risk"][0]),
                   "R_end": float(fl["risk"][-1]), **consts},
        details={"flow_step": fl["eta"], "horizon": FLOW_HORIZON, "risk": fl["risk"].tolist(), "t": fl["t"].tolist()},
    )


def _evaluate_51(inst: dict) -> Measurement:
    L = inst["L"]
    fl = _flow_cached(_key(inst), L, inst["seed"])
    lam = fl["lam"]
    c_n = C_N / lam
    ratio = float(fl["radius"].max() / c_n)
    hyps, consts = _regime(inst, lam, L)
    return Measurement(
        check="e19/proposition5.1", lhs=float(fl["radius"].max()), rhs=c_n, ratio=ratio, regime=regime_of(MEASURED, hyps), hypotheses=hyps,
        constants={"max_t c_t": float(fl["radius"].max()), "c_n = 8/lambda_n": c_n, **consts},
        details={"radius": fl["radius"].tolist(), "t": fl["t"].tolist()},
    )


def _depths(inst: dict) -> tuple[list[int], int]:
    spec = inst.get("depths") or {}
    L = inst["L"]
    depths = _limits.int_list(spec, "depths", "L", sorted({max(2, L // 8), max(2, L // 4), max(2, L // 2), L}))
    seeds = spec.get("seeds", 3)
    if not isinstance(seeds, (int, float)) or isinstance(seeds, bool) or not float(seeds).is_integer():
        raise InstanceError(f"field 'depths': seeds must be an integer, got {seeds!r}"[:200])
    seeds = int(seeds)
    if len(depths) < 3 or seeds < 1 or max(depths) > 20_000:
        raise InstanceError("field 'depths': give at least 3 depths in [2, 20000] and an integer seeds >= 1")
    return depths, seeds


def cost(which: str, steps: float | None = None):
    """GD on n points through L - 1 blocks of m x d per step, the initial Gram (n x n over all
    parameters), for the flows the evaluation points at 61 records; Theorem 6.6 runs a flow per depth
    and seed. Unknown run lengths (they need lambda_n) count as their lower bounds here and are
    checked again by the evaluators (``steps``)."""
    def estimate(inst: dict) -> _limits.Cost:
        (n, d), m = inst["X"].shape, inst["m"]
        depths, seeds = _depths(inst) if which == "theorem6.6" else ([inst["L"]], 1)
        K = steps or inst.get("steps") or (max(24 / inst["kappa"], 1.0) if which == "theorem7.1" and inst["kappa"] > 0 else 120.0)
        runs = float(sum(depths)) / max(depths)
        sizes = {"n": ("X", n), "d": ("X", d), "m": ("m", m), "L": ("depths" if which == "theorem6.6" else "L", max(depths)),
                 "steps": ("steps" if inst.get("steps") else "kappa", K)}
        if which == "theorem6.6":
            sizes["seeds"] = ("depths", seeds)
        evals = 0 if which == "theorem7.1" else N_EVAL

        def formula(s):
            n, d, m, L, K, S = s["n"], s["d"], s["m"], s["L"], s["steps"], s.get("seeds", 1.0)
            P = (L - 1) * m * (2 * d + 2)
            mem = _limits.F8 * (4 * P + 4 * (n + evals) * (L - 1) * (m + d) + n * P)
            return mem, runs * S * (K * (12 * n * P + (L - 1) * _limits.STEP_TORCH) + 61 * 4 * (n + evals) * P + 2 * n * n * P)

        return _limits.Cost(sizes, formula)

    return estimate


def _evaluate_66(inst: dict) -> Measurement:
    depths, seeds = _depths(inst)
    key = _key(inst)
    gaps = np.array([[_flow_cached(key, Lq, inst["seed"] + s)["gap"].max() for s in range(seeds)] for Lq in depths])
    lam = kk.lambda_n(inst["X"], inst["activation"])
    n = inst["X"].shape[0]
    c_n = 8 / lam
    front = gaps.max(axis=1) * np.asarray(depths, dtype=float) ** 1.5 / (c_n**3 * n)
    fit = fit_power_law(np.repeat(depths, seeds), gaps.ravel())
    hyps, consts = _regime(inst, lam, max(depths))
    ratio = law_ratio(fit, -1.5)
    return Measurement(
        check="e19/theorem6.6", lhs=ratio, rhs=1.0, ratio=ratio, regime=regime_of(MEASURED, hyps), hypotheses=hyps,
        constants={"exponent": fit.slope, "exponent_lo": fit.lo, "exponent_hi": fit.hi, "theorem_exponent": -1.5,
                   "front_constant_max": float(front.max()), "exponent_margin": -1.5 - fit.hi, **consts},
        details={"depths": depths, "seeds": seeds, "max_gap": gaps.max(axis=1).tolist(), "fit": fit.to_json()},
    )


# ------------------------------------------------------------------------------ instances


def instance(act: str, n: int, d: int, m: int, L: int, seed: int, labels: str = "random", kappa: float = 10.0) -> dict:
    """Well-separated data (:func:`theorems.e19.gram._data` with 0.1 noise: rows of a random orthogonal
    matrix when n <= d, a regular simplex when n = d + 1), labels ``random`` (uniform in [-1, 1]) or
    ``slow`` (the eigenvector of lambda_min(H(Theta0)), scaled to max |y| = 1: the slowest direction of
    the linearised flow)."""
    rng = np.random.default_rng(seed)
    X = np.asarray(gram._data(rng, n, d, 0.1))
    if labels == "slow":
        H0 = sw.gram(sr.init(d, m, L, seed=seed), torch.as_tensor(X), act).numpy()
        v = np.linalg.eigh(H0)[1][:, 0]
        y = v / np.abs(v).max()
    else:
        y = rng.uniform(-1, 1, n)
    return {"activation": act, "X": X.tolist(), "y": y.tolist(), "m": m, "L": L, "seed": seed, "kappa": kappa}


def strategy():
    """ReLU and tanh, 2 or 3 points in d = 3, or (ReLU) 3 points in d = 2 (n > d: a triangle), widths 2
    and 4, depths 50 to 400, random and slow labels (:data:`QUANTIFIERS`)."""
    def build(act, n, above, m, L, seed, labels):
        n, d = (3, 2) if above and act == "relu" else (n, 3)
        return instance(act, n, d, m, L, seed, labels)

    return st.builds(build, st.sampled_from(sr.ACTIVATIONS), st.integers(2, 3), st.booleans(), st.sampled_from([2, 4]),
                     st.sampled_from([50, 200, 400]), st.integers(0, 10_000), st.sampled_from(["random", "slow"]))


_CHECKS = [
    ("theorem7.1", _evaluate_71, "R_t <= (1 - lambda_n eta L / 8)^t R_0 along GD with eta = kappa lambda_n / L", "Theorem 7.1, (7.1), (7.2)"),
    ("theorem3.2", _evaluate_32, "R(t) <= exp(-L lambda_n t / 2) R(0) along the gradient flow", "Theorem 3.2, (2.4), (3.2)"),
    ("proposition5.1", _evaluate_51, "the flow stays in I_{c_n}(Theta0), c_n = 8/lambda_n", "Proposition 5.1"),
    ("theorem6.6", _evaluate_66, "sup_t sup_x |f(x; Theta_t) - f~(x; a_t, B0)| <~ c_n^3 n / L^{3/2}", "Theorem 6.6, Lemma 6.4"),
]

_FLOW = ("The flow (2.4) is followed by GD from Theta0 = a draw of (2.5) (seed) with eta = 0.05 / (L lambda_max(H(Theta0))), "
         "~40x below the stable step, time t = k eta, until L lambda_n t / 2 = 3 (61 recorded times; models.skip_resnet.gd).")
_REGIME = """Regime measured: the depth condition L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3) has unnamed
constants (Proposition 5.1 states 3000 lambda_n^-3, 1e8 or more for these data), so it is not checkable;
the constants report how far the instance is from it (L lambda_n^3, L / (3000 lambda_n^-3)). The envelope is
the bound itself: ratio > 1 is outside it, not a counterexample. |y_i| <= 1 (Sec. 2.1) is certified or
false on the instance; lambda_n = lambda_min(K) > 0 (Assumption 2.1, (2.7)) is enforced by the schema."""

#: check -> (statement, derivation)
TEXTS = {
    "theorem7.1": ("R_n(Theta_t) <= (1 - lambda_n eta L / 8)^t R_n(Theta0) for all t along GD (7.1) with step eta = kappa lambda_n / L "
                   "(Theorem 7.1, eta <~ lambda_n / L with kappa its unnamed constant)",
                   "lhs = ratio = max over the recorded steps t > 0 of R_t / ((1 - lambda_n eta L / 8)^t R_0) (t = 0 is an "
                   "equality), rhs = 1. GD (7.1) from Theta0 = a draw of (2.5) (seed), width m, L - 1 blocks, eta = kappa "
                   "lambda_n / L (kappa default 10; refused when 1 - lambda_n eta L / 8 <= 0), for `steps` steps (default: "
                   "until the bound has decayed by e^-3), R_t recorded at 61 steps (models.skip_resnet.gd, float64 torch). "
                   "Reported: rate_ratio, the fitted decay exponent of R_t over the bound's. The step rule's constant "
                   "kappa is a further not-checkable hypothesis.\n\n" + _REGIME),
    "theorem3.2": ("R_n(Theta_t) <= exp(-L lambda_n t / 2) R_n(Theta0) for all t >= 0 along the gradient flow (2.4) "
                   "(Theorem 3.2, w.p. >= 1 - delta when L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3))",
                   "lhs = ratio = max over the recorded times t > 0 of R(t) / (exp(-L lambda_n t / 2) R(0)) (t = 0 is "
                   "an equality), rhs = 1. " + _FLOW + " Reported: rate_ratio, the fitted decay exponent of R over "
                   "L lambda_n / 2.\n\n" + _REGIME),
    "proposition5.1": ("max_t c_t <= c_n = 8/lambda_n, c_t = L max_l (block deviation of Theta_t from Theta0): the gradient "
                       "flow stays in I_{c_n}(Theta0) (Proposition 5.1)",
                       "lhs = max_t c_t, the effective radius c_t = L times the largest deviation ||a - a0||, ||r - r0||, "
                       "||B - B0||_F, ||C - C0||_F over blocks (Definition 1; models.skip_resnet.gd.effective_radius), "
                       "rhs = c_n = 8/lambda_n, ratio = lhs / rhs. " + _FLOW + "\n\n" + _REGIME),
    "theorem6.6": ("sup_t sup_x |f(x; Theta_t) - f~(x; a_t, B0)| <~ c_n^3 n / L^{3/2}, c_n = 8/lambda_n, along the gradient flow "
                   "(Theorem 6.6): the gap decays at least like L^{-3/2}",
                   "lhs = ratio = 10^(lo + 3/2), rhs = 1, lo the lower end of the 95% t-interval of the exponent b fitted "
                   "to log gap = b log L + const (theorems._fit), over every depth of `depths` (default L/8, L/4, L/2, L) "
                   "and `seeds` draws (default 3). Each gap is the sup over the recorded times and over x in the data and "
                   "20 random points of the sphere of |f(x; Theta_t) - f~(x; a_t, B0)|, f~ the random-feature model "
                   "with the flow's current a_t (Lemma 6.4). Ratio > 1: even the fastest slope the data allow is slower "
                   "than L^{-3/2}. Reported: the front constant gap L^{3/2} / (c_n^3 n) (~1e-6 here: c_n^3 = 512/lambda_n^3 "
                   "makes the bound itself unfalsifiable). " + _FLOW + "\n\n" + _REGIME),
}

for _id, _fn, _title, _eq in _CHECKS:
    register(
        Check(
            id=f"e19/{_id}",
            quantifiers=Q.TRAINING + ((Q.KAPPA, Q.STEPS) if _id == "theorem7.1" else ()),
            title=_title,
            testing=Testing(examples=2),
            refuses=REFUSES[f"e19/{_id}"],
            statement=TEXTS[_id][0],
            derivation=TEXTS[_id][1],
            equation=_eq,
            regime=MEASURED,
            hypotheses={"L >~ max(lambda_n^-2 ln(n^2/delta), lambda_n^-3)": "unnamed constants: not checkable", "|y_i| <= 1": "Sec. 2.1"},
            spec=_SPEC,
            cost=cost(_id),
            evaluate_validated=_fn,
            strategy=strategy,
            sweep={"quick": 4, "full": 40},
            notes="quantifiers: " + str(QUANTIFIERS[f"e19/{_id}"]),
        )
    )
