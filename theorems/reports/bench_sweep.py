"""Sweep throughput: rows per second of the ``quick`` profile with 1 and with 2 local workers,
measured in the same run into fresh temporary stores (issue 4's bar: 2 workers >= 1.7x).

    python -m theorems.reports.bench_sweep [--repeat 2]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from theorems._sweep import sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="alternate 1- and 2-worker runs this many times")
    args = ap.parse_args()
    rates = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as d:
        for k in range(args.repeat):
            for w in (1, 2):
                res = sweep(None, profile="quick", store_path=Path(d) / f"w{w}-{k}.sqlite", workers=w, progress=False)
                rates[w].append(res.written / res.seconds)
                print(f"workers={w}: {res.written} rows in {res.seconds:.1f} s = {rates[w][-1]:.2f} rows/s", flush=True)
    for k in range(args.repeat):
        print(f"run {k}: 2 workers / 1 worker = {rates[2][k] / rates[1][k]:.2f}x")


if __name__ == "__main__":
    main()
