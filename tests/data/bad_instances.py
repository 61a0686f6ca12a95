"""The bad-input corpus (issue 16): bad or extreme instances over the three papers, built from small
descriptions at test time (big arrays are described by their sizes; most are refused from the sizes
alone). Each :class:`Case` names the check, builds the instance, and says what the one-line error
must contain (``field 'NAME'`` or the bare field name); ``edge`` marks sizes just above a default
limit (``"memory"`` or ``"work"``), which the tests confirm with the estimate itself.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    check: str
    build: Callable[[], Any]  # -> the instance (a JSON value)
    needle: str  # must appear in the error line
    edge: str = ""  # "memory" | "work": just above that default limit
    flags: tuple = field(default_factory=tuple)  # extra command-line flags


def sphere(n: int, d: int, radius: float | None = None, seed: int = 0) -> list:
    """n random points on the sphere of radius sqrt(d) (satpathi21) or ``radius``."""
    Z = np.random.default_rng(seed).standard_normal((n, d))
    return (Z / np.linalg.norm(Z, axis=1, keepdims=True) * (math.sqrt(d) if radius is None else radius)).tolist()


def unit(n: int, d: int) -> list:
    return sphere(n, d, 1.0)


def blocks(k: int, m: int, d: int) -> list:
    """B0 of k blocks, rows of norm 1/sqrt(m)."""
    return (np.asarray(sphere(k * m, d, 1 / math.sqrt(m))).reshape(k, m, d)).tolist()


def w(base: Callable[[], dict], **changes) -> Callable[[], dict]:
    """``base()`` with ``changes`` (callables are called: big arrays are built only when used)."""
    return lambda: {**base(), **{k: (v() if callable(v) else v) for k, v in changes.items()}}


# --------------------------------------------------------------------------- base instances
def sat_dyn():
    return {"X": sphere(4, 3), "y": [1.0, -0.5, 0.3, 0.2], "widths": [100, 1000], "seeds": 3}


def sat_gen():
    return {"d": 3, "sizes": [16, 32, 64], "p": 2, "width": 500, "seeds": 2, "test_points": 500, "max_steps": 1000}


def sat_fig():
    return {"widths": [1000, 2000], "seeds": 2, "steps": 100}


def linear(p: int = 3, n: int = 2):
    X = np.eye(n, p).tolist()
    return {"model": "linear", "X": X, "y": [1.0] * n, "theta0": [0.0] * p}


def glm():
    return {**linear(), "model": "glm", "activation": {"name": "slope-tanh", "slope": 0.5}}


def e19_params():
    return {"activation": "relu", "L": 3, "c": 1.0, "x": unit(1, 3)[0], "B0": blocks(2, 2, 3)}


def e19_data():
    return {"activation": "relu", "L": 3, "c": 1.0, "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "B0": blocks(2, 2, 3)}


def e19_gram():
    return {"activation": "relu", "X": unit(3, 4), "m": 4, "delta": 0.1, "L": 4, "draws": 50}


def e19_dyn():
    return {"activation": "relu", "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "m": 2, "L": 50}


def e19_rff():
    return {"activation": "relu", "L": 3, "B0": blocks(2, 2, 3), "X": unit(3, 3), "y": [0.5, -0.5, 0.1], "a_star": [[0.0, 0.0]] * 2, "t": 1.0}


S, O, E = "satpathi21", "oymak19", "e19"
CASES = [
    # ---- satpathi21: Lemma 1 and 6 (data checks), the Monte-Carlo kernel
    Case("lemma1 n just above memory", f"{S}/lemma1/upper", lambda: {"X": sphere(15900, 2)}, "field 'X'", edge="memory"),
    Case("lemma1 n far above", f"{S}/lemma1/positive-definite", lambda: {"X": sphere(60000, 2)}, "field 'X'"),
    Case("lemma1 X a 3-d array", f"{S}/lemma1/positive-definite", lambda: {"X": [[[1.0, 1.0]]]}, "field 'X'"),
    Case("lemma1 X strings", f"{S}/lemma1/lower", lambda: {"X": [["a", "b"]]}, "field 'X'"),
    Case("lemma1 X ragged", f"{S}/lemma1/lower", lambda: {"X": [[1.0], [1.0, 2.0]]}, "field 'X'"),
    Case("lemma1 X with NaN", f"{S}/lemma1/upper", lambda: {"X": [[float("nan"), 1.0], [1.0, 0.0]]}, "field 'X'"),
    Case("lemma1 X 1e400", f"{S}/lemma1/upper", lambda: {"X": [[1e400, 1.0], [1.0, 0.0]]}, "field 'X'"),
    Case("lemma1 X a huge integer", f"{S}/lemma1/upper", lambda: {"X": [[10**400, 1], [1, 0]]}, "field 'X'"),
    Case("lemma1 X nested 100 deep", f"{S}/lemma1/upper", lambda: {"X": _nested(100)}, "field 'X'"),
    Case("kernel width just above memory", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": 57_000_000, "seed": 0}, "field 'width'", edge="memory"),
    Case("kernel width 1e30", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": 10**30, "seed": 0}, "field 'width'"),
    Case("kernel width inf", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": 1e400, "seed": 0}, "field 'width'"),
    Case("kernel width negative", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": -5, "seed": 0}, "field 'width'"),
    Case("kernel width a string", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": "100", "seed": 0}, "field 'width'"),
    Case("kernel seed fractional", f"{S}/lemma1/kernel", lambda: {"X": sphere(2, 2), "width": 10, "seed": 1.5}, "field 'seed'"),
    Case("lemma6 terms too many", f"{S}/lemma6", lambda: {"X": sphere(2, 3), "terms": 10**6}, "field 'terms'"),
    # ---- satpathi21: width sweeps, generalisation, Figure 1
    Case("lemma2 width 1e12", f"{S}/lemma2", w(sat_dyn, widths=[100, 1e12]), "field 'widths'"),
    Case("theorem3 widths just above memory", f"{S}/theorem3", w(sat_dyn, widths=[100, 265_000], seeds=64), "field 'widths'", edge="memory"),
    Case("theorem4 tiny step", f"{S}/theorem4", w(sat_dyn, step_size=1e-300), "field 'step_size'"),
    Case("theorem4 steps just above work", f"{S}/theorem4", w(sat_dyn, widths=[100, 20000], seeds=64, step_size=0.00075), "field 'widths'", edge="work"),
    Case("lemma2 record too many", f"{S}/lemma2", w(sat_dyn, record=10**9), "field 'record'"),
    Case("lemma2 widths strings", f"{S}/lemma2", w(sat_dyn, widths="abc"), "field 'widths'"),
    Case("theorem3 kappa zero", f"{S}/theorem3", w(sat_dyn, kappa=0.0), "field 'kappa'"),
    Case("theorem4 horizon 1e308", f"{S}/theorem4", w(sat_dyn, horizon=1e308), "field 'horizon'"),
    Case("lemma5 width 1e9", f"{S}/lemma5", w(sat_gen, width=10**9), "field 'width'"),
    Case("theorem7 max_steps 1e12", f"{S}/theorem7", w(sat_gen, max_steps=10**12), "field 'max_steps'"),
    Case("theorem7 max_steps just above work", f"{S}/theorem7", w(sat_gen, max_steps=587_000), "field 'max_steps'", edge="work"),
    Case("theorem7 test points 1e10", f"{S}/theorem7", w(sat_gen, test_points=10**10), "field 'test_points'"),
    Case("lemma5 sizes 1e9", f"{S}/lemma5", w(sat_gen, sizes=[16, 10**9]), "field 'sizes'"),
    Case("lemma5 d too large", f"{S}/lemma5", w(sat_gen, d=10**6), "field 'd'"),
    Case("figure1 width 1e9", f"{S}/figure1", w(sat_fig, widths=[1000, 10**9]), "field 'widths'"),
    Case("figure1 steps 1e12", f"{S}/figure1", w(sat_fig, steps=10**12), "field 'steps'"),
    Case("figure1 seeds just above memory", f"{S}/figure1", w(sat_fig, widths=[1000, 100000], seeds=16), "field 'widths'", edge="memory"),
    Case("figure1 loss null", f"{S}/figure1", w(sat_fig, loss=None), "field 'loss'"),
    # ---- oymak19
    Case("theorem2.1 parameters just above memory", f"{O}/theorem2.1/rate", w(lambda: linear(5050, 1), steps=100_000), "field 'steps'", edge="memory"),
    Case("theorem2.1 steps too many", f"{O}/theorem2.1/potential", w(linear, steps=10**6), "field 'steps'"),
    Case("theorem2.1 step_size 1e400", f"{O}/theorem2.1/path", w(linear, step_size=1e400), "field 'step_size'"),
    Case("theorem2.2 theta0 strings", f"{O}/theorem2.2", w(linear, theta0=["a", "b", "c"]), "field 'theta0'"),
    Case("corollary2.3 theta0 wrong length", f"{O}/corollary2.3", w(linear, theta0=[0.0]), "theta0"),
    Case("eq2.10 model unknown", f"{O}/eq2.10", w(linear, model="quadratic"), "model"),
    Case("theorem2.4 thetas strings", f"{O}/theorem2.4/lower", w(linear, thetas=[["a"]]), "field 'thetas'"),
    Case("theorem2.4/tight n too large", f"{O}/theorem2.4/tight", lambda: {"alpha": 1.0, "beta": 2.0, "n": 100, "p": 200}, "field 'n'"),
    Case("theorem2.4/tight alpha zero", f"{O}/theorem2.4/tight", lambda: {"alpha": 0.0, "beta": 2.0, "n": 3, "p": 5}, "field 'alpha'"),
    Case("theorem3.1 runs and steps", f"{O}/theorem3.1", w(linear, runs=100_000, steps=100_000), "field 'runs'"),
    Case("theorem3.1 runs too many", f"{O}/theorem3.1", w(linear, runs=10**7), "field 'runs'"),
    Case("theorem4.1 y wrong length", f"{O}/theorem4.1", w(glm, y=[1.0]), "y"),
    Case("theorem4.1 activation a list", f"{O}/theorem4.1", w(glm, activation=[1, 2]), "field 'activation'"),
    Case("theorem4.3 parameters k d above memory", f"{O}/theorem4.3", lambda: {"model": "shallow", "X": [[0.0] * 300_000], "y": [0.0], "v": [1.0] * 10,
                                                                           "theta0": [0.0] * 10, "activation": {"name": "slope-tanh", "slope": 0.5}}, "field 'theta0'"),
    Case("theorem4.2 n just above memory", f"{O}/theorem4.2", lambda: {"d": 400, "r": 50, "n": 2100, "steps": 2}, "field 'd'", edge="memory"),
    Case("theorem4.2 steps just above work", f"{O}/theorem4.2", lambda: {"d": 400, "r": 4, "n": 57, "steps": 100_000}, "field 'd'", edge="work"),
    Case("theorem4.2 d too large", f"{O}/theorem4.2", lambda: {"d": 10**5, "r": 4, "n": 50}, "field 'd'"),
    Case("figure3c ns 1e9", f"{O}/figure3c", lambda: {"ns": [25, 10**9]}, "field 'ns'"),
    Case("figure3c steps and seeds", f"{O}/figure3c", lambda: {"d": 400, "seeds": 100, "steps": 10_000}, "field 'd'"),
    # ---- e19
    Case("lemma4.4 L 1e6", f"{E}/lemma4.4", w(e19_gram, L=10**6, draws=100_000), "field 'L'"),
    Case("lemma4.4 draws just above work", f"{E}/lemma4.4/mean", w(e19_gram, m=5000, L=10_001, draws=1460), "field 'L'", edge="work"),
    Case("lemma4.4 delta 2", f"{E}/lemma4.4", w(e19_gram, delta=2.0), "delta"),
    Case("lemma4.4 m zero", f"{E}/lemma4.4", w(e19_gram, m=0), "field 'm'"),
    Case("lemma4.4 L 1e20", f"{E}/lemma4.4/mean", w(e19_gram, L=10**20), "field 'L'"),
    Case("theorem7.1 L and m at their maxima", f"{E}/theorem7.1", w(e19_dyn, m=1000, L=20_000, steps=200_000), "field 'L'"),
    Case("theorem7.1 L just above memory", f"{E}/theorem7.1", w(e19_dyn, m=1000, L=15_000, steps=10), "field 'L'", edge="memory"),
    Case("theorem7.1 steps just above work", f"{E}/theorem7.1", w(e19_dyn, m=4, L=400, steps=90_000), "field 'steps'", edge="work"),
    Case("theorem7.1 activation unknown", f"{E}/theorem7.1", w(e19_dyn, activation="sigmoid"), "activation"),
    Case("theorem3.2 L below 2", f"{E}/theorem3.2", w(e19_dyn, L=1), "field 'L'"),
    Case("theorem6.6 depths strings", f"{E}/theorem6.6", w(e19_dyn, depths={"L": ["a", "b", "c"]}), "field 'depths'"),
    Case("theorem6.6 depths not a list", f"{E}/theorem6.6", w(e19_dyn, depths={"L": 5}), "field 'depths'"),
    Case("theorem6.6 seeds 1e9", f"{E}/theorem6.6", w(e19_dyn, depths={"L": [10, 20, 40], "seeds": 10**9}), "field 'depths'"),
    Case("theorem6.6 seeds a string", f"{E}/theorem6.6", w(e19_dyn, depths={"L": [10, 20, 40], "seeds": "x"}), "field 'depths'"),
    Case("proposition5.1 m too wide", f"{E}/proposition5.1", w(e19_dyn, m=10**6), "field 'm'"),
    Case("figure1 depth 1e9", f"{E}/figure1", lambda: {"depths": {"L": [2, 10**9]}}, "field 'depths'"),
    Case("figure1 steps just above work", f"{E}/figure1", lambda: {"n": 500, "steps": 94_000}, "field 'steps'", edge="work"),
    Case("figure1 n and d at their maxima", f"{E}/figure1", lambda: {"n": 10_000, "d": 1000}, "field 'n'"),
    Case("lemma4.3 c 1e308", f"{E}/lemma4.3/a", w(e19_params, c=1e308), "field 'c'"),
    Case("proposition4.1 B0 wrong depth", f"{E}/proposition4.1/y", w(e19_params, L=5), "B0"),
    Case("proposition4.2 B0 strings", f"{E}/proposition4.2/alpha", w(e19_params, B0=[[["a"]]]), "field 'B0'"),
    Case("lemma6.4 x off the sphere", f"{E}/lemma6.4/f", w(e19_params, x=[3.0, 0.0, 0.0]), "x"),
    Case("lemma4.5 data far above memory", f"{E}/lemma4.5", w(e19_data, X=lambda: unit(10_000, 3), y=[0.0] * 10_000, L=1001,
                                                                B0=lambda: blocks(1000, 25, 3)), "field 'X'"),
    Case("lemma6.2 features too many", f"{E}/lemma6.2/distance", w(e19_rff, X=lambda: unit(20_000, 3), y=[0.0] * 20_000, L=2001,
                                                                    B0=lambda: blocks(2000, 10, 3)), "field 'X'"),
    Case("lemma6.2 X off the sphere", f"{E}/lemma6.2/risk", w(e19_rff, X=[[2.0, 0.0, 0.0]] * 3), "X"),
    Case("lemma6.2 t negative", f"{E}/lemma6.2/distance-proof", w(e19_rff, t=-1.0), "field 't'"),
]


def _nested(depth: int):
    v: Any = 1.0
    for _ in range(depth):
        v = [v]
    return v


#: files that are not instances: (name, what to write, the error's phrase)
FILES = [
    ("nested JSON", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ("truncated gzip", lambda p: p.write_bytes(_gzip(b'{"X": [[1.0, 1.0]]}')[:-8]), "truncated or corrupt gzip"),
    ("corrupt gzip", lambda p: p.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4), "truncated or corrupt gzip"),
    ("not gzip at all", lambda p: p.write_bytes(b"PK\x03\x04 a zip file"), "truncated or corrupt gzip"),
    ("binary", lambda p: p.write_bytes(bytes(range(128, 256)) * 8), "not a UTF-8 text file"),
    ("empty", lambda p: p.write_text(""), "malformed JSON"),
    ("a list, not an object", lambda p: p.write_text("[1, 2]"), "must be a JSON object"),
    ("a 5000-digit integer", lambda p: p.write_text('{"X": [[' + "9" * 5000 + "]]}"), "unreadable JSON number"),
]


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


#: schema-valid instances with extreme values: each is refused (exit 2) or evaluates to a measurement
#: whose verdict is never decided by a non-finite number
EXTREME = [
    Case("lemma6.2 distance t 1e308", f"{E}/lemma6.2/distance", w(e19_rff, t=1e308), ""),
    Case("lemma6.2 a_star 1e300", f"{E}/lemma6.2/distance-proof", w(e19_rff, a_star=[[1e300, 0.0]] * 2), ""),
    Case("corollary2.3 step 1e308", f"{O}/corollary2.3", w(linear, step_size=1e308), ""),
    Case("theorem2.1 step 1e300", f"{O}/theorem2.1/rate", w(linear, step_size=1e300), ""),
    Case("theorem2.1 X 1e200", f"{O}/theorem2.1/potential", w(linear, X=[[1e200, 0.0, 0.0], [0.0, 1e200, 0.0]]), ""),
    Case("theorem3.1 nu 1e308", f"{O}/theorem3.1", w(linear, nu=1e308), ""),
    Case("theorem4.1 slope 1e308", f"{O}/theorem4.1", w(glm, activation={"name": "slope-tanh", "slope": 1e308}), ""),
    Case("theorem2.4 thetas 1e300", f"{O}/theorem2.4/lower", w(linear, thetas=[[1e300, 1e300, 1e300]]), ""),
    Case("lemma4.3 c 1e300", f"{E}/lemma4.3/B", w(e19_params, c=1e300), ""),
    Case("proposition4.2 c 1e-300", f"{E}/proposition4.2/beta", w(e19_params, c=1e-300), ""),
    Case("theorem7.1 kappa 1e-300", f"{E}/theorem7.1", w(e19_dyn, kappa=1e-300), ""),
    Case("lemma4.4 delta 1e-300", f"{E}/lemma4.4", w(e19_gram, delta=1e-300, L=None), ""),
]
