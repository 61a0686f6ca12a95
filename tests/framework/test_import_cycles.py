"""No import loops between the project's files (issue 15).

Static: every ``.py`` file under ``models/``, ``theorems/`` and ``tests/`` is parsed with ``ast``, and
every import statement in it counts, at module level or inside a function (a function-level import
is a loop that only waits for its call). ``from P import name`` is an edge to ``P.name`` when that
is a module of the project, else to ``P``; imports of modules outside the project are ignored, and
so are the implicit imports of parent packages (``import a.b`` also runs ``a/__init__``), which
Python resolves without a loop. Any strongly connected component of two or more files, or a file
importing itself, fails the test, named file by file.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("models", "theorems", "tests")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file of the project's packages."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def import_graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (module-level and function-level imports alike)."""
    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from .x import y
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for a in node.names:
                    edges.add(f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base)
        graph[name] = {e for e in edges if e in mods}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import loops: strongly connected components with more than one module, or a self-import
    (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on_stack.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph[v]:
                    out.append(sorted(comp))
    return out


def test_no_import_loops():
    mods = modules()
    loops = cycles(import_graph(mods))
    assert not loops, "import loops: " + "; ".join(" <-> ".join(str(mods[m].relative_to(ROOT)) for m in c) for c in loops)


def test_the_detector_finds_a_function_level_loop(tmp_path):
    pkg = tmp_path / "models"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from models import b\n")
    (pkg / "b.py").write_text("def f():\n    from models.a import g\n")
    (pkg / "c.py").write_text("import models.a\n")
    mods = {k: v for k, v in modules(tmp_path).items()}
    assert cycles(import_graph(mods)) == [["models.a", "models.b"]]
