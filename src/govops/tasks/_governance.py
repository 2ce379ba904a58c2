"""Governing a list of tracked work: who may take a task off it, adjust or reassign it, and when.

The Tangshan key-project plan (重点项目推进工作方案, part 3 (5), 实施动态管理) adjusts the list of
key projects once at each quarter-end; a project that cannot go ahead leaves the list only after
its causes have been analysed and explained in detail (作出详细说明后,方可调出), and every project to
be adjusted needs the signed consent of the city leader in charge of it (经分包市领导签字同意)
before the leading group makes the change. A :class:`ListChangeRules` value in the ledger's policy
(``LedgerPolicy(list_changes=...)``) makes the ledger hold those rules: the leader's consent is its
own event, :class:`ChangeSignedOff`, carrying the explanation, and the change itself is refused with
a :class:`~govops.exceptions.PolicyViolationError` naming the rule and its source unless a matching
consent is on the record, the actor may record it and the day is inside the quarter-end window.

A ledger whose policy has no ``list_changes`` (every ledger written before these rules existed)
takes any change from any actor, as before.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import enum
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, cast, final

import attrs

from .._checks import check_text, text, to_enum
from ..exceptions import InvalidInputError, InvalidTypeError, PolicyViolationError
from ._events import Annotation, register_event_type
from ._model import Category, Task, WorkingCalendar

__all__ = ["ChangeSignedOff", "ListChange", "ListChangeRules"]

KEY_PROJECT_PLAN = "重点项目推进工作方案(唐山市重大项目推进工作领导小组工作方案)三(五)"

_SIGNED = "list_change_signed_off"  # the first element of the note a consent leaves


class ListChange(str, enum.Enum):
    """A change to a task on a governed list, and the ledger event that makes it."""

    REMOVE = "remove"
    """调出: the task leaves the list (``TaskCancelled``)."""
    ADJUST = "adjust"
    """调整: its deadline changes (``DeadlineChangeApproved``, or ``DeadlineChangeRequested``
    where changes need no approval)."""
    REASSIGN = "reassign"
    """Its responsibility changes hands (``TaskReassigned``)."""

    @property
    def name_zh(self) -> str:
        """The change in Chinese."""
        return _ZH[self]

    def __str__(self) -> str:
        return self.value


_ZH = {ListChange.REMOVE: "调出", ListChange.ADJUST: "调整", ListChange.REASSIGN: "调整责任"}


def _change(value: object) -> ListChange:
    return to_enum(ListChange, value)


def _signed_on(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"signed_on={value!r}; expected a datetime.date")


@register_event_type
@final
@attrs.frozen
class ChangeSignedOff(Annotation):
    """The leader in charge signed their consent to ``change`` on ``signed_on``, on the strength of
    ``explanation`` (the detailed statement of why, 详细说明). The entry's actor is whoever records
    the signed paper; ``signed_by`` is the person who signed it. A later change of that kind uses
    the consent up, so each change needs its own.

    >>> import datetime as dt
    >>> s = ChangeSignedOff("P7", "remove", signed_by="vice-mayor-li",
    ...                     signed_on=dt.date(2026, 3, 27), explanation="land not available")
    >>> s.change.name_zh
    '调出'
    """

    kind: ClassVar[str] = "change_signed_off"
    change: ListChange = attrs.field(converter=_change)
    signed_by: str = attrs.field(kw_only=True, validator=text(empty=False))
    signed_on: dt.date = attrs.field(kw_only=True, validator=_signed_on)
    explanation: str = attrs.field(kw_only=True, validator=text())

    def noted(self, notes: frozenset[Hashable]) -> frozenset[Hashable]:
        """The notes with this consent added (a repeated identical consent changes nothing)."""
        return notes | {self.note}

    @property
    def note(self) -> tuple[str, str, str, str, str]:
        """What the consent leaves in the task's notes for the change to find."""
        return (
            _SIGNED,
            self.change.value,
            self.signed_by,
            self.signed_on.isoformat(),
            self.explanation,
        )


def _changes(value: object) -> frozenset[ListChange]:
    if isinstance(value, (str, ListChange)):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise InvalidTypeError(f"{value!r} is a {type(value).__name__}; expected list changes")
    return frozenset(_change(v) for v in value)


def _categories(value: object) -> frozenset[Category]:
    if isinstance(value, (str, Category)):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise InvalidTypeError(f"{value!r} is a {type(value).__name__}; expected task categories")
    return frozenset(to_enum(Category, v) for v in value)


def _ids(value: object) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise InvalidTypeError(f"{value!r} is a {type(value).__name__}; expected person ids")
    return frozenset(check_text(v, "recorded_by", empty=False) for v in value)


def _count(name: str, *, optional: bool) -> Callable[[object, object, object], None]:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInputError(f"{name}={value!r}; expected an int >= 1")

    return check


def quarter_end(day: dt.date) -> dt.date:
    """The last calendar day of ``day``'s quarter.

    >>> quarter_end(dt.date(2026, 2, 28))
    datetime.date(2026, 3, 31)
    """
    month = (day.month - 1) // 3 * 3 + 3
    return dt.date(day.year, month, _calendar.monthrange(day.year, month)[1])


@final
@attrs.frozen
class ListChangeRules:
    """Who may change a task on a governed list (a key-project list, 重点项目盘子), on what, and when.

    The rules hold for tasks of ``categories``. Each change in ``governed`` needs, earlier on the
    record, a :class:`ChangeSignedOff` of that change signed by the task's leader in charge (or
    their deputy on a day inside a cover window of the ledger's policy, AB角), with an
    explanation of at least ``min_explanation`` characters; ``recorded_by``, when not empty, are
    the only actors who may record the change itself (the leading group's office). Changes in
    ``in_window`` are recorded only in the last ``window_working_days`` working days of a quarter
    (through the quarter-end day itself); ``None`` lifts the window. ``source`` is shown in every
    refusal.

    The defaults are the rules of the Tangshan key-project plan for its key-project list. The plan
    fixes "at each quarter-end" but not how long the window stays open: the last five working
    days of the quarter are a stated choice. "Detailed" cannot be measured, so any non-empty
    explanation passes (raise ``min_explanation`` to ask for more). Name the leading group's
    office in ``recorded_by`` where the ledger knows its actor id.

    >>> rules = ListChangeRules(window_working_days=3)
    >>> import govops
    >>> rules.window(dt.date(2026, 9, 15), calendar=govops.calendar("CN"))
    (datetime.date(2026, 9, 28), datetime.date(2026, 9, 30))
    """

    categories: frozenset[Category] = attrs.field(
        default=frozenset({Category.KEY_PROJECT}), kw_only=True, converter=_categories
    )
    governed: frozenset[ListChange] = attrs.field(
        default=frozenset(ListChange), kw_only=True, converter=_changes
    )
    in_window: frozenset[ListChange] = attrs.field(
        default=frozenset({ListChange.REMOVE, ListChange.ADJUST}),
        kw_only=True,
        converter=_changes,
    )
    window_working_days: int | None = attrs.field(
        default=5, kw_only=True, validator=_count("window_working_days", optional=True)
    )
    recorded_by: frozenset[str] = attrs.field(default=frozenset(), kw_only=True, converter=_ids)
    min_explanation: int = attrs.field(
        default=1, kw_only=True, validator=_count("min_explanation", optional=False)
    )
    source: str = attrs.field(default=KEY_PROJECT_PLAN, kw_only=True, validator=text(empty=False))

    def window(self, day: dt.date, *, calendar: WorkingCalendar) -> tuple[dt.date, dt.date] | None:
        """The first and last day of the adjustment window of ``day``'s quarter (``None``: no
        window). It opens on the ``window_working_days``-th last working day of the quarter and
        closes at the quarter-end."""
        if self.window_working_days is None:
            return None
        end = quarter_end(day)
        last = end if calendar.is_working_day(end) else calendar.add_working_days(end, -1)
        n = self.window_working_days - 1
        return (calendar.add_working_days(last, -n) if n else last), end

    def check(
        self,
        change: ListChange,
        *,
        task: Task,
        notes: frozenset[Hashable],
        actor: str,
        day: dt.date,
        calendar: WorkingCalendar,
        covers: Callable[[str, str, dt.date], bool],
    ) -> Hashable | None:
        """Refuse ``change`` of ``task`` by ``actor`` on ``day`` unless the rules allow it; return
        the consent note it uses up (``None`` when the rules do not govern it)."""
        if task.category not in self.categories or change not in self.governed:
            return None
        what = f"{change.name_zh} ({change.value}) of {task.category.value} {task.id!r}"
        if self.recorded_by and actor not in self.recorded_by:
            raise PolicyViolationError(
                f"{what} may be recorded only by {sorted(self.recorded_by)!r}, not actor={actor!r}",
                rule="报市领导小组进行调整 (the leading group makes the change)",
                source=self.source,
            )
        if change in self.in_window:
            window = self.window(day, calendar=calendar)
            if window is not None and not window[0] <= day <= window[1]:
                raise PolicyViolationError(
                    f"{what} on {day.isoformat()} is outside the quarter-end window "
                    f"{window[0].isoformat()}..{window[1].isoformat()} (the last "
                    f"{self.window_working_days} working days of the quarter)",
                    rule="每季度末进行一次动态调整 (adjusted once at each quarter-end)",
                    source=self.source,
                )
        leader = task.responsibility.leader_in_charge
        if leader is None:
            raise PolicyViolationError(
                f"{what} needs the signed consent of its leader in charge, and it has none; "
                "reassign it with a leader_in_charge first",
                rule="经分包市领导签字同意 (signed consent of the leader in charge)",
                source=self.source,
            )
        short: list[str] = []
        consents = sorted(cast(tuple[str, ...], n) for n in notes if _is_consent(n, change))
        for note in consents:
            _, _, signer, signed_on, explanation = note
            on = dt.date.fromisoformat(signed_on)
            if on > day or (signer != leader.id and not covers(leader.id, signer, on)):
                continue
            if len(explanation.strip()) < self.min_explanation:
                short.append(signer)
                continue
            return note
        if short:
            raise PolicyViolationError(
                f"{what} is signed by {short[0]!r} without a detailed explanation (at least "
                f"{self.min_explanation} characters)",
                rule="作出详细说明后,方可调出 (a detailed explanation first)",
                source=self.source,
            )
        raise PolicyViolationError(
            f"{what} needs a ChangeSignedOff({change.value!r}) signed by its leader in charge "
            f"{leader.id!r} (or their deputy during a cover window) on or before "
            f"{day.isoformat()}; none is on the record",
            rule="经分包市领导签字同意 (signed consent of the leader in charge)",
            source=self.source,
        )


def _is_consent(note: Hashable, change: ListChange) -> bool:
    return type(note) is tuple and len(note) == 5 and note[0] == _SIGNED and note[1] == change.value
