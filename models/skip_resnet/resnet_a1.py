"""The ResNet (1.1)/(A.1) of E, Ma, Wang, Wu (2019), Appendix A, and the compositional random-feature
model (1.2) of Sec. 1 (the same network with every ``V(l)`` frozen at its initial value):

    h(1) = V(0) x = (x, 0) in R^{d+1},
    h(l+1) = h(l) + U(l) sigma(V(l) h(l)),  l = 1, ..., L-1,
    f(x; Theta) = w^T h(L),  w = (0, ..., 0, 1) fixed,

``U(l)`` in R^{(d+1) x m} initialised to 0, ``V(l)`` in R^{m x (d+1)} with entries N(0, 1/m); sigma = ReLU.
Parameters are stacked over the L - 1 blocks: ``U`` (L-1, d+1, m), ``V`` (L-1, m, d+1). Training is
full-batch GD on ``R_n = 1/(2n) sum_i (f(x_i) - y_i)^2`` with torch autograd (float64): the
ResNet updates ``U`` and ``V``, the random-feature model only ``U``, from the same initialisation and
with the same learning rate (Figure 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from models._shared.lazy import torch  # imported at first use: registration stays torch-free


def init(d: int, m: int, L: int, *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(U0, V0)``: zeros and N(0, 1/m) entries, for L - 1 blocks."""
    if L < 2:
        raise ValueError(f"depth L must be >= 2, got {L}")
    rng = np.random.default_rng(seed)
    V = torch.tensor(rng.standard_normal((L - 1, m, d + 1)) / np.sqrt(m))
    return torch.zeros(L - 1, d + 1, m, dtype=torch.float64), V


def output(U, V, X) -> torch.Tensor:
    """``f(x_i)`` for the rows of X (n, d)."""
    X = torch.as_tensor(X, dtype=torch.float64)
    h = torch.cat([X, X.new_zeros(X.shape[0], 1)], dim=1)
    for l in range(U.shape[0]):
        h = h + torch.relu(h @ V[l].T) @ U[l].T
    return h[:, -1]


def risk(U, V, X, y) -> torch.Tensor:
    e = output(U, V, X) - torch.as_tensor(y, dtype=torch.float64)
    return (e @ e) / (2 * e.shape[0])


@dataclass
class History:
    steps: np.ndarray
    risk: np.ndarray  # training risk at the recorded steps
    U_dist: np.ndarray  # |U_t - U_0|_F at the recorded steps


def train(U0, V0, X, y, eta: float, steps: int, *, freeze_V: bool, record=None) -> History:
    """Full-batch GD; ``freeze_V=True`` is the compositional random-feature model (1.2)."""
    if eta <= 0 or steps < 0:
        raise ValueError(f"need eta > 0 and steps >= 0, got eta={eta}, steps={steps}")
    rec = np.arange(steps + 1) if record is None else np.unique(np.clip(np.asarray(record, dtype=int), 0, steps))
    keep = set(rec.tolist())
    U = U0.clone().requires_grad_(True)
    V = V0.clone().requires_grad_(not freeze_V)
    out_r, out_d = [], []
    for k in range(steps + 1):
        R = risk(U, V, X, y)
        if k in keep:
            out_r.append(float(R.detach()))
            out_d.append(float(torch.linalg.vector_norm(U.detach() - U0)))
        if k == steps:
            break
        grads = torch.autograd.grad(R, [U] if freeze_V else [U, V])
        with torch.no_grad():
            U -= eta * grads[0]
            if not freeze_V:
                V -= eta * grads[1]
    return History(rec, np.asarray(out_r), np.asarray(out_d))


def stable_step(V0, X, fraction: float = 0.5) -> float:
    """``fraction / lambda_max`` of the Gauss–Newton matrix of ``R_n`` in ``U`` at initialisation
    (``U = 0``: ``h(l) = (x, 0)`` in every block, the features ``sigma(V(l) h)`` enter the output
    through the last row of each ``U(l)``): a step the two models can share."""
    X = torch.as_tensor(X, dtype=torch.float64)
    h = torch.cat([X, X.new_zeros(X.shape[0], 1)], dim=1)
    F = torch.relu(torch.einsum("kmd,nd->nkm", V0, h)).reshape(X.shape[0], -1)
    lam = float(torch.linalg.eigvalsh(F @ F.T / X.shape[0])[-1])
    return fraction / lam
