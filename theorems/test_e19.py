"""Property tests of the E, Ma, Wang, Wu (2019) checks, collected by ``pytest theorems``.

``e19/proposition4.2/alpha`` (the printed 5c/L) is false as printed: its smallest counterexample
is a strict-xfail test in ``tests/test_e19_stability_checks.py`` and a pinned case here; the
bound the proof supports is ``e19/proposition4.2/alpha-proof``; likewise ``e19/lemma4.3/a`` (the
factor 2 of R_n dropped: ``tests/test_e19_gradient_checks.py``) and ``e19/lemma4.3/a-proof``, and
``e19/lemma6.2/distance`` (``tests/test_e19_random_feature_checks.py``) and its ``distance-proof``,
``e19/lemma6.4/{f,grad}`` (``tests/test_e19_reference_model_checks.py``) and their ``-proof`` forms.
``e19/lemma4.4/mean`` and ``e19/lemma4.4`` are false for tanh (``tests/test_e19_gram_checks.py``): no property test;
``e19/lemma4.4/width-kernel`` is the corrected lemma. Each evaluation runs up to 1200
blocks, so the number of examples is capped.
"""
from theorems._pytest_plugin import pinned_tests, property_test

test_proposition4_1_y = property_test("e19/proposition4.1/y", max_examples=8)
test_proposition4_1_z = property_test("e19/proposition4.1/z", max_examples=8)
test_proposition4_1_g = property_test("e19/proposition4.1/g", max_examples=8)
test_proposition4_2_alpha_proof = property_test("e19/proposition4.2/alpha-proof", max_examples=8)
test_proposition4_2_beta = property_test("e19/proposition4.2/beta", max_examples=8)
test_proposition4_2_gamma = property_test("e19/proposition4.2/gamma", max_examples=8)
test_lemma4_3_r = property_test("e19/lemma4.3/r", max_examples=8)
test_lemma4_3_B = property_test("e19/lemma4.3/B", max_examples=8)
test_lemma4_3_C = property_test("e19/lemma4.3/C", max_examples=8)
test_lemma4_3_a_proof = property_test("e19/lemma4.3/a-proof", max_examples=8)
test_lemma6_2_risk = property_test("e19/lemma6.2/risk", max_examples=30)
test_lemma6_2_distance_proof = property_test("e19/lemma6.2/distance-proof", max_examples=30)
test_lemma6_4_f_proof = property_test("e19/lemma6.4/f-proof", max_examples=8)
test_lemma6_4_grad_proof = property_test("e19/lemma6.4/grad-proof", max_examples=8)
test_lemma4_4_width_kernel = property_test("e19/lemma4.4/width-kernel", max_examples=5)
test_lemma4_5 = property_test("e19/lemma4.5", max_examples=4)
test_lemma4_6 = property_test("e19/lemma4.6", max_examples=4)
test_theorem7_1 = property_test("e19/theorem7.1", max_examples=2)
test_theorem3_2 = property_test("e19/theorem3.2", max_examples=2)
test_proposition5_1 = property_test("e19/proposition5.1", max_examples=2)
test_theorem6_6 = property_test("e19/theorem6.6", max_examples=2)
test_pinned = pinned_tests("e19")
