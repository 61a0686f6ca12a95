"""pytest-benchmark: closed-form Jacobian and kernel against torch.func, in the same run.

Sizes of the issue (n = 1000, d = 10, m = 10^4; H at n = 2000) run only with
``--benchmark-enable``; without it (the default, as in CI) each benchmark runs once at a small
size, as a smoke test. Ratios are read from one run's table, never asserted.

    python -m pytest tests/benchmarks --benchmark-enable --benchmark-group-by=group
"""
import numpy as np
import pytest
import torch

import models.shallow_relu.network as net
from tests.benchmarks._gd import issue_size
from theorems._designs import to_sphere


@pytest.fixture
def sizes(request):
    return dict(n=1000, d=10, m=10_000, n_kernel=2000) if issue_size(request) else dict(n=20, d=4, m=50, n_kernel=50)


def _data(n, d, seed=0):
    return to_sphere(np.random.default_rng(seed).standard_normal((n, d)))


def _torch_jacobian(X, p):
    from torch.func import jacrev, vmap

    Xt = torch.tensor(net.augment(X))
    W, a = torch.tensor(p.W), torch.tensor(p.a)
    m = W.shape[0]

    def f(W, x):
        return torch.relu(W @ x) @ a / m**0.5

    return vmap(jacrev(f), in_dims=(None, 0))(W, Xt).reshape(X.shape[0], -1)


@pytest.mark.benchmark(group="jacobian")
def test_bench_jacobian_closed_form(benchmark, sizes):
    X, p = _data(sizes["n"], sizes["d"]), net.init_params(sizes["d"], sizes["m"], seed=0)
    J = benchmark(net.jacobian, X, p)
    assert J.shape == (sizes["n"], sizes["m"] * (sizes["d"] + 1))


@pytest.mark.benchmark(group="jacobian")
def test_bench_jacobian_torch_func(benchmark, sizes):
    X, p = _data(sizes["n"], sizes["d"]), net.init_params(sizes["d"], sizes["m"], seed=0)
    J = benchmark(_torch_jacobian, X, p)
    if sizes["n"] <= 100:  # same numbers (pre-activations are a.s. non-zero)
        np.testing.assert_allclose(J.numpy(), net.jacobian(X, p), rtol=1e-12)


@pytest.mark.benchmark(group="gram")
def test_bench_gram_closed_form(benchmark, sizes):
    X, p = _data(sizes["n"], sizes["d"]), net.init_params(sizes["d"], sizes["m"], seed=0)
    benchmark(net.gram, X, p)


@pytest.mark.benchmark(group="gram")
def test_bench_gram_torch_func(benchmark, sizes):
    X, p = _data(sizes["n"], sizes["d"]), net.init_params(sizes["d"], sizes["m"], seed=0)
    benchmark(lambda: (lambda J: J @ J.T)(_torch_jacobian(X, p)))


@pytest.mark.benchmark(group="kernel")
def test_bench_ntk_eq9(benchmark, sizes):
    X = _data(sizes["n_kernel"], sizes["d"])
    H = benchmark(net.ntk, X)
    assert H.shape == (sizes["n_kernel"],) * 2
