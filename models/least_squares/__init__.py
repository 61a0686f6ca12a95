"""Nonlinear least squares ``||f(theta) - y||^2 / 2`` of Oymak & Soltanolkotabi (2019) (checks: ``theorems/oymak19``).

A problem gives ``f``, its Jacobian and products, and certified constants ``alpha, beta, L, B`` on a
ball (Assumptions 1-2) with the closest global optimum ``theta*``. Used by Theorems 2.1, 2.2,
Corollary 2.3, (2.10), Theorem 2.4, Theorem 3.1 (SGD), Theorems 4.1 (GLM), 4.2 (low rank, Figure 3c)
and 4.3 (shallow net).

- :mod:`.problems`    -- linear and GLM problems, :class:`~models.least_squares.problems.Constants`, trajectory estimates;
- :mod:`.activations` -- increasing activations with derived ``gamma, Gamma, M`` (Sec. 4); relu;
- :mod:`.shallow`     -- Theorem 4.3's one-hidden-layer net (relu: the Satpathi–Srikant network);
- :mod:`.lowrank`     -- Burer–Monteiro regression, eq. (4.3), Theorem 4.2's initialisation;
- :mod:`.gd`          -- GD, SGD and batched SGD runs recording residual, distance, path.
"""
