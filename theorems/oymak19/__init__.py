"""Checks of Oymak & Soltanolkotabi (2019), "Overparameterized Nonlinear Learning: Gradient
Descent Takes the Shortest Path?" (ICML 2019). Catalog: THEOREMS.md ``oymak19``; text:
``shared/seeds/oymak-soltanolkotabi-2019.txt``.

- :mod:`._problems`: instance fields and rounding bounds shared by the checks;
- :mod:`.theorem24`: Theorem 2.4's lower bound (2.13).
"""
from theorems.oymak19 import theorem21, theorem24, theorem31, theorem41, theorem42, theorem43  # noqa: F401  (registers the checks)
