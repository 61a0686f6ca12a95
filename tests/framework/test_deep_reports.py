"""``python -m theorems report --deep [--paper P]`` runs the package's deep-report modules
(``theorems/reports/``) into ``--out``; tested with each module's ``main`` replaced (the real ones
take minutes to an hour)."""
from __future__ import annotations

import importlib

import pytest

from theorems import reports
from theorems._cli import main


@pytest.fixture
def fake_mains(monkeypatch):
    calls = []
    for names in reports.DEEP.values():
        for name in names:
            module = importlib.import_module(f"theorems.reports.{name}")
            monkeypatch.setattr(module, "main", lambda out, name=name: calls.append((name, out)) or 0)
    return calls


def test_deep_runs_the_papers_modules_into_out(fake_mains, tmp_path, capsys):
    assert main(["report", "--deep", "--paper", "oymak19", "--out", str(tmp_path / "r")]) == 0
    assert fake_mains == [("oymak19", tmp_path / "r")] and (tmp_path / "r").is_dir()
    assert "theorems.reports.oymak19" in capsys.readouterr().out
    fake_mains.clear()
    assert main(["report", "--deep", "--out", str(tmp_path)]) == 0
    assert [n for n, _ in fake_mains] == [n for names in reports.DEEP.values() for n in names]


def test_every_paper_has_a_deep_report_with_a_main():
    from theorems._registry import PAPER_MODULES

    assert set(reports.DEEP) == set(PAPER_MODULES)
    for names in reports.DEEP.values():
        for name in names:
            assert callable(importlib.import_module(f"theorems.reports.{name}").main)


@pytest.mark.parametrize("argv, needle", [(["report", "--paper", "e19"], "--paper needs --deep"),
                                          (["report", "--deep", "--paper", "nope"], "invalid choice")])
def test_bad_report_flags_are_one_line_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_deep_refuses_an_unknown_paper(tmp_path):
    with pytest.raises(ValueError, match="no deep report"):
        reports.deep(["nope"], tmp_path)


def test_the_committed_oymak19_page_is_its_json_rendered_and_counts_the_errata():
    """The page is a function of the committed JSON, and a check whose search stays below 1 while an
    erratum's counterexample fails it is shown as that counterexample (the page once said of Theorem
    4.3, false as printed, that "no instance found violates it")."""
    import json

    from theorems.reports import OUT, oymak19

    res = json.loads((OUT / "oymak19.json").read_text())
    assert oymak19.markdown(res) == (OUT / "oymak19.md").read_text()
    row = next(r for r in res["search"] if r["check"] == "oymak19/theorem4.3")
    assert row["worst_ratio"] < 1
    line = next(ln for ln in oymak19.markdown(res).splitlines() if ln.startswith("| `oymak19/theorem4.3` |"))
    assert "counterexample" in line and "theorem4.3-erratum-smallest" in line
    assert "no instance found violates it" not in oymak19.markdown(res)


def test_the_committed_e19_page_is_its_json_rendered():
    import json

    from theorems.reports import OUT, e19

    assert e19.markdown(json.loads((OUT / "e19.json").read_text())) + "\n" == (OUT / "e19.md").read_text()
