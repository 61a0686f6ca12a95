"""The results store: one SQLite file, one row per evaluated instance.

Key: ``(check, instance_hash, code_version)``. ``instance_hash`` is the SHA-256 of the instance's
canonical JSON (sorted keys, no whitespace, floats as Python's ``repr``); ``code_version`` is the
git commit of the checkout (``+dirty`` when tracked files outside ``reports/`` have changes), or ``THEOREMS_CODE_VERSION``
when set. Rows written by another code version are kept and never overwritten: a new version
adds its own rows.

WAL journal, one transaction per result (``INSERT OR IGNORE``: a row is written at most once, so
a sweep killed at any point and run again neither loses nor duplicates rows). An instance whose
evaluation failed is an *error row* (table ``errors``, same key; kind ``error``, ``timeout`` or
``lost``, the error in one line) until a later run of the same code version succeeds on it.

Uniformity audits (``theorems._audit.audit``) are stored per check and code version in table
``audits``: the audit's JSON, or its failure (kind ``error``, ``timeout``, ``lost``, one line), so
that a report rebuilt from the same store shows the same audits without running them again.

Schema 3 (schema 1 had no ``errors`` table, schema 2 no ``audits`` table: opening an older store
adds what it lacks, in one transaction, rows kept). Creating a store is idempotent (two processes may create the same new store at once).
A file that is not an SQLite database, an SQLite database that is not a results store, damaged
data pages (``PRAGMA quick_check`` on opening), a folder, or a path whose folder cannot be made
give :class:`StoreError` and leave the file as it is. ``Store(path, readonly=True)`` (used by
``report``) never writes: it also reads a store on a read-only file or folder, and a schema-1
or schema-2 store as it is (no error rows, no audits).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any, Iterator

MAGIC = "gd-theorems results store"
SCHEMA_VERSION = 3
#: older schemas a store is upgraded from in place (read as they are by a read-only store)
UPGRADABLE = ("1", "2")
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "reports" / "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    check_id TEXT NOT NULL,
    instance_hash TEXT NOT NULL,
    code_version TEXT NOT NULL,
    instance TEXT NOT NULL,
    seed INTEGER,
    lhs REAL, rhs REAL, ratio REAL,
    regime TEXT NOT NULL,
    verdict TEXT NOT NULL,
    tolerance REAL,
    constants TEXT NOT NULL,
    measurement TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL NOT NULL,
    PRIMARY KEY (check_id, instance_hash, code_version)
);
CREATE TABLE IF NOT EXISTS errors (
    check_id TEXT NOT NULL,
    instance_hash TEXT NOT NULL,
    code_version TEXT NOT NULL,
    instance TEXT NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL NOT NULL,
    PRIMARY KEY (check_id, instance_hash, code_version)
);
CREATE TABLE IF NOT EXISTS audits (
    check_id TEXT NOT NULL,
    code_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    result TEXT,
    error TEXT,
    started REAL NOT NULL,
    finished REAL NOT NULL,
    PRIMARY KEY (check_id, code_version)
);
"""
#: kinds of error rows: the evaluation raised; it ran past the timeout; its worker died, retries included
ERROR_KINDS = ("error", "timeout", "lost")


class StoreError(Exception):
    """The file is not a results store (corrupted, foreign, or of an unknown schema)."""


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def instance_hash(instance: dict) -> str:
    return hashlib.sha256(canonical_json(instance).encode()).hexdigest()


#: tracked paths that hold outputs, not code: changing them (``report`` rewrites ``reports/``) does
#: not make the checkout ``+dirty``
OUTPUT_PATHS = ("reports",)


def code_version(root: Path | None = None) -> str:
    """The code version of the checkout at ``root`` (default: this project's)."""
    env = os.environ.get("THEOREMS_CODE_VERSION")
    if env:
        return env
    root = Path(__file__).resolve().parents[1] if root is None else Path(root)
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *(f":!{p}" for p in OUTPUT_PATHS)],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return "gd-theorems " + version("gd-theorems")
        except PackageNotFoundError:
            return "unknown"


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None  # SQLite REAL has no inf/nan; the JSON keeps them


class Store:
    """``Store(path)`` opens (or creates) a results store; use as a context manager.

    ``readonly=True`` opens an existing store without ever writing (SQLite ``mode=ro``, and
    ``immutable=1`` when its folder is not writable, where SQLite could not make its WAL index).
    """

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: a folder, not a results store")
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise StoreError(f"{self.path}: no results store there")
        if exists:
            _check_foreign(self.path)
        try:
            if readonly:
                uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
                if not os.access(self.path.parent, os.W_OK):
                    uri += "&immutable=1"
                self._db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            else:
                if exists and not os.access(self.path, os.W_OK):
                    raise StoreError(f"{self.path}: the store is read-only (report can read it; a sweep writes to it)")
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot make the store's folder ({exc.strerror or exc})") from None
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
        try:
            if readonly:
                self.schema = self._validate(upgradable=True)  # an older store reads as one without error rows / audits
            else:
                with self._tx():  # BEGIN IMMEDIATE: a concurrent creator finishes first
                    self._create_or_upgrade()
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            bad = [r for (r,) in self._db.execute("PRAGMA quick_check") if r != "ok"]
            if bad:
                raise StoreError(f"{self.path}: damaged data pages ({bad[0]}); restore it or sweep into a new store")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a results store, or a damaged one ({exc})") from None
        except StoreError:
            self._db.close()
            raise

    def _create_or_upgrade(self) -> None:
        """In the caller's transaction: make the tables of an empty database (idempotent: ``IF NOT
        EXISTS``, ``INSERT OR IGNORE``), or validate a store and upgrade schema 1 or 2 to 3."""
        tables = {t for (t,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path}: an SQLite file, but not a results store (no '{MAGIC}' marker)")
        if not tables:
            self._db.execute(_SCHEMA.strip().split(";")[0])
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('magic', ?), ('schema', ?)", (MAGIC, str(SCHEMA_VERSION)))
        schema = self._validate(upgradable=True)
        for stmt in _SCHEMA.strip().split(";"):  # the tables of a new store, those an older one lacks
            if stmt.strip():
                self._db.execute(stmt)
        if schema in UPGRADABLE:
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))
        self.schema = str(SCHEMA_VERSION)

    def _validate(self, upgradable: bool = False) -> str:
        """The store's schema version (StoreError unless a results store this code reads; the
        ``UPGRADABLE`` schemas too when ``upgradable``)."""
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: an SQLite file, but not a results store ({exc})") from None
        if meta.get("magic") != MAGIC:
            raise StoreError(f"{self.path}: an SQLite file, but not a results store (no '{MAGIC}' marker)")
        schema = meta.get("schema")
        if schema != str(SCHEMA_VERSION) and not (upgradable and schema in UPGRADABLE):
            raise StoreError(f"{self.path}: results store of schema {schema}, this code reads {SCHEMA_VERSION}")
        return schema

    def _tx(self):
        db = self._db

        class _T:
            def __enter__(self_):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self_, et, ev, tb):
                db.execute("COMMIT" if et is None else "ROLLBACK")
                return False

        return _T()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ rows

    def done(self, check_id: str, version: str, errors: bool = False) -> set[str]:
        """Instance hashes already stored for this check and code version (``errors``: those of its
        error rows instead)."""
        if errors and self.schema == "1":
            return set()
        table = "errors" if errors else "results"
        rows = self._db.execute(f"SELECT instance_hash FROM {table} WHERE check_id = ? AND code_version = ?", (check_id, version))
        return {h for (h,) in rows}

    def add(self, *, check_id: str, instance: dict, version: str, measurement: dict, seed: int | None, started: float, finished: float | None = None) -> bool:
        """Write one result in its own transaction (removing its error row, if any); False if that
        key was already there."""
        m = measurement
        with self._tx():
            self._db.execute("DELETE FROM errors WHERE check_id = ? AND instance_hash = ? AND code_version = ?",
                             (check_id, instance_hash(instance), version))
            cur = self._db.execute(
                "INSERT OR IGNORE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (check_id, instance_hash(instance), version, canonical_json(instance), seed,
                 _num(m["lhs"]) if isinstance(m["lhs"], (int, float)) else None,
                 _num(m["rhs"]) if isinstance(m["rhs"], (int, float)) else None,
                 _num(m["ratio"]) if isinstance(m["ratio"], (int, float)) else None,
                 m["regime"], m["verdict"], m.get("tolerance"), canonical_json(m.get("constants", {})), canonical_json(m),
                 started, time.time() if finished is None else finished),
            )
        return cur.rowcount == 1

    def rows(self, version: str | None = None, check_id: str | None = None) -> Iterator[dict]:
        """Rows in a fixed order (check, instance hash), as dicts with the measurement parsed."""
        q, args = "SELECT check_id, instance_hash, code_version, instance, seed, measurement FROM results", []
        cond = []
        if version is not None:
            cond.append("code_version = ?")
            args.append(version)
        if check_id is not None:
            cond.append("check_id = ?")
            args.append(check_id)
        if cond:
            q += " WHERE " + " AND ".join(cond)
        q += " ORDER BY check_id, instance_hash, code_version"
        for cid, h, ver, inst, seed, meas in self._db.execute(q, args):
            yield {"check": cid, "instance_hash": h, "code_version": ver, "instance": json.loads(inst), "seed": seed, "measurement": json.loads(meas)}

    def add_error(self, *, check_id: str, instance: dict, version: str, kind: str, error: str, started: float, finished: float) -> None:
        """Write (or replace) the error row of one instance: ``kind`` one of ``ERROR_KINDS``, ``error``
        made one line."""
        if kind not in ERROR_KINDS:
            raise ValueError(f"error kind must be one of {', '.join(ERROR_KINDS)}, got {kind!r}")
        with self._tx():
            self._db.execute("INSERT OR REPLACE INTO errors VALUES (?,?,?,?,?,?,?,?)",
                             (check_id, instance_hash(instance), version, canonical_json(instance), kind, one_line(error), started, finished))

    def errors(self, version: str | None = None, check_id: str | None = None) -> list[dict]:
        """Error rows in a fixed order (check, instance hash, code version), the instance parsed."""
        if self.schema == "1":  # opened read-only, not upgraded
            return []
        q, cond, args = "SELECT check_id, instance_hash, code_version, instance, kind, error, started, finished FROM errors", [], []
        for col, val in (("code_version", version), ("check_id", check_id)):
            if val is not None:
                cond.append(f"{col} = ?")
                args.append(val)
        q += (" WHERE " + " AND ".join(cond) if cond else "") + " ORDER BY check_id, instance_hash, code_version"
        keys = ("check", "instance_hash", "code_version", "instance", "kind", "error", "started", "finished")
        return [dict(zip(keys, (*r[:3], json.loads(r[3]), *r[4:]))) for r in self._db.execute(q, args)]

    # ---------------------------------------------------------------- audits

    def add_audit(self, *, check_id: str, version: str, result: dict | None = None, kind: str = "ok",
                  error: str = "", started: float, finished: float) -> None:
        """Write (or replace) the audit of ``check_id`` for ``version``: ``result`` (JSON-ready) with
        kind ``ok``, or a failure of one of ``ERROR_KINDS`` with its ``error`` (made one line)."""
        if kind != "ok" and kind not in ERROR_KINDS:
            raise ValueError(f"audit kind must be 'ok' or one of {', '.join(ERROR_KINDS)}, got {kind!r}")
        with self._tx():
            self._db.execute("INSERT OR REPLACE INTO audits VALUES (?,?,?,?,?,?,?)",
                             (check_id, version, kind, None if result is None else canonical_json(result),
                              one_line(error) if error else None, started, finished))

    def audits(self, version: str | None = None) -> dict[str, dict]:
        """The stored audits of ``version`` (all versions: keyed ``(check, version)``), each
        ``{"check", "code_version", "kind", "result", "error", "started", "finished"}`` with the
        result parsed; empty for an older store opened read-only."""
        if self.schema in UPGRADABLE:
            return {}
        q, args = "SELECT check_id, code_version, kind, result, error, started, finished FROM audits", []
        if version is not None:
            q, args = q + " WHERE code_version = ?", [version]
        keys = ("check", "code_version", "kind", "result", "error", "started", "finished")
        out = {}
        for r in self._db.execute(q + " ORDER BY check_id, code_version", args):
            a = dict(zip(keys, r))
            a["result"] = None if a["result"] is None else json.loads(a["result"])
            out[a["check"] if version is not None else (a["check"], a["code_version"])] = a
        return out

    def checks(self, version: str) -> list[str]:
        """The checks with results or error rows of ``version``."""
        q = "SELECT check_id FROM results WHERE code_version = ?"
        if self.schema != "1":
            q += " UNION SELECT check_id FROM errors WHERE code_version = ?"
        return [c for (c,) in self._db.execute(q + " ORDER BY check_id", (version,) * (1 if self.schema == "1" else 2))]

    def versions(self) -> list[str]:
        return [v for (v,) in self._db.execute("SELECT DISTINCT code_version FROM results ORDER BY code_version")]

    def count(self, version: str | None = None) -> int:
        if version is None:
            return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM results WHERE code_version = ?", (version,)).fetchone()[0]


def one_line(text: str, limit: int = 500) -> str:
    """``text`` on one line (whitespace runs made one space), at most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_foreign(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise StoreError(f"{path}: not an SQLite database (corrupted or foreign file); left untouched")
