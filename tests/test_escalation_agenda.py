"""Tier 3 of coordination lands on the joint meeting's agenda, on the 2026 CN calendar.

The issue is raised on Thu 2026-09-17. The unit has 5 working days: Sep 18, Sun Sep 20 (make-up),
21, 22, 23 → limit Sep 23, tier 2 on Thu Sep 24. The leader has 5 working days from then: Sep 25 is
Mid-Autumn, so Sep 28, 29, 30, then National Day (Oct 1–7 off), Oct 8, 9 → limit Fri Oct 9, tier 3
on Sat Oct 10 (a make-up workday). The joint meeting sits on the last working day of each month:
Wed Sep 30, Fri Oct 30, Mon Nov 30; the issue goes to the Oct 30 sitting.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import govops
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    TOWN_JOINT_MEETING,
    EscalatedIssue,
    JointMeeting,
    NoticeKind,
    SupervisionJournal,
    escalated_issues,
    joint_meeting_agenda,
    supervise,
)
from govops.exceptions import InvalidTypeError, MeetingError
from govops.meetings import ExclusionReason, Meeting, Topic, presets, schedule
from govops.tasks import (
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
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
D = dt.date
WANG = Person("wang", "王副镇长", roles=["leader_in_charge"])
FARM = Unit("farm", "农业服务中心")
# Coordination only, so every notice below is a coordination notice.
POLICY = attrs.evolve(CITY_KEY_WORK_POLICY, levels=(), approval_steps=())
OCT_12 = D(2026, 10, 12)
JOINT = attrs.evolve(presets.JOINT_MEETING, cadence=TOWN_JOINT_MEETING.schedule)


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def raised() -> Ledger:
    task = Task(
        "T3",
        "高标准农田建设",
        category="key_project",
        responsibility=Responsibility(FARM, leader_in_charge=WANG),
        deadline=Deadline.on(D(2026, 12, 30)),
        start=D(2026, 9, 1),
    )
    ledger = Ledger(calendar=CAL)
    ledger = ledger.record(TaskAssigned(task), actor="office", at=at(D(2026, 9, 1), 9))
    ledger = ledger.record(TaskAccepted("T3"), actor="farm", at=at(D(2026, 9, 1), 10))
    return ledger.record(
        IssueRaised("T3", "land", description="征地补偿未谈妥"),
        actor="farm",
        at=at(D(2026, 9, 17), 10),
    )


def escalated(until: dt.date = OCT_12, policy: object = POLICY) -> tuple[Ledger, list[str]]:
    """Daily runs from the day the issue is raised, each decision recorded; the notice lines."""
    ledger = raised()
    lines = []
    day = D(2026, 9, 17)
    while day <= until:
        decision = supervise(ledger, policy=policy, calendar=CAL, now=at(day))  # type: ignore[arg-type]
        lines += [str(n) for n in decision.notices]
        ledger = decision.record(ledger, actor="supervision-office")
        day += dt.timedelta(days=1)
    return ledger, lines


def sitting(day: dt.date) -> Meeting:
    (meeting,) = schedule(JOINT, day, day, calendar=CAL).meetings
    return meeting


def test_the_dates_the_tiers_rely_on() -> None:
    assert CAL.is_working_day(D(2026, 9, 20)) and CAL.is_working_day(D(2026, 10, 10))
    assert not CAL.is_working_day(D(2026, 9, 25))
    assert all(not CAL.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    dates = schedule(JOINT, D(2026, 9, 1), D(2026, 11, 30), calendar=CAL).dates
    assert dates == (D(2026, 9, 30), D(2026, 10, 30), D(2026, 11, 30))


def test_the_issue_climbs_across_national_day_and_is_put_on_the_oct_30_sitting() -> None:
    ledger, lines = escalated()
    assert [line[:10] for line in lines] == ["2026-09-24", "2026-10-10"]
    assert "unresolved past the unit's limit 2026-09-23" in lines[0]
    assert (
        "unresolved past the leader's limit 2026-10-09 (within 5 working days): put on the agenda "
        "of 项目推进领导小组联席会议 on 2026-10-30 (tier 3 of 3); on the agenda of 2026-10-30"
    ) in lines[1]
    (issue,) = escalated_issues(ledger, policy=POLICY, calendar=CAL, now=at(D(2026, 10, 12), 9))
    assert issue == EscalatedIssue(
        "city-key-work@1:T3:issue:land@2026-09-17:joint_meeting",
        task_id="T3",
        issue_id="land",
        description="征地补偿未谈妥",
        raised_on=D(2026, 9, 17),
        escalated_on=D(2026, 10, 10),
        meeting_on=D(2026, 10, 30),
        reason=issue.reason,
    )
    assert issue.reason.endswith("(tier 3 of 3)") and "2026-10-30" in issue.reason
    assert issue.topic_id == "T3/land@2026-09-17"


def test_the_agenda_of_the_sitting_carries_the_issue_with_task_reason_and_date() -> None:
    ledger, _ = escalated()
    meeting = sitting(D(2026, 10, 30))
    assert meeting.previous == D(2026, 9, 30)
    agenda = joint_meeting_agenda(ledger, meeting, policy=POLICY, now=at(D(2026, 10, 29), 9))
    assert agenda.is_ready and agenda.excluded == ()
    (item,) = agenda.items
    topic = item.topic
    assert (topic.id, topic.task_id, topic.proposed_by, topic.set_by) == (
        "T3/land@2026-09-17",
        "T3",
        "leader_in_charge",
        "group_leader",
    )
    assert topic.title == "协调事项 T3 问题 'land': 征地补偿未谈妥 (escalated 2026-10-10)"
    assert "tier 3 of 3" in topic.note
    lines = agenda.lines()
    assert lines[0].startswith("项目推进领导小组联席会议 2026-10-30 议程")
    assert lines[1] == "  1. " + topic.title and lines[2].strip() == topic.note
    # Other topics follow the escalated issues, under the same rules.
    extra = Topic("plan", "四季度调度安排", proposed_by="group_leader")
    agenda = joint_meeting_agenda(
        ledger, meeting, policy=POLICY, now=at(D(2026, 10, 29), 9), topics=[extra]
    )
    assert [i.topic.id for i in agenda.items] == ["T3/land@2026-09-17", "plan"]


def test_an_issue_resolved_before_the_meeting_drops_off() -> None:
    ledger, _ = escalated()
    ledger = ledger.record(
        IssueResolved("T3", "land", resolution="分管领导协调解决"),
        actor="wang",
        at=at(D(2026, 10, 20), 10),
    )
    meeting = sitting(D(2026, 10, 30))
    assert escalated_issues(ledger, policy=POLICY, calendar=CAL, now=at(D(2026, 10, 29))) == ()
    assert joint_meeting_agenda(ledger, meeting, policy=POLICY, now=at(D(2026, 10, 29))).items == ()
    # As the record stood before the resolution, it was on the agenda: time travel agrees.
    before = joint_meeting_agenda(ledger, meeting, policy=POLICY, now=at(D(2026, 10, 19)))
    assert [i.topic.task_id for i in before.items] == ["T3"]


def test_an_earlier_sitting_does_not_take_it_and_a_later_one_keeps_it_until_resolved() -> None:
    ledger, _ = escalated()
    sep = joint_meeting_agenda(
        ledger, sitting(D(2026, 9, 30)), policy=POLICY, now=at(D(2026, 10, 12))
    )
    assert sep.items == ()
    nov = joint_meeting_agenda(
        ledger, sitting(D(2026, 11, 30)), policy=POLICY, now=at(D(2026, 11, 27))
    )
    assert [i.topic.id for i in nov.items] == ["T3/land@2026-09-17"]


def test_the_meeting_rules_still_apply_to_escalated_issues() -> None:
    ledger, _ = escalated()
    meeting = sitting(D(2026, 10, 30))
    agenda = joint_meeting_agenda(
        ledger, meeting, policy=POLICY, now=at(D(2026, 10, 29)), set_by="leader_in_charge"
    )
    (excluded,) = agenda.excluded
    assert excluded.codes == frozenset({ExclusionReason.NOT_SET})
    # A type that wants progress since the last sitting leaves stalled work off (上周落实没有进度的
    # 工作,原则不要上会); progress reported since then puts it back.
    strict = attrs.evolve(JOINT, agenda=attrs.evolve(JOINT.agenda, progress_required=True))
    (m,) = schedule(strict, D(2026, 10, 30), D(2026, 10, 30), calendar=CAL).meetings
    agenda = joint_meeting_agenda(ledger, m, policy=POLICY, now=at(D(2026, 10, 29)))
    assert agenda.excluded[0].codes == frozenset({ExclusionReason.NO_PROGRESS})
    moved = ledger.record(ProgressReported("T3", percent=10), actor="farm", at=at(D(2026, 10, 20)))
    assert joint_meeting_agenda(moved, m, policy=POLICY, now=at(D(2026, 10, 29))).items
    with pytest.raises(MeetingError, match="proposed_by"):
        joint_meeting_agenda(
            ledger, meeting, policy=POLICY, now=at(D(2026, 10, 29)), proposed_by="janitor"
        )


def test_an_ad_hoc_sitting_and_explicit_dates_work_too() -> None:
    dated = attrs.evolve(
        POLICY,
        coordination=attrs.evolve(
            POLICY.coordination,  # type: ignore[arg-type]
            meeting=JointMeeting.on_dates("联席会议", [D(2026, 10, 10), D(2026, 10, 16)]),
        ),
    )
    ledger, lines = escalated(policy=dated)
    assert "on the agenda of 2026-10-16" in lines[-1]  # the first sitting after Oct 10
    (issue,) = escalated_issues(ledger, policy=dated, calendar=CAL, now=at(D(2026, 10, 12)))
    assert issue.meeting_on == D(2026, 10, 16)
    meeting = Meeting.ad_hoc(
        presets.JOINT_MEETING, D(2026, 10, 16), approved_by="group_leader", reason="协调征地"
    )
    agenda = joint_meeting_agenda(ledger, meeting, policy=dated, now=at(D(2026, 10, 15)))
    assert agenda.is_ready and [i.topic.task_id for i in agenda.items] == ["T3"]


def test_a_decision_notice_and_the_journal() -> None:
    ledger = raised()
    journal = SupervisionJournal()
    for day in (D(2026, 9, 24), D(2026, 10, 10)):
        decision = supervise(ledger, policy=POLICY, calendar=CAL, now=at(day), journal=journal)
        journal = decision.record(journal, actor="supervision-office")
    (notice,) = decision.notices
    assert notice.kind == NoticeKind.COORDINATION and notice.meeting_on == D(2026, 10, 30)
    (issue,) = escalated_issues(
        ledger, policy=POLICY, calendar=CAL, now=at(D(2026, 10, 12)), journal=journal
    )
    assert issue.key == notice.key and issue.meeting_on == notice.meeting_on
    assert issue.reason == notice.reason and issue.escalated_on == notice.issued_on


def test_bad_input_is_refused_with_our_errors() -> None:
    ledger, _ = escalated()
    with pytest.raises(InvalidTypeError, match="meeting="):
        joint_meeting_agenda(ledger, "2026-10-30", policy=POLICY, now=at(D(2026, 10, 29)))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="ledger="):
        escalated_issues("ledger", policy=POLICY, calendar=CAL, now=at(D(2026, 10, 29)))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="journal="):
        escalated_issues(
            ledger, policy=POLICY, calendar=CAL, now=at(D(2026, 10, 29)), journal=ledger
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="note="):
        Topic("x", "y", proposed_by="mayor", note=3)  # type: ignore[arg-type]
    with pytest.raises(govops.GovopsError, match="has no time zone"):
        escalated_issues(ledger, policy=POLICY, calendar=CAL, now=dt.datetime(2026, 10, 29))
