"""The instances of a sweep profile are a pure function of (check, profile, seed, code version)
(issue 16): ``report``'s sweep and ``sweep`` must store the same rows, whatever else the process
has imported or run before. Drawn in two fresh processes, one bare and one loaded with everything
the commands and the test suite import, a Hypothesis profile loaded and caches warmed."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DRAW = r"""
import hashlib, json, sys
heavy = sys.argv[1] == "heavy"
if heavy:
    import importlib, pathlib, random
    import numpy as np
    import torch
    for m in ["theorems._report", "theorems._cli", "theorems._pytest_plugin", "matplotlib.pyplot", "distributed", "scipy.optimize", "mpmath", "tqdm"]:
        importlib.import_module(m)
    # every test module (their literals are not in Hypothesis's pool, but what they import is)
    for p in sorted(pathlib.Path("tests").glob("test_*.py")) + sorted(pathlib.Path("theorems").glob("test_*.py")):
        importlib.import_module(".".join(p.with_suffix("").parts))
    from theorems._pytest_plugin import load_profile
    load_profile()  # HYPOTHESIS_PROFILE=ci: derandomized, 30 examples
    from hypothesis import given, strategies as st

    @given(st.integers(), st.floats(), st.text())
    def warm(a, b, c):  # fills Hypothesis's per-process caches, as a test run before would
        pass

    warm()
    random.seed(1); np.random.seed(2); torch.manual_seed(3)
from theorems._registry import all_checks
from theorems._store import instance_hash
from theorems._sweep import instances
checks = all_checks()[::-1] if heavy else all_checks()  # and in another order
print(json.dumps({c.id: [instance_hash(i) for i in instances(c, "quick")] for c in checks}))
"""


def _draw(kind: str) -> subprocess.Popen:
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci", PYTHONHASHSEED="1" if kind == "heavy" else "2")
    return subprocess.Popen([sys.executable, "-c", DRAW, kind], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_every_checks_quick_instances_are_the_same_whatever_the_process_imported():
    procs = {k: _draw(k) for k in ("bare", "heavy")}  # in parallel: ~10-60 s each
    out = {}
    for k, p in procs.items():
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stderr[-2000:]
        out[k] = json.loads(stdout.strip().splitlines()[-1])
    bare, heavy = out["bare"], out["heavy"]
    assert set(bare) == set(heavy) and len(bare) >= 50
    differ = sorted(c for c in bare if bare[c] != heavy[c])
    assert not differ, f"instances depend on the process's imports for {differ}"
