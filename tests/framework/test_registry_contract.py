"""Registry contract (issue 14, "declared quantifiers and coverage"): every check declares what its
statement quantifies over, every quantifier can read the value an instance takes, ``describe``
prints the coverage table, and the coverage mechanism flags a strategy that reaches only part of
a declared range (planted-bug tests)."""
import dataclasses
import math

import pytest
from hypothesis import strategies as st

from theorems import _report
from theorems._audit import Quantifier, _values, coverage, gaps, key, measured, target
from theorems._sweep import quick_coverage
from theorems._cli import main
from theorems._registry import all_checks, get
from theorems._sweep import pinned
from theorems._store import Store

CHECKS = all_checks()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_check_declares_quantifiers_each_with_a_reader(check):
    assert check.quantifiers, f"{check.id} declares no quantifiers"
    names = [q.name for q in check.quantifiers]
    assert len(names) == len(set(names)), f"{check.id}: duplicate quantifier names {names}"
    for q in check.quantifiers:
        assert isinstance(q, Quantifier) and callable(q.of), f"{check.id}: {q.name} has no reader"
        assert q.values or target(q) is not None or q.what, f"{check.id}: {q.name} has neither a range nor categories"


@pytest.mark.parametrize("check", [c for c in CHECKS if pinned(c)], ids=lambda c: c.id)
def test_readers_read_the_checks_own_instances(check):
    """Strict: a reader must not raise on the check's pinned instances (coverage itself skips an
    unreadable stored row), and reads a number, a category or nothing."""
    for inst in pinned(check):
        for q in check.quantifiers:
            v = q.of(inst, None)
            for x in v if isinstance(v, list) else [v]:
                assert x is None or isinstance(x, (int, float, str)), (check.id, q.name, x)


def test_describe_prints_the_coverage_table(capsys):
    assert main(["describe", "satpathi21/lemma6", "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "coverage by the quick profile" in out and "not covered" in out
    line = next(l for l in out.splitlines() if l.strip().startswith("x^T y / d") and "%" in l)
    assert "-1 .. 1" in line and "100%" in line
    assert main(["describe", "satpathi21/lemma6"]) == 0
    assert "coverage by" not in capsys.readouterr().out


# --- planted bugs: a strategy that reaches only part of a declared range is flagged ----------

def _pair(cos):
    """Two points on the sphere ||x|| = sqrt(2) with cosine ``cos``."""
    s = math.sqrt(2)
    return {"X": [[s, 0.0], [s * cos, s * math.sqrt(max(0.0, 1 - cos * cos))]], "terms": 5}


def test_a_strategy_that_never_leaves_positive_cosines_is_flagged_as_not_covering():
    real = get("satpathi21/lemma6")
    # a new id: no pinned cases (the real check's pinned antipodal pairs would cover the range)
    half = dataclasses.replace(real, id="planted/half-cosines", strategy=lambda: st.floats(0.0, 1.0).map(_pair))
    rows = {r["name"]: r for r in quick_coverage(half)}
    cos = rows["x^T y / d"]
    assert cos["gaps"] == [f"x^T y / d only down to {cos['reached'].split()[0]} (target -1)"]
    assert 0.4 < cos["covered"] < 0.6  # about half of [-1, 1] on a linear scale
    assert rows["d"]["gaps"] == ["d only 2"]
    full = dataclasses.replace(real, id="planted/all-cosines", strategy=lambda: st.sampled_from([-1.0, 1.0]).map(_pair))
    assert {r["name"]: r for r in quick_coverage(full)}["x^T y / d"]["gaps"] == []


def test_categories_ties_and_decades_are_flagged():
    check = dataclasses.replace(get("satpathi21/lemma6"), quantifiers=(
        Quantifier("regime", "both", values=("n <= d", "n > d"), of=key("regime")),
        Quantifier("s", "scale, many decades", 0, math.inf, brackets="()", of=key("s")),
        Quantifier("eta", "step fraction", 0, 1, brackets="(]", of=key("eta", 1.0)),
        Quantifier("c", "measured", 0, 1, of=measured("c"), needs_sweep=True),
    ))
    insts = [{"regime": "n <= d", "s": 1.0}, {"regime": "n <= d", "s": 1.0}]
    rows = coverage(check, [(i, None) for i in insts])
    assert gaps(rows) == ["not reached: n > d", "s only 1", "eta only 1"]
    assert rows[3]["reached"] == "needs a sweep"
    wide = [{"regime": r, "s": s, "eta": e} for r, s, e in [("n <= d", 1e-3, 1e-3), ("n > d", 1e3, 1.0)]]
    rows = coverage(check, [(i, {"constants": {"c": c}}) for i, c in zip(wide, (0.0, 1.0))])
    assert gaps(rows) == [] and [r["scale"] for r in rows] == ["categories", "log", "log", "log"]  # an end at 0: three decades
    assert rows[1]["covered"] == 1.0 and rows[3]["reached"] == "0 .. 1"
    # a reader that cannot read a stored row skips it instead of failing the report
    assert _values(check.quantifiers[0], {}, None) == []


def test_report_shows_coverage_and_flags_short_ranges_deterministically(tmp_path):
    m = {"check": "satpathi21/lemma6", "regime": "certified", "lhs": 0.1, "rhs": 1.0, "ratio": 0.1, "tolerance": 1e-12,
         "holds": True, "verdict": "holds", "explanation": "", "hypotheses": {}, "constants": {}, "details": {}}
    with Store(tmp_path / "s.sqlite") as store:
        for cos in (0.0, 0.5, 0.9):
            store.add(check_id="satpathi21/lemma6", instance=_pair(cos), version="v", measurement=m, seed=0, started=0.0,
                      finished=1.0)
    pages = []
    for out in ("a", "b"):
        _report.render(tmp_path / "s.sqlite", tmp_path / out, version="v")
        pages.append((tmp_path / out / "satpathi21-sweep.md").read_bytes())
    assert pages[0] == pages[1]
    page = pages[0].decode()
    assert "| quantity | declared | reached | scale | covered | not covered |" in page
    assert "**not covered** by the sweep (declared range only partly reached): d, x^T y / d" in page and "x^T y / d only down to 0 (target -1)" in page and "d only 2" in page
