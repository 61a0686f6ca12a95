"""Tests of the training dynamics, the linearisation and the Lemma 6 series (models/)."""
import json
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest
import torch

from models.shallow_relu import ntk_series as series
from models.shallow_relu import network as net
from models.shallow_relu import training as train
from models.shallow_relu.linearised import Linearisation, kernel_norm, kernel_regression

REF = Path(__file__).resolve().parents[2] / "reference" / "nt_linearised_reference.json"


def sphere(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True) * np.sqrt(d), rng.standard_normal(n)


def numpy_gd(X, y, params, eta, steps):
    """The paper's update written with the explicit Jacobian: w <- w - eta J^T (f - Y)."""
    W = params.W.copy()
    for _ in range(steps):
        p = net.Params(W, params.a)
        W = W - eta * (net.jacobian(X, p).T @ (net.forward(X, p) - y)).reshape(W.shape)
    return W


# ----------------------------------------------------------------------------------- GD


def test_gd_matches_explicit_jacobian_update():
    X, y = sphere(7, 3, 0)
    p = net.init_params(3, 64, seed=1)
    tr = train.gd(X, y, p, step_size=0.05, steps=30, keep_weights=True)
    ref = numpy_gd(X, y, p, 0.05, 30)
    assert np.abs(tr.weights[-1] - ref).max() <= 1e-12 * np.abs(ref).max()
    # recorded residual norms are those of the recorded iterates
    assert tr.residual_norm[-1] == pytest.approx(np.linalg.norm(net.forward(X, net.Params(ref, p.a)) - y), rel=1e-12)


def test_gd_matches_autograd_loss_gradient():
    """One step equals -eta * d/dw [sum (f - y)^2 / 2] computed by torch autograd."""
    X, y = sphere(5, 4, 2)
    p = net.init_params(4, 32, seed=3)
    W = torch.tensor(p.W, requires_grad=True)
    Xt = torch.tensor(net.augment(X))
    f = torch.relu(Xt @ W.T) @ torch.tensor(p.a) / math.sqrt(32)
    (0.5 * ((f - torch.tensor(y)) ** 2).sum()).backward()
    tr = train.gd(X, y, p, step_size=0.1, steps=1, keep_weights=True)
    assert np.abs(tr.weights[-1] - (p.W - 0.1 * W.grad.numpy())).max() <= 1e-14


def test_gd_batch_equals_separate_runs():
    X, y = sphere(6, 3, 4)
    ps = [net.init_params(3, 40, seed=s) for s in range(3)]
    Y = np.stack([y, -y, 2 * y])
    batch = train.gd(X, Y, ps, step_size=0.05, steps=20, keep_weights=True)
    for b, p in enumerate(ps):
        one = train.gd(X, Y[b], p, step_size=0.05, steps=20, keep_weights=True)
        assert np.array_equal(batch.weights[-1, b], one.weights[-1])


def test_gd_records_only_requested_points_and_observes():
    X, y = sphere(5, 3, 5)
    p = net.init_params(3, 20, seed=0)
    tr = train.gd(X, y, p, step_size=0.05, steps=50, record=[0, 7, 50], observe=lambda W: {"sum": W.sum()})
    assert list(tr.at) == [0, 7, 50] and tr.observed["sum"].shape == (3,)
    assert tr.observed["sum"][0] == pytest.approx(p.W.sum())


@pytest.mark.parametrize("loss,factor", [("paper", 1.0), ("sum", 2.0), ("mean", 2.0 / 9)])
def test_effective_step_readings(loss, factor):
    assert train.effective_step(0.01, loss, 9) == pytest.approx(0.01 * factor)


def test_gd_rejects_bad_input():
    X, y = sphere(5, 3, 6)
    p = net.init_params(3, 20, seed=0)
    with pytest.raises(ValueError, match="loss"):
        train.gd(X, y, p, step_size=0.1, steps=2, loss="l1")
    with pytest.raises(ValueError, match="step size"):
        train.gd(X, y, p, step_size=-1, steps=2)
    with pytest.raises(ValueError, match="labels"):
        train.gd(X, y[:3], p, step_size=0.1, steps=2)
    with pytest.raises(ValueError, match="record"):
        train.gd(X, y, p, step_size=0.1, steps=2, record=[0, 5])
    with pytest.raises(ValueError, match="columns"):
        train.gd(X[:, :2], y, p, step_size=0.1, steps=2)


def test_gd_is_deterministic():
    X, y = sphere(6, 3, 7)
    p = net.init_params(3, 50, seed=9)
    a = train.gd(X, y, p, step_size=0.05, steps=25, keep_weights=True).weights
    b = train.gd(X, y, p, step_size=0.05, steps=25, keep_weights=True).weights
    assert np.array_equal(a, b)


# --------------------------------------------------------------------------- gradient flow


def test_gradient_flow_is_the_small_step_limit_of_gd():
    """||w_GD(T/eta) - w_flow(T)|| = O(eta): halving eta roughly halves the gap, and the
    solve_ivp result (rtol 1e-6; see gradient_flow on why not tighter) is closer to small-step
    GD than the GD runs are to each other."""
    X, y = sphere(4, 2, 8)
    p = net.init_params(2, 12, seed=0)
    T = 1.0
    flow = train.gradient_flow(X, y, p, times=[0.0, T], keep_weights=True, rtol=1e-6, atol=1e-9).weights[-1]
    gaps = []
    for eta in (0.02, 0.01, 0.005):
        gdw = train.gd(X, y, p, step_size=eta, steps=int(round(T / eta)), keep_weights=True).weights[-1]
        gaps.append(np.linalg.norm(gdw - flow))
    assert gaps[2] < gaps[1] < gaps[0]
    assert 1.4 < gaps[0] / gaps[1] < 2.8 and 1.4 < gaps[1] / gaps[2] < 2.8


def test_gradient_flow_residual_decreases():
    X, y = sphere(4, 3, 9)
    tr = train.gradient_flow(X, y, net.init_params(3, 30, seed=1), times=[0, 0.5, 1, 2], rtol=1e-6, atol=1e-9)
    assert np.all(np.diff(tr.residual_norm) < 0)
    assert tr.info["rtol"] == 1e-6 and tr.info["nfev"] > 0


def test_gradient_flow_stops_with_a_clear_error_when_sliding():
    """At m = 12 the flow slides along a kink: a tight tolerance needs millions of right-hand
    sides; max_rhs turns that into an error that says what happened."""
    X, y = sphere(4, 2, 8)
    with pytest.raises(RuntimeError, match="sliding along a ReLU kink"):
        train.gradient_flow(X, y, net.init_params(2, 12, seed=0), times=[0.0, 1.0], rtol=1e-10, atol=1e-13, max_rhs=20_000)


# ----------------------------------------------------------------------------- linearisation


@pytest.fixture
def small():
    X, y = sphere(6, 3, 10)
    p = net.init_params(3, 80, seed=2)
    return X, y, p, Linearisation.at(X, p)


def test_products_match_explicit_jacobian(small):
    X, y, p, lin = small
    J = net.jacobian(X, p)
    V = np.random.default_rng(0).standard_normal(p.W.shape)
    u = np.random.default_rng(1).standard_normal(X.shape[0])
    assert np.allclose(lin.jvp(V), J @ V.reshape(-1), rtol=0, atol=1e-12)
    assert np.allclose(lin.vjp(u).reshape(-1), J.T @ u, rtol=0, atol=1e-12)
    P = J.T @ np.linalg.pinv(J.T)  # projection onto the column space of grad f0
    assert np.allclose(lin.project(V).reshape(-1), P @ V.reshape(-1), atol=1e-10)


def test_f_equals_linearisation_at_init(small):
    X, y, p, lin = small
    assert np.allclose(lin.f0, net.forward(X, p), rtol=0, atol=1e-13)


def test_w_star_interpolates_and_is_closest_to_w0(small):
    X, y, p, lin = small
    ws = lin.w_star(y)
    assert np.abs(lin.jvp(ws) - y).max() < 1e-11
    # min-norm: w* - w(0) lies in the column space of grad f0 (P0perp part is zero)
    assert np.linalg.norm(lin.project_perp(ws - p.W)) < 1e-10 * np.linalg.norm(ws - p.W)
    # and equals the printed form P0perp w(0) + grad f0 (grad f0^T grad f0)^{-1} Y
    J = net.jacobian(X, p)
    printed = lin.project_perp(p.W).reshape(-1) + J.T @ np.linalg.solve(J @ J.T, y)
    assert np.allclose(ws.reshape(-1), printed, atol=1e-10)


def test_lyapunov_functions_split_the_distance(small):
    X, y, p, lin = small
    ws = lin.w_star(y)
    W = p.W + 0.3 * np.random.default_rng(2).standard_normal(p.W.shape)
    v_perp, v_par = lin.lyapunov(W, ws)
    assert v_perp + v_par == pytest.approx(np.sum((W - ws) ** 2), rel=1e-12)
    assert lin.lyapunov(p.W, ws)[0] < 1e-20  # V_perp(w(0)) = 0 by construction of w*_L


def test_linear_flow_closed_form_against_solve_ivp(small):
    from scipy.integrate import solve_ivp

    X, y, p, lin = small
    sol = solve_ivp(lambda t, f: -lin.G0 @ (f - y), (0, 3), lin.f0, t_eval=[0.5, 3], rtol=1e-12, atol=1e-14)
    assert np.allclose(lin.flow_residual(y, [0.5, 3]) + y, sol.y.T, atol=1e-9)
    W = lin.flow_weights(y, 3.0)
    assert np.allclose(lin.jvp(W), sol.y[:, -1], atol=1e-9)


def test_linear_gd_closed_form(small):
    X, y, p, lin = small
    eta, f = 0.01, lin.f0.copy()
    for _ in range(40):
        f = f - eta * lin.G0 @ (f - y)
    assert np.allclose(lin.gd_residual(y, eta, [40])[0] + y, f, atol=1e-11)


def test_wide_network_gd_follows_the_linearised_gd():
    """At large width the network's residual tracks (I - eta G0)^k (f0 - Y)."""
    X, y = sphere(5, 3, 11)
    gaps = []
    for m in (200, 20000):
        p = net.init_params(3, m, seed=0)
        lin = Linearisation.at(X, p)
        tr = train.gd(X, y, p, step_size=0.05, steps=100, keep_weights=True)
        f = net.forward(X, net.Params(tr.weights[-1], p.a))
        gaps.append(np.linalg.norm(f - (lin.gd_residual(y, 0.05, [100])[0] + y)))
    assert gaps[1] < gaps[0] / 3


def test_linearised_trajectory_matches_neural_tangents():
    """neural-tangents 0.6.5 predict.gradient_descent_mse (stored reference) agrees with the
    closed-form linearised flow in train and test outputs. Both are eigendecomposition formulas
    in float64: the tolerance 1e-12 relative to the output scale is ~1000x their rounding."""
    ref = json.loads(REF.read_text())
    for c in ref["cases"]:
        X, Xs, y = np.array(c["X"]), np.array(c["X_test"]), np.array(c["y"])
        lin = Linearisation.at(X, net.init_params(c["d"], c["m"], seed=c["seed"]))
        ftr = lin.flow_residual(y, c["times"]) + y
        fte = np.array([lin.predict(Xs, lin.flow_weights(y, t)) for t in c["times"]])
        scale = max(1.0, np.abs(c["f_train"]).max(), np.abs(c["f_test"]).max())
        assert np.abs(ftr - np.array(c["f_train"])).max() <= 1e-12 * scale
        assert np.abs(fte - np.array(c["f_test"])).max() <= 1e-12 * scale


def test_kernel_regression_interpolates_and_norm():
    X, y = sphere(8, 4, 12)
    assert np.allclose(kernel_regression(X, y, X), y, atol=1e-10)
    H = net.ntk(X)
    assert kernel_norm(X, y) == pytest.approx(y @ np.linalg.solve(H, y), rel=1e-10)


def test_singular_gram_is_a_clear_error():
    X = np.array([[1.0, 1.0], [1.0, 1.0]])  # identical points: G0 singular
    with pytest.raises(ValueError, match="singular"):
        Linearisation.at(X, net.init_params(2, 10, seed=0))


# ------------------------------------------------------------------------- Lemma 6 series


@pytest.mark.parametrize("d", [2, 5, 11])
def test_printed_coefficients_match_independent_taylor_coefficients(d):
    true = series.taylor_coefficients(d, 25)
    for k, t in enumerate(true):
        assert abs(series.d_coefficient(k, d) - t) <= mpmath.mpf(10) ** -35 * t


def test_series_converges_to_closed_form_inside_the_sphere():
    d = 4
    for s in (-3.5, -1.0, 0.0, 0.7, 3.0):
        N = series.terms_for(s, d, 1e-12)  # enough terms by the rigorous tail bound
        assert N is not None
        err = abs(series.partial_sum(s, d, N) - series.closed_form(s, d))
        assert err <= series.truncation_bound(s, d, N) + mpmath.mpf(10) ** -40
        assert err < 1e-12


def test_closed_form_matches_eq9_kernel():
    X, _ = sphere(2, 3, 13)
    s = float(X[0] @ X[1])
    assert float(series.closed_form(s, 3)) == pytest.approx(net.ntk(X)[0, 1], rel=1e-12)


def test_c2_is_one_over_two_pi_times_d_plus_one():
    assert series.c2p(1, 5) == pytest.approx(6 / (2 * math.pi), rel=1e-15)


def test_fused_step_matches_the_eager_step():
    """The torch.compile-fused step (default from B n m >= FUSE_MIN_SIZE) gives the eager step's
    weights up to summation order, and the same weights twice."""
    X, y = sphere(50, 3, 21)
    p = net.init_params(3, 400, seed=4)
    eager = train.gd(X, y, p, step_size=0.1, steps=30, fused=False, keep_weights=True)
    fused = train.gd(X, y, p, step_size=0.1, steps=30, fused=True, keep_weights=True)
    again = train.gd(X, y, p, step_size=0.1, steps=30, fused=True, keep_weights=True)
    np.testing.assert_allclose(fused.weights, eager.weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fused.step_norm, eager.step_norm, rtol=1e-12)
    assert np.array_equal(fused.weights, again.weights)
