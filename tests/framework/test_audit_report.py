"""Uniformity audits in the framework (issue 14): stored per check and code version (schema 3),
run on the sweep's worker pool with its timeout and failure handling, shown in the report (index
line, "Uniformity audits" section, one figure each), verdicts resting on them, ``compare``'s audit
changes, ``audit --all``, and the CLI's bad input. Fake checks with planted audits:
``tests/audit_checks.py`` (timeouts here are 4 s: a worker imports scipy for the fit in the first task)."""
import json
import sqlite3
from pathlib import Path

import pytest

from tests.framework.test_report import add_row
from theorems import _audit, _compare, _registry, _store, _sweep
from theorems._audit import NOT_AUDITED, check_verdict
from theorems._cli import main

FAKES = ["fakeaudit/flat", "fakeaudit/decays", "fakeaudit/noisy", "fakeaudit/raises", "fakeaudit/hangs", "fakeaudit/plain"]
VERSION = "test-version"


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    """The fake checks, registered here and (``THEOREMS_EXTRA_CHECKS``) in every worker."""
    from tests import audit_checks

    monkeypatch.setenv("THEOREMS_CODE_VERSION", VERSION)
    monkeypatch.setenv("THEOREMS_EXTRA_CHECKS", "tests.audit_checks")
    audit_checks.install()
    yield audit_checks
    audit_checks.uninstall()


def ok_row(verdict):
    return {"kind": "ok", "result": {"verdict": verdict}, "error": None}


def test_verdicts_rest_on_audits():
    get = _registry.get
    flat, plain = get("fakeaudit/flat"), get("fakeaudit/plain")
    assert check_verdict(flat, "measured only", ok_row("uniform")) == "consistent"
    assert check_verdict(flat, "measured only (2 unresolved)", ok_row("uniform")) == "consistent (2 unresolved)"
    assert check_verdict(flat, "measured only", ok_row("inconclusive")) == "inconclusive (audit)"
    assert check_verdict(flat, "measured only", None) == NOT_AUDITED
    assert check_verdict(flat, "measured only", {"kind": "timeout", "result": None, "error": "x"}) == "not audited (audit timeout)"
    for base in ("measured only", "measured only: outside envelope", "vacuous"):  # non-uniform wins over anything
        assert check_verdict(flat, base, ok_row("non-uniform in d")) == "false as printed: non-uniform in d (audit)"
    assert check_verdict(flat, "measured only: outside envelope", ok_row("uniform")) == "measured only: outside envelope"
    assert check_verdict(flat, None, ok_row("uniform")) == "consistent"  # `audit` without rows
    assert check_verdict(plain, "measured only", None) == "measured only"  # no uniform_in: unchanged
    assert check_verdict(flat, "inside envelope", None) == NOT_AUDITED  # the pytest summary: no audits run there
    lower = get("satpathi21/lemma1/lower")
    assert check_verdict(lower, "false as printed", None) == "false as printed"


def test_a_schema_2_store_is_upgraded_to_3_in_place_and_read_as_it_is(tmp_path):
    p = tmp_path / "s.sqlite"
    with _store.Store(p) as s:
        add_row(s, "fakeaudit/flat", VERSION, 0.5)
    db = sqlite3.connect(p)
    db.execute("DROP TABLE audits")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    db.commit()
    db.close()
    before = p.read_bytes()
    with _store.Store(p, readonly=True) as s:
        assert s.schema == "2" and s.count() == 1 and s.audits(VERSION) == {}
    assert p.read_bytes() == before
    with _store.Store(p) as s:
        assert s.schema == "3" and s.count() == 1
        s.add_audit(check_id="fakeaudit/flat", version=VERSION, kind="timeout", error="slow\nvery", started=0, finished=2)
        s.add_audit(check_id="fakeaudit/flat", version="other", result={"verdict": "uniform"}, started=0, finished=1)
        assert s.audits(VERSION)["fakeaudit/flat"]["error"] == "slow very"
        s.add_audit(check_id="fakeaudit/flat", version=VERSION, result={"verdict": "uniform"}, started=0, finished=1)  # replaces
        assert s.audits(VERSION)["fakeaudit/flat"]["kind"] == "ok" and len(s.audits()) == 2
        with pytest.raises(ValueError, match="audit kind"):
            s.add_audit(check_id="c", version="v", kind="oops", started=0, finished=1)
    assert sqlite3.connect(p).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",)


def _pages(out: Path) -> dict:
    return {f.name: f.read_bytes() for f in sorted(out.iterdir()) if f.suffix in (".md", ".json")} | \
           {"worst/" + f.name: f.read_bytes() for f in sorted((out / "worst").iterdir())}


def test_sweep_runs_audits_on_the_pool_stores_them_and_the_report_shows_them(tmp_path, capsys):
    """Audits of every kind in one sweep (2 workers, timeout 4 s): stored once, failures as such;
    a resume runs none, ``--retry-errors`` only the failed ones; the report shows all of them."""
    p, out = tmp_path / "s.sqlite", tmp_path / "r"
    assert main(["sweep", *FAKES, "--store", str(p), "--workers", "2", "--timeout", "4", "--no-progress"]) == 1
    cap = capsys.readouterr()
    assert "audits: 5 checks with a hidden constant, 0 already stored, 3 written, 2 failed" in cap.out
    assert "audit fakeaudit/decays: non-uniform in d" in cap.err and "audit timeout: fakeaudit/hangs" in cap.err
    with _store.Store(p, readonly=True) as s:
        a = s.audits(VERSION)
        assert s.count() == 12 and set(a) == set(FAKES[:5])
    assert {c: r["kind"] for c, r in a.items()} == {"fakeaudit/flat": "ok", "fakeaudit/decays": "ok", "fakeaudit/noisy": "ok",
                                                     "fakeaudit/raises": "error", "fakeaudit/hangs": "timeout"}
    assert "planted audit failure at d = 10 second line" in a["fakeaudit/raises"]["error"]
    res = _sweep.sweep(FAKES, store_path=p, workers=1, timeout=4)
    assert (res.written, res.audits_written, res.audits_skipped, res.remaining_audit_errors) == (0, 0, 5, 2)
    res = _sweep.sweep(FAKES[:4], store_path=p, workers=1, timeout=2, retry_errors=True)  # only the failed audit runs
    assert (res.audits_skipped, len(res.audit_errors), res.audit_errors[0][:2]) == (3, 1, ("fakeaudit/raises", "error"))

    assert main(["report", "--store", str(p), "--out", str(out)]) == 0
    assert "running" not in capsys.readouterr().err  # every audit stored: none run again
    index, page = (out / "README.md").read_text(), (out / "fakeaudit-sweep.md").read_text()
    assert "## Uniformity audits" in index and "## Uniformity audits" in page
    line = next(x for x in index.splitlines() if x.startswith("| [`fakeaudit/decays`]"))
    assert "**non-uniform in d**" in line and "10 .. 1e+06 (6)" in line and "-0.500 [" in line and "planted decays" in line
    assert "false as printed: non-uniform in d (audit)" in line
    rows = {x.split("|")[1].strip(): x for x in index.splitlines() if x.startswith("| `fakeaudit/")}
    assert rows["`fakeaudit/flat`"].rstrip(" |").split("|")[-2].strip() == "consistent"
    assert "inconclusive (audit)" in rows["`fakeaudit/noisy`"] and "not audited (audit timeout)" in rows["`fakeaudit/hangs`"]
    assert "not audited (audit error)" in rows["`fakeaudit/raises`"] and "| measured only |" in rows["`fakeaudit/plain`"]
    assert "**audit timeout**: no result after 4 s" in index and "**audit error**: RuntimeError: planted" in page
    for name in ("flat", "decays", "noisy"):
        png = out / f"fakeaudit-{name}-audit.png"
        assert png.is_file() and png.stat().st_size < 40_000 and png.name in page
        assert (out / "worst" / f"fakeaudit__{name}.audit-d.json").is_file()
    assert not (out / "fakeaudit-hangs-audit.png").exists()
    res_json = json.loads((out / "results.json").read_text())
    aud = {a["check"]: a for a in res_json["audits"]}
    assert aud["fakeaudit/decays"]["params"]["d"]["witness_file"] == "worst/fakeaudit__decays.audit-d.json"
    assert aud["fakeaudit/hangs"]["kind"] == "timeout" and "params" not in aud["fakeaudit/hangs"]
    assert {c["check"]: c["audit_verdict"] for c in res_json["checks"]}["fakeaudit/plain"] is None
    first = _pages(out)
    assert main(["report", "--store", str(p), "--out", str(out)]) == 0
    assert _pages(out) == first  # same store: byte-identical pages, JSON and witnesses


def test_report_runs_the_audits_a_store_lacks_once_and_not_on_a_read_only_store(tmp_path, capsys, monkeypatch):
    import os

    p, out = tmp_path / "s.sqlite", tmp_path / "r"
    with _store.Store(p) as s:  # rows without their audit (as a sweep --no-audits leaves them)
        for cid in ("fakeaudit/flat", "fakeaudit/plain"):
            add_row(s, cid, VERSION, 0.5, verdict="inside envelope", regime="measured")
    with monkeypatch.context() as m:
        m.setattr(os, "access", lambda *a: False)  # a read-only store (root ignores chmod)
        assert main(["report", "--store", str(p), "--out", str(out)]) == 0
    assert "read-only: 1 audits not run" in capsys.readouterr().err
    assert "| not audited |" in (out / "README.md").read_text()
    assert main(["report", "--store", str(p), "--out", str(out), "--workers", "1"]) == 0
    assert "running 1 uniformity audits" in capsys.readouterr().err
    assert "| consistent |" in (out / "README.md").read_text()
    assert main(["report", "--store", str(p), "--out", str(out)]) == 0
    assert "running" not in capsys.readouterr().err


def test_compare_lists_audit_verdict_changes(tmp_path, capsys):
    p, a, b = tmp_path / "s.sqlite", "a" * 40, "b" * 40
    with _store.Store(p) as s:
        for v, verdict in ((a, "uniform"), (b, "non-uniform in d")):
            add_row(s, "fakeaudit/flat", v, 0.5, verdict="inside envelope", regime="measured")
            s.add_audit(check_id="fakeaudit/flat", version=v, result={"verdict": verdict, "params": {}}, started=0, finished=1)
            add_row(s, "fakeaudit/noisy", v, 0.5, verdict="inside envelope", regime="measured")
        s.add_audit(check_id="fakeaudit/noisy", version=a, kind="timeout", error="slow", started=0, finished=1)
    with _store.Store(p, readonly=True) as s:
        c = _compare.compare(s, "aaaa", "bbbb")
    assert c["audit_changed"] == [
        {"check": "fakeaudit/flat", "audit_a": "uniform", "audit_b": "non-uniform in d", "verdict_a": "consistent",
         "verdict_b": "false as printed: non-uniform in d (audit)"},
        {"check": "fakeaudit/noisy", "audit_a": "audit timeout", "audit_b": "not audited", "verdict_a": "not audited (audit timeout)",
         "verdict_b": "not audited"}]
    assert [e["check"] for e in c["verdict_changed"]] == ["fakeaudit/flat", "fakeaudit/noisy"]
    assert main(["compare", "aaaa", "bbbb", "--store", str(p)]) == 0
    md = capsys.readouterr().out
    assert "## Audit verdict changed (2)" in md and "| `fakeaudit/flat` | uniform | non-uniform in d |" in md


def test_audit_all_runs_every_audit_on_workers_and_shows_failures(tmp_path, capsys, monkeypatch):
    """(The timeout of a hanging audit on the pool is tested with the sweep above.)"""
    ids = [c for c in FAKES if c != "fakeaudit/hangs"]
    monkeypatch.setattr(_registry, "all_checks", lambda: [_registry.get(c) for c in ids])
    assert main(["audit", "--all", "--json", "--workers", "2"]) == 1
    cap = capsys.readouterr()
    outs = {o["check"]: o for o in json.loads(cap.out)["audits"]}
    assert list(outs) == ids[:4]
    assert outs["fakeaudit/flat"]["check_verdict"] == "consistent" and outs["fakeaudit/flat"]["params"]["d"]["verdict"] == "uniform"
    assert outs["fakeaudit/raises"]["kind"] == "error" and outs["fakeaudit/raises"]["check_verdict"] == "not audited (audit error)"
    assert "planted audit failure" in outs["fakeaudit/raises"]["error"]
    from theorems._cli import _audit_text

    text = _audit_text(outs["fakeaudit/raises"]) + _audit_text(outs["fakeaudit/noisy"])
    assert "fakeaudit/raises: audit error: RuntimeError: planted" in text and "verdict of the check: inconclusive (audit)" in text
    assert main(["audit", "fakeaudit/decays"]) == 0
    text = capsys.readouterr().out
    assert "fakeaudit/decays: non-uniform in d" in text and "verdict of the check: false as printed: non-uniform in d (audit)" in text
    assert "witness: planted decays" in text


def test_audit_progress_lines(capsys, monkeypatch):
    lines = []
    _audit.audit(_registry.get("fakeaudit/flat"), progress=lines.append)
    assert lines[0] == "fakeaudit/flat: d = 10 (1/6)" and lines[-1] == "fakeaudit/flat: d = 1e+06 (6/6)"
    from theorems import _cli

    monkeypatch.setattr(_cli, "PROGRESS_AFTER", 0.0)
    assert main(["audit", "fakeaudit/flat"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 6 and err[0].startswith("audit: fakeaudit/flat: d = 10 (1/6) (")


@pytest.mark.parametrize("args, what", [
    (["audit", "no/such"], "unknown check id"),
    (["audit", "fakeaudit/flat", "--param", "n"], "no audited parameter 'n'"),
    (["audit", "fakeaudit/plain"], "declares no hidden constant"),
    (["audit", "--all", "fakeaudit/flat"], "give no ID with it"),
    (["audit", "--all", "--param", "d"], "--param needs one check ID"),
    (["audit"], "the check ID (or --all) is required"),
    (["audit", "fakeaudit/flat", "--workers", "0"], "positive integer"),
    (["audit", "--all", "--workers", "two"], "positive integer"),
    (["audit", "--all", "--timeout", "-1"], "positive number of seconds"),
])
def test_audit_bad_input_exits_2_with_one_line(capsys, args, what):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and what in err and "Traceback" not in err


def test_sweep_no_audits_flag_reaches_the_sweep(monkeypatch, capsys):
    seen = []

    def fake_sweep(ids, **kw):
        seen.append(kw["audits"])
        return _sweep.SweepResult("v")

    monkeypatch.setattr(_sweep, "sweep", fake_sweep)
    assert main(["sweep", "fakeaudit/flat", "--no-audits"]) == 0 and main(["sweep", "fakeaudit/flat"]) == 0
    assert seen == [False, True] and "audits:" not in capsys.readouterr().out
