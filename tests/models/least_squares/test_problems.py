"""Models of Oymak & Soltanolkotabi (2019): activations, least-squares problems with certified
constants, GD/SGD drivers — closed forms against autograd, bounds against brute force."""
import math

import numpy as np
import pytest
import torch

import models.least_squares.activations as A
import models.least_squares.problems as ls
import models.least_squares.gd as lsgd

ACTS = [A.SlopeTanh(0.5), A.SlopeTanh(2.0), A.LeakySoftplus(0.1), A.LeakySoftplus(0.7), A.SlopeTanh(0.5, 1e-3), A.LeakySoftplus(0.1, 1e3)]
Z = np.concatenate([np.linspace(-40, 40, 20001), [-700.0, 700.0, 0.0, math.atanh(1 / math.sqrt(3))]])


def torch_phi(act, z):
    if isinstance(act, A.SlopeTanh):
        return act.scale * (act.slope * z + torch.tanh(z))
    return act.scale * (act.slope * z + (1 - act.slope) * torch.nn.functional.softplus(z))


@pytest.mark.parametrize("act", ACTS, ids=str)
def test_derivatives_match_autograd(act):
    z = torch.tensor(np.linspace(-6, 6, 101), requires_grad=True)
    (g,) = torch.autograd.grad(torch_phi(act, z).sum(), z, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), z)
    np.testing.assert_allclose(act.phi(z.detach().numpy()), torch_phi(act, z).detach().numpy(), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(act.dphi(z.detach().numpy()), g.detach().numpy(), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(act.d2phi(z.detach().numpy()), h.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("act", ACTS, ids=str)
def test_bounds_hold_and_are_attained(act):
    d1, d2 = act.dphi(Z), np.abs(act.d2phi(Z))
    assert d1.min() >= act.gamma and d1.max() <= act.Gamma
    assert d1.min() == pytest.approx(act.gamma, abs=1e-12) and d1.max() == pytest.approx(act.Gamma, rel=1e-9)
    assert d2.max() <= act.M * (1 + 1e-15) and d2.max() == pytest.approx(act.M, rel=1e-6)


@pytest.mark.parametrize("act", ACTS, ids=str)
def test_inverse(act):
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(act.inverse(act.phi(z)), z, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("base, c", [(A.SlopeTanh(0.5), 1e-3), (A.LeakySoftplus(0.1), 1e3)], ids=str)
def test_scale_multiplies_phi_and_every_constant_exactly(base, c):
    """phi -> c phi: gamma, Gamma, M scale by c (so they are not tied together), phi^(j) too."""
    sc = type(base)(base.slope, c)
    assert (sc.gamma, sc.Gamma, sc.M) == (c * base.gamma, c * base.Gamma, c * base.M)
    z = np.linspace(-10, 10, 41)
    for f in ("phi", "dphi", "d2phi"):
        np.testing.assert_array_equal(getattr(sc, f)(z), c * getattr(base, f)(z))
    assert A.from_json(sc.to_json()) == sc and "scale" not in base.to_json()  # old instances keep their JSON


def test_activation_from_json_and_bad_input():
    assert A.from_json({"name": "slope-tanh", "slope": 0.5}) == A.SlopeTanh(0.5)
    assert A.from_json({"name": "slope-tanh", "slope": 0.5, "scale": 0.01}) == A.SlopeTanh(0.5, 0.01)
    for bad, msg in [({"name": "gelu"}, "unknown activation"), ({"name": "relu", "slope": 1}, "unknown activation field"), ({"name": "leaky-softplus", "slope": 1.5}, "0 < slope < 1"),
                     ({"name": "slope-tanh", "slope": -1}, "slope > 0"), ({"name": "slope-tanh", "slope": 1, "x": 2}, "unknown activation field"),
                     ({"name": "slope-tanh", "slope": 1, "scale": 0}, "scale > 0"), ({"name": "leaky-softplus", "slope": 0.5, "scale": float("inf")}, "scale > 0"),
                     ({"name": "slope-tanh", "slope": 1, "scale": "big"}, "scale must be a number"),
                     ("tanh", "an activation is an object")]:
        with pytest.raises(ValueError, match=msg):
            A.from_json(bad)


# ---------------------------------------------------------------------------- problems


def problems(n=5, p=9, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return [ls.Linear.of(X)] + [ls.GLM.of(X, a) for a in ACTS]


def torch_f(prob, theta):
    z = torch.tensor(prob.X) @ theta
    return z if isinstance(prob, ls.Linear) else torch_phi(prob.activation, z)


@pytest.mark.parametrize("prob", problems(), ids=lambda p: getattr(p, "name", "?"))
def test_jacobian_and_products_match_autograd(prob):
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(prob.shape[1])
    J_auto = torch.autograd.functional.jacobian(lambda t: torch_f(prob, t), torch.tensor(theta)).numpy()
    J = prob.jacobian(theta)
    np.testing.assert_allclose(J, J_auto, rtol=1e-13, atol=1e-14)
    v, u = rng.standard_normal(prob.shape[1]), rng.standard_normal(prob.shape[0])
    np.testing.assert_allclose(prob.jvp(theta, v), J @ v, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(prob.vjp(theta, u), J.T @ u, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("prob", problems(), ids=lambda p: getattr(p, "name", "?"))
def test_certified_constants_bound_brute_force(prob):
    """alpha <= sigma_min(J) <= ||J|| <= beta, row norms <= B, and the Lipschitz bound, at
    random points and pairs (including large pre-activations, where phi' is extreme)."""
    c = prob.constants()
    rng = np.random.default_rng(2)
    for scale in (0.1, 1.0, 30.0):
        for _ in range(20):
            t1, t2 = scale * rng.standard_normal((2, prob.shape[1]))
            s = np.linalg.svd(prob.jacobian(t1), compute_uv=False)
            assert c.alpha <= s[-1] and s[0] <= c.beta
            assert np.sqrt((prob.jacobian(t1) ** 2).sum(axis=1)).max() <= c.B
            gap = np.linalg.norm(prob.jacobian(t2) - prob.jacobian(t1), 2)
            assert gap <= c.L * np.linalg.norm(t2 - t1) * (1 + 1e-12) + 1e-15
    assert c.certified


def test_linear_constants_are_the_singular_values():
    X = np.diag([3.0, 1.0, 0.5])
    c = ls.Linear.of(np.hstack([X, np.zeros((3, 2))])).constants()
    assert c.alpha == pytest.approx(0.5, rel=1e-14) and c.alpha < 0.5
    assert c.beta == pytest.approx(3.0, rel=1e-14) and c.beta > 3.0
    assert c.L == 0.0


@pytest.mark.parametrize("prob", problems(), ids=lambda p: getattr(p, "name", "?"))
def test_closest_solution_solves_and_is_closest(prob):
    rng = np.random.default_rng(3)
    theta0 = rng.standard_normal(prob.shape[1])
    y = prob.f(rng.standard_normal(prob.shape[1]))
    star = prob.closest_solution(theta0, y)
    np.testing.assert_allclose(prob.f(star), y, rtol=1e-11, atol=1e-11)
    # any other solution differs by a null-space vector of X, orthogonal to star - theta0
    N = np.linalg.svd(prob.X)[2][prob.shape[0]:].T
    other = star + N @ rng.standard_normal(N.shape[1])
    np.testing.assert_allclose(prob.f(other), y, rtol=1e-10, atol=1e-10)
    assert np.linalg.norm(star - theta0) < np.linalg.norm(other - theta0)
    assert abs((star - theta0) @ (other - star)) <= 1e-10 * np.linalg.norm(star - theta0) * np.linalg.norm(other - star)


def test_more_samples_than_parameters_is_rejected():
    with pytest.raises(ValueError, match="n <= p"):
        ls.Linear.of(np.ones((4, 3)))


# ----------------------------------------------------------------------------- drivers


def test_gd_on_linear_regression_matches_the_closed_form_iteration():
    rng = np.random.default_rng(4)
    X, y, theta0 = rng.standard_normal((4, 7)), rng.standard_normal(4), rng.standard_normal(7)
    eta = 0.5 / np.linalg.norm(X, 2) ** 2
    run = lsgd.gd(ls.Linear.of(X), theta0, y, step_size=eta, steps=50, keep_iterates=True)
    theta = theta0.copy()
    for t in range(50):
        theta = theta - eta * X.T @ (X @ theta - y)
        np.testing.assert_allclose(run.iterates[t + 1], theta, rtol=1e-13, atol=1e-13)
    assert np.all(np.diff(run.residual) < 0)
    assert np.all(run.path >= run.distance - 1e-14) and run.path[0] == 0.0
    # differences of a running sum of 50 terms: absolute rounding <= 2 * 50 eps * path[-1]
    np.testing.assert_allclose(np.diff(run.path), np.linalg.norm(np.diff(run.iterates, axis=0), axis=1), rtol=1e-14,
                               atol=2 * 50 * np.finfo(float).eps * run.path[-1])


def test_sgd_uses_one_sample_per_step_and_is_reproducible():
    rng = np.random.default_rng(5)
    prob = ls.GLM.of(rng.standard_normal((3, 6)), {"name": "leaky-softplus", "slope": 0.3})
    y, theta0 = rng.standard_normal(3), rng.standard_normal(6)
    a = lsgd.sgd(prob, theta0, y, step_size=0.05, steps=40, seed=7, keep_iterates=True)
    b = lsgd.sgd(prob, theta0, y, step_size=0.05, steps=40, seed=7)
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.residual, b.residual)
    t = 10
    i = a.samples[t]
    th = a.iterates[t]
    expected = th - 0.05 * prob.jacobian(th)[i] * (prob.f(th)[i] - y[i])
    np.testing.assert_allclose(a.iterates[t + 1], expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("kw, msg", [(dict(step_size=0.0, steps=3), "step_size"), (dict(step_size=0.1, steps=-1), "steps"),
                                     (dict(step_size=math.inf, steps=3), "step_size")])
def test_drivers_reject_bad_input(kw, msg):
    prob = ls.Linear.of(np.eye(2, 3))
    with pytest.raises(ValueError, match=msg):
        lsgd.gd(prob, np.zeros(3), np.ones(2), **kw)
    with pytest.raises(ValueError, match="theta0"):
        lsgd.gd(prob, np.zeros(2), np.ones(2), step_size=0.1, steps=1)
