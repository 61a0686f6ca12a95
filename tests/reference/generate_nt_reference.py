"""Generate reference values of eq. (9) with google/neural-tangents (run once; output kept as data).

Nobody on this project wrote neural-tangents. Its analytic kernels of

    Dense(1, W_std=sqrt(d), b_std=1) -> Relu -> Dense(1, W_std=1, b_std=0)

(NTK parameterisation: the first layer computes w^T x + b = w~^T x~ with w, b ~ N(0, 1)) give
``NTK = H + NNGP``: the output layer's share of the NTK is E[relu(w~^T x~_i) relu(w~^T x~_j)],
the NNGP kernel, and the first layer's share is
E[v^2] E[1{w~^T x~_i > 0} 1{w~^T x~_j > 0}] x~_i^T x~_j = H_ij. So ``H = NTK - NNGP``.

Versions (installed in a separate venv, it pulls TensorFlow):
    pip install jax==0.4.23 jaxlib==0.4.23 neural-tangents==0.6.5 numpy==1.26.4  (0.6.5 uses np.trapz)
Run:  python tests/reference/generate_nt_reference.py > tests/reference/nt_reference.json
"""
import json
import sys

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402


def kernel(X):
    d = X.shape[1]
    _, _, kernel_fn = stax.serial(
        stax.Dense(1, W_std=float(np.sqrt(d)), b_std=1.0), stax.Relu(), stax.Dense(1, W_std=1.0, b_std=0.0)
    )
    k = kernel_fn(jax.numpy.asarray(X), None, ("ntk", "nngp"))
    return np.asarray(k.ntk) - np.asarray(k.nngp)


def main():
    cases = []
    rng = np.random.default_rng(20261124)
    for n, d, on_sphere in [(2, 2, True), (5, 3, True), (8, 5, True), (12, 10, True), (6, 50, True), (7, 4, False), (10, 5, False)]:
        X = rng.standard_normal((n, d))
        if on_sphere:
            X = X / np.linalg.norm(X, axis=1, keepdims=True) * np.sqrt(d)
        else:  # the paper's Section 6 inputs: unit norm
            X = X / np.linalg.norm(X, axis=1, keepdims=True)
        cases.append({"n": n, "d": d, "on_sphere": on_sphere, "X": X.tolist(), "H": kernel(X).tolist()})
    json.dump(
        {
            "generator": "tests/reference/generate_nt_reference.py",
            "versions": {"neural-tangents": nt.__version__ if hasattr(nt, "__version__") else "0.6.5", "jax": jax.__version__},
            "kernel": "H = NTK - NNGP of Dense(W_std=sqrt(d), b_std=1) -> Relu -> Dense(W_std=1, b_std=0)",
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )


if __name__ == "__main__":
    main()
