"""govops's layers, checked on the import graph.

From the bottom: the shared kernel (errors, time helpers, the record kernel), calendars, rules,
tasks, duties, meetings, escalation, assessment, scenarios and plots; above them the edge (command line,
store, file loaders, serialization). Imports point downward only: a package may import its own modules and those of the layers below
it, never above. A package never imports another package's private (``_name``) modules; the
shared private kernel (``govops._record``, ``govops._time``, ``govops._checks``) is the exception.
The graph is read from the source with ``ast``, so an import cannot hide inside a function.

The imports that still break a rule are listed in ``KNOWN`` with why; the list must match what is
found exactly, so that it only ever shrinks: a new break fails, and so does a mended one still
listed.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "govops"

# Bottom to top. The edge (the command line, the store, file loaders, serialization, the package
# root that re-exports) may import anything.
LAYERS = [
    {"exceptions", "_time", "_version", "_record", "_checks", "_document", "_html"},
    {"calendars"},
    {"rules"},
    {"tasks"},
    {"duties"},
    {"meetings"},
    {"escalation"},
    {"assessment"},
    {"scenarios", "plots"},
]
EDGE_MODULES = {"govops.scenarios.loaders"}  # a file loader that lives beside the scenarios
KERNEL = {"_record", "_time", "_checks", "_document", "_html"}

# What still breaks a rule, and why it is not mended yet.
KNOWN: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def imports(name: str, path: Path) -> set[str]:
    """The govops modules ``name`` imports (a ``from package import module`` names the module)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "govops" or target.startswith("govops."):
                found.add(target)
                found.update(
                    f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "govops")
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _layer(module: str) -> int | None:
    """The layer of ``module``; ``None`` for the edge."""
    if module in EDGE_MODULES:
        return None
    top = _top(module)
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return None


def breaks() -> set[tuple[str, str]]:
    found = set()
    for name, path in MODULES.items():
        for target in imports(name, path):
            mine, theirs = _layer(name), _layer(target)
            upward = mine is not None and theirs is None and _top(target) != _top(name)
            upward = upward or (mine is not None and theirs is not None and theirs > mine)
            private = (
                _top(target) != _top(name)
                and _top(target) not in KERNEL
                and any(part.startswith("_") for part in target.split(".")[2:])
            )
            if upward or private:
                found.add((name, target))
    return found


def test_imports_point_down_and_stay_out_of_other_packages_private_modules() -> None:
    found = breaks()
    new = sorted(found - KNOWN)
    mended = sorted(KNOWN - found)
    assert not new, f"imports that break the layers or reach into a private module: {new}"
    assert not mended, f"mended, so take them off KNOWN: {mended}"


def test_the_check_finds_an_upward_and_a_private_import(tmp_path: Path) -> None:
    path = tmp_path / "_x.py"
    path.write_text("from ..assessment import assess\nfrom ..tasks._ledger import Ledger\n")
    found = imports("govops.rules._x", path)
    assert found == {"govops.assessment", "govops.tasks._ledger"}
    assert _layer("govops.assessment") > _layer("govops.rules._x")  # type: ignore[operator]
    assert _layer("govops.store") is None and _layer("govops.scenarios.loaders") is None


def _private_members(package: str) -> set[str]:
    """The private (``_name``, not dunder) attributes of the classes ``govops.<package>`` exports."""
    import importlib

    module = importlib.import_module(f"govops.{package}")
    names: set[str] = set()
    for exported in vars(module).values():
        if isinstance(exported, type) and exported.__module__.startswith(f"govops.{package}"):
            for klass in exported.__mro__:
                if klass.__module__.startswith(f"govops.{package}"):
                    names.update(vars(klass))
                    names.update(getattr(klass, "__slots__", ()))
    # Names ending in "_" are protocols of other tools (IPython's `_repr_html_`), not private.
    return {n for n in names if n.startswith("_") and not n.endswith("_")}


_PACKAGES = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}


def private_uses(package: str) -> set[tuple[str, str]]:
    """``(module, attribute)`` for each module outside ``govops.<package>`` that reads a private
    member of one of that package's classes (``ledger._log``): what it needs belongs in the
    package's public or ``lowlevel`` interface."""
    members = _private_members(package)
    found = set()
    for name, path in MODULES.items():
        if _top(name) == package:
            continue
        # A name its own package's classes also use is theirs (a journal's own `_log`).
        theirs = members - (_private_members(_top(name)) if _top(name) in _PACKAGES else set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in theirs
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                found.add((name, node.attr))
    return found


def test_no_module_reads_the_private_members_of_the_ledger_and_its_tasks() -> None:
    # A store checks appends and saves entries through govops.tasks.lowlevel, not by reaching
    # into the ledger. (Only names private to the classes of govops.tasks are checked, so that
    # a module's own `_helper` attributes elsewhere are not mistaken for them.)
    assert "_log" in _private_members("tasks") and "_extend" in _private_members("tasks")
    assert private_uses("tasks") == set()
