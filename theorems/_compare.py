"""Compare two code versions in the results store (``python -m theorems compare REV_A REV_B``).

Like ``asv compare`` or ``pytest-benchmark compare``: per check, the verdict (the word the report
prints, :func:`theorems._report._verdict_word`) and the worst ratio of each version's rows; listed
are the checks whose verdict changed, those whose worst ratio moved by more than a relative
threshold (same verdict), and those with results in one version only. A revision is a code version
in the store, a unique prefix of one, or a git revision of this checkout whose commit is (a unique
prefix of) one.

Verdicts rest on each version's stored uniformity audits (:func:`theorems._audit.check_verdict`),
and ``audit_changed`` lists the checks whose audit verdict (``uniform``, ``non-uniform in d``,
``inconclusive``, ``audit timeout``, ``not audited``, ...) differs between the versions.
"""
from __future__ import annotations

import math
import subprocess
from pathlib import Path

from theorems._report import _f, summarise

#: the default threshold: a relative change of the worst ratio of more than 1%
THRESHOLD = 0.01


def resolve(rev: str, versions: list[str], root: Path | None = None) -> str:
    """The store's code version that ``rev`` names (ValueError, in one line, otherwise)."""
    matches = _matches(rev, versions)
    sha = None
    if not matches:
        sha = _git_commit(rev, root)
        matches = _matches(sha, versions) if sha else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(versions) or "none"
    what = f"{rev!r}" + (f" (git commit {sha[:12]})" if sha else "")
    if matches:
        raise ValueError(f"revision {what} is ambiguous: it matches the code versions {', '.join(matches)}")
    raise ValueError(f"revision {what} names no code version in the store; versions there: {known}")


def _matches(key: str, versions: list[str]) -> list[str]:
    return [key] if key in versions else [v for v in versions if v.startswith(key)]


def _git_commit(rev: str, root: Path | None) -> str | None:
    """The commit that the git revision ``rev`` names in this checkout, or None."""
    root = Path(__file__).resolve().parents[1] if root is None else root
    try:
        out = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"], cwd=root,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and sha else None


def _num(r) -> float | None:
    """A stored worst ratio (a number, ``"inf"``, ``"nan"`` or None) as a float or None."""
    return None if r is None else float(r)


def relative_change(a, b) -> float | None:
    """``(b - a) / |a|`` where both are finite and ``a != 0``; None otherwise."""
    a, b = _num(a), _num(b)
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or a == 0:
        return None
    return (b - a) / abs(a)


def moved(a, b, threshold: float) -> bool:
    """Whether the worst ratio moved from ``a`` to ``b`` by more than ``threshold`` (relative)."""
    a, b = _num(a), _num(b)
    if a is None or b is None:
        return (a is None) != (b is None)
    if a == b or (math.isnan(a) and math.isnan(b)):
        return False
    ch = relative_change(a, b)
    return ch is None or abs(ch) > threshold


def compare(store, rev_a: str, rev_b: str, threshold: float = THRESHOLD, root: Path | None = None) -> dict:
    """The comparison of two revisions in the open ``store`` as a JSON-able dict."""
    versions = store.versions()
    va, vb = resolve(rev_a, versions, root), resolve(rev_b, versions, root)
    sides = {}
    for key, v in (("a", va), ("b", vb)):
        rows = list(store.rows(version=v))
        sides[key] = {"rows": len(rows), "checks": {s["check"]: s for s in summarise(rows, audits=store.audits(v))}}
    A, B = sides["a"]["checks"], sides["b"]["checks"]
    out = {"a": {"rev": rev_a, "version": va, "rows": sides["a"]["rows"]}, "b": {"rev": rev_b, "version": vb, "rows": sides["b"]["rows"]},
           "threshold": threshold, "verdict_changed": [], "ratio_moved": [], "only_a": [], "only_b": [], "unchanged": 0, "audit_changed": []}
    for cid in list(A) + [c for c in B if c not in A]:  # the report's order (catalog order)
        if cid not in B or cid not in A:
            s = A.get(cid) or B[cid]
            out["only_a" if cid in A else "only_b"].append({"check": cid, "verdict": s["verdict"], "worst_ratio": s["worst_ratio"], "instances": s["instances"]})
            continue
        a, b = A[cid], B[cid]
        if a["audit_verdict"] != b["audit_verdict"]:
            out["audit_changed"].append({"check": cid, "audit_a": a["audit_verdict"], "audit_b": b["audit_verdict"],
                                         "verdict_a": a["verdict"], "verdict_b": b["verdict"]})
        entry = {"check": cid, "verdict_a": a["verdict"], "verdict_b": b["verdict"], "worst_ratio_a": a["worst_ratio"], "worst_ratio_b": b["worst_ratio"],
                 "relative_change": relative_change(a["worst_ratio"], b["worst_ratio"]), "instances_a": a["instances"], "instances_b": b["instances"]}
        if a["verdict"] != b["verdict"]:
            out["verdict_changed"].append(entry)
        elif moved(a["worst_ratio"], b["worst_ratio"], threshold):
            out["ratio_moved"].append(entry)
        else:
            out["unchanged"] += 1
    return out


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:+.3g}%"


def markdown(c: dict) -> str:
    """The comparison as Markdown: one table per kind of change."""
    a, b = c["a"], c["b"]
    L = [f"# Compare `{a['rev']}` (A) with `{b['rev']}` (B)", "",
         f"A: code version `{a['version']}`, {a['rows']} results; B: code version `{b['version']}`, {b['rows']} results. "
         f"Listed: a changed verdict, a worst ratio moved by more than {100 * c['threshold']:.3g}% (ratio <= 1: the "
         "inequality holds; larger is closer to a violation), a check with results in one version only.", ""]
    head = "| check | verdict A | verdict B | worst ratio A | worst ratio B | change | instances A / B |\n|---|---|---|---|---|---|---|"
    for key, title in (("verdict_changed", "Verdict changed"), ("ratio_moved", "Worst ratio moved")):
        L += [f"## {title} ({len(c[key])})", ""]
        if c[key]:
            L.append(head)
            L += [f"| `{e['check']}` | {e['verdict_a']} | {e['verdict_b']} | {_f(e['worst_ratio_a'])} | {_f(e['worst_ratio_b'])} | "
                  f"{_pct(e['relative_change'])} | {e['instances_a']} / {e['instances_b']} |" for e in c[key]]
        else:
            L.append("None.")
        L.append("")
    L += [f"## Audit verdict changed ({len(c['audit_changed'])})", ""]
    if c["audit_changed"]:
        L += ["| check | audit A | audit B | verdict A | verdict B |", "|---|---|---|---|---|"]
        L += [f"| `{e['check']}` | {e['audit_a'] or '-'} | {e['audit_b'] or '-'} | {e['verdict_a']} | {e['verdict_b']} |"
              for e in c["audit_changed"]]
    else:
        L.append("None.")
    L.append("")
    for key, title in (("only_a", "Only in A"), ("only_b", "Only in B")):
        if c[key]:
            L += [f"## {title} ({len(c[key])})", "", "| check | verdict | worst ratio | instances |", "|---|---|---|---|"]
            L += [f"| `{e['check']}` | {e['verdict']} | {_f(e['worst_ratio'])} | {e['instances']} |" for e in c[key]]
            L.append("")
    L += [f"Unchanged: {c['unchanged']} checks.", ""]
    return "\n".join(L)
