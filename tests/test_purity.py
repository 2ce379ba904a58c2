"""The pure core (DESIGN §1): no clock, files, environment, printing or unseeded randomness.

Only the edge modules may touch the world. The check reads the source with ``ast`` so that a
forbidden call cannot hide behind formatting, and it is itself tested on known-bad snippets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "govops"
# The edge: command line, SQLite store, file loaders, and the module that runs `python -m govops`.
EDGE = {"cli.py", "__main__.py", "loaders.py"}
EDGE_DIRS = {"store"}  # the SQLite store, a package
EDGE_PREFIXES = ("_cli",)

FORBIDDEN_CALLS = {"open", "print", "input", "breakpoint"}
FORBIDDEN_ATTRS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
    ("os", "environ"),
    ("os", "getenv"),
    ("os", "urandom"),
    ("uuid", "uuid1"),
    ("uuid", "uuid4"),
    ("sys", "stdout"),
    ("sys", "stderr"),
}
RANDOM_MODULES = {"random", "secrets"}


def _dotted(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return parts[::-1]


def violations(source: str) -> list[str]:
    """Every impure use in ``source``, as 'line: what'."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_CALLS
        ):
            found.append(f"{node.lineno}: {node.func.id}()")
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if len(dotted) >= 2 and (dotted[-2], dotted[-1]) in FORBIDDEN_ATTRS:
                found.append(f"{node.lineno}: {'.'.join(dotted)}")
            if len(dotted) == 2 and dotted[0] in RANDOM_MODULES and dotted[1] != "Random":
                found.append(f"{node.lineno}: {'.'.join(dotted)} (unseeded randomness)")
        if (
            isinstance(node, ast.Call)
            and _dotted(node.func)[-2:] == ["random", "Random"]
            and not node.args
            and not node.keywords
        ):
            found.append(f"{node.lineno}: random.Random() without a seed")
        if isinstance(node, ast.ImportFrom) and node.module in RANDOM_MODULES:
            names = {a.name for a in node.names} - {"Random"}
            if names:
                found.append(f"{node.lineno}: from {node.module} import {', '.join(sorted(names))}")
    return found


def _core_files() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if p.name not in EDGE
        and not p.name.startswith(EDGE_PREFIXES)
        and not EDGE_DIRS.intersection(p.relative_to(SRC).parts[:-1])
    ]


def test_the_core_has_files_to_check() -> None:
    assert len(_core_files()) >= 8


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_is_pure(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "import datetime\nx = datetime.datetime.now()",
        "import datetime as dt\nx = dt.date.today()",
        "import time\nt = time.time()",
        "print('hi')",
        "with open('f') as fh: pass",
        "import os\nx = os.environ['HOME']",
        "import os\nx = os.getenv('HOME')",
        "import random\nx = random.random()",
        "import random\nr = random.Random()",
        "from random import choice",
        "import uuid\nu = uuid.uuid4()",
    ],
)
def test_checker_catches_impurity(snippet: str) -> None:
    assert violations(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "import random\nr = random.Random(42)",
        "import datetime as dt\nx = dt.date(2026, 1, 1)",
        "def f(now):\n    return now.date()",
    ],
)
def test_checker_allows_pure_code(snippet: str) -> None:
    assert violations(snippet) == []
