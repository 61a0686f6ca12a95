"""Lemma 5, Theorem 7 and Corollary 8 of Satpathi & Srikant (2021), Sec. 5: generalisation.

Setting (Corollary 8): ``x`` uniform on the sphere ``||x|| = sqrt(d)``, ``y = (x^T beta)^p`` with
``||beta|| = 1`` (so ``y = phi(x)^T w_bar`` with ``|w_bar|^2 = 1/d_p``, Lemma 6), ``n`` training
points, a network of width m trained by GD from ``kappa^2 = c delta / (d^2 n^1.5)``
(``delta = 0.1``, the theorem's shape with constant 1), test error on ``test_points`` fresh
points. Per sample size n and data seed:

- ``lemma5``: ``D(n, k) = E_x (f(x, w(k)) - f_KR(x))^2`` (eq. 8) along the run. The lemma
  claims ``D <= O(1/sqrt n) + (1 - c eta/2)^k (Y^T H^{-1} Y + O(1))`` for m >= poly(n): the check
  fits the exponent of the final ``D(n, K)`` in n against ``-1/2`` and reports the constant
  ``A = max_k D(n, k) / ((1 - c eta/2)^k (Y^T H^{-1} Y + 1))`` of the transient. At a fixed
  finite width the plateau also carries the finite-width error, which grows with n: the
  fitted exponent mixes the two (the report says so).
- ``theorem7`` (with Corollary 8's targets): ``E(n) = E_x (y - f(x, w(K)))^2``: fitted
  exponent in n against the claimed ``n^{-1/2}``, and the constant
  ``C = E sqrt(n) / (|w_bar|^2 sqrt(d log(1/delta)))``.

Both fit their n-law only where Lemma 5's decay term ``(1 - c eta/2)^K (Y^T H^{-1} Y + 1)`` is
spent (below a tenth of the fitted value on every row, :mod:`theorems._horizon`); otherwise the
law would be the transient's and the measurement is *unresolved*, with the share and the steps
that would do. Lemma 5's transient constant is taken where the decay term is the bound's main
term and above float resolution.

Both are *measured*: m, kappa, eta and the number of steps the statements require (poly(n, d),
``eta = O(c/(dn)^2)``, ``k = Omega(log(n)/(eta c))``) are out of reach. The runs use
``eta = 1/lambda_max(G0)`` and at most ``max_steps`` steps; the final training residual is
reported. Expectations over x are Monte-Carlo means over the test points (their standard error
is reported).

``model: kernel`` is the limit m -> infinity, inside the width hypothesis at every n and d
(:func:`kernel_sweep`): GD on the linearised model in closed form (any number of steps for one
eigendecomposition), D and E averaged over the initial output (a Gaussian process there), the
points drawn at a cost independent of d (:mod:`models.shallow_relu.kernel_limit`). Its plateau
``D(n, K)`` is the initial output's kernel-regression residual: the finite-width error is absent.
The uniformity audits run there (:mod:`theorems.satpathi21._generalisation_audits`).
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

import models.shallow_relu.kernel_limit as kernel_limit
import models.shallow_relu.ntk_series as series
import models.shallow_relu.network as net
import models.shallow_relu.linearised as lin_mod
import models.shallow_relu.training as train
from theorems import _fit, _horizon, _limits
from theorems._core import HYP_NOT_CHECKABLE, MEASURED, Check, InstanceError, Measurement, Testing
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems.satpathi21 import _generalisation_audits as A
from theorems.satpathi21 import _quantifiers as Q
from theorems.satpathi21._refusals import REFUSES

DELTA = 0.1

FIELDS = (
    Field("d", "int", "input dimension (at most 50 for the network model)", minimum=2, maximum=10**9),
    Field("sizes", "vector", "sample sizes n (integers, increasing)"),
    Field("p", "int", "degree of the target y = (x^T beta)^p", minimum=0, maximum=6),
    Field("width", "int", "network width m", minimum=1),
    Field("seeds", "int", "data sets (and initialisations) per sample size", minimum=2, maximum=64),
    Field("test_points", "int", "Monte-Carlo test points", required=False, default=2000, minimum=10),
    Field("max_steps", "int", "GD steps at most", required=False, default=3000, minimum=1),
    Field("model", "str", "network (width-m network trained by GD) | kernel (the limit m -> infinity, closed form; width "
          "then unused)", required=False, default="network"),
)

#: the network model's cap on d (its W is m x (d+1)); the kernel model's cost is independent of d
NETWORK_MAX_D = 50


def _validate(inst: dict) -> None:
    n = inst["sizes"]
    if not np.all(n == np.round(n)) or np.any(n < 2) or np.any(np.diff(n) <= 0) or n.size < 2:
        raise InstanceError("sizes must be increasing integers >= 2, at least two of them")
    inst["sizes"] = n.astype(np.int64)
    if inst["model"] not in ("network", "kernel"):
        raise InstanceError("model must be network or kernel")
    if inst["model"] == "network" and inst["d"] > NETWORK_MAX_D:
        raise InstanceError(f"d must be <= {NETWORK_MAX_D} for the network model (model kernel takes any d)")


def cost(inst: dict) -> _limits.Cost:
    """Per sample size n and seed: GD over n x m(d+1), the test forward pass at 40 records, H and kernel regression
    (model kernel: the draw of N = n + T + 1 points in R^min(d, N), the kernels, one eigendecomposition and 40 records)."""
    ns = np.asarray(inst["sizes"], dtype=float)
    count = float(ns.size)
    kernel = inst.get("model") == "kernel"
    sizes = {"largest n": ("sizes", float(ns.max()) if ns.size else 1.0), "d": ("d", inst["d"]), "width": ("width", inst["width"]),
             "seeds": ("seeds", inst["seeds"]), "test_points": ("test_points", inst["test_points"]), "max_steps": ("max_steps", inst["max_steps"])}
    if kernel:  # the closed form: the width and the number of steps cost nothing
        sizes.pop("width"), sizes.pop("max_steps")

    def formula(s):
        n, d, S, T = s["largest n"], s["d"], s["seeds"], s["test_points"]
        if kernel:
            N = n + T + 1
            dim = min(d, N)
            mem = _limits.F8 * (N * dim + 8 * n * T + 6 * n * n + 80 * n)
            return mem, count * S * (N * dim + 4 * n * T * dim + 30 * n**3 + 12 * n * n * T + 80 * (n * n + n * T))
        m, K = s["width"], s["max_steps"]
        mem = _limits.F8 * (8 * m * (d + 1) + 3 * n * m + 2 * T * m + 41 * T + 6 * n * n + 2 * n * T)
        work = count * S * (K * (8 * n * m * (d + 1) + _limits.STEP_NUMPY) + 80 * T * m * (d + 1) + 2 * n * n * m + 10 * n**3 + 2 * n * T * d)
        return mem, work

    return _limits.Cost(sizes, formula)


SPEC = Spec(FIELDS, check=_validate, title="sample-size sweep", cost=cost)


def sphere_points(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    Z = rng.standard_normal((n, d))
    return Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(d)


_CACHE: dict = {}


def sweep(inst: dict) -> dict:
    """Train one network per (n, seed); record D(n, k) along the run and E(n) at the end."""
    key = (inst["d"], tuple(inst["sizes"]), inst["p"], inst["width"], inst["seeds"], inst["test_points"], inst["max_steps"], inst["model"])
    if key in _CACHE:
        return _CACHE[key]
    if inst["model"] == "kernel":
        _CACHE[key] = rows = kernel_sweep(inst)
        return rows
    d, p, m = inst["d"], inst["p"], inst["width"]
    rows = []
    for n in inst["sizes"]:
        n = int(n)
        for seed in range(inst["seeds"]):
            rng = np.random.default_rng([seed, n, d, p])
            beta = rng.uniform(-1, 1, d)
            beta /= np.linalg.norm(beta)
            X, Xs = sphere_points(rng, n, d), sphere_points(rng, inst["test_points"], d)
            y, ys = (X @ beta) ** p, (Xs @ beta) ** p
            H = net.ntk(X)
            c = float(np.linalg.eigvalsh(H)[0])
            kappa = math.sqrt(c * DELTA / (d**2 * n**1.5))
            params = net.init_params(d, m, seed=seed, kappa=kappa)
            G0 = net.gram(X, params)
            eta = 1.0 / float(np.linalg.eigvalsh(G0)[-1])
            K = int(inst["max_steps"])
            pts = _records(K)
            f_kr = lin_mod.kernel_regression(X, y, Xs)

            def observe(W, params=params, Xs=Xs):
                return {"f_test": net.forward(Xs, net.Params(W, params.a))}

            tr = train.gd(X, y, params, step_size=eta, steps=K, record=pts, observe=observe)
            f_test = tr.observed["f_test"]
            D = ((f_test - f_kr) ** 2).mean(axis=1)
            sq = (ys - f_test[-1]) ** 2
            rows.append(
                {
                    "n": n,
                    "seed": seed,
                    "c": c,
                    "eta": eta,
                    "k": pts,
                    "D": D,
                    "E": float(sq.mean()),
                    "E_se": float(sq.std(ddof=1) / math.sqrt(sq.size)),
                    "E_kr": float(((ys - f_kr) ** 2).mean()),
                    "yHy": lin_mod.kernel_norm(X, y),
                    "train_residual": float(tr.residual_norm[-1] / max(np.linalg.norm(y), 1e-300)),
                }
            )
    _CACHE[key] = rows
    return rows


def _records(K: int) -> np.ndarray:
    """The recorded steps: 0 and 40 geometric steps up to ``K``."""
    return np.unique(np.concatenate([[0], np.geomspace(1, K, 40).astype(np.int64)]))


def kernel_sweep(inst: dict) -> list[dict]:
    """The sweep in the limit m -> infinity (``model: kernel``): per (n, seed) the sample, test
    points and beta drawn jointly by :func:`models.shallow_relu.kernel_limit.sphere_draw` (cost
    independent of d, equal in distribution: everything below depends on the points through their
    inner products only), kappa^2 = c delta / (d^2 n^1.5) as in the network sweep, and GD at
    eta = 1/lambda_max(H) in closed form (:func:`models.shallow_relu.kernel_limit.gd_limit`): D and
    E averaged over the initial output f0, any number of steps at the cost of one."""
    d, p, T, K = inst["d"], inst["p"], int(inst["test_points"]), int(inst["max_steps"])
    rows = []
    for n in inst["sizes"]:
        n = int(n)
        for seed in range(inst["seeds"]):
            rng = np.random.default_rng([seed, n, d, p, 1])
            P = kernel_limit.sphere_draw(rng, n + T + 1, d)
            X, Xs, beta = P[1:n + 1], P[n + 1:], P[0] / math.sqrt(d)
            y, ys = (X @ beta) ** p, (Xs @ beta) ** p
            pts = _records(K)
            run = kernel_limit.gd_limit(X, y, Xs, ys, lambda c: c * DELTA / (d**2 * n**1.5), pts)
            rows.append({"n": n, "seed": seed, "c": run.c, "eta": run.eta, "k": pts, "D": run.D, "E": run.E, "E_se": run.E_se,
                         "E_kr": run.E_kr, "yHy": run.yHy, "train_residual": run.train_residual})
    return rows


def _hyps(inst: dict) -> dict[str, str]:
    return {
        "m >= poly(n, d, 1/c, 1/delta)": HYP_NOT_CHECKABLE,
        "eta = O(c/(dn)^2); k = Omega(log(n)/(eta c))": HYP_NOT_CHECKABLE,
    }


def _by_n(rows: list[dict], key: str) -> dict[int, float]:
    return {n: float(np.mean([r[key] for r in rows if r["n"] == n])) for n in sorted({r["n"] for r in rows})}


def _decay_term(r: dict) -> np.ndarray:
    """Lemma 5's decay term ``(1 - c eta/2)^k (Y^T H^{-1} Y + 1)`` at the recorded k of a row."""
    return (1 - r["c"] * r["eta"] / 2) ** r["k"] * (r["yHy"] + 1)


def _n_law(check: str, inst: dict, rows: list[dict], values: list[float], constants: dict, details: dict) -> Measurement:
    """The measurement of an exponent in n against the claimed ``-1/2`` (shared by both checks).

    The law is one of the value the run reaches once Lemma 5's decay term is spent: unless
    ``(1 - c eta/2)^K (Y^T H^{-1} Y + 1) <= 0.1 value`` on every row (rule 1 of
    :mod:`theorems._horizon`), the fitted exponent is the transient's and the measurement is
    unresolved, with the share and the steps that would do (no law, no verdict)."""
    fit = _fit.fit_power_law([r["n"] for r in rows], values)
    rates = [-math.log1p(-r["c"] * r["eta"] / 2) for r in rows]
    sp = _horizon.spent([_decay_term(r)[-1] for r in rows], values, [r["k"][-1] for r in rows], rates)
    constants = {"exponent": fit.slope, "exponent_ci_lo": fit.lo, "exponent_ci_hi": fit.hi, **constants}
    details = {"fit": fit.to_json(), "horizon": sp.to_json(), "train_residual_max": max(r["train_residual"] for r in rows), **details}
    why = "" if sp.ok else sp.why("value") + " (horizon in GD steps)"
    if why:
        details["truncated_fit"] = details.pop("fit")
        constants.update({"exponent": math.nan, "exponent_ci_lo": math.nan, "exponent_ci_hi": math.nan})
        constants.update({k: math.nan for k in AUDITED if k in constants})  # no audited constant from a transient
    return Measurement(
        check=check,
        lhs=fit.lo,
        rhs=-0.5,
        ratio=_fit.law_ratio(fit, -0.5),
        regime=MEASURED,
        hypotheses=_hyps(inst),
        constants=constants,
        details=details,
        resolved=not why,
        unresolved_reason=why,
    )


#: the constants the uniformity audits read (python -m theorems audit ...): NaN where the decay term is not spent
AUDITED = ("plateau_sqrt_n", "constant")


def transient_constant(r: dict) -> tuple[float, dict | None]:
    """``A = max_k D(n, k) / ((1 - c eta/2)^k (Y^T H^{-1} Y + 1))`` over the recorded k where the
    decay term is the bound's main term (at least ten times the plateau ``D(n, K)``) and above
    float resolution; beyond, the ratio divides the plateau by a vanishing term and grows without
    meaning. Returns A and the float stop (None if the decay factor never reached it)."""
    decay = _decay_term(r)
    stop = _horizon.float_stop(decay, r["yHy"] + 1)
    keep = decay[:stop] >= r["D"][-1] / _horizon.SPENT
    keep[0] = True  # at k = 0 the two sides are the initial ones
    A = float(np.max(r["D"][:stop][keep] / decay[:stop][keep]))
    return A, None if stop is None else _horizon.stopped("(1 - c eta/2)^k (Y^T H^-1 Y + 1)", r["k"][stop], decay[stop], r["yHy"] + 1)


def _lemma5(inst: dict) -> Measurement:
    rows = sweep(inst)
    consts = [transient_constant(r) for r in rows]
    A = max(a for a, _ in consts)
    plateau = [r["D"][-1] for r in rows]
    details = {"plateau_by_n": {n: float(np.mean([r["D"][-1] for r in rows if r["n"] == n])) for n in sorted({r["n"] for r in rows})},
               "float_stops": [s for _, s in consts if s is not None]}
    root_n = max(D * math.sqrt(r["n"]) for D, r in zip(plateau, rows))  # the O(1/sqrt n) term's constant
    return _n_law("satpathi21/lemma5", inst, rows, plateau, {"transient_constant": A, "plateau_sqrt_n": root_n}, details)


def _theorem7(inst: dict) -> Measurement:
    rows = sweep(inst)
    d, p = inst["d"], inst["p"]
    w_sq = float(series.feature_norm_sq(p, d))
    C = max(r["E"] * math.sqrt(r["n"]) / (w_sq * math.sqrt(d * math.log(1 / DELTA))) for r in rows)
    details = {"p": p, "w_bar_sq": w_sq, "error_by_n": _by_n(rows, "E"), "kernel_regression_error_by_n": _by_n(rows, "E_kr")}
    return _n_law("satpathi21/theorem7", inst, rows, [r["E"] for r in rows], {"constant_max": C, "constant": C}, details)


def instances(sizes=(4, 8, 16), widths=(10, 50, 200, 800), seeds=2):
    """ci-sized sample-size sweeps (seconds): d in 4..8, p in 0..3, where 2000 steps spend Lemma 5's
    decay term (at d = 2..3 and n >= 16 it needs 10^5 to 10^6 steps: unresolved), width 10 to 800
    or the kernel limit (model kernel, 10^12 steps in closed form)."""
    return st.fixed_dictionaries(
        {
            "d": st.integers(4, 8),
            "sizes": st.just(list(sizes)),
            "p": st.integers(0, 3),
            "width": st.sampled_from(list(widths)),
            "seeds": st.just(seeds),
            "test_points": st.just(500),
            "max_steps": st.just(2000),
            "model": st.sampled_from(["network", "kernel"]),
        }
    ).map(lambda inst: {**inst, "max_steps": KERNEL_STEPS} if inst["model"] == "kernel" else inst)


#: the kernel model's run length (closed form: any number of steps costs the same)
KERNEL_STEPS = 10**12


#: the derivation's paragraphs shared by the two sample-size sweeps
SWEEP_DERIVATION = """The sweep (Corollary 8's setting): for each n of `sizes` and each of `seeds` seeds, x uniform on the
sphere ||x|| = sqrt(d), beta uniform on the unit sphere, y = (x^T beta)^p; a width-m network from
kappa^2 = c delta / (d^2 n^1.5) (delta = 0.1, constant 1; c = lambda_min(H), eq. 9) trained by float64 GD
with eta = 1/lambda_max(G0) for `max_steps` steps (models.shallow_relu.training); expectations over x are
means over `test_points` fresh points (standard errors reported). The exponent of n is fitted by least
squares of log value on log n over all rows with its 95% t-interval (theorems._fit); ratio = 10^(lo + 1/2),
lo the interval's lower end: above 1 when even the fastest decay the data allow is slower than n^{-1/2}.

Regime measured: the width m >= poly(n, d, 1/c, 1/delta), eta = O(c/(dn)^2) and k = Omega(log(n)/(eta c))
carry unnamed constants and are out of reach (both hypotheses not checkable); the final training residual
is reported.

model kernel (the limit m -> infinity; the width is then unused): H's eigendecomposition gives GD at
eta = 1/lambda_max(H) after any number of steps in closed form, D and E averaged over the initial output
(a Gaussian process of covariance kappa^2 K0, K0 the degree-1 arc-cosine kernel), the n + T + 1 points
drawn jointly with a Gram matrix equal in distribution at a cost independent of d
(models.shallow_relu.kernel_limit).

Horizon (theorems._horizon): the n-law is fitted only where the decay term (1 - c eta/2)^K (Y^T H^{-1} Y + 1)
is below a tenth of the fitted value on every row; otherwise unresolved, with the share and the number of
steps that would do."""

_HYPS = {
    "m >= poly(n, d, 1/c, 1/delta)": "width (unreachable)",
    "eta = O(c/(dn)^2); k = Omega(log(n)/(eta c))": "step size and run length (unnamed constants)",
}

register(
    Check(
        id="satpathi21/lemma5", sweep={"quick": 3, "full": 5},
        quantifiers=Q.GENERALISATION,
        title="E_x (f(x, w(k)) - f_KR(x))^2 <= O(1/sqrt n) + (1 - c eta/2)^k (Y^T H^-1 Y + O(1)): exponent in n",
        testing=Testing(examples=1),
        refuses=REFUSES["satpathi21/lemma5"],
        statement="E_x (f(x, w(k)) - f_KR(x))^2 <= O(1/sqrt n) + (1 - c eta/2)^k (Y^T H^{-1} Y + O(1)), f_KR(x) = h(x)^T H^{-1} Y the "
        "kernel regression of eq. (8), for kappa^2 = O(c delta/(d^2 n^1.5)), eta = O(c/(dn)^2), m large (Lemma 5)",
        derivation="lhs = lo, the lower end of the 95% interval of the fitted exponent of n in the plateau D(n, K) = "
        "E_x (f(x, w(K)) - f_KR(x))^2 at the last step, rhs = -1/2, ratio = 10^(lo + 1/2). Reported: the transient "
        "constant A = max_k D(n, k) / ((1 - c eta/2)^k (Y^T H^{-1} Y + 1)). At a fixed finite width the plateau also "
        "carries the finite-width error, which grows with n: the fitted exponent mixes the two.\n\n" + SWEEP_DERIVATION,
        equation="Lemma 5, eq. (8)",
        regime=MEASURED,
        hypotheses=_HYPS,
        spec=SPEC,
        evaluate_validated=_lemma5,
        strategy=instances,
        uniform_in=A.lemma5_audits(),
    )
)

register(
    Check(
        id="satpathi21/theorem7", sweep={"quick": 3, "full": 10},
        quantifiers=Q.GENERALISATION,
        title="Theorem 7 / Corollary 8: E_x (y - f(x, w(k)))^2 <= C |w_bar|^2 sqrt(d log(1/delta)/n) for y = (x^T beta)^p",
        testing=Testing(examples=2),
        refuses=REFUSES["satpathi21/theorem7"],
        statement="E_x (y - f(x, w(k)))^2 <= C |w_bar|^2 sqrt(d log(1/delta)/n) for y = phi(x)^T w_bar, w.p. >= 1 - delta; for "
        "y = (x^T beta)^p, |w_bar|^2 = 1/d_p (Theorem 7, Corollary 8): the test error decays like n^{-1/2}",
        derivation="lhs = lo, the lower end of the 95% interval of the fitted exponent of n in the test error E(n) = "
        "E_x (y - f(x, w(K)))^2, rhs = -1/2, ratio = 10^(lo + 1/2). Reported: the constant C = max E sqrt(n) / "
        "(|w_bar|^2 sqrt(d log(1/delta))), |w_bar|^2 from the feature expansion of Lemma 6 (models.shallow_relu.ntk_series, "
        "mpmath), and kernel regression's test error per n.\n\n" + SWEEP_DERIVATION,
        equation="Theorem 7, Corollary 8",
        regime=MEASURED,
        hypotheses=_HYPS,
        spec=SPEC,
        evaluate_validated=_theorem7,
        strategy=instances,
        uniform_in=A.theorem7_audits(),
    )
)
