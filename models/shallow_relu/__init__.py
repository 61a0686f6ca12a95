"""The one-hidden-layer ReLU network of Satpathi & Srikant (2021) (checks: ``theorems/satpathi21``).

``f(x, w) = sum_k a_k / sqrt(m) relu(w_k^T x~)``, ``x~ = (x, 1)``, output signs ``a_k`` fixed,
``w_k(0) ~ N(0, kappa^2 I)``; its neural tangent kernel ``H`` is eq. (9). Used by Lemma 1 (kernel,
eigenvalue bounds), Lemma 2, Theorems 3-4 (distance to the min-norm linearised solution, eq. (7)),
Lemma 5, Theorem 7 / Corollary 8, Lemma 6 and Figure 1; also, as the relu case of Theorem 4.3's
net, by ``theorems/oymak19`` (:mod:`models.least_squares.shallow`).

- :mod:`.network`    -- forward, closed-form Jacobian, Gram, kernel eq. (9), ``theta_min``;
- :mod:`.linearised` -- ``P0``, ``w*_L``, the Lyapunov functions of eq. (7), ``f_L``, kernel regression eq. (8);
- :mod:`.training`   -- GD (torch, batched over seeds, CPU or CUDA) and gradient flow (``solve_ivp``);
- :mod:`.ntk_series` -- the kernel's feature expansion, Lemma 6 (mpmath).
"""
