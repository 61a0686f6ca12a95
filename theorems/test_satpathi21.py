"""Property tests of the Satpathi & Srikant (2021) checks, collected by ``pytest theorems``."""
from theorems._pytest_plugin import pinned_tests, property_test

test_lemma1_kernel = property_test("satpathi21/lemma1/kernel")
test_lemma1_positive_definite = property_test("satpathi21/lemma1/positive-definite")
test_lemma1_upper = property_test("satpathi21/lemma1/upper")
test_lemma1_lower = property_test("satpathi21/lemma1/lower")
test_pinned = pinned_tests("satpathi21")
