"""Values built slot by slot (govops._record._builders) are the values their __init__ builds."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from govops._record import init_lines, positional_builder
from govops.exceptions import InvalidInputError
from govops.tasks import Light, ProgressReported, WarningLight


def test_a_warning_light_built_slot_by_slot_is_the_one_init_builds() -> None:
    build = positional_builder(WarningLight)
    assert init_lines(WarningLight, {}) is not None  # the slot-by-slot path is the one taken
    due = dt.date(2026, 7, 31)
    built = build("T1", Light.YELLOW, ("behind",), due, 40.0, 12.5, "en")
    made = WarningLight(
        "T1", Light.YELLOW, reasons=("behind",), due=due, expected=40.0, reported=12.5
    )
    assert type(built) is WarningLight
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.level = Light.RED  # type: ignore[misc]


def test_converters_and_validators_still_run() -> None:
    build = positional_builder(ProgressReported)
    built = build("T1", 40, None, "", ["a.pdf"])
    assert built == ProgressReported("T1", percent=40, attachments=["a.pdf"])  # type: ignore[arg-type]
    assert type(built.percent) is float and built.attachments == ("a.pdf",)
    with pytest.raises(InvalidInputError, match="percent=150"):
        build("T1", 150.0, None, "", ())
    with pytest.raises(InvalidInputError, match="task_id"):
        build(" ", 10.0, None, "", ())


def test_with_validators_disabled_it_builds_as_init_does() -> None:
    build = positional_builder(ProgressReported)
    with attrs.validators.disabled():
        built = build("T1", 150.0, None, "", ())
    assert built.percent == 150.0


def test_a_class_it_cannot_build_slot_by_slot_goes_through_init() -> None:
    calls = []

    @attrs.frozen(slots=False)
    class NotSlotted:
        a: int
        b: str = attrs.field(kw_only=True)

        def __attrs_post_init__(self) -> None:
            calls.append(self.a)

    assert init_lines(NotSlotted, {}) is None
    built = positional_builder(NotSlotted)(1, "x")
    assert built == NotSlotted(1, b="x") and calls == [1, 1]
