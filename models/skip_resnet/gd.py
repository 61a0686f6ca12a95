"""Gradient descent (7.1) on the empirical risk (2.1) of the E–Ma–Wang–Wu network, recording what
Theorems 3.2, 6.6, 7.1 and Proposition 5.1 talk about, without storing every step.

``Theta_{t+1} = Theta_t - eta grad R_n(Theta_t)`` with the closed-form gradient of
:func:`models.skip_resnet.sweeps.risk_and_gradient`. At the requested steps it records ``R_n``, the
effective radius ``c_t = L max_l max(|a(l) - a0(l)|, |r(l) - r0(l)|, |B(l) - B0(l)|_F, |C(l) - C0(l)|_F)``
(``Theta_t in I_c`` iff ``c_t <= c``), and, on evaluation points ``X_eval``, the network's output
and the random-feature model's ``f~(x; a_t, B0)`` with the same ``a`` (Theorem 6.6). Gradient flow
(2.4) is followed by GD with a small step (the caller's choice; Theorem 3.2 uses time ``t = k eta``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from models._shared.lazy import torch  # imported at first use: registration stays torch-free

import models.skip_resnet.network as sr
import models.skip_resnet.sweeps as sw


@dataclass
class Trajectory:
    steps: np.ndarray  # recorded step indices
    risk: np.ndarray  # R_n at those steps
    radius: np.ndarray  # effective c_t
    f_eval: np.ndarray | None = None  # (len(steps), n_eval) network outputs
    f_rf_eval: np.ndarray | None = None  # (len(steps), n_eval) f~(x; a_t, B0)
    final: sr.Params | None = None


def effective_radius(p: sr.Params, p0: sr.Params) -> float:
    """``L max`` over blocks and kinds of the deviation from ``Theta0`` (Definition 1)."""
    return float(max(float(v.max()) for v in sr.deviation_norms(p, p0).values())) * p.depth


def gd(p0: sr.Params, X, y, act: str, eta: float, steps: int, *, record=None, X_eval=None, progress=None) -> Trajectory:
    """``steps`` GD steps from ``p0`` (also the reference Theta0), recording at ``record`` (default:
    every step); ``progress(k)`` is called every 100 steps if given."""
    if eta <= 0 or steps < 0:
        raise ValueError(f"need eta > 0 and steps >= 0, got eta={eta}, steps={steps}")
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    rec = np.arange(steps + 1) if record is None else np.unique(np.clip(np.asarray(record, dtype=int), 0, steps))
    keep = set(rec.tolist())
    Xe = None if X_eval is None else torch.as_tensor(X_eval, dtype=torch.float64)
    feat0 = None if Xe is None else sr.sigma(act, Xe @ p0.B.transpose(1, 2))  # (L-1, n_eval, m): sigma(B0(l) x)
    risk, radius, fe, fr = [], [], [], []
    p = sr.Params(*(t.clone() for t in p0.tensors()))
    for k in range(steps + 1):
        R, G, _ = sw.risk_and_gradient(p, X, y, act)
        if k in keep:
            risk.append(float(R))
            radius.append(effective_radius(p, p0))
            if Xe is not None:
                fe.append(sw.forward(p, Xe, act).f.numpy().copy())
                fr.append(torch.einsum("knm,km->n", feat0, p.a).numpy().copy())
        if k == steps:
            break
        p = sr.Params(*(t - eta * g for t, g in zip(p.tensors(), G.tensors())))
        if progress is not None and (k + 1) % 100 == 0:
            progress(k + 1)
    return Trajectory(steps=rec, risk=np.asarray(risk), radius=np.asarray(radius),
                      f_eval=np.asarray(fe) if fe else None, f_rf_eval=np.asarray(fr) if fr else None, final=p)


def tangent_gram(p: sr.Params, X, act: str) -> np.ndarray:
    """The tangent kernel over every parameter at ``p``, normalised as (4.8): ``J J^T / (nL)``, J the
    per-example gradients of f (rows) over (B, r, a, C). At ``Theta0`` only the ``a`` block is nonzero
    (``a0 = 0``) and it is :func:`models.skip_resnet.sweeps.gram`; along the flow the residual decays
    like ``exp(-L J J^T t / (nL))`` linearised at ``p``."""
    X = torch.as_tensor(X, dtype=torch.float64)
    G = sw.per_example_gradients(p, sw.full_pass(p, X, act))
    n = X.shape[0]
    J = torch.cat([g.transpose(0, 1).reshape(n, -1) for g in G.tensors()], 1)
    return (J @ J.T).numpy() / (n * p.depth)
