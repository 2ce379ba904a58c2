"""The supervision part of ``make demo``: a quarter of supervision in a town, as lines of text.

Pure: it builds the lines from built-in data; the CLI prints them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..escalation import (
    CITY_KEY_WORK_POLICY,
    TOWN_JOINT_MEETING,
    Absence,
    ApprovalGranted,
    CoverPlan,
    DeputyActed,
    DeputyReportedBack,
    Directory,
    NoticeAnswered,
    NoticeKind,
    joint_meeting_agenda,
    pending_report_backs,
    supervise,
)
from ..meetings import presets, schedule
from ..tasks import (
    CooperatingUnit,
    Deadline,
    IssueRaised,
    IssueResolved,
    Ledger,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
)

__all__ = ["demo_supervision_lines"]

_CST = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=_CST)


def _town() -> tuple[list[tuple[dt.datetime, Any, str]], Directory]:
    d = dt.date
    roads, water, farm = (
        Unit("roads", "镇交通办"),
        Unit("water", "镇水务站"),
        Unit("farm", "农业服务中心"),
    )
    wang = Person("wang", "王副镇长", roles=["leader_in_charge"])
    li = Person("li", "李副镇长", roles=["leader_in_charge"])
    zhao = Person("zhao", "赵主任", unit="roads", roles=["principal"])
    directory = Directory(
        (wang, li, zhao),
        assessment_office=Unit("kpi", "镇考核办"),
        cover=CoverPlan(
            {"wang": "li", "li": "wang"},
            absences=[Absence("wang", start=d(2026, 9, 14), end=d(2026, 9, 25), reason="党校培训")],
        ),
    )

    def task(
        task_id: str, title: str, lead: Unit, due: dt.date, leader: Person, *coop: Unit
    ) -> Task:
        return Task(
            task_id,
            title,
            category="key_project",
            responsibility=Responsibility(
                lead, leader_in_charge=leader, cooperating=[CooperatingUnit(u) for u in coop]
            ),
            deadline=Deadline.on(due),
            start=d(2026, 7, 1),
        )

    t1 = task("T1", "乡村道路改造", roads, d(2026, 9, 18), wang, water)
    t2 = task("T2", "污水管网铺设", water, d(2026, 9, 30), li)
    t3 = task("T3", "高标准农田建设", farm, d(2026, 11, 30), wang, roads)
    events: list[tuple[dt.datetime, Any, str]] = []
    for t in (t1, t2, t3):
        events.append((_at(d(2026, 7, 1), 8), TaskAssigned(t), "office"))
        events.append((_at(d(2026, 7, 1), 9), TaskAccepted(t.id), t.responsibility.lead_unit.id))
    for day, task_id, pct in (
        (d(2026, 7, 15), "T2", 30),
        (d(2026, 7, 20), "T1", 10),
        (d(2026, 7, 31), "T3", 20),
        (d(2026, 8, 14), "T2", 70),
        (d(2026, 8, 31), "T3", 40),
        (d(2026, 9, 30), "T3", 50),
    ):
        events.append((_at(day, 11), ProgressReported(task_id, percent=pct), "unit"))
    events.append(
        (_at(d(2026, 8, 3), 10), IssueRaised("T3", "land", description="征地补偿未谈妥"), "farm")
    )
    events.append(
        (
            _at(d(2026, 8, 31), 16),
            IssueResolved("T3", "land", resolution="联席会议议定"),
            "joint-meeting",
        )
    )
    events.append((_at(d(2026, 9, 4), 15), TaskCompleted("T2"), "water"))
    events.sort(key=lambda item: item[0])
    return events, directory


def demo_supervision_lines(calendar: Any) -> list[str]:
    """A quarter of supervision in the town (Q3 2026), as lines: every notice with its date and
    reason, an issue climbing the three tiers onto the joint meeting's agenda (and the agenda of
    that sitting), a deputy receiving notices during a leave and reporting back late, and the
    quarterly bulletin."""
    # the layer above, for the bulletin
    from ..assessment import KEY_WORK_SCORING, PublicReview, assess
    from ..calendars import period_of

    events, directory = _town()
    ledger = Ledger(calendar=calendar)
    lines = [
        "Supervision in the town, 2026-Q3 (督查督办): policy "
        f"{CITY_KEY_WORK_POLICY.label}, daily runs at 17:00",
        "-" * 72,
    ]
    # The joint meeting's sittings from its schedule (the preset type sits when called; the town
    # fixed its rhythm as the policy's JointMeeting says).
    joint = attrs.evolve(presets.JOINT_MEETING, cadence=TOWN_JOINT_MEETING.schedule)
    sittings = {
        m.date: m
        for m in schedule(
            joint, dt.date(2026, 7, 1), dt.date(2026, 9, 30), calendar=calendar
        ).meetings
    }
    pending = list(events)
    day = dt.date(2026, 7, 1)
    while day <= dt.date(2026, 9, 30):
        now = _at(day, 17)
        sitting = sittings.get(day)
        if sitting is not None:
            agenda = joint_meeting_agenda(
                ledger, sitting, policy=CITY_KEY_WORK_POLICY, now=_at(day, 8)
            )
            if agenda.items:
                lines += agenda.lines()
        while pending and pending[0][0] <= now:
            at, event, actor = pending.pop(0)
            ledger = ledger.record(event, actor=actor, at=at)
            if isinstance(event, IssueResolved):
                lines.append(
                    f"{at.date()} {event.task_id} issue {event.issue_id!r} resolved by "
                    f"{actor}: {event.resolution}"
                )
        decision = supervise(
            ledger,
            policy=CITY_KEY_WORK_POLICY,
            calendar=calendar,
            now=now,
            directory=directory,
        )
        for waiting in decision.awaiting_approval:
            lines.append(
                f"{day} approval: mayor approves the {waiting.label_zh} for {waiting.task_id}"
            )
            ledger = ledger.record(
                ApprovalGranted(waiting.task_id, waiting.key), actor="mayor", at=now
            )
        if decision.awaiting_approval:
            decision = supervise(
                ledger,
                policy=CITY_KEY_WORK_POLICY,
                calendar=calendar,
                now=now,
                directory=directory,
            )
        for notice in decision.notices:
            to = ", ".join(str(r) for r in notice.recipients)
            lines.append(f"{day} {notice.label_zh} {notice.task_id} → {to}")
            lines.append(f"    {notice.reason}")
            if notice.answer_due:
                lines.append(f"    answer due {notice.answer_due}")
        ledger = decision.record(ledger, actor="supervision-office")
        for notice in decision.notices:
            acting = [r for r in notice.recipients if r.acting_for]
            if acting and notice.kind != NoticeKind.REPORT_BACK:
                # The deputy handles it and the record says so; the leader is owed a report.
                ledger = directory.cover.record_as_deputy(
                    ledger,
                    NoticeAnswered(notice.task_id, notice.key, note="已部署整改"),
                    deputy=str(acting[0].id),
                    on_behalf_of=str(acting[0].acting_for),
                    at=_at(day + dt.timedelta(days=1), 10),
                )
                act, duty = ledger.entries[-2:]
                lines.append(f"{act.at.date()} {act.actor} answers it: {act.reason}")
                assert isinstance(duty.event, DeputyActed)
                lines.append(f"    duty {duty.event.key!r}: {duty.reason}")
            elif notice.kind == NoticeKind.REPORT_BACK:
                # Reminded, the deputy briefs the leader the same evening.
                for owed in pending_report_backs(
                    ledger, policy=CITY_KEY_WORK_POLICY, calendar=calendar, now=now
                ):
                    ledger = ledger.record(
                        DeputyReportedBack(owed.task_id, owed.key, note="当面汇报约谈整改部署"),
                        actor=owed.deputy,
                        at=_at(day, 18),
                    )
                    lines.append(
                        f"{day} {owed.deputy} reports back to {owed.leader} on "
                        f"{owed.task_id} ({owed.key}; 事后汇报, due {owed.due})"
                    )
        day += dt.timedelta(days=1)
    q3 = period_of(dt.date(2026, 9, 30), "quarter")
    # The quarter-end public review of the farm centre, as published (公开评议, 评议结果对外发布).
    review = PublicReview(
        "farm",
        period=q3,
        satisfaction=92,
        held_on=dt.date(2026, 9, 29),
        source="镇督查室〔2026〕9号",
    )
    bulletin = assess(
        ledger,
        period=q3,
        rules=KEY_WORK_SCORING,
        calendar=calendar,
        now=_at(dt.date(2026, 10, 9), 9),
        reviews=[review],
    )
    lines += ["", *bulletin.to_markdown().splitlines()]
    # August alone, in English: two units with equal scores rank together (并列).
    august = assess(
        ledger,
        period=period_of(dt.date(2026, 8, 1), "month"),
        rules=KEY_WORK_SCORING,
        calendar=calendar,
        now=_at(dt.date(2026, 9, 1), 9),
    )
    lines += ["", *august.to_markdown(lang="en").splitlines()]
    return lines
