"""GD and SGD on ``L(theta) = ||f(theta) - y||^2 / 2`` (Oymak & Soltanolkotabi 2019, Sec. 2 and 3).

``gd``:  ``theta_{t+1} = theta_t - eta J(theta_t)^T (f(theta_t) - y)``.
``sgd``: ``theta_{t+1} = theta_t - eta J_i(theta_t)^T (f_i(theta_t) - y_i)`` with ``i`` uniform
over the n samples at each step (Theorem 3.1), drawn from ``numpy.random.default_rng(seed)``.

Both record, at *every* step (the theorems are statements for all t, and each record is three
scalars): ``residual`` ``||f(theta_t) - y||``, ``distance`` ``||theta_t - theta0||``, and
``path`` ``sum_{s < t} ||theta_{s+1} - theta_s||``; the final iterate is kept, and the
whole trajectory of iterates if ``keep_iterates``. They use the problem's matrix-free ``vjp``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._shared.validation import as_vector


@dataclass(frozen=True)
class Run:
    residual: np.ndarray  # (T+1,)
    distance: np.ndarray  # (T+1,)
    path: np.ndarray  # (T+1,) cumulative step lengths
    theta: np.ndarray  # final iterate
    iterates: np.ndarray | None = None  # (T+1, p) if kept
    samples: np.ndarray | None = None  # SGD: the sample index of each step


def _start(problem, theta0, y, step_size, steps):
    n, p = problem.shape
    theta0 = as_vector(theta0, "theta0", p)
    y = as_vector(y, "y", n)
    if not (step_size > 0 and np.isfinite(step_size)):
        raise ValueError(f"step_size must be positive and finite, got {step_size!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    return theta0, y, int(steps)


def _run(problem, theta0, y, steps, update, keep_iterates, fused=None, eta=None) -> Run:
    res = np.empty(steps + 1)
    dist = np.empty(steps + 1)
    path = np.empty(steps + 1)
    its = np.empty((steps + 1, theta0.size)) if keep_iterates else None
    theta = theta0.copy()
    total = 0.0
    for t in range(steps + 1):
        if fused is not None and t < steps:
            r, g = fused(theta)
        else:
            r, g = problem.f(theta) - y, None
        res[t] = np.linalg.norm(r)
        dist[t] = np.linalg.norm(theta - theta0)
        path[t] = total
        if its is not None:
            its[t] = theta
        if t == steps:
            break
        step = update(t, theta, r) if g is None else eta * g
        total += float(np.linalg.norm(step))
        theta = theta - step
    return Run(res, dist, path, theta, its)


def gd(problem, theta0, y, *, step_size: float, steps: int, keep_iterates: bool = False) -> Run:
    """Uses the problem's ``residual_vjp`` (residual and gradient from shared products) when it
    has one, else ``f`` then ``vjp``."""
    theta0, y, steps = _start(problem, theta0, y, step_size, steps)
    fused = getattr(problem, "residual_vjp", None)
    return _run(problem, theta0, y, steps, lambda t, th, r: step_size * problem.vjp(th, r), keep_iterates,
                None if fused is None else (lambda th: fused(th, y)), step_size)


def sgd(problem, theta0, y, *, step_size: float, steps: int, seed: int = 0, keep_iterates: bool = False) -> Run:
    theta0, y, steps = _start(problem, theta0, y, step_size, steps)
    n = problem.shape[0]
    idx = np.random.default_rng(seed).integers(0, n, size=steps)

    def update(t, th, r):
        u = np.zeros(n)
        u[idx[t]] = r[idx[t]]
        return step_size * problem.vjp(th, u)

    run = _run(problem, theta0, y, steps, update, keep_iterates)
    return Run(run.residual, run.distance, run.path, run.theta, run.iterates, idx)


@dataclass(frozen=True)
class Runs:
    """Many independent SGD runs from the same theta0 (Theorem 3.1's Monte Carlo)."""

    residual: np.ndarray  # (runs, T+1) ||f(theta_t) - y||
    distance: np.ndarray  # (runs, T+1) ||theta_t - theta0||


def sgd_runs(problem, theta0, y, *, step_size: float, steps: int, runs: int, seed: int = 0) -> Runs:
    """``runs`` independent copies of :func:`sgd`, vectorised over the runs (linear and GLM
    problems: ``f = phi(X theta)``). Run j draws its samples from ``default_rng([seed, j])``, so
    any run can be replayed alone with ``sgd(..., seed=...)``-style bookkeeping and results do not
    depend on how many runs are made."""
    theta0, y, steps = _start(problem, theta0, y, step_size, steps)
    X = problem.X
    act = getattr(problem, "activation", None)
    phi = (lambda z: z) if act is None else act.phi
    dphi = (lambda z: np.ones_like(z)) if act is None else act.dphi
    n = X.shape[0]
    idx = np.stack([np.random.default_rng([seed, j]).integers(0, n, size=steps) for j in range(runs)])  # (runs, T)
    Th = np.repeat(theta0[None, :], runs, axis=0)
    res = np.empty((runs, steps + 1))
    dist = np.empty((runs, steps + 1))
    rows = np.arange(runs)
    for t in range(steps + 1):
        Z = Th @ X.T  # (runs, n)
        R = phi(Z) - y
        res[:, t] = np.linalg.norm(R, axis=1)
        dist[:, t] = np.linalg.norm(Th - theta0, axis=1)
        if t == steps:
            break
        i = idx[:, t]
        coef = step_size * R[rows, i] * dphi(Z[rows, i])
        Th = Th - coef[:, None] * X[i]
    return Runs(res, dist)
