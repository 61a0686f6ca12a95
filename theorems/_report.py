"""Bound-tightness reports from the results store (``python -m theorems report``).

Writes into ``out`` (default ``reports/``):

- ``README.md``: one table over all checks: id, statement, regime, instances, worst ratio,
  constants and fitted exponents (95% intervals) at the worst instance, verdict, link;
- ``<paper>-sweep.md``: per paper, each check's statement, hypotheses, verdict counts, the worst
  instance (saved as ``worst/<check>.json``, re-run with ``python -m theorems eval``), a histogram
  of ratios and, for width laws, the fitted slope drawn beside the theorem's; links to the papers'
  figure reproductions with a sentence on what each figure showed;
- ``results.json``: the same numbers, machine-readable.

Checks that declare a hidden constant (``uniform_in``) are judged with their uniformity audit, as
stored (``Store.audits``; :func:`theorems._audit.check_verdict`): the index has a line per audited
check (verdict, parameters, scales, worst constants, exponents with 95% intervals, witness) and each
paper page a "Uniformity audits" section, with one log-log figure per audit
(``<check>-audit.png``) and the witnesses in ``worst/<check>.audit-<param>.json``. A failed or
missing audit is shown as such.

Only rows of one code version are used (the current one by default). The Markdown and JSON depend
only on those rows, in a fixed order: the same store gives byte-identical files (figures may
differ in metadata only).
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from theorems._audit import audit_word, check_verdict, coverage, coverage_markdown, exponent_text, gaps, short_witness, worst_range
from theorems._core import ACCEPTABLE, COUNTEREXAMPLE, INCONSISTENT, MEASURED, OUTSIDE, UNRESOLVED, VACUOUS
from theorems._registry import all_checks, get
from theorems._store import DEFAULT_PATH, Store

PAPERS = {
    "satpathi21": "Satpathi & Srikant 2021",
    "oymak19": "Oymak & Soltanolkotabi 2019",
    "e19": "E, Ma, Wang, Wu 2019",
}
#: figure reproductions made by the reports' own scripts, with what the paper's figure showed
FIGURES = {
    "satpathi21": [("satpathi21-figure1.png", "Figure 1 of the paper: for widths 1000-10000, ||w(k) - w*_L|| and the distance of the "
                    "perpendicular component shrink at the end of training as the width grows; the third panel shows no trend in m. "
                    "Regenerate with `python -m theorems figure1 --out reports/satpathi21-figure1.png --compare`."),
                   ("satpathi21-dynamics-width-laws.png", "Not a figure of the paper: the measured width laws of Theorems 3 and 4 "
                    "over m = 10^2..10^5 with the theorems' exponents (`python -m theorems report --deep --paper satpathi21`).")],
    "oymak19": [("oymak19-figure3c.png", "Figure 3c of the paper: low-rank regression (d = 100, r = 4), normalised misfit "
                 "against normalised distance is a near-straight line whose length grows with n "
                 "(`python -m theorems report --deep --paper oymak19`).")],
}


def _f(x, fmt=".4g") -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    x = float(x)
    return format(x, fmt) if math.isfinite(x) else ("inf" if x > 0 else "-inf" if x < 0 else "nan")


def _ratio(m) -> float:
    r = m.get("ratio")
    if isinstance(r, str):
        return {"inf": math.inf, "-inf": -math.inf}.get(r, math.nan)
    return float(r)


def _verdict_word(check, counts: Counter) -> str:
    if check is not None and check.erratum:
        return "false as printed" if counts.get(COUNTEREXAMPLE) else "false as printed (counterexample not in this sweep)"
    if counts.get(COUNTEREXAMPLE):
        return "violated"
    if counts.get(INCONSISTENT):
        return "inconsistent"
    if counts.get(OUTSIDE):
        return "measured only: outside envelope"
    decided = sum(v for k, v in counts.items() if k not in (VACUOUS, UNRESOLVED))
    if not decided:
        return "vacuous" if counts.get(VACUOUS) else "unresolved"
    # an unresolved instance could hide a violation: say so beside the word
    rest = f" ({counts[UNRESOLVED]} unresolved)" if counts.get(UNRESOLVED) else ""
    if check is not None and check.regime == MEASURED:
        return "measured only" + rest
    return ("holds" if counts.get("holds") else "consistent") + rest


def _exponents(constants: dict) -> list[str]:
    out = []
    for k in sorted(constants):
        if k.endswith("exponent") and (k + "_ci_lo") in constants:
            out.append(f"{k} {_f(constants[k], '.3g')} [{_f(constants[k + '_ci_lo'], '.3g')}, {_f(constants[k + '_ci_hi'], '.3g')}]")
    return out


#: constant names that say the most about tightness come first in the tables
_PRIORITY = ("sup_", "bound", "effective", "constant", "C_", "c2", "speedup", "deviation", "max_")


def _constants_text(constants: dict, limit: int = 4) -> str:
    ex = _exponents(constants)
    skip = {k for k in constants if "exponent" in k}
    keys = sorted((k for k in constants if k not in skip), key=lambda k: (not any(p in k for p in _PRIORITY), k))
    rest = [f"{k} = {_f(constants[k])}" for k in keys][: max(0, limit - len(ex))]
    return "; ".join(ex + rest) or "-"


def summarise(rows: list[dict], errors: list[dict] = (), audits: dict | None = None) -> list[dict]:
    """Per check (catalog order): counts, worst instance, coverage and the verdict, resting on its
    stored audit (``audits``: check -> ``Store.audits`` row) where it declares ``uniform_in``."""
    by, errs = defaultdict(list), defaultdict(list)
    audits = audits or {}
    for r in rows:
        by[r["check"]].append(r)
    for e in errors:  # error rows of the store (failed, timed-out or lost evaluations)
        errs[e["check"]].append(e)
        by[e["check"]]
    for cid in audits:
        by[cid]
    order = {c.id: i for i, c in enumerate(all_checks())}
    out = []
    for cid in sorted(by, key=lambda c: (order.get(c, 10**6), c)):
        rs = by[cid]
        try:
            chk = get(cid)
        except KeyError:
            chk = None
        counts = Counter(r["measurement"]["verdict"] for r in rs)
        decided = [r for r in rs if r["measurement"]["verdict"] not in (VACUOUS, UNRESOLVED)]
        worst = None
        if decided:
            worst = max(decided, key=lambda r: (_ratio(r["measurement"]) if not math.isnan(_ratio(r["measurement"])) else -math.inf, r["instance_hash"]))
            # ties: the largest ratio, then the largest hash (a fixed, order-free choice)
        regimes = Counter(r["measurement"]["regime"] for r in rs)
        audited = chk is not None and bool(chk.uniform_in)
        out.append({
            "check": cid,
            "paper": cid.split("/")[0],
            "title": chk.title if chk else "(no longer registered)",
            "statement": chk.statement if chk else "",
            "equation": chk.equation if chk else "",
            "regime": chk.regime if chk else "",
            "regimes": dict(sorted(regimes.items())),
            "instances": len(rs),
            "verdicts": dict(sorted(counts.items())),
            "verdict": check_verdict(chk, _verdict_word(chk, counts), audits.get(cid)),
            "audit_verdict": audit_word(audits.get(cid)) if audited or cid in audits else None,
            "audit": audits.get(cid),
            "erratum": str(chk.erratum) if chk and chk.erratum else "",
            "worst_ratio": None if worst is None else worst["measurement"]["ratio"],
            "worst_tolerance": None if worst is None else worst["measurement"]["tolerance"],
            "worst_instance_hash": None if worst is None else worst["instance_hash"],
            "worst_instance": None if worst is None else worst["instance"],
            "constants_at_worst": {} if worst is None else worst["measurement"]["constants"],
            "details_at_worst": {} if worst is None else worst["measurement"]["details"],
            "ratios": [_ratio(r["measurement"]) for r in decided],
            "errors": dict(sorted(Counter(e["kind"] for e in errs[cid]).items())),
            "first_error": errs[cid][0]["error"] if errs[cid] else None,
            "coverage": coverage(chk, [(r["instance"], r["measurement"]) for r in rs]) if chk else [],
        })
    return out


def render(store_path=None, out_dir="reports", version: str | None = None) -> dict:
    """Write the report files for ``version`` (default: the current code version); returns the summary.

    Every link in the pages is relative and points inside ``out_dir``. The whole output is written
    into a temporary folder beside ``out_dir`` and moved into place at the end with a few renames,
    so that a report killed while it reads the store or draws leaves the old pages as they were;
    files in ``out_dir`` that are not report outputs (scripts, the store, other pages) are kept."""
    from theorems._store import code_version

    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out_dir}: not a folder")
    with Store(store_path or DEFAULT_PATH, readonly=True) as store:
        version = version or code_version()
        rows = list(store.rows(version=version))
        errors = store.errors(version=version)
        audits = store.audits(version)
    summary = summarise(rows, errors, audits)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(out)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}{_TMP}{os.getpid()}-"))
    try:
        result = _write(tmp, out, summary, rows, errors, version)
        _move_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


#: infix of the temporary folders beside the output folder (``.<out>.report-tmp-<pid>-<random>``)
_TMP = ".report-tmp-"


def _write(tmp: Path, out: Path, summary, rows, errors, version) -> dict:
    """Write the report into the empty folder ``tmp``; ``out`` is where it will live (the papers'
    figure reproductions are linked only when they are there)."""
    (tmp / "worst").mkdir()
    for s in summary:
        s["worst_instance_file"] = None
        if s["worst_instance"] is not None:
            s["worst_instance_file"] = "worst/" + _write_worst(tmp / "worst", s["check"], s["worst_instance"])
        s["witness_files"] = {p: "worst/" + _write_worst(tmp / "worst", f"{s['check']}.audit-{p}", r["witness"])
                              for p, r in _audit_params(s).items()}
    papers = sorted({s["paper"] for s in summary}, key=lambda p: list(PAPERS).index(p) if p in PAPERS else 99)
    (tmp / "README.md").write_text(_index(summary, version, len(rows), papers))
    for p in papers:
        ps = [s for s in summary if s["paper"] == p]
        made = _figures(p, ps, tmp)
        figures = [(png, text) for png, text in FIGURES.get(p, []) if (out / png).is_file()]
        (tmp / f"{p}-sweep.md").write_text(_page(p, ps, version, made, figures))
    result = {"code_version": version, "rows": len(rows),
              "checks": [{**{k: v for k, v in s.items() if k not in ("ratios", "details_at_worst", "worst_instance", "coverage", "audit")},
                          "coverage_gaps": gaps(s["coverage"])} for s in summary],
              "audits": [_audit_json(s) for s in summary if s["audit"] is not None],
              "results": [{"check": r["check"], "instance_hash": r["instance_hash"], "ratio": r["measurement"]["ratio"],
                           "tolerance": r["measurement"]["tolerance"], "regime": r["measurement"]["regime"], "verdict": r["measurement"]["verdict"]}
                          for r in rows],
              "errors": [{k: e[k] for k in ("check", "instance_hash", "kind", "error")} for e in errors]}
    (tmp / "results.json").write_text(json.dumps(result, sort_keys=True, indent=1, allow_nan=True) + "\n")
    return result


def _outputs() -> set[str]:
    """Every name a report may write at the top of its folder (to remove those it no longer makes)."""
    names = {"README.md", "results.json", "worst"} | {f"{p}-sweep.md" for p in PAPERS} | {f"{p}-ratios.png" for p in PAPERS}
    return names | {_png_name(c.id) for c in all_checks()} | {_audit_png(c.id) for c in all_checks()}


def _move_into_place(tmp: Path, out: Path) -> None:
    """Replace the report outputs in ``out`` by those in ``tmp`` (renames on one file system): the
    old ``worst/`` goes into ``tmp`` (removed with it), outputs not made this time are removed, and
    ``README.md``, the entry page, comes last."""
    out.mkdir(exist_ok=True)
    new = {p.name for p in tmp.iterdir()}
    if (out / "worst").is_dir():
        os.rename(out / "worst", tmp / ".old-worst")
    for name in sorted(_outputs() - new - {"worst"}):
        (out / name).unlink(missing_ok=True)
    for name in sorted(new, key=lambda n: (n == "README.md", n)):
        os.replace(tmp / name, out / name)


def _remove_stale_tmp(out: Path) -> None:
    """Remove temporary folders of reports into ``out`` whose process is gone (killed)."""
    for d in out.parent.glob(f".{out.name}{_TMP}*"):
        try:
            os.kill(int(d.name[len(out.name) + 1 + len(_TMP):].split("-")[0]), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, OSError):  # not ours, or a live process of another user
            pass


#: worst instances whose JSON is larger than this are written gzip-compressed (``.json.gz``)
GZIP_ABOVE = 1 << 20


def _write_worst(folder, check_id: str, instance, gzip_above: int | None = None) -> str:
    """Write a worst instance as ``<check>.json`` (indented), or compact and gzip-compressed with a
    fixed mtime (byte-identical on re-rendering) when its JSON is longer than ``gzip_above``
    characters (default ``GZIP_ABOVE``); returns the file name."""
    import gzip

    gzip_above = GZIP_ABOVE if gzip_above is None else gzip_above
    Path(folder).mkdir(parents=True, exist_ok=True)
    stem = check_id.replace("/", "__")
    text = json.dumps(instance, sort_keys=True, indent=1) + "\n"
    for old in (folder / (stem + ".json"), folder / (stem + ".json.gz")):
        old.unlink(missing_ok=True)
    if len(text) <= gzip_above:
        (folder / (stem + ".json")).write_text(text)
        return stem + ".json"
    compact = json.dumps(instance, sort_keys=True, separators=(",", ":")) + "\n"
    (folder / (stem + ".json.gz")).write_bytes(gzip.compress(compact.encode(), mtime=0))
    return stem + ".json.gz"


def _index(summary, version, nrows, papers) -> str:
    L = ["# Bound-tightness report", "",
         f"Generated by `python -m theorems report` from {nrows} results of code version `{version}` "
         "(the `quick` sweep profile unless stated). Per check: how many instances were evaluated, the worst ratio "
         "(ratio <= 1: the inequality holds / is consistent / is inside the recorded envelope), the constants and "
         "fitted exponents (95% intervals) at the worst instance, and the verdict. `measured` checks prove nothing: "
         "the theorem's own regime was not reached.", "",
         "| check | statement | regime | instances | worst ratio | constants / exponents at the worst instance | verdict | page |",
         "|---|---|---|---|---|---|---|---|"]
    for s in summary:
        anchor = s["check"].replace("/", "").replace(".", "")
        statement = s["statement"].replace("|", "\\|")  # the statements' norms |x| would split the cells
        L.append(f"| `{s['check']}` | {statement} | {s['regime']} | {s['instances']}{_errors_text(s, ' + ')} | {_f(s['worst_ratio'])} | "
                 f"{_constants_text(s['constants_at_worst'])} | {s['verdict']} | [{s['paper']}]({s['paper']}-sweep.md#{anchor}) |")
    audited = [s for s in summary if s["audit_verdict"] is not None]
    if audited:
        L += ["", "## Uniformity audits", "",
              "Checks with a hidden constant (O, Omega, a constant independent of ...): the worst constant followed as each "
              "parameter grows (`python -m theorems audit ID`). A `measured` verdict says `consistent` only where the audit "
              "says `uniform`. Per parameter: the scales reached, the range of the worst constants, the fitted exponent "
              "with its 95% interval, the witness (the worst instance).", "",
              *AUDIT_HEAD]
        L += [_audit_line(s) for s in audited]
    L += ["", "Pages: " + " · ".join(f"[{PAPERS.get(p, p)}]({p}-sweep.md)" for p in papers), ""]
    return "\n".join(L) + "\n"


def _audit_params(s) -> dict:
    """The per-parameter results of a check's stored audit (empty when none, or when it failed)."""
    a = s.get("audit")
    return a["result"]["params"] if a is not None and a["kind"] == "ok" else {}


def _audit_json(s) -> dict:
    """A check's stored audit for ``results.json``: the audit's JSON, its witnesses as files."""
    a = s["audit"]
    out = {"check": s["check"], "kind": a["kind"], "audit_verdict": s["audit_verdict"], "verdict": s["verdict"],
           "error": a["error"], "seconds": round(a["finished"] - a["started"], 3)}
    if a["kind"] == "ok":
        out["params"] = {p: {**{k: v for k, v in r.items() if k != "witness"}, "witness_file": s["witness_files"][p]}
                         for p, r in a["result"]["params"].items()}
    return out


AUDIT_HEAD = ["| check | audit | parameter | scales | worst constant | exponent [95%] | witness | verdict |",
              "|---|---|---|---|---|---|---|---|"]


def _audit_line(s) -> str:
    """One line of the audit table: per parameter (joined by ``<br>``) its scales, worst constants,
    exponent and witness; a failed or missing audit says so."""
    anchor = s["check"].replace("/", "").replace(".", "")
    name = f"[`{s['check']}`]({s['paper']}-sweep.md#{anchor})"
    ps = _audit_params(s)
    if not ps:
        a = s["audit"]
        why = f": {a['error']}" if a is not None and a.get("error") else ""
        return f"| {name} | **{s['audit_verdict']}**{why} | - | - | - | - | - | {s['verdict']} |"
    cells = [[], [], [], [], []]
    for p, r in ps.items():
        wit = short_witness(r["witness"], 40).replace("|", "\\|")
        for cell, text in zip(cells, (f"{p}: {r['verdict']}", f"{_f(r['scales'][0], 'g')} .. {_f(r['scales'][-1], 'g')} ({len(r['scales'])})",
                                      f"{r['constant']} ({r['kind']}): {worst_range(r)}", exponent_text(r),
                                      f"[{wit}]({s['witness_files'][p]})")):
            cell.append(text)
    return f"| {name} | **{s['audit_verdict']}** | " + " | ".join("<br>".join(c) for c in cells) + f" | {s['verdict']} |"


def _errors_text(s, prefix: str = "") -> str:
    """``2 error rows (1 error, 1 timeout)``: the check's error rows by kind; empty when none."""
    n = sum(s["errors"].values())
    return f"{prefix}{n} error rows ({', '.join(f'{v} {k}' for k, v in s['errors'].items())})" if n else ""


def _page(paper, ps, version, made: set[str], figures: list) -> str:
    """The paper's page; ``made``: the figures written for it, ``figures``: the reproductions to show."""
    ratios = f"{paper}-ratios.png"
    L = [f"# {PAPERS.get(paper, paper)}: sweep results", "", f"Code version `{version}`."
         + (f" Ratio histograms: ![ratios]({ratios})" if ratios in made else ""), ""]
    for s in ps:
        L += [f"## {s['check']}", "", f"{s['title']}", "", f"- statement: {s['statement']} ({s['equation']})",
              f"- regime: {s['regime']}; instances: {s['instances']}; verdicts: " + ", ".join(f"{k} {v}" for k, v in s["verdicts"].items()),
              f"- verdict: **{s['verdict']}**; worst ratio {_f(s['worst_ratio'])} (tolerance {_f(s['worst_tolerance'], '.2g')})"]
        if s.get("erratum"):
            L.append(f"- erratum: {s['erratum']}")
        if s["audit_verdict"] is not None:
            L.append(f"- uniformity audit: **{s['audit_verdict']}** (see [Uniformity audits]({s['paper']}-sweep.md#uniformity-audits); "
                     f"`python -m theorems audit {s['check']}`)")
        if s["errors"]:
            L.append(f"- errors: {_errors_text(s)}; first: {s['first_error']} (`python -m theorems sweep --retry-errors` runs them again)")
        if s["worst_instance"] is not None:
            name = s["worst_instance_file"]
            L.append(f"- worst instance: [`{name}`]({name}); re-run from this folder with "
                     f"`python -m theorems eval {s['check']} --instance {name}`")
            L.append("- constants there: " + _constants_text(s["constants_at_worst"], limit=12))
        if _png_name(s["check"]) in made:
            L.append(f"- width law at the worst instance: ![width law]({_png_name(s['check'])})")
        if s["coverage"]:
            short = [r["name"] for r in s["coverage"] if r["gaps"]]
            L += [("- **not covered** by the sweep (declared range only partly reached): " + ", ".join(short)) if short
                  else "- coverage: every declared range reached", "", *coverage_markdown(s["coverage"])]
        L.append("")
    audited = [s for s in ps if s["audit_verdict"] is not None]
    if audited:
        L += ["## Uniformity audits", "", "The worst hidden constant per scale as one parameter grows, the others fixed "
              "(`python -m theorems audit ID`): `uniform` (the 95% interval excludes a 3x drift over the range), `non-uniform` "
              "(an erratum) or `inconclusive`; the verdicts of these checks rest on them.", "", *AUDIT_HEAD]
        L += [_audit_line(s) for s in audited]
        L.append("")
        for s in audited:
            for p, r in _audit_params(s).items():
                L.append(f"- `{s['check']}`, {p}: {r['why']}" + (f"; family: {r['family']}" if r.get("family") else ""))
            if _audit_png(s["check"]) in made:
                L += ["", f"![audit of {s['check']}]({_audit_png(s['check'])})", ""]
        L.append("")
    for png, text in figures:
        L += [f"### {png}", "", text, "", f"![{png}]({png})", ""]
    return "\n".join(L) + "\n"


def _audit_png(cid: str) -> str:
    return cid.replace("/", "-") + "-audit.png"


def _png_name(cid: str) -> str:
    return cid.replace("/", "-") + "-width-law.png"


def _width_law(s):
    d = s["details_at_worst"]
    return isinstance(d, dict) and isinstance(d.get("excess_q90_by_width"), dict) and isinstance(d.get("fit"), dict)


def _figures(paper, ps, out: Path) -> set[str]:
    """Draw the paper's ratio histograms and width laws into ``out``; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    meta = {"Software": None}
    made: set[str] = set()
    shown = [s for s in ps if s["ratios"]]
    if shown:
        cols = 3
        rows = math.ceil(len(shown) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
        for ax, s in zip(axes.ravel(), shown):
            r = [x for x in s["ratios"] if math.isfinite(x) and x > 0]
            if r:
                ax.hist([math.log10(x) for x in r], bins=20, color="tab:blue")
            ax.axvline(0.0, color="tab:red", lw=1)
            ax.set_title(s["check"], fontsize=8)
            ax.set_xlabel("log10 ratio (red: 1)", fontsize=7)
        for ax in axes.ravel()[len(shown):]:
            ax.axis("off")
        fig.tight_layout()
        fig.savefig(out / f"{paper}-ratios.png", dpi=90, metadata=meta)
        plt.close(fig)
        made.add(f"{paper}-ratios.png")
    for s in ps:
        if not _width_law(s):
            continue
        d = s["details_at_worst"]
        pts = sorted((float(w), float(e)) for w, e in d["excess_q90_by_width"].items() if isinstance(e, (int, float)) and e > 0)
        if len(pts) < 2:
            continue
        ws, es = zip(*pts)
        slope, claimed = d["fit"].get("slope"), s["constants_at_worst"].get("claimed_exponent")
        fig, ax = plt.subplots(figsize=(4.5, 3.2))
        ax.loglog(ws, es, "o", label="excess, 0.9 quantile over seeds")
        if isinstance(slope, (int, float)):
            ax.loglog(ws, [es[0] * (w / ws[0]) ** slope for w in ws], "-", label=f"fitted slope {slope:.2f}")
        if isinstance(claimed, (int, float)):
            ax.loglog(ws, [es[0] * (w / ws[0]) ** claimed for w in ws], "--", label=f"theorem's slope {claimed:.3g}")
        ax.set_xlabel("width m")
        ax.set_title(s["check"], fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / _png_name(s["check"]), dpi=90, metadata=meta)
        plt.close(fig)
        made.add(_png_name(s["check"]))
    for s in ps:
        if _audit_figure(plt, s, out / _audit_png(s["check"]), meta):
            made.add(_audit_png(s["check"]))
    return made


def _audit_figure(plt, s, path: Path, meta) -> bool:
    """One small log-log figure of a check's audit: per parameter the worst constant against the
    scale (a point that cannot be drawn on a log axis, <= 0 or not finite, is left out and counted in
    the title). False when there is nothing to draw."""
    ps = _audit_params(s)
    if not ps:
        return False
    fig, axes = plt.subplots(1, len(ps), figsize=(2.8 * len(ps), 2.3), squeeze=False)
    for ax, (p, r) in zip(axes[0], ps.items()):
        pts = [(float(x), float(c)) for x, c in zip(r["scales"], r["worst_constant"])]
        ok = [(x, c) for x, c in pts if math.isfinite(c) and c > 0]
        if ok:
            ax.loglog(*zip(*ok), "o-", ms=3, lw=1)
        ax.set_xlabel(p, fontsize=7)
        ax.set_ylabel(f"worst {r['constant']}", fontsize=7)
        ax.tick_params(labelsize=6)
        left = f", {len(pts) - len(ok)} not drawn" if len(ok) < len(pts) else ""
        ax.set_title(f"{r['verdict']}, e = {exponent_text(r).split(' ')[0]}{left}", fontsize=7)
    fig.suptitle(s["check"], fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=72, metadata=meta)
    plt.close(fig)
    return True
