"""The results store: one SQLite file, one row per evaluated instance.

Key: ``(check, instance_hash, code_version)``. ``instance_hash`` is the SHA-256 of the instance's
canonical JSON (sorted keys, no whitespace, floats as Python's ``repr``); ``code_version`` is the
git commit of the checkout (``+dirty`` when tracked files outside ``reports/`` have changes), or ``THEOREMS_CODE_VERSION``
when set. Rows written by another code version are kept and never overwritten: a new version
adds its own rows.

WAL journal, one transaction per result (``INSERT OR IGNORE``: a row is written at most once, so
a sweep killed at any point and run again neither loses nor duplicates rows). A file that is not
an SQLite database, or an SQLite database that is not a results store, gives :class:`StoreError`
and is not modified.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

MAGIC = "gd-theorems results store"
SCHEMA_VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "reports" / "results.sqlite"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE results (
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
"""


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
    """``Store(path)`` opens (or creates) a results store; use as a context manager."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH, *, create: bool = True):
        self.path = Path(path)
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{self.path}: no results store there")
        if exists:
            _check_foreign(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            if exists:
                self._validate()
            else:
                self._create()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a results store ({exc})") from None

    def _create(self) -> None:
        with self._tx():
            for stmt in _SCHEMA.strip().split(";"):
                if stmt.strip():
                    self._db.execute(stmt)
            self._db.execute("INSERT INTO meta VALUES ('magic', ?), ('schema', ?)", (MAGIC, str(SCHEMA_VERSION)))

    def _validate(self) -> None:
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: an SQLite file, but not a results store ({exc})") from None
        if meta.get("magic") != MAGIC:
            raise StoreError(f"{self.path}: an SQLite file, but not a results store (no '{MAGIC}' marker)")
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path}: results store of schema {meta.get('schema')}, this code reads {SCHEMA_VERSION}")

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

    def done(self, check_id: str, version: str) -> set[str]:
        """Instance hashes already stored for this check and code version."""
        rows = self._db.execute("SELECT instance_hash FROM results WHERE check_id = ? AND code_version = ?", (check_id, version))
        return {h for (h,) in rows}

    def add(self, *, check_id: str, instance: dict, version: str, measurement: dict, seed: int | None, started: float, finished: float | None = None) -> bool:
        """Write one result in its own transaction; False if that key was already there."""
        m = measurement
        with self._tx():
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

    def versions(self) -> list[str]:
        return [v for (v,) in self._db.execute("SELECT DISTINCT code_version FROM results ORDER BY code_version")]

    def count(self, version: str | None = None) -> int:
        if version is None:
            return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM results WHERE code_version = ?", (version,)).fetchone()[0]


def _check_foreign(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise StoreError(f"{path}: not an SQLite database (corrupted or foreign file); left untouched")
