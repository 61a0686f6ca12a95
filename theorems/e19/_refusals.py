"""Inputs the E-Ma-Wang-Wu (2019) checks must refuse (``Check.refuses``), keyed by check id:
instances that must raise a one-line error naming the field, or be ``hypotheses-false`` naming the
hypothesis (:class:`theorems._core.Refusal`; builders in :mod:`theorems._refusals`)."""
from __future__ import annotations

from theorems._core import Refusal
from theorems._refusals import blocks, unit, w


def e19_params():
    """L = 3, c = 1: a valid parameter set, too shallow for every depth condition (L >= 4c^2 or more)."""
    return {"activation": "relu", "L": 3, "c": 1.0, "x": unit(1, 3)[0], "B0": blocks(2, 2, 3)}


def e19_data():
    return {"activation": "relu", "L": 3, "c": 1.0, "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "B0": blocks(2, 2, 3)}


def e19_gram():
    return {"activation": "relu", "X": unit(3, 4), "m": 4, "delta": 0.1, "L": 4, "draws": 50}


def e19_dyn():
    return {"activation": "relu", "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "m": 2, "L": 50}


def e19_rff():
    return {"activation": "relu", "L": 3, "B0": blocks(2, 2, 3), "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "a_star": [[0.0, 0.0]] * 2, "t": 1.0}


REFUSES = {
    "e19/lemma4.4": (
        Refusal(w(e19_gram, L=10**6, draws=100_000), field="L", name="lemma4.4 L 1e6"),
        Refusal(w(e19_gram, delta=2.0), mentions="delta", name="lemma4.4 delta 2"),
        Refusal(w(e19_gram, m=0), field="m", name="lemma4.4 m zero"),
    ),
    "e19/lemma4.4/mean": (
        Refusal(w(e19_gram, m=5000, L=10_001, draws=1460), field="L", name="lemma4.4 draws just above work", edge="work"),
        Refusal(w(e19_gram, L=10**20), field="L", name="lemma4.4 L 1e20"),
    ),
    "e19/theorem7.1": (
        Refusal(w(e19_dyn, m=10_000, L=100_000, steps=200_000), field="L", name="theorem7.1 L and m at their maxima"),
        Refusal(w(e19_dyn, m=1000, L=15_000, steps=10), field="L", name="theorem7.1 L just above memory", edge="memory"),
        Refusal(w(e19_dyn, m=4, L=400, steps=90_000), field="steps", name="theorem7.1 steps just above work", edge="work"),
        Refusal(w(e19_dyn, activation="sigmoid"), mentions="activation", name="theorem7.1 activation unknown"),
    ),
    "e19/theorem3.2": (
        Refusal(w(e19_dyn, L=1), field="L", name="theorem3.2 L below 2"),
    ),
    "e19/theorem6.6": (
        Refusal(w(e19_dyn, depths={"L": ["a", "b", "c"]}), field="depths", name="theorem6.6 depths strings"),
        Refusal(w(e19_dyn, depths={"L": 5}), field="depths", name="theorem6.6 depths not a list"),
        Refusal(w(e19_dyn, depths={"L": [10, 20, 40], "seeds": 10**9}), field="depths", name="theorem6.6 seeds 1e9"),
        Refusal(w(e19_dyn, depths={"L": [10, 20, 40], "seeds": "x"}), field="depths", name="theorem6.6 seeds a string"),
    ),
    "e19/proposition5.1": (
        Refusal(w(e19_dyn, m=10**6), field="m", name="proposition5.1 m too wide"),
    ),
    "e19/figure1": (
        Refusal(lambda: {"depths": {"L": [2, 10**9]}}, field="depths", name="figure1 depth 1e9"),
        Refusal(lambda: {"n": 500, "steps": 94_000}, field="steps", name="figure1 steps just above work", edge="work"),
        Refusal(lambda: {"n": 10_000, "d": 1000}, field="n", name="figure1 n and d at their maxima"),
    ),
    "e19/lemma4.3/a": (
        Refusal(e19_params, hypothesis="L >= 100 c^2", name="too shallow"),
        Refusal(w(e19_params, c=1e308), field="c", name="lemma4.3 c 1e308"),
    ),
    "e19/proposition4.1/y": (
        Refusal(e19_params, hypothesis="L >= 4 c^2", name="too shallow"),
        Refusal(w(e19_params, L=5), mentions="B0", name="proposition4.1 B0 wrong depth"),
    ),
    "e19/proposition4.2/alpha": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
        Refusal(w(e19_params, B0=[[["a"]]]), field="B0", name="proposition4.2 B0 strings"),
    ),
    "e19/lemma6.4/f": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
        Refusal(w(e19_params, x=[3.0, 0.0, 0.0]), mentions="x", name="lemma6.4 x off the sphere"),
    ),
    "e19/lemma4.5": (
        Refusal(w(e19_data, X=lambda: unit(10_000, 3), y=[0.0] * 10_000, L=1001, B0=lambda: blocks(1000, 25, 3)), field="X", name="lemma4.5 data far above memory"),
    ),
    "e19/lemma6.2/distance": (
        Refusal(w(e19_rff, X=lambda: unit(20_000, 3), y=[0.0] * 20_000, L=2001, B0=lambda: blocks(2000, 10, 3)), field="X", name="lemma6.2 features too many"),
    ),
    "e19/lemma6.2/risk": (
        Refusal(w(e19_rff, X=[[2.0, 0.0, 0.0]] * 3), mentions="X", name="lemma6.2 X off the sphere"),
    ),
    "e19/lemma6.2/distance-proof": (
        Refusal(w(e19_rff, t=-1.0), field="t", name="lemma6.2 t negative"),
    ),
    "e19/proposition4.1/z": (
        Refusal(e19_params, hypothesis="L >= 4 c^2", name="too shallow"),
    ),
    "e19/proposition4.1/g": (
        Refusal(e19_params, hypothesis="L >= 4 c^2", name="too shallow"),
    ),
    "e19/proposition4.2/beta": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/proposition4.2/gamma": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/proposition4.2/alpha-proof": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/lemma4.3/r": (
        Refusal(e19_params, hypothesis="L >= 100 c^2", name="too shallow"),
    ),
    "e19/lemma4.3/B": (
        Refusal(e19_params, hypothesis="L >= 100 c^2", name="too shallow"),
    ),
    "e19/lemma4.3/C": (
        Refusal(e19_params, hypothesis="L >= 100 c^2", name="too shallow"),
    ),
    "e19/lemma4.3/a-proof": (
        Refusal(e19_params, hypothesis="L >= 100 c^2", name="too shallow"),
    ),
    "e19/lemma6.4/grad": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/lemma6.4/f-proof": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/lemma6.4/grad-proof": (
        Refusal(e19_params, hypothesis="L >= 6 c^2", name="too shallow"),
    ),
    "e19/lemma4.6": (
        Refusal(e19_data, hypothesis="L >= 200 c^2/lambda_n", name="too shallow"),
    ),
    "e19/lemma4.4/width-kernel": (
        Refusal(e19_gram, hypothesis="L >= 8 ln(n^2/delta)/(m lambda_min(K_m)^2)", name="too shallow"),
    ),
}
