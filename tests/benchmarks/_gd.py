"""What the benchmarks share: the issue sizes switch, the rounds every benchmark runs, and the plain torch-autograd
GD loop that our closed-form GD is timed against (and must agree with)."""
import torch


def issue_size(request) -> bool:
    """True under ``--benchmark-enable`` (the issue's sizes); otherwise the benchmarks are small smoke tests."""
    return request.config.getoption("benchmark_enable", False)


def rounds(benchmark, f, args):
    """``f(*args)`` timed over 10 rounds after 2 warm-up rounds; its last result."""
    return benchmark.pedantic(f, args=args, rounds=10, iterations=1, warmup_rounds=2)


def autograd_gd(theta0, loss, eta: float, steps: int):
    """What a researcher would write: from a copy of ``theta0``, ``steps`` times forward ``loss(theta)``, backward,
    in-place update ``theta -= eta grad``; the final theta as numpy."""
    th = torch.tensor(theta0, requires_grad=True)
    for _ in range(steps):
        loss(th).backward()
        with torch.no_grad():
            th -= eta * th.grad
        th.grad = None
    return th.detach().numpy()
