"""What the Satpathi–Srikant test modules share: the correct model functions, the data sets, a
fixture that empties the sweeps' per-process caches around every test (autouse where imported)."""
import numpy as np
import pytest

import models.shallow_relu.linearised as lin_mod
import models.shallow_relu.ntk_series as series
import models.shallow_relu.training as train
import theorems
import theorems.satpathi21.dynamics as dyn
import theorems.satpathi21.generalisation as gen
from tests.models.shallow_relu.test_training import sphere

CORRECT_W_STAR = lin_mod.Linearisation.w_star
CORRECT_C2P, CORRECT_D = series.c2p, series.d_coefficient
CORRECT_GD = train.gd


X4, Y4 = sphere(4, 3, 0)  # c = lambda_min(H) = 0.70
SWEEP = {"X": X4.tolist(), "y": Y4.tolist(), "widths": [100, 316, 1000, 3162], "seeds": 4, "record": 40}
X_ILL, Y_ILL = sphere(4, 2, 3)  # two nearly parallel points: c = 0.016


@pytest.fixture(autouse=True)
def empty_caches(monkeypatch):
    monkeypatch.setattr(dyn, "_CACHE", {})
    monkeypatch.setattr(gen, "_CACHE", {})
    CORRECT_D.cache_clear()
    CORRECT_C2P.cache_clear()
    yield
    CORRECT_D.cache_clear()
    CORRECT_C2P.cache_clear()


def evaluate(check_id, inst):
    return theorems.get(check_id).evaluate(inst)


def w_star_without_p0perp(self, y):
    """Planted bug: w*_L = grad f0 G0^{-1} Y, forgetting P0perp w(0)."""
    return self.vjp(self.solve(np.asarray(y, dtype=np.float64)))
