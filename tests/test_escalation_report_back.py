"""The deputy's report-back (AB角 事后汇报) as a tracked duty, on the 2026 CN calendar.

Dates checked against ``govops.calendar("CN")`` (asserted below): Mid-Autumn Fri 2026-09-25 and
National Day Thu Oct 1 – Wed Oct 7 are off; Sun Sep 20 and Sat Oct 10 are make-up workdays;
Thu Oct 8 is an ordinary working day. The report is due "within 2 working days" counted from the
last day of the leader's absence.

Set GOVOPS_REGENERATE_GOLDEN=1 to rewrite the golden file after a deliberate format change.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import attrs
import pytest

import govops
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    SUPERVISION_EVENT_TYPES,
    Absence,
    CoverPlan,
    DeputyActed,
    DeputyReportedBack,
    Directory,
    Level,
    NoticeAnswered,
    NoticeIssued,
    NoticeKind,
    ReportBackDuty,
    SupervisionJournal,
    Target,
    pending_report_backs,
    supervise,
)
from govops.exceptions import EscalationError, InvalidInputError, InvalidTypeError
from govops.serialization import from_json, to_json
from govops.tasks import (
    CompletionConfirmed,
    Deadline,
    Ledger,
    LedgerPolicy,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
D = dt.date
GOLDEN = Path(__file__).parent / "golden"
WANG = Person("wang", "王副镇长", roles=["leader_in_charge"])
LI = Person("li", "李副镇长", roles=["leader_in_charge"])
ROADS = Unit("roads", "镇交通办")
# Wang is away Mon Sep 21 – Wed Sep 30, the eve of National Day: his report is due Fri Oct 9.
AWAY = Absence("wang", start=D(2026, 9, 21), end=D(2026, 9, 30), reason="党校培训")
PLAN = CoverPlan({"wang": "li"}, absences=[AWAY])
DIRECTORY = Directory((WANG, LI), cover=PLAN)
# Only the report-back duty: no ladder, so every notice below is a report-back notice.
ACT_DAY = D(2026, 9, 24)
ONLY = attrs.evolve(CITY_KEY_WORK_POLICY, levels=(), coordination=None, approval_steps=())


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def assigned(policy: LedgerPolicy | None = None) -> Ledger:
    task = Task(
        "T1",
        "乡村道路改造",
        category="key_works",
        responsibility=Responsibility(ROADS, leader_in_charge=WANG),
        deadline=Deadline.on(D(2026, 12, 30)),
        start=D(2026, 9, 1),
    )
    ledger = Ledger(calendar=CAL, policy=policy or LedgerPolicy())
    ledger = ledger.record(TaskAssigned(task), actor="office", at=at(D(2026, 9, 1), 9))
    return ledger.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))


def acted(ledger: Ledger | None = None, day: dt.date = ACT_DAY) -> Ledger:
    """Li reports progress for Wang on ``day`` (a day of the absence)."""
    return PLAN.record_as_deputy(
        ledger or assigned(),
        ProgressReported("T1", percent=20),
        deputy="li",
        on_behalf_of="wang",
        at=at(day, 10),
        reason="现场调度",
    )


def check(ledger: Ledger, day: dt.date, policy: object = ONLY) -> govops.escalation.Decision:
    return supervise(ledger, policy=policy, calendar=CAL, now=at(day), directory=DIRECTORY)  # type: ignore[arg-type]


def test_the_calendar_facts_the_dates_below_rely_on() -> None:
    assert not CAL.is_working_day(D(2026, 9, 25))  # Mid-Autumn
    assert all(not CAL.is_working_day(D(2026, 10, d)) for d in range(1, 8))  # National Day
    assert CAL.is_working_day(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6  # make-up Sunday
    assert CAL.is_working_day(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5  # make-up Sat
    assert CAL.is_working_day(D(2026, 10, 8))
    assert CAL.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)


def test_a_deputy_act_leaves_a_duty_to_report_back_next_to_the_act() -> None:
    ledger = acted()
    act, duty = ledger.entries[-2:]
    assert isinstance(act.event, ProgressReported) and act.actor == "li"
    assert act.reason.startswith("AB角: li acting for wang (2026-09-21–2026-09-30, 党校培训)")
    assert isinstance(duty.event, DeputyActed)
    assert duty.event == DeputyActed(
        "T1",
        "ab:wang:3",
        deputy="li",
        leader="wang",
        away_from=D(2026, 9, 21),
        away_until=D(2026, 9, 30),
        act_seq=act.seq,
        act_kind="progress_reported",
    )
    assert (duty.actor, duty.at) == ("li", act.at)
    assert "report back on entry 3 (progress_reported)" in duty.reason and "事后汇报" in duty.reason
    # The task's state is the act's: the duty is an annotation.
    assert ledger.state("T1").percent == 20
    assert SUPERVISION_EVENT_TYPES["deputy_acted"] is DeputyActed
    assert SUPERVISION_EVENT_TYPES["deputy_reported_back"] is DeputyReportedBack


def test_the_report_back_is_due_two_working_days_after_the_absence_across_national_day() -> None:
    ledger = acted()
    (duty,) = pending_report_backs(ledger, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 9)))
    assert duty == ReportBackDuty(
        "ab:wang:3",
        task_id="T1",
        deputy="li",
        leader="wang",
        act_seq=3,
        act_kind="progress_reported",
        acted_on=D(2026, 9, 24),
        away_from=D(2026, 9, 21),
        away_until=D(2026, 9, 30),
        due=D(2026, 10, 9),
    )
    assert not duty.is_overdue(D(2026, 10, 9)) and duty.is_overdue(D(2026, 10, 10))
    assert "li → wang: report back on entry 3" in str(duty)
    # Before the due date: nothing, and the engine looks again the day after it.
    for day in (D(2026, 9, 24), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9)):
        decision = check(ledger, day)
        assert decision.notices == ()
        assert decision.next_check_at == at(D(2026, 10, 10), 0).replace(hour=0)
    # During National Day the office is closed: nothing, next check on the first working day.
    closed = check(ledger, D(2026, 10, 3))
    assert closed.notices == () and closed.next_check_at is not None
    assert closed.next_check_at.date() == D(2026, 10, 8)


def test_an_overdue_report_back_sends_one_notice_to_the_deputy_and_the_leader() -> None:
    ledger = acted()
    decision = check(ledger, D(2026, 10, 10))  # Saturday, a make-up workday
    (notice,) = decision.notices
    assert notice.key == "city-key-work@1:T1:report_back:ab:wang:3"
    assert notice.kind == NoticeKind.REPORT_BACK and notice.label_zh == "代办事项汇报提醒"
    assert notice.issued_on == D(2026, 10, 10)
    deputy, leader = notice.recipients
    assert (deputy.target, deputy.id, deputy.name, deputy.acting_for) == (
        Target.DEPUTY_COVER,
        "li",
        "李副镇长",
        "wang",
    )
    assert (leader.target, leader.id, leader.name, leader.acting_for) == (
        Target.DEPUTY_COVER,
        "wang",
        "王副镇长",
        None,
    )
    assert notice.reason == (
        "li acted for wang on 2026-09-24 (progress_reported, entry 3) while wang was away "
        "2026-09-21–2026-09-30, and has not reported back: due 2026-10-09 (within 2 working days "
        "after the leader's return), 1 working day(s) late"
    )
    assert decision.next_check_at is None  # nothing else can change without a new event
    # Recorded, it is not proposed again; a second record of it is refused.
    recorded = decision.record(ledger, actor="supervision-office")
    event = recorded.entries[-1].event
    assert isinstance(event, NoticeIssued) and event.recipients == ("li", "wang")
    for day in (D(2026, 10, 10), D(2026, 10, 12), D(2026, 11, 2)):
        assert check(recorded, day).notices == ()
    with pytest.raises(EscalationError, match="already recorded"):
        decision.record(recorded, actor="supervision-office")
    # Still owed until the report is recorded; then the pending list is empty.
    assert [
        d.key
        for d in pending_report_backs(recorded, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 12)))
    ] == ["ab:wang:3"]
    done = recorded.record(
        DeputyReportedBack("T1", "ab:wang:3", note="当面汇报"), actor="li", at=at(D(2026, 10, 12))
    )
    assert pending_report_backs(done, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 12))) == ()
    assert check(done, D(2026, 10, 13)).notices == ()


@pytest.mark.parametrize(
    ("reported", "notices"),
    [
        (D(2026, 9, 30), 0),  # before the leader is back
        (D(2026, 10, 9), 0),  # on the due date
        (D(2026, 10, 10), 1),  # the day after, in the evening: the notice went out at 17:00
        (D(2026, 10, 14), 1),
        (None, 1),
    ],
)
def test_daily_runs_send_at_most_one_notice_and_none_after_a_timely_report(
    reported: dt.date | None, notices: int
) -> None:
    ledger = acted()
    sent = 0
    day = D(2026, 9, 24)
    while day <= D(2026, 10, 31):
        if CAL.is_working_day(day):
            decision = check(ledger, day)
            sent += len(decision.notices)
            ledger = decision.record(ledger, actor="office")
        if day == reported:
            ledger = ledger.record(
                DeputyReportedBack("T1", "ab:wang:3"), actor="li", at=at(day, 20)
            )
        day += dt.timedelta(days=1)
    assert sent == notices


def test_a_closed_task_still_owes_the_report_back() -> None:
    """The deputy signs off the completion for the leader: the task is closed, the report is not."""
    ledger = assigned(LedgerPolicy(cover=PLAN.windows()))
    ledger = ledger.record(TaskCompleted("T1"), actor="roads", at=at(D(2026, 9, 22), 9))
    ledger = PLAN.record_as_deputy(
        ledger, CompletionConfirmed("T1"), deputy="li", on_behalf_of="wang", at=at(D(2026, 9, 23))
    )
    assert ledger.open_tasks(now=at(D(2026, 10, 10))) == ()
    (notice,) = check(ledger, D(2026, 10, 10)).notices
    assert notice.kind == NoticeKind.REPORT_BACK and "completion_confirmed" in notice.reason
    early = check(ledger, D(2026, 9, 28))
    assert early.notices == () and early.next_check_at is not None
    assert early.next_check_at.date() == D(2026, 10, 10)


def test_the_limit_is_rule_language_text_and_can_be_turned_off() -> None:
    ledger = acted()
    three = attrs.evolve(ONLY, report_back_within="3个工作日内")
    (duty,) = pending_report_backs(ledger, policy=three, calendar=CAL, now=at(D(2026, 10, 9)))
    assert duty.due == D(2026, 10, 10)
    assert check(ledger, D(2026, 10, 10), three).notices == ()
    assert len(check(ledger, D(2026, 10, 12), three).notices) == 1
    days = attrs.evolve(ONLY, report_back_within="within 2 days")  # calendar days, rolled
    (duty,) = pending_report_backs(ledger, policy=days, calendar=CAL, now=at(D(2026, 10, 9)))
    assert duty.due == D(2026, 10, 8)  # Oct 2 is a holiday: rolled to the next working day
    off = attrs.evolve(ONLY, report_back_within=None)
    (duty,) = pending_report_backs(ledger, policy=off, calendar=CAL, now=at(D(2026, 10, 9)))
    assert duty.due is None and not duty.is_overdue(D(2026, 12, 31))
    decision = check(ledger, D(2026, 11, 2), off)
    assert decision.notices == () and decision.next_check_at is None
    assert CITY_KEY_WORK_POLICY.report_back_within == "within 2 working days"
    with pytest.raises(EscalationError, match="cannot be used"):
        check(ledger, D(2026, 10, 9), attrs.evolve(ONLY, report_back_within="whenever"))
    with pytest.raises(InvalidInputError, match="empty"):
        attrs.evolve(ONLY, report_back_within=" ")


def test_each_task_follows_the_policy_version_it_was_assigned_under() -> None:
    v2 = attrs.evolve(
        ONLY, version=2, effective_from=D(2026, 9, 15), report_back_within="within 5 working days"
    )
    ledger = acted()  # T1 was assigned on Sep 1, under version 1
    (duty,) = pending_report_backs(ledger, policy=[ONLY, v2], calendar=CAL, now=at(D(2026, 10, 9)))
    assert duty.due == D(2026, 10, 9)
    (notice,) = check(ledger, D(2026, 10, 10), [ONLY, v2]).notices
    assert notice.key.startswith("city-key-work@1:")


def test_the_ladder_and_the_report_back_share_a_run() -> None:
    ledger = acted()
    decision = check(ledger, D(2026, 10, 10), CITY_KEY_WORK_POLICY)
    kinds = [n.kind for n in decision.notices]
    assert NoticeKind.REPORT_BACK in kinds and NoticeKind.ASSIGNMENT in kinds


def test_the_journal_holds_acts_on_notices_and_their_reports() -> None:
    ledger = assigned()
    key = "city-key-work@1:T1:c0:assignment:0"
    journal = SupervisionJournal().record(
        NoticeIssued("T1", key, level="assignment", notice_kind="assignment"),
        actor="office",
        at=at(D(2026, 9, 1), 11),
    )
    journal = PLAN.record_as_deputy(
        journal,
        NoticeAnswered("T1", key, note="已部署"),
        deputy="li",
        on_behalf_of="wang",
        at=at(D(2026, 9, 22)),
    )
    duty = journal.entries[-1].event
    assert isinstance(duty, DeputyActed) and duty.key == "ab:wang:2" and duty.act_seq == 2
    (owed,) = pending_report_backs(
        ledger, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 12)), journal=journal
    )
    assert owed.key == "ab:wang:2" and owed.act_kind == "notice_answered"
    decision = supervise(
        ledger,
        policy=ONLY,
        calendar=CAL,
        now=at(D(2026, 10, 12)),
        journal=journal,
        directory=DIRECTORY,
    )
    assert [n.key for n in decision.notices] == ["city-key-work@1:T1:report_back:ab:wang:2"]
    # The report goes where the act is: the ledger has no such act.
    with pytest.raises(EscalationError, match="names no deputy act"):
        ledger.record(DeputyReportedBack("T1", "ab:wang:2"), actor="li", at=at(D(2026, 10, 12)))
    journal = journal.record(
        DeputyReportedBack("T1", "ab:wang:2"), actor="li", at=at(D(2026, 10, 12))
    )
    assert (
        pending_report_backs(
            ledger, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 13)), journal=journal
        )
        == ()
    )


def test_the_record_refuses_incoherent_report_backs() -> None:
    ledger = acted()
    with pytest.raises(EscalationError, match="names no deputy act"):
        ledger.record(DeputyReportedBack("T1", "ab:wang:99"), actor="li", at=at(D(2026, 10, 9)))
    done = ledger.record(DeputyReportedBack("T1", "ab:wang:3"), actor="li", at=at(D(2026, 10, 9)))
    with pytest.raises(EscalationError, match="already reported back"):
        done.record(DeputyReportedBack("T1", "ab:wang:3"), actor="li", at=at(D(2026, 10, 9)))
    again = ledger.entries[-1].event
    with pytest.raises(EscalationError, match="already recorded"):
        ledger.record(again, actor="li", at=at(D(2026, 10, 9)))
    fields = {
        "deputy": "li",
        "leader": "wang",
        "away_from": D(2026, 9, 21),
        "away_until": D(2026, 9, 30),
    }
    with pytest.raises(InvalidInputError, match="act_seq=0"):
        DeputyActed("T1", "k", act_seq=0, act_kind="x", **fields)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="for themselves"):
        DeputyActed("T1", "k", act_seq=1, act_kind="x", **{**fields, "deputy": "wang"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="before away_from"):
        DeputyActed("T1", "k", act_seq=1, act_kind="x", **{**fields, "away_until": D(2026, 9, 1)})  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="away_from="):
        DeputyActed("T1", "k", act_seq=1, act_kind="x", **{**fields, "away_from": "2026-09-21"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="key=''"):
        DeputyReportedBack("T1", "")
    # A ladder level cannot address the deputy cover: only report-back notices do.
    with pytest.raises(InvalidInputError, match="DEPUTY_COVER"):
        Level("x", kind="reminder", to=(Target.UNIT, Target.DEPUTY_COVER), condition=ONLY_COND)
    with pytest.raises(InvalidTypeError, match="ledger="):
        pending_report_backs("ledger", policy=ONLY, calendar=CAL, now=at(D(2026, 10, 9)))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="journal="):
        pending_report_backs(
            ledger, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 9)), journal=ledger
        )  # type: ignore[arg-type]


ONLY_COND = govops.escalation.Assigned()


def report_back_ledger() -> Ledger:
    """An act, its duty, the overdue notice and the report, for the golden file."""
    ledger = acted()
    ledger = check(ledger, D(2026, 10, 10)).record(ledger, actor="supervision-office")
    return ledger.record(
        DeputyReportedBack("T1", "ab:wang:3", note="当面汇报"), actor="li", at=at(D(2026, 10, 12))
    )


def test_the_report_back_events_round_trip_through_json_and_a_golden_file() -> None:
    ledger = report_back_ledger()
    for entry in ledger.entries:
        assert from_json(to_json(entry.event)) == entry.event
    back = from_json(to_json(ledger), Ledger, calendar=CAL)
    assert back == ledger
    assert pending_report_backs(back, policy=ONLY, calendar=CAL, now=at(D(2026, 10, 13))) == ()
    path = GOLDEN / "ledger_report_back.json"
    text = to_json(ledger) + "\n"
    if os.environ.get("GOVOPS_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    golden = path.read_text(encoding="utf-8")
    assert text == golden
    assert from_json(golden, calendar=CAL) == ledger
