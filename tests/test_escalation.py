"""Scenario tests of the supervision engine on the 2026 CN calendar.

The key-work task T1 is assigned on Tue 2026-09-01, due Fri 2026-10-30, and walks the whole
ladder across Mid-Autumn (Fri Sep 25) and National Day (Oct 1–7 off; Sun Sep 20 and Sat Oct 10
worked). Every date below is checked by hand against that calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

import govops
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    Absence,
    ApprovalGranted,
    ApprovalRefused,
    ApprovalStepCompleted,
    ApprovalStepStarted,
    Assigned,
    BehindSchedule,
    ClockRule,
    Coordination,
    CoverPlan,
    Decision,
    Directory,
    EscalationPolicy,
    JointMeeting,
    Level,
    NoProgressFor,
    NoticeAnswered,
    NoticeIssued,
    NoticeKind,
    Overdue,
    PreviousUnanswered,
    Repeat,
    SupervisionJournal,
    Target,
    WarningAtLeast,
    supervise,
)
from govops.exceptions import EscalationError, InvalidInputError, InvalidTypeError
from govops.tasks import (
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    IssueRaised,
    IssueResolved,
    Ledger,
    Light,
    Person,
    ProgressReported,
    Responsibility,
    Source,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskReassigned,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
# The official data as published through 2026, whatever the installed holidays release carries:
# the tests of what happens past the data keep their hand-worked dates.
CAL_2026 = govops.calendar("CN", last_year=2026)
D = dt.date
ROADS = Unit("roads", "镇交通办")
WATER = Unit("water", "镇水务站")
WANG = Person("wang", "王副镇长", roles=["leader_in_charge"])
LI = Person("li", "李副镇长", roles=["leader_in_charge"])
ZHAO = Person("zhao", "赵主任", unit="roads", roles=["principal"])
DIRECTORY = Directory(
    (WANG, LI, ZHAO),
    assessment_office=Unit("kpi", "考核办"),
    cover=CoverPlan(
        {"wang": "li", "li": "wang"},
        absences=[Absence("wang", start=D(2026, 10, 8), end=D(2026, 10, 16), reason="党校培训")],
    ),
)


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def road_task(task_id: str = "T1", **changes: object) -> Task:
    task = Task(
        task_id,
        "乡村道路改造",
        category="key_works",
        responsibility=Responsibility(ROADS, leader_in_charge=WANG),
        deadline=Deadline.on(D(2026, 10, 30)),
        start=D(2026, 9, 1),
    )
    return attrs.evolve(task, **changes)


SEP_1 = D(2026, 9, 1)


def assigned(*tasks: Task, day: dt.date = SEP_1) -> Ledger:
    ledger = Ledger(calendar=CAL)
    for task in tasks:
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at(day, 9))
        ledger = ledger.record(
            TaskAccepted(task.id), actor=task.responsibility.lead_unit.id, at=at(day, 10)
        )
    return ledger


def run(
    ledger: Ledger,
    journal: SupervisionJournal,
    day: dt.date,
    *,
    policy: object = CITY_KEY_WORK_POLICY,
    approve: bool = True,
) -> tuple[Decision, SupervisionJournal]:
    """Supervise at 17:00, approve whatever waits, record the notices; return the decision."""
    decision = supervise(
        ledger,
        policy=policy,
        calendar=CAL,
        now=at(day),
        journal=journal,
        directory=DIRECTORY,  # type: ignore[arg-type]
    )
    if approve and decision.awaiting_approval:
        for n in decision.awaiting_approval:
            journal = journal.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=at(day))
        decision = supervise(
            ledger,
            policy=policy,
            calendar=CAL,
            now=at(day),
            journal=journal,
            directory=DIRECTORY,  # type: ignore[arg-type]
        )
    return decision, decision.record(journal, actor="supervision-office")


def sweep(
    ledger: Ledger, start: dt.date, end: dt.date, **kwargs: object
) -> tuple[list[tuple[dt.date, str]], SupervisionJournal]:
    journal = SupervisionJournal()
    seen = []
    day = start
    while day <= end:
        decision, journal = run(ledger, journal, day, **kwargs)  # type: ignore[arg-type]
        seen += [(day, n.level) for n in decision.notices]
        day += dt.timedelta(days=1)
    return seen, journal


def test_a_task_walks_the_whole_ladder_across_mid_autumn_and_national_day() -> None:
    ledger = assigned(road_task())
    ledger = ledger.record(
        ProgressReported("T1", percent=5), actor="roads", at=at(D(2026, 9, 10), 11)
    )
    seen, journal = sweep(ledger, D(2026, 9, 1), D(2026, 12, 31))
    assert seen == [
        (D(2026, 9, 1), "assignment"),
        # 10.3% expected after 4 of 39 working days: more than 10 points behind.
        (D(2026, 9, 7), "reminder"),
        # 10 working days after Sep 7; Sunday Sep 20 is a make-up workday for National Day.
        (D(2026, 9, 20), "reminder"),
        # The repeat's answer was due Sep 28 (5 working days, Mid-Autumn Sep 25 off): no progress.
        (D(2026, 9, 29), "supervision"),
        # Its answer was due Oct 12 (Sep 30, Oct 8, 9, Sat 10, 12): still 5%.
        (D(2026, 10, 13), "interview"),
        # 10 working days from Oct 13 → Oct 27.
        (D(2026, 10, 28), "accountability"),
    ]
    issued = [e.event for e in journal.entries if isinstance(e.event, NoticeIssued)]
    assert [n.answer_due for n in issued] == [
        D(2026, 9, 8),
        D(2026, 9, 14),
        D(2026, 9, 28),
        D(2026, 10, 12),
        D(2026, 10, 27),
        None,
    ]
    assert [n.key for n in issued][:2] == [
        "city-key-work@1:T1:c0:assignment:0",
        "city-key-work@1:T1:c0:reminder:0",
    ]
    # Approvals were recorded before the supervision and accountability notices.
    approvals = [e.event.key for e in journal.entries if isinstance(e.event, ApprovalGranted)]
    assert approvals == [
        "city-key-work@1:T1:c0:supervision:0",
        "city-key-work@1:T1:c0:accountability:0",
    ]


def test_the_interview_goes_to_the_deputy_while_the_leader_is_on_leave() -> None:
    ledger = assigned(road_task())
    ledger = ledger.record(
        ProgressReported("T1", percent=5), actor="roads", at=at(D(2026, 9, 10), 11)
    )
    _, journal = sweep(ledger, D(2026, 9, 1), D(2026, 10, 12))
    decision, _ = run(ledger, journal, D(2026, 10, 13))
    (notice,) = decision.notices
    assert notice.kind is NoticeKind.INTERVIEW
    assert [(r.target, r.id, r.acting_for) for r in notice.recipients] == [
        (Target.PRINCIPAL, "zhao", None),
        (Target.LEADER_IN_CHARGE, "li", "wang"),
    ]
    assert "acting for wang" in str(notice)
    # Back from leave on Oct 19 (Oct 17-18 weekend): the accountability notice reaches wang himself.
    decision, _ = run(ledger, SupervisionJournal(), D(2026, 10, 19), approve=False)
    assert all(r.acting_for is None for n in decision.awaiting_approval for r in n.recipients)


def test_evaluating_again_after_recording_adds_nothing() -> None:
    ledger = assigned(road_task())
    decision, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    assert len(decision.notices) == 1
    again = supervise(
        ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)), journal=journal
    )
    assert again.notices == () and again.awaiting_approval == ()
    with pytest.raises(EscalationError, match="already recorded"):
        decision.record(journal, actor="office")


def test_running_late_issues_one_step_at_a_time_and_coalesces_missed_repeats() -> None:
    ledger = assigned(road_task())
    _, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    # Nobody ran the engine for seven weeks: only the next rung is due, not the whole ladder.
    decision, journal = run(ledger, journal, D(2026, 10, 20))
    assert [n.level for n in decision.notices] == ["reminder"]
    policy = attrs.evolve(
        CITY_KEY_WORK_POLICY,
        levels=(
            CITY_KEY_WORK_POLICY.levels[0],
            attrs.evolve(CITY_KEY_WORK_POLICY.levels[1], repeat=Repeat(2, limit=9)),
        ),
    )
    journal = SupervisionJournal()
    _, journal = run(ledger, journal, D(2026, 9, 1), policy=policy)
    _, journal = run(ledger, journal, D(2026, 9, 7), policy=policy)
    decision, _ = run(ledger, journal, D(2026, 9, 29), policy=policy)
    (notice,) = decision.notices
    # Sep 7 → Sep 29 is 16 working days (Sun Sep 20 worked, Mid-Autumn Sep 25 off): the repeats
    # due Sep 9, 11, 15, 17, 20, 22, 24 and 29 go out as one notice that says 7 were missed.
    assert (notice.sequence, notice.coalesced) == (1, 7)


def test_an_overdue_task_goes_straight_to_an_interview() -> None:
    ledger = assigned(road_task(deadline=Deadline.on(D(2026, 9, 30))), day=D(2026, 9, 1))
    _, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    ledger = ledger.record(
        ProgressReported("T1", percent=95), actor="roads", at=at(D(2026, 9, 29), 9)
    )
    decision, _ = run(ledger, journal, D(2026, 9, 30))
    assert decision.notices == ()
    # Oct 1-7 are holidays: the office is closed, the next check is Oct 8.
    assert decision.next_check_at == dt.datetime(2026, 10, 8, tzinfo=govops.calendar("CN")._tz)
    closed = supervise(
        ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 10, 3)), journal=journal
    )
    assert closed.notices == () and closed.next_check_at is not None
    assert closed.next_check_at.date() == D(2026, 10, 8)
    decision, _ = run(ledger, journal, D(2026, 10, 8))
    (notice,) = decision.notices
    assert notice.level == "interview" and notice.coalesced == 2
    assert "overdue: due 2026-09-30" in notice.reason and "goes straight" in notice.reason


def test_progress_answers_a_reminder_and_a_recorded_answer_does_too() -> None:
    ledger = assigned(road_task())
    _, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    _, journal = run(ledger, journal, D(2026, 9, 7))
    journal = journal.record(
        NoticeAnswered("T1", "city-key-work@1:T1:c0:reminder:0", note="施工队已进场"),
        actor="roads",
        at=at(D(2026, 9, 9)),
    )
    decision, _ = run(ledger, journal, D(2026, 9, 15), approve=False)
    assert decision.awaiting_approval == ()
    with pytest.raises(EscalationError, match="already answered"):
        journal.record(
            NoticeAnswered("T1", "city-key-work@1:T1:c0:reminder:0"),
            actor="roads",
            at=at(D(2026, 9, 10)),
        )
    with pytest.raises(EscalationError, match="never issued"):
        journal.record(NoticeAnswered("T1", "nope"), actor="roads", at=at(D(2026, 9, 10)))


def test_a_refused_supervision_notice_is_not_proposed_again() -> None:
    ledger = assigned(road_task())
    _, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    _, journal = run(ledger, journal, D(2026, 9, 7))
    decision, _ = run(ledger, journal, D(2026, 9, 15), approve=False)
    (waiting,) = decision.awaiting_approval
    assert waiting.level == "supervision" and waiting.needs_approval
    journal = journal.record(
        ApprovalRefused("T1", waiting.key), actor="mayor", at=at(D(2026, 9, 15))
    )
    decision, _ = run(ledger, journal, D(2026, 9, 16), approve=False)
    assert decision.awaiting_approval == () and decision.notices == ()


def test_a_document_stands_for_the_assignment_notice() -> None:
    task = road_task(source=Source("document", "镇政发〔2026〕12号", date=D(2026, 8, 28)))
    ledger = assigned(task)
    seen, _ = sweep(ledger, D(2026, 9, 1), D(2026, 9, 7))
    assert seen == [(D(2026, 9, 7), "reminder")]


def test_reassignment_restarts_the_ladder_and_a_deadline_change_continues_it() -> None:
    ledger = assigned(road_task())
    _, journal = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    _, journal = run(ledger, journal, D(2026, 9, 7))
    moved = ledger.record(
        TaskReassigned("T1", Responsibility(WATER, leader_in_charge=LI)),
        actor="office",
        at=at(D(2026, 9, 8), 9),
    )
    decision, _ = run(moved, journal, D(2026, 9, 8))
    (notice,) = decision.notices
    assert notice.key == "city-key-work@1:T1:c1:assignment:0"
    assert [r.id for r in notice.recipients] == ["water"]
    extended = ledger.record(
        DeadlineChangeRequested("T1", Deadline.on(D(2026, 12, 31))),
        actor="roads",
        at=at(D(2026, 9, 8), 9),
    ).record(DeadlineChangeApproved("T1"), actor="wang", at=at(D(2026, 9, 8), 10))
    decision, _ = run(extended, journal, D(2026, 9, 15), approve=False)
    # Same cycle: the reminder of Sep 7 still counts, so the next rung is the supervision notice
    # (0% done is still 12.5 points behind the 10 of 80 working days to Dec 31).
    assert decision.notices == ()
    assert [n.key for n in decision.awaiting_approval] == ["city-key-work@1:T1:c0:supervision:0"]
    restarting = attrs.evolve(CITY_KEY_WORK_POLICY, on_deadline_change=ClockRule.RESTART)
    decision, _ = run(extended, journal, D(2026, 9, 15), policy=restarting)
    assert [n.key for n in decision.notices] == ["city-key-work@1:T1:c1:assignment:0"]


def test_each_task_keeps_the_policy_version_it_started_under() -> None:
    v2 = attrs.evolve(CITY_KEY_WORK_POLICY, version=2, effective_from=D(2026, 9, 15))
    early = assigned(road_task("T1"))
    late = early.record(
        TaskAssigned(road_task("T2", start=D(2026, 9, 16))),
        actor="office",
        at=at(D(2026, 9, 16), 9),
    )
    decision = supervise(
        late, policy=[v2, CITY_KEY_WORK_POLICY], calendar=CAL, now=at(D(2026, 9, 16))
    )
    assert sorted(n.key for n in decision.notices) == [
        "city-key-work@1:T1:c0:assignment:0",
        "city-key-work@2:T2:c0:assignment:0",
    ]
    with pytest.raises(EscalationError, match="twice"):
        supervise(late, policy=[v2, v2], calendar=CAL, now=at(D(2026, 9, 16)))
    with pytest.raises(EscalationError, match="not after version"):
        supervise(
            late, policy=[v2, attrs.evolve(v2, version=3)], calendar=CAL, now=at(D(2026, 9, 16))
        )


def test_an_issue_climbs_three_tiers_onto_the_joint_meeting_agenda() -> None:
    ledger = assigned(road_task())
    ledger = ledger.record(
        IssueRaised("T1", "land", description="征地补偿未谈妥"),
        actor="roads",
        at=at(D(2026, 9, 21), 9),
    )
    ledger = ledger.record(
        ProgressReported("T1", percent=60), actor="roads", at=at(D(2026, 9, 21), 10)
    )
    seen, journal = sweep(ledger, D(2026, 9, 21), D(2026, 10, 31))
    issued = [e for e in journal.entries if isinstance(e.event, NoticeIssued)]
    tiers = [(e.at.date(), e.event.level) for e in issued if e.event.notice_kind == "coordination"]
    # Unit: 5 working days from Sep 21 → Sep 29 (Mid-Autumn Sep 25 off); leader: 5 working days
    # from the hand-over on Sep 30 → Oct 13 (Oct 8, 9, Sat 10, 12, 13; Oct 1-7 off).
    assert tiers == [
        (D(2026, 9, 30), "land@2026-09-21:leader"),
        (D(2026, 10, 14), "land@2026-09-21:joint_meeting"),
    ]
    meeting_notice = next(e for e in issued if e.event.level.endswith("joint_meeting"))
    assert "2026-10-30" in meeting_notice.reason  # the last working day of October
    resolved = ledger.record(IssueResolved("T1", "land"), actor="wang", at=at(D(2026, 9, 29), 9))
    seen, journal = sweep(resolved, D(2026, 9, 21), D(2026, 10, 31))
    assert not [lv for _, lv in seen if "land" in lv]


def test_the_joint_meeting_can_be_given_explicit_dates() -> None:
    meeting = JointMeeting.on_dates("项目推进领导小组联席会议", [D(2026, 10, 22), D(2026, 11, 26)])
    policy = attrs.evolve(
        CITY_KEY_WORK_POLICY,
        coordination=Coordination(
            unit_limit="2个工作日内", leader_limit="within 1 working day", meeting=meeting
        ),
    )
    ledger = assigned(road_task())
    ledger = ledger.record(IssueRaised("T1", "power"), actor="roads", at=at(D(2026, 10, 12), 9))
    _, journal = sweep(ledger, D(2026, 10, 12), D(2026, 10, 20), policy=policy)
    notices = [
        e for e in journal.entries if isinstance(e.event, NoticeIssued) and "power" in e.event.level
    ]
    assert [e.at.date() for e in notices] == [D(2026, 10, 15), D(2026, 10, 19)]
    assert "2026-10-22" in notices[-1].reason


def test_approval_steps_of_the_green_channel_report_overruns() -> None:
    ledger = assigned(road_task())
    journal = SupervisionJournal().record(
        ApprovalStepStarted("T1", "环评", handler="生态环境分局"),
        actor="park",
        at=at(D(2026, 9, 16), 9),
    )
    # 10 working days from Sep 16: 17, 18, Sun 20, 21, 22, 23, 24, 28, 29, 30 → Sep 30.
    decision, _ = run(ledger, journal, D(2026, 9, 30))
    assert not [n for n in decision.notices if n.kind is NoticeKind.APPROVAL_OVERRUN]
    decision, _ = run(ledger, journal, D(2026, 10, 8))
    (overrun,) = [n for n in decision.notices if n.kind is NoticeKind.APPROVAL_OVERRUN]
    assert "due 2026-09-30, 1 working day(s) late" in overrun.reason
    done = journal.record(ApprovalStepCompleted("T1", "环评"), actor="park", at=at(D(2026, 9, 29)))
    decision, _ = run(ledger, done, D(2026, 10, 8))
    assert not [n for n in decision.notices if n.kind is NoticeKind.APPROVAL_OVERRUN]
    unknown = SupervisionJournal().record(
        ApprovalStepStarted("T1", "探矿"), actor="park", at=at(D(2026, 9, 16))
    )
    with pytest.raises(EscalationError, match="探矿"):
        supervise(
            ledger,
            policy=CITY_KEY_WORK_POLICY,
            calendar=CAL,
            now=at(D(2026, 10, 8)),
            journal=unknown,
        )


def test_completed_tasks_leave_supervision() -> None:
    ledger = assigned(road_task())
    ledger = ledger.record(TaskCompleted("T1"), actor="roads", at=at(D(2026, 9, 2), 9))
    decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 7)))
    assert decision.notices == () and decision.next_check_at is None


def test_other_conditions() -> None:
    policy = EscalationPolicy(
        "custom",
        version=1,
        effective_from=D(2026, 1, 1),
        levels=(
            Level("nudge", kind="phone_call", to=Target.UNIT, condition=NoProgressFor(3)),
            Level(
                "red",
                kind=NoticeKind.SUPERVISION,
                to=[Target.UNIT, Target.COOPERATING_UNITS],
                condition=WarningAtLeast(Light.RED),
                skip_when=Overdue(2),
            ),
        ),
    )
    task = road_task(
        responsibility=Responsibility(
            ROADS, leader_in_charge=WANG, cooperating=[govops.tasks.CooperatingUnit(WATER)]
        )
    )
    ledger = assigned(task)
    seen, _ = sweep(ledger, D(2026, 9, 1), D(2026, 11, 5), policy=policy)
    # 3 working days without a report after Sep 1 → Sep 4; the light turns red the day after
    # Fri Oct 30, and the office next works on Mon Nov 2.
    assert seen == [(D(2026, 9, 4), "nudge"), (D(2026, 11, 2), "red")]


def test_policies_refuse_what_cannot_work() -> None:
    level = Level("a", kind="reminder", to=Target.UNIT, condition=BehindSchedule(5))
    with pytest.raises(EscalationError, match="unique"):
        EscalationPolicy("p", version=1, effective_from=D(2026, 1, 1), levels=(level, level))
    with pytest.raises(EscalationError, match="no level before it"):
        EscalationPolicy(
            "p",
            version=1,
            effective_from=D(2026, 1, 1),
            levels=(Level("b", kind="x", to=Target.UNIT, condition=PreviousUnanswered()),),
        )
    with pytest.raises(InvalidInputError, match="kind=''"):
        Level("a", kind="", to=Target.UNIT, condition=Assigned())
    with pytest.raises(InvalidTypeError, match="condition="):
        Level("a", kind="x", to=Target.UNIT, condition="behind")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="points=120"):
        BehindSchedule(120)
    with pytest.raises(InvalidInputError, match="exactly one"):
        JointMeeting("m")
    with pytest.raises(EscalationError, match="no level 'zzz'"):
        CITY_KEY_WORK_POLICY.level("zzz")


def test_supervise_checks_its_arguments_and_records_nothing() -> None:
    ledger = assigned(road_task())
    with pytest.raises(govops.NaiveDatetimeError):
        supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=dt.datetime(2026, 9, 1, 9))
    with pytest.raises(InvalidTypeError, match=r"expected a govops\.tasks\.Ledger"):
        supervise("ledger", policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="EscalationPolicy"):
        supervise(ledger, policy="policy", calendar=CAL, now=at(D(2026, 9, 1)))  # type: ignore[arg-type]
    stray = SupervisionJournal().record(
        NoticeIssued("T9", "k", level="x", notice_kind="x"), actor="o", at=at(D(2026, 9, 1))
    )
    with pytest.raises(EscalationError, match="T9"):
        supervise(
            ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)), journal=stray
        )


def test_journal_is_a_hash_chained_value() -> None:
    ledger = assigned(road_task())
    seen, journal = sweep(ledger, D(2026, 9, 1), D(2026, 9, 30))
    assert seen
    rebuilt = SupervisionJournal.from_entries(journal.entries)
    assert rebuilt == journal and rebuilt.head_hash == journal.head_hash
    journal.verify()
    tampered = [attrs.evolve(journal.entries[0], reason="edited"), *journal.entries[1:]]
    with pytest.raises(govops.IntegrityError):
        SupervisionJournal.from_entries(tampered)
    with pytest.raises(InvalidInputError, match="time order"):
        journal.record(
            NoticeAnswered("T1", journal.entries[0].event.key), actor="x", at=at(D(2026, 9, 1))
        )  # type: ignore[attr-defined]


def test_deputy_cover_rules() -> None:
    plan = CoverPlan({"wang": "li"})
    plan = plan.with_absence(Absence("wang", start=D(2026, 10, 8), end=D(2026, 10, 9)))
    with pytest.raises(EscalationError, match="both be away on 2026-10-09"):
        plan.with_absence(Absence("li", start=D(2026, 10, 9), end=D(2026, 10, 12)))
    assert plan.acting("wang", D(2026, 10, 9)).acting_id == "li"
    assert not plan.acting("wang", D(2026, 10, 10)).is_deputy
    ledger = assigned(road_task())
    ledger = plan.record_as_deputy(
        ledger,
        ProgressReported("T1", percent=30),
        deputy="li",
        on_behalf_of="wang",
        at=at(D(2026, 10, 9)),
        reason="现场调度",
    )
    entry = ledger.entries[-1]
    assert entry.actor == "li" and entry.reason.startswith(
        "AB角: li acting for wang (2026-10-08–2026-10-09)"
    )
    with pytest.raises(EscalationError, match="not away"):
        plan.record_as_deputy(
            ledger,
            ProgressReported("T1", percent=40),
            deputy="li",
            on_behalf_of="wang",
            at=at(D(2026, 10, 12)),
        )
    with pytest.raises(EscalationError, match="fixed deputy is 'li'"):
        plan.record_as_deputy(
            ledger,
            ProgressReported("T1", percent=40),
            deputy="zhao",
            on_behalf_of="wang",
            at=at(D(2026, 10, 9)),
        )
    with pytest.raises(InvalidInputError, match="own deputy"):
        CoverPlan({"wang": "wang"})
    with pytest.raises(InvalidInputError, match="before it starts"):
        Absence("wang", start=D(2026, 10, 9), end=D(2026, 10, 8))


def test_notices_read_well() -> None:
    ledger = assigned(road_task())
    decision, _ = run(ledger, SupervisionJournal(), D(2026, 9, 1))
    (notice,) = decision.notices
    assert str(notice) == (
        "2026-09-01 assignment notice T1 → 镇交通办: assigned on 2026-09-01: requirements and "
        "deadline 2026-10-30; answer by 2026-09-08"
    )
    assert decision.lines()[-1] == "next check at 2026-09-02T00:00:00+08:00"


def test_notices_read_in_one_language() -> None:
    ledger = assigned(road_task())
    zh = supervise(
        ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)), lang="zh"
    )
    (notice,) = zh.notices
    assert notice.lang == "zh"
    assert str(notice) == (
        "2026-09-01 交办单 T1 → 镇交通办：2026-09-01交办，明确工作要求和完成时限2026-10-30；"
        "请于2026-09-08前答复"
    )
    assert zh.lines()[-1] == "下次检查：2026-09-02T00:00:00+08:00"
    with pytest.raises(InvalidInputError, match="lang='fr'; expected 'en'"):
        supervise(
            ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)), lang="fr"
        )  # type: ignore[arg-type]


def test_past_the_published_calendar_the_engine_asks_for_the_schedule() -> None:
    ledger = assigned(
        road_task(deadline=Deadline.on(D(2026, 12, 31)), start=D(2026, 12, 1)), day=D(2026, 12, 1)
    )
    _, journal = run(ledger, SupervisionJournal(), D(2026, 12, 1))
    # Quiet on Dec 30: the next thing that can happen is the deadline passing on Jan 1, 2027,
    # a day the CN data does not cover yet; it is given as is, not guessed.
    ledger = ledger.record(
        ProgressReported("T1", percent=95), actor="roads", at=at(D(2026, 12, 30), 9)
    )
    decision = supervise(
        ledger,
        policy=CITY_KEY_WORK_POLICY,
        calendar=CAL_2026,
        now=at(D(2026, 12, 30)),
        journal=journal,
    )
    assert decision.notices == ()
    assert decision.next_check_at is not None and decision.next_check_at.date() == D(2027, 1, 1)
    # A reminder whose answer date would fall in 2027 cannot be dated: the engine says so.
    behind = assigned(
        road_task(deadline=Deadline.on(D(2026, 12, 31)), start=D(2026, 12, 1)), day=D(2026, 12, 1)
    )
    _, journal = run(behind, SupervisionJournal(), D(2026, 12, 1))
    with pytest.raises(govops.CalendarCoverageError, match="2027"):
        supervise(
            behind,
            policy=CITY_KEY_WORK_POLICY,
            calendar=CAL_2026,
            now=at(D(2026, 12, 28)),
            journal=journal,
        )


def test_a_repeat_stops_at_its_limit() -> None:
    policy = attrs.evolve(
        CITY_KEY_WORK_POLICY,
        levels=(
            CITY_KEY_WORK_POLICY.levels[0],
            attrs.evolve(CITY_KEY_WORK_POLICY.levels[1], repeat=Repeat(5, limit=2)),
        ),
    )
    ledger = assigned(road_task())
    seen, _ = sweep(ledger, D(2026, 9, 1), D(2026, 10, 30), policy=policy)
    # Sep 7, then 5 working days later twice (Sun Sep 20 worked, Mid-Autumn Sep 25 off); then no more.
    assert seen == [
        (D(2026, 9, 1), "assignment"),
        (D(2026, 9, 7), "reminder"),
        (D(2026, 9, 14), "reminder"),
        (D(2026, 9, 20), "reminder"),
    ]


def test_the_journal_time_travels_and_reports_what_a_store_lacks() -> None:
    ledger = assigned(road_task())
    _, journal = sweep(ledger, D(2026, 9, 1), D(2026, 9, 8))
    assert journal.version == 2
    assert journal.as_of(at(D(2026, 9, 6))).version == 1
    assert journal.as_of(at(D(2026, 9, 30))) is journal
    (entry,) = journal.entries_since(1)
    assert entry.event.level == "reminder"  # type: ignore[attr-defined]
    with pytest.raises(InvalidInputError, match="version=3"):
        journal.entries_since(3)
    # Supervising in the past reads the record as it stood then (the reminder went out at 17:00).
    past = supervise(
        ledger,
        policy=CITY_KEY_WORK_POLICY,
        calendar=CAL,
        now=at(D(2026, 9, 7), 12),
        journal=journal,
    )
    assert [n.level for n in past.notices] == ["reminder"]
    with pytest.raises(InvalidTypeError, match="supervision event"):
        journal.record(TaskCompleted("T1"), actor="x", at=at(D(2026, 9, 9)))  # type: ignore[arg-type]


# -- supervision events refuse what the record cannot hold --------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    [
        (lambda: NoticeIssued("T1", "k\ud800", level="l", notice_kind="reminder"),
         InvalidInputError, "key='k\\ud800' holds the lone surrogate"),
        (lambda: NoticeIssued("T1", "k", level="l", notice_kind="r", recipients=["a", "\udfff"]),
         InvalidInputError, "recipients[1]='\\udfff' holds the lone surrogate"),
        (lambda: NoticeIssued("T1", "k", level="l", notice_kind="r", percent=10**400),
         InvalidInputError, "percent=an int of about 400 digits is too large"),
        (lambda: NoticeIssued("T1", "k", level="l", notice_kind="r", percent=float("nan")),
         InvalidInputError, "percent=nan is not finite"),
        (lambda: NoticeIssued("T1", "k", level="l", notice_kind="r", percent="40"),
         InvalidTypeError, "percent='40' is a str; expected a number"),
        (lambda: NoticeIssued("T1", "k", level="l", notice_kind="r", percent=140),
         InvalidInputError, "percent=140.0 is out of range; expected a number >= 0 and <= 100"),
        (lambda: NoticeAnswered("T1", "k", note="已办\ud800"), InvalidInputError, "note="),
        (lambda: ApprovalStepStarted("T1", "环评", handler="\ud800"), InvalidInputError, "handler="),
        (lambda: Absence("wang", start=D(2026, 10, 8), end=D(2026, 10, 9), reason="\ud800"),
         InvalidInputError, "reason="),
    ],
)  # fmt: skip
def test_supervision_values_refuse_what_cannot_be_recorded(
    build: Any, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: WarningAtLeast("purple"), "'purple' is not a Light"),
        (lambda: BehindSchedule(points="10"), "'10' is a str; expected a number"),
        (lambda: JointMeeting("联席会议", dates=None), "None is a NoneType; expected a tuple"),
        (lambda: JointMeeting("联席会议", dates=[D(2026, 1, 5), "2026-01-06"]), "dates contains"),
    ],
)
def test_policy_values_refuse_wrong_types_with_our_errors(build: Any, fragment: str) -> None:
    with pytest.raises((InvalidInputError, InvalidTypeError)) as info:
        build()
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("to", "fragment"),
    [(None, "None is a NoneType; expected a tuple"), ([None], "None is not a Target")],
)
def test_a_level_addressed_to_nothing_usable_is_our_error(to: Any, fragment: str) -> None:
    with pytest.raises((InvalidInputError, InvalidTypeError), match=fragment):
        Level("reminder", kind="reminder", to=to, condition=Overdue())
