"""pytest-benchmark: GD on the Oymak–Soltanolkotabi models (closed-form residual and J^T r,
numpy, no Jacobian materialised, residual/distance/path recorded every step) against the plain
torch-autograd loop (forward, 0.5 ||f - y||^2, backward, in-place update) in the same run.

Issue sizes (with ``--benchmark-enable``): GLM n = 100, p = 1000 (slope-tanh); low rank d = 100,
r = 4, n = 200 (Theorem 4.2's setting). ``STEPS`` steps per round; both sides start from the same
theta0 and must end at the same iterate. Without ``--benchmark-enable``: one small round as a smoke test.

    python -m pytest tests/benchmarks/test_bench_least_squares.py --benchmark-enable --benchmark-group-by=group
"""
import numpy as np
import pytest
import torch

import models.least_squares.problems as ls
import models.least_squares.gd as lsgd
import models.least_squares.lowrank as lr
from tests.benchmarks._gd import autograd_gd, issue_size, rounds

STEPS = 100


@pytest.fixture
def glm(request):
    n, p = (100, 1000) if issue_size(request) else (5, 20)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p)) / np.sqrt(p)
    prob = ls.GLM.of(X, {"name": "slope-tanh", "slope": 0.5})
    eta = 1.0 / prob.constants().beta ** 2
    return prob, rng.standard_normal(n), np.zeros(p), eta


@pytest.fixture
def lowrank(request):
    d, r, n, c1 = (100, 4, 200, 1.0) if issue_size(request) else (10, 2, 10, 0.05)  # c1 = 1 diverges at d = 10
    A, y, theta0 = lr.theorem42_problem(d, r, n, seed=0)
    return lr.LowRank.of(A, r), y, theta0, lr.theorem42_step(d, r, n, float(np.linalg.norm(y)), c1)


def glm_autograd(prob, y, theta0, eta, steps):
    X, yt = torch.tensor(prob.X), torch.tensor(y)
    s = prob.activation.slope

    def loss(th):
        z = X @ th
        return 0.5 * ((s * z + torch.tanh(z) - yt) ** 2).sum()

    return autograd_gd(theta0, loss, eta, steps)


def lowrank_autograd(prob, y, theta0, eta, steps):
    A, yt = torch.tensor(prob.A), torch.tensor(y)
    T = autograd_gd(theta0.reshape(prob.d, prob.rank), lambda T: 0.5 * ((A @ (T @ T.T).reshape(-1) - yt) ** 2).sum(), eta, steps)
    return T.ravel()


def ours(prob, y, theta0, eta, steps):
    return lsgd.gd(prob, theta0, y, step_size=eta, steps=steps).theta


@pytest.mark.benchmark(group="glm-gd")
def test_bench_glm_ours(benchmark, glm):
    th = rounds(benchmark, ours, (*glm, STEPS))
    np.testing.assert_allclose(th, glm_autograd(*glm, STEPS), rtol=1e-10, atol=1e-12)


@pytest.mark.benchmark(group="glm-gd")
def test_bench_glm_autograd(benchmark, glm):
    rounds(benchmark, glm_autograd, (*glm, STEPS))


@pytest.mark.benchmark(group="lowrank-gd")
def test_bench_lowrank_ours(benchmark, lowrank):
    th = rounds(benchmark, ours, (*lowrank, STEPS))
    np.testing.assert_allclose(th, lowrank_autograd(*lowrank, STEPS), rtol=1e-9, atol=1e-12)


@pytest.mark.benchmark(group="lowrank-gd")
def test_bench_lowrank_autograd(benchmark, lowrank):
    rounds(benchmark, lowrank_autograd, (*lowrank, STEPS))
