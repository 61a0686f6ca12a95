"""Sweeps: evaluate checks over many instances and write every result to the store.

The instances of a check for a profile (``quick``: the committed reports, minutes on 2 cores;
``full``) are drawn from its Hypothesis strategy with a fixed seed (generation only, no
shrinking, no database), invalid ones dropped, duplicates removed: the same command always gives
the same instances. Instances already in the store for this code version are skipped, so a
killed sweep resumes where it stopped; only this (driver) process writes to the store, one
transaction per result, in completion order (the store's key makes the order irrelevant).

Execution: a local pool of ``workers`` spawned processes (each limited to ``cores // workers``
BLAS/torch threads), or an existing Dask distributed cluster (``scheduler="tcp://host:port"``). A tqdm
progress bar (counts, ETA, worst ratio so far) is shown on a TTY only.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from hypothesis.errors import HypothesisDeprecationWarning

from theorems._core import InstanceError, UNRESOLVED, VACUOUS
from theorems._core import _jsonable
from theorems._registry import all_checks, get
from theorems._store import Store, code_version, instance_hash

PROFILES = ("quick", "full")
SEED = 20260101


def pinned(check) -> list[dict]:
    """The check's pinned cases (``theorems/data/pinned.json``: worst cases, counterexamples)."""
    import json
    from pathlib import Path

    path = Path(__file__).with_name("data") / "pinned.json"
    return [c["instance"] for c in json.loads(path.read_text()) if c["check"] == check.id]


def instances(check, profile: str) -> list[dict]:
    """The deterministic instance list of ``check`` for ``profile``: its pinned cases (known worst
    cases and counterexamples are always in the report), then draws from its strategy. A pure
    function of (check, profile, ``SEED``, code version): the same in every command and process,
    whatever it imported or ran before (tests/test_instance_determinism.py)."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    n = int(check.sweep.get(profile, 0))
    drawn: list = []

    # parent: the default profile, not whichever one is loaded (the pytest plugin loads ci/dev/thorough)
    @settings(settings.get_profile("default"), max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hseed(SEED)
    @given(check.strategy())
    def collect(inst):
        drawn.append(inst)

    if n > 0:
        with warnings.catch_warnings(), _no_local_constants():
            # Hypothesis flags any change of the global `random` state while it generates; with a
            # Dask client, the client's own threads draw from `random` meanwhile. The draws here
            # come from Hypothesis's seeded generator only, so they are unaffected.
            warnings.filterwarnings("ignore", message="Do not use the `random` module", category=HypothesisDeprecationWarning)
            collect()
    out, seen = [], set()
    for inst in pinned(check) + drawn:
        inst = _jsonable(inst)
        try:
            check.spec.validate(inst)
        except InstanceError:
            continue
        h = instance_hash(inst)
        if h not in seen:
            seen.add(h)
            out.append(inst)
    return out


@contextmanager
def _no_local_constants():
    """Draw without Hypothesis's pool of "local constants" (recent Hypothesis versions): with a small
    probability a draw takes a literal found in the source of any imported module that is not
    installed in site-packages (here: every ``theorems`` module loaded so far), so the instances
    depended on which modules the command had imported (``report`` imports ``theorems._report``,
    ``sweep`` does not). Within this block the pool is empty, and the cache of constants allowed
    per draw (computed from the pool) is cleared on entry and exit, so that draws before or after
    (e.g. under pytest) neither leak in nor see ours. Uses Hypothesis internals: if they move, the
    cross-process test (tests/test_instance_determinism.py) fails."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        original, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
    except (ImportError, AttributeError):  # an older or newer Hypothesis without that pool
        yield
        return
    empty = Constants()
    providers._get_local_constants = lambda: empty
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def _init_worker(threads: int) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        import torch

        torch.set_num_threads(threads)
    except Exception:  # noqa: BLE001  (torch is optional for most checks)
        pass


def evaluate_task(check_id: str, instance: dict) -> tuple[dict | None, str | None, float, float]:
    """Run in a worker: ``(measurement json, error, started, finished)``."""
    import theorems  # noqa: F401  (registers the checks in a fresh worker)

    started = time.time()
    try:
        m = get(check_id).evaluate(instance).to_json()
        return m, None, started, time.time()
    except Exception as exc:  # noqa: BLE001  (reported by the driver, never stored)
        return None, f"{type(exc).__name__}: {exc}", started, time.time()


@dataclass
class SweepResult:
    version: str
    planned: int = 0
    skipped: int = 0  # already in the store
    written: int = 0
    errors: list = field(default_factory=list)
    seconds: float = 0.0


def sweep(check_ids: list[str] | None = None, *, profile: str = "quick", store_path=None, workers: int | None = None,
          scheduler: str | None = None, progress: bool | None = None) -> SweepResult:
    """Evaluate every planned instance not yet in the store. Instances are generated check by check
    (expensive checks, those with the fewest instances, first) and submitted as soon as generated,
    so that the workers start while the driver is still drawing the next check's instances."""
    checks = [get(c) for c in check_ids] if check_ids else all_checks()
    checks = sorted(checks, key=lambda c: c.sweep.get(profile, 0))  # stable: catalog order within a size
    version = code_version()
    res = SweepResult(version)
    t0 = time.time()
    with Store(store_path) if store_path else Store() as store, _Executor(scheduler, workers) as ex:
        bar = _bar(progress)
        worst = -math.inf

        def record(cid, inst, out):
            nonlocal worst
            m, err, started, finished = out
            if err is not None:
                res.errors.append((cid, instance_hash(inst)[:12], err))
            else:
                seed = inst.get("seed") if isinstance(inst.get("seed"), int) else None
                res.written += store.add(check_id=cid, instance=inst, version=version, measurement=m, seed=seed, started=started, finished=finished)
                r = m.get("ratio")
                if m["verdict"] not in (VACUOUS, UNRESOLVED) and isinstance(r, (int, float)) and r > worst:
                    worst = r
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"worst ratio {worst:.4g}" if math.isfinite(worst) else "")

        for chk in checks:
            done = store.done(chk.id, version)
            for inst in instances(chk, profile):
                res.planned += 1
                if instance_hash(inst) in done:
                    res.skipped += 1
                else:
                    ex.submit(chk.id, inst)
                    if bar is not None:
                        bar.total = (bar.total or 0) + 1
                        bar.refresh()
            ex.drain(record, block=False)  # write what has finished while generating
        ex.drain(record, block=True)
        if bar is not None:
            bar.close()
    res.seconds = time.time() - t0
    return res


class _Executor:
    """A spawned local process pool, or a Dask client; ``submit`` then ``drain`` results."""

    def __init__(self, scheduler: str | None, workers: int | None):
        self.scheduler, self.workers = scheduler, workers
        self.pending: dict = {}

    def __enter__(self):
        if self.scheduler:
            from distributed import Client

            self.client = Client(self.scheduler, timeout="20s")
            self.pool = None
        else:
            workers = self.workers or os.cpu_count() or 1
            threads = max(1, (os.cpu_count() or 1) // workers)
            # spawn, not fork: the driver may have started torch's OpenMP threads (strategies that
            # build parameters with torch), and a forked child of a threaded parent can deadlock
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(threads,))
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        else:
            self.client.close()

    def submit(self, cid: str, inst: dict) -> None:
        if self.pool is not None:
            fut = self.pool.submit(evaluate_task, cid, inst)
        else:
            fut = self.client.submit(evaluate_task, cid, inst, pure=False)
        self.pending[fut] = (cid, inst)

    def drain(self, record, block: bool) -> None:
        if not block:
            for fut in [f for f in self.pending if f.done()]:
                record(*self.pending.pop(fut), fut.result())
            return
        if self.pool is not None:
            it = as_completed(list(self.pending))
        else:
            from distributed import as_completed as dask_completed

            it = dask_completed(list(self.pending))
        for fut in it:
            record(*self.pending.pop(fut), fut.result())


def _bar(progress: bool | None):
    """A tqdm bar whose total grows as instances are generated; None when not on a TTY."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=0, unit="row", file=sys.stderr, dynamic_ncols=True)
