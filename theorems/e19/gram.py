"""Lemma 4.4 of E, Ma, Wang, Wu (2019): the Gram matrix (4.8) at initialisation against the kernel.

``e19/lemma4.4``: if ``L >= L_req = 8 ln(n^2/delta) / (m lambda_n^2)``, then with probability at least
``1 - delta`` over (2.5), ``lambda_min(H(Theta0)) >= 3 lambda_n / 4`` (4.9). At ``Theta0``
(``alpha = 1``, ``g(l) = sigma(B0(l) x)``) ``H = 1/(nL) sum_l sigma(B0(l) X)^T sigma(B0(l) X)`` needs no
forward pass, so the lemma is checked **in its own regime**: ``draws`` independent initialisations at
the instance's depth (default ``ceil(L_req)``), the event's frequency with a one-sided 95%
Clopper–Pearson upper bound ``U`` on its probability. The event's probability is at least ``1 - delta``
exactly when the delta-quantile ``q`` of ``lambda_min(H) / lambda_n`` is at least 3/4, so the ratio is
``(3/4) / q+`` with ``q+`` the order statistic that is a one-sided 95% upper confidence bound for ``q``
(the k-th smallest draw, k the least with ``P(Binomial(N, delta) < k) >= 0.95``): *inconsistent* when
ratio > 1, i.e. when the draws exclude the lemma at 95%; below 1 it says how much room is left.
Monte Carlo over the initialisation: regime ``estimated``; ``lambda_n`` is exact for ReLU (closed form)
and to ~1e-13 for tanh (quadrature, :mod:`models.skip_resnet_kernel`).

How much smaller a depth already suffices: the blocks of one draw are nested (the first ``L' - 1``
blocks of a depth-L draw are a depth-L' draw), so every depth ``L' = L 2^{-j}`` is evaluated from the
same draws; ``L_suffices`` is the smallest such depth from which on the event's frequency is at least
``1 - delta``, reported as ``L_suffices / L_req``.

``e19/lemma4.4/mean``: the text says H(Theta0) "can be viewed as an empirical approximation of the
kernel matrix K" and claims any 1-Lipschitz sigma with ``sigma(0) = 0``. Under (2.5) (rows of
``B0`` of norm ``1/sqrt m``) ``E H(Theta0) = (1 - 1/L) K_m`` with ``K_m = k0_m(X, X)/n``
(:mod:`models.skip_resnet_kernel`; ``1 - 1/L`` from L - 1 blocks under the printed ``1/(nL)``). For ReLU
``K_m = K``; for tanh only at ``m = 1``. The check compares the Monte Carlo mean with ``(1 - 1/L) K``
entrywise: ``z = |mean - target| / se``, ratio ``max z / z*`` with ``z*`` the Bonferroni critical value
at family level 1e-3; it also reports the same for ``K_m`` (which must be consistent for both).
For tanh with ``n > d`` ``lambda_min(K_m)`` is ~0.1 ``lambda_n`` (``K_m`` tends to the rank-d linear
kernel as m grows), so (4.9) fails with probability tending to 1 as L grows; ``L_req`` there is
~1e8 or more, beyond what the check samples.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from models._lazy import stats  # scipy.stats, imported at first use

import models.skip_resnet as sr
import models.skip_resnet_kernel as kk
from theorems._core import ESTIMATED, HYP_CERTIFIED, HYP_FALSE, Check, InstanceError, Measurement, regime_of
from theorems import _limits
from theorems._instances import Field, Spec
from theorems._registry import register
from theorems.e19 import _params

#: neurons ((L - 1) m) times draws the check samples at most
MAX_WORK = 2 * 10**8
LEVEL = 0.95
#: the lemma's 3/4 in lambda_min(H(Theta0)) >= 3 lambda_n / 4
FRACTION = 0.75
FAMILY_LEVEL = 1e-3

FIELDS = (
    Field("activation", "str", "relu | tanh"),
    Field("X", "matrix", "data points on the unit sphere, n x d"),
    Field("m", "int", "width m of every block", minimum=1, maximum=10_000),
    Field("delta", "float", "failure probability delta in (0, 1)", minimum=0),
    Field("L", "int", "depth (L - 1 blocks); default ceil(L_req), the lemma's depth", required=False, minimum=2),
    Field("draws", "int", "independent initialisations", required=False, default=200, minimum=10, maximum=100_000),
    Field("seed", "int", "seed of the draws", required=False, default=0, minimum=0),
)


def required_depth(lam: float, n: int, m: int, delta: float) -> float:
    """``8 ln(n^2/delta) / (m lambda_n^2)`` (Lemma 4.4)."""
    return 8 * math.log(n**2 / delta) / (m * lam**2) if lam > 0 else math.inf


def _validate(inst: dict) -> None:
    _params.validate_data(inst)
    if not 0 < inst["delta"] < 1:
        raise InstanceError(f"delta must lie in (0, 1), got {inst['delta']}")


def depth(inst: dict, lam: float) -> int:
    """The instance's depth (default ``ceil(L_req)``), refused when too much to sample."""
    L = inst.get("L")
    if L is None:
        req = required_depth(lam, inst["X"].shape[0], inst["m"], inst["delta"])
        if not math.isfinite(req):
            raise InstanceError("lambda_n = 0 (Assumption 2.1 fails): no required depth; give L")
        L = max(2, math.ceil(req))
        _limits.enforce(cost({**inst, "L": L}))
    if (L - 1) * inst["m"] * inst["draws"] > MAX_WORK:
        raise InstanceError(f"depth {L} x width {inst['m']} x {inst['draws']} draws is more than {MAX_WORK:.0e} neurons to sample; "
                            "give a smaller L, a wider m or fewer draws")
    return L


def block_grams(X, act: str, m: int, L: int, seed: int) -> np.ndarray:
    """Per-block ``sigma(B0(l) X) sigma(B0(l) X)^T`` (L-1, n, n) of one draw of (2.5)."""
    B0 = sr.init(X.shape[1], m, L, seed=seed).B.numpy()
    F = kk.ACTIVATIONS[act](np.einsum("kmd,nd->knm", B0, X))
    return np.einsum("knm,kpm->knp", F, F)


def gram_at_depths(inst: dict, L: int, depths) -> np.ndarray:
    """``H(Theta0)`` of every draw at every depth ``L' <= L`` of ``depths`` (draws, len(depths), n, n),
    the depth-L' matrix made of the first ``L' - 1`` blocks of the depth-L draw."""
    rng = np.random.default_rng(inst["seed"])
    seeds = rng.integers(1 << 62, size=inst["draws"])
    n = inst["X"].shape[0]
    idx = np.asarray(depths) - 2
    out = []
    for s in seeds:
        S = np.cumsum(block_grams(inst["X"], inst["activation"], inst["m"], L, int(s)), axis=0)[idx]
        out.append(S / (n * np.asarray(depths, dtype=float))[:, None, None])
    return np.stack(out)


def _hypotheses(inst: dict, lam: float, L: int) -> dict:
    req = required_depth(lam, inst["X"].shape[0], inst["m"], inst["delta"])
    return {"lambda_n > 0 (Assumption 2.1)": HYP_CERTIFIED if lam > 0 else HYP_FALSE,
            "L >= 8 ln(n^2/delta)/(m lambda_n^2)": HYP_CERTIFIED if L >= req else HYP_FALSE}


def _evaluate_event(inst: dict) -> Measurement:
    X, act, delta = inst["X"], inst["activation"], inst["delta"]
    n = X.shape[0]
    lam = kk.lambda_n(X, act)
    L = depth(inst, lam)
    depths = sorted({max(2, L >> j) for j in range(64) if (L >> j) >= 2} | {L})
    H = gram_at_depths(inst, L, depths)
    N = H.shape[0]
    freq = {}
    worst = {}
    for i, Lp in enumerate(depths):
        mins = np.linalg.eigvalsh(H[:, i])[:, 0]
        freq[Lp] = float(np.mean(mins >= FRACTION * lam))
        worst[Lp] = float(np.quantile(mins, delta) / lam)
    k = int(round(freq[L] * N))
    upper = float(stats.beta.ppf(LEVEL, k + 1, N - k)) if k < N else 1.0
    mins = np.sort(np.linalg.eigvalsh(H[:, depths.index(L)])[:, 0]) / lam
    kq = int(stats.binom.ppf(LEVEL, N, delta)) + 1  # X_(kq) >= q_delta with probability >= 95%
    q_upper = float(mins[min(kq, N) - 1])
    ok = [Lp for Lp in depths if all(freq[q] >= 1 - delta for q in depths if q >= Lp)]
    req = required_depth(lam, n, inst["m"], delta)
    hyps = _hypotheses(inst, lam, L)
    return Measurement(
        check="e19/lemma4.4", lhs=FRACTION, rhs=q_upper, ratio=FRACTION / q_upper if q_upper > 0 else math.inf,
        regime=regime_of(ESTIMATED, hyps), hypotheses=hyps,
        constants={"quantile_upper_95": q_upper, "frequency": freq[L], "upper_95": upper, "1-delta": 1 - delta, "lambda_n": lam, "L": L, "L_req": req,
                   "L/L_req": L / req, "delta_quantile_lambda_min_H_over_lambda_n": worst[L],
                   "L_suffices/L_req": (min(ok) / req) if ok else math.nan},
        details={"frequency_by_depth": {str(q): freq[q] for q in depths}, "delta_quantile_by_depth": {str(q): worst[q] for q in depths},
                 "draws": N, "n": n, "m": inst["m"]},
    )


def _eig_ratio(X, act: str, m: int) -> float:
    """``lambda_min(K_m) / lambda_n`` (nan when lambda_n = 0: e.g. n > 1 points in d = 1)."""
    lam = kk.lambda_n(X, act)
    return kk.lambda_n(X, act, m=m) / lam if lam > 0 else math.nan


def _evaluate_mean(inst: dict) -> Measurement:
    X, act = inst["X"], inst["activation"]
    n, m = X.shape[0], inst["m"]
    L = inst.get("L") or 8
    if (L - 1) * m * inst["draws"] > MAX_WORK:
        raise InstanceError(f"depth {L} x width {m} x {inst['draws']} draws is too much to sample")
    H = gram_at_depths(inst, L, [L])[:, 0]
    mean, se = H.mean(0), H.std(0, ddof=1) / math.sqrt(H.shape[0])
    iu = np.triu_indices(n)
    zcrit = float(stats.norm.ppf(1 - FAMILY_LEVEL / (2 * iu[0].size)))
    targets = {"K": (1 - 1 / L) * kk.kernel_matrix(X, act), "K_m": (1 - 1 / L) * kk.kernel_matrix(X, act, m=m)}
    # an entry with no spread over the draws is exact: its scale is float rounding, not noise
    z = {k: float((np.abs(mean - t) / np.maximum(se, 1e-12 * max(np.abs(t).max(), 1e-300)))[iu].max()) for k, t in targets.items()}
    rel = {k: float(np.abs(mean - t).max() / np.abs(t).max()) for k, t in targets.items()}
    hyps = {"sigma 1-Lipschitz, sigma(0) = 0": HYP_CERTIFIED}
    return Measurement(
        check="e19/lemma4.4/mean", lhs=z["K"], rhs=zcrit, ratio=z["K"] / zcrit, regime=regime_of(ESTIMATED, hyps), hypotheses=hyps,
        constants={"max_z_vs_K": z["K"], "max_z_vs_K_m": z["K_m"], "z_critical": zcrit, "rel_gap_to_K": rel["K"],
                   "rel_gap_to_K_m": rel["K_m"], "lambda_min(K_m)/lambda_n": _eig_ratio(X, act, m)},
        details={"draws": int(H.shape[0]), "L": L, "n": n, "m": m, "consistent_with_K_m": z["K_m"] <= zcrit},
    )


def _data(rng, n: int, d: int, spread: float = 0.0) -> list:
    """n random points on the sphere; with ``spread`` > 0 and n <= d, rows of a random orthogonal
    matrix plus noise of that size (well separated: lambda_n large, L_req small)."""
    X = rng.standard_normal((n, d))
    if spread > 0 and n <= d:
        X = np.linalg.qr(rng.standard_normal((d, d)))[0][:n] + spread * X
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).tolist()


def event_instance(act: str, n: int, d: int, m: int, delta: float, seed: int, draws: int = 100, spread: float = 0.0) -> dict:
    """Random data (``spread``: see :func:`_data`), L defaulting to L_req."""
    X = _data(np.random.default_rng(seed), n, d, spread)
    return {"activation": act, "X": X, "m": m, "delta": delta, "draws": draws, "seed": seed}


def _event_strategy():
    """ReLU and tanh, n <= d (tanh with n > d, and badly spread data, need depths ~1e6-1e8), well
    separated data of 2 or 3 points, delta from 0.05 to 0.3, 50 draws."""
    def build(act, n, extra, m, delta, seed, spread):
        return event_instance(act, n, n + extra, m, delta, seed, draws=50, spread=spread)

    return st.builds(build, st.sampled_from(sr.ACTIVATIONS), st.integers(2, 3), st.integers(0, 3), st.sampled_from([4, 16, 64]),
                     st.sampled_from([0.05, 0.1, 0.3]), st.integers(0, 10_000), st.sampled_from([0.1, 0.2]))


def _mean_strategy():
    def build(act, n, d, m, seed):
        return {"activation": act, "X": _data(np.random.default_rng(seed), n, d), "m": m, "delta": 0.1, "L": 4, "draws": 400, "seed": seed}

    return st.builds(build, st.sampled_from(sr.ACTIVATIONS), st.integers(2, 4), st.integers(1, 4), st.sampled_from([1, 2, 4, 16]),
                     st.integers(0, 10_000))


def cost(inst: dict) -> _limits.Cost:
    """Per draw: L - 1 blocks of m x d features on the n points and their n x n Grams, summed at
    log2(L) depths; a missing L (the lemma's depth, known after lambda_n) counts as 2 here and is
    checked again by :func:`depth`."""
    (n, d), L = inst["X"].shape, inst.get("L") or 2
    sizes = {"n": ("X", n), "d": ("X", d), "m": ("m", inst["m"]), "L": ("L", L), "draws": ("draws", inst["draws"])}

    def formula(s):
        n, d, m, k, N = s["n"], s["d"], s["m"], s["L"] - 1, s["draws"]
        depths = math.log2(max(k, 1.0)) + 2
        mem = _limits.F8 * (k * (m * d + 2 * n * m + 2 * n * n) + N * depths * n * n)
        return mem, N * (k * (2 * n * m * d + 2 * n * n * m + 2 * m * d) + depths * 10 * n**3)

    return _limits.Cost(sizes, formula)


_SPEC = Spec(FIELDS, check=_validate, title="Lemma 4.4: data, width, delta, depth, draws", cost=cost)

register(
    Check(
        id="e19/lemma4.4",
        title="P(lambda_min(H(Theta0)) >= 3 lambda_n/4) >= 1 - delta when L >= 8 ln(n^2/delta)/(m lambda_n^2)",
        statement="P(lambda_min(H(Theta0)) >= 3 lambda_n/4) >= 1 - delta over the initialisation (2.5), if "
        "L >= 8 ln(n^2/delta)/(m lambda_n^2) (Lemma 4.4, the Gram matrix at initialisation)",
        derivation="""lhs = 3/4, rhs = q+, ratio = (3/4) / q+. At Theta0 (alpha = 1, g(l) = sigma(B0(l) x)) the Gram
matrix (4.8) is H = 1/(nL) sum_l sigma(B0(l) X)^T sigma(B0(l) X), so each of `draws` independent
initialisations (2.5) at the instance's depth L (default ceil(L_req), L_req = 8 ln(n^2/delta)/(m lambda_n^2))
gives lambda_min(H) / lambda_n exactly, lambda_n = lambda_min(K) (2.7) from the closed form (ReLU) or
quadrature (tanh, ~1e-13). The event's probability is >= 1 - delta exactly when the delta-quantile q of
lambda_min(H)/lambda_n is >= 3/4 (4.9); q+ is the order statistic that is a one-sided 95% upper confidence
bound for q (the k-th smallest draw, k the least with P(Binomial(N, delta) < k) >= 0.95). Ratio > 1: the
draws exclude the lemma at 95% (inconsistent).

Regime estimated (Monte Carlo over the initialisation); no float tolerance. Hypotheses, certified or
false: lambda_n > 0 (Assumption 2.1) and L >= L_req. Also reported: the event's frequency with a 95%
Clopper-Pearson upper bound, and L_suffices / L_req, the smallest depth L 2^-j (nested blocks of the same
draws) from which on the frequency is >= 1 - delta.""",
        equation="Lemma 4.4, (4.8), (4.9)",
        regime=ESTIMATED,
        hypotheses={"L >= 8 ln(n^2/delta)/(m lambda_n^2)": "depth condition", "lambda_n > 0": "Assumption 2.1"},
        spec=_SPEC,
        evaluate_validated=_evaluate_event,
        strategy=_event_strategy,
        sweep={"quick": 6, "full": 60},
    )
)

register(
    Check(
        id="e19/lemma4.4/mean",
        title="E H(Theta0) = (1 - 1/L) K for any 1-Lipschitz sigma with sigma(0) = 0 (the text's reading of H)",
        statement="E H(Theta0) = (1 - 1/L) K, K_ij = k0(x_i, x_j)/n, for any 1-Lipschitz sigma with sigma(0) = 0 "
        "(Lemma 4.4's premise that H(Theta0) is an empirical approximation of K)",
        derivation="""lhs = max z, rhs = z*, ratio = max z / z*. Over `draws` initialisations (2.5) at depth L (default 8),
H(Theta0) = 1/(nL) sum_l sigma(B0(l) X)^T sigma(B0(l) X) (4.8); for each entry of the upper triangle,
z = |mean - (1 - 1/L) K_ij| / se (se the standard error of the mean; an entry with no spread uses a
float-rounding scale), and z* is the Bonferroni critical value of the normal at family level 1e-3. The
1 - 1/L counts L - 1 blocks under the printed 1/(nL).

Regime estimated (Monte Carlo); hypothesis sigma 1-Lipschitz with sigma(0) = 0, certified for ReLU and
tanh. Under (2.5) (rows of B0 of norm 1/sqrt m) E H(Theta0) = (1 - 1/L) K_m with K_m built from
sigma(w.x / sqrt m) (models.skip_resnet_kernel): equal to K for ReLU (positively homogeneous), not for
tanh at m >= 2; the same z statistic against K_m is reported (max_z_vs_K_m), with lambda_min(K_m)/lambda_n.""",
        equation="(4.8), Sec. 2.2, (2.5)",
        regime=ESTIMATED,
        hypotheses={"sigma 1-Lipschitz, sigma(0) = 0": "Sec. 2"},
        spec=_SPEC,
        evaluate_validated=_evaluate_mean,
        strategy=_mean_strategy,
        sweep={"quick": 12, "full": 120},
        erratum=("false for tanh at m >= 2: E H(Theta0) = (1 - 1/L) K_m with K_m built from tanh(w.x/sqrt m), not K "
                 "(ReLU is positively homogeneous, tanh is not); pinned case lemma4.4-mean-tanh"),
    )
)
