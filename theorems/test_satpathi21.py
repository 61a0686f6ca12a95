"""Property tests of the Satpathi & Srikant (2021) checks, collected by ``pytest theorems``.

The dynamics, generalisation and Figure 1 checks evaluate whole sweeps (seconds each), so their
number of examples is capped; ``python -m theorems search ID`` and the reports run more.
"""
from theorems._pytest_plugin import pinned_tests, property_test

test_lemma1_kernel = property_test("satpathi21/lemma1/kernel")
test_lemma1_positive_definite = property_test("satpathi21/lemma1/positive-definite")
test_lemma1_upper = property_test("satpathi21/lemma1/upper")
test_lemma1_lower = property_test("satpathi21/lemma1/lower")
test_lemma1_lower_lines = property_test("satpathi21/lemma1/lower-lines")
test_lemma2 = property_test("satpathi21/lemma2", max_examples=2)
test_theorem3 = property_test("satpathi21/theorem3", max_examples=2)
test_theorem4 = property_test("satpathi21/theorem4", max_examples=6)
test_lemma6 = property_test("satpathi21/lemma6", max_examples=15)
test_lemma5 = property_test("satpathi21/lemma5", max_examples=1)
test_theorem7 = property_test("satpathi21/theorem7", max_examples=2)
test_figure1 = property_test("satpathi21/figure1", max_examples=1)
test_pinned = pinned_tests("satpathi21")
