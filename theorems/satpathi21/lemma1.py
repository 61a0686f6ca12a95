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

import math

import numpy as np
from hypothesis import strategies as st

import models.shallow_relu as net
from theorems import _designs, _limits, _tolerance
from theorems._core import (
    CERTIFIED,
    ESTIMATED,
    HYP_CERTIFIED,
    HYP_FALSE,
    MEASURED,
    Check,
    InstanceError,
    Measurement,
    ratio_of,
    regime_of,
)
from theorems._envelopes import envelope
from theorems._instances import SEED, WIDTH, Field, Spec
from theorems._instances import X as X_FIELD
from theorems._registry import register
from theorems.strategies import data_instances, designs

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


def _sphere_hypotheses(theta: float | None = None) -> dict[str, str]:
    hyps = {"||x_i|| = sqrt(d)": HYP_CERTIFIED, "no two x_i parallel": HYP_CERTIFIED}
    if theta is not None:
        hyps["theta_min < 1"] = HYP_CERTIFIED if theta < 1.0 else HYP_FALSE
    return hyps


def _spectrum(X: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``H`` (eq. 9), its smallest eigenvalue, and the eigenvalue's float error bound."""
    H = net.ntk(X)
    lam = float(np.linalg.eigvalsh(H)[0])
    err = _tolerance.eigenvalue_error(H, _tolerance.kernel_entry_error(X.shape[1]))
    return H, lam, err


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
        title="eq. (9) closed form of H = E[grad f0^T grad f0] agrees with Monte Carlo over w(0)",
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
        title="H is positive definite for data with no two points parallel",
        statement="lambda_min(H) > 0 (certified as lambda_min(H) > its float error bound)",
        equation="Lemma 1, eq. (9)",
        regime=CERTIFIED,
        hypotheses={"||x_i|| = sqrt(d)": "data on the sphere", "no two x_i parallel": "Sec. 2.2"},
        spec=DATA_SPEC,
        evaluate_validated=_positive_definite,
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
        title="lambda_min(H) <= C_up (d+1) theta_min, C_up = 1/4 + 1/(2 pi), when theta_min < 1",
        statement="lambda_min(H) = O((d+1) theta_min) for theta_min < 1, with the derived constant C_up = 1/4 + 1/(2 pi)",
        equation="Lemma 1",
        regime=CERTIFIED,
        hypotheses={
            "||x_i|| = sqrt(d)": "data on the sphere",
            "no two x_i parallel": "Sec. 2.2",
            "theta_min < 1": "Lemma 1's condition",
        },
        spec=DATA_SPEC,
        evaluate_validated=_upper,
        strategy=lambda: data_instances(designs(n=st.integers(2, 40), d=st.integers(2, 30))),
    )
)


# -------------------------------------------------------------------------- lower bound


def lower_constants(X: np.ndarray) -> tuple[float, float, float, float]:
    """``(C_log, C_nolog, lambda_min, theta_min)`` with
    ``C_log = lambda_min(H) sqrt(log(2n) + 1) / ((d+1) theta_min)`` (Lemma 1's lower constant)
    and ``C_nolog = lambda_min(H) / ((d+1) theta_min)``."""
    n, d = X.shape
    _, lam, _ = _spectrum(X)
    theta = net.theta_min(X)
    c_nolog = lam / ((d + 1) * theta)
    return c_nolog * math.sqrt(math.log(2 * n) + 1), c_nolog, lam, theta


def _lower(inst: dict) -> Measurement:
    """``satpathi21/lemma1/lower``: the measured constant of the Omega lower bound.

    Lemma 1 claims ``lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n) + 1)`` with a constant C
    independent of n and d (for theta_min < 1). C is not given, so this is ``measured``: we
    report ``C_log = lambda_min sqrt(log(2n)+1) / ((d+1) theta_min)`` and compare it with the
    recorded envelope floor (``theorems/data/envelopes.json``): ``ratio = floor / C_log``, above
    1 when an instance is worse than every design recorded so far (a finding to look at, not a
    disproof: the Omega constant may simply be smaller).

    What the measurements say (``reports/satpathi21-lemma1.md``): the infimum found is about
    0.149, at a 4-cube (n = 16) shrunk into a small cap, for every d >= 5; great circles,
    clusters, near-duplicates and uniform data stay above it and grow slowly with n, up to
    n = 1000 and d = 10^4. This is consistent with a constant independent of n and d; it
    does not prove one.
    """
    X = inst["X"]
    n, d = X.shape
    c_log, c_nolog, lam, theta = lower_constants(X)
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


def _search_lower(seed: int, budget: int, progress: bool = False) -> dict:
    from theorems.satpathi21._lemma1_search import search_lower  # torch is imported only when searching

    return search_lower(seed, budget, progress=progress)


def _lower_strategy():
    return data_instances(designs(n=st.integers(2, 40), d=st.integers(2, 30)))


register(
    Check(
        id="satpathi21/lemma1/lower",
        title="measured C in lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n)+1) (Omega: no constant given)",
        statement="Omega((d+1) theta_min / sqrt(log(2n) + 1)) <= lambda_min(H) for theta_min < 1, C independent of n and d",
        equation="Lemma 1",
        regime=MEASURED,
        hypotheses={
            "||x_i|| = sqrt(d)": "data on the sphere",
            "no two x_i parallel": "Sec. 2.2",
            "theta_min < 1": "Lemma 1's condition",
        },
        spec=DATA_SPEC,
        evaluate_validated=_lower,
        strategy=_lower_strategy,
        search=_search_lower,
    )
)
