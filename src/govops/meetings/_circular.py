"""The monthly circular of decided items (会议议定事项通报): where every decided item stands.

The office (党政办公室) gathers the status of the important items assigned at meetings once a month
and circulates it (乡镇运行保障机制实施意见, item 11). The circular is a function of the ledger and
``now``: nothing is stored that the events do not already say.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import final

import attrs

from .._document import Document, Lang, Note, Paragraph, Table, check_lang, format_day
from .._time import SHANGHAI, as_local_date, require_aware
from ..calendars import Period, PeriodKind, period_of
from ..duties import is_duty_task
from ..exceptions import InvalidTypeError
from ..tasks import Category, Ledger, Light, SourceKind, Status, TaskState
from ._model import enum_value
from ._model import to_tuple as _rows
from ._presets import PRESETS

__all__ = ["Circular", "CircularRow", "ItemStatus", "circular"]


class ItemStatus(str, enum.Enum):
    """Where a decided item stands in the circular."""

    DONE = "done"
    """已完成: reported complete (confirmed or awaiting confirmation)."""
    ON_TRACK = "on_track"
    """按序时推进: open, within its deadline and not behind its expected progress."""
    BEHIND = "behind"
    """进度滞后: open, within its deadline but behind its expected progress."""
    OVERDUE = "overdue"
    """已超期: open after its due date."""
    CANCELLED = "cancelled"
    """已撤销"""

    @property
    def name_zh(self) -> str:
        """The status in Chinese, as the circular prints it."""
        return _ZH[self]

    @property
    def name_en(self) -> str:
        """The status in English."""
        return _EN[self]

    def label(self, lang: Lang) -> str:
        """The status in ``lang``."""
        return _ZH[self] if lang == "zh" else _EN[self]

    def __str__(self) -> str:
        return self.value


_ZH = {
    ItemStatus.DONE: "已完成",
    ItemStatus.ON_TRACK: "按序时推进",
    ItemStatus.BEHIND: "进度滞后",
    ItemStatus.OVERDUE: "已超期",
    ItemStatus.CANCELLED: "已撤销",
}
_EN = {
    ItemStatus.DONE: "done",
    ItemStatus.ON_TRACK: "on track",
    ItemStatus.BEHIND: "behind",
    ItemStatus.OVERDUE: "overdue",
    ItemStatus.CANCELLED: "cancelled",
}


@final
@attrs.frozen
class CircularRow:
    """One decided item in the circular."""

    task_id: str
    title: str = attrs.field(kw_only=True)
    meeting_id: str = attrs.field(kw_only=True)
    decided_on: dt.date = attrs.field(kw_only=True)
    lead_unit: str = attrs.field(kw_only=True)
    due: dt.date = attrs.field(kw_only=True)
    percent: float = attrs.field(kw_only=True)
    status: ItemStatus = attrs.field(kw_only=True)


@final
@attrs.frozen
class Circular:
    """The circular for ``period`` as of ``as_of``: every item decided in the period (and, by
    default, every item decided earlier that is still open). ``notes`` are lines printed under the
    summary, such as the due dates a newly loaded holiday schedule moved
    (``govops.escalation.replan(...).notes_zh()``). ``duty_rows`` are the reporting duties
    (:mod:`govops.duties`) due in the period or still open from before it; for them
    ``meeting_id`` holds the clause that sets the duty and ``decided_on`` the day it counts from."""

    period: Period
    as_of: dt.date = attrs.field(kw_only=True)
    rows: tuple[CircularRow, ...] = attrs.field(kw_only=True, converter=_rows)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    duty_rows: tuple[CircularRow, ...] = attrs.field(default=(), kw_only=True, converter=_rows)

    def count(self, status: ItemStatus | str, *, duties: bool = False) -> int:
        """How many items (with ``duties=True``: reporting duties) have ``status``."""
        wanted = enum_value(ItemStatus, "status")(status)
        return sum(r.status is wanted for r in (self.duty_rows if duties else self.rows))

    def title(self, lang: Lang = "zh") -> str:
        """The circular's title in ``lang``."""
        p = self.period
        if check_lang(lang) == "zh":
            span = (
                f"{p.start.year}年{p.start.month}月"
                if p.kind is PeriodKind.MONTH
                else f"{p.start.isoformat()}至{p.end.isoformat()}"
            )
            return f"{span}会议议定事项落实情况通报"
        span = (
            f"{format_day(p.start, 'en').split(' ', 1)[1]}"
            if p.kind is PeriodKind.MONTH
            else f"{p.start.isoformat()} to {p.end.isoformat()}"
        )
        return f"Decided items of meetings: where they stand, {span}"

    def table(self, lang: Lang = "zh") -> Table:
        """One row per decided item: item, meeting, day decided, lead unit, due, progress, status."""
        zh = check_lang(lang) == "zh"
        header = (
            ("序号", "议定事项", "会议", "议定日期", "牵头单位", "完成时限", "进度", "状态")
            if zh
            else (
                "No.",
                "Decided item",
                "Meeting",
                "Decided on",
                "Lead unit",
                "Due",
                "Progress",
                "Status",
            )
        )
        rows = [
            (
                i,
                r.title,
                _meeting_name(r.meeting_id, lang),
                r.decided_on,
                r.lead_unit,
                r.due,
                f"{r.percent:g}%",
                r.status.label(lang),
            )
            for i, r in enumerate(self.rows, 1)
        ]
        return Table("会议议定事项" if zh else "Decided items", header, rows, numeric={0, 6})

    def duty_table(self, lang: Lang = "zh") -> Table:
        """One row per reporting duty due in the period: duty, source, owing unit, due, status."""
        zh = check_lang(lang) == "zh"
        header = (
            ("序号", "报告事项", "依据", "责任单位", "完成时限", "状态")
            if zh
            else ("No.", "Report owed", "Source", "Owing unit", "Due", "Status")
        )
        rows = [
            (i, r.title, r.meeting_id, r.lead_unit, r.due, r.status.label(lang))
            for i, r in enumerate(self.duty_rows, 1)
        ]
        return Table("报告事项" if zh else "Reports owed", header, rows, numeric={0})

    def _duty_summary(self, lang: Lang) -> str:
        parts = [(s, self.count(s, duties=True)) for s in ItemStatus if self.count(s, duties=True)]
        if check_lang(lang) == "zh":
            listed = "、".join(f"{s.name_zh}{n}项" for s, n in parts)
            return f"本期到期报告事项{len(self.duty_rows)}项,其中{listed}。"
        listed = ", ".join(f"{n} {s.name_en}" for s, n in parts)
        return f"{len(self.duty_rows)} report(s) owed in this period: {listed}."

    def to_document(self, lang: Lang = "zh") -> Document:
        """The circular as a :class:`~govops.office.Document` in ``lang``, as the office sends it."""
        zh = check_lang(lang) == "zh"
        parts = [(s, self.count(s)) for s in ItemStatus if self.count(s)]
        if zh:
            summary = f"截至{format_day(self.as_of, lang)},本期共有会议议定事项{len(self.rows)}项"
            if parts:
                summary += ",其中" + "、".join(f"{s.name_zh}{n}项" for s, n in parts)
            summary += "。"
        else:
            summary = f"As of {format_day(self.as_of, lang)}, {len(self.rows)} decided item(s) in this period"
            if parts:
                summary += ": " + ", ".join(f"{n} {s.name_en}" for s, n in parts)
            summary += "."
        blocks: list[Paragraph | Note | Table] = [Paragraph(summary)]
        if self.duty_rows:
            blocks.append(Paragraph(self._duty_summary(lang)))
        blocks += [Note(note) for note in self.notes]
        if self.duty_rows:
            blocks.append(self.duty_table(lang))
        if self.rows:
            blocks.append(self.table(lang))
        late = [r for r in self.rows if r.status in (ItemStatus.OVERDUE, ItemStatus.BEHIND)]
        if late:
            units = list(dict.fromkeys(r.lead_unit for r in late))
            blocks.append(
                Paragraph(
                    "请" + "、".join(units) + "加快推进,按期完成。"
                    if zh
                    else ", ".join(units) + ": please speed up and finish on time."
                )
            )
        return Document(self.title(lang), lang=lang, date=self.as_of, blocks=blocks)

    def to_markdown(self, lang: Lang = "zh") -> str:
        """The circular in Markdown, in Chinese or English, as the office would send it.

        >>> import datetime as dt
        >>> from govops.calendars import period_of
        >>> empty = Circular(period_of(dt.date(2026, 3, 1), "month"), as_of=dt.date(2026, 3, 31), rows=())
        >>> print(empty.to_markdown())
        # 2026年3月会议议定事项落实情况通报
        <BLANKLINE>
        截至2026年3月31日,本期共有会议议定事项0项。
        >>> print(empty.to_markdown(lang="en"))
        # Decided items of meetings: where they stand, March 2026
        <BLANKLINE>
        As of 31 March 2026, 0 decided item(s) in this period.
        """
        return self.to_document(lang).to_markdown().rstrip("\n")


def _meeting_name(meeting_id: str, lang: Lang) -> str:
    """The name of a preset meeting from a sitting's id, in ``lang``; the id itself otherwise."""
    t = PRESETS.get(meeting_id.split("/", 1)[0])
    if t is None:
        return meeting_id
    return t.name_zh if lang == "zh" else t.name_en


def _status(ledger: Ledger, state: TaskState, now: dt.datetime, today: dt.date) -> ItemStatus:
    if state.status in (Status.COMPLETED, Status.CONFIRMED):
        return ItemStatus.DONE
    if state.status is Status.CANCELLED:
        return ItemStatus.CANCELLED
    if today > state.due:
        return ItemStatus.OVERDUE
    light = ledger.warning(state.id, now=now)
    if light is not None and light.level in (Light.YELLOW, Light.RED):
        return ItemStatus.BEHIND
    return ItemStatus.ON_TRACK


def circular(
    ledger: Ledger,
    period: Period | dt.date,
    *,
    now: dt.datetime,
    include_open_from_earlier: bool = True,
    notes: Iterable[str] = (),
) -> Circular:
    """The circular of the decided items in ``period`` (a :class:`Period`, or a day: its month).

    Rows are the ledger's tasks of category ``meeting_decision`` whose source is a meeting held in
    the period, in order of assignment, then (``include_open_from_earlier``) those decided before
    the period and still open at ``now``. The reporting duties due in the period, and those due
    before it and still open, are counted apart (``duty_rows``). Status: done, cancelled,
    overdue (open after the due date), behind (a yellow or red warning light: behind expected
    progress) or on track.
    ``notes`` are printed under the summary (e.g. what a new holiday schedule changed).
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    require_aware(now, name="now")
    if isinstance(period, dt.date) and not isinstance(period, dt.datetime):
        period = period_of(period, PeriodKind.MONTH)
    if not isinstance(period, Period):
        raise InvalidTypeError(f"period={period!r}; expected a Period or a datetime.date")
    today = as_local_date(now, SHANGHAI, name="now")
    current: list[CircularRow] = []
    earlier: list[CircularRow] = []
    duties: list[CircularRow] = []
    for state in ledger.states(now=now):
        task = state.task
        src = task.source
        if is_duty_task(task) and src is not None and src.date is not None:
            if period.start <= state.due <= period.end or (
                state.due < period.start and state.is_open
            ):
                duties.append(_row(ledger, state, src.reference, src.date, now, today))
            continue
        if task.category is not Category.MEETING_DECISION or src is None:
            continue
        if src.kind is not SourceKind.MEETING or src.date is None:
            continue
        in_period = period.start <= src.date <= period.end
        if not in_period and not (
            include_open_from_earlier and src.date < period.start and state.is_open
        ):
            continue
        row = _row(ledger, state, src.reference, src.date, now, today)
        (current if in_period else earlier).append(row)
    return Circular(
        period, as_of=today, rows=current + earlier, notes=tuple(notes), duty_rows=duties
    )


def _row(
    ledger: Ledger,
    state: TaskState,
    reference: str,
    day: dt.date,
    now: dt.datetime,
    today: dt.date,
) -> CircularRow:
    task = state.task
    return CircularRow(
        task.id,
        title=task.title,
        meeting_id=reference,
        decided_on=day,
        lead_unit=task.responsibility.lead_unit.name,
        due=state.due,
        percent=state.percent,
        status=_status(ledger, state, now, today),
    )
