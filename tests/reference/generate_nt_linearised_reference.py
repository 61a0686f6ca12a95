"""Reference trajectories of the linearised dynamics from google/neural-tangents (run once; kept as data).

``neural_tangents.predict.gradient_descent_mse`` solves gradient descent on the MSE in function
space for a given kernel, in closed form (eigendecomposition). Given the *finite-width* kernel of
our network at ``w(0)`` (``k_train_train = grad f0^T grad f0``, ``k_test_train``) and the outputs at
``w(0)``, it returns the train and test outputs of the linearised model ``f_L`` at times t.

Conventions: neural-tangents' loss is ``0.5 * mean((f - y)^2)`` over the ``n`` labels and its time
is measured in units of ``learning_rate``, so ``learning_rate = n`` turns its time into the
paper's flow time, ``dw/dt = -grad f (f - Y)``.

The inputs (X, w(0), kernels) come from ``models/`` at the pinned seeds; they are stored with the
outputs so the test compares like with like. Run in the neural-tangents venv of
``generate_nt_reference.py`` with the repository on ``sys.path``:

    PYTHONPATH=. python tests/reference/generate_nt_linearised_reference.py > tests/reference/nt_linearised_reference.json
"""
import json
import sys

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)
import neural_tangents as nt  # noqa: E402
from neural_tangents import predict  # noqa: E402

from models.shallow_relu import network as net  # noqa: E402
from models.shallow_relu.linearised import Linearisation  # noqa: E402


def main():
    cases = []
    for n, d, m, n_test, seed in [(4, 3, 50, 3, 0), (8, 5, 200, 5, 1), (20, 4, 1000, 6, 2)]:
        rng = np.random.default_rng(1000 + seed)
        X = rng.standard_normal((n, d))
        X = X / np.linalg.norm(X, axis=1, keepdims=True) * np.sqrt(d)
        Xs = rng.standard_normal((n_test, d))
        Xs = Xs / np.linalg.norm(Xs, axis=1, keepdims=True) * np.sqrt(d)
        y = rng.standard_normal(n)
        params = net.init_params(d, m, seed=seed)
        lin = Linearisation.at(X, params)
        times = [0.0, 0.1, 1.0, 5.0, 50.0]
        fn = predict.gradient_descent_mse(jax.numpy.asarray(lin.G0), jax.numpy.asarray(y[:, None]), learning_rate=float(n))
        f_tr, f_te = fn(
            jax.numpy.asarray(times),
            jax.numpy.asarray(lin.f0[:, None]),
            jax.numpy.asarray(net.forward(Xs, params)[:, None]),
            jax.numpy.asarray(lin.kernel_to(Xs)),
        )
        cases.append(
            {
                "n": n, "d": d, "m": m, "seed": seed, "X": X.tolist(), "X_test": Xs.tolist(), "y": y.tolist(),
                "times": times, "f_train": np.asarray(f_tr)[..., 0].tolist(), "f_test": np.asarray(f_te)[..., 0].tolist(),
            }
        )
    json.dump(
        {
            "generator": "tests/reference/generate_nt_linearised_reference.py",
            "versions": {"neural-tangents": "0.6.5", "jax": jax.__version__},
            "what": "predict.gradient_descent_mse(G0, y, learning_rate=n)(t, f0, f0_test, k_test_train)",
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )


if __name__ == "__main__":
    main()
