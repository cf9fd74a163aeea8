"""The rooms of the program: no import circles, no module reaching for another's private names, core without Qt."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_app"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def _runtime_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Every import the module runs, late ones included; those under ``if TYPE_CHECKING:`` never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in typing_only
    ]


def _base_of(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if MODULES[module].name != "__init__.py":
        parts = parts[:-1]
    parts = parts[: len(parts) - node.level + 1]
    return ".".join([*parts, node.module] if node.module else parts)


def _owner(name: str) -> str | None:
    """The program's module that ``name`` (a module, or a name inside one) belongs to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for node in _runtime_imports(path):
            if isinstance(node, ast.ImportFrom):
                if node.module == "__future__":
                    continue
                base = _base_of(module, node)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                targets = [alias.name for alias in node.names]
            for target in targets:
                owner = _owner(target)
                if owner and owner != module and not module.startswith(owner + "."):
                    graph[module].add(owner)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    assert _circles(_import_graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_names() -> None:
    problems = []
    for module, path in MODULES.items():
        for node in _runtime_imports(path):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            base = _base_of(module, node)
            if _owner(base) in (None, module):
                continue
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("__")]
            if private:
                problems.append(f"{module} imports {', '.join(private)} from {base}")
    assert problems == []


def _top_level_names(path: Path) -> set[str] | None:
    """The names a module defines or imports at its top level; None when it makes names on demand (__getattr__)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(inner.id for target in targets for inner in ast.walk(target) if isinstance(inner, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return None if "__getattr__" in names else names


def test_every_name_imported_from_the_program_exists() -> None:
    problems = []
    for module, path in MODULES.items():
        for node in _runtime_imports(path):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            base = _base_of(module, node)
            if base not in MODULES:
                continue
            defined = _top_level_names(MODULES[base])
            if defined is None:
                continue
            missing = [a.name for a in node.names if a.name not in defined and f"{base}.{a.name}" not in MODULES]
            if missing:
                problems.append(f"{module} imports {', '.join(missing)} from {base}, which has no such name")
    assert problems == []


def test_core_never_imports_qt_or_the_window_or_the_command_line() -> None:
    problems = []
    for module, path in MODULES.items():
        if not module.startswith("desktop_app.core"):
            continue
        for node in _runtime_imports(path):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [_base_of(module, node) if node.level else node.module or ""]
            )
            for name in names:
                if name.startswith(("PySide6", "desktop_app.gui", "desktop_app.cli")):
                    problems.append(f"{module} imports {name}")
    assert problems == []
