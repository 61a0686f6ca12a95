"""Regenerate ``reports/e19.md``, ``reports/e19.json``, ``reports/e19-figure1.png`` and
``reports/e19-theorem66-law.png``: the E–Ma–Wang–Wu checks — the errata with their smallest
counterexamples, the sup ratios found by adversarial search (projected gradient ascent over
``I_c(Theta0)`` x the sphere from aligned and boundary starts, and a targeted Hypothesis search),
Lemma 4.4 in its own regime, the training dynamics (measured) and the Figure 1 reproduction.
Run by ``python -m theorems report --deep`` (several minutes on 2 cores):

    python -m theorems report --deep --paper e19
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

import theorems
from theorems.reports import OUT, cell, number, pinned_rows, table
from theorems._registry import all_checks
from theorems._search import hypothesis_search
from theorems._registry import pinned_cases
from theorems._report import _write_worst
from theorems.e19 import dynamics, figure1, gram

#: Hypothesis examples per check (targeted on the ratio); the adversarial ``search`` budget
EXAMPLES = 12
BUDGET = {"e19/lemma6.2/risk": 30, "e19/lemma6.2/distance": 30, "e19/lemma6.2/distance-proof": 30}
DEFAULT_BUDGET = 1
SKIP_SEARCH = ("e19/lemma4.4", "e19/theorem", "e19/proposition5.1", "e19/figure1")
#: worst instances hold every layer's parameters: those over 100 kB are kept gzip-compressed
WORST_GZIP_ABOVE = 100_000


def errata():
    return pinned_rows("e19")


def searches(out: Path):
    rows = []
    for chk in [c for c in all_checks() if c.paper == "e19" and not c.id.startswith(SKIP_SEARCH)]:
        t = time.time()
        inst_h, m_h = hypothesis_search(chk, EXAMPLES, seed=0)
        row = {"check": chk.id, "regime": chk.regime, "erratum": bool(chk.erratum), "hypothesis_worst": m_h.ratio if m_h else None}
        best_inst, best = inst_h, (m_h.ratio if m_h else -math.inf)
        if chk.search is not None:
            res = chk.search(0, BUDGET.get(chk.id, DEFAULT_BUDGET))
            row["ascent_worst"] = res["worst_ratio"]
            if res["worst_ratio"] > best:
                best_inst, best = res["instance"], res["worst_ratio"]
        for case in (c for c in pinned_cases() if c["check"].startswith("e19/")):  # the known worst cases (smallest counterexamples) count too
            if case["check"] == chk.id:
                r = theorems.evaluate(chk.id, case["instance"]).ratio
                row["pinned_worst"] = max(row.get("pinned_worst", -math.inf), r)
                if r > best:
                    best_inst, best = case["instance"], r
        m = theorems.evaluate(chk.id, best_inst)
        row.update(worst_ratio=m.ratio, verdict=m.verdict, seconds=round(time.time() - t, 1),
                   instance_file="e19-worst/" + _write_worst(out / "e19-worst", chk.id, best_inst, gzip_above=WORST_GZIP_ABOVE),
                   constants={k: v for k, v in m.to_json()["constants"].items() if isinstance(v, (int, float))})
        rows.append(row)
        print(f"{chk.id}: {m.verdict} {number(m.ratio)} ({row['seconds']} s)", file=sys.stderr)
    return rows


def lemma44():
    rows = []
    for act in ("relu", "tanh"):
        for n, d, m, delta, seed in ((2, 3, 16, 0.1, 0), (3, 3, 16, 0.1, 1), (3, 5, 64, 0.05, 2), (4, 5, 64, 0.1, 3)):
            inst = gram.event_instance(act, n, d, m, delta, seed, draws=200, spread=0.1)
            r = theorems.evaluate("e19/lemma4.4", inst)
            rows.append({"activation": act, "n": n, "d": d, "m": m, "delta": delta, **{k: r.constants[k] for k in
                         ("lambda_n", "L_req", "frequency", "delta_quantile_lambda_min_H_over_lambda_n", "L_suffices/L_req")},
                         "ratio": r.ratio, "verdict": r.verdict})
    means = []
    X = [[1.0, 0.0], [0.6, 0.8], [-0.8, 0.6]]
    for act in ("relu", "tanh"):
        for m in (1, 4, 16):
            r = theorems.evaluate("e19/lemma4.4/mean", {"activation": act, "X": X, "m": m, "delta": 0.1, "L": 4, "draws": 400, "seed": 0})
            means.append({"activation": act, "m": m, **{k: r.constants[k] for k in ("max_z_vs_K", "max_z_vs_K_m", "z_critical", "rel_gap_to_K",
                                                                                         "lambda_min(K_m)/lambda_n")}, "verdict": r.verdict})
    return {"event": rows, "mean": means}


def training():
    rows, laws = [], {}
    for act in ("relu", "tanh"):
        for labels in ("random", "slow"):
            inst = dynamics.instance(act, 3, 3, 4, 800, 0, labels)
            inst["depths"] = {"L": [50, 100, 200, 400, 800], "seeds": 3}
            out = {"activation": act, "labels": labels, "L": 800}
            for cid in ("theorem7.1", "theorem3.2", "proposition5.1", "theorem6.6"):
                m = theorems.evaluate(f"e19/{cid}", inst)
                out[cid] = {"ratio": m.ratio, "verdict": m.verdict, **{k: v for k, v in m.constants.items() if isinstance(v, (int, float))}}
                if cid == "theorem6.6":
                    laws[f"{act}, {labels} labels"] = m.details
            rows.append(out)
            print(f"training {act} {labels} done", file=sys.stderr)
    return rows, laws


def law_figure(laws, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, det in laws.items():
        Ls, g = np.asarray(det["depths"], float), np.asarray(det["max_gap"])
        ax.loglog(Ls, g, "o-", label=f"{name}: slope {det['fit']['slope']:.2f}")
    Ls = np.asarray(next(iter(laws.values()))["depths"], float)
    g0 = max(np.asarray(d["max_gap"])[0] for d in laws.values())
    ax.loglog(Ls, g0 * (Ls / Ls[0]) ** -1.5, "k--", label="Theorem 6.6: slope -3/2")
    ax.set_xlabel("depth L")
    ax.set_ylabel("sup_t sup_x |f(x; Theta_t) - f~(x; a_t, B0)|")
    ax.set_title("Theorem 6.6: deep net vs random features along the flow (max over 3 seeds)", fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def figure1_png(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(curves), figsize=(4 * len(curves), 3.4))
    for ax, (L, c) in zip(axes, curves.items()):
        s = np.maximum(c["steps"], 1)
        ax.semilogy(s, c["nn"], label="ResNet (nn)")
        ax.semilogy(s, c["rf"], "--", label="random features (rf)")
        ax.set_xscale("log")
        ax.set_title(f"depth {L} (lr {c['eta']:.3g}, gap {c['gap']:.2g})", fontsize=9)
        ax.set_xlabel("GD step")
    axes[0].set_ylabel("training risk R_n")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def _training_row(r) -> tuple:
    t71, t32, p51, t66 = r["theorem7.1"], r["theorem3.2"], r["proposition5.1"], r["theorem6.6"]
    return (r["activation"], r["labels"], number(t71["L*lambda_n^3"]), number(t71["ratio"]), number(t71["rate_ratio"]),
            number(t32["ratio"]), number(t32["rate_ratio"]), number(p51["max_t c_t"]), number(p51["c_n = 8/lambda_n"]),
            f"{number(t66['exponent'], '.3f')} [{number(t66['exponent_lo'], '.3f')}, {number(t66['exponent_hi'], '.3f')}]")


def markdown(res):
    L = ["# E, Ma, Wang, Wu (2019): errata, adversarial sups, Lemma 4.4 in its regime, dynamics, Figure 1", "",
         f"Generated by `python -m theorems report --deep --paper e19` ({res['seconds']:.0f} s). Model: `models/skip_resnet/` "
         "(a depth-L network has L - 1 blocks), kernel `models/skip_resnet/kernel.py`, random features `models/skip_resnet/random_features.py`. "
         "Ratios <= 1: the bound holds (certified: exact for the given parameters, float tolerance derived), is consistent "
         "(estimated: Monte Carlo over initialisations, 95% bounds) or is inside the envelope (measured: proves nothing).", "",
         "## Errata: statements false as printed", "",
         "Each is a strict-xfail test with the smallest counterexample found, beside a passing check of what the proof supports.", "",
         *table("pinned case | check | verdict | ratio | what",
                [(f"`{r['case']}`", f"`{r['check']}`", r["verdict"], number(r["ratio"]), cell(r["note"])) for r in res["errata"]]),
         "", "In short:",
          "- **Proposition 4.2 (alpha)**: `|alpha - 1| <= 5c/L` fails for c > ~4.6; the proof gives `5c^2/L` (holds, ratio <= 0.22).",
          "- **Lemma 4.3 (a-part)**: the proof drops the factor 2 of `R_n = |e|^2/(2n)`: `||grad_a R_n||^2 = 2 R_n` at Theta0 with "
          "one aligned neuron, against `(1 + 50c^2/L) R_n <= 1.5 R_n`. With the 2 restored the bound holds (ratio <= 0.69).",
          "- **Lemma 6.2 (distance)**: the proof gives `|a_t - a*|^2 <= |a0 - a*|^2 + 2t E_n(a*)`, printed without the square; "
          "the printed form fails whenever `2t E_n(a*)` is small, by an unbounded factor.",
          "- **Lemma 6.4**: with `|a|` the Euclidean norm (the reading Theorem 6.6 uses) `|f - f~| <= 6c^2|a|/L` fails already at the "
          "minimum depth (ratio 1.035 at L = 6, c = 1) and its ratio grows like sqrt(L); the proof bounds `sum_l |a(l)|`. "
          "The gradient bound's constant is not 1 (3.79 on the same instance); the proof's own constant holds.",
          "- **E H(Theta0) = K** (the premise of Lemma 4.4) holds for ReLU and fails for tanh at m >= 2: rows of B0 have norm "
          "1/sqrt(m) and tanh is not positively homogeneous, so H concentrates at `K_m` built from `tanh(w.x/sqrt m)`. For n > d, "
          "`lambda_min(K_m)` is ~0.1 lambda_n, so (4.9) fails for tanh at large depth (with L_req ~ 1e8 there, not sampled).",
          "- The recursion (4.3) as printed omits sigma' (exact only where sigma' = 1; `models/skip_resnet/network.py`).", "",
          "## Sup statements: the worst ratio found", "",
          f"Per check: a targeted Hypothesis search ({EXAMPLES} examples, seed 0; the strategies draw d, m, c in 1..10, depths "
          "from the minimum to 10x it (<= 1200 blocks), ReLU and tanh, aligned/boundary/interior starts) and projected gradient "
          "ascent (Adam, B0 moving on its sphere for the deterministic statements; lemma 4.5/4.6 keep B0 and the data fixed), "
          "from starts at c = 10 and L = k c^2 (c = 3 for Lemma 4.3), and the pinned cases (the smallest counterexamples, at c = 1 "
          "to 4.7: the ascent at c = 10 does not reach them for Lemma 6.4, whose ratios are largest at small c). "
          "Lemma 6.2's sup of 1 is the limit t -> 0 with a* = a0 (equality), not a near-violation.", "",
          *table("check | regime | hypothesis worst | ascent worst | pinned cases | worst ratio | verdict | false as printed",
                 [(f"`{r['check']}`", r["regime"], number(r.get("hypothesis_worst")), number(r.get("ascent_worst")),
                   number(r.get("pinned_worst")), number(r["worst_ratio"]), r["verdict"], "yes" if r["erratum"] else "")
                  for r in res["search"]]),
          "", "Every worst instance is in `reports/e19-worst/` (large ones gzip-compressed; `reports/e19.json` names the file, key "
          "`instance_file`): `python -m theorems eval CHECK --instance reports/e19-worst/FILE` re-runs it.",
          "Lemmas 4.5/4.6 are checked as their deterministic core (conditional on Lemma 4.4's event, computed on the draw); the "
          "depth `200 c^2/lambda_n` makes the perturbation tiny: lambda_min(H) stays ~lambda_n, so (4.10) holds with room 2 and "
          "(4.12) with room 4 (the proof also drops the factor 2 there, in the safe direction).", "",
          "## Lemma 4.4 in its own regime", "",
          "At Theta0 H needs only the features, so the lemma runs at its own depth `L_req = 8 ln(n^2/delta)/(m lambda_n^2)` "
          "(200 draws each). `L_suffices` is the smallest depth L_req 2^-j from which the event's frequency is >= 1 - delta.", "",
          *table("act | n | d | m | delta | lambda_n | L_req | frequency | delta-quantile of lambda_min(H)/lambda_n | L_suffices/L_req | ratio | verdict",
                 [(r["activation"], r["n"], r["d"], r["m"], r["delta"], number(r["lambda_n"]), number(r["L_req"]), number(r["frequency"]),
                   number(r["delta_quantile_lambda_min_H_over_lambda_n"]), number(r["L_suffices/L_req"]), number(r["ratio"]), r["verdict"])
                  for r in res["lemma44"]["event"]]),
          "", "The lemma's depth is loose by a factor 30 to 270 here. E H(Theta0) against K (3 points in d = 2, 400 draws, L = 4):", "",
          *table("act | m | max z vs (1-1/L)K | max z vs (1-1/L)K_m | z* | rel. gap to K | lambda_min(K_m)/lambda_n | verdict",
                 [(r["activation"], r["m"], number(r["max_z_vs_K"]), number(r["max_z_vs_K_m"]), number(r["z_critical"]),
                   number(r["rel_gap_to_K"]), number(r["lambda_min(K_m)/lambda_n"]), r["verdict"]) for r in res["lemma44"]["mean"]]),
          "", "## Training dynamics (measured)", "",
          "3 well-separated points in d = 3, m = 4, L = 800 (the depth conditions `L >~ lambda_n^-3` with Proposition 5.1's 3000 "
          "need L ~ 1e8-1e9 here: not reached; `L lambda_n^3` below says how far). GD for Theorem 7.1 at eta = 10 lambda_n / L; "
          "the flow by GD at 0.05/(L lambda_max(H(Theta0))) until L lambda_n t/2 = 3. `slow` labels lie along the eigenvector "
          "of lambda_min(H(Theta0)).", "",
          *table("act | labels | L lambda_n^3 | 7.1: max R_t/bound | 7.1: x faster | 3.2: max R/bound | 3.2: x faster | 5.1: max c_t | "
                 "c_n = 8/lambda_n | 6.6: exponent (95%)", [_training_row(r) for r in res["training"]])]
    L += ["", "Consistent with all four, and loose: the risk decays 4-20x faster than the bounds, Theta moves to an effective "
          "c of 3-8 against c_n ~ 120-230, and the gap to the random-feature model shrinks like L^-2, not L^-3/2 "
          "(the theorem's exponent is loose by ~0.5; its constant c_n^3 n is ~1e7).", "",
          "![Theorem 6.6 law](e19-theorem66-law.png)", "",
          "## Figure 1", "",
          "The paper's Figure 1 shows, for depths 2, 10, 100 and one learning rate per depth shared by the two models, that "
          "GD drives the ResNet's training risk to a global minimum and that for deep networks the ResNet's and the "
          "compositional random-feature model's GD paths stay close. Our run (the setup is in `theorems/e19/figure1.py`: "
          "n = 50 points on S^4, target max(x_1, 0), m = 1, 3000 steps):", ""]
    f = res["figure1"]
    L += [f"- final/initial risk of the depth-100 ResNet: {number(f['constants']['deepest_final_over_initial'])}; of the random-feature model: "
          f"{number(f['constants']['rf_final_over_initial_L100'])} (depth 2: {number(f['constants']['rf_final_over_initial_L2'])}: it cannot fit);",
          f"- gap max_t |R_nn - R_rf| / R(0): {number(f['constants']['gap_L2'])} (depth 2), {number(f['constants']['gap_L10'])} (10), "
          f"{number(f['constants']['gap_L100'])} (100): both claims reproduced ({f['verdict']}).", "",
          "![Figure 1](e19-figure1.png)", ""]
    return "\n".join(L)


def main(out: Path = OUT) -> int:
    """Write this paper's deep report into the directory ``out``; 0 when done."""
    t0 = time.time()
    res = {"errata": errata(), "search": searches(out), "lemma44": lemma44()}
    res["training"], laws = training()
    law_figure(laws, out / "e19-theorem66-law.png")
    curves = figure1.curves()
    fm = figure1.measurement(curves, {"steps": 3000, "n": 50, "d": 5})
    res["figure1"] = {"verdict": fm.verdict, "ratio": fm.ratio, "constants": fm.constants}
    figure1_png(curves, out / "e19-figure1.png")
    res["seconds"] = time.time() - t0
    (out / "e19.md").write_text(markdown(res) + "\n", encoding="utf-8")
    (out / "e19.json").write_text(json.dumps(res, indent=1, default=float) + "\n", encoding="utf-8")
    print(f"wrote {out / 'e19.md'} ({res['seconds']:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
