"""models.skip_resnet.gd.tangent_gram: the tangent kernel over every parameter, normalised as (4.8)."""
import numpy as np
import torch

import models.skip_resnet.gd as gd
import models.skip_resnet.network as sr
import models.skip_resnet.sweeps as sw


def test_tangent_gram_is_the_printed_gram_at_theta0_and_autograd_later():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    p0 = sr.init(3, 2, 6, seed=0)
    np.testing.assert_allclose(gd.tangent_gram(p0, X, "tanh"), sw.gram(p0, torch.as_tensor(X), "tanh").numpy(), rtol=1e-12, atol=1e-15)
    p = gd.gd(p0, X, rng.uniform(-1, 1, 3), "tanh", 0.5, 20, record=[20]).final
    rows = []
    for i in range(3):
        ts = [t.clone().requires_grad_(True) for t in p.tensors()]
        sr.output(sr.Params(*ts), torch.as_tensor(X[i : i + 1]), "tanh").sum().backward()
        rows.append(torch.cat([t.grad.reshape(-1) for t in ts]))
    J = torch.stack(rows)
    np.testing.assert_allclose(gd.tangent_gram(p, X, "tanh"), (J @ J.T).numpy() / (3 * 6), rtol=1e-10, atol=1e-14)
