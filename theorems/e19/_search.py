"""Searching ``I_c(Theta0)`` x ``S^{d-1}`` for the worst instance of a sup statement of E, Ma, Wang,
Wu (2019): structured starts, the Hypothesis strategy over (activation, d, m, L, c), and projected
gradient ascent in torch. Shared by every e19 check whose instance is one parameter set and one
input (:mod:`theorems.e19._params`); a check supplies its objective
``objective(p, p0, x, act, c, L) -> torch scalar`` (differentiable in the parameters and x).
"""
from __future__ import annotations

import math
import sys

import numpy as np
from models._shared.lazy import torch  # imported at first use: registration stays torch-free
from hypothesis import strategies as st

import models.skip_resnet.network as sr
from theorems.e19 import _params

#: deepest network the strategy draws (the ascent back-propagates through every block)
MAX_BLOCKS = 1200


def start(act: str, d: int, m: int, L: int, c: float, seed: int, kind: str) -> dict:
    """A parameter set in ``I_c(Theta0)``: ``aligned`` (``a(l) = r(l) = (c/L) u``, u the unit vector
    on neurons active at x: alpha grows by ``1 + c^2/L^2`` per block), ``boundary`` (every block
    at distance exactly c/L in a random direction) or ``interior`` (a random fraction of it)."""
    rng = np.random.default_rng(seed)
    p0 = sr.init(d, m, L, seed=seed)
    x = rng.standard_normal(d)
    x /= np.linalg.norm(x)
    eps = c / L
    B0 = p0.B.numpy()

    def on_sphere(shape):
        v = rng.standard_normal(shape)
        axes = tuple(range(1, v.ndim))
        return v / np.sqrt((v**2).sum(axis=axes, keepdims=True))

    if kind == "aligned":
        pre0 = np.einsum("kmd,d->km", B0, x)
        act_mask = (pre0 > 0) if act == "relu" else np.ones_like(pre0, dtype=bool)
        u = np.where(act_mask, 1.0, 0.0)
        u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-300)
        a = r = eps * u
        B, C = B0, np.zeros((L - 1, d, m))
    else:
        s = 1.0 if kind == "boundary" else rng.uniform(0, 1)
        a, r = s * eps * on_sphere((L - 1, m)), s * eps * on_sphere((L - 1, m))
        B, C = B0 + s * eps * on_sphere((L - 1, m, d)), s * eps * on_sphere((L - 1, d, m))
    p = sr.Params.of(B, r, a, C)
    return _params.to_instance(act, c, x, p, p0)


def strategy(k: float):
    """(d, m, L, c) with ``L >= k c^2``: c from 1 to 10, depths from the minimum to 10x it (capped
    at :data:`MAX_BLOCKS` blocks, c lowered to keep ``L >= k c^2``), ReLU and tanh, the three kinds
    of start."""
    def build(act, d, m, c, mult, seed, kind):
        L = min(max(2, math.ceil(k * c**2 * mult)), MAX_BLOCKS)
        c = min(c, math.sqrt(L / k))
        return start(act, d, m, L, c, seed, kind)

    return st.builds(build, st.sampled_from(sr.ACTIVATIONS), st.sampled_from([2, 3, 5]), st.sampled_from([1, 2, 4, 8]),
                     st.sampled_from([1.0, 2.0, 3.0, 5.0, 7.0, 10.0]), st.sampled_from([1.0, 1.0, 2.0, 10.0]),
                     st.integers(0, 10_000), st.sampled_from(["aligned", "boundary", "interior"]))


def ascend(objective, inst: dict, steps: int = 150, lr: float = 0.2, move_B0: bool = True, move_x: bool = True) -> dict:
    """Projected gradient ascent of ``objective`` over ``I_c(Theta0)`` and the sphere, from
    ``inst``; returns the best instance seen (Adam, relative step ``lr`` of c/L on the deviations).

    The deterministic statements hold for every draw of (2.5), so with ``move_B0`` the initial
    ``B0`` moves too (its rows kept on the sphere of radius ``1/sqrt(m)``), and ``B`` follows as
    ``B0`` plus a deviation in the ball of radius c/L. A data instance (``X``, ``y``) passes
    ``y=`` to the objective; its rows move on the sphere only with ``move_x``."""
    p, p0 = _params.params(inst)
    c, L, act = inst["c"], inst["L"], inst["activation"]
    m = p.width
    data = "X" in inst
    y = torch.as_tensor(inst["y"], dtype=torch.float64) if data else None
    x = torch.as_tensor(inst["X" if data else "x"], dtype=torch.float64).clone().requires_grad_(move_x)
    W0 = p0.B.clone().requires_grad_(move_B0)
    dev = [(p.B - p0.B).clone().requires_grad_(True)] + [t.clone().requires_grad_(True) for t in (p.r, p.a, p.C)]
    opt = torch.optim.Adam(dev + ([x] if move_x else []), lr=lr * c / L)
    opt0 = torch.optim.Adam([W0], lr=lr / m**0.5) if move_B0 else None

    def current():
        B0 = W0 / (torch.linalg.vector_norm(W0, dim=2, keepdim=True) * m**0.5)
        q0 = sr.Params(B0, *(torch.zeros_like(t) for t in (p0.r, p0.a, p0.C)))
        return sr.project(sr.Params(B0 + dev[0], *dev[1:]), q0, c), q0

    best, best_inst = -math.inf, inst
    for _ in range(steps):
        cur, q0 = current()
        xn = x / torch.linalg.vector_norm(x, dim=-1, keepdim=True)
        val = objective(cur, q0, xn, act, c, L) if y is None else objective(cur, q0, xn, act, c, L, y=y)
        if float(val.detach()) > best:
            best = float(val.detach())
            best_inst = _params.to_instance(act, c, xn.detach().numpy(), sr.Params(*(t.detach() for t in cur.tensors())),
                                            sr.Params(*(t.detach() for t in q0.tensors())), y=None if y is None else y.numpy())
        opt.zero_grad()
        if opt0:
            opt0.zero_grad()
        (-val).backward()
        opt.step()
        if opt0:
            opt0.step()
        with torch.no_grad():  # keep the iterate feasible
            cur, q0 = current()
            W0.copy_(q0.B)
            for t, v, v0 in zip(dev, cur.tensors(), q0.tensors()):
                t.copy_(v - v0)
            x /= torch.linalg.vector_norm(x, dim=-1, keepdim=True)
    return best_inst


def searcher(objective, evaluate, k: float, *, c: float = 10.0, d: int = 3, m: int = 4, steps: int = 60):
    """A check's ``search``: ``budget`` rounds of aligned and boundary starts at ``(d, m, c)`` and
    ``L = k c^2`` (ReLU and tanh), each ascended ``steps`` steps; returns the worst instance by
    ``evaluate``."""
    def search(seed: int, budget: int, progress: bool = False) -> dict:
        rng = np.random.default_rng(seed)
        best, best_inst = -math.inf, None
        L = math.ceil(k * c**2)
        for i in range(max(budget, 1)):
            for act in sr.ACTIVATIONS:
                for kind in ("aligned", "boundary"):
                    inst = ascend(objective, start(act, d, m, L, c, int(rng.integers(1 << 30)), kind), steps=steps)
                    ratio = evaluate(inst).ratio
                    if ratio > best:
                        best, best_inst = ratio, inst
            if progress:
                print(f"\r[{i + 1}/{budget}] worst ratio {best:.6g}", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        return {"instance": best_inst, "worst_ratio": best}

    return search
