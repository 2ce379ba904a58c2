"""Supervision recorded in the task ledger: the primary path.

The supervision events are ledger annotations: ``Decision.record(ledger, ...)`` puts the notices in
the ledger, ``supervise`` reads them back, a second notice with the same key is refused, the task's
state does not move, and the result is the same as with a separate :class:`SupervisionJournal`.
Deputy confirmation (AB角) of a completion is tested here too, with the cover windows a
:class:`CoverPlan` gives the ledger's policy.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import attrs
import pytest

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    Absence,
    ApprovalGranted,
    ApprovalRefused,
    ApprovalStepCompleted,
    ApprovalStepStarted,
    CoverPlan,
    Decision,
    Directory,
    NoticeAnswered,
    NoticeIssued,
    SupervisionJournal,
    supervise,
)
from govops.exceptions import EscalationError, InvalidInputError, InvalidTransitionError
from govops.serialization import from_json, to_json
from govops.store import EventStore
from govops.tasks import (
    CompletionConfirmed,
    CoverWindow,
    Deadline,
    Event,
    Ledger,
    LedgerPolicy,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskReopened,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
D = dt.date
ROADS = Unit("roads", "镇交通办")
WANG = Person("wang", "王副镇长", roles=["leader_in_charge"])
LI = Person("li", "李副镇长", roles=["leader_in_charge"])
ZHAO = Person("zhao", "赵主任", unit="roads", roles=["principal"])
COVER = CoverPlan(
    {"wang": "li", "li": "wang"},
    absences=[Absence("wang", start=D(2026, 10, 8), end=D(2026, 10, 16), reason="党校培训")],
)
DIRECTORY = Directory((WANG, LI, ZHAO), assessment_office=Unit("kpi", "考核办"), cover=COVER)
KEY = "city-key-work@1:T1:c0:assignment:0"


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def road_task(task_id: str = "T1") -> Task:
    return Task(
        task_id,
        "乡村道路改造",
        category="key_works",
        responsibility=Responsibility(ROADS, leader_in_charge=WANG),
        deadline=Deadline.on(D(2026, 10, 30)),
        start=D(2026, 9, 1),
    )


def assigned(*, policy: LedgerPolicy | None = None) -> Ledger:
    ledger = Ledger(calendar=CAL, policy=policy)
    ledger = ledger.record(TaskAssigned(road_task()), actor="office", at=at(D(2026, 9, 1), 9))
    return ledger.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))


# The task's own events, recorded as their time comes during a sweep.
SCHEDULE: list[tuple[dt.datetime, Event, str]] = [
    (at(D(2026, 9, 10), 11), ProgressReported("T1", percent=5), "roads"),
]


def decide(ledger: Ledger, now: dt.datetime, journal: SupervisionJournal | None = None) -> Decision:
    return supervise(
        ledger,
        policy=CITY_KEY_WORK_POLICY,
        calendar=CAL,
        now=now,
        directory=DIRECTORY,
        journal=journal,
    )


def sweep(
    start: dt.date, end: dt.date, *, to_journal: bool
) -> tuple[list[tuple[dt.date, str]], Ledger, SupervisionJournal]:
    """Supervise every day at 17:00, approving what waits; record in the ledger or a journal."""
    ledger = assigned()
    journal = SupervisionJournal()
    pending = list(SCHEDULE)
    seen = []
    day = start
    while day <= end:
        now = at(day)
        while pending and pending[0][0] <= now:
            when, event, actor = pending.pop(0)
            ledger = ledger.record(event, actor=actor, at=when)
        if to_journal:
            decision = decide(ledger, now, journal)
            for n in decision.awaiting_approval:
                journal = journal.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=now)
                decision = decide(ledger, now, journal)
            journal = decision.record(journal, actor="supervision-office")
        else:
            decision = decide(ledger, now)
            for n in decision.awaiting_approval:
                ledger = ledger.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=now)
                decision = decide(ledger, now)
            ledger = decision.record(ledger, actor="supervision-office")
        seen += [(day, n.level) for n in decision.notices]
        day += dt.timedelta(days=1)
    return seen, ledger, journal


def test_notices_recorded_in_the_ledger_climb_the_ladder_as_with_a_journal() -> None:
    seen, ledger, journal = sweep(D(2026, 9, 1), D(2026, 12, 31), to_journal=False)
    assert len(journal) == 0
    assert seen == [
        (D(2026, 9, 1), "assignment"),
        (D(2026, 9, 7), "reminder"),
        (D(2026, 9, 20), "reminder"),
        (D(2026, 9, 29), "supervision"),
        (D(2026, 10, 13), "interview"),
        (D(2026, 10, 28), "accountability"),
    ]
    seen_j, _, journal_j = sweep(D(2026, 9, 1), D(2026, 12, 31), to_journal=True)
    assert seen_j == seen
    in_ledger = [e.event for e in ledger.entries if isinstance(e.event, NoticeIssued)]
    in_journal = [e.event for e in journal_j.entries if isinstance(e.event, NoticeIssued)]
    assert in_ledger == in_journal
    ledger.verify()
    # The notices are part of the task's history, in time order with its own events.
    kinds = [e.event.kind for e in ledger.history("T1")]
    assert kinds[:3] == ["task_assigned", "task_accepted", "notice_issued"]
    assert kinds.count("approval_granted") == 2


def test_a_notice_already_in_the_ledger_is_refused_and_the_ledger_is_unchanged() -> None:
    ledger = assigned()
    now = at(D(2026, 9, 1))
    decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=now)
    recorded = decision.record(ledger, actor="office")
    assert recorded.version == ledger.version + 1 and ledger.version == 2
    again = supervise(recorded, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=now)
    assert again.notices == () and again.awaiting_approval == ()
    with pytest.raises(EscalationError, match=f"notice key='{KEY}' is already recorded for task"):
        decision.record(recorded, actor="office")
    with pytest.raises(EscalationError, match="issued once"):
        recorded.record(decision.notices[0].to_event(), actor="office", at=now)
    assert recorded.version == 3
    recorded.verify()
    # The same rule after a replay: entries with a duplicate key do not make a ledger.
    dup = recorded.entries[-1]
    with pytest.raises(EscalationError, match="issued once"):
        Ledger.from_entries(
            [*recorded.entries, attrs.evolve(dup, seq=4, prev_hash=dup.hash)],
            calendar=CAL,
            verify=False,
        )


def test_the_ledger_enforces_the_journals_rules_for_answers_approvals_and_steps() -> None:
    ledger = assigned()
    now = at(D(2026, 9, 2))
    with pytest.raises(EscalationError, match="never issued"):
        ledger.record(NoticeAnswered("T1", KEY), actor="roads", at=now)
    issued = ledger.record(
        NoticeIssued("T1", KEY, level="assignment", notice_kind="assignment"), actor="o", at=now
    )
    answered = issued.record(NoticeAnswered("T1", KEY), actor="roads", at=now)
    with pytest.raises(EscalationError, match="already answered"):
        answered.record(NoticeAnswered("T1", KEY), actor="roads", at=now)
    with pytest.raises(EscalationError, match="approval comes before issue"):
        issued.record(ApprovalGranted("T1", KEY), actor="mayor", at=now)
    granted = ledger.record(ApprovalRefused("T1", "k2"), actor="mayor", at=now)
    with pytest.raises(EscalationError, match="already has an approval decision"):
        granted.record(ApprovalGranted("T1", "k2"), actor="mayor", at=now)
    with pytest.raises(EscalationError, match="not running"):
        ledger.record(ApprovalStepCompleted("T1", "环评"), actor="park", at=now)
    running = ledger.record(ApprovalStepStarted("T1", "环评"), actor="park", at=now)
    with pytest.raises(EscalationError, match="already running"):
        running.record(ApprovalStepStarted("T1", "环评"), actor="park", at=now)
    done = running.record(ApprovalStepCompleted("T1", "环评"), actor="park", at=now)
    done.record(ApprovalStepStarted("T1", "环评"), actor="park", at=now)  # may run again
    # Keys are per task: an answer on another task names a notice that task never had.
    other = issued.record(TaskAssigned(road_task("T2")), actor="office", at=now)
    with pytest.raises(EscalationError, match="never issued for task 'T2'"):
        other.record(NoticeAnswered("T2", KEY), actor="roads", at=now)
    with pytest.raises(govops.UnknownTaskError):
        ledger.record(NoticeAnswered("T9", KEY), actor="roads", at=now)


def test_supervision_events_leave_the_task_state_as_it_was() -> None:
    ledger = assigned()
    before = ledger.state("T1")
    now = at(D(2026, 9, 2))
    after = ledger.record(
        NoticeIssued("T1", KEY, level="assignment", notice_kind="assignment"), actor="o", at=now
    )
    state = after.state("T1")
    # Only the markers of the last entry about the task move.
    assert attrs.evolve(state, version=before.version, updated_at=before.updated_at) == before
    assert (state.version, state.updated_at) == (3, now)
    # Time travel and as_of see the annotation where it was recorded.
    assert after.state("T1", at=at(D(2026, 9, 1), 12)) == before
    assert after.as_of(at(D(2026, 9, 1), 12)) == ledger
    assert after.warnings(now=now) == ledger.warnings(now=now)


def test_a_notice_recorded_in_both_the_ledger_and_a_journal_is_an_error() -> None:
    ledger = assigned()
    now = at(D(2026, 9, 1))
    decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=now)
    journal = decision.record(SupervisionJournal(), actor="office")
    both = decision.record(ledger, actor="office")
    with pytest.raises(EscalationError, match="both the ledger and the journal"):
        supervise(
            both,
            policy=CITY_KEY_WORK_POLICY,
            calendar=CAL,
            now=at(D(2026, 9, 2)),
            journal=journal,
        )
    with pytest.raises(govops.InvalidTypeError, match="Ledger or a SupervisionJournal"):
        decision.record("ledger", actor="office")  # type: ignore[call-overload]


def test_replaying_the_serialized_ledger_gives_the_same_decision() -> None:
    _, ledger, _ = sweep(D(2026, 9, 1), D(2026, 10, 20), to_journal=False)
    back = from_json(to_json(ledger), Ledger, calendar=CAL)
    assert back == ledger and back.head_hash == ledger.head_hash
    now = at(D(2026, 10, 28))

    assert decide(back, now) == decide(ledger, now)
    # A single supervision event round-trips as a document of its own.
    notice = next(e.event for e in ledger.entries if isinstance(e.event, NoticeIssued))
    assert from_json(to_json(notice)) == notice


def test_a_ledger_with_notices_is_stored_pickled_and_reloaded(tmp_path: Path) -> None:
    _, ledger, _ = sweep(D(2026, 9, 1), D(2026, 9, 30), to_journal=False)
    with EventStore.create(tmp_path / "ledger.db") as store:
        store.save(ledger, expected_version=0)
        loaded = store.load(calendar=CAL)
        assert store.verify() == ledger.version
    assert loaded == ledger
    assert pickle.loads(pickle.dumps(ledger)) == ledger
    now = at(D(2026, 10, 13))
    assert decide(loaded, now) == decide(ledger, now)
    # Once reloaded, the recorded notices are still refused a second time.
    first = next(e.event for e in loaded.entries if isinstance(e.event, NoticeIssued))
    with pytest.raises(EscalationError, match="issued once"):
        loaded.record(first, actor="office", at=now)


def test_assess_reads_notices_from_the_ledger_as_from_a_journal() -> None:
    _, ledger, _ = sweep(D(2026, 9, 1), D(2026, 9, 30), to_journal=False)
    _, ledger_j, journal = sweep(D(2026, 9, 1), D(2026, 9, 30), to_journal=True)
    q3 = govops.period_of(D(2026, 9, 30), "quarter")
    now = at(D(2026, 10, 9), 9)
    from_ledger = assess(ledger, period=q3, rules=KEY_WORK_SCORING, calendar=CAL, now=now)
    from_journal = assess(
        ledger_j, period=q3, rules=KEY_WORK_SCORING, calendar=CAL, now=now, journal=journal
    )
    assert from_ledger == from_journal
    assert from_ledger.to_markdown() == from_journal.to_markdown()


# -- deputy confirmation (AB角) ------------------------------------------------------------------


def completed(policy: LedgerPolicy) -> Ledger:
    ledger = assigned(policy=policy)
    return ledger.record(TaskCompleted("T1"), actor="roads", at=at(D(2026, 9, 30), 9))


def test_the_deputy_confirms_completion_during_a_cover_window_and_the_state_says_so() -> None:
    policy = LedgerPolicy(cover=COVER.windows())
    assert policy.cover == (
        CoverWindow("wang", "li", start=D(2026, 10, 8), end=D(2026, 10, 16), reason="党校培训"),
    )
    ledger = completed(policy)
    confirmed = COVER.record_as_deputy(
        ledger, CompletionConfirmed("T1"), deputy="li", on_behalf_of="wang", at=at(D(2026, 10, 9))
    )
    state = confirmed.state("T1")
    assert state.status.value == "confirmed"
    assert (state.confirmed_by, state.confirmed_as_deputy_for) == ("li", "wang")
    assert "AB角: li acting for wang" in confirmed.entries[-1].reason
    # The leader confirms in person: no deputy recorded; a reopening clears the sign-off.
    own = ledger.record(CompletionConfirmed("T1"), actor="wang", at=at(D(2026, 10, 9)))
    assert (own.state("T1").confirmed_by, own.state("T1").confirmed_as_deputy_for) == (
        "wang",
        None,
    )
    reopened = confirmed.record(TaskReopened("T1"), actor="wang", at=at(D(2026, 10, 19)))
    assert reopened.state("T1").confirmed_as_deputy_for is None
    # The policy travels with the ledger: the JSON replay accepts the deputy's sign-off again.
    back = from_json(to_json(confirmed), Ledger, calendar=CAL)
    assert back == confirmed and back.state("T1") == state


@pytest.mark.parametrize(
    ("actor", "day"),
    [
        ("li", D(2026, 10, 19)),  # wang is back
        ("li", D(2026, 10, 7)),  # wang has not left yet
        ("zhao", D(2026, 10, 9)),  # not the deputy
    ],
)
def test_anyone_else_is_refused(actor: str, day: dt.date) -> None:
    ledger = completed(LedgerPolicy(cover=COVER.windows()))
    with pytest.raises(InvalidTransitionError, match=f"not actor='{actor}'"):
        ledger.record(CompletionConfirmed("T1"), actor=actor, at=at(day))
    # Without cover windows the deputy may not sign off at all.
    with pytest.raises(InvalidTransitionError, match="leader in charge 'wang'"):
        completed(LedgerPolicy()).record(CompletionConfirmed("T1"), actor="li", at=at(day))


def test_cover_windows_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="own deputy"):
        CoverWindow("wang", "wang", start=D(2026, 1, 1), end=D(2026, 1, 2))
    with pytest.raises(InvalidInputError, match="before it starts"):
        CoverWindow("wang", "li", start=D(2026, 1, 2), end=D(2026, 1, 1))
    a = CoverWindow("wang", "li", start=D(2026, 1, 1), end=D(2026, 1, 5))
    b = CoverWindow("li", "wang", start=D(2026, 1, 5), end=D(2026, 1, 6))
    with pytest.raises(InvalidInputError, match="one of A and B must stay"):
        LedgerPolicy(cover=(a, b))
    with pytest.raises(govops.InvalidTypeError, match="one window"):
        LedgerPolicy(cover=a)  # type: ignore[arg-type]
    # A policy without cover windows is written exactly as before they existed.
    assert '"cover"' not in to_json(LedgerPolicy())
    assert from_json(to_json(LedgerPolicy(cover=(a,)))) == LedgerPolicy(cover=(a,))
