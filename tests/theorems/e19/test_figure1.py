"""Figure 1 of E–Ma–Wang–Wu: the ResNet (A.1) and the compositional random-feature model (1.2),
the figure's two claims on a reduced run, and a planted bug (V not frozen in the random-feature
model: the two paths coincide and the gap cannot shrink with depth)."""
import numpy as np
import torch

import models.skip_resnet.resnet_a1 as ra
import theorems
from theorems._core import INSIDE, OUTSIDE

REDUCED = {"steps": 1000, "depths": {"L": [2, 10, 50]}}


def test_resnet_forward_by_hand_and_the_frozen_model_keeps_V():
    rng = np.random.default_rng(0)
    U0, V0 = ra.init(3, 2, 4, seed=1)
    U = torch.tensor(rng.standard_normal(U0.shape))
    X = rng.standard_normal((5, 3))
    h = np.hstack([X, np.zeros((5, 1))])
    for l in range(3):
        h = h + np.maximum(h @ V0[l].numpy().T, 0) @ U[l].numpy().T
    np.testing.assert_allclose(ra.output(U, V0, X).numpy(), h[:, -1], rtol=1e-13)
    assert float(ra.output(U0, V0, X).abs().max()) == 0.0  # U0 = 0
    y = np.maximum(X[:, 0], 0)
    hist = ra.train(U0, V0, X, y, 0.1, 5, freeze_V=True)
    assert hist.risk[-1] < hist.risk[0] and hist.U_dist[0] == 0 and hist.U_dist[-1] > 0


def test_the_figures_claims_on_a_reduced_run():
    m = theorems.evaluate("e19/figure1", REDUCED)
    assert m.verdict == INSIDE
    assert m.constants["gap_L50"] < m.constants["gap_L10"] < m.constants["gap_L2"]
    assert m.constants["deepest_final_over_initial"] < 1e-2


def test_a_random_feature_model_that_trains_V_is_caught(monkeypatch):
    real = ra.train
    monkeypatch.setattr(ra, "train", lambda U0, V0, X, y, eta, steps, *, freeze_V, record=None: real(U0, V0, X, y, eta, steps, freeze_V=False, record=record))
    assert theorems.evaluate("e19/figure1", dict(REDUCED, steps=200)).verdict == OUTSIDE


def test_an_undefined_gap_growth_is_not_dropped(monkeypatch):
    """Planted: the gap at the deepest depth is NaN (an overflowed run); max() over the claims used
    to keep the first ones and say 'inside envelope'."""
    import theorems.e19.figure1 as fig
    from theorems._core import UNRESOLVED

    def fake(gaps):
        return {L: {"nn": np.array([1.0, 1e-3]), "rf": np.array([1.0, 0.5]), "gap": g, "eta": 0.1} for L, g in zip((2, 10, 50), gaps)}

    monkeypatch.setattr(fig, "curves", lambda *a, **k: fake([0.3, 0.2, 0.1]))
    assert theorems.evaluate("e19/figure1", REDUCED).verdict == INSIDE
    monkeypatch.setattr(fig, "curves", lambda *a, **k: fake([0.3, 0.2, np.nan]))
    assert theorems.evaluate("e19/figure1", REDUCED).verdict == UNRESOLVED
