import numpy as np
import pytest

from theorems._designs import to_sphere


@pytest.fixture
def sphere_data():
    """A small data set on the sphere ||x|| = sqrt(d), fixed seed."""

    def make(n=6, d=4, seed=0):
        return to_sphere(np.random.default_rng(seed).standard_normal((n, d)))

    return make
