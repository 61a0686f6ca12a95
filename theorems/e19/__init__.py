"""Checks of E, Ma, Wang, Wu (2019), "Analysis of the gradient descent algorithm for a deep neural
network model with skip-connections". Catalog: THEOREMS.md ``e19``; text:
``shared/seeds/e-ma-wang-wu-2019.txt``. Model: :mod:`models.skip_resnet` (depth L = L - 1 blocks).

- :mod:`._params`: instance fields (the whole parameter set) and their conversion;
- :mod:`.stability`: Propositions 4.1 (forward) and 4.2 (backward stability), sup statements over
  ``I_c(Theta0)`` searched by projected gradient ascent.
"""
from theorems.e19 import dynamics, figure1, gradients, gram, lower_bounds, random_feature_flow, reference_model, stability  # noqa: F401  (registers the checks)
