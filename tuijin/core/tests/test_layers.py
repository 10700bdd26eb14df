"""The house plan holds: every import between tuijin's packages goes down the layers of docs/architecture.md.

Walks every module (imports inside functions included; tests and migrations excepted) and fails on an import of a
package in the same or a higher layer, on a `try/except ImportError` around another package, on a private name
(``_period``) taken from another package, and on another package's management command.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the tuijin package

# Lowest first. A package may import only packages of a lower layer. The libraries (no Django) are at the bottom.
LAYERS = [
    {"sheets", "office"},  # spreadsheets in and out; official documents (Word, PDF)
    {"engine"},  # computation: pure Python and NumPy (reads its files through sheets)
    {"core"},  # zones, periods, scope, the system actor, change history, shared validators
    {"accounts", "exchange"},  # sign-in and tokens; the import framework
    {"org"},  # units and members
    {"campaigns"},
    {"projects"},
    {"promotion"},  # 招商引资: leads to signed projects (through projects.services), capital per project
    {"tickets", "indicators"},
    {"notifications"},  # 待办, 催报/催办, in-app/e-mail/robot notifications, scheduled jobs (reads both below)
    {"enterprises"},
    {"assessment"},
    {"standing"},
    {"bulletins"},
    {"dashboard"},
]
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}
LIBRARIES = LAYERS[0] | LAYERS[1]  # no Django below core
TOP = {"settings", "urls", "cli", "wsgi", "__main__", "__init__"}  # the site's own modules may import anything


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).parts
        if "tests" in rel or "migrations" in rel:
            continue
        yield path, _package(path), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree):
    """(node, imported module, names) for every absolute import of a tuijin module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tuijin."):
                    yield node, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("tuijin."):
            yield node, node.module, [a.name for a in node.names]


def _where(path: Path, node) -> str:
    return f"{path.relative_to(ROOT.parent)}:{node.lineno}"


def test_every_package_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(LAYER) == set(), "add the new package to LAYERS here and in docs/architecture.md"


def test_imports_go_down_the_layers():
    upward = []
    for path, package, tree in _modules():
        if package in TOP:
            continue
        for node, module, _names in _imports(tree):
            other = module.split(".")[1]
            if other == package:
                continue
            if other in TOP or LAYER[other] >= LAYER[package]:  # the site's own modules sit above every package
                upward.append(f"{_where(path, node)}: {package} imports {module}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_libraries_know_nothing_of_django():
    found = []
    for path, package, tree in _modules():
        if package not in LIBRARIES:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            found += [f"{_where(path, node)}: {n}" for n in names if n.split(".")[0] in ("django", "rest_framework")]
    assert not found, "a library imports Django:\n" + "\n".join(found)


def test_no_private_names_commands_or_optional_imports_between_packages():
    found = []
    for path, package, tree in _modules():
        for node, module, names in _imports(tree):
            other = module.split(".")[1]
            if other == package:
                continue
            found += [f"{_where(path, node)}: {module}.{n}" for n in names if n.startswith("_")]
            if ".management.commands." in module + "." or any(n == "commands" for n in names):
                found.append(f"{_where(path, node)}: {module} (another package's command)")
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                    isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                    for h in node.handlers):
                found.append(f"{_where(path, node)}: try/except ImportError")
    assert not found, "\n".join(found)


def test_the_walk_sees_an_upward_import(tmp_path):
    """The check itself can fail: an org module importing the dashboard is caught."""
    tree = ast.parse("def f():\n    from tuijin.dashboard.selectors import cockpit\n")
    hits = [m for _n, m, _ in _imports(tree) if LAYER[m.split(".")[1]] >= LAYER["org"]]
    assert hits == ["tuijin.dashboard.selectors"]


def _saves_a_workbook(tree) -> list:
    """Lines where a module that builds or opens an openpyxl workbook saves something itself."""
    uses_openpyxl = any(
        (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "openpyxl"
         and any(a.name in ("Workbook", "load_workbook") for a in n.names))
        or (isinstance(n, ast.Import) and any(a.name == "openpyxl" for a in n.names))
        for n in ast.walk(tree))
    if not uses_openpyxl:
        return []
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "save"]


def test_every_workbook_is_saved_through_the_one_formula_guard():
    """``sheets.writing.workbook_bytes`` keeps text a spreadsheet would run as a formula as text; a module that saved
    a workbook itself would skip it."""
    found = [_where(path, node) for path, _package, tree in _modules()
             if path != ROOT / "sheets" / "writing.py" for node in _saves_a_workbook(tree)]
    assert not found, "save workbooks with sheets.writing.workbook_bytes:\n" + "\n".join(found)


def test_the_walk_sees_a_workbook_saved_by_hand():
    tree = ast.parse("def f(out):\n    from openpyxl import Workbook\n    wb = Workbook()\n    wb.save(out)\n")
    assert len(_saves_a_workbook(tree)) == 1
