"""The deep networks with skip connections of E, Ma, Wang, Wu (2019) (checks: ``theorems/e19``).

A depth-L network has L - 1 blocks ``z(l+1) = x + C(l) g(l)``, ``y(l+1) = y(l) + a(l)^T g(l)``,
``g(l) = sigma(B(l) z(l) + r(l) y(l))``, ``f = y(L)`` (eqs. (2.2)-(2.3)); its random-feature reference
model ``f~ = a^T sigma(B0 x)`` (Sec. 6) and the ResNet (1.1)/(A.1) of Figure 1. Used by Propositions
4.1-4.2, Lemmas 4.3-4.6, 6.2, 6.4, Theorems 3.2, 6.6, 7.1, Proposition 5.1 and Figure 1.

- :mod:`.network`         -- forward and back-propagated quantities (torch), neighbourhood ``I_c`` and projection;
- :mod:`.sweeps`          -- exact fixed-point sweeps over depth, risk gradient, Gram (4.8);
- :mod:`.kernel`          -- ``k0`` (ReLU closed form, quadrature), the width scaling between H and K;
- :mod:`.gd`              -- GD (7.1) recording risk, radius, random-feature gap;
- :mod:`.random_features` -- ``f~`` and its gradient flow (6.1) in closed form;
- :mod:`.resnet_a1`       -- Figure 1's ResNet and compositional random-feature model.
"""
