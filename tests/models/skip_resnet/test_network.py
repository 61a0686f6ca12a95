"""The E–Ma–Wang–Wu network (models.skip_resnet.network): back-propagated quantities against autograd, the
printed recursion (4.3) without sigma', the initialisation, the neighbourhood and its projection."""
import numpy as np
import pytest
import torch

import models.skip_resnet.network as sr


def perturbed(act, d=3, m=4, L=7, scale=0.3, seed=1):
    p0 = sr.init(d, m, L, seed=0)
    rng = np.random.default_rng(seed)
    k = L - 1
    p = sr.Params.of(p0.B.numpy() + scale * rng.standard_normal((k, m, d)), scale * rng.standard_normal((k, m)),
                     scale * rng.standard_normal((k, m)), scale * rng.standard_normal((k, d, m)))
    X = rng.standard_normal((3, d))
    return p, p0, torch.tensor(X / np.linalg.norm(X, axis=1, keepdims=True))


def autograd_quantities(p, X, act):
    n = X.shape[0]
    y, z = torch.zeros(n, dtype=torch.float64, requires_grad=True), X.clone().requires_grad_(True)
    ys, zs, gs = [y], [z], []
    for l in range(p.blocks):
        g = sr.sigma(act, z @ p.B[l].T + y[:, None] * p.r[l])
        g.retain_grad()
        z = X + g @ p.C[l].T
        y = y + g @ p.a[l]
        z.retain_grad()
        y.retain_grad()
        gs.append(g), zs.append(z), ys.append(y)
    y.sum().backward()
    alpha = torch.stack([t.grad if t.grad is not None else torch.ones(n, dtype=torch.float64) for t in ys])
    return alpha, zs, gs


@pytest.mark.parametrize("act", sr.ACTIVATIONS)
def test_backprop_recursion_matches_autograd(act):
    p, _, X = perturbed(act)
    alpha, beta, gamma = sr.backprop(p, X, act)
    a_ref, zs, gs = autograd_quantities(p, X, act)
    torch.testing.assert_close(alpha, a_ref, rtol=1e-13, atol=1e-14)
    for l in range(1, p.depth - 1):  # beta(l), l >= 2: all of df/dz(l) (z(1) = x also feeds the skips)
        torch.testing.assert_close(beta[l], zs[l].grad, rtol=1e-13, atol=1e-14)
    for l in range(p.blocks):
        torch.testing.assert_close(gamma[l], gs[l].grad, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("act", sr.ACTIVATIONS)
def test_printed_recursion_without_sigma_prime_is_wrong_off_the_linear_region(act):
    """(4.3) as printed omits sigma'(p(l)): it disagrees with autograd (relu: inactive neurons;
    tanh: everywhere), and agrees at Theta0 where gamma = 0."""
    p, p0, X = perturbed(act)
    a_ref, _, _ = autograd_quantities(p, X, act)
    assert (sr.backprop(p, X, act, printed=True)[0] - a_ref).abs().max() > 1e-3
    torch.testing.assert_close(sr.backprop(p0, X, act, printed=True)[0], torch.ones(p0.depth, 3, dtype=torch.float64))


def test_initialisation_and_the_values_at_theta0():
    p0 = sr.init(5, 6, 9, seed=3)
    assert p0.blocks == 8 and p0.depth == 9
    torch.testing.assert_close(torch.linalg.vector_norm(p0.B, dim=2), torch.full((8, 6), 6**-0.5, dtype=torch.float64))
    torch.testing.assert_close(torch.linalg.matrix_norm(p0.B), torch.ones(8, dtype=torch.float64))
    X = torch.eye(5, dtype=torch.float64)[:2]
    y, z, pre = sr.forward(p0, X, "relu")
    assert float(y.abs().max()) == 0 and torch.equal(z, X.expand(9, 2, 5))
    alpha, beta, gamma = sr.backprop(p0, X, "tanh")
    assert torch.equal(alpha, torch.ones_like(alpha)) and float(beta.abs().max()) == 0 and float(gamma.abs().max()) == 0


def test_projection_onto_the_neighbourhood():
    p, p0, _ = perturbed("relu", scale=1.0)
    c = 2.0
    q = sr.project(p, p0, c)
    assert sr.in_neighbourhood(q, p0, c) and not sr.in_neighbourhood(p, p0, c)
    for v in sr.deviation_norms(q, p0).values():  # the far blocks land on the boundary
        torch.testing.assert_close(v, torch.full_like(v, c / p.depth))
    r = sr.project(q, p0, c)  # idempotent
    for s, t in zip(q.tensors(), r.tensors()):
        torch.testing.assert_close(s, t)


def test_params_reject_wrong_shapes():
    with pytest.raises(ValueError, match="one entry per block"):
        sr.Params.of(np.ones((3, 2, 2)), a=np.ones((2, 2)))
    with pytest.raises(ValueError, match="L - 1 >= 1 blocks"):
        sr.Params.of(np.ones((0, 2, 2)))
