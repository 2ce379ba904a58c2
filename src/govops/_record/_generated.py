"""Generated code that tracebacks and debuggers can show.

govops generates a few functions from a class's own attrs fields (building events slot by slot,
freezing task states, decoding stored rows). Each is compiled under a file name of its own whose
source is registered in :mod:`linecache`, as attrs does for the methods it generates, so that a
traceback through one shows its lines rather than ``File "<string>"``.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

__all__ = ["generated_function"]

_COUNTER = itertools.count(1)


def generated_function(lines: list[str], name: str, namespace: dict[str, Any], *, what: str) -> Any:
    """Compile ``lines`` (the source of a function called ``name``) in ``namespace`` and return
    the function; ``what`` says what it was generated for, in its file name.

    >>> f = generated_function(["def double(x):", "    return 2 * x"], "double", {}, what="doctest")
    >>> f(21), f.__code__.co_filename.startswith("<govops generated doctest")
    (42, True)
    >>> import linecache
    >>> linecache.getline(f.__code__.co_filename, 2)
    '    return 2 * x\\n'
    """
    source = "\n".join(lines) + "\n"
    filename = f"<govops generated {what} #{next(_COUNTER)}>"
    # (size, mtime, lines, name); a None mtime tells linecache.checkcache to keep the entry.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function
