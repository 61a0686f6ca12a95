"""Forward and backward passes of the E–Ma–Wang–Wu network (:mod:`models.skip_resnet.network`) by
fixed-point sweeps over depth, and the risk gradient of (2.1) in closed form.

The recursion (2.3) is a lower-triangular system in the layers: ``g(l)`` depends on ``z(l)`` and
``y(l)``, which depend on ``g(1..l-1)``. A **sweep** evaluates every layer at once from the previous
sweep's states (one batched product over all blocks for the pre-activations, one for the skip
branch, a cumulative sum for ``y``). After ``j`` sweeps the first ``j`` layers are final, so the
iteration reaches its fixed point — the sequential pass — after at most ``L`` sweeps, and the
sweeps stop as soon as one changes nothing (bitwise). Near ``Theta0`` the layers are coupled only
through ``C`` and ``r``, of size ``c/L``, so every sweep shrinks the change by about
``(c + c^2)/L``: a handful of sweeps at depth 1000 instead of 1000 small steps. Far from ``Theta0``
the sweeps are still exact but slow to settle, hence the sequential fallback.

The backward recursion of the module docstring of :mod:`models.skip_resnet.network` (``gamma(l) = a(l)
alpha(l+1) + C(l)^T beta(l+1)``, ``beta(l) = B(l)^T s(l)``, ``alpha(l) = alpha(l+1) + r(l)^T s(l)``,
``s(l) = sigma'(p(l)) * gamma(l)``) is the upper-triangular counterpart, swept the same way with a
reversed cumulative sum for ``alpha``.

Parameter gradients of ``f`` (from the chain rule through ``g(l) = sigma(p(l))``):
``grad_a(l) f = alpha(l+1) g(l)``, ``grad_r(l) f = y(l) s(l)``, ``grad_B(l) f = s(l) z(l)^T``,
``grad_C(l) f = beta(l+1) g(l)^T``; the paper writes the first and the last below (4.6).
"""
from __future__ import annotations

from dataclasses import dataclass

from models._shared.lazy import torch  # imported at first use: registration stays torch-free

from models.skip_resnet.network import Params, dsigma, sigma


@dataclass
class Pass:
    """States of a forward and backward pass over a batch (0-based layer index k <-> layer k+1):
    ``y`` (L, n), ``z`` (L, n, d), ``pre`` and ``g`` (L-1, n, m), ``alpha`` (L, n), ``beta`` (L, n, d),
    ``gamma`` and ``s`` (L-1, n, m); ``sweeps`` = (forward, backward) sweep counts."""

    y: torch.Tensor
    z: torch.Tensor
    pre: torch.Tensor
    g: torch.Tensor
    alpha: torch.Tensor | None = None
    beta: torch.Tensor | None = None
    gamma: torch.Tensor | None = None
    s: torch.Tensor | None = None
    sweeps: tuple[int, int] = (0, 0)

    @property
    def f(self) -> torch.Tensor:
        return self.y[-1]


#: sweeps before the passes fall back to the sequential recursion (near Theta0 they settle in < 10)
MAX_SWEEPS = 40


def forward(p: Params, X, act: str, *, max_sweeps: int = MAX_SWEEPS) -> Pass:
    """Forward states by sweeps (exact: equal to :func:`models.skip_resnet.network.forward` up to the
    order of floating-point sums)."""
    X = torch.as_tensor(X, dtype=torch.float64)
    k, n = p.blocks, X.shape[0]
    z = X.expand(k + 1, n, X.shape[1]).clone()
    y = X.new_zeros(k + 1, n)
    for sweep in range(1, min(k + 1, max_sweeps) + 1):
        pre = z[:-1] @ p.B.transpose(1, 2) + y[:-1, :, None] * p.r[:, None, :]
        g = sigma(act, pre)
        z_new = torch.cat([X[None], X + g @ p.C.transpose(1, 2)])
        y_new = torch.cat([X.new_zeros(1, n), torch.cumsum((g * p.a[:, None, :]).sum(-1), 0)])
        settled = torch.equal(z_new, z) and torch.equal(y_new, y)
        z, y = z_new, y_new
        if settled or sweep == k + 1:
            # the last sweep's input equals its output (or, after L sweeps, is exact in every
            # layer it used), so its pre-activations belong to the final states
            return Pass(y=y, z=z, pre=pre, g=g, sweeps=(sweep, 0))
    for j in range(k):  # not settled within max_sweeps: finish sequentially (exact)
        pre[j] = z[j] @ p.B[j].T + y[j, :, None] * p.r[j]
        g[j] = sigma(act, pre[j])
        z[j + 1] = X + g[j] @ p.C[j].T
        y[j + 1] = y[j] + g[j] @ p.a[j]
    return Pass(y=y, z=z, pre=pre, g=g, sweeps=(max_sweeps + k, 0))


def backward(p: Params, fw: Pass, act: str, *, max_sweeps: int = MAX_SWEEPS) -> Pass:
    """Adds ``alpha``, ``beta``, ``gamma``, ``s`` to a forward pass, by sweeps from the output."""
    k, n, d = p.blocks, fw.y.shape[1], p.dim
    ds = dsigma(act, fw.pre)
    alpha = fw.y.new_ones(k + 1, n)
    beta = fw.y.new_zeros(k + 1, n, d)
    for sweep in range(1, min(k + 1, max_sweeps) + 1):
        gamma = alpha[1:, :, None] * p.a[:, None, :] + beta[1:] @ p.C
        s = ds * gamma
        beta_new = torch.cat([s @ p.B, beta[-1:]])
        inc = (s * p.r[:, None, :]).sum(-1)
        alpha_new = torch.cat([1 + torch.flip(torch.cumsum(torch.flip(inc, (0,)), 0), (0,)), alpha[-1:]])
        settled = torch.equal(alpha_new, alpha) and torch.equal(beta_new, beta)
        alpha, beta = alpha_new, beta_new
        if settled or sweep == k + 1:
            return Pass(y=fw.y, z=fw.z, pre=fw.pre, g=fw.g, alpha=alpha, beta=beta, gamma=gamma, s=s,
                        sweeps=(fw.sweeps[0], sweep))
    for j in reversed(range(k)):  # sequential fallback (exact)
        gamma[j] = alpha[j + 1, :, None] * p.a[j] + beta[j + 1] @ p.C[j]
        s[j] = ds[j] * gamma[j]
        beta[j] = s[j] @ p.B[j]
        alpha[j] = alpha[j + 1] + s[j] @ p.r[j]
    return Pass(y=fw.y, z=fw.z, pre=fw.pre, g=fw.g, alpha=alpha, beta=beta, gamma=gamma, s=s,
                sweeps=(fw.sweeps[0], max_sweeps + k))


def full_pass(p: Params, X, act: str) -> Pass:
    return backward(p, forward(p, X, act), act)


def weighted_gradients(p: Params, ps: Pass, w) -> Params:
    """``sum_i w_i grad f(x_i)`` for every parameter block, as a :class:`Params` of gradients."""
    w = torch.as_tensor(w, dtype=torch.float64)
    ga = torch.einsum("n,kn,knm->km", w, ps.alpha[1:], ps.g)
    gr = torch.einsum("n,kn,knm->km", w, ps.y[:-1], ps.s)
    gB = torch.einsum("n,knm,knd->kmd", w, ps.s, ps.z[:-1])
    gC = torch.einsum("n,knd,knm->kdm", w, ps.beta[1:], ps.g)
    return Params(gB, gr, ga, gC)


def per_example_gradients(p: Params, ps: Pass) -> Params:
    """Per-example gradients of ``f``: shapes (L-1, n, m, d), (L-1, n, m), (L-1, n, m), (L-1, n, d, m)."""
    ga = ps.alpha[1:, :, None] * ps.g
    gr = ps.y[:-1, :, None] * ps.s
    gB = ps.s[..., None] * ps.z[:-1, :, None, :]
    gC = ps.beta[1:, :, :, None] * ps.g[:, :, None, :]
    return Params(gB, gr, ga, gC)


def risk(f, y) -> torch.Tensor:
    """(2.1): ``R_n = 1/(2n) sum_i (f(x_i) - y_i)^2``."""
    e = f - torch.as_tensor(y, dtype=torch.float64)
    return (e @ e) / (2 * e.shape[0])


def risk_and_gradient(p: Params, X, y, act: str) -> tuple[torch.Tensor, Params, Pass]:
    """``(R_n, grad R_n, pass)``: ``grad R_n = (1/n) sum_i e_i grad f(x_i)``, ``e = f - y``."""
    ps = full_pass(p, X, act)
    e = ps.f - torch.as_tensor(y, dtype=torch.float64)
    return (e @ e) / (2 * e.shape[0]), weighted_gradients(p, ps, e / e.shape[0]), ps


def gram(p: Params, X, act: str, ps: Pass | None = None) -> torch.Tensor:
    """(4.8): ``H_ij = 1/(nL) sum_l <grad_a(l) f(x_i), grad_a(l) f(x_j)>`` with ``grad_a(l) f =
    alpha(l+1) g(l)``, L the depth (the sum runs over the L - 1 blocks; the normalisation is the
    printed 1/(nL)). At ``Theta0`` (``alpha = 1``) it is ``1/(nL) sum_l <sigma(B0(l) x_i), sigma(B0(l) x_j)>``."""
    ps = ps or full_pass(p, X, act)
    v = ps.alpha[1:, :, None] * ps.g  # (L-1, n, m)
    n = v.shape[1]
    return torch.einsum("kim,kjm->ij", v, v) / (n * p.depth)
