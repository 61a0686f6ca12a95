"""The Figure 1 experiment's claims hold for the correct model; planted bugs and undefined values are caught."""
import numpy as np

import models.shallow_relu.linearised as lin_mod
from theorems._core import INSIDE, OUTSIDE, UNRESOLVED

from tests.theorems.satpathi21._shared import empty_caches, evaluate, w_star_without_p0perp  # noqa: F401 (fixture)


# ------------------------------------------------------------------------------ figure 1

FIG = {"widths": [100, 400, 1600], "seeds": 2, "steps": 150}


def test_figure1_claims_hold_for_the_correct_model():
    m = evaluate("satpathi21/figure1", FIG)
    assert m.verdict == INSIDE, m.explain()


def test_figure1_catches_w_star_without_p0perp(monkeypatch):
    monkeypatch.setattr(lin_mod.Linearisation, "w_star", w_star_without_p0perp)
    m = evaluate("satpathi21/figure1", FIG)
    assert m.verdict == OUTSIDE and m.constants["star_max_consecutive_ratio"] > 1


def test_figure1_an_undefined_final_value_is_not_dropped(monkeypatch):
    """Planted: the mean final ||w - w*|| at the largest width is NaN (a run that overflowed);
    max() over the consecutive ratios used to drop it and say 'inside envelope'."""
    import theorems.satpathi21.figure1 as fig

    ws = [100, 400, 1600]
    decreasing = {m: np.full((5, 2), 1.0 / m) for m in ws}
    curves = {q: dict(decreasing) for q in fig.QUANTITIES}
    fake = {"k": np.arange(5), "curves": curves, "widths": ws, "seeds": 2, "loss": "mse", "eta": 0.1, "c": 0.5, "steps": 5}
    monkeypatch.setattr(fig, "run", lambda *a, **k: fake)
    assert evaluate("satpathi21/figure1", FIG).verdict == INSIDE
    curves["star"] = {**decreasing, 1600: np.full((5, 2), np.nan)}
    assert evaluate("satpathi21/figure1", FIG).verdict == UNRESOLVED
