"""The deep reports: per-paper measurements too slow for the sweep (adversarial searches at the
reports' sizes, width and sample-size laws, figure reproductions), written into ``reports/``.

``python -m theorems report --deep [--paper P]`` runs :func:`deep`; each paper's module has
``main(out) -> int`` (also ``python -m theorems.reports.<module>``). :mod:`.bench_sweep` measures
the sweep's throughput with 1 and 2 workers (``python -m theorems.reports.bench_sweep``).

- :mod:`.satpathi21_dynamics` -- ``satpathi21-dynamics.{md,json}`` and the width-law PNG (6 to 14 minutes);
- :mod:`.oymak19` -- ``oymak19.{md,json}`` and Figure 3c (about 20 minutes on 2 shared cores);
- :mod:`.e19` -- ``e19.{md,json}``, ``e19-worst/``, Figure 1 and the Theorem 6.6 law (several minutes).
"""
from __future__ import annotations

import importlib
import math
from pathlib import Path

#: Where the committed reports live (the default output directory).
OUT = Path(__file__).resolve().parents[2] / "reports"

#: Paper -> the modules of its deep report, in run order.
DEEP = {"satpathi21": ["satpathi21_dynamics"], "oymak19": ["oymak19"], "e19": ["e19"]}


def number(x, fmt: str = ".4g") -> str:
    """A report's number: ``-`` for None, ``inf``/``nan`` as such, else ``format(x, fmt)``."""
    if x is None:
        return "-"
    x = float(x)
    return format(x, fmt) if math.isfinite(x) else str(x)


def cell(text: str) -> str:
    """Text inside a Markdown table cell (its ``|`` escaped)."""
    return text.replace("|", "\\|")


def table(columns: str, rows) -> list[str]:
    """A Markdown table's lines: ``columns`` (``"a | b"``), its rule, then each row (a sequence of cell texts)."""
    n = len(columns.split(" | "))
    return [f"| {columns} |", "|" + "---|" * n] + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]


def pinned_rows(paper: str) -> list[dict]:
    """Every pinned case of ``paper`` (its errata's counterexamples and the corrected checks on them,
    then the worst cases kept as data) evaluated: ``{"case", "check", "verdict", "ratio", "note", "erratum"}``."""
    import theorems
    from theorems._registry import get, pinned_cases

    rows = []
    for case in (c for c in pinned_cases() if c["check"].startswith(paper + "/")):
        m = theorems.evaluate(case["check"], case["instance"])
        rows.append({"case": case["name"], "check": case["check"], "verdict": m.verdict, "ratio": m.ratio, "note": case.get("note", ""),
                     "erratum": str(get(case["check"]).erratum or "")})
    return rows


def deep(papers: list[str] | None = None, out: Path = OUT) -> list[str]:
    """Run the deep report of each paper in ``papers`` (default all) into ``out``; the modules run.

    ``ValueError`` naming the paper when one has no deep report."""
    papers = list(DEEP) if not papers else papers
    unknown = [p for p in papers if p not in DEEP]
    if unknown:
        raise ValueError(f"--paper {unknown[0]!r}: no deep report for it (known: {', '.join(DEEP)})")
    out.mkdir(parents=True, exist_ok=True)
    ran = []
    for paper in papers:
        for name in DEEP[paper]:
            module = importlib.import_module(f"theorems.reports.{name}")
            module.main(out)
            ran.append(module.__name__)
    return ran
