"""The E–Ma–Wang–Wu models beyond the forward/backward recursion: passes by sweeps over depth
(against the sequential loop and autograd), the risk gradient and Gram matrix (4.8), the kernel
k0 of (2.6) (closed form against quadrature and Monte Carlo) and the random-feature model of
Sec. 6 with its closed-form gradient flow (against solve_ivp)."""
import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp

import models.skip_resnet.random_features as rf
import models.skip_resnet.network as sr
import models.skip_resnet.kernel as kk
import models.skip_resnet.sweeps as sw


def sphere_rows(rng, n, d):
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def neighbourhood_point(act, d, m, L, c, seed):
    p0 = sr.init(d, m, L, seed=seed)
    return sr.random_point(p0, c, seed=seed + 1), p0


@pytest.mark.parametrize("act", sr.ACTIVATIONS)
@pytest.mark.parametrize("L,c", [(3, 1.0), (60, 3.0), (400, 10.0)])
def test_sweeps_equal_the_sequential_pass(act, L, c):
    p, _ = neighbourhood_point(act, 3, 4, L, c, seed=L)
    X = torch.tensor(sphere_rows(np.random.default_rng(0), 5, 3))
    ps = sw.full_pass(p, X, act)
    y, z, pre = sr.forward(p, X, act)
    alpha, beta, gamma = sr.backprop(p, X, act)
    for got, ref in [(ps.y, y), (ps.z, z), (ps.pre, pre), (ps.alpha, alpha), (ps.beta, beta), (ps.gamma, gamma)]:
        torch.testing.assert_close(got, ref, rtol=0, atol=1e-14 * L)
    assert 1 <= ps.sweeps[0] <= 12 and 1 <= ps.sweeps[1] <= 12  # near Theta0 a handful of sweeps


@pytest.mark.parametrize("max_sweeps", [2, 200])
def test_far_from_theta0_the_fallback_and_the_long_sweeps_are_exact(max_sweeps):
    rng = np.random.default_rng(3)
    p0 = sr.init(3, 4, 40, seed=0)
    p = sr.Params.of(p0.B.numpy() + rng.standard_normal((39, 4, 3)), rng.standard_normal((39, 4)),
                     rng.standard_normal((39, 4)), rng.standard_normal((39, 3, 4)))
    X = torch.tensor(sphere_rows(rng, 4, 3))
    ps = sw.backward(p, sw.forward(p, X, "tanh", max_sweeps=max_sweeps), "tanh", max_sweeps=max_sweeps)
    y, _, _ = sr.forward(p, X, "tanh")
    alpha, beta, _ = sr.backprop(p, X, "tanh")
    torch.testing.assert_close(ps.y, y, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(ps.alpha, alpha, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ps.beta, beta, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("act", sr.ACTIVATIONS)
def test_risk_gradient_matches_autograd(act):
    p, _ = neighbourhood_point(act, 3, 4, 30, 2.0, seed=5)
    rng = np.random.default_rng(1)
    X, Y = torch.tensor(sphere_rows(rng, 6, 3)), torch.tensor(rng.uniform(-1, 1, 6))
    R, G, _ = sw.risk_and_gradient(p, X, Y, act)
    ts = [t.clone().requires_grad_(True) for t in p.tensors()]
    R_ref = sw.risk(sr.output(sr.Params(*ts), X, act), Y)
    R_ref.backward()
    torch.testing.assert_close(R, R_ref.detach(), rtol=1e-14, atol=0)
    for got, t in zip(G.tensors(), ts):
        torch.testing.assert_close(got, t.grad, rtol=1e-12, atol=1e-15)
    # per-example gradients sum to the same thing with the residual weights
    per = sw.per_example_gradients(p, sw.full_pass(p, X, act))
    e = (sr.output(p, X, act) - Y) / 6
    torch.testing.assert_close(torch.einsum("n,knm->km", e, per.a), G.a)
    torch.testing.assert_close(torch.einsum("n,kndm->kdm", e, per.C), G.C)


def test_random_points_lie_on_the_boundary_of_the_neighbourhood():
    p0 = sr.init(3, 4, 20, seed=0)
    p = sr.random_point(p0, 2.0, seed=1)
    assert sr.in_neighbourhood(p, p0, 2.0) and not sr.in_neighbourhood(p, p0, 1.99)
    for v in sr.deviation_norms(p, p0).values():
        torch.testing.assert_close(v, torch.full_like(v, 2.0 / 20))


def test_gram_at_initialisation_is_the_feature_gram():
    p0 = sr.init(4, 6, 11, seed=2)
    X = sphere_rows(np.random.default_rng(2), 5, 4)
    H = sw.gram(p0, torch.tensor(X), "relu").numpy()
    Phi = rf.features(p0.B.numpy(), X, "relu")
    np.testing.assert_allclose(H, Phi @ Phi.T / (5 * 11), rtol=1e-13)


def test_relu_kernel_closed_form_against_quadrature_and_monte_carlo():
    rng = np.random.default_rng(0)
    for d in (1, 2, 3, 7):
        X = sphere_rows(rng, 4, d)
        closed = kk.k0(X, act="relu")
        np.testing.assert_allclose(kk._quadrature(X, X, "relu", 400, 1.0), closed, atol=2e-6)  # kink: algebraic
        W = sphere_rows(rng, 200_000, d)
        F = np.maximum(X @ W.T, 0)
        mc = F @ F.T / len(W)
        se = np.sqrt(((F[:, None, :] * F[None, :, :]) ** 2).mean(-1) / len(W))
        assert np.all(np.abs(mc - closed) <= 6 * se + 1e-12)


@pytest.mark.parametrize("d", [1, 2, 3, 6])
def test_tanh_kernel_quadrature_against_monte_carlo_and_its_error_estimate(d):
    rng = np.random.default_rng(d)
    X = sphere_rows(rng, 4, d)
    val, err = kk.k0(X, act="tanh", with_error=True)
    assert err.max() < 1e-13
    W = sphere_rows(rng, 200_000, d)
    F = np.tanh(X @ W.T)
    se = np.sqrt(((F[:, None, :] * F[None, :, :]) ** 2).mean(-1) / len(W))
    assert np.all(np.abs(F @ F.T / len(W) - val) <= 6 * se + 1e-12)


def test_width_scaling_relu_invariant_tanh_tends_to_the_linear_kernel():
    X = sphere_rows(np.random.default_rng(4), 5, 3)
    np.testing.assert_allclose(kk.k0(X, act="relu", m=50), kk.k0(X, act="relu"), rtol=1e-15)
    np.testing.assert_allclose(kk.k0(X, act="tanh", m=1e8), X @ X.T / 3, atol=1e-8)
    assert np.abs(kk.k0(X, act="tanh", m=10) - kk.k0(X, act="tanh")).max() > 1e-2
    # the mean of the per-block Gram at Theta0 is k0_m (Monte Carlo over initialisations)
    m, reps = 10, 4000
    rng = np.random.default_rng(5)
    W = rng.standard_normal((reps, m, 3))
    W /= np.linalg.norm(W, axis=2, keepdims=True) * np.sqrt(m)
    F = np.tanh(np.einsum("rmd,nd->rnm", W, X))
    G = np.einsum("rnm,rkm->rnk", F, F)
    assert np.all(np.abs(G.mean(0) - kk.k0(X, act="tanh", m=m)) <= 6 * G.std(0) / np.sqrt(reps) + 1e-12)


def test_kernel_bad_input():
    with pytest.raises(ValueError, match="activation"):
        kk.k0(np.eye(2), act="gelu")
    with pytest.raises(ValueError, match="columns"):
        kk.k0(np.eye(2), np.eye(3))
    assert kk.lambda_n(np.eye(3)) > 0


def test_random_feature_flow_against_solve_ivp_and_the_deep_net():
    rng = np.random.default_rng(0)
    p0 = sr.init(3, 4, 6, seed=1)
    X, y = sphere_rows(rng, 7, 3), rng.uniform(-1, 1, 7)
    Phi = rf.features(p0.B.numpy(), X, "tanh")
    a0 = 0.1 * rng.standard_normal(Phi.shape[1])
    flow = rf.Flow(Phi, y, a0)
    sol = solve_ivp(lambda t, a: -Phi.T @ (Phi @ a - y) / 7, (0, 5), a0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(flow.a(5.0), sol.y[:, -1], atol=1e-12)
    assert flow.risk(5.0) == pytest.approx(rf.risk(Phi, y, flow.a(5.0)), rel=1e-12)
    np.testing.assert_array_equal(flow.a(0.0), a0)
    # (6.2): the deep net with B = B0, C = 0, r = 0 is the random-feature model
    a = flow.a(5.0).reshape(5, 4)
    np.testing.assert_allclose(rf.output(a, p0.B.numpy(), X, "tanh"), sr.output(sr.Params.of(p0.B.numpy(), a=a), torch.tensor(X), "tanh").numpy(), atol=1e-15)
    with pytest.raises(ValueError, match="t must be"):
        flow.a(-1.0)
    # discrete GD in closed form against the plain iteration
    a, eta = a0.copy(), 0.7
    for _ in range(25):
        a = a - eta * Phi.T @ (Phi @ a - y) / 7
    np.testing.assert_allclose(flow.gd(eta, 25), a, atol=1e-13)
