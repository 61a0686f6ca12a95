"""The command line: list, describe, eval, search, and clean exit-2 errors (never a traceback)."""
import json
import math
import subprocess
import sys

import pytest

from tests.theorems.satpathi21.test_lemma1 import two_points


def cli(*args, stdin=None):
    p = subprocess.run([sys.executable, "-m", "theorems", *args], capture_output=True, text=True, input=stdin, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_list_names_every_check_with_regime():
    rc, out, _ = cli("list")
    assert rc == 0
    for cid in ["satpathi21/lemma1/kernel", "satpathi21/lemma1/positive-definite", "satpathi21/lemma1/upper", "satpathi21/lemma1/lower"]:
        assert cid in out
    assert "certified" in out and "measured" in out


def test_describe_shows_statement_hypotheses_schema():
    rc, out, _ = cli("describe", "satpathi21/lemma1/upper")
    assert rc == 0 and "theta_min < 1" in out and '"required"' in out and "1/4 + 1/(2 pi)" in out


def test_eval_json(tmp_path):
    f = tmp_path / "i.json"
    f.write_text(json.dumps({"X": two_points(0.95)}))
    rc, out, err = cli("eval", "satpathi21/lemma1/upper", "--instance", str(f), "--json")
    assert rc == 0, err
    obj = json.loads(out)
    assert {"check", "regime", "lhs", "rhs", "ratio", "holds", "hypotheses"} <= obj.keys()
    assert obj["holds"] is True and obj["regime"] == "certified"
    lam = 3 / (2 * math.pi) * (math.pi * (1 - math.cos(0.95)) + 0.95 * math.cos(0.95))
    assert obj["lhs"] == pytest.approx(lam, rel=1e-12)


def test_eval_reads_a_gzipped_worst_instance(tmp_path):
    """Large worst instances are kept as .json.gz (theorems._report._write_worst); eval reads them."""
    from theorems._report import _write_worst

    inst = {"X": two_points(0.95)}
    assert _write_worst(tmp_path, "satpathi21/lemma1/upper", inst).endswith(".json")
    import theorems._report as rep

    old, rep.GZIP_ABOVE = rep.GZIP_ABOVE, 10
    try:
        name = _write_worst(tmp_path, "satpathi21/lemma1/upper", inst)
    finally:
        rep.GZIP_ABOVE = old
    assert name.endswith(".json.gz") and not (tmp_path / "satpathi21__lemma1__upper.json").exists()
    rc, out, err = cli("eval", "satpathi21/lemma1/upper", "--instance", str(tmp_path / name), "--json")
    assert rc == 0, err
    assert json.loads(out)["holds"] is True


def test_eval_from_stdin_human_readable():
    rc, out, _ = cli("eval", "satpathi21/lemma1/lower", "--instance", "-", stdin=json.dumps({"X": two_points(0.3)}))
    assert rc == 0 and "inside envelope" in out and "C_log" in out


@pytest.mark.parametrize(
    "args, stdin, needle",
    [
        (["eval", "satpathi21/nope", "--instance", "-"], "{}", "unknown check id"),
        (["eval", "satpathi21/lemma1/upper", "--instance", "-"], "{not json", "malformed JSON"),
        (["eval", "satpathi21/lemma1/upper", "--instance", "-"], '{"X": [[1, 1], [-1, -1]]}', "parallel"),
        (["eval", "satpathi21/lemma1/upper", "--instance", "-"], '{"X": [[1, 0], [0, 1]]}', "sqrt(d)"),
        (["eval", "satpathi21/lemma1/upper", "--instance", "-"], '{"Y": 1}', "unknown field"),
        (["eval", "satpathi21/lemma1/upper", "--instance", "/no/such/file.json"], None, "No such file"),
        (["describe", "nope/x"], None, "unknown check id"),
        (["frobnicate"], None, "invalid choice"),
        (["search", "satpathi21/lemma1/upper", "--examples", "-3"], None, ">= 0"),
        (["figure1", "--steps", "0"], None, "--steps must be >= 1"),
        (["figure1", "--loss", "median"], None, "invalid choice"),
        (["figure1", "--out", "/no/such/dir/f.png"], None, "does not exist"),
    ],
)
def test_user_errors_exit_2_with_one_line(args, stdin, needle):
    rc, out, err = cli(*args, stdin=stdin)
    assert rc == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err


def test_search_is_deterministic_and_reports_worst(tmp_path):
    args = ("search", "satpathi21/lemma1/upper", "--examples", "15", "--seed", "3", "--json")
    rc1, out1, err = cli(*args)
    rc2, out2, _ = cli(*args)
    assert rc1 == rc2 == 0, err
    a, b = json.loads(out1), json.loads(out2)
    assert a["ratio"] == b["ratio"] and a["instance"] == b["instance"]
    assert a["ratio"] < 1 and "X" in a["instance"]


def test_help_explains():
    rc, out, _ = cli("--help")
    assert rc == 0 and "regimes:" in out and "measured" in out


def test_figure1_help_explains_the_loss_readings():
    rc, out, _ = cli("figure1", "--help")
    assert rc == 0 and "--loss" in out and "--compare" in out and "PNG" in out
