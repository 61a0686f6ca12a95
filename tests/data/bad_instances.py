"""The bad-input corpus (issue 16) for the command line: the refusals every check declares
(``Check.refuses``, in ``theorems/<paper>/_refusals.py``), unreadable files, and schema-valid
instances with extreme values. Each :class:`Case` names the check, builds the instance, and says
what the one-line error must contain (``field 'NAME'`` or the bare field name); ``edge`` marks sizes
just above a default limit (``"memory"`` or ``"work"``), which the tests confirm with the estimate itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import theorems
from theorems._refusals import w
from theorems.e19._refusals import e19_dyn, e19_gram, e19_params, e19_rff
from theorems.oymak19._refusals import glm, linear


@dataclass(frozen=True)
class Case:
    name: str
    check: str
    build: Callable[[], Any]  # -> the instance (a JSON value)
    needle: str  # must appear in the error line
    edge: str = ""  # "memory" | "work": just above that default limit
    flags: tuple = field(default_factory=tuple)  # extra command-line flags


S, O, E = "satpathi21", "oymak19", "e19"
#: every error refusal the checks declare (``Check.refuses``), run here through the command line
CASES = [Case(r.name, c.id, r.build, r.needle, r.edge) for c in theorems.checks() for r in c.refuses if not r.hypothesis]


#: files that are not instances: (name, what to write, the error's phrase)
FILES = [
    ("nested JSON", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ("truncated gzip", lambda p: p.write_bytes(_gzip(b'{"X": [[1.0, 1.0]]}')[:-8]), "truncated or corrupt gzip"),
    ("corrupt gzip", lambda p: p.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4), "truncated or corrupt gzip"),
    ("not gzip at all", lambda p: p.write_bytes(b"PK\x03\x04 a zip file"), "truncated or corrupt gzip"),
    ("binary", lambda p: p.write_bytes(bytes(range(128, 256)) * 8), "not a UTF-8 text file"),
    ("empty", lambda p: p.write_text(""), "malformed JSON"),
    ("a list, not an object", lambda p: p.write_text("[1, 2]"), "must be a JSON object"),
    ("a 5000-digit integer", lambda p: p.write_text('{"X": [[' + "9" * 5000 + "]]}"), "unreadable JSON number"),
]


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


#: schema-valid instances with extreme values: each is refused (exit 2) or evaluates to a measurement
#: whose verdict is never decided by a non-finite number
EXTREME = [
    Case("lemma6.2 distance t 1e308", f"{E}/lemma6.2/distance", w(e19_rff, t=1e308), ""),
    Case("lemma6.2 a_star 1e300", f"{E}/lemma6.2/distance-proof", w(e19_rff, a_star=[[1e300, 0.0]] * 2), ""),
    Case("corollary2.3 step 1e308", f"{O}/corollary2.3", w(linear, step_size=1e308), ""),
    Case("theorem2.1 step 1e300", f"{O}/theorem2.1/rate", w(linear, step_size=1e300), ""),
    Case("theorem2.1 X 1e200", f"{O}/theorem2.1/potential", w(linear, X=[[1e200, 0.0, 0.0], [0.0, 1e200, 0.0]]), ""),
    Case("theorem3.1 nu 1e308", f"{O}/theorem3.1", w(linear, nu=1e308), ""),
    Case("theorem4.1 slope 1e308", f"{O}/theorem4.1", w(glm, activation={"name": "slope-tanh", "slope": 1e308}), ""),
    Case("theorem2.4 thetas 1e300", f"{O}/theorem2.4/lower", w(linear, thetas=[[1e300, 1e300, 1e300]]), ""),
    Case("lemma4.3 c 1e300", f"{E}/lemma4.3/B", w(e19_params, c=1e300), ""),
    Case("proposition4.2 c 1e-300", f"{E}/proposition4.2/beta", w(e19_params, c=1e-300), ""),
    Case("theorem7.1 kappa 1e-300", f"{E}/theorem7.1", w(e19_dyn, kappa=1e-300), ""),
    Case("lemma4.4 delta 1e-300", f"{E}/lemma4.4", w(e19_gram, delta=1e-300, L=None), ""),
]
