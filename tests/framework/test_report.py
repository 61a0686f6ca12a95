"""``report --out DIR`` (issue 16): every link of the pages is relative and points at a file inside
DIR; the output is written into a temporary folder and moved into place at the end, so that a
report that dies midway leaves the old pages, and files in DIR that are not report outputs stay."""
import json
import os
import re
from pathlib import Path

import pytest

from theorems import _report
from theorems._cli import main
from theorems._store import Store

X = [[1.4142135623730951, 0.0], [0.0, 1.4142135623730951]]


def add_row(store, check, version, ratio, verdict="holds", regime="certified", seed=0, constants=None, details=None):
    """One synthetic result row (no evaluation): instance ``{"X": X, "seed": seed}``."""
    m = {"check": check, "regime": regime, "lhs": ratio, "rhs": 1.0, "ratio": ratio, "tolerance": 1e-12, "holds": verdict == "holds",
         "verdict": verdict, "explanation": "", "hypotheses": {}, "constants": constants or {}, "details": details or {}}
    store.add(check_id=check, instance={"X": X, "seed": seed}, version=version, measurement=m, seed=seed, started=0.0, finished=1.0)


def make_store(path, version="v1", scale=1.0):
    """A tiny store: two satpathi21 checks (one with a width law) and one oymak19 check."""
    with Store(path) as st:
        for seed in range(3):
            add_row(st, "satpathi21/lemma1/upper", version, scale * (0.2 + 0.1 * seed), seed=seed, constants={"C_up": 0.4})
            add_row(st, "oymak19/theorem2.1/rate", version, scale * 0.5 / (seed + 1), seed=seed)
        add_row(st, "satpathi21/theorem3", version, 0.7 * scale, verdict="inside envelope", regime="measured",
                constants={"claimed_exponent": -0.25}, details={"excess_q90_by_width": {"100": 0.1, "1000": 0.05}, "fit": {"slope": -0.3}})
    return path


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_links_are_relative_and_inside_the_output_folder(tmp_path):
    out = tmp_path / "elsewhere" / "rep"
    assert main(["report", "--store", str(make_store(tmp_path / "s.sqlite")), "--out", str(out), "--version", "v1"]) == 0
    pages = sorted(out.glob("*.md"))
    assert {p.name for p in pages} == {"README.md", "satpathi21-sweep.md", "oymak19-sweep.md"}
    targets = set()
    for page in pages:
        text = page.read_text()
        assert "reports/worst" not in text
        for t in LINK.findall(text):
            t = t.split("#")[0]
            assert t and not t.startswith("/") and "://" not in t, (page.name, t)
            assert (out / t).resolve().is_relative_to(out) and (out / t).is_file(), (page.name, t)
            targets.add(t)
        for inst in re.findall(r"--instance (\S+?)`", text):  # the eval commands, run from DIR
            assert (out / inst).is_file()
    assert {"worst/satpathi21__lemma1__upper.json", "satpathi21-ratios.png", "satpathi21-theorem3-width-law.png"} <= targets


def test_figure_reproductions_are_linked_only_when_they_are_in_the_folder(tmp_path):
    store, out = make_store(tmp_path / "s.sqlite"), tmp_path / "rep"
    _report.render(store, out, "v1")
    assert "oymak19-figure3c.png" not in (out / "oymak19-sweep.md").read_text()
    (out / "oymak19-figure3c.png").write_bytes(b"\x89PNG made by reports/generate_oymak19.py")
    _report.render(store, out, "v1")
    assert "![oymak19-figure3c.png](oymak19-figure3c.png)" in (out / "oymak19-sweep.md").read_text()


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_report_that_dies_midway_leaves_the_old_pages(tmp_path, monkeypatch):
    out = tmp_path / "rep"
    _report.render(make_store(tmp_path / "old.sqlite"), out, "v1")
    before = snapshot(out)
    calls = []

    def dies_on_the_second_paper(paper, ps, folder):
        calls.append(paper)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return set()

    monkeypatch.setattr(_report, "_figures", dies_on_the_second_paper)
    with pytest.raises(KeyboardInterrupt):  # the first paper's page was already written (into the temporary folder)
        _report.render(make_store(tmp_path / "new.sqlite", scale=1.5), out, "v1")
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if _report._TMP in p.name] == []


def test_outputs_are_replaced_and_other_files_kept(tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    keep = {"notes.md": b"mine\n", "results.sqlite": b"not touched", "e19-theorem66-law.png": b"other script", "sub/x.txt": b"x"}
    for name, data in keep.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(data)
    stale = ["worst/satpathi21__lemma2.json", "satpathi21-theorem4-width-law.png", "e19-sweep.md", "e19-ratios.png"]
    for name in stale:  # outputs of an earlier report that this one does not make
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_text("old")
    dead = tmp_path / f".rep{_report._TMP}999999999-abc"  # left by a killed report (no such process)
    dead.mkdir()
    res = _report.render(make_store(tmp_path / "s.sqlite"), out, "v1")
    assert all((out / n).read_bytes() == d for n, d in keep.items())
    assert not any((out / n).exists() for n in stale)
    assert not dead.exists() and [p.name for p in tmp_path.iterdir() if _report._TMP in p.name] == []
    assert json.loads((out / "results.json").read_text()) == json.loads(json.dumps(res, allow_nan=True))
    assert (out / "worst" / "satpathi21__lemma1__upper.json").is_file()


def test_out_that_is_a_file_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main(["report", "--store", str(make_store(tmp_path / "s.sqlite")), "--out", str(tmp_path / "f"), "--version", "v1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a folder" in err and "\n" not in err
