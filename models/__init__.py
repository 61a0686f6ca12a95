"""The mathematics of the papers' models, and nothing about checking them.

Each module is a handful of pure functions over float64 arrays (in the style of
neural-tangents' ``stax``): a model is its forward pass, its closed-form Jacobian and
its kernels, each citing the equation it implements.

- :mod:`models.shallow_relu` -- Satpathi & Srikant (2021), the one-hidden-layer ReLU
  network with fixed output signs and its neural tangent kernel, eq. (9).
- :mod:`models.shallow_relu_training`   -- its GD (torch, batched over seeds) and gradient
  flow (``solve_ivp``), Sec. 3-4.
- :mod:`models.shallow_relu_linearised` -- ``P0``, ``w*_L``, the Lyapunov functions of eq. (7),
  ``f_L`` and kernel regression, eq. (8).
- :mod:`models.ntk_series`    -- the feature expansion of the kernel, Lemma 6 (mpmath).
- :mod:`models.activations`   -- increasing activations with known ``gamma, Gamma, M``
  (Oymak & Soltanolkotabi 2019, Sec. 4).
- :mod:`models.least_squares` -- nonlinear least-squares problems (linear, GLM) with certified
  constants ``alpha, beta, L, B`` (Assumptions 1-2) and the closest global optimum.
- :mod:`models.least_squares_gd` -- GD and SGD on them, recording residual, distance, path.
- :mod:`models.validation`   -- input checks shared by the models (``ValueError`` naming
  the problem).
"""
