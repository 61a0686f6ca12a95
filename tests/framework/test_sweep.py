"""Sweeps, the results store and the reports (issue 4): resume after SIGKILL, no duplicates,
corrupted and foreign stores, a real Dask LocalCluster, deterministic rendering, bad arguments."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from theorems import _report, _store, _sweep
from theorems._cli import main
from theorems._registry import get

ROOT = Path(__file__).resolve().parents[2]
CHEAP = ["oymak19/theorem2.1/rate", "satpathi21/lemma1/upper"]


def planned(ids, profile="quick"):
    return sum(len(_sweep.instances(get(c), profile)) for c in ids)


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setenv("THEOREMS_CODE_VERSION", "test-version")


def rows(path):
    with _store.Store(path, create=False) as s:
        return [(r["check"], r["instance_hash"], json.dumps(r["measurement"], sort_keys=True)) for r in s.rows()]


def test_instances_are_deterministic_valid_and_distinct():
    chk = get("oymak19/theorem2.1/rate")
    a, b = _sweep.instances(chk, "quick"), _sweep.instances(chk, "quick")
    assert a == b and len(a) == chk.sweep["quick"] + len(_sweep.pinned(chk))
    assert a[: len(_sweep.pinned(chk))] == _sweep.pinned(chk)  # pinned worst cases always come first
    assert len({_store.instance_hash(i) for i in a}) == len(a)
    with pytest.raises(ValueError, match="profile"):
        _sweep.instances(chk, "medium")


def test_sweep_writes_each_row_once_and_resumes(tmp_path):
    p = tmp_path / "s.sqlite"
    first = _sweep.sweep(CHEAP, store_path=p, workers=2)
    n = planned(CHEAP)
    assert first.written == first.planned == n and not first.errors
    again = _sweep.sweep(CHEAP, store_path=p, workers=2)
    assert again.written == 0 and again.skipped == n
    db = sqlite3.connect(p)
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT check_id || instance_hash || code_version) FROM results").fetchone() == (n, n)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rows_of_another_code_version_are_kept(tmp_path, monkeypatch):
    p = tmp_path / "s.sqlite"
    _sweep.sweep(CHEAP[:1], store_path=p, workers=1)
    monkeypatch.setenv("THEOREMS_CODE_VERSION", "newer")
    res = _sweep.sweep(CHEAP[:1], store_path=p, workers=1)
    n = planned(CHEAP[:1])
    assert res.written == n
    with _store.Store(p) as s:
        assert s.versions() == ["newer", "test-version"] and s.count() == 2 * n


def test_code_version_ignores_the_reports_it_writes(tmp_path, monkeypatch):
    """``report`` rewrites the tracked ``reports/``: that must not turn the code version ``+dirty``
    (the next ``report`` would find no rows of the new version and sweep again); code changes do."""
    monkeypatch.delenv("THEOREMS_CODE_VERSION", raising=False)
    git = lambda *a: subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *a], cwd=tmp_path, check=True, capture_output=True)
    git("init", "-q")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "README.md").write_text("old\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("add", ".")
    git("commit", "-qm", "init")
    clean = _store.code_version(tmp_path)
    assert len(clean) == 40
    (tmp_path / "reports" / "README.md").write_text("new\n")
    assert _store.code_version(tmp_path) == clean
    (tmp_path / "code.py").write_text("x = 2\n")
    assert _store.code_version(tmp_path) == clean + "+dirty"


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + b"\x01" * 200])
def test_corrupted_store_is_an_error_and_left_untouched(tmp_path, content):
    p = tmp_path / "bad.sqlite"
    p.write_bytes(content)
    with pytest.raises(_store.StoreError):
        _store.Store(p)
    assert p.read_bytes() == content


def test_foreign_sqlite_file_is_an_error_and_left_untouched(tmp_path):
    p = tmp_path / "other.db"
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = p.read_bytes()
    with pytest.raises(_store.StoreError, match="not a results store"):
        _store.Store(p)
    assert p.read_bytes() == before
    assert main(["sweep", CHEAP[0], "--store", str(p)]) == 2


def test_resume_after_sigkill_loses_and_duplicates_nothing(tmp_path):
    """A real sweep process (and its workers) killed with SIGKILL mid-sweep, then run again: the
    rows equal those of an uninterrupted sweep, and so do the rendered reports."""
    check = "satpathi21/lemma1/upper"
    total = len(_sweep.instances(get(check), "full"))
    killed, clean = tmp_path / "killed.sqlite", tmp_path / "clean.sqlite"
    cmd = [sys.executable, "-m", "theorems", "sweep", check, "--profile", "full", "--workers", "1", "--no-progress"]
    env = dict(os.environ, THEOREMS_CODE_VERSION="test-version")
    proc = subprocess.Popen(cmd + ["--store", str(killed)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, n = time.time() + 120, 0
    while time.time() < deadline:
        time.sleep(0.05)
        if killed.exists():
            try:
                n = sqlite3.connect(killed, timeout=5).execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if n >= 5:
                break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(rows(killed))
    assert 5 <= partial < total, "the kill must land mid-sweep"
    assert subprocess.run(cmd + ["--store", str(killed)], cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert subprocess.run(cmd + ["--store", str(clean)], cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert rows(killed) == rows(clean) and len(rows(clean)) == total
    a, b = tmp_path / "a", tmp_path / "b"
    _report.render(killed, a, "test-version")
    _report.render(clean, b, "test-version")
    for name in ("README.md", "results.json", "satpathi21-sweep.md"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_dask_local_cluster_stores_the_same_rows_as_a_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    local, dask = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    _sweep.sweep(CHEAP, store_path=local, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        assert main(["sweep", *CHEAP, "--store", str(dask), "--scheduler", cluster.scheduler_address]) == 0
    assert rows(dask) == rows(local)


def test_report_rendering_is_deterministic_and_complete(tmp_path):
    p = tmp_path / "s.sqlite"
    _sweep.sweep(CHEAP, store_path=p, workers=2)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["report", "--store", str(p), "--out", str(a)]) == 0
    _report.render(p, b, "test-version")
    for name in ("README.md", "results.json", "oymak19-sweep.md", "satpathi21-sweep.md", "worst/oymak19__theorem2.1__rate.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    res = json.loads((a / "results.json").read_text())
    assert {c["check"] for c in res["checks"]} == set(CHEAP) and len(res["results"]) == planned(CHEAP)
    worst = json.loads((a / "worst" / "oymak19__theorem2.1__rate.json").read_text())
    m = get("oymak19/theorem2.1/rate").evaluate(worst)  # the worst instance re-runs to the reported ratio
    row = next(c for c in res["checks"] if c["check"] == "oymak19/theorem2.1/rate")
    assert m.ratio == row["worst_ratio"]
    assert (a / "oymak19-ratios.png").stat().st_size > 0


def test_report_without_results_runs_the_quick_sweep_first(tmp_path, monkeypatch):
    p = tmp_path / "s.sqlite"
    with _store.Store(p):
        pass
    called = {}

    def fake_sweep(ids, **kw):
        called.update(kw)
        return _sweep.SweepResult("test-version")

    import theorems._sweep as sw

    monkeypatch.setattr(sw, "sweep", fake_sweep)
    assert main(["report", "--store", str(p), "--out", str(tmp_path / "r")]) == 0
    assert called["profile"] == "quick"


@pytest.mark.parametrize("argv, needle", [
    (["sweep", "--workers", "0"], "positive integer"),
    (["sweep", "--profile", "medium"], "invalid choice"),
    (["sweep", "no/such-check"], "unknown check id"),
    (["sweep", "--scheduler", "localhost"], "tcp://HOST:PORT"),
    (["sweep", "--timeout", "0"], "positive number of seconds"),
    (["sweep", "--timeout", "nan"], "positive number of seconds"),
    (["sweep", "--timeout", "ten"], "positive number of seconds"),
    (["report", "--version", "never-written", "--store", "STORE"], "no results of code version"),
])
def test_bad_arguments_exit_2_with_one_line(argv, needle, capsys, tmp_path):
    argv = [str(tmp_path / "s.sqlite") if a == "STORE" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_an_evaluation_error_is_returned_on_one_line():
    m, err, *_ = _sweep.evaluate_task("oymak19/theorem2.1/rate", {"model": "linear"})
    assert m is None and "InstanceError" in err and "\n" not in err


def test_a_statement_false_as_printed_is_reported_so_with_its_pinned_counterexample(tmp_path):
    p = tmp_path / "s.sqlite"
    _sweep.sweep(["e19/proposition4.2/alpha"], store_path=p, workers=2)
    res = _report.render(p, tmp_path / "r", "test-version")
    row = res["checks"][0]
    assert row["verdict"] == "false as printed" and row["worst_ratio"] > 1
    assert "false as printed" in (tmp_path / "r" / "README.md").read_text()
