"""pytest-benchmark: GD on the Satpathi–Srikant network against plain torch-autograd loops
(the leanest one, and the textbook ``nn.Sequential`` + ``optim.SGD`` one).

Issue size (n = 100, d = 5, m = 10^4, float64, CPU, ``STEPS`` steps per round, so the per-step
time is the round time / STEPS) only with ``--benchmark-enable``; otherwise one small round as
a smoke test. Both sides start from the same w(0) and must end at the same weights.

    python -m pytest tests/benchmarks/test_bench_training.py --benchmark-enable --benchmark-group-by=group
"""
import numpy as np
import pytest
import torch

import models.shallow_relu.network as net
import models.shallow_relu.training as train
from tests.benchmarks._gd import autograd_gd, issue_size, rounds
from theorems._designs import to_sphere

STEPS = 50


@pytest.fixture
def problem(request):
    n, d, m = (100, 5, 10_000) if issue_size(request) else (10, 3, 50)
    rng = np.random.default_rng(0)
    X = to_sphere(rng.standard_normal((n, d)))
    y = rng.standard_normal(n)
    p = net.init_params(d, m, seed=0)
    eta = 1.0 / float(np.linalg.eigvalsh(net.ntk(X))[-1])
    return X, y, p, eta


def autograd_loop(X, y, p, eta, steps):
    """The plain loop (:func:`tests.benchmarks._gd.autograd_gd`) on 0.5 ||f - y||^2."""
    Xt = torch.tensor(net.augment(X))
    yt = torch.tensor(y)
    a = torch.tensor(p.a) / p.width**0.5
    return autograd_gd(p.W, lambda W: 0.5 * ((torch.relu(Xt @ W.T) @ a - yt) ** 2).sum(), eta, steps)


def module_loop(X, y, p, eta, steps):
    """The textbook version: an ``nn.Sequential`` with a frozen output layer and ``optim.SGD``."""
    nn = torch.nn
    model = nn.Sequential(nn.Linear(X.shape[1] + 1, p.width, bias=False), nn.ReLU(), nn.Linear(p.width, 1, bias=False)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(p.W))
        model[2].weight.copy_(torch.tensor(p.a)[None] / p.width**0.5)
    model[2].weight.requires_grad_(False)
    opt = torch.optim.SGD([model[0].weight], lr=eta)
    Xt, yt = torch.tensor(net.augment(X)), torch.tensor(y)
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * ((model(Xt)[:, 0] - yt) ** 2).sum()
        loss.backward()
        opt.step()
    return model[0].weight.detach().numpy()


def ours(X, y, p, eta, steps):
    return train.gd(X, y, p, step_size=eta, steps=steps, keep_weights=True).weights[-1]


@pytest.mark.benchmark(group="gd-step")
def test_bench_gd_ours(benchmark, problem):
    W = rounds(benchmark, ours, (*problem, STEPS))
    np.testing.assert_allclose(W, autograd_loop(*problem, STEPS), rtol=0, atol=1e-10)


@pytest.mark.benchmark(group="gd-step")
def test_bench_gd_plain_autograd(benchmark, problem):
    rounds(benchmark, autograd_loop, (*problem, STEPS))


@pytest.mark.benchmark(group="gd-step")
def test_bench_gd_module_and_sgd(benchmark, problem):
    W = rounds(benchmark, module_loop, (*problem, STEPS))
    np.testing.assert_allclose(W, autograd_loop(*problem, STEPS), rtol=0, atol=1e-10)
