"""Tests of models.shallow_relu.network: closed forms against autograd, Monte Carlo and an outside reference."""
import json
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest
import torch

import models.shallow_relu.network as net
from models._shared.angles import pairwise_angles
from theorems._tolerance import EPS


def torch_forward(X, W, a):
    Xt = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)
    return torch.relu(Xt @ W.T) @ a / math.sqrt(W.shape[0])


def test_jacobian_matches_autograd(sphere_data):
    X = sphere_data(7, 5, seed=1)
    p = net.init_params(5, 40, seed=3)
    J = net.jacobian(X, p)
    Wt = torch.tensor(p.W, requires_grad=True)
    Jt = torch.autograd.functional.jacobian(
        lambda W: torch_forward(torch.tensor(X), W, torch.tensor(p.a)), Wt
    ).reshape(7, -1)
    # relu'(0) conventions differ only on a measure-zero set; none of these pre-activations is 0
    assert np.min(np.abs(net.augment(X) @ p.W.T)) > 1e-8
    np.testing.assert_allclose(J, Jt.numpy(), rtol=1e-12, atol=0)


def test_forward_matches_torch(sphere_data):
    X = sphere_data(5, 3)
    p = net.init_params(3, 25, seed=0)
    ref = torch_forward(torch.tensor(X), torch.tensor(p.W), torch.tensor(p.a)).numpy()
    np.testing.assert_allclose(net.forward(X, p), ref, rtol=1e-13)


def test_gram_is_jacobian_product(sphere_data):
    X = sphere_data(9, 4)
    p = net.init_params(4, 300, seed=2)
    J = net.jacobian(X, p)
    np.testing.assert_allclose(net.gram(X, p), J @ J.T, rtol=1e-12, atol=1e-12)


def test_ntk_against_monte_carlo(sphere_data):
    """Finite-width Gram -> H; Hoeffding radius at level 1e-9 over all entries (see lemma1/kernel)."""
    X = sphere_data(6, 3, seed=5)
    m = 400_000
    G = net.gram(X, net.init_params(3, m, seed=11))
    s = np.abs(net.augment(X) @ net.augment(X).T)
    t = s * math.sqrt(math.log(2 * 21 / 1e-9) / (2 * m))
    assert np.all(np.abs(G - net.ntk(X)) <= t)


def test_general_kernel_off_sphere_against_monte_carlo():
    """The general form (||x~_i|| ||x~_j|| instead of d+1) for unit-norm inputs (paper's Sec. 6)."""
    X = np.random.default_rng(4).standard_normal((5, 5))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    m = 400_000
    G = net.gram(X, net.init_params(5, m, seed=12))
    s = np.abs(net.augment(X) @ net.augment(X).T)
    t = s * math.sqrt(math.log(2 * 15 / 1e-9) / (2 * m))
    assert np.all(np.abs(G - net.ntk(X, on_sphere=False)) <= t)
    with pytest.raises(ValueError, match="sqrt\\(d\\)"):
        net.ntk(X)  # eq. (9) as printed needs the sphere


def test_ntk_against_neural_tangents_reference():
    """eq. (9) against google/neural-tangents (values stored by tests/reference/generate_nt_reference.py).

    neural-tangents takes angles through arccos, accurate to ~eps / sin(phi) (not to eps near 0);
    the tolerance per entry is |x~_i^T x~_j| / (2 pi) * 8 eps / max(sin phi, sqrt eps) + 64 eps |H|.
    """
    ref = json.loads((Path(__file__).resolve().parents[2] / "reference" / "nt_reference.json").read_text())
    assert ref["versions"]["neural-tangents"] == "0.6.5"
    for case in ref["cases"]:
        X, Href = np.array(case["X"]), np.array(case["H"])
        H = net.ntk(X, on_sphere=case["on_sphere"])
        phi = net.augmented_angles(X)
        s = np.abs(net.augment(X) @ net.augment(X).T)
        tol = s / (2 * np.pi) * 8 * EPS / np.maximum(np.sin(phi), math.sqrt(EPS)) + 64 * EPS * np.abs(H).max()
        assert np.all(np.abs(H - Href) <= tol), (case["n"], case["d"], np.abs(H - Href).max())


def test_ntk_torch_matches_numpy(sphere_data):
    X = sphere_data(8, 4)
    Ht, _ = net.ntk_torch(torch.tensor(X))
    np.testing.assert_allclose(Ht.detach().numpy(), net.ntk(X), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("gap", [1e-3, 1e-8, 1e-12])
def test_angles_are_accurate_near_zero_and_pi(gap):
    """Stable angles against 50-digit mpmath, where arccos would lose half the digits."""
    u = np.array([1.0, 0.0, 0.0])
    for v in (np.array([math.cos(gap), math.sin(gap), 0.0]), np.array([-math.cos(gap), math.sin(gap), 0.0])):
        mpmath.mp.dps = 50
        uu, vv = [mpmath.mpf(float(x)) for x in u], [mpmath.mpf(float(x)) for x in v]
        dot = sum(a * b for a, b in zip(uu, vv))
        cross = mpmath.sqrt(sum(x**2 for x in vv) - dot**2 / sum(x**2 for x in uu))
        exact = float(mpmath.atan2(cross, dot))
        got = pairwise_angles(np.stack([u, v]))[0, 1]
        assert abs(got - exact) <= 4 * EPS * max(exact, 1.0) + 4 * EPS, (got, exact)
    naive = math.acos(min(1.0, math.cos(gap)))
    if gap <= 1e-8:
        assert abs(naive - gap) > 1e-3 * gap  # the reason for not using arccos


def test_theta_min_definition(sphere_data):
    """cos theta_min = max_{i != j} (x_i^T x_j + 1)/(d+1), on well-separated data."""
    X = sphere_data(6, 3, seed=7)
    d = X.shape[1]
    c = (X @ X.T + 1) / (d + 1)
    np.fill_diagonal(c, -np.inf)
    assert net.theta_min(X) == pytest.approx(math.acos(c.max()), rel=1e-10)


def test_determinism():
    p1, p2 = net.init_params(3, 100, seed=42), net.init_params(3, 100, seed=42)
    assert np.array_equal(p1.W, p2.W) and np.array_equal(p1.a, p2.a)
    assert not np.array_equal(p1.W, net.init_params(3, 100, seed=43).W)
    assert set(np.unique(p1.a)) == {-1.0, 1.0}
    assert net.init_params(3, 10, seed=0, kappa=2.0).W == pytest.approx(2 * net.init_params(3, 10, seed=0).W)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: net.ntk(np.ones(3)), "2-dimensional"),
        (lambda: net.ntk([[1.0, np.nan]]), "non-finite"),
        (lambda: net.ntk([[1.0, 1.0], [2.0, 0.0]]), "sqrt\\(d\\)"),
        (lambda: net.check_data([[1.0, 1.0], [-1.0, -1.0]]), "parallel"),
        (lambda: net.check_data([[1.0, 1.0], [1.0, 1.0]]), "parallel"),
        (lambda: net.theta_min([[1.0, 1.0]]), "at least two"),
        (lambda: net.init_params(0, 5, seed=0), "d must be"),
        (lambda: net.init_params(2, 5, seed=-1), "seed"),
        (lambda: net.init_params(2, 5, seed=0, kappa=0.0), "kappa"),
        (lambda: net.forward(np.ones((2, 3)), net.init_params(2, 5, seed=0)), "expects d = 2"),
        (lambda: net.ntk("abc"), "numeric"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_d_equal_one_admits_no_data():
    """||x|| = 1 in R^1 is {-1, +1}: any two distinct points are parallel."""
    with pytest.raises(ValueError, match="parallel"):
        net.check_data([[1.0], [-1.0]])


def test_antipodal_points_still_give_positive_definite_kernel():
    """With the bias coordinate, x and -x have non-parallel x~: H stays PD (assumption is stronger than needed)."""
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    assert np.linalg.eigvalsh(net.ntk(X))[0] > 0.1
