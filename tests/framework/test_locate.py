"""Every check maps by name to its module, its tests and its report section (issue 15)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import theorems
from theorems._cli import main
from theorems._locate import anchor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("check_id", [c.id for c in theorems.checks()])
def test_each_check_has_its_module_tests_and_report_section(check_id):
    where = theorems.locate(check_id)
    paper = check_id.split("/")[0]
    assert where["module"].startswith(f"theorems/{paper}/") and (ROOT / where["module"]).is_file()
    assert where["tests"], f"{check_id}: no tests/theorems/{paper}/test_<module>.py and no test file there names it"
    assert all(t.startswith(f"tests/theorems/{paper}/test_") and (ROOT / t).is_file() for t in where["tests"])
    own = f"tests/theorems/{paper}/test_{Path(where['module']).stem}.py"
    assert where["tests"][0] == own, f"{check_id}: its tests belong in {own} (named after its module)"
    assert where["report"] == f"reports/{paper}-sweep.md#{anchor(check_id)}"


def test_a_module_named_test_file_comes_first():
    where = theorems.locate("e19/lemma4.4/width-kernel")
    assert where["module"] == "theorems/e19/gram.py"
    assert where["tests"][0] == "tests/theorems/e19/test_gram.py"


def test_the_anchor_is_the_one_the_committed_report_links_to():
    table = re.findall(r"^\| `([\w./-]+)` \|.*\]\((\w+)-sweep\.md#([\w-]+)\) \|$", (ROOT / "reports" / "README.md").read_text(encoding="utf-8"), re.M)
    assert len(table) >= 50
    for check_id, paper, anchor_text in table:
        assert theorems.locate(check_id)["report"] == f"reports/{paper}-sweep.md#{anchor_text}"


def test_describe_prints_where_the_check_lives(capsys):
    assert main(["describe", "oymak19/theorem4.1"]) == 0
    out = capsys.readouterr().out
    assert "module: theorems/oymak19/theorem41.py" in out
    assert "tests: tests/theorems/oymak19/test_theorem41.py" in out
    assert "report: reports/oymak19-sweep.md#oymak19theorem41" in out


def test_an_unknown_id_is_one_line_exit_2(capsys):
    with pytest.raises(KeyError):
        theorems.locate("satpathi21/lemma99")
    assert main(["describe", "satpathi21/lemma99"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
