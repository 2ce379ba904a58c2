"""Every public name resolves, is documented, and ``__all__`` is a literal, sorted list."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import govops

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
PACKAGES = [
    "govops",
    "govops.assessment",
    "govops.calendars",
    "govops.duties",
    "govops.escalation",
    "govops.exceptions",
    "govops.meetings",
    "govops.meetings.presets",
    "govops.pandas",
    "govops.plots",
    "govops.rules",
    "govops.scenarios",
    "govops.serialization",
    "govops.tasks",
]
# Names documented wholesale by an ``automodule`` directive in the reference.
AUTOMODULE_NAMES = {
    name
    for module in re.findall(r"\.\. automodule:: (\S+)", REFERENCE)
    for name in getattr(importlib.import_module(module), "__all__", ())
}


@pytest.mark.parametrize("module_name", PACKAGES)
def test_all_is_a_sorted_literal(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    literal = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(literal) == 1 and isinstance(literal[0], ast.List)
    names = [ast.literal_eval(elt) for elt in literal[0].elts]
    assert names == sorted(names)
    assert names == list(module.__all__)


@pytest.mark.parametrize("name", govops.__all__)
def test_public_name_resolves_and_is_documented(name: str) -> None:
    obj = getattr(govops, name)
    if name == "__version__":
        assert obj == "0.1.0"
        return
    assert inspect.getdoc(obj), f"govops.{name} has no docstring"
    documented = f"govops.{name}" in REFERENCE or name in AUTOMODULE_NAMES
    assert documented, f"govops.{name} is not mentioned in the docs"


@pytest.mark.parametrize("name", [n for n in govops.exceptions.__all__ if n != "GovopsError"])
def test_every_error_is_a_govops_error_and_a_builtin(name: str) -> None:
    cls = getattr(govops.exceptions, name)
    assert issubclass(cls, govops.GovopsError)
    assert issubclass(cls, (ValueError, TypeError, OSError))
