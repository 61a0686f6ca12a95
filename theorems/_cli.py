"""``python -m theorems``: list, describe, evaluate and search the checks; run the suite.

Errors a user can cause (unknown id, malformed JSON, an instance that breaks its schema or
the statement's standing assumptions) exit with status 2 and one line on stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import textwrap
from collections import Counter
from pathlib import Path

from theorems._core import InstanceError
from theorems._store import StoreError
from theorems._usage import _Parser, _UsageError

EPILOG = """\
regimes:
  certified         hypotheses proven for the instance; ratio > 1 + tol is a counterexample
  estimated         some constant estimated: consistent / inconsistent, never verified
  measured          theorem's regime out of reach: measured constant vs a recorded envelope
  hypotheses-false  the instance breaks a hypothesis; the statement says nothing

examples:
  python -m theorems list
  python -m theorems describe satpathi21/lemma1/upper
  python -m theorems eval satpathi21/lemma1/upper --instance inst.json --json
  python -m theorems search satpathi21/lemma1/lower --examples 200 --seed 1
  python -m theorems run --profile ci
  python -m theorems sweep --profile quick --workers 2       # all checks, into reports/results.sqlite
  python -m theorems sweep oymak19/theorem4.1 --scheduler tcp://127.0.0.1:8786
  python -m theorems report --out reports                   # runs the quick sweep first if needed
  python -m theorems report --deep --paper oymak19          # a paper's deep report (theorems/reports/)
  python -m theorems audit satpathi21/lemma1/lower --param d   # is the hidden constant uniform in d?
  python -m theorems audit --all --workers 2 --json           # every check's audit, on 2 worker processes
  python -m theorems compare HEAD~1 HEAD --threshold 5%      # what moved between two code versions
  python -m theorems figure1 --out reports/satpathi21-figure1.png --compare
"""


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m theorems",
        description="Check theorems about gradient descent on over-parameterised networks "
        "against the papers' models on concrete instances.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser, metavar="COMMAND")
    sub.add_parser("list", help="every check id with its statement and regime")
    d = sub.add_parser("describe", help="statement, equation, hypotheses and instance schema of a check")
    d.add_argument("id")
    d.add_argument("--coverage", action="store_true",
                   help="add the coverage table: the ranges the quick profile's instances reach (draws them: seconds, may import torch)")
    e = sub.add_parser("eval", help="evaluate one instance (a JSON file, '-' for stdin)")
    e.add_argument("id")
    e.add_argument("--instance", required=True, metavar="FILE.json", help="a JSON instance ('-' for stdin; FILE.json.gz is read compressed)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    _limit_flags(e)
    s = sub.add_parser("search", help="adversarial search for the worst instance of a check")
    s.add_argument("id")
    s.add_argument("--examples", type=int, default=100, help="Hypothesis examples (default 100)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--budget", type=int, default=0, help="effort of the check's own optimiser, if any (0: none)")
    s.add_argument("--save", metavar="FILE.json", help="write the worst instance there")
    s.add_argument("--json", action="store_true")
    _limit_flags(s)
    f = sub.add_parser(
        "figure1",
        help="reproduce Figure 1 of Satpathi & Srikant (PNG + the paper's claims evaluated)",
        add_help=False,
    )
    w = sub.add_parser("sweep", help="evaluate checks over their sweep instances into the results store (resumable)")
    w.add_argument("ids", nargs="*", metavar="ID", help="check ids (default: all)")
    w.add_argument("--profile", choices=["quick", "full"], default="quick", help="quick: minutes on 2 cores (the committed reports); full: 10x")
    w.add_argument("--store", metavar="PATH", help="SQLite results store (default reports/results.sqlite)")
    w.add_argument("--workers", type=_positive, metavar="N", help="local worker processes (default: the number of cores)")
    w.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask distributed cluster, e.g. tcp://host:8786")
    w.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar (default: on a TTY only)")
    w.add_argument("--timeout", type=_seconds, default=600.0, metavar="SECONDS",
                   help="give up an evaluation after this long and store it as an error row (default 600)")
    w.add_argument("--retry-errors", action="store_true", help="run only the error rows (and failed audits) of this code version again")
    w.add_argument("--audits", action=argparse.BooleanOptionalAction, default=True,
                   help="run the uniformity audit of each swept check with a hidden constant, once per code version (default: on)")
    _limit_flags(w)
    rp = sub.add_parser("report", help="write reports/README.md, per-paper pages, results.json and figures from the store")
    rp.add_argument("--store", metavar="PATH", help="SQLite results store (default reports/results.sqlite)")
    rp.add_argument("--out", metavar="DIR", default=str(Path(__file__).resolve().parents[1] / "reports"), help="output directory (default reports/)")
    rp.add_argument("--version", metavar="CODE_VERSION", help="report rows of this code version (default: the current one)")
    rp.add_argument("--workers", type=_positive, metavar="N", help="workers for the quick sweep run when the store has no rows")
    rp.add_argument("--deep", action="store_true",
                    help="instead, the deep reports (searches at the reports' sizes, laws, figures; minutes to an hour): theorems/reports/")
    rp.add_argument("--paper", action="append", choices=["satpathi21", "oymak19", "e19"], metavar="P",
                    help="with --deep: only this paper's deep report (repeatable; default all)")
    c = sub.add_parser("compare", help="checks whose verdict or worst ratio changed between two code versions in the store")
    c.add_argument("rev_a", metavar="REV_A", help="a code version in the store, a unique prefix of one, or a git revision (e.g. HEAD~1)")
    c.add_argument("rev_b", metavar="REV_B", help="the same, for the version compared with REV_A")
    c.add_argument("--store", metavar="PATH", help="SQLite results store (default reports/results.sqlite)")
    c.add_argument("--threshold", type=_fraction, default=0.01, metavar="T",
                   help="list worst ratios that moved by more than this, relative (0.05 or 5%%; default 1%%)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    a = sub.add_parser("audit", help="follow a hidden O/Omega constant's worst value as each parameter grows: uniform or not")
    a.add_argument("id", nargs="?", help="the check id (or --all)")
    a.add_argument("--all", action="store_true", help="audit every check that declares a hidden constant")
    a.add_argument("--param", action="append", metavar="NAME", help="audit only this parameter (repeatable; default: all declared)")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.add_argument("--workers", type=_positive, metavar="N",
                   help="run the audits in N worker processes, with --timeout (default: --all on every core, one ID in this process)")
    a.add_argument("--timeout", type=_seconds, default=600.0, metavar="SECONDS",
                   help="with worker processes: give up an audit after this long and report it as a timeout (default 600)")
    r = sub.add_parser("run", help="run every check (pytest over the suite) and print the summary table")
    r.add_argument("--profile", choices=["ci", "dev", "thorough"], default="dev")
    r.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    return p


def _limit_flags(p: argparse.ArgumentParser) -> None:
    """``--max-memory`` and ``--max-work``: instances estimated above them are refused (exit 2)."""
    from theorems import _limits

    p.add_argument("--max-memory", metavar="SIZE", type=_limit_type(_limits.parse_memory),
                   help=f"refuse instances estimated to need more memory than this, e.g. 8GB, 512MB, 16GiB "
                   f"(default {_limits.format_bytes(_limits.DEFAULT_MEMORY)}; instance files above 1/32 of it are not read)")
    p.add_argument("--max-work", metavar="SECONDS", type=_limit_type(_limits.parse_work),
                   help="refuse instances estimated to take longer than this, e.g. 600, 30min, 2h: floating-point "
                   f"operations estimated from the sizes at a nominal {_limits.FLOPS:.0e} per second (default 1 hour)")


def _limit_type(parse):
    def check(text: str) -> str:
        try:
            parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return check


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user's error exits 2 with one line on stderr, Ctrl-C exits 130."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv[:1] == ["figure1"]:  # its own parser (python -m theorems figure1 --help)
            from theorems.satpathi21 import figure1

            return figure1.main(argv[1:])
        args = _parser().parse_args(argv)
        from theorems import _limits

        with _limits.override(getattr(args, "max_memory", None), getattr(args, "max_work", None)):
            return {"list": _list, "describe": _describe, "eval": _eval, "search": _search, "run": _run,
                    "sweep": _sweep_cmd, "report": _report_cmd, "compare": _compare_cmd,
                    "audit": _audit_cmd}[args.cmd](args)
    except _UsageError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except (InstanceError, KeyError, ValueError, json.JSONDecodeError, OSError, StoreError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return _fail(f"error: {msg}")
    except (ArithmeticError, MemoryError, RecursionError) as exc:  # outside an evaluation (e.g. a search's optimiser)
        what = {MemoryError: "out of memory", RecursionError: "recursion too deep"}.get(type(exc), "arithmetic overflow")
        return _fail(f"error: {what}" + (f" ({exc})" if str(exc) else "") + ": the input is too large or too extreme")


def _fail(message: str, status: int = 2) -> int:
    """Print ``message`` as one line on stderr and return ``status``."""
    print(" ".join(str(message).split()), file=sys.stderr)
    return status


def _list(args) -> int:
    from theorems import checks

    cs = checks()
    w = max(len(c.id) for c in cs)
    for c in cs:
        print(f"{c.id.ljust(w)}  {c.regime.ljust(16)}  {c.title}")
    return 0


def _describe(args) -> int:
    from theorems import get, locate

    c = get(args.id)
    print(f"{c.id}  [{c.regime}]  ({c.equation})")
    _section("statement", c.statement)
    print("hypotheses:")
    for name, what in c.hypotheses.items():
        print(f"  - {name}: {what}")
    _section("derivation", c.derivation)
    if c.notes:
        _section("notes", c.notes)
    if c.erratum:
        _section("erratum", str(c.erratum))
        e = c.erratum
        print(f"  smallest counterexample: pinned case {e.pinned} ({e.verdict})"
              + (f"; corrected: {e.corrected}" if e.corrected else "") + (f"; certificate: {e.certificate}" if e.certificate else ""))
    _describe_audit(c, coverage=args.coverage)
    where = locate(c.id)
    print(f"module: {where['module']}\ntests: {', '.join(where['tests']) or '(none)'}\nreport: {where['report']}")
    print("instance schema:")
    print(json.dumps(c.spec.json_schema(), indent=2))
    return 0


def _section(name: str, text: str) -> None:
    """``name:`` and ``text`` indented: paragraphs (blank-line separated) wrapped at 100, an
    indented paragraph (a displayed formula, a list) kept line by line."""
    print(f"{name}:")
    out = []
    for para in textwrap.dedent(text).strip().split("\n\n"):
        lines = para.strip("\n").splitlines()
        if any(line[:1].isspace() for line in lines):
            out.append("\n".join("  " + line.rstrip() for line in lines))
        else:
            out.append(textwrap.fill(" ".join(para.split()), 100, initial_indent="  ", subsequent_indent="  "))
    print("\n\n".join(out))


def _describe_audit(c, coverage: bool = True) -> None:
    """The quantifier table, its coverage by the quick profile and the audited hidden constants."""
    from theorems._audit import describe_lines
    from theorems._sweep import quick_coverage

    for line in describe_lines(c, quick_coverage(c) if coverage else None):
        print(line)


def _audit_cmd(args) -> int:
    """``audit ID|--all [--param NAME] [--json] [--workers N] [--timeout S]``: uniformity audits
    (``theorems._audit``). One ID runs in this process unless ``--workers`` is given; ``--all`` runs
    every check's audit on a local worker pool (``theorems._sweep.run_audits``), a failed or
    timed-out audit shown as such (exit 1). Progress lines go to stderr once an audit runs 2 s."""
    import time

    from theorems._audit import audited_params
    from theorems._registry import all_checks, get

    if args.all and args.id:
        raise _UsageError("python -m theorems audit: --all audits every check; give no ID with it")
    if args.all and args.param:
        raise _UsageError("python -m theorems audit: --param needs one check ID, not --all")
    if not args.all and not args.id:
        raise _UsageError("python -m theorems audit: the check ID (or --all) is required")
    checks = [c for c in all_checks() if c.uniform_in] if args.all else [get(args.id)]
    for c in checks:
        audited_params(c, args.param)  # no audits, or an undeclared --param: exit 2 before running
    t0 = time.monotonic()

    def progress(line: str) -> None:
        if time.monotonic() - t0 >= PROGRESS_AFTER:
            print(f"audit: {line} ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)

    if args.all or args.workers:
        from theorems._sweep import run_audits

        n = len(checks)
        done = []
        rows = run_audits([c.id for c in checks], workers=args.workers, timeout=args.timeout, params=args.param,
                          on_audit=lambda cid, row: (done.append(cid), progress(f"{cid} done ({len(done)}/{n})")))
    else:
        from theorems._audit import audit

        started = time.time()
        res = audit(checks[0], args.param, progress=progress)
        rows = {checks[0].id: {"check": checks[0].id, "kind": "ok", "result": res, "error": None, "started": started, "finished": time.time()}}
    outs = [_audit_out(get(cid), row) for cid, row in rows.items()]
    if args.json:
        print(json.dumps(outs[0] if not args.all else {"audits": outs}, sort_keys=True))
    else:
        print("\n".join(_audit_text(o) for o in outs))
    return 1 if any(r["kind"] != "ok" for r in rows.values()) else 0


#: seconds an audit runs before ``audit`` prints progress lines on stderr
PROGRESS_AFTER = 2.0


def _audit_out(check, row: dict) -> dict:
    """An audit's JSON (``theorems._audit.audit``; for a failed one ``check``, ``kind``, ``error``,
    ``verdict``) with ``check_verdict``: the check's verdict resting on it (``check_verdict``)."""
    from theorems._audit import audit_word, check_verdict

    out = dict(row["result"]) if row["kind"] == "ok" else {"check": check.id, "kind": row["kind"], "error": row["error"],
                                                          "verdict": audit_word(row)}
    out["check_verdict"] = check_verdict(check, "false as printed" if check.erratum else None, row)
    return out


def _audit_text(out: dict) -> str:
    from theorems._audit import text

    head = text(out) if "params" in out else f"{out['check']}: {out['verdict']}: {out['error']}"
    return head + f"\n  verdict of the check: {out['check_verdict']}"


def _read_instance(path: str) -> dict:
    """The JSON instance in ``path`` ('-': stdin; ``.gz``: gzip), refused in one line when the file is
    missing, a directory, larger than the limit (before reading), corrupt, binary or nested too deeply."""
    from theorems import _limits

    limit = int(_limits.limits().file_bytes)
    too_big = (f"{path}: the instance file is larger than the limit of {_limits.format_bytes(limit)} "
               "(1/32 of --max-memory){}")
    if path != "-":
        p = Path(path)
        if p.is_dir():
            raise InstanceError(f"{path} is a directory, not an instance file")
        if not p.exists():
            raise InstanceError(f"{path}: No such file or directory")
        if p.stat().st_size > limit:
            raise _limits.ResourceError(too_big.format(f" (it has {_limits.format_bytes(p.stat().st_size)})"))
    try:
        if path.endswith(".gz"):
            import gzip
            import zlib

            try:
                with gzip.open(path, "rb") as fh:
                    data = fh.read(limit + 1)
            except (OSError, EOFError, zlib.error) as exc:
                raise InstanceError(f"{path}: truncated or corrupt gzip file ({exc})") from None
        else:
            with (sys.stdin.buffer if path == "-" else open(path, "rb")) as fh:
                data = fh.read(limit + 1)
        if len(data) > limit:
            raise _limits.ResourceError(too_big.format(" (uncompressed)" if path.endswith(".gz") else ""))
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InstanceError(f"{path}: not a UTF-8 text file (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                            "an instance is JSON text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InstanceError(f"{path}: JSON nested too deeply to be an instance") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InstanceError(f"{path}: unreadable JSON number ({str(exc).split(';')[0]})") from None


def _print_measurement(m, as_json: bool) -> None:
    if as_json:
        print(json.dumps(m.to_json(), sort_keys=True))
        return
    print(f"{m.check}: {m.verdict}  [{m.regime}]")
    print(f"  lhs {m.lhs:.10g}  rhs {m.rhs:.10g}  ratio {m.ratio:.10g}  (tolerance {m.tolerance:.3g})")
    print(f"  {m.explain()}")
    for k, v in m.hypotheses.items():
        print(f"  hypothesis {k}: {v}")
    for k, v in m.constants.items():
        print(f"  constant {k} = {v:.10g}")


def _eval(args) -> int:
    from theorems import evaluate

    instance = _read_instance(args.instance)
    with _heartbeat("eval"):
        m = evaluate(args.id, instance)
    _print_measurement(m, args.json)
    return 0


@contextlib.contextmanager
def _heartbeat(what: str, first: float = 5.0, total: float | None = None):
    """Print ``WHAT: still running (N s)`` on stderr from a daemon thread while the block runs longer
    than ``first`` seconds (every 5 s for a minute, then every 30 s); ``total``: the expected seconds."""
    import threading
    import time

    done = threading.Event()
    t0 = time.monotonic()

    def beat():
        wait = first
        while not done.wait(wait):
            el = time.monotonic() - t0
            of = f" of about {total:.0f} s estimated" if total else ""
            print(f"{what}: still running ({el:.0f} s{of})", file=sys.stderr, flush=True)
            wait = 5.0 if el < 60 else 30.0

    th = threading.Thread(target=beat, daemon=True)
    th.start()
    try:
        yield
    finally:
        done.set()


def _search(args) -> int:
    from theorems import get
    from theorems._instances import to_json
    from theorems._search import hypothesis_search

    c = get(args.id)
    if args.examples < 0 or args.budget < 0:
        raise _UsageError("python -m theorems search: --examples and --budget must be >= 0")
    progress = sys.stderr.isatty()
    worst_inst, worst = hypothesis_search(c, args.examples, args.seed, progress=progress)
    how = f"Hypothesis ({args.examples} examples, seed {args.seed})"
    if args.budget and c.search is not None:
        found = _budgeted_search(c, args.seed, args.budget, progress)
        m = c.evaluate(found["instance"])
        if worst is None or _key(m) > _key(worst):
            worst_inst, worst, how = found["instance"], m, f"the check's optimiser (budget {args.budget})"
    if worst is None:
        raise InstanceError("the search found no admissible instance")
    if args.save:
        Path(args.save).write_text(json.dumps(to_json(c.spec.validate(worst_inst))), encoding="utf-8")
    if args.json:
        out = worst.to_json()
        out["found_by"] = how
        out["instance"] = to_json(c.spec.validate(worst_inst))
        if args.budget and c.search is not None:
            out["optimiser"] = {k: v for k, v in found.items() if k not in ("instance", "table")}
        print(json.dumps(out, sort_keys=True))
    else:
        print(f"worst instance found by {how}:")
        if "design" in worst_inst:
            print(f"  design: {worst_inst['design']}")
        _print_measurement(worst, False)
    return 0


def _budgeted_search(c, seed: int, budget: int, progress: bool) -> dict:
    """The check's optimiser at ``budget``, after timing one unit of it: says the cost up front (and
    refuses a budget estimated above --max-work), then a heartbeat with the estimate as it goes."""
    import time

    from theorems import _limits

    t0 = time.monotonic()
    found = c.search(seed, 1, progress=False)
    unit = time.monotonic() - t0
    if budget == 1:
        return found
    total = unit * budget
    print(f"search: one budget unit took {unit:.2g} s; budget {budget}: about {_limits.format_seconds(total)} "
          "(later units may cost more)", file=sys.stderr, flush=True)
    lim = _limits.limits()
    if total > lim.work:
        raise _limits.ResourceError(f"field 'budget': budget {budget} needs about {_limits.format_seconds(total)} of work "
                                    f"({unit:.2g} s per unit measured), above the limit of "
                                    f"{_limits.format_seconds(lim.work)} (--max-work)")
    with _heartbeat("search", total=total):
        return c.search(seed, budget, progress=progress)


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return v


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return v


def _print_errors(res) -> None:
    for cid, h, kind, err in res.errors:
        print(f"{kind}: {cid} instance {h}: {err}", file=sys.stderr)


def _scheduler_address(address: str | None) -> str | None:
    if address is None:
        return None
    import re

    if not re.fullmatch(r"(tcp|tls|inproc|ucx)://[^\s:/]+(:\d+)?(/.*)?", address):
        raise _UsageError(f"python -m theorems sweep: --scheduler must look like tcp://HOST:PORT, got {address!r}")
    return address


def _sweep_cmd(args) -> int:
    from theorems._registry import get
    from theorems._sweep import sweep

    for cid in args.ids:
        get(cid)  # unknown id: KeyError, exit 2
    res = sweep(args.ids or None, profile=args.profile, store_path=args.store, workers=args.workers,
                scheduler=_scheduler_address(args.scheduler), progress=args.progress, timeout=args.timeout,
                retry_errors=args.retry_errors, audits=args.audits, on_audit=_audit_progress())
    kinds = Counter(k for _, _, k, _ in res.errors)
    detail = f" ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})" if res.errors else ""
    what = "error rows run again" if args.retry_errors else "instances"
    print(f"sweep {args.profile}: {res.planned} {what}, {res.skipped} already stored, {res.written} written, "
          f"{len(res.errors)} errors{detail}, {res.skipped_errors} error rows skipped, {res.remaining_errors} error rows in the store, "
          f"{res.seconds:.1f} s (code version {res.version})")
    _print_errors(res)
    _print_audits(res)
    if (res.remaining_errors or res.remaining_audit_errors) and not args.retry_errors:
        print("error rows remain: run the same command with --retry-errors to run them again", file=sys.stderr)
    return 1 if res.remaining_errors or res.remaining_audit_errors else 0


def _audit_progress():
    """``on_audit`` for sweeps: one stderr line per finished audit (they take up to minutes)."""
    from theorems._audit import audit_word

    def line(cid: str, row: dict) -> None:
        print(f"audit {cid}: {audit_word(row)} ({row['finished'] - row['started']:.1f} s)", file=sys.stderr, flush=True)
    return line


def _print_audits(res) -> None:
    """The sweep's audits in one line (none when no swept check declares a hidden constant), failures on stderr."""
    if res.audits_planned:
        print(f"audits: {res.audits_planned} checks with a hidden constant, {res.audits_skipped} already stored, "
              f"{res.audits_written} written, {len(res.audit_errors)} failed, {res.remaining_audit_errors} failed audits in the store")
    for cid, kind, err in res.audit_errors:
        print(f"audit {kind}: {cid}: {err}", file=sys.stderr)


def _report_cmd(args) -> int:
    if args.paper and not args.deep:
        raise ValueError("--paper needs --deep: the quick report is one table over every paper")
    if args.deep:
        from theorems.reports import deep

        ran = deep(args.paper, Path(args.out))
        print(f"report --deep: {', '.join(ran)} -> {args.out}")
        return 0
    from theorems._report import render
    from theorems._store import DEFAULT_PATH, Store, code_version
    from theorems._sweep import sweep

    version = args.version or code_version()
    path = Path(args.store) if args.store else DEFAULT_PATH
    have = 0
    if path.exists():
        with Store(path, readonly=True) as st:
            have = st.count(version)
    elif not args.version:
        Store(path).close()  # the sweep below makes it: a path that cannot hold a store fails now, on one line
    failed = False
    if have == 0:
        if args.version:
            raise ValueError(f"the store has no results of code version {args.version!r}")
        print("the store has no results of this code version: running the quick sweep and the audits first", file=sys.stderr)
        res = sweep(None, profile="quick", store_path=args.store, workers=args.workers, on_audit=_audit_progress())
        _print_errors(res)
        _print_audits(res)
        # an instance refused by the resource limits is a declared refusal (stored and shown as an
        # error row), not a failure of the report; anything else that failed is
        failed = any(not err.startswith("ResourceError") for *_, err in res.errors) or bool(res.audit_errors)
    elif not args.version:
        failed = _report_audits(path, version, args.workers)
    out = render(args.store, args.out, version)
    errors = f", {len(out['errors'])} error rows" if out.get("errors") else ""
    print(f"report: {out['rows']} results{errors}, {len(out['checks'])} checks -> {args.out}/README.md")
    return 1 if failed else 0


def _report_audits(path: Path, version: str, workers: int | None) -> bool:
    """Before a report of the current code version: run the audits the store lacks for the checks it
    has rows of (on ``workers`` processes), unless the store is read-only (then they show as not
    audited). Stored audits are reused: a report rebuilt from the same store runs none. True when
    an audit failed (it is stored and shown as such)."""
    import os

    from theorems._registry import all_checks
    from theorems._store import Store
    from theorems._sweep import sweep

    with Store(path, readonly=True) as st:
        swept = {r for r in st.checks(version)}
        stored = st.audits(version)
    todo = [c.id for c in all_checks() if c.uniform_in and c.id in swept and c.id not in stored]
    if not todo:
        return False
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        print(f"the store is read-only: {len(todo)} audits not run (shown as not audited)", file=sys.stderr)
        return False
    print(f"running {len(todo)} uniformity audits missing from the store", file=sys.stderr)
    res = sweep(todo, store_path=path, workers=workers, rows=False, on_audit=_audit_progress())
    _print_audits(res)
    return bool(res.audit_errors)


def _fraction(text: str) -> float:
    """A relative threshold: ``0.05`` or ``5%``."""
    try:
        v = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.05 or 5%, got {text!r}") from None
    if not (v >= 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return v


def _compare_cmd(args) -> int:
    from theorems._compare import compare, markdown
    from theorems._store import DEFAULT_PATH, Store

    with Store(args.store or DEFAULT_PATH, readonly=True) as st:  # compare only reads
        c = compare(st, args.rev_a, args.rev_b, args.threshold)
    print(json.dumps(c, sort_keys=True) if args.json else markdown(c), end="\n" if args.json else "")
    return 0


def _key(m) -> float:
    r = m.ratio
    return -math.inf if m.verdict == "vacuous" else (r if math.isfinite(r) else 1e300)


def _run(args) -> int:
    import os

    import pytest

    os.environ["HYPOTHESIS_PROFILE"] = args.profile
    here = str(Path(__file__).resolve().parent)
    # the plugin module is already imported here (by this CLI), so pytest cannot rewrite its asserts
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return int(pytest.main([here, "-q", "-p", "no:cacheprovider", *quiet, *args.pytest_args]))
