"""Checks of Satpathi & Srikant (2021), "The Dynamics of Gradient Descent for
Overparametrized Neural Networks" (L4DC 2021, arXiv 2105.06569). Catalog: THEOREMS.md
``satpathi21``; text: ``shared/seeds/satpathi-srikant-2021.txt``.

One module per part of the paper, each registering its checks on import:

- :mod:`.lemma1`: the kernel H of eq. (9) and the bounds on ``lambda_min(H)`` (Sec. 2.2);
- :mod:`.dynamics`: Lemma 2, Theorems 3 and 4 (GD / gradient flow against ``w*_L``, Sec. 3-4);
- :mod:`.generalisation`: Lemma 5, Theorem 7 and Corollary 8 (Sec. 5);
- :mod:`.lemma6`: the feature expansion of the kernel (Sec. 5);
- :mod:`.figure1`: the Section 6 experiment.
"""
# registers the checks; import order is the listing order (paper order)
from theorems.satpathi21 import lemma1  # noqa: F401, I001
from theorems.satpathi21 import dynamics  # noqa: F401
from theorems.satpathi21 import generalisation  # noqa: F401
from theorems.satpathi21 import lemma6  # noqa: F401
from theorems.satpathi21 import figure1  # noqa: F401
