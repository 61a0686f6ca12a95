"""pytest-benchmark: forward plus backward (risk and its gradient in every parameter) of the
E–Ma–Wang–Wu network at depth 1000, float64, CPU: the exact sweeps over depth with the hand-written
backward pass (``models.skip_resnet.sweeps.risk_and_gradient``) against the same model written as a
plain ``torch.nn`` stack (a ModuleList of blocks, a Python loop, ``loss.backward()``), in the same run.

Issue sizes (with ``--benchmark-enable``): n = 100, d = 10, m = 10 and n = 10, d = 10, m = 5, both at
L = 1000, at a point of I_c(Theta0) with c = 3 (every block on the boundary of its ball: the
sweeps' regime; they settle in ~8). Both sides must give the same gradient. Without
``--benchmark-enable``: L = 20, a smoke test.

    python -m pytest tests/benchmarks/test_bench_skip_resnet.py --benchmark-enable --benchmark-group-by=group
"""
import numpy as np
import pytest
import torch
from torch import nn

import models.skip_resnet.network as sr
import models.skip_resnet.sweeps as sw
from tests.benchmarks._gd import issue_size, rounds


class Block(nn.Module):
    def __init__(self, B, r, a, C, act):
        super().__init__()
        self.B, self.r, self.a, self.C = (nn.Parameter(t.clone()) for t in (B, r, a, C))
        self.act = torch.relu if act == "relu" else torch.tanh

    def forward(self, x, z, y):
        g = self.act(z @ self.B.T + y[:, None] * self.r)
        return x + g @ self.C.T, y + g @ self.a


class Stack(nn.Module):
    def __init__(self, p, act):
        super().__init__()
        self.blocks = nn.ModuleList(Block(p.B[k], p.r[k], p.a[k], p.C[k], act) for k in range(p.blocks))

    def forward(self, x):
        z, y = x, x.new_zeros(x.shape[0])
        for b in self.blocks:
            z, y = b(x, z, y)
        return y


def point(n, d, m, L, c=3.0, seed=0):
    p = sr.random_point(sr.init(d, m, L, seed=seed), c, seed=seed + 1)
    rng = np.random.default_rng(seed + 2)
    X = rng.standard_normal((n, d))
    return p, torch.tensor(X / np.linalg.norm(X, axis=1, keepdims=True)), torch.tensor(rng.uniform(-1, 1, n))


@pytest.fixture(params=[(100, 10, 10), (10, 10, 5)], ids=["n100-m10", "n10-m5"])
def problem(request):
    n, d, m = request.param
    L = 1000 if issue_size(request) else 20
    return point(n, d, m, L)


def nn_stack(net, X, y):
    net.zero_grad()
    R = ((net(X) - y) ** 2).mean() / 2
    R.backward()
    return R


def ours(p, X, y):
    return sw.risk_and_gradient(p, X, y, "tanh")


@pytest.mark.benchmark(group="skip-resnet-fwd-bwd")
def test_bench_sweeps(benchmark, problem):
    p, X, y = problem
    R, G, _ = rounds(benchmark, ours, (p, X, y))
    net = Stack(p, "tanh").double()
    assert float(nn_stack(net, X, y).detach()) == pytest.approx(float(R), rel=1e-12)
    for got, name in zip(G.tensors(), ("B", "r", "a", "C")):
        ref = torch.stack([getattr(b, name).grad if getattr(b, name).grad is not None else torch.zeros_like(getattr(b, name)) for b in net.blocks])
        torch.testing.assert_close(got, ref, rtol=1e-9, atol=1e-15)


@pytest.mark.benchmark(group="skip-resnet-fwd-bwd")
def test_bench_nn_stack(benchmark, problem):
    p, X, y = problem
    net = Stack(p, "tanh").double()
    rounds(benchmark, nn_stack, (net, X, y))
