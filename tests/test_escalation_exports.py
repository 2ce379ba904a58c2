"""The public names of govops.escalation and govops.assessment: a sorted literal ``__all__``, every
name resolves, has a docstring and is in the reference."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["govops.escalation", "govops.assessment"]
REFERENCE = {
    "govops.escalation": (ROOT / "docs" / "reference" / "escalation.md").read_text(
        encoding="utf-8"
    ),
    "govops.assessment": (ROOT / "docs" / "reference" / "assessment.md").read_text(
        encoding="utf-8"
    ),
}


@pytest.mark.parametrize("module_name", PACKAGES)
def test_all_is_a_sorted_literal_of_names_that_resolve(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    (literal,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert isinstance(literal, ast.List)
    names = [ast.literal_eval(elt) for elt in literal.elts]
    assert names == sorted(names) == list(module.__all__)
    for name in names:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{module_name}.{name} has no docstring"
        assert (
            name in REFERENCE[module_name]
            or "automodule:: " + module_name in REFERENCE[module_name]
        )
