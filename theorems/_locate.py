"""Where a check lives: its module, its tests and its section of the sweep report, from its id.

The rules (README, "Layout"): a check registered in ``theorems/<paper>/<module>.py`` has its tests
in ``tests/theorems/<paper>/test_<module>.py`` and, where a paper's checks share a test file, in
every other ``tests/theorems/<paper>/test_*.py`` that names the id; its report section is the
heading ``## <id>`` of ``reports/<paper>-sweep.md``, whose anchor is the id without ``/`` and
``.`` (the form :mod:`theorems._report` links to).
"""
from __future__ import annotations

from pathlib import Path

from theorems._registry import get, module_of

ROOT = Path(__file__).resolve().parents[1]


def anchor(check_id: str) -> str:
    """The anchor :mod:`theorems._report` links the heading ``## <check_id>`` by (README table)."""
    return check_id.replace("/", "").replace(".", "")


def locate(check_id: str, root: Path = ROOT) -> dict:
    """``{"module", "tests", "report"}`` of a check, paths relative to the repository root.

    ``module`` is the file that registered the check; ``tests`` the test files found by the rule
    above (possibly empty: the registry contract requires one); ``report`` the page and anchor."""
    check = get(check_id)
    dotted = module_of(check_id)
    module = Path(*dotted.split(".")).with_suffix(".py")
    if not (root / module).exists():  # a package registering in its __init__
        module = Path(*dotted.split("."), "__init__.py")
    folder = root / "tests" / "theorems" / check.paper
    own = folder / f"test_{module.stem}.py"
    tests = [own] if own.exists() else []
    for path in sorted(folder.glob("test_*.py")) if folder.is_dir() else []:
        if path != own and f'"{check_id}"' in path.read_text(encoding="utf-8"):
            tests.append(path)
    return {"module": module.as_posix(), "tests": [p.relative_to(root).as_posix() for p in tests],
            "report": f"reports/{check.paper}-sweep.md#{anchor(check_id)}"}
