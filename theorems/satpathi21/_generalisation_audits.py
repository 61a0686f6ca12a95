"""Uniformity audits of Lemma 5's and Theorem 7's hidden constants (``Check.uniform_in``; the
mechanism: :mod:`theorems._audit`), in the limit m -> infinity (``model: kernel``).

Both statements hold for every width ``m >= poly(n, d, 1/c, 1/delta)`` (the polynomial is
unnamed) and every ``k = Omega(log(n)/(eta c))``. A fixed width (the earlier audits: m = 200)
leaves that regime as n grows, so its drift would not be the statement's; the limit m -> infinity
is inside it at every n and d, and the kernel model computes it in closed form
(:mod:`models.shallow_relu.kernel_limit`): GD on the linearised model in H's eigenbasis, any
number of steps for the cost of one eigendecomposition (``K = 10^12``: the decay term is spent at
every audited scale, so the horizon rule of :mod:`theorems._horizon` passes), D and E averaged
over the initial output f0 (a Gaussian process at infinite width, kappa^2 = c delta/(d^2 n^1.5) as
in the network sweep). The points are uniform on the sphere as in Corollary 8, drawn at a cost
independent of d (:func:`models.shallow_relu.kernel_limit.sphere_draw`, exactly equal in
distribution), so the d audit spans d = 3 .. 10^5.

What the limit measures: Lemma 5's plateau there is the initial output's kernel-regression
residual, ``kappa^2 E_x Var(f0(x) - h^T H^{-1} f0(X))``; the finite-width error that the
``O(1/sqrt n)`` term also covers at finite m is not audited (its width is unnamed). Theorem 7's
error there is GD's, which tends to kernel regression's.
"""
from __future__ import annotations

from theorems._audit import O, Uniformity, geometric

#: test points, the run length (closed form: any K costs the same) and the fixed sizes
GEN_TEST, GEN_STEPS, GEN_D, GEN_N = 1000, 10**12, 8, 8


def gen_instance(n: int, d: int, p: int, **extra) -> dict:
    """The kernel-limit sweep at sizes (n, n+1), two seeds."""
    return {"d": int(d), "sizes": [int(n), int(n) + 1], "p": int(p), "width": 1, "seeds": 2,
            "test_points": GEN_TEST, "max_steps": GEN_STEPS, "model": "kernel", **extra}


GEN_NS = (3, 10, 30, 100, 300, 1000)
GEN_N_WHY = ("each row eigendecomposes the n x n kernel H (8 rows a scale): n = 1000 takes about 40 s a scale on "
             "one contended core, and four decades (n = 3e4) would need 2.7e13 flops and 7 GB per row")
GEN_DS = geometric(3, 1e5, per_decade=1, integer=True)


def _n_family(n):
    return [gen_instance(n, GEN_D, p) for p in (1, 2)]


def _d_family(d):
    return [gen_instance(GEN_N, d, p) for p in (1, 2)]


_WHAT = f"Corollary 8's setting in the limit m -> infinity (model kernel), p = 1, 2, sizes (n, n+1), 2 seeds, {GEN_TEST} test points, K = 1e12"


def lemma5_audits() -> tuple:
    """Lemma 5's ``O(1/sqrt n)`` constant ``sqrt(n) D(n, K)``, O, in n."""
    return (Uniformity("n", "plateau_sqrt_n", O, _n_family, GEN_NS, short_range_why=GEN_N_WHY, what=f"{_WHAT}, d = {GEN_D}"),)


def theorem7_audits() -> tuple:
    """Theorem 7's ``C = E sqrt(n) / (|w_bar|^2 sqrt(d log(1/delta)))``, O, in n and d."""
    return (
        Uniformity("n", "constant", O, _n_family, GEN_NS, short_range_why=GEN_N_WHY, what=f"{_WHAT}, d = {GEN_D}"),
        Uniformity("d", "constant", O, _d_family, GEN_DS, what=f"{_WHAT}, n = {GEN_N}"),
    )
