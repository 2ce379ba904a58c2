"""The meetings part of ``make demo``: a town's 2026 meeting calendar and one sitting's full cycle.

Pure: it builds lines of text from the calendar it is given; the CLI prints them. The story: the
town's expanded office meeting of the second quarter (2026-04-15) — its agenda with the topics left
off and why, the attendance with a substitute, the minutes, the decided items and follow-up duties
as ledger tasks, the substitute reporting back, and the office's April circular.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..exceptions import CalendarCoverageError
from ..meetings import (
    Attendance,
    AttendanceSheet,
    DecidedItem,
    Participant,
    Topic,
    build_agenda,
    circular,
    presets,
    record_minutes,
    schedule,
    take_minutes,
)
from ..tasks import (
    Category,
    CompletionConfirmed,
    Deadline,
    Ledger,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
    UnitKind,
)

if TYPE_CHECKING:
    from ..calendars import WorkCalendar

__all__ = ["demo_meeting_lines"]

_CST = dt.timezone(dt.timedelta(hours=8))
_YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))

# The town.
GOV = Unit("gov", "镇政府", kind=UnitKind.GOVERNMENT)
OFFICE = Unit("office", "党政办公室", kind=UnitKind.OFFICE)
ECON = Unit("econ", "经济发展办")
BUILD = Unit("build", "城建办")
AGRI = Unit("agri", "农业农村办")
MAYOR = Person("zhang", "张镇长", unit="gov")
WANG = Person("wang", "王副镇长", unit="gov")
LI = Person("li", "李副镇长", unit="gov")
CHEN = Person("chen", "陈主任", unit="econ")
ZHAO = Person("zhao", "赵主任", unit="build")
SUN = Person("sun", "孙主任", unit="agri")
ZHOU = Person("zhou", "周副主任", unit="agri")


def _at(month: int, day: int, hour: int = 17) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=_CST)


def _calendar_lines(cal: WorkCalendar) -> list[str]:
    lines = ["The town's 2026 meeting calendar (* moved off a rest day)", "-" * 58]
    moves: list[str] = []
    for t in presets.PRESETS.values():
        if t.cadence is None:
            approver = presets.role_name(t.ad_hoc_approver or t.chair, "en")
            lines.append(f"{t.name_zh} · {t.name_en}: when called, on the {approver}'s approval")
            continue
        note = ""
        try:
            series = schedule(t, *_YEAR, calendar=cal)
        except CalendarCoverageError:
            # The weekly meeting's last week reaches into a year whose holidays are unpublished:
            # shown up to the Sunday before it, and said so.
            sunday = _YEAR[1] - dt.timedelta(days=_YEAR[1].weekday() + 1)
            series = schedule(t, _YEAR[0], sunday, calendar=cal)
            note = f" (to {sunday:%m-%d}: the next week depends on next year's holidays)"
        moved = {o.date for o in series.moved}
        lines.append(f"{t.name_zh} · {t.name_en} · {t.cadence} · {len(series)} sittings{note}")
        days = [f"{d:%m-%d}{'*' if d in moved else ''}" for d in series.dates]
        lines += ["    " + " ".join(days[i : i + 13]) for i in range(0, len(days), 13)]
        for o in series.moved:
            names = ", ".join(
                f"{n:%m-%d} {cal.describe(n).name_zh or '周末'}" for n in o.nominal if n != o.date
            )
            moves.append(f"    {t.name_zh}: {names} → {o.date:%m-%d}")
    return [*lines, "", "Why sittings moved:", *dict.fromkeys(moves)]


def _ledger(cal: WorkCalendar) -> Ledger:
    """The tracked work the topics are about, assigned in January."""
    ledger = Ledger(calendar=cal)
    work = (
        ("park", "物流园建设", ECON, WANG, 25),
        ("pipes", "老街管网改造", BUILD, LI, 10),
        ("spring", "春耕生产", AGRI, WANG, 40),
    )
    for tid, title, unit, leader, _ in work:
        task = Task(
            tid,
            title,
            category=Category.KEY_PROJECT,
            responsibility=Responsibility(unit, leader_in_charge=leader),
            deadline=Deadline.on(dt.date(2026, 12, 31)),
        )
        ledger = ledger.record(TaskAssigned(task), actor="office", at=_at(1, 5))
    for tid, _, unit, _, _ in work:
        ledger = ledger.record(TaskAccepted(tid), actor=unit.id, at=_at(1, 6))
    for tid, _, unit, _, percent in work:
        ledger = ledger.record(ProgressReported(tid, percent=percent), actor=unit.id, at=_at(4, 3))
    return ledger


def _cycle_lines(cal: WorkCalendar) -> list[str]:
    t = presets.TOWN_EXPANDED_OFFICE_MEETING
    (meeting,) = schedule(
        t, dt.date(2026, 4, 15), dt.date(2026, 4, 15), calendar=cal, convener=GOV
    ).meetings
    lines = [f"One sitting, start to finish: {t.name_zh} of {meeting.date} ({t.cadence})", "-" * 58]
    ledger = _ledger(cal)
    reviewed = "deputy_mayor"
    told = dt.date(2026, 4, 13)  # topics told to the deputy mayors in advance (议题事先告知)
    topics = [
        Topic("q1", "一季度经济运行情况", proposed_by="mayor", task_id="park",
              materials_submitted=dt.date(2026, 4, 10), materials_reviewed_by=reviewed, notified_on=told),
        Topic("pipes", "老街管网改造进展", proposed_by="mayor", task_id="pipes",
              materials_submitted=dt.date(2026, 4, 14), materials_reviewed_by=reviewed, notified_on=told),
        Topic("spring", "春耕生产情况", proposed_by="mayor", task_id="spring",
              materials_submitted=dt.date(2026, 4, 9), notified_on=told),
        Topic("roads", "村级道路养护", proposed_by="deputy_mayor",
              materials_submitted=dt.date(2026, 4, 9), materials_reviewed_by=reviewed, notified_on=told),
        Topic("supplies", "春耕物资调度", proposed_by="mayor",
              materials_submitted=dt.date(2026, 4, 13), materials_reviewed_by=reviewed, notified_on=told),
    ]  # fmt: skip
    agenda = build_agenda(meeting, topics, now=_at(4, 14), ledger=ledger)
    lines += agenda.lines()
    p_sun = Participant(SUN, AGRI, "section_director")
    attendance = AttendanceSheet.of(
        meeting,
        [
            Attendance.present(Participant(MAYOR, GOV, "mayor")),
            Attendance.present(Participant(WANG, GOV, "deputy_mayor")),
            Attendance.present(Participant(LI, GOV, "deputy_mayor")),
            Attendance.present(Participant(CHEN, ECON, "section_director")),
            Attendance.present(Participant(ZHAO, BUILD, "section_director")),
            Attendance.substituted(
                p_sun, ZHOU, approved_by="mayor", reported_to="deputy_mayor", note="在县里开会"
            ),
        ],
    )
    lines += ["", "Attendance:"]
    for entry in attendance.entries:
        who = f"{entry.participant.person.name} ({presets.role_name(entry.participant.role)})"
        if entry.substitute is not None:
            approver = presets.role_name(entry.approved_by or "")
            who += f" — 替会 {entry.substitute.name}, approved by {approver}"
        lines.append(f"  {entry.status.value:<10} {who}")
    minutes = take_minutes(
        meeting,
        attendance=attendance,
        agenda=agenda,
        now=_at(4, 15),
        secretariat=OFFICE,
        decided=[
            DecidedItem("1", "物流园二期土地报批", lead_unit=ECON, leader_in_charge=WANG,
                        due="会后十个工作日内", topic_id="q1"),
            DecidedItem("2", "老街管网改造完成主管铺设", lead_unit=BUILD, leader_in_charge=LI,
                        due=dt.date(2026, 6, 30)),
            DecidedItem("3", "春耕化肥种子调运到村", lead_unit=AGRI, leader_in_charge=WANG,
                        due=dt.date(2026, 4, 24), topic_id="supplies"),
        ],
    )  # fmt: skip
    ledger = record_minutes(ledger, minutes, actor="office")
    lines += ["", "Minutes → tasks in the ledger (id · due · lead unit · title):"]
    for state in ledger.states()[3:]:
        lines.append(
            f"  {state.id.split('/', 2)[-1]:<36} {state.due}  {state.task.responsibility.lead_unit.name}"
            f"  {state.task.title}"
        )
    back = f"{meeting.id}#report-back/sun"
    ledger = ledger.record(TaskAccepted(back), actor="agri", at=_at(4, 16, 9))
    ledger = ledger.record(TaskCompleted(back), actor="agri", at=_at(4, 16, 10),
                           reason="周副主任向孙主任传达会议精神")  # fmt: skip
    ledger = ledger.record(CompletionConfirmed(back), actor="sun", at=_at(4, 16, 11))
    state = ledger.state(back)
    lines += [
        "",
        f"Substitute's report-back: {state.task.title} — reported {state.completed_at:%Y-%m-%d} "
        f"(due {state.due}), {state.status.value} by {SUN.name}",
    ]
    m = meeting.id
    for tid, actor in ((f"{m}#1", "econ"), (f"{m}#2", "build"), (f"{m}#3", "agri")):
        ledger = ledger.record(TaskAccepted(tid), actor=actor, at=_at(4, 16, 12))
    ledger = ledger.record(TaskCompleted(f"{m}#3"), actor="agri", at=_at(4, 23))
    ledger = ledger.record(ProgressReported(f"{m}#1", percent=60), actor="econ", at=_at(4, 27))
    ledger = ledger.record(ProgressReported(f"{m}#2", percent=8), actor="build", at=_at(4, 28))
    report = circular(ledger, dt.date(2026, 4, 1), now=_at(4, 30, 18))
    lines += ["", "The office's April circular (rendered Markdown):", ""]
    lines += report.to_markdown().splitlines()
    return lines


def demo_meeting_lines(calendar: WorkCalendar) -> list[str]:
    """Everything the meetings part of ``govops demo`` shows, as lines."""
    return [*_calendar_lines(calendar), "", *_cycle_lines(calendar)]
