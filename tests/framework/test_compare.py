"""``python -m theorems compare REV_A REV_B`` (issue 16) on a synthetic store of two code versions:
changed verdicts, moved worst ratios, checks of one version only; revisions by prefix and by git."""
import json
import subprocess
from pathlib import Path

import pytest

from tests.framework.test_report import add_row
from theorems import _compare
from theorems._cli import main
from theorems._store import Store

ROOT = Path(__file__).resolve().parents[2]
A, B = "a" * 40, "b" * 40


def two_versions(path, a=A, b=B):
    """A: four checks; B: a verdict turned (a counterexample), a ratio up 20%, one up 0.01%, one
    check dropped and one added."""
    with Store(path) as st:
        for v, scale in ((a, 1.0), (b, 1.2)):
            add_row(st, "satpathi21/lemma1/upper", v, 0.5 * scale)
            add_row(st, "oymak19/theorem2.1/rate", v, 0.3 * (1 + (scale - 1) / 2000))
        add_row(st, "oymak19/theorem2.2", a, 0.9)
        add_row(st, "oymak19/theorem2.2", b, 1.5, verdict="counterexample")
        add_row(st, "satpathi21/lemma2", a, 0.1, verdict="inside envelope", regime="measured")
        add_row(st, "e19/lemma4.5", b, 0.2)
    return path


def run(capsys, *argv):
    code = main(["compare", *argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err.strip()


def test_changes_are_listed_as_json_and_markdown(tmp_path, capsys):
    store = str(two_versions(tmp_path / "s.sqlite"))
    code, out, _ = run(capsys, "aaaa", "bbbb", "--store", store, "--json")
    c = json.loads(out)
    assert code == 0 and (c["a"]["version"], c["b"]["version"]) == (A, B) and c["threshold"] == 0.01
    assert [(e["check"], e["verdict_a"], e["verdict_b"]) for e in c["verdict_changed"]] == [("oymak19/theorem2.2", "holds", "violated")]
    (moved,) = c["ratio_moved"]
    assert moved["check"] == "satpathi21/lemma1/upper" and moved["relative_change"] == pytest.approx(0.2)
    assert [e["check"] for e in c["only_a"]] == ["satpathi21/lemma2"] and [e["check"] for e in c["only_b"]] == ["e19/lemma4.5"]
    assert c["unchanged"] == 1  # oymak19/theorem2.1/rate moved by 0.01% only
    code, md, _ = run(capsys, A, B, "--store", store)
    assert code == 0
    for needle in ("## Verdict changed (1)", "| `oymak19/theorem2.2` | holds | violated |", "## Worst ratio moved (1)", "+20%",
                   "## Only in A (1)", "## Only in B (1)", "Unchanged: 1 checks."):
        assert needle in md
    code, out, _ = run(capsys, A, B, "--store", store, "--json", "--threshold", "25%")
    assert json.loads(out)["ratio_moved"] == [] and json.loads(out)["unchanged"] == 2


@pytest.mark.parametrize("argv, needle", [
    (["cccc", "bbbb"], "names no code version in the store; versions there: " + A),
    (["a", "b"], None),  # unique prefixes: fine
    (["", B], "ambiguous"),
    (["aaaa", "bbbb", "--threshold", "x"], "0.05 or 5%"),
    (["aaaa", "bbbb", "--threshold", "-1"], ">= 0"),
    (["aaaa", "bbbb", "--store", "MISSING"], "no results store there"),
])
def test_bad_revisions_and_arguments_exit_2_with_one_line(tmp_path, capsys, argv, needle):
    store = str(two_versions(tmp_path / "s.sqlite"))
    argv = [str(tmp_path / "none.sqlite") if a == "MISSING" else a for a in argv]
    code, _, err = run(capsys, *argv, *([] if "--store" in argv else ["--store", store]))
    if needle is None:
        assert code == 0
    else:
        assert code == 2 and needle in err and "\n" not in err, err
    assert not (tmp_path / "none.sqlite").exists()


def test_a_git_revision_names_the_version_of_its_commit(tmp_path, capsys):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    sha = head.stdout.strip()
    store = str(two_versions(tmp_path / "s.sqlite", a=sha + "+dirty"))
    assert _compare.resolve("HEAD", [sha + "+dirty", B]) == sha + "+dirty"
    code, out, _ = run(capsys, "HEAD", "bbb", "--store", store, "--json")
    assert code == 0 and json.loads(out)["a"] == {"rev": "HEAD", "version": sha + "+dirty", "rows": 4}
    code, _, err = run(capsys, "HEAD", "no-such-rev-xyz", "--store", store)
    assert code == 2 and "'no-such-rev-xyz' names no code version" in err


def test_relative_change_and_moved():
    assert _compare.moved(1.0, 1.02, 0.01) and not _compare.moved(1.0, 1.005, 0.01)
    assert _compare.moved(None, 1.0, 0.01) and not _compare.moved(None, None, 0.01)
    assert _compare.moved(1.0, "inf", 0.01) and not _compare.moved("inf", "inf", 0.01) and not _compare.moved("nan", "nan", 0.01)
    assert _compare.moved(0.0, 1e-9, 0.5) and _compare.relative_change(0.0, 1.0) is None
    assert _compare.relative_change(-2.0, -1.0) == 0.5
