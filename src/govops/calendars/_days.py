"""What a day is: its kind, its names and where that knowledge comes from."""

from __future__ import annotations

import datetime as dt
import enum
from typing import final

import attrs

__all__ = ["DayInfo", "DayKind", "Override"]


class DayKind(str, enum.Enum):
    """The kinds of day a working-day calendar distinguishes."""

    WORKDAY = "workday"
    """An ordinary Monday–Friday."""
    WEEKEND = "weekend"
    """An ordinary Saturday or Sunday (周末)."""
    HOLIDAY = "holiday"
    """A statutory holiday or its observed day (法定节假日)."""
    DAY_OFF_IN_LIEU = "day_off_in_lieu"
    """A weekday given off in exchange for a make-up workday (调休休息日)."""
    MAKEUP_WORKDAY = "makeup_workday"
    """A Saturday or Sunday worked to make up for a day off in lieu (调休上班日)."""
    CLOSURE = "closure"
    """A local closure declared by an override."""
    EXTRA_WORKDAY = "extra_workday"
    """A local extra working day declared by an override."""

    def __str__(self) -> str:
        return self.value


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY, DayKind.EXTRA_WORKDAY})


@final
@attrs.frozen
class DayInfo:
    """Everything the calendar knows about one day.

    ``name_zh``/``name_en`` name the holiday or arrangement (``None`` for ordinary days); ``source``
    says where the knowledge comes from (the schedule notice, a local override, the weekly rest day);
    ``provisional`` is true for days computed by rule in a year whose official schedule is not loaded.
    """

    date: dt.date
    is_working: bool = attrs.field(kw_only=True)
    kind: DayKind = attrs.field(kw_only=True)
    name_zh: str | None = attrs.field(default=None, kw_only=True)
    name_en: str | None = attrs.field(default=None, kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    provisional: bool = attrs.field(default=False, kw_only=True)
    effective: dt.date | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        head = f"{self.date.isoformat()} {self.date.strftime('%a')}: {self.kind.value}"
        if self.name_en or self.name_zh:
            head += f" — {self.name_zh or ''}{' / ' if self.name_zh and self.name_en else ''}"
            head += f"{self.name_en or ''}"
        flags = " (provisional)" if self.provisional else ""
        return f"{head}{flags}" + (f" [{self.source}]" if self.source else "")


@final
@attrs.frozen
class Override:
    """A local arrangement for one day: a closure or an extra working day.

    ``source`` is the document that ordered it and ``effective`` the date it was announced or took
    effect; both are kept on the day so that ``describe()`` can say why the day is what it is.
    """

    name: str
    source: str = attrs.field(kw_only=True)
    effective: dt.date | None = attrs.field(default=None, kw_only=True)
    name_en: str | None = attrs.field(default=None, kw_only=True)
