"""Property tests of the Oymak & Soltanolkotabi (2019) checks, collected by ``pytest theorems``."""
from theorems._pytest_plugin import pinned_tests, property_test

test_theorem2_4_lower = property_test("oymak19/theorem2.4/lower")
test_theorem2_4_tight = property_test("oymak19/theorem2.4/tight", max_examples=15)
test_pinned = pinned_tests("oymak19")
