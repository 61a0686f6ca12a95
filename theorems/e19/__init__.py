"""Checks of E, Ma, Wang, Wu (2019), "Analysis of the gradient descent algorithm for a deep neural
network model with skip-connections". Catalog: THEOREMS.md ``e19``; text:
``shared/seeds/e-ma-wang-wu-2019.txt``. Models: :mod:`models.skip_resnet` (a depth-L network has
L - 1 blocks), :mod:`models.skip_resnet.sweeps`, :mod:`models.skip_resnet.kernel`,
:mod:`models.skip_resnet.gd`, :mod:`models.skip_resnet.random_features`, :mod:`models.skip_resnet.resnet_a1`.

- :mod:`._params`: instance fields (the whole parameter set, with one input or a data set);
- :mod:`._search`: the search over ``I_c(Theta0)`` x the sphere (starts, strategy, projected ascent);
- :mod:`.stability`: Propositions 4.1 (forward) and 4.2 (backward stability; erratum in alpha);
- :mod:`.gradients`: Lemma 4.3 (gradient upper bounds; erratum in the a-part);
- :mod:`.gram`: Lemma 4.4 in its own regime, and E H(Theta0) against K (false for tanh);
- :mod:`.lower_bounds`: Lemmas 4.5 and 4.6 (their deterministic core);
- :mod:`.random_feature_flow`: Lemma 6.2 (erratum in the distance bound);
- :mod:`.reference_model`: Lemma 6.4 (errata in both bounds);
- :mod:`.dynamics`: Theorems 3.2, 7.1, 6.6 and Proposition 5.1 (measured);
- :mod:`.figure1`: the Figure 1 reproduction.
"""
from theorems.e19 import (  # noqa: F401  (registers the checks)
    dynamics,
    figure1,
    gradients,
    gram,
    lower_bounds,
    random_feature_flow,
    reference_model,
    stability,
)
