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

Failing work does not stop a sweep: an evaluation that raises, runs past ``timeout`` seconds (its
worker is stopped and replaced) or whose worker dies (run again ``LOST_RETRIES`` times) becomes an
error row of the store (kind ``error``, ``timeout``, ``lost``), skipped by later runs until
``retry_errors``. Local workers exit when their driver dies, even by SIGKILL.

Uniformity audits (``theorems._audit.audit``) of the swept checks that declare ``uniform_in`` run
as tasks of the same pool (submitted first: they are the longest), with the same timeout and
failure handling; each is stored once per check and code version (``Store.add_audit``), a failed
one as an audit of kind ``error`` / ``timeout`` / ``lost``, skipped like error rows until
``retry_errors``.
"""
from __future__ import annotations

import collections
import math
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Callable
from multiprocessing.connection import wait

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from hypothesis.errors import HypothesisDeprecationWarning

from theorems._core import InstanceError, UNRESOLVED, VACUOUS
from theorems._core import _jsonable
from theorems._registry import all_checks, get, pinned_cases
from theorems._store import Store, code_version, instance_hash, one_line

PROFILES = ("quick", "full")
SEED = 20260101


def pinned(check) -> list[dict]:
    """The check's pinned cases (worst cases, counterexamples: :func:`theorems._registry.pinned_cases`)."""
    return [c["instance"] for c in pinned_cases() if c["check"] == check.id]


def instances(check, profile: str) -> list[dict]:
    """The deterministic instance list of ``check`` for ``profile``: its pinned cases (known worst
    cases and counterexamples are always in the report), then draws from its strategy. A pure
    function of (check, profile, ``SEED``, code version): the same in every command and process,
    whatever it imported or ran before (tests/framework/test_instance_determinism.py)."""
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
    cross-process test (tests/framework/test_instance_determinism.py) fails."""
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


#: seconds one evaluation may run before it is given up and stored as a ``timeout`` error row
DEFAULT_TIMEOUT = 600.0
#: times a task whose worker died (killed, out of memory) is run again before it is stored as ``lost``
LOST_RETRIES = 2


def _init_worker(threads: int, driver: int | None = None) -> None:
    """Limit this worker to ``threads`` BLAS/OpenMP threads (torch, imported later by the checks that
    need it, takes its thread count from ``OMP_NUM_THREADS``) and make it exit with ``driver``."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    if driver is not None:
        _exit_with(driver)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _exit_with(driver: int) -> None:
    """Make this worker exit when its driver process ``driver`` dies, even by SIGKILL: Linux's
    parent-death signal, and a daemon thread that exits once the worker's parent is no longer the
    driver (other systems; a driver that died before the signal was set)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch():
        while os.getppid() == driver:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-driver").start()


#: the key of the "instance" of a pool task that runs the check's uniformity audit (its value: the
#: parameters to audit, [] for all declared) instead of an evaluation
AUDIT_KEY = "__audit__"


def audit_task(params=None) -> dict:
    """The pool task's instance that runs an audit of ``params`` (default: all declared)."""
    return {AUDIT_KEY: list(params or [])}


def quick_coverage(check) -> list[dict]:
    """The coverage (:func:`theorems._audit.coverage`) of the check's quick-profile instances, not evaluated."""
    from theorems._audit import coverage

    return coverage(check, [(inst, None) for inst in instances(check, "quick")])


def is_audit(instance) -> bool:
    return isinstance(instance, dict) and list(instance) == [AUDIT_KEY]


def evaluate_task(check_id: str, instance: dict) -> tuple[dict | None, str | None, float, float]:
    """Run in a worker: ``(measurement json, error, started, finished)``; ``error`` (the exception,
    one line) when the evaluation raised. For an :func:`audit_task`: the audit's JSON instead."""
    import theorems  # noqa: F401  (registers the checks in a fresh worker)

    started = time.time()
    try:
        if is_audit(instance):
            from theorems._audit import audit

            return audit(get(check_id), instance[AUDIT_KEY] or None), None, started, time.time()
        m = get(check_id).evaluate(instance).to_json()
        return m, None, started, time.time()
    except Exception as exc:  # noqa: BLE001  (stored as an error row by the driver)
        return None, one_line(f"{type(exc).__name__}: {exc}"), started, time.time()


@dataclass
class SweepResult:
    version: str
    planned: int = 0
    skipped: int = 0  # already in the store
    skipped_errors: int = 0  # an error row of this code version is in the store (``retry_errors`` re-runs them)
    written: int = 0
    errors: list = field(default_factory=list)  # (check, instance hash[:12], kind, error) of this run
    remaining_errors: int = 0  # error rows of the swept checks and this code version, after the sweep
    audits_planned: int = 0  # swept checks that declare uniform_in
    audits_skipped: int = 0  # their audit (or its failure) already stored for this code version
    audits_written: int = 0
    audit_errors: list = field(default_factory=list)  # (check, kind, error) of this run's failed audits
    remaining_audit_errors: int = 0  # failed audits of the swept checks and this code version, after the sweep
    seconds: float = 0.0


def sweep(check_ids: list[str] | None = None, *, profile: str = "quick", store_path=None, workers: int | None = None,
          scheduler: str | None = None, progress: bool | None = None, timeout: float = DEFAULT_TIMEOUT,
          retry_errors: bool = False, rows: bool = True, audits: bool = True,
          on_audit: Callable[[str, dict], None] | None = None) -> SweepResult:
    """Evaluate every planned instance not yet in the store (``rows``) and run the uniformity audit
    of every check that declares ``uniform_in`` and has none stored (``audits``); ``on_audit(check,
    stored audit)`` is called as each audit finishes (progress lines). Instances are generated check by check
    (expensive checks, those with the fewest instances, first) and submitted as soon as generated,
    so that the workers start while the driver is still drawing the next check's instances.

    An evaluation that raises, runs past ``timeout`` seconds or whose worker dies (after
    ``LOST_RETRIES`` retries) is stored as an error row and the sweep goes on; instances with an
    error row are skipped. ``retry_errors`` runs only those again (from their stored instances): a
    success replaces the error row, a failure updates it."""
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    checks = [get(c) for c in check_ids] if check_ids else all_checks()
    checks = sorted(checks, key=lambda c: c.sweep.get(profile, 0))  # stable: catalog order within a size
    version = code_version()
    res = SweepResult(version)
    t0 = time.time()
    pool = _DaskPool(scheduler, timeout) if scheduler else _LocalPool(workers, timeout)
    with Store(store_path) if store_path else Store() as store, pool:
        bar = _bar(progress)
        worst = -math.inf

        def record(cid, inst, out, kind):
            nonlocal worst
            m, err, started, finished = out
            if is_audit(inst):
                store.add_audit(**audit_row(cid, out, kind), version=version)
                if err is None:
                    res.audits_written += 1
                else:
                    res.audit_errors.append((cid, kind or "error", err))
                if on_audit is not None:
                    on_audit(cid, store.audits(version)[cid])
            elif err is not None:
                kind = kind or "error"
                store.add_error(check_id=cid, instance=inst, version=version, kind=kind, error=err, started=started, finished=finished)
                res.errors.append((cid, instance_hash(inst)[:12], kind, err))
            else:
                seed = inst.get("seed") if isinstance(inst.get("seed"), int) else None
                res.written += store.add(check_id=cid, instance=inst, version=version, measurement=m, seed=seed, started=started, finished=finished)
                r = m.get("ratio")
                if m["verdict"] not in (VACUOUS, UNRESOLVED) and isinstance(r, (int, float)) and r > worst:
                    worst = r
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"worst ratio {worst:.4g}" if math.isfinite(worst) else "")

        stored = store.audits(version) if audits else {}
        for chk in checks if audits else ():  # the longest tasks first
            if not chk.uniform_in:
                continue
            old = stored.get(chk.id)
            res.audits_planned += 1
            if old is None or (retry_errors and old["kind"] != "ok"):
                pool.submit(chk.id, audit_task())
                if bar is not None:
                    bar.total = (bar.total or 0) + 1
            else:
                res.audits_skipped += 1
        for chk in checks if rows else ():
            if retry_errors:
                todo = [e["instance"] for e in store.errors(version, chk.id)]
                res.planned += len(todo)
            else:
                done, failed, todo = store.done(chk.id, version), store.done(chk.id, version, errors=True), []
                for inst in instances(chk, profile):
                    res.planned += 1
                    h = instance_hash(inst)
                    if h in done:
                        res.skipped += 1
                    elif h in failed:
                        res.skipped_errors += 1
                    else:
                        todo.append(inst)
            for inst in todo:
                pool.submit(chk.id, inst)
                if bar is not None:
                    bar.total = (bar.total or 0) + 1
                    bar.refresh()
            pool.drain(record, block=False)  # write what has finished while generating
        pool.drain(record, block=True)
        if bar is not None:
            bar.close()
        res.remaining_errors = sum(len(store.done(c.id, version, errors=True)) for c in checks) if rows else 0
        failed = {c for c, a in store.audits(version).items() if a["kind"] != "ok"}
        res.remaining_audit_errors = sum(c.id in failed for c in checks if c.uniform_in) if audits else 0
    res.seconds = time.time() - t0
    return res


def audit_row(cid: str, out: tuple, kind: str | None) -> dict:
    """A pool task's outcome for an audit as a stored audit (``Store.add_audit``'s fields)."""
    m, err, started, finished = out
    return {"check_id": cid, "result": m, "kind": "ok" if err is None else kind or "error", "error": err or "",
            "started": started, "finished": finished}


def run_audits(check_ids: list[str], *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT, params=None,
               on_audit: Callable[[str, dict], None] | None = None) -> dict[str, dict]:
    """Run the audits of ``check_ids`` (of ``params``, default all declared) on a local pool, like a
    sweep's tasks (timeouts, dead workers), without a store; returns check -> audit as
    ``Store.audits`` gives it, in the order of ``check_ids``."""
    got: dict = {}
    with _LocalPool(workers, timeout) as pool:
        for cid in check_ids:
            pool.submit(cid, audit_task(params))

        def record(cid, inst, out, kind):
            r = audit_row(cid, out, kind)
            got[cid] = {"check": r.pop("check_id"), **r, "error": r["error"] or None}
            if on_audit is not None:
                on_audit(cid, got[cid])

        pool.drain(record, block=True)
    return {cid: got[cid] for cid in check_ids}


class _Pool:
    """Runs the tasks in a background (manager) thread while the driver draws instances and writes
    results: ``submit``, then ``drain`` the outcomes ``(check, instance, (measurement, error,
    started, finished), kind)`` (``kind``: None, or ``timeout`` / ``lost``). Subclasses give
    ``_step`` (dispatch, wait a little, ``_done`` what finished), ``_shutdown`` (in the thread) and
    ``_open`` / ``_close`` (in the driver)."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.todo: collections.deque = collections.deque()  # (check, instance, retries so far)
        self.out: queue.SimpleQueue = queue.SimpleQueue()
        self.submitted = self.delivered = 0
        self.stop = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="sweep-pool")

    def __enter__(self):
        self._open()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._close()

    def _open(self) -> None:
        pass

    def _close(self) -> None:
        pass

    def _shutdown(self) -> None:
        pass

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                self._step()
        except BaseException as exc:  # noqa: BLE001  (raised again in the driver by drain)
            self.failure = exc
        finally:
            self._shutdown()

    def submit(self, cid: str, inst: dict) -> None:
        self.submitted += 1
        self.todo.append((cid, inst, 0))

    def _done(self, cid: str, inst: dict, out: tuple, kind: str | None = None) -> None:
        self.out.put((cid, inst, out, kind))

    def drain(self, record, block: bool) -> None:
        """``record`` each outcome so far (``block``: until every submitted task has one)."""
        while self.delivered < self.submitted:
            try:
                item = self.out.get(timeout=0.2) if block else self.out.get(block=False)
            except queue.Empty:
                if self.failure is not None:
                    raise self.failure
                if not block:
                    return
                continue
            self.delivered += 1
            record(*item)


class _Slot:
    """One local worker process, its pipe, and the task it runs (with when it started)."""

    def __init__(self, proc, conn):
        self.proc, self.conn = proc, conn
        self.ready, self.task, self.started = False, None, 0.0


_DIED = object()


def _worker_main(conn, threads: int, driver: int) -> None:
    """A local sweep worker: evaluate the tasks the driver sends over ``conn``, one at a time, until
    told to stop (``None``) or the driver dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    _init_worker(threads, driver)
    all_checks()  # import every check before the first task's clock starts
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(evaluate_task(*task))


class _LocalPool(_Pool):
    """``workers`` spawned processes (each limited to ``cores // workers`` BLAS/torch threads), one
    task each at a time: the driver knows when each task started, stops (SIGKILL) a worker whose
    task runs past the timeout, a hung loop in Python or in C alike, and starts a new one; a task
    whose worker died is run again ``LOST_RETRIES`` times. Spawn, not fork: the driver may have
    started torch's OpenMP threads, and a forked child of a threaded parent can deadlock."""

    def __init__(self, workers: int | None, timeout: float):
        super().__init__(timeout)
        self.n = workers or os.cpu_count() or 1
        self.threads = max(1, (os.cpu_count() or 1) // self.n)
        self.ctx = multiprocessing.get_context("spawn")
        self.slots: list[_Slot] = []
        self.failed_starts = 0

    def _spawn(self) -> None:
        # started from the manager thread, so that Linux's parent-death signal fires when the
        # driver dies, and (harmlessly) when this pool's thread ends
        here, there = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(there, self.threads, os.getpid()), daemon=True, name="sweep-worker")
        proc.start()
        there.close()
        self.slots.append(_Slot(proc, here))

    def _retire(self, s: _Slot) -> None:
        s.proc.kill()
        s.proc.join(5)
        s.conn.close()
        self.slots.remove(s)

    def _step(self) -> None:
        busy = sum(s.task is not None for s in self.slots)
        while len(self.slots) < min(self.n, busy + len(self.todo)):  # as many workers as there is work, up to n
            self._spawn()
        if not self.slots:
            time.sleep(0.05)
            return
        for s in self.slots:
            if s.ready and s.task is None and self.todo:
                s.task, s.started = self.todo.popleft(), time.time()
                try:
                    s.conn.send(s.task[:2])
                except OSError:
                    pass  # the worker died: its sentinel says so below
        deadlines = [s.started + self.timeout - time.time() for s in self.slots if s.task is not None]
        ready = set(wait([s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots], timeout=max(0.0, min([0.1] + deadlines))))
        for s in list(self.slots):
            msg = None
            if s.conn in ready:
                try:
                    msg = s.conn.recv()
                except (EOFError, OSError):
                    msg = _DIED
            elif s.proc.sentinel in ready:
                msg = _DIED
            if msg is _DIED:
                self._lost(s)
            elif msg == "ready":
                s.ready, self.failed_starts = True, 0
            elif msg is not None:
                cid, inst, _ = s.task
                s.task = None
                self._done(cid, inst, msg)
            elif s.task is not None and time.time() - s.started > self.timeout:
                self._retire(s)
                cid, inst, _ = s.task
                self._done(cid, inst, (None, f"no result after {self.timeout:g} s (its worker was stopped)", s.started, time.time()), "timeout")

    def _lost(self, s: _Slot) -> None:
        """A worker died: run its task again, or after ``LOST_RETRIES`` retries report it ``lost``."""
        self._retire(s)
        if s.task is None:
            self.failed_starts += not s.ready
            if self.failed_starts > 3:
                raise OSError(f"sweep worker processes die as they start (exit code {s.proc.exitcode})")
            return
        cid, inst, tries = s.task
        if tries < LOST_RETRIES:
            self.todo.appendleft((cid, inst, tries + 1))
        else:
            err = f"its worker process died {tries + 1} times (exit code {s.proc.exitcode}: killed, out of memory?)"
            self._done(cid, inst, (None, err, s.started, time.time()), "lost")

    def _shutdown(self) -> None:
        for s in self.slots:
            try:
                s.conn.send(None) if s.ready and s.task is None else s.proc.kill()
            except OSError:
                pass
        for s in self.slots:
            s.proc.join(2)
            if s.proc.is_alive():
                s.proc.kill()
                s.proc.join()


def _dask_task(check_id: str, instance: dict, timeout: float):
    """On a Dask worker: ``(evaluate_task's result, None)``, or ``((None, error, started, finished),
    worker address)`` when the evaluation runs past ``timeout`` (it goes on in its thread: the
    driver ends that worker's process)."""
    all_checks()  # imports before the clock starts
    box: list = []
    started = time.time()
    th = threading.Thread(target=lambda: box.append(evaluate_task(check_id, instance)), daemon=True)
    th.start()
    th.join(timeout)
    if box:
        return box[0], None
    from distributed import get_worker

    return (None, f"no result after {timeout:g} s (its worker was stopped)", started, time.time()), get_worker().address


class _DaskPool(_Pool):
    """Tasks on an existing Dask cluster, at most one per worker thread in flight. Each task gives
    up its evaluation after the timeout (the driver then ends that worker's process, which stops
    the hung thread: its nanny starts a new one); the driver gives up a task ``2 * timeout + 60`` s after submitting it (a worker stuck
    holding the GIL). Dask runs the tasks of a dead worker again, and ``LOST_RETRIES`` times those
    that failed; a task failing after that is stored ``lost``."""

    def __init__(self, address: str, timeout: float):
        super().__init__(timeout)
        self.address = address
        self.running: dict = {}  # future -> (check, instance, submitted)

    def _open(self) -> None:
        from distributed import Client

        self.client = Client(self.address, timeout="20s")

    def _close(self) -> None:
        self.client.close()

    def _step(self) -> None:
        from distributed import wait as dask_wait
        from distributed.client import FuturesCancelledError

        capacity = max(1, sum(self.client.nthreads().values()))
        while self.todo and len(self.running) < capacity:
            cid, inst, _ = self.todo.popleft()
            fut = self.client.submit(_dask_task, cid, inst, self.timeout, pure=False, retries=LOST_RETRIES)
            self.running[fut] = (cid, inst, time.time())
        if not self.running:
            time.sleep(0.05)
            return
        try:
            dask_wait(list(self.running), timeout=0.2, return_when="FIRST_COMPLETED")
        except (TimeoutError, FuturesCancelledError):  # cancelled ones (scheduler lost) are stored lost below
            pass
        for fut, (cid, inst, submitted) in list(self.running.items()):
            now = time.time()
            if fut.done():
                del self.running[fut]
                if fut.status != "finished":
                    exc = fut.exception() if fut.status == "error" else fut.status
                    self._done(cid, inst, (None, f"{type(exc).__name__}: {exc}", submitted, now), "lost")
                    continue
                out, hung_on = fut.result()
                self._done(cid, inst, out, None if hung_on is None else "timeout")
                if hung_on is not None:  # its thread cannot be stopped: end the process (its nanny starts a new one)
                    with suppress(Exception):  # gone already
                        self.client.run(os._exit, 1, workers=[hung_on], wait=False)
            elif now - submitted > 2 * self.timeout + 60:
                del self.running[fut]
                fut.cancel()
                self._done(cid, inst, (None, f"no result {now - submitted:.0f} s after submission", submitted, now), "timeout")


def _bar(progress: bool | None):
    """A tqdm bar whose total grows as instances are generated; None when not on a TTY."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=0, unit="row", file=sys.stderr, dynamic_ncols=True)
