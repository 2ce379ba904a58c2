"""What a newly loaded holiday schedule changes: due dates, sittings, warnings, notice answer dates.

The day the State Council's notice is loaded (or a provisional year is replaced by the real one),
every date computed on the working-day calendar may move. :func:`replan` compares the two calendars
over the ledger, the meeting series and the supervision journal, and lists each date that moves,
from where to where and why: the days whose status changed in between, named after their festival
or make-up workday. It is a pure function of its arguments; :meth:`Replan.to_event` gives the one
ledger entry that records the moved due dates, naming the source document, and
:meth:`Replan.notes` the lines the monthly circular and the bulletin print, in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, final

import attrs

from .._checks import instance_of, text, texts, to_tuple
from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import WorkCalendar
from ..exceptions import CalendarCoverageError, InvalidInputError, InvalidTypeError
from ..meetings import MeetingSeries, schedule
from ..rules import parse_rule
from ..tasks import Annotation, Ledger, RecordEvent, WarningPolicy, register_event_type
from ._events import NoticeAnswered, NoticeIssued, _day, _optional_day
from ._journal import SupervisionJournal
from ._policy import EscalationPolicy

__all__ = ["DayChange", "DueDateReplanned", "DueDatesReplanned", "Move", "Replan", "replan"]

_WHAT_ZH = {
    "due": "到期日",
    "sitting": "会议",
    "warning": "蓝色预警起始日",
    "answer": "通知答复期限",
}
_WHAT_EN = {
    "due": "due date",
    "sitting": "sitting",
    "warning": "blue warning from",
    "answer": "notice answer date",
}


def _what(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in _WHAT_EN:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected one of {sorted(_WHAT_EN)!r}")


def _day_changes(
    _instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]
) -> None:
    for item in value:
        if not isinstance(item, DayChange):
            raise InvalidTypeError(f"{attribute.name} contains {item!r}; expected DayChange values")


@final
@attrs.frozen
class DayChange:
    """A day the new schedule made a working day or a rest day, with its name on the new calendar."""

    date: dt.date = attrs.field(validator=_day)
    is_working: bool = attrs.field(kw_only=True, validator=instance_of(bool))
    name_zh: str = attrs.field(kw_only=True, validator=text())
    name_en: str = attrs.field(kw_only=True, validator=text())

    def __str__(self) -> str:
        state = "now a working day" if self.is_working else "now a rest day"
        return f"{self.date.isoformat()} {state} ({self.name_en})"

    @property
    def text_zh(self) -> str:
        """``"2027-02-08 改为休息日（春节）"``."""
        state = "改为工作日" if self.is_working else "改为休息日"
        return f"{self.date.isoformat()} {state}（{self.name_zh}）"


@final
@attrs.frozen
class Move:
    """One date that moves: ``what`` it is (``due``, ``sitting``, ``warning``, ``answer``), whose
    (``subject``: a task id, or a meeting type's id), from ``moved_from`` to ``moved_to`` (``None``
    when the old calendar could not compute it: an unpublished year) and ``why``."""

    what: str = attrs.field(validator=_what)
    subject: str = attrs.field(kw_only=True, validator=text(empty=False))
    moved_from: dt.date | None = attrs.field(kw_only=True, validator=_optional_day)
    moved_to: dt.date = attrs.field(kw_only=True, validator=_day)
    why: tuple[DayChange, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_day_changes
    )
    detail: str = attrs.field(default="", kw_only=True, validator=text())

    def __str__(self) -> str:
        was = self.moved_from.isoformat() if self.moved_from else "not computable"
        because = "; ".join(map(str, self.why)) or "the days in between changed"
        extra = f" {self.detail}" if self.detail else ""
        return (
            f"{_WHAT_EN[self.what]} of {self.subject}{extra}: {was} → "
            f"{self.moved_to.isoformat()} ({because})"
        )

    @property
    def text_zh(self) -> str:
        """The move in one Chinese line, as the circular and the bulletin print it."""
        was = self.moved_from.isoformat() if self.moved_from else "原无法计算"
        because = "；".join(c.text_zh for c in self.why) or "其间工作日变化"
        extra = f"（{self.detail}）" if self.detail else ""
        return (
            f"{self.subject}{extra}{_WHAT_ZH[self.what]}由{was}调整为"
            f"{self.moved_to.isoformat()}：{because}"
        )


def _due_moves(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for move in value:
        if not isinstance(move, Move) or move.what != "due":
            raise InvalidTypeError(
                f"{attribute.name} contains {move!r}; expected the due-date moves of a Replan "
                "(Move values with what='due')"
            )
        if move.subject in seen:
            raise InvalidInputError(
                f"{attribute.name} moves the due date of {move.subject!r} twice; expected one "
                "move per task"
            )
        seen.add(move.subject)


@register_event_type
@final
@attrs.frozen
class DueDatesReplanned(RecordEvent):
    """A newly loaded holiday schedule moved these tasks' due dates; ``source`` names the notice.

    The ledger's due dates are a function of its calendar: this one entry records in the hash
    chain that the schedule of ``source`` moved them, each from when to when and which days
    caused it (``moves``, the due-date moves of a :class:`Replan`). Every task it names must be
    in the ledger.

    >>> import datetime as dt
    >>> e = DueDatesReplanned(source="国办发明电〔2026〕N号", moves=(
    ...     Move("due", subject="T1", moved_from=dt.date(2027, 2, 15),
    ...          moved_to=dt.date(2027, 2, 16), why=()),))
    >>> e.concerns(), e.task_id
    (('T1',), '')
    """

    kind: ClassVar[str] = "due_dates_replanned"
    source: str = attrs.field(kw_only=True, validator=text(empty=False))
    moves: tuple[Move, ...] = attrs.field(kw_only=True, converter=to_tuple, validator=_due_moves)

    def concerns(self) -> tuple[str, ...]:
        """The tasks whose due date moved."""
        return tuple(m.subject for m in self.moves)


@register_event_type
@final
@attrs.frozen
class DueDateReplanned(Annotation):
    """One task's due date moved by a newly loaded holiday schedule, as earlier versions of
    govops recorded a replan (one annotation per task); ledgers that hold it keep loading.
    :class:`DueDatesReplanned` records a whole replan in one entry.
    """

    kind: ClassVar[str] = "due_date_replanned"
    source: str = attrs.field(kw_only=True, validator=text(empty=False))
    moved_from: dt.date | None = attrs.field(kw_only=True, validator=_optional_day)
    moved_to: dt.date = attrs.field(kw_only=True, validator=_day)
    why: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=texts
    )


@final
@attrs.frozen
class Replan:
    """Every date that moves between the calendar ``before`` and ``after`` a new schedule."""

    source: str
    moves: tuple[Move, ...] = attrs.field(kw_only=True)

    def __len__(self) -> int:
        return len(self.moves)

    def of(self, what: str) -> tuple[Move, ...]:
        """The moves of one kind: ``"due"``, ``"sitting"``, ``"warning"`` or ``"answer"``."""
        return tuple(m for m in self.moves if m.what == what)

    def lines(self) -> list[str]:
        """The moves in English, one a line, under a heading naming the source."""
        n = len(self.moves)
        head = f"{n} date{'' if n == 1 else 's'} moved by {self.source}"
        return [head, *(f"  {m}" for m in self.moves)]

    def notes(self, lang: str = "zh") -> tuple[str, ...]:
        """Lines for the monthly circular and the bulletin (``notes=``), in ``lang``: the
        source and how many dates moved, then each move. Empty when nothing moved."""
        if lang not in ("zh", "en"):
            raise InvalidInputError(f"lang={lang!r}; expected 'zh' (Chinese) or 'en' (English)")
        if not self.moves:
            return ()
        dues = len(self.of("due"))
        if lang == "en":
            head = f"{len(self.moves)} date(s) moved by {self.source} ({dues} of them due dates):"
            return (head, *map(str, self.moves))
        head = f"因{self.source}，{len(self.moves)}个日期调整（其中到期日{dues}个）："
        return (head, *(m.text_zh for m in self.moves))

    def notes_zh(self) -> tuple[str, ...]:
        """``notes("zh")``."""
        return self.notes("zh")

    def to_event(self) -> DueDatesReplanned:
        """The one ledger entry that records every due date this replan moves.

        Record it on the ledger replayed on the new calendar:
        ``ledger.record(plan.to_event(), actor=..., at=...)``.
        """
        return DueDatesReplanned(source=self.source, moves=self.of("due"))


def _changes(
    before: WorkCalendar, after: WorkCalendar, lo: dt.date, hi: dt.date
) -> list[DayChange]:
    """The days in ``[lo, hi]`` whose working status differs, named on the new calendar."""
    out = []
    day = lo
    while day <= hi:
        now_working = after.is_working_day(day)
        try:
            was_working: bool | None = before.is_working_day(day)
        except CalendarCoverageError:
            was_working = None
        if was_working is not now_working:
            info = after.describe(day)
            if info.name_zh or info.name_en:
                zh, en = info.name_zh or info.name_en or "", info.name_en or info.name_zh or ""
            else:
                zh, en = ("工作日", "working day") if now_working else ("周末", "weekend")
            out.append(DayChange(day, is_working=now_working, name_zh=zh, name_en=en))
        day += dt.timedelta(days=1)
    return out


def _blue_from(cal: WorkCalendar, due: dt.date | None, blue: int) -> dt.date | None:
    """The first day of the blue light (``blue`` working days before ``due``), if computable."""
    if due is None:
        return None
    try:
        return cal.add_working_days(due, -blue)
    except CalendarCoverageError:
        return None


def replan(
    ledger: Ledger,
    *,
    before: WorkCalendar,
    after: WorkCalendar,
    now: dt.datetime,
    source: str | None = None,
    meetings: Iterable[MeetingSeries] = (),
    journal: SupervisionJournal | None = None,
    policy: EscalationPolicy | None = None,
    warnings: WarningPolicy | None = None,
) -> Replan:
    """Every due date, sitting, warning and notice answer date that moves from ``before`` to ``after``.

    ``ledger`` is replayed on both calendars (its entries, its policy), so a due date is computed
    exactly as the ledger computes it: rule, deadline changes and stopped clocks included. Tasks
    open at ``now`` are compared. ``meetings`` are re-scheduled on ``after``; unanswered notices of
    ``journal`` get their answer date from ``policy``'s level; the blue warning starts
    ``warnings.blue_within`` working days before the due date. ``source`` names the document (by
    default the newest source among the days that changed). A date ``before`` cannot compute (a
    year it does not cover) moves from ``None``.
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    for name, cal in (("before", before), ("after", after)):
        if not isinstance(cal, WorkCalendar):
            raise InvalidTypeError(f"{name}={cal!r}; expected a WorkCalendar")
    require_aware(now, name="now")
    blue = (warnings or WarningPolicy()).blue_within

    def on(cal: WorkCalendar) -> Ledger:
        # The record was verified when it was built: only the projection is redone.
        if ledger.calendar == cal:
            return ledger
        return Ledger.from_entries(
            ledger.entries, calendar=cal, policy=ledger.policy_at(0), verify=False
        )

    old_due = {s.id: s.due for s in on(before).states(now=now)}
    moves: list[Move] = []
    for state in on(after).states(now=now):
        if not state.is_open:
            continue
        was, due = old_due.get(state.id), state.due
        if was != due:
            why = _changes(before, after, state.start, max(due, was or due))
            moves.append(
                Move("due", subject=state.id, moved_from=was, moved_to=due, why=tuple(why))
            )
        if blue:
            then, start = _blue_from(before, was, blue), after.add_working_days(due, -blue)
            if then != start:
                lo = min(start, then or start)
                why = _changes(before, after, lo, max(due, was or due))
                moves.append(
                    Move(
                        "warning", subject=state.id, moved_from=then, moved_to=start, why=tuple(why)
                    )
                )
    for series in meetings:
        moves += _sittings(series, before, after)
    if journal is not None and policy is not None:
        moves += _answers(journal, policy, before, after, now)
    return Replan(source or _source(after, moves), moves=tuple(moves))


def _sittings(series: MeetingSeries, before: WorkCalendar, after: WorkCalendar) -> list[Move]:
    """Sittings of ``series`` (scheduled on ``before``) that land elsewhere on ``after``."""
    again = schedule(
        series.meeting_type, series.start, series.end, calendar=after, convener=series.convener
    )
    old = {n: o.date for o in series.occurrences for n in o.nominal}
    new = {n: o.date for o in again.occurrences for n in o.nominal}
    out = []
    for nominal in sorted(set(old) | set(new)):
        was, now = old.get(nominal), new.get(nominal)
        if was == now or now is None:
            continue
        lo, hi = min(nominal, now, was or now), max(nominal, now, was or now)
        out.append(
            Move(
                "sitting",
                subject=series.meeting_type.key,
                moved_from=was,
                moved_to=now,
                why=tuple(_changes(before, after, lo, hi)),
                detail=f"nominal {nominal.isoformat()}",
            )
        )
    return out


def _answers(
    journal: SupervisionJournal,
    policy: EscalationPolicy,
    before: WorkCalendar,
    after: WorkCalendar,
    now: dt.datetime,
) -> list[Move]:
    """Unanswered notices whose answer date, by their level's rule, is another day on ``after``."""
    levels = {level.name: level for level in policy.levels}
    tz = calendar_tz(after)
    issued: dict[tuple[str, str], tuple[NoticeIssued, dt.date]] = {}
    answered: set[tuple[str, str]] = set()
    for event, at in journal.timed_events():
        if at > now:
            break
        if isinstance(event, NoticeIssued):
            issued[(event.task_id, event.key)] = (event, as_local_date(at, tz))
        elif isinstance(event, NoticeAnswered):
            answered.add((event.task_id, event.key))
    out = []
    for key, (event, day) in issued.items():
        level = levels.get(event.level)
        if key in answered or event.answer_due is None or level is None or not level.respond_within:
            continue
        due = parse_rule(level.respond_within).due(day, calendar=after)
        if due != event.answer_due:
            lo, hi = day, max(due, event.answer_due)
            out.append(
                Move(
                    "answer",
                    subject=event.task_id,
                    moved_from=event.answer_due,
                    moved_to=due,
                    why=tuple(_changes(before, after, lo, hi)),
                    detail=f"{event.notice_kind} {event.key}",
                )
            )
    return out


def _source(after: WorkCalendar, moves: list[Move]) -> str:
    """The document the changed days come from on the new calendar."""
    found = sorted(
        {after.describe(c.date).source for m in moves for c in m.why} - {""},
        key=len,
    )
    return found[0] if found else "the new holiday schedule"
