"""Hypothesis strategies for instances, as composable values.

Strategies draw the *parameters* of a design (family, n, d, seed, scale) rather than raw
floats, so that shrinking lands on the smallest member of a counterexample family and every
example is reproducible from its design.
"""
from __future__ import annotations

from hypothesis import strategies as st

from theorems._designs import FAMILIES, Design, build

#: Scales (cap radius, duplicate gap, arc fraction) drawn log-uniformly from 1e-6 to 1.
scales = st.integers(-12, 0).map(lambda e: 10.0 ** (e / 2))
seeds = st.integers(0, 2**31 - 1)


@st.composite
def designs(draw, n=st.integers(2, 24), d=st.integers(2, 12), families=st.sampled_from(FAMILIES)):
    """A :class:`~theorems._designs.Design` with at least two points and d >= 2.

    (d = 1 is excluded: the sphere ||x|| = 1 in R^1 is {-1, +1}, so any two distinct data
    points are parallel and the paper's assumptions admit no data set with n >= 2.)
    """
    family = draw(families)
    dd = draw(d)
    k = draw(st.integers(1, max(1, min(5, dd - 1))))
    nn = 2**k if family == "cube-cap" else draw(n)
    return Design(family=family, n=nn, d=dd, seed=draw(seeds), scale=draw(scales), k=k)


def data_instances(design_strategy=None, **extra):
    """Instances ``{"X": ..., "design": ...}`` built from designs, plus fixed ``extra`` fields.

    ``extra`` values may themselves be strategies (drawn once per instance).
    """
    design_strategy = designs() if design_strategy is None else design_strategy

    @st.composite
    def build_instance(draw):
        des = draw(design_strategy)
        inst = {"X": build(des).tolist(), "design": des.describe()}
        for key, value in extra.items():
            inst[key] = draw(value) if isinstance(value, st.SearchStrategy) else value
        return inst

    return build_instance()
