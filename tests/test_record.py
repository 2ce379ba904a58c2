"""The record kernel (govops._record): the registry of event kinds and generated code."""

from __future__ import annotations

import subprocess
import sys
import traceback
from typing import ClassVar

import attrs
import pytest

from govops._record import EVENTS, Event, EventRegistry, generated_function, positional_builder
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.tasks import Annotation, TaskAssigned


@attrs.frozen
class _Seen(Annotation):
    kind: ClassVar[str] = "test_record_seen"


@attrs.frozen
class _Other(Annotation):
    kind: ClassVar[str] = "test_record_seen"


def test_a_registry_is_a_mapping_of_kinds_that_refuses_a_taken_kind() -> None:
    registry = EventRegistry()
    registry.register(_Seen)
    registry.register(_Seen)  # the same class again: nothing
    assert dict(registry) == {"test_record_seen": _Seen}
    assert "test_record_seen" in registry and registry.get("nope") is None
    with pytest.raises(InvalidInputError, match="already taken by"):
        registry.register(_Other)
    with pytest.raises(InvalidTypeError):
        registry.register(Event)
    with pytest.raises(InvalidTypeError):
        registry.register(int)  # type: ignore[arg-type]


def test_govops_registry_knows_every_kind_whatever_was_imported_first() -> None:
    # A fresh interpreter that imports the kernel alone still finds the supervision events,
    # which the escalation package registers, and the task events.
    code = (
        "from govops._record import EVENTS\n"
        "import sys\n"
        "assert 'govops.escalation' not in sys.modules\n"
        "print(EVENTS.get('notice_issued').__module__, EVENTS['task_assigned'].__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["govops.escalation._events", "TaskAssigned"]
    assert EVENTS["task_assigned"] is TaskAssigned


def test_generated_code_shows_its_lines_in_a_traceback() -> None:
    failing = generated_function(
        ["def fail(x):", "    return 1 / x"], "fail", {}, what="test of tracebacks"
    )
    with pytest.raises(ZeroDivisionError) as info:
        failing(0)
    text = "".join(traceback.format_exception(info.value))
    assert "<govops generated test of tracebacks" in text
    assert "return 1 / x" in text


def test_builders_are_generated_with_their_source_registered() -> None:
    build = positional_builder(_Seen)
    assert build.__code__.co_filename.startswith("<govops generated builder of _Seen")
    assert build("T1") == _Seen("T1")
