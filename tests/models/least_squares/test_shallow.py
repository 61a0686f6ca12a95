"""Models of Oymak & Soltanolkotabi (2019), Sec. 4.2-4.3: the shallow net and the low-rank model
as least-squares problems, their closed-form Jacobian products against autograd, their certified
constants against brute force, the trajectory estimates and the batched SGD driver."""
import numpy as np
import pytest
import torch

import models.least_squares.activations as A
import models.least_squares.problems as ls
import models.least_squares.gd as lsgd
import models.least_squares.lowrank as lr
import models.least_squares.shallow as sh
import models.shallow_relu.network as net


def torch_phi(act, z):
    if isinstance(act, A.ReLU):
        return torch.relu(z)
    if isinstance(act, A.SlopeTanh):
        return act.scale * (act.slope * z + torch.tanh(z))
    return act.scale * (act.slope * z + (1 - act.slope) * torch.nn.functional.softplus(z))


def shallow(act, n=3, d=5, k=4, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(k)
    return sh.ShallowNet.of(rng.standard_normal((n, d)), v / np.linalg.norm(v), act), rng.standard_normal(k * d)


PROBLEMS = [shallow(A.SlopeTanh(0.3)), shallow(A.LeakySoftplus(0.2)), shallow(A.ReLU()),
            (lr.LowRank.of(np.random.default_rng(1).standard_normal((5, 36)), 2), np.random.default_rng(2).standard_normal(12)), shallow(A.SlopeTanh(0.3, 1e-3))]


@pytest.mark.parametrize("prob, theta", PROBLEMS, ids=["shallow-tanh", "shallow-softplus", "shallow-relu", "lowrank", "shallow-tanh-scale1e-3"])
def test_forward_jacobian_and_products_match_autograd(prob, theta):
    np.testing.assert_allclose(prob.f(theta), _tf(prob, torch.tensor(theta)).numpy(), rtol=1e-13, atol=1e-13)
    J = torch.autograd.functional.jacobian(lambda t: _tf(prob, t), torch.tensor(theta)).numpy()
    np.testing.assert_allclose(prob.jacobian(theta), J, rtol=1e-12, atol=1e-12)
    rng = np.random.default_rng(3)
    V, u = rng.standard_normal(theta.size), rng.standard_normal(prob.shape[0])
    np.testing.assert_allclose(prob.jvp(theta, V), J @ V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(prob.vjp(theta, u), J.T @ u, rtol=1e-12, atol=1e-12)


def _tf(prob, t):
    if isinstance(prob, lr.LowRank):
        T = t.reshape(prob.d, prob.rank)
        return torch.tensor(prob.A) @ (T @ T.T).reshape(-1)
    W = t.reshape(prob.v.size, prob.X.shape[1])
    return torch_phi(prob.activation, torch.tensor(prob.X) @ W.T) @ torch.tensor(prob.v)


def test_relu_shallow_is_the_satpathi_srikant_network():
    """phi = relu, v = a / sqrt(m), X with the bias coordinate: the same outputs as models.shallow_relu.network."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    p = net.init_params(3, 50, seed=1)
    prob = sh.ShallowNet.of(net.augment(X), p.a / np.sqrt(p.width), {"name": "relu"})
    np.testing.assert_allclose(prob.f(p.W.ravel()), net.forward(X, p), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(prob.jacobian(p.W.ravel()), net.jacobian(X, p), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("act", [A.SlopeTanh(0.3), A.LeakySoftplus(0.2), A.SlopeTanh(0.3, 1e-3), A.LeakySoftplus(0.2, 1e3)],
                         ids=["tanh", "softplus", "tanh-scale1e-3", "softplus-scale1e3"])
def test_shallow_constants_bound_brute_force(act):
    prob, _ = shallow(act)
    c = prob.constants()
    assert c.certified
    rng = np.random.default_rng(4)
    for _ in range(200):
        t1 = 3 * rng.standard_normal(prob.shape[1])
        t2 = t1 + rng.standard_normal(prob.shape[1]) * 10.0 ** rng.uniform(-3, 0)
        J1, J2 = prob.jacobian(t1), prob.jacobian(t2)
        s = np.linalg.svd(J1, compute_uv=False)
        assert c.alpha <= s[prob.shape[0] - 1] and s[0] <= c.beta
        assert np.sqrt((J1**2).sum(axis=1)).max() <= c.B
        assert np.linalg.norm(J2 - J1, 2) <= c.L * np.linalg.norm(t2 - t1) * (1 + 1e-12)


def test_relu_constants_are_not_certified():
    prob, _ = shallow(A.ReLU())
    c = prob.constants()
    assert not c.certified and c.alpha == 0 and c.L == np.inf


def test_lowrank_constants_bound_brute_force_and_fail_when_the_ball_contains_zero():
    A_, y, t0 = lr.theorem42_problem(6, 2, 5, seed=0)
    prob = lr.LowRank.of(A_, 2)
    L = prob.lipschitz()
    rng = np.random.default_rng(5)
    for _ in range(200):
        D = rng.standard_normal(t0.size)
        assert np.linalg.norm(prob.jacobian(D), 2) <= L * np.linalg.norm(D) * (1 + 1e-12)
    R = 0.05 * np.linalg.norm(t0)
    c = prob.constants(t0, R)
    for _ in range(100):
        u = rng.standard_normal(t0.size)
        th = t0 + R * rng.uniform() * u / np.linalg.norm(u)
        s = np.linalg.svd(prob.jacobian(th), compute_uv=False)
        assert c.alpha <= s[4] and s[0] <= c.beta
    far = prob.constants(t0, 2 * np.linalg.norm(t0))
    assert far.alpha == 0 and not far.certified and far.derivation["ball_contains_origin"]


def test_lowrank_rejects_bad_shapes():
    with pytest.raises(ValueError, match="not a square"):
        lr.LowRank.of(np.ones((2, 5)), 1)
    with pytest.raises(ValueError, match="rank"):
        lr.LowRank.of(np.ones((2, 4)), 3)
    with pytest.raises(ValueError, match="length d r"):
        lr.LowRank.for_theta(np.ones((2, 9)), np.ones(4))


def test_theorem42_initialisation_has_singular_values_in_the_stated_interval():
    A_, y, t0 = lr.theorem42_problem(20, 3, 10, seed=0)
    s = np.linalg.svd(t0.reshape(20, 3), compute_uv=False)
    lo = np.sqrt(np.linalg.norm(y)) / (3 * 10) ** 0.25
    assert np.all((s >= lo * (1 - 1e-12)) & (s <= 2 * lo * (1 + 1e-12)))
    assert set(np.unique(y)) <= {-1.0, 1.0}


def test_estimates_along_a_trajectory_are_on_the_optimistic_side_of_the_bounds():
    prob, theta = shallow(A.SlopeTanh(0.3))
    run = lsgd.gd(prob, theta, np.zeros(3), step_size=0.05, steps=30, keep_iterates=True)
    est, cert = ls.estimate_constants(prob, run.iterates), prob.constants()
    assert not est.certified
    assert cert.alpha <= est.alpha and est.beta <= cert.beta and est.L <= cert.L and est.B <= cert.B


def test_sgd_runs_replays_the_single_run_driver():
    rng = np.random.default_rng(0)
    prob = ls.GLM.of(rng.standard_normal((3, 5)), {"name": "slope-tanh", "slope": 0.5})
    y, theta0 = rng.standard_normal(3), np.zeros(5)
    runs = lsgd.sgd_runs(prob, theta0, y, step_size=0.05, steps=40, runs=3, seed=7)
    for j in range(3):
        idx = np.random.default_rng([7, j]).integers(0, 3, size=40)
        th, res = theta0.copy(), []
        for t in range(41):
            r = prob.f(th) - y
            res.append(np.linalg.norm(r))
            if t < 40:
                u = np.zeros(3)
                u[idx[t]] = r[idx[t]]
                th = th - 0.05 * prob.vjp(th, u)
        np.testing.assert_allclose(runs.residual[j], res, rtol=1e-12)


@pytest.mark.parametrize("prob, theta", [PROBLEMS[3], (ls.GLM.of(np.random.default_rng(6).standard_normal((3, 5)), {"name": "slope-tanh", "slope": 0.5}), np.ones(5)),
                                         (ls.Linear.of(np.random.default_rng(7).standard_normal((3, 5))), np.ones(5))], ids=["lowrank", "glm", "linear"])
def test_fused_residual_and_gradient_match_f_and_vjp(prob, theta):
    y = np.random.default_rng(8).standard_normal(prob.shape[0])
    r, g = prob.residual_vjp(theta, y)
    np.testing.assert_allclose(r, prob.f(theta) - y, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(g, prob.vjp(theta, prob.f(theta) - y), rtol=1e-13, atol=1e-13)
