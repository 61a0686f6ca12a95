"""Adversarial search for the worst instance of Lemma 1's lower constant.

``C_log(X) = lambda_min(H) sqrt(log(2n) + 1) / ((d+1) theta_min)`` is minimised in two stages:

1. a deterministic grid over the designs of :mod:`theorems._designs` (every family, n from 2
   to 1024, d from 2 to 10^4, scales from 1e-6 to 1), near-antipodal data included (where the
   lemma's constant decays like d^-1/2: its worst designs are at the largest d);
2. projected gradient descent on the points themselves (torch, float64), started from the
   worst designs of stage 1 and from random small data sets, keeping ``||x_i|| = sqrt(d)``.

``lambda_min`` and ``theta_min`` are not smooth (a min over pairs, a min eigenvalue), so the
gradient is a subgradient; the search only has to find good points, not prove optimality.
"""
from __future__ import annotations

import math
import sys
from dataclasses import replace

import numpy as np

from theorems._designs import Design, build

#: The stage-1 grid: (family, n values, d values, scales, k values).
GRID_QUICK = [
    ("uniform", [2, 3, 4, 8, 16, 64, 256, 1024], [2, 3, 5, 10, 100, 10_000], [1.0], [1]),
    ("cap", [3, 4, 8, 16, 64, 256, 1024], [2, 3, 5, 10, 100], [1e-3, 1e-1], [1]),
    ("near-duplicates", [2, 4, 16, 256], [2, 5, 100, 10_000], [1e-6, 1e-3], [1]),
    ("great-circle", [2, 3, 4, 8, 16, 64, 256, 1024], [2, 10, 10_000], [1e-3, 0.1, 1.0], [1]),
    ("cube-cap", [0], [5, 10, 100, 10_000], [1e-3, 1e-1], [1, 2, 3, 4, 5, 6, 7, 8]),
    ("low-dim", [8, 64, 512], [10, 1000], [1.0], [1, 2, 3]),
    ("near-antipodal", [6, 8, 16], [5, 10, 100, 10_000], [1e-4, 1e-2], [1]),
]


def grid_designs(seed: int = 0, max_cost: float = 1.1e9) -> list[Design]:
    out = []
    for fam, ns, ds, scales, ks in GRID_QUICK:
        for d in ds:
            for k in ks:
                if fam == "cube-cap" and k > d - 1:
                    continue
                for n in ns:
                    nn = 2**k if fam == "cube-cap" else n
                    if nn * nn * d > max_cost:
                        continue
                    for s in scales:
                        out.append(Design(fam, nn, d, seed=seed, scale=s, k=k))
    return out


def c_log(X: np.ndarray) -> float:
    from theorems.satpathi21._lemma1_constants import lower_constants

    return lower_constants(X)[0]


def local_descent(X0: np.ndarray, steps: int = 200, lr: float = 1e-2) -> np.ndarray:
    """Projected (sub)gradient descent of C_log over the points, on the sphere ||x|| = sqrt(d)."""
    import torch

    import models.shallow_relu.network as net

    n, d = X0.shape
    X = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([X], lr=lr * math.sqrt(d))
    best, best_val = X0.copy(), c_log(X0)
    big = torch.eye(n, dtype=torch.float64) * 10.0
    for _ in range(steps):
        opt.zero_grad()
        H, phi = net.ntk_torch(X)
        lam = torch.linalg.eigvalsh(H)[0]
        theta = (phi + big).min()
        obj = lam * math.sqrt(math.log(2 * n) + 1) / ((d + 1) * theta)
        obj.backward()
        opt.step()
        with torch.no_grad():
            X.mul_(math.sqrt(d) / X.norm(dim=1, keepdim=True))
        cand = X.detach().numpy().copy()
        try:
            from models._shared.angles import require_nonparallel

            require_nonparallel(cand)
            val = c_log(cand)
        except ValueError:
            continue
        if val < best_val:
            best, best_val = cand, val
    return best


def search_lower(seed: int = 0, budget: int = 400, progress: bool = False) -> dict:
    """Worst instance found for ``satpathi21/lemma1/lower`` and a table of per-family minima.

    ``budget`` bounds the number of stage-1 designs evaluated (the cheapest first) and scales
    the stage-2 effort. Deterministic in ``seed``.
    """
    designs = sorted(grid_designs(seed), key=lambda g: g.n * g.n * g.d)[:budget]
    rows = []
    for idx, des in enumerate(designs):
        X = build(des)
        try:
            val = c_log(X)
        except ValueError:
            continue
        theta = _theta(X)
        rows.append({"design": des.describe(), "n": des.n, "d": des.d, "family": des.family, "C_log": val, "theta_min": theta, "_design": des})
        if progress:
            print(f"\r[grid {idx + 1}/{len(designs)}] worst C_log so far {min(r['C_log'] for r in rows):.5f}", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    admissible = [r for r in rows if r["theta_min"] < 1]
    admissible.sort(key=lambda r: r["C_log"])
    starts = [r["_design"] for r in admissible if r["n"] <= 32 and r["d"] <= 16][: max(1, budget // 100)]
    rng = np.random.default_rng(seed)
    starts += [Design("uniform", int(rng.integers(3, 17)), int(rng.integers(3, 9)), seed=int(rng.integers(1 << 30))) for _ in range(max(1, budget // 200))]
    best_X, best_val, best_from = None, math.inf, ""
    for i, des in enumerate(starts):
        X = local_descent(build(des), steps=max(20, budget // 2))
        val = c_log(X)
        if progress:
            print(f"[descent {i + 1}/{len(starts)}] from {des.describe()}: C_log {val:.5f}", file=sys.stderr)
        if _theta(X) < 1 and val < best_val:
            best_X, best_val, best_from = X, val, des.describe()
    grid_best = admissible[0]
    if best_X is None or grid_best["C_log"] <= best_val:
        best_X, best_val, best_from = build(grid_best["_design"]), grid_best["C_log"], grid_best["design"]
        how = "grid"
    else:
        how = "descent"
    per_family = {}
    for r in admissible:
        per_family.setdefault(r["family"], {k: v for k, v in r.items() if k != "_design"})
    return {
        "instance": {"X": best_X.tolist(), "design": f"{how} from {best_from}"},
        "C_log": best_val,
        "per_family_worst": per_family,
        "evaluated": len(rows),
        "largest": {"n": max(r["n"] for r in rows), "d": max(r["d"] for r in rows)},
        "table": [{k: v for k, v in r.items() if k != "_design"} for r in rows],
    }


def _theta(X: np.ndarray) -> float:
    import models.shallow_relu.network as net

    return net.theta_min(X)
