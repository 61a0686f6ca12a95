"""Failing work in sweeps (issue 16): evaluations that raise, hang or kill their worker become
error rows and the sweep goes on, locally and on Dask; ``--retry-errors``; workers die with their
driver; store creation races, damaged pages, read-only and impossible store paths. The faulty
checks are ``tests/faulty_checks.py`` (timeouts here are 2-3 s)."""
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from theorems import _registry, _store, _sweep
from theorems._cli import main
from theorems._registry import get

ROOT = Path(__file__).resolve().parents[2]
CHEAP = "oymak19/theorem2.1/rate"


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setenv("THEOREMS_CODE_VERSION", "test-version")


@pytest.fixture
def faulty(monkeypatch, tmp_path):
    """The faulty checks, registered here and (``THEOREMS_EXTRA_CHECKS``) in every worker; returns
    the file whose creation "fixes" them."""
    from tests import faulty_checks

    monkeypatch.setenv("THEOREMS_EXTRA_CHECKS", "tests.faulty_checks")
    monkeypatch.setenv("FAULTY_FIXED", str(tmp_path / "fixed"))
    faulty_checks.install()
    yield tmp_path / "fixed"
    faulty_checks.uninstall()


def n_bad(cid):
    from tests.faulty_checks import bad

    return sum(bad(i) for i in _sweep.instances(get(cid), "quick"))


def counts(path):
    with _store.Store(path, readonly=True) as s:
        kinds = {}
        for e in s.errors():
            kinds[(e["check"], e["kind"])] = kinds.get((e["check"], e["kind"]), 0) + 1
            assert "\n" not in e["error"] and e["instance"]["i"] % 3 == 0
        return s.count(), kinds


def stored(path) -> int:
    """Rows so far (0 while the sweep has not made the store yet)."""
    try:
        return counts(path)[0]
    except _store.StoreError:
        return 0


def test_raising_hanging_and_dying_checks_give_error_rows_shown_by_report_and_retried_alone(tmp_path, faulty, capsys):
    """One check raises, one hangs (a Python loop, a sleep in C), one kills its worker (run again
    twice, then ``lost``): the sweep finishes; a resume skips the error rows; ``--retry-errors``
    runs only them, updating those that fail again and replacing those that now succeed."""
    p, out = tmp_path / "s.sqlite", tmp_path / "r"
    ids = ["faulty/raises", "faulty/hangs", "faulty/dies"]
    total = sum(len(_sweep.instances(get(c), "quick")) for c in ids)
    raised, hung, lost = n_bad("faulty/raises"), n_bad("faulty/hangs"), n_bad("faulty/dies")
    assert raised >= 1 and hung >= 2 and lost >= 1
    bad = raised + hung + lost
    assert main(["sweep", *ids, "--store", str(p), "--workers", "2", "--timeout", "2", "--no-progress"]) == 1
    line, err = capsys.readouterr()
    assert f"{bad} errors ({raised} error, {lost} lost, {hung} timeout)" in line
    assert "died 3 times" in err
    assert counts(p) == (total - bad, {("faulty/raises", "error"): raised, ("faulty/hangs", "timeout"): hung, ("faulty/dies", "lost"): lost})

    assert main(["report", "--store", str(p), "--out", str(out)]) == 0
    res = json.loads((out / "results.json").read_text())
    assert len(res["errors"]) == bad and len(res["results"]) == total - bad
    assert f"{hung} error rows ({hung} timeout)" in (out / "README.md").read_text()
    assert "RuntimeError: planted failure on i = " in (out / "faulty-sweep.md").read_text()

    res = _sweep.sweep(ids, store_path=p, workers=2, timeout=2)  # a resume runs nothing
    assert (res.planned, res.skipped, res.skipped_errors, res.written, res.errors) == (total, total - bad, bad, 0, [])
    assert res.remaining_errors == bad

    before = {e["instance_hash"]: e["finished"] for e in _store.Store(p, readonly=True).errors()}
    res = _sweep.sweep(["faulty/raises"], store_path=p, workers=1, timeout=2, retry_errors=True)
    assert res.planned == raised and len(res.errors) == raised and res.written == 0
    after = {e["instance_hash"]: e["finished"] for e in _store.Store(p, readonly=True).errors()}
    assert after.keys() == before.keys() and sum(after[h] > before[h] for h in after) == raised  # the raises rows only
    faulty.touch()
    capsys.readouterr()
    assert main(["sweep", *ids, "--store", str(p), "--workers", "1", "--timeout", "2", "--retry-errors", "--no-progress"]) == 0
    assert f"sweep quick: {bad} error rows run again, 0 already stored, {bad} written, 0 errors" in capsys.readouterr().out
    assert counts(p) == (total, {})


def test_dask_cluster_with_a_killed_worker_stores_every_row_and_error_rows(tmp_path, faulty):
    distributed = pytest.importorskip("distributed")
    p = tmp_path / "dask.sqlite"
    ids = ["faulty/raises", "faulty/hangs", "faulty/slow"]
    total = sum(len(_sweep.instances(get(c), "quick")) for c in ids)
    raised, hung = n_bad("faulty/raises"), n_bad("faulty/hangs")
    os.environ["FAULTY_SLOW_SECONDS"] = "0.3"  # seen by the worker processes the cluster starts
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            box = {}
            th = threading.Thread(target=lambda: box.update(res=_sweep.sweep(ids, store_path=p, scheduler=cluster.scheduler_address, timeout=3)))
            th.start()
            deadline = time.time() + 60
            while time.time() < deadline and stored(p) < 3:
                time.sleep(0.2)
            with contextlib.suppress(ProcessLookupError):  # restarted after a timeout meanwhile
                os.kill(next(iter(client.run(os.getpid).values())), signal.SIGKILL)
            assert th.is_alive(), "the kill must land mid-sweep"
            th.join(180)
            res = box["res"]
            assert counts(p) == (total - raised - hung, {("faulty/raises", "error"): raised, ("faulty/hangs", "timeout"): hung})
            assert res.written == total - raised - hung and len(res.errors) == raised + hung

            faulty.touch()  # seen by the running workers
            res = _sweep.sweep(ids, store_path=p, scheduler=cluster.scheduler_address, timeout=3, retry_errors=True)
            assert (res.planned, res.written, res.errors) == (raised + hung, raised + hung, [])
            assert counts(p) == (total, {})
    finally:
        del os.environ["FAULTY_SLOW_SECONDS"]


def _children(pid):
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _alive(pid):
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_and_resource_tracker_exit_when_the_driver_is_killed(tmp_path, faulty):
    env = dict(os.environ, FAULTY_SLOW_SECONDS="30")
    cmd = [sys.executable, "-m", "theorems", "sweep", "faulty/slow", "--workers", "2", "--no-progress", "--store", str(tmp_path / "s.sqlite")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, kids = time.time() + 60, []
        while time.time() < deadline:
            kids = _children(proc.pid)
            if len(kids) >= 3:  # 2 workers and multiprocessing's resource tracker
                break
            time.sleep(0.2)
        assert len(kids) >= 3, kids
        time.sleep(1.0)
        kids = _children(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.2)
    assert not [k for k in kids if _alive(k)]


def test_processes_creating_the_same_new_store_at_once_all_succeed(tmp_path):
    p = tmp_path / "new.sqlite"
    start = time.time() + 2.0
    code = ("import sys, time; from theorems._store import Store\n"
            "time.sleep(max(0, float(sys.argv[2]) - time.time()))\n"
            "with Store(sys.argv[1]) as s:\n"
            "    s.add(check_id='c/x', instance={'k': int(sys.argv[3])}, version='v', measurement="
            "{'lhs': 0, 'rhs': 1, 'ratio': 0, 'regime': 'certified', 'verdict': 'holds'}, seed=None, started=0)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(p), str(start), str(k)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for k in range(6)]
    errs = [pr.communicate(timeout=60)[1] for pr in procs]
    assert [pr.returncode for pr in procs] == [0] * 6, errs
    with _store.Store(p, readonly=True) as s:
        assert s.count() == 6


SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE results (check_id TEXT NOT NULL, instance_hash TEXT NOT NULL, code_version TEXT NOT NULL, instance TEXT NOT NULL,
    seed INTEGER, lhs REAL, rhs REAL, ratio REAL, regime TEXT NOT NULL, verdict TEXT NOT NULL, tolerance REAL,
    constants TEXT NOT NULL, measurement TEXT NOT NULL, started REAL NOT NULL, finished REAL NOT NULL,
    PRIMARY KEY (check_id, instance_hash, code_version));
INSERT INTO meta VALUES ('magic', 'gd-theorems results store'), ('schema', '1');
INSERT INTO results VALUES ('c/x', 'h', 'v', '{}', NULL, 0, 1, 0, 'certified', 'holds', 0, '{}', '{"verdict": "holds"}', 0, 1);
"""


def test_a_schema_1_store_is_upgraded_in_place_with_its_rows(tmp_path):
    p = tmp_path / "old.sqlite"
    db = sqlite3.connect(p)
    db.executescript(SCHEMA_1)
    db.close()
    before = p.read_bytes()
    with _store.Store(p, readonly=True) as s:  # read as it is
        assert s.count() == 1 and s.errors() == [] and s.done("c/x", "v", errors=True) == set()
    assert p.read_bytes() == before
    with _store.Store(p) as s:
        assert s.count() == 1 and s.errors() == []
    db = sqlite3.connect(p)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (str(_store.SCHEMA_VERSION),)


def test_damaged_data_pages_are_a_store_error(tmp_path, capsys):
    p, bad = tmp_path / "s.sqlite", tmp_path / "bad.sqlite"
    with _store.Store(p) as s:
        for k in range(300):
            s.add_error(check_id="c/x", instance={"k": k, "pad": "x" * 200}, version="v", kind="error", error="boom", started=0, finished=1)
    shutil.copy(p, bad)
    data = bytearray(bad.read_bytes())
    assert len(data) > 20 * 4096
    data[10 * 4096: 12 * 4096] = b"\xa5" * (2 * 4096)  # two pages of the errors table, past the header and the schema
    bad.write_bytes(bytes(data))
    with pytest.raises(_store.StoreError, match="damaged"):
        _store.Store(bad, readonly=True)
    assert main(["report", "--store", str(bad), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "damaged" in err and "\n" not in err


def one_row_store(path):
    """A store with one real result of this code version (what ``report`` needs to render)."""
    chk = get(CHEAP)
    inst = _sweep.instances(chk, "quick")[0]
    with _store.Store(path) as s:
        s.add(check_id=CHEAP, instance=inst, version="test-version", measurement=chk.evaluate(inst).to_json(), seed=None, started=0)


def test_report_reads_a_store_on_a_read_only_folder(tmp_path, monkeypatch):
    """As root, chmod does not stop writes: the read-only folder is simulated through os.access,
    which the store consults; the store must then be opened without writing anything."""
    folder = tmp_path / "ro"
    folder.mkdir()
    p = folder / "s.sqlite"
    one_row_store(p)
    before = sorted(folder.iterdir()), p.read_bytes()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK and Path(path) in (folder, p) else real(path, mode, **kw))
    with pytest.raises(_store.StoreError, match="read-only"):
        _store.Store(p)
    assert main(["report", "--store", str(p), "--out", str(tmp_path / "r")]) == 0
    assert (sorted(folder.iterdir()), p.read_bytes()) == before
    assert json.loads((tmp_path / "r" / "results.json").read_text())["rows"] == 1


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs util-linux unshare")
def test_report_reads_a_store_on_a_read_only_mount(tmp_path):
    """A real read-only file system: the store's folder bind-mounted read-only in a private mount
    namespace (skipped where user namespaces are not allowed)."""
    src, dst, out = tmp_path / "src", tmp_path / "dst", tmp_path / "r"
    src.mkdir()
    dst.mkdir()
    one_row_store(src / "s.sqlite")
    script = ('mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 99; '
              '"$3" -m theorems report --store "$2/s.sqlite" --out "$4"; echo "report $?"; '
              '"$3" -m theorems sweep oymak19/theorem2.1/rate --store "$2/s.sqlite" 2>&1; echo "sweep $?"')
    r = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(src), str(dst), sys.executable, str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    if r.returncode == 99 or "unshare:" in r.stderr:
        pytest.skip(f"no private read-only mount here: {r.stderr.strip()}")
    assert "report 0" in r.stdout and "sweep 2" in r.stdout, r.stdout + r.stderr
    assert "read-only" in r.stdout
    assert json.loads((out / "results.json").read_text())["rows"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions (see the os.access test above)")
def test_report_reads_a_store_on_a_chmod_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    p = folder / "s.sqlite"
    _sweep.sweep([CHEAP], store_path=p, workers=1)
    p.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert main(["report", "--store", str(p), "--out", str(tmp_path / "r")]) == 0
        assert main(["sweep", CHEAP, "--store", str(p)]) == 2
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("cmd", ["sweep", "report"])
@pytest.mark.parametrize("where", ["a folder", "under a file"])
def test_a_store_path_that_cannot_be_a_store_exits_2_with_one_line(tmp_path, capsys, cmd, where):
    (tmp_path / "file").write_text("x")
    path = tmp_path if where == "a folder" else tmp_path / "file" / "s.sqlite"
    argv = [cmd, CHEAP] if cmd == "sweep" else [cmd, "--out", str(tmp_path / "r")]
    assert main([*argv, "--store", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(path) in err and "\n" not in err and "Traceback" not in err


def test_an_extra_checks_module_that_cannot_be_imported_is_a_value_error(monkeypatch):
    monkeypatch.setenv("THEOREMS_EXTRA_CHECKS", "tests.no_such_module")
    monkeypatch.setattr(_registry, "_loaded", False)
    with pytest.raises(ValueError, match="THEOREMS_EXTRA_CHECKS.*no_such_module"):
        _registry.all_checks()
