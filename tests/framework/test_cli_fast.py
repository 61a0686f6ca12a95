"""``list``, ``describe`` and refusals of bad input answer fast: they never import torch,
scipy.stats, mpmath, matplotlib or distributed (imported at first use, :mod:`models._shared.lazy`); and
``describe`` shows every check's inequality and derivation."""
import json
import re
import subprocess
import sys
import time

import pytest

from models._shared.lazy import LazyModule
from theorems import checks
from theorems._cli import main

HEAVY = ("torch", "scipy.stats", "mpmath", "matplotlib", "distributed")

#: run in a fresh interpreter: list, describe of one check per module, refusals (a schema error per
#: paper, an e19 parameter set with a wrongly shaped block, every check on an instance with an unknown field),
#: then report the exit codes and which heavy modules got imported
_SCRIPT = r"""
import contextlib, io, json, sys, tempfile
from theorems._cli import main
from theorems import checks, InstanceError

bad = {
    "satpathi21/lemma1/upper": {"X": [[1.0, 0.0]]},
    "oymak19/theorem2.1/rate": {"model": "nope", "X": [[1.0]], "y": [1.0], "theta0": [0.0], "steps": 3},
    "e19/lemma4.3/a": {"activation": "relu", "L": 2, "c": 1.0, "x": [1.0], "B0": [[[1.0]]], "r": [[1.0, 2.0]]},
    "e19/lemma4.4": {"activation": "relu", "X": "not a matrix", "m": 2, "delta": 0.1},
}
codes = {}
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
    codes["list"] = main(["list"])
    for cid in ("satpathi21/lemma1/upper", "satpathi21/lemma2", "satpathi21/lemma6", "oymak19/theorem4.2",
                "e19/proposition4.1/y", "e19/lemma4.4", "e19/theorem6.6", "e19/figure1"):
        codes["describe " + cid] = main(["describe", cid])  # without --coverage: it draws instances (torch for e19)
    for cid, inst in bad.items():
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(inst, f)
        codes["eval " + cid] = main(["eval", cid, "--instance", f.name])
refused = 0
for c in checks():
    try:
        c.evaluate({"no_such_field": 1})
    except InstanceError:
        refused += 1
print(json.dumps({"codes": codes, "stderr": err.getvalue().splitlines(), "refused": refused,
                  "heavy": [m for m in HEAVY if m in sys.modules]}))
"""


def test_list_describe_and_refusals_import_nothing_heavy():
    code = f"HEAVY = {HEAVY!r}\n" + _SCRIPT
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["heavy"] == [], f"imported at registration or validation: {out['heavy']}"
    codes = out["codes"]
    assert all(v == 0 for k, v in codes.items() if not k.startswith("eval")), codes
    assert all(v == 2 for k, v in codes.items() if k.startswith("eval")), (codes, out["stderr"])
    errors = " ".join(out["stderr"])
    assert "two data points" in errors and "model must be" in errors and "r must have shape" in errors
    assert out["refused"] == len(checks())


def test_list_is_fast():
    """The issue's bound is 2 s on an idle 2-core machine; 4 s leaves room for a busy CI runner."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "theorems", "list"], capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - t
    assert p.returncode == 0 and len(p.stdout.splitlines()) == len(checks())
    assert elapsed < 4.0, f"python -m theorems list took {elapsed:.2f} s"


RELATION = re.compile(r"<=|>=|<|>|=|->|~")


@pytest.mark.parametrize("check", checks(), ids=lambda c: c.id)
def test_describe_shows_the_inequality_and_a_derivation(check, capsys):
    assert RELATION.search(check.statement), f"{check.id}: the statement is a label, not the inequality"
    assert check.derivation.strip(), f"{check.id}: no derivation"
    assert main(["describe", check.id]) == 0  # coverage: tests/framework/test_registry_contract.py
    out = capsys.readouterr().out
    words = " ".join(check.statement.split()[:4])
    assert "statement:" in out and words in " ".join(out.split())
    assert "derivation:" in out and "instance schema:" in out


def test_lazy_module_imports_at_first_use_and_keeps_the_attribute():
    lazy = LazyModule("json")
    assert "dumps" not in vars(lazy)
    assert lazy.dumps({"a": 1}) == json.dumps({"a": 1})
    assert vars(lazy)["dumps"] is json.dumps
    with pytest.raises(AttributeError):
        lazy.dumps = None
    with pytest.raises(AttributeError):
        lazy.no_such_attribute


def test_a_long_failing_instance_is_written_whole_for_its_reproduction():
    """The failure message used to cut the instance at 2000 characters (unparseable JSON)."""
    import json
    import re

    from theorems._core import Measurement
    from theorems._pytest_plugin import _failure

    inst = {"X": [[float(i), 1.0] for i in range(400)]}
    m = Measurement(check="oymak19/theorem4.3-proof", lhs=1.0, rhs=1.0, ratio=1.0, regime="certified", hypotheses={})
    msg = _failure(m, inst)
    path = re.search(r"--instance (\S+\.json)$", msg).group(1)
    with open(path) as f:
        assert json.load(f) == inst
