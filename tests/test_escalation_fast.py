"""The engine's memo of ladder decisions (``_Run.plain_ladder``) against the ladder itself.

``supervise`` over a large ledger decides the ladder once for every group of tasks that read the
same (schedule, progress, notices, day of assignment) and fills in each task's own id, key and
recipients. These tests switch the memo on for every ledger, however small, and hold it to the
general path (``_Run.ladder`` for every task, the memo switched off) on
generated ledgers built so that tasks share schedules and progress by design, with everything that
must keep a task out of the memo or apart in it: answers, approvals granted and refused, plans
with milestones, documents, reassignments, suspensions, a report of -0.0 %, and policies that read
the progress anchor or the warning light.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govops
from govops._record import GENESIS_HASH
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    AnyOf,
    ApprovalGranted,
    ApprovalRefused,
    Decision,
    Directory,
    EscalationPolicy,
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
    _engine,
    _scan,
    supervise,
)
from govops.exceptions import InvalidInputError
from govops.serialization import from_json, to_json
from govops.tasks import (
    Deadline,
    Ledger,
    Light,
    Milestone,
    Person,
    Plan,
    ProgressReported,
    Responsibility,
    Source,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskReassigned,
    TaskResumed,
    TaskSuspended,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
D = dt.date
START = D(2026, 9, 1)
END = D(2026, 11, 27)  # answer periods started by the sweep end inside 2026 (published data)
UNITS = [Unit("roads", "镇交通办"), Unit("water", "镇水务站")]
LEADERS = [Person("wang", "王副镇长"), Person("li", "李副镇长")]
DIRECTORY = Directory(
    (*LEADERS, Person("zhao", "赵主任", unit="roads", roles=["principal"])),
    assessment_office=Unit("kpi", "考核办"),
)

# Reads the progress anchor (NoProgressFor), repeats, and an AnyOf: still memoized.
NUDGING = EscalationPolicy(
    "nudging",
    version=1,
    effective_from=D(2026, 1, 1),
    levels=(
        Level(
            "nudge",
            kind="phone_call",
            to=(Target.UNIT,),
            condition=NoProgressFor(4),
            respond_within="within 3 working days",
            repeat=Repeat(3, limit=3),
        ),
        Level(
            "summons",
            kind=NoticeKind.INTERVIEW,
            to=(Target.PRINCIPAL, Target.LEADER_IN_CHARGE),
            condition=AnyOf(PreviousUnanswered(), NoProgressFor(15)),
            skip_when=Overdue(1),
            needs_approval=True,
        ),
    ),
)
# Reads the warning light: never memoized (the switch must change nothing either way).
LIGHTS = EscalationPolicy(
    "lights",
    version=1,
    effective_from=D(2026, 1, 1),
    levels=(
        Level("yellow", kind=NoticeKind.REMINDER, to=(Target.UNIT,), condition=NoProgressFor(5)),
        Level(
            "red",
            kind=NoticeKind.SUPERVISION,
            to=(Target.UNIT, Target.ASSESSMENT_OFFICE),
            condition=WarningAtLeast(Light.RED),
        ),
    ),
)


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


@contextmanager
def memo(on: bool) -> Iterator[None]:
    """The memo for every ledger (``on``), or for none: every task through ``_Run.ladder``."""
    kept = _engine._PLAIN_LADDER_FROM
    _engine._PLAIN_LADDER_FROM = 0 if on else sys.maxsize
    try:
        yield
    finally:
        _engine._PLAIN_LADDER_FROM = kept


def both(
    ledger: Ledger, journal: SupervisionJournal, now: dt.datetime, policy: EscalationPolicy
) -> Decision:
    with memo(on=True):
        fast = supervise(
            ledger, policy=policy, calendar=CAL, now=now, journal=journal, directory=DIRECTORY
        )
    with memo(on=False):
        general = supervise(
            ledger, policy=policy, calendar=CAL, now=now, journal=journal, directory=DIRECTORY
        )
    assert fast == general, now
    # Equal, and equally printed: a shared reason must read as the task's own would.
    assert fast.lines() == general.lines()
    return fast


@st.composite
def schedules(
    draw: st.DrawFn,
) -> tuple[list[tuple[dt.datetime, object, str]], set[str], set[str]]:
    """Task events (time, event, actor), the tasks whose units answer their notices and those
    whose approvals are refused. Starts, due dates and reports come from small pools, so tasks
    share what the memo keys on."""
    items: list[tuple[dt.datetime, object, str]] = []
    answering: set[str] = set()
    refused: set[str] = set()
    for i in range(draw(st.integers(2, 9))):
        task_id = f"T{i}"
        start = draw(st.sampled_from([START, START, START, D(2026, 9, 7)]))
        due = start + dt.timedelta(days=draw(st.sampled_from([25, 25, 25, 50])))
        extra = draw(st.sampled_from(["plain", "plain", "plain", "document", "milestones"]))
        task = Task(
            task_id,
            "work",
            category="key_task",
            responsibility=Responsibility(
                draw(st.sampled_from(UNITS)), leader_in_charge=draw(st.sampled_from(LEADERS))
            ),
            deadline=Deadline.on(due),
            start=start,
            source=Source("document", "镇政发〔2026〕12号") if extra == "document" else None,
            plan=(
                Plan([Milestone("m1", start + dt.timedelta(days=10), cumulative_percent=60)])
                if extra == "milestones"
                else None
            ),
        )
        # Assigned on its start day or, for some, two days before: the day is in some reasons.
        assigned = at(start - dt.timedelta(days=draw(st.sampled_from([0, 0, 2]))), 8)
        items.append((assigned, TaskAssigned(task), "office"))
        items.append((assigned + dt.timedelta(hours=1), TaskAccepted(task_id), "unit"))
        for offset, percent in draw(
            st.lists(
                st.tuples(st.sampled_from([6, 14, 14, 30]), st.sampled_from([-0.0, 0.0, 5, 40])),
                max_size=2,
                unique_by=lambda item: item[0],
            )
        ):
            items.append(
                (
                    at(start + dt.timedelta(days=offset), 10),
                    ProgressReported(task_id, percent=percent),
                    "unit",
                )
            )
        change = draw(st.sampled_from(["none", "none", "none", "reassigned", "suspended"]))
        if change == "reassigned":
            day = start + dt.timedelta(days=draw(st.sampled_from([10, 20])))
            items.append((at(day, 11), TaskReassigned(task_id, Responsibility(UNITS[0])), "office"))
        elif change == "suspended":
            day = start + dt.timedelta(days=15)
            items.append((at(day, 11), TaskSuspended(task_id), "unit"))
            items.append((at(day + dt.timedelta(days=9), 11), TaskResumed(task_id), "unit"))
        if draw(st.booleans()):
            answering.add(task_id)
        if draw(st.integers(0, 3)) == 0:
            refused.add(task_id)
    items.sort(key=lambda item: item[0])
    return items, answering, refused


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=schedules(), policy=st.sampled_from([CITY_KEY_WORK_POLICY, NUDGING, LIGHTS]))
def test_the_memo_decides_as_the_ladder_does_every_day(
    schedule: tuple[list[tuple[dt.datetime, object, str]], set[str], set[str]],
    policy: EscalationPolicy,
) -> None:
    items, answering, refusing = schedule
    pending = list(items)
    ledger = Ledger(calendar=CAL)
    journal = SupervisionJournal()
    yesterday: list[tuple[str, str]] = []
    day = START
    while day <= END:
        now = at(day)
        while pending and pending[0][0] <= now:
            when, event, actor = pending.pop(0)
            ledger = ledger.record(event, actor=actor, at=when)  # type: ignore[arg-type]
        for task_id, key in yesterday:  # some units answer the day after a notice
            if task_id in answering:
                journal = journal.record(NoticeAnswered(task_id, key), actor="unit", at=at(day, 9))
        decision = both(ledger, journal, now, policy)
        for n in decision.awaiting_approval:
            # A task with an approval decision takes the general path from then on.
            if n.task_id in refusing:
                event: object = ApprovalRefused(n.task_id, n.key)
            else:
                event = ApprovalGranted(n.task_id, n.key)
            journal = journal.record(event, actor="mayor", at=now)
        if decision.awaiting_approval:
            decision = both(ledger, journal, now, policy)
        journal = decision.record(journal, actor="office")
        yesterday = [(n.task_id, n.key) for n in decision.notices]
        day += dt.timedelta(days=1)


def test_tasks_that_read_the_same_share_a_decision_but_not_an_identity() -> None:
    ledger = Ledger(calendar=CAL)
    for i in range(6):
        task = Task(
            f"T{i}",
            "work",
            category="key_task",
            responsibility=Responsibility(UNITS[i % 2], leader_in_charge=LEADERS[i % 2]),
            deadline=Deadline.on(D(2026, 10, 30)),
            start=START,
        )
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at(START, 8))
        ledger = ledger.record(TaskAccepted(task.id), actor="unit", at=at(START, 8))
    for i, percent in enumerate((0.0, 0.0, -0.0, 0.0, 50, 0.0)):
        ledger = ledger.record(
            ProgressReported(f"T{i}", percent=percent), actor="unit", at=at(D(2026, 9, 20), 10)
        )
    journal = SupervisionJournal()
    first = both(ledger, journal, at(START), CITY_KEY_WORK_POLICY)
    assert [n.key for n in first.notices] == [
        f"city-key-work@1:T{i}:c0:assignment:0" for i in range(6)
    ]
    journal = first.record(journal, actor="office")
    later = both(ledger, journal, at(D(2026, 10, 9)), CITY_KEY_WORK_POLICY)
    behind = {n.task_id: n for n in later.notices}
    assert sorted(behind) == ["T0", "T1", "T2", "T3", "T5"]  # T4 reported 50 %
    assert [r.id for r in behind["T1"].recipients] == ["water"]
    assert [r.id for r in behind["T0"].recipients] == ["roads"]
    assert behind["T0"].reason is behind["T1"].reason  # one decision, shared
    assert "reported -0.0%" in behind["T2"].reason  # the sign of zero keeps its own
    assert "reported 0.0%" in behind["T3"].reason


def test_tasks_apart_only_in_how_many_notices_or_the_progress_they_recorded() -> None:
    """Two pairs of tasks that differ only in what the memo must not overlook: the number of
    reminders a level has had (its repeat limit and sequence), and the progress the supervision
    notice recorded (progress above it answers it)."""
    ledger = Ledger(calendar=CAL)
    for i in range(4):
        task = Task(
            f"T{i}",
            "work",
            category="key_task",
            responsibility=Responsibility(UNITS[0], leader_in_charge=LEADERS[0]),
            deadline=Deadline.on(D(2026, 12, 18)),
            start=START,
        )
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at(START, 8))
        ledger = ledger.record(TaskAccepted(task.id), actor="unit", at=at(START, 8))
        ledger = ledger.record(ProgressReported(task.id, percent=10), actor="unit", at=at(START, 8))
    label = "city-key-work@1"

    def notice(task_id: str, level: str, seq: int, day: dt.date, percent: float) -> NoticeIssued:
        return NoticeIssued(
            task_id,
            f"{label}:{task_id}:c0:{level}:{seq}",
            level=level,
            notice_kind=level,
            percent=percent,
            answer_due=CAL.add_working_days(day, 5),
        )

    journal = SupervisionJournal()
    issued = [
        # T0 and T1: a reminder on Oct 9; T0 had one before, on Sep 25.
        (D(2026, 9, 1), [notice(f"T{i}", "assignment", 0, D(2026, 9, 1), 10) for i in range(4)]),
        (D(2026, 9, 25), [notice("T0", "reminder", 0, D(2026, 9, 25), 10)]),
        (
            D(2026, 10, 9),
            [
                notice("T0", "reminder", 1, D(2026, 10, 9), 10),
                notice("T1", "reminder", 0, D(2026, 10, 9), 10),
                notice("T2", "reminder", 0, D(2026, 10, 9), 10),
                notice("T3", "reminder", 0, D(2026, 10, 9), 10),
            ],
        ),
        # T2 and T3: a supervision notice on Oct 12, recorded at 5 % and at 20 % (reported: 10 %).
        (
            D(2026, 10, 12),
            [
                notice("T2", "supervision", 0, D(2026, 10, 12), 5),
                notice("T3", "supervision", 0, D(2026, 10, 12), 20),
            ],
        ),
    ]
    for day, events in issued:
        for event in events:
            journal = journal.record(event, actor="office", at=at(day, 12))
        if day == D(2026, 10, 9):  # T0 and T1 answer: no supervision notice, the reminder repeats
            for task_id, seq in (("T0", 1), ("T1", 0)):
                answer = NoticeAnswered(task_id, f"{label}:{task_id}:c0:reminder:{seq}")
                journal = journal.record(answer, actor="unit", at=at(day, 15))
    for day in (D(2026, 10, 23), D(2026, 10, 26), D(2026, 11, 2)):
        decision = both(ledger, journal, at(day), CITY_KEY_WORK_POLICY)
        keys = {n.task_id: n.key for n in (*decision.notices, *decision.awaiting_approval)}
        if day == D(2026, 10, 23):  # ten working days after Oct 9: the reminders repeat
            assert keys["T0"].endswith(":reminder:2") and keys["T1"].endswith(":reminder:1")
        assert "T2" not in keys  # 10 % is above the 5 % its supervision notice recorded
    assert keys["T3"].endswith(":interview:0")


def test_the_scan_reads_events_and_hashes_without_building_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine reads ``(event, at)`` and single hashes (``Ledger.timed_events``,
    ``Ledger.hash_at``): building an ``Entry`` for each of a large record's entries costs a first
    run over 100,000 tasks more than the rest of the run."""
    ledger = Ledger(calendar=CAL)
    for i in range(3):
        task = Task(
            f"T{i}",
            "work",
            category="key_task",
            responsibility=Responsibility(UNITS[0]),
            deadline=Deadline.on(D(2026, 10, 30)),
            start=START,
        )
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at(START, 8 + i))
    ledger = ledger.record(
        NoticeIssued("T1", "k", level="x", notice_kind="x"), actor="o", at=at(START)
    )
    expected = [[(e.event, e.at) for e in ledger.entries_since(v)] for v in range(ledger.version)]
    hashes = [GENESIS_HASH, *(e.hash for e in ledger.entries)]
    # Whatever way a ledger was made (columns, kept entries, JSON), it reads the same.
    for same in (
        ledger,
        Ledger.from_entries(ledger.entries, calendar=CAL),
        from_json(to_json(ledger), Ledger, calendar=CAL),
    ):
        assert [list(same.timed_events(v)) for v in range(ledger.version)] == expected
        assert [same.hash_at(v) for v in range(ledger.version + 1)] == hashes
    view = ledger.as_of(at(START, 9))
    assert list(view.timed_events()) == expected[0][:2]
    with pytest.raises(InvalidInputError):
        ledger.hash_at(ledger.version + 1)

    def refuse(self: Ledger, *args: object) -> object:
        raise AssertionError("read entry by entry")

    monkeypatch.setattr(Ledger, "entries_since", refuse)
    monkeypatch.setattr(Ledger, "entries", property(refuse))
    _scan._SCANS.clear()
    decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(START, 18))
    assert {n.task_id for n in decision.notices} == {"T0", "T1", "T2"}
