"""Checks of Satpathi & Srikant (2021), "The Dynamics of Gradient Descent for
Overparametrized Neural Networks" (L4DC 2021, arXiv 2105.06569).

Lemma 1 (Sec. 2.2). With ``cos theta_min = max_{i != j} (x_i^T x_j + 1)/(d+1)`` and data
on the sphere ``||x_i|| = sqrt(d)``, no two points parallel: ``H`` of eq. (9) is positive
definite, and for ``theta_min < 1``

    Omega((d+1) theta_min / sqrt(log(2n) + 1)) = c <= lambda_min(H) = O((d+1) theta_min).

The appendix with the proof is not in our copy of the text; the constants below are derived
here. Reading chosen: the condition ``theta_min < 1`` qualifies both bounds (the paper says
the appendix has bounds without it), so instances with ``theta_min >= 1`` are
``hypotheses-false`` for ``upper`` and ``lower``.

The model functions are called through the module ``models.shallow_relu`` (never imported by
name), so tests can plant a wrong model and see the checks catch it.
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

import models.shallow_relu.network as net
from theorems import _designs, _limits, _tolerance
from theorems._core import (
    CERTIFIED,
    ESTIMATED,
    HYP_CERTIFIED,
    HYP_FALSE,
    MEASURED,
    OUTSIDE,
    Check,
    Erratum,
    InstanceError,
    Measurement,
    Testing,
    ratio_of,
    regime_of,
)
from theorems._envelopes import envelope
from theorems._instances import SEED, WIDTH, Field, Spec
from theorems._instances import X as X_FIELD
from theorems._registry import register
from theorems.strategies import data_instances, designs
from theorems.satpathi21 import _quantifiers as Q
from theorems.satpathi21._refusals import REFUSES
from theorems.satpathi21._lemma1_constants import _log_factor, _spectrum, lower_constants

PAPER = "satpathi21"

DESIGN = Field("design", "str", "how X was built (provenance only, not used)", required=False)

#: Upper-bound constant of Lemma 1, derived (see :func:`_upper`): 1/4 + 1/(2 pi) = 0.40915...
C_UP = 0.25 + 1.0 / (2.0 * math.pi)

#: Family-wise false-alarm probability of the Monte-Carlo kernel test.
KERNEL_ALPHA = 1e-9


def _data_assumptions(inst: dict) -> None:
    """Standing assumptions of Sec. 2.2: ``||x_i|| = sqrt(d)``, no two parallel, n >= 2."""
    X = inst["X"]
    if X.shape[0] < 2:
        raise InstanceError("Lemma 1 needs at least two data points (n >= 2)")
    net.check_data(X)


DATA_SPEC = Spec((X_FIELD, DESIGN), check=_data_assumptions, title="data set on the sphere ||x|| = sqrt(d)")

SUBSPACE = Field(
    "subspace", "object",
    "instead of X: {\"d\": d, \"E\": n x k unit rows}, the data x_i = sqrt(d) (e_i, 0, ..., 0) "
    "(H depends only on inner products: any d at the cost of k)", required=False)


def _lower_assumptions(inst: dict) -> None:
    """Exactly one of ``X`` and ``subspace``; the Sec. 2.2 assumptions on either."""
    if (inst["X"] is None) == (inst["subspace"] is None):
        raise InstanceError("give exactly one of the fields 'X' and 'subspace'")
    if inst["X"] is not None:
        return _data_assumptions(inst)
    sub = inst["subspace"]
    if set(sub) != {"d", "E"}:
        raise InstanceError("field 'subspace' must have exactly the keys 'd' and 'E'")
    E = Field("subspace.E", "matrix", "").convert(sub["E"])
    d = Field("subspace.d", "int", "", minimum=1).convert(sub["d"])
    if E.shape[0] < 2:
        raise InstanceError("Lemma 1 needs at least two data points (n >= 2)")
    if E.shape[1] > d:
        raise InstanceError(f"field 'subspace': E has k = {E.shape[1]} columns, more than d = {d}")
    err = np.abs(np.linalg.norm(E, axis=1) - 1.0).max()
    if err > 1e-12:
        raise InstanceError(f"field 'subspace': the rows of E must have norm 1 (so that ||x_i|| = sqrt(d)); off by {err:.3g}")
    net.require_nonparallel(E)


LOWER_SPEC = Spec((Field(X_FIELD.name, X_FIELD.kind, X_FIELD.description, required=False), SUBSPACE, DESIGN),
                  check=_lower_assumptions, title="data set on the sphere ||x|| = sqrt(d), explicit (X) or in a subspace")


def _sphere_hypotheses(theta: float | None = None) -> dict[str, str]:
    hyps = {"||x_i|| = sqrt(d)": HYP_CERTIFIED, "no two x_i parallel": HYP_CERTIFIED}
    if theta is not None:
        hyps["theta_min < 1"] = HYP_CERTIFIED if theta < 1.0 else HYP_FALSE
    return hyps


def _doc(evaluate) -> str:
    """An evaluator's docstring without its first line (the check's id): the derivation ``describe`` prints."""
    return inspect.cleandoc((evaluate.__doc__ or "").partition("\n")[2])


# ----------------------------------------------------------------------------- kernel, eq. (9)


def _kernel(inst: dict) -> Measurement:
    """``satpathi21/lemma1/kernel``: eq. (9) against Monte Carlo over ``w(0)``.

    The finite-width Gram ``G = grad f0^T grad f0`` at width m is itself a Monte-Carlo mean:
    ``G_ij = (1/m) sum_k T_k`` with i.i.d. terms ``T_k = a_k^2 1{w_k^T x~_i >= 0}
    1{w_k^T x~_j >= 0} x~_i^T x~_j`` taking values in ``[min(0, s_ij), max(0, s_ij)]``,
    ``s_ij = x~_i^T x~_j``, and ``E T_k = H_ij``. For a mean of bounded terms, Hoeffding's
    inequality gives ``P(|G_ij - H_ij| >= t_ij) <= 2 exp(-2 m t_ij^2 / s_ij^2)``; with a union
    bound over the ``N = n(n+1)/2`` entries and family-wise level ``alpha = 1e-9``,

        t_ij = |s_ij| sqrt(log(2 N / alpha) / (2 m)).

    (The CLT interval with the bounded-variance bound ``Var T <= s^2/4`` is
    ``z_{alpha/2N} |s| / (2 sqrt m)``, within 10% of this; Hoeffding is used because it needs
    no asymptotics.) ``ratio = max_ij |G_ij - H_ij| / t_ij``: above 1, eq. (9) is inconsistent
    with the simulation, and the chance of that happening by luck is below alpha. Regime
    ``estimated``: a statistical test, not a proof.
    """
    X, m, seed = inst["X"], inst["width"], inst["seed"]
    params = net.init_params(X.shape[1], m, seed=seed)
    G = net.gram(X, params)
    H = net.ntk(X)
    n = X.shape[0]
    s = np.abs(net.augment(X) @ net.augment(X).T)
    N = n * (n + 1) // 2
    t = s * math.sqrt(math.log(2 * N / KERNEL_ALPHA) / (2 * m))
    t = t + _tolerance.kernel_entry_error(X.shape[1])  # never divide by 0 (s_ij = 0)
    z = np.abs(G - H) / t
    i, j = np.unravel_index(np.argmax(z), z.shape)
    return Measurement(
        check="satpathi21/lemma1/kernel",
        lhs=float(np.abs(G - H)[i, j]),
        rhs=float(t[i, j]),
        ratio=float(z[i, j]),
        regime=regime_of(ESTIMATED, {"||x_i|| = sqrt(d)": HYP_CERTIFIED}),
        hypotheses={"||x_i|| = sqrt(d)": HYP_CERTIFIED},
        constants={"max_abs_error": float(np.abs(G - H).max()), "mc_width": m},
        details={"worst_entry": [int(i), int(j)], "alpha": KERNEL_ALPHA, "H_ij": float(H[i, j]), "G_ij": float(G[i, j])},
    )


def _kernel_cost(inst: dict) -> _limits.Cost:
    """The finite-width Gram: n x m activations and an n x n product over the m neurons."""
    (n, d), m = inst["X"].shape, inst["width"]
    return _limits.Cost({"n": ("X", n), "d": ("X", d), "width": ("width", m)},
                        lambda s: (_limits.F8 * (3 * s["n"] * s["width"] * (s["d"] + 1) + 6 * s["n"] ** 2),
                                   2 * s["n"] ** 2 * s["width"] + 4 * s["n"] * s["width"] * (s["d"] + 1) + 10 * s["n"] ** 3))


register(
    Check(
        id="satpathi21/lemma1/kernel",
        quantifiers=Q.LEMMA1 + (Q.MC_WIDTH,),
        title="eq. (9) closed form of H = E[grad f0^T grad f0] agrees with Monte Carlo over w(0)",
        testing=Testing(),
        refuses=REFUSES["satpathi21/lemma1/kernel"],
        statement="H_ij = x~_i^T x~_j (pi - arccos(x~_i^T x~_j/(d+1))) / (2 pi) = E_w(0)[grad f0^T grad f0]_ij",
        equation="eq. (9)",
        regime=ESTIMATED,
        hypotheses={"||x_i|| = sqrt(d)": "eq. (9) as printed assumes data on the sphere of radius sqrt(d)"},
        spec=Spec(
            (X_FIELD, Field("width", "int", "Monte-Carlo width m (number of sampled neurons)", minimum=1), SEED, DESIGN),
            check=lambda inst: net.check_data(inst["X"], nonparallel=False),
            title="data set and Monte-Carlo width",
        ),
        evaluate_validated=_kernel,
        cost=_kernel_cost,
        strategy=lambda: data_instances(
            designs(n=st.integers(1, 10), d=st.integers(2, 20)),
            width=st.sampled_from([20_000, 50_000]),
            seed=st.integers(0, 2**31 - 1),
        ),
        notes="MC false-alarm probability <= 1e-9 per instance (Hoeffding + union bound).",
        derivation=_doc(_kernel) + "\n\nlhs = |G_ij - H_ij| and rhs = t_ij at the worst entry. Hypothesis ||x_i|| = sqrt(d): "
        "enforced by the schema, hence certified (no two parallel is not needed). No float tolerance: t_ij carries the "
        "entries' float error bound, which also keeps it positive.",
    )
)


# ------------------------------------------------------------------ positive definiteness


def _positive_definite(inst: dict) -> Measurement:
    """``satpathi21/lemma1/positive-definite``: ``lambda_min(H) > 0`` for non-parallel data.

    Certified form: ``delta <= lambda_min(H)`` where ``delta`` bounds the floating-point error
    of the computed eigenvalue (:func:`theorems._tolerance.eigenvalue_error`); then the exact
    ``lambda_min`` is positive. ``ratio = delta / lambda_min``. If ``|lambda_min| <= delta`` the
    sign is below float resolution (``unresolved``); ``lambda_min < -delta`` would be a
    counterexample.
    """
    X = inst["X"]
    _, lam, err = _spectrum(X)
    return Measurement(
        check="satpathi21/lemma1/positive-definite",
        lhs=err,
        rhs=lam,
        ratio=ratio_of(err, lam),
        regime=CERTIFIED,
        hypotheses=_sphere_hypotheses(),
        constants={"lambda_min": lam, "float_error_bound": err},
        details={"n": X.shape[0], "d": X.shape[1]},
        resolved=bool(lam > err or lam < -err),
    )


register(
    Check(
        id="satpathi21/lemma1/positive-definite",
        quantifiers=Q.LEMMA1,
        title="H is positive definite for data with no two points parallel",
        testing=Testing(),
        refuses=REFUSES["satpathi21/lemma1/positive-definite"],
        statement="lambda_min(H) > 0 for data on the sphere ||x_i|| = sqrt(d) with no two x_i parallel (Lemma 1: H is positive "
        "definite; certified as lambda_min(H) > its float error bound)",
        equation="Lemma 1, eq. (9)",
        regime=CERTIFIED,
        hypotheses={"||x_i|| = sqrt(d)": "data on the sphere", "no two x_i parallel": "Sec. 2.2"},
        spec=DATA_SPEC,
        evaluate_validated=_positive_definite,
        derivation=_doc(_positive_definite) + "\n\nlhs = delta, rhs = lambda_min(H), H from eq. (9) in float64 "
        "(models.shallow_relu.ntk). Hypotheses ||x_i|| = sqrt(d) and no two x_i parallel: enforced by the schema "
        "(models.shallow_relu.check_data), hence certified.",
        strategy=lambda: data_instances(designs(n=st.integers(2, 40), d=st.integers(2, 30))),
    )
)


# -------------------------------------------------------------------------- upper bound


def _upper(inst: dict) -> Measurement:
    """``satpathi21/lemma1/upper``: ``lambda_min(H) <= C_up (d+1) theta_min`` for theta_min < 1.

    Derivation of ``C_up``. Let (i, j) attain theta_min and ``v = (e_i - e_j)/sqrt 2``. Then
    ``H_ii = H_jj = (d+1)/2`` and ``H_ij = (d+1) cos(theta) (pi - theta)/(2 pi)``, so by the
    Rayleigh quotient of this 2 x 2 principal submatrix

        lambda_min(H) <= v^T H v = (d+1)/(2 pi) [pi (1 - cos theta) + theta cos theta]
                      <= (d+1)/(2 pi) [pi theta^2 / 2 + theta]        (1 - cos t <= t^2/2, cos <= 1)
                      <  (d+1) theta (1/4 + 1/(2 pi))                  (theta < 1).

    So ``C_up = 1/4 + 1/(2 pi) = 0.4092``: certified. ``ratio = lambda_min / (C_up (d+1) theta)``;
    its tolerance adds the eigenvalue error bound over the right-hand side and the relative
    error of theta_min. Also reported: ``lambda_min / ((d+1) theta_min)`` (the measured constant,
    whose sup shows how tight C_up is) and ``lambda_min / v^T H v`` (tightness of the 2 x 2 bound).
    """
    X = inst["X"]
    n, d = X.shape
    H, lam, err = _spectrum(X)
    theta = net.theta_min(X)
    rhs = C_UP * (d + 1) * theta
    ratio = ratio_of(lam, rhs)
    phi = net.augmented_angles(X)
    np.fill_diagonal(phi, np.inf)
    i, j = np.unravel_index(np.argmin(phi), phi.shape)
    two_by_two = 0.5 * (H[i, i] + H[j, j]) - H[i, j]
    tol = err / rhs + abs(ratio) * _tolerance.angle_relative_error(theta)
    hyps = _sphere_hypotheses(theta)
    return Measurement(
        check="satpathi21/lemma1/upper",
        lhs=lam,
        rhs=rhs,
        ratio=ratio,
        regime=regime_of(CERTIFIED, hyps),
        hypotheses=hyps,
        constants={"lambda_min/((d+1) theta_min)": lam / ((d + 1) * theta), "C_up": C_UP},
        details={"n": n, "d": d, "theta_min": theta, "lambda_min": lam, "two_by_two_ratio": lam / two_by_two},
        tolerance=tol,
    )


register(
    Check(
        id="satpathi21/lemma1/upper",
        quantifiers=Q.LEMMA1_BOUND,
        title="lambda_min(H) <= C_up (d+1) theta_min, C_up = 1/4 + 1/(2 pi), when theta_min < 1",
        testing=Testing(),
        refuses=REFUSES["satpathi21/lemma1/upper"],
        statement="lambda_min(H) <= C_up (d+1) theta_min for theta_min < 1, C_up = 1/4 + 1/(2 pi) (Lemma 1's lambda_min(H) = "
        "O((d+1) theta_min) with the derived constant)",
        equation="Lemma 1",
        regime=CERTIFIED,
        hypotheses={
            "||x_i|| = sqrt(d)": "data on the sphere",
            "no two x_i parallel": "Sec. 2.2",
            "theta_min < 1": "Lemma 1's condition",
        },
        spec=DATA_SPEC,
        evaluate_validated=_upper,
        derivation=_doc(_upper) + "\n\nlhs = lambda_min(H), rhs = C_up (d+1) theta_min. Hypotheses: ||x_i|| = sqrt(d) "
        "and no two parallel enforced by the schema (certified); theta_min < 1 computed from the data, certified or "
        "false (false: vacuous).",
        strategy=lambda: data_instances(designs(n=st.integers(2, 40), d=st.integers(2, 30))),
    )
)


# -------------------------------------------------------------------------- lower bound


def _lower_numbers(inst: dict) -> dict:
    """``n, d, lambda_min, theta_min, theta_lines`` of an explicit (``X``) or subspace instance."""
    if inst["X"] is not None:
        X = inst["X"]
        n, d = X.shape
        _, lam, _ = _spectrum(X)
        return {"n": n, "d": d, "lambda_min": lam, "theta_min": net.theta_min(X),
                "theta_lines": net.theta_lines(net.augmented_angles(X))}
    E, d = np.asarray(inst["subspace"]["E"], dtype=np.float64), int(inst["subspace"]["d"])
    H, phi = net.ntk_subspace(E, d)
    n = E.shape[0]
    return {"n": n, "d": d, "lambda_min": float(np.linalg.eigvalsh(H)[0]),
            "theta_min": float((phi + np.diag(np.full(n, np.inf))).min()), "theta_lines": net.theta_lines(phi)}


def _lower(inst: dict) -> Measurement:
    """``satpathi21/lemma1/lower``: the measured constant of the Omega lower bound.

    Lemma 1 claims ``lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n) + 1)`` with a constant C
    independent of n and d (for theta_min < 1). C is not given, so this is ``measured``: we
    report ``C_log = lambda_min sqrt(log(2n)+1) / ((d+1) theta_min)`` and compare it with the
    recorded envelope floor (``theorems/data/envelopes.json``): ``ratio = floor / C_log``, above
    1 when an instance is worse than every design recorded so far. C is not uniform in d: see the
    check's erratum (``python -m theorems describe satpathi21/lemma1/lower``) and
    ``satpathi21/lemma1/lower-lines``.
    """
    if inst["X"] is not None:
        X = inst["X"]
        n, d = X.shape
        c_log, c_nolog, lam, theta = lower_constants(X)
    else:
        v = _lower_numbers(inst)
        n, d, lam, theta = v["n"], v["d"], v["lambda_min"], v["theta_min"]
        c_nolog = lam / ((d + 1) * theta)
        c_log = c_nolog * _log_factor(n)
    env = envelope("satpathi21/lemma1/lower")
    hyps = _sphere_hypotheses(theta)
    return Measurement(
        check="satpathi21/lemma1/lower",
        lhs=env["floor"],
        rhs=c_log,
        ratio=ratio_of(env["floor"], c_log),
        regime=regime_of(MEASURED, hyps),
        hypotheses=hyps,
        constants={"C_log": c_log, "C_nolog": c_nolog},
        details={"n": n, "d": d, "theta_min": theta, "lambda_min": lam, "envelope_floor": env["floor"]},
    )


def _lower_lines(inst: dict) -> Measurement:
    """``satpathi21/lemma1/lower-lines``: Lemma 1's lower bound with theta measured between lines.

    ``theta_lines = min_{i != j} min(angle(x~_i, x~_j), angle(x~_i, -x~_j))`` (``<= theta_min``),
    ``C_lines = lambda_min(H) sqrt(log(2n)+1) / ((d+1) theta_lines)``. The corrected statement
    ``lambda_min(H) >= C (d+1) theta_lines / sqrt(log(2n)+1)`` is what the near-antipodal
    counterexample to ``satpathi21/lemma1/lower`` leaves standing: measured (no constant is
    derived), ``ratio = floor / C_lines`` against the recorded envelope, and its audits in n and d
    (``python -m theorems audit satpathi21/lemma1/lower-lines``) come out uniform. Evidence, not
    a proof.
    """
    v = _lower_numbers(inst)
    n, d, lam, th = v["n"], v["d"], v["lambda_min"], v["theta_lines"]
    c_lines = lam * _log_factor(n) / ((d + 1) * th)
    env = envelope("satpathi21/lemma1/lower-lines")
    hyps = _sphere_hypotheses(v["theta_min"])
    return Measurement(
        check="satpathi21/lemma1/lower-lines",
        lhs=env["floor"],
        rhs=c_lines,
        ratio=ratio_of(env["floor"], c_lines),
        regime=regime_of(MEASURED, hyps),
        hypotheses=hyps,
        constants={"C_lines": c_lines, "C_log": lam * _log_factor(n) / ((d + 1) * v["theta_min"])},
        details={**v, "envelope_floor": env["floor"]},
    )


def _search_lower(seed: int, budget: int, progress: bool = False) -> dict:
    from theorems.satpathi21._lemma1_search import search_lower  # torch is imported only when searching

    return search_lower(seed, budget, progress=progress)


def _lower_strategy():
    return data_instances(designs(n=st.integers(2, 40), d=st.integers(2, 30)))


# --------------------------------------------- structured families (cost independent of n or d)


def near_antipodal(m: int, eps: float, angles=None) -> np.ndarray:
    """2m unit vectors in a plane: ``e_i`` at angles ``i pi/m`` (or the given ``angles``) and
    ``-e_i`` rotated by ``eps`` (near-antipodal pairs; ``eps > 0`` keeps them non-parallel)."""
    a = np.arange(m) * math.pi / m if angles is None else np.asarray(angles, dtype=np.float64)
    return np.concatenate([np.c_[np.cos(a), np.sin(a)], -np.c_[np.cos(a + eps), np.sin(a + eps)]])


#: three lines at gaps ``(1 - 1e-4, b, pi - 1 + 1e-4 - b)``: theta_min <= 1 - 1e-4 < 1 at every d (the
#: augmented angle is at most the angle of the x's), the worst near-antipodal shape found (~0.59/sqrt(d))
THREE_LINES = tuple((0.0, 1 - 1e-4, 1 - 1e-4 + b) for b in (1.01, 1.07, 1.13))


def great_arc(n: int, s: float) -> np.ndarray:
    """n equally spaced unit vectors on an arc of length ``s pi`` (the ``great-circle`` design)."""
    t = (np.arange(n) + 0.5) * (s * math.pi / n)
    return np.c_[np.cos(t), np.sin(t)]


def cube_cap(k: int, s: float) -> np.ndarray:
    """The ``cube-cap`` design in R^{k+1}: the 2^k vertices of a k-cube of circumradius ``s/2``
    mapped into the cap around ``e_0`` by the exponential map."""
    v = np.array([[(i >> b) & 1 for b in range(k)] for i in range(2**k)], dtype=np.float64) - 0.5
    r = s / 2
    return np.c_[np.full(2**k, math.cos(r)), math.sin(r) * v / np.linalg.norm(v, axis=1, keepdims=True)]


def cube_cap_spectrum(k: int, d: int, s: float) -> tuple[float, float]:
    """``(lambda_min(H), theta_min)`` of :func:`cube_cap` in dimension d, exactly by symmetry.

    The inner product of two vertices at Hamming distance h is ``1 - 2 sin^2(s/2) h/k``, so H is a
    function ``f(h)`` of the Hamming distance on Z_2^k and its eigenvalues are Krawtchouk sums
    ``lambda_j = sum_h f(h) sum_i (-1)^i C(j,i) C(k-j,h-i)`` (``f(h) - f(0)`` is summed, the constant
    only enters j = 0, to avoid cancellation). Cost O(k^3) for n = 2^k points.
    """
    sr2 = math.sin(s / 2) ** 2
    h = np.arange(k + 1)
    minus = math.sqrt(d) * 2 * math.sqrt(sr2) * np.sqrt(h / k)
    plus = np.sqrt(d * (4 - 4 * sr2 * h / k) + 4)
    f = (d * (1 - 2 * sr2 * h / k) + 1) * np.arctan2(plus, minus) / math.pi
    g = f - f[0]
    K = np.array([[sum((-1) ** i * math.comb(j, i) * math.comb(k - j, hh - i) for i in range(0, min(j, hh) + 1))
                   for hh in range(k + 1)] for j in range(k + 1)], dtype=np.float64)
    lam = K @ g
    lam[0] += f[0] * 2**k
    return float(lam.min()), float(2 * math.atan2(minus[1], plus[1]))


def _sub(E: np.ndarray, d: int, design: str) -> dict:
    return {"subspace": {"d": int(d), "E": E.tolist()}, "design": design}


#: the fixed dimension of the n-audits and the fixed size of the d-audits
N_AUDIT_D = 100
CUBE_S = 1e-3


def _cube_witness(k: int, d: int, constant: Callable[[float, float, int], float]) -> Any:
    from theorems._audit import Witness
    from theorems._designs import Design

    lam, th = cube_cap_spectrum(k, d, CUBE_S)
    inst = {"design": Design("cube-cap", 2**k, d, scale=CUBE_S, k=k).describe() + " (exact, Krawtchouk)"}
    if k <= 8:
        inst["subspace"] = {"d": d, "E": cube_cap(k, CUBE_S).tolist()}
    return Witness(constant(lam, th, 2**k), inst)


def _d_family():
    """scale d -> near-antipodal octagons/hexagons (eps = 1/d and 1e-2), the 4-cube in a cap, short arcs."""
    def family(d):
        d = int(d)
        out = [_sub(near_antipodal(m, eps), d, f"near-antipodal(m={m}, eps={eps:.3g}, d={d})")
               for m in (3, 4, 8) for eps in (1.0 / d, 1e-2)]
        out += [_sub(near_antipodal(3, 1.0 / d, a), d, f"near-antipodal(lines at {', '.join(f'{t:.4f}' for t in a)}, "
                     f"eps={1.0 / d:.3g}, d={d})") for a in THREE_LINES]
        out.append(_sub(cube_cap(4, CUBE_S), d, f"cube-cap(n=16, d={d}, scale={CUBE_S:g}, k=4)"))
        out += [_sub(great_arc(n, 1e-3), d, f"great-circle(n={n}, d={d}, scale=0.001)") for n in (3, 8)]
        return out
    return family


def _n_family():
    """scale n = 2^k -> the k-cube in a cap (exact, any n), near-antipodal 2m-gons and short arcs
    (dense, n <= 256), all in dimension d = N_AUDIT_D."""
    def family(n):
        n, d = int(n), N_AUDIT_D
        k = n.bit_length() - 1
        out = [_cube_witness(k, d, lambda lam, th, nn: lam * _log_factor(nn) / ((d + 1) * th))]
        if n <= 256:
            if n >= 6:
                out += [_sub(near_antipodal(n // 2, eps), d, f"near-antipodal(m={n // 2}, eps={eps:.3g}, d={d})")
                        for eps in (1.0 / d, 0.1 / n)]
            out.append(_sub(great_arc(n, 1e-3), d, f"great-circle(n={n}, d={d}, scale=0.001)"))
        return out
    return family


def _audits(constant: str) -> tuple:
    from theorems._audit import OMEGA, Uniformity, geometric

    return (
        Uniformity("d", constant, OMEGA, _d_family(), geometric(10, 1e8, per_decade=2, integer=True),
                   what="near-antipodal 2m-gons in a plane (m = 3, 4, 8; eps = 1/d, 1e-2) and three near-antipodal "
                        "lines at gaps ~1 (eps = 1/d), the 4-cube in a cap "
                        "(scale 1e-3), short great-circle arcs; n <= 16 fixed; H from inner products (any d)"),
        Uniformity("n", constant, OMEGA, _n_family(), tuple(2**k for k in range(1, 17)),
                   what=f"the k-cube in a cap (n = 2^k, exact by Krawtchouk sums), near-antipodal 2m-gons and "
                        f"short arcs (n <= 256); d = {N_AUDIT_D} fixed"),
    )


def _quantifiers(lines: bool) -> tuple:
    return Q.LEMMA1_BOUND + ((Q.THETA_LINES,) if lines else ())


LOWER_HYPOTHESES = {
    "||x_i|| = sqrt(d)": "data on the sphere",
    "no two x_i parallel": "Sec. 2.2",
    "theta_min < 1": "Lemma 1's condition",
}

register(
    Check(
        id="satpathi21/lemma1/lower",
        title="measured C in lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n)+1) (Omega: no constant given)",
        testing=Testing(),
        refuses=REFUSES["satpathi21/lemma1/lower"],
        statement="lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n) + 1) for theta_min < 1, with C > 0 independent of n and d "
        "(Lemma 1's Omega lower bound; C is not given)",
        equation="Lemma 1",
        regime=MEASURED,
        hypotheses=LOWER_HYPOTHESES,
        spec=LOWER_SPEC,
        evaluate_validated=_lower,
        derivation=_doc(_lower) + "\n\nlhs = the envelope floor, rhs = C_log. Hypotheses as for satpathi21/lemma1/upper "
        "(theta_min < 1 certified or false); no float tolerance (measured).",
        strategy=_lower_strategy,
        search=_search_lower,
        erratum=Erratum(
            what=("the Omega constant is not uniform in d: near-antipodal data (2m points in a plane, each -e_i "
                 "rotated by eps = 1/d; octagon m = 4) give C_log ~ 0.79/sqrt(d) (0.0711 at d = 100, 7.87e-5 at d = 1e8; three lines at gaps "
                 "just under 1: ~0.59/sqrt(d), 5.94e-5 at d = 1e8; audit exponent -0.487 [-0.495, -0.478]; "
                 "certified upper bounds: reports/certificates/satpathi21_lemma1_lower.py; "
                 "python -m theorems audit satpathi21/lemma1/lower --param d); "
                 "corrected: satpathi21/lemma1/lower-lines (theta between lines, min over +-x_j)"),
            # one member of the family, d = 10^8 (the family itself is audited: uniform_in, the certificate)
            counterexample={"subspace": {"d": 10**8, "E": near_antipodal(4, 1e-8).tolist()}},
            verdict=OUTSIDE,
            ratio=1842.1689870046907,
            pinned="lemma1-lower-erratum-near-antipodal-d1e8",
            corrected="satpathi21/lemma1/lower-lines",
            corrected_ratio=0.46910448793757364,
            certificate="reports/certificates/satpathi21_lemma1_lower.py",
        ),
        quantifiers=_quantifiers(lines=False),
        uniform_in=_audits("C_log"),
    )
)

register(
    Check(
        id="satpathi21/lemma1/lower-lines",
        title="measured C in lambda_min(H) >= C (d+1) theta_lines / sqrt(log(2n)+1), theta between lines (corrected Lemma 1)",
        testing=Testing(),
        refuses=REFUSES["satpathi21/lemma1/lower-lines"],
        statement="Omega((d+1) theta_lines / sqrt(log(2n) + 1)) <= lambda_min(H) for theta_min < 1, "
                  "theta_lines = min_{i != j} min(angle(x~_i, x~_j), angle(x~_i, -x~_j)), C independent of n and d",
        equation="Lemma 1 (corrected)",
        regime=MEASURED,
        hypotheses=LOWER_HYPOTHESES,
        spec=LOWER_SPEC,
        evaluate_validated=_lower_lines,
        derivation=_doc(_lower_lines) + "\n\nlhs = the envelope floor, rhs = C_lines. Hypotheses as for satpathi21/lemma1/lower "
        "(theta_min < 1 certified or false); no float tolerance (measured).",
        strategy=_lower_strategy,
        notes="corrects satpathi21/lemma1/lower, whose constant tends to 0 like d^-1/2 on near-antipodal data",
        quantifiers=_quantifiers(lines=True),
        uniform_in=_audits("C_lines"),
    )
)
