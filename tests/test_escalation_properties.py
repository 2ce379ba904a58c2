"""Properties of the supervision engine over random quarters of work (Hypothesis).

Each example draws a few tasks (start, due date, progress reports, an issue, a reassignment),
records them in a ledger, then sweeps the engine day by day from September to December 2026,
approving what waits for approval and recording every notice. Along the way it checks:

* idempotence: evaluating again once the notices are recorded adds nothing;
* determinism: the same record and ``now`` give the same decision;
* monotonic escalation: no rung is skipped unless its ``skip_when`` held that day;
* ``next_check_at`` is never late: when nothing new was recorded, no notice is due before it;
* replay: the ledger read back from JSON and the journal rebuilt from its entries give the same
  decisions;
* the ledger as the record: recording the notices in the ledger itself (the primary path) gives
  the same decision every day as recording them in a journal, and the serialized ledger, notices
  and all, read back from JSON gives the same decision again.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govops
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    ApprovalGranted,
    Directory,
    NoticeIssued,
    SupervisionJournal,
    supervise,
)
from govops.serialization import from_json, to_json
from govops.tasks import (
    Deadline,
    IssueRaised,
    Ledger,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskReassigned,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
START = dt.date(2026, 9, 1)
# The sweep stops early enough that every answer period and coordination limit it can start
# (at most 10 working days) still ends inside 2026, the last year whose schedule is published;
# past it the engine rightly raises CalendarCoverageError.
END = dt.date(2026, 12, 11)
UNITS = [Unit("roads", "镇交通办"), Unit("water", "镇水务站"), Unit("farm", "农业服务中心")]
LEADERS = [Person("wang", "王副镇长"), Person("li", "李副镇长")]
DIRECTORY = Directory(
    (*LEADERS, Person("zhao", "赵主任", unit="roads", roles=["principal"])),
    assessment_office=Unit("kpi", "考核办"),
)
POLICY = CITY_KEY_WORK_POLICY
LEVELS = [lv.name for lv in POLICY.levels]


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


@st.composite
def scenarios(draw: st.DrawFn) -> Ledger:
    items: list[tuple[dt.datetime, object, str]] = []
    for i in range(draw(st.integers(1, 4))):
        start = START + dt.timedelta(days=draw(st.integers(0, 20)))
        due = start + dt.timedelta(days=draw(st.integers(10, 90)))
        task = Task(
            f"T{i}",
            "work",
            category="key_task",
            responsibility=Responsibility(
                draw(st.sampled_from(UNITS)), leader_in_charge=draw(st.sampled_from(LEADERS))
            ),
            deadline=Deadline.on(due),
            start=start,
        )
        items.append((at(start, 8), TaskAssigned(task), "office"))
        items.append((at(start, 8) + dt.timedelta(minutes=1), TaskAccepted(task.id), "unit"))
        percent = 0
        for offset in sorted(draw(st.lists(st.integers(1, 100), max_size=4, unique=True))):
            percent = min(100, percent + draw(st.integers(1, 40)))
            items.append(
                (
                    at(start + dt.timedelta(days=offset), 12),
                    ProgressReported(task.id, percent=percent),
                    "unit",
                )
            )
        if draw(st.booleans()):
            day = start + dt.timedelta(days=draw(st.integers(1, 40)))
            items.append((at(day, 11), IssueRaised(task.id, "issue"), "unit"))
        if draw(st.integers(0, 4)) == 0:
            day = start + dt.timedelta(days=draw(st.integers(1, 60)))
            items.append(
                (
                    at(day, 10),
                    TaskReassigned(task.id, Responsibility(draw(st.sampled_from(UNITS)))),
                    "office",
                )
            )
    items.sort(key=lambda item: item[0])
    ledger = Ledger(calendar=CAL)
    for when, event, actor in items:
        ledger = ledger.record(event, actor=actor, at=when)  # type: ignore[arg-type]
    return ledger


def decide(ledger: Ledger, journal: SupervisionJournal | None, now: dt.datetime) -> object:
    return supervise(
        ledger, policy=POLICY, calendar=CAL, now=now, journal=journal, directory=DIRECTORY
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=scenarios(), replay_day=st.integers(0, (END - START).days))
def test_a_daily_sweep_is_idempotent_deterministic_monotonic_and_replayable(
    ledger: Ledger, replay_day: int
) -> None:
    journal = SupervisionJournal()
    previous_check: dt.datetime | None = None
    previous_now: dt.datetime | None = None
    snapshots: dict[dt.date, tuple[SupervisionJournal, object]] = {}
    day = START
    while day <= END:
        now = at(day, 17)
        decision = decide(ledger, journal, now)
        assert decide(ledger, journal, now) == decision  # determinism
        snapshots[day] = (journal, decision)
        quiet = previous_now is not None and not [
            e for e in ledger.entries if previous_now < e.at <= now
        ]
        if quiet and (decision.notices or decision.awaiting_approval):  # type: ignore[attr-defined]
            assert previous_check is not None and previous_check <= now, (day, previous_check)
        for n in decision.awaiting_approval:  # type: ignore[attr-defined]
            journal = journal.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=now)
        if decision.awaiting_approval:  # type: ignore[attr-defined]
            decision = decide(ledger, journal, now)
        journal = decision.record(journal, actor="office")  # type: ignore[attr-defined]
        again = decide(ledger, journal, now)
        assert again.notices == () and again.awaiting_approval == ()  # type: ignore[attr-defined]
        previous_check, previous_now = again.next_check_at, now  # type: ignore[attr-defined]
        day += dt.timedelta(days=1)

    # Monotonic: every first notice of a rung follows the rung below in the same cycle, unless the
    # rung's skip_when held (for this policy: the task was overdue).
    issued: dict[str, list[tuple[int, int, dt.date]]] = {}
    for entry in journal.entries:
        event = entry.event
        if not isinstance(event, NoticeIssued) or event.level not in LEVELS:
            continue
        _, task_id, cycle, level, seq = event.key.split(":")
        history = issued.setdefault(f"{task_id}:{cycle}", [])
        index = LEVELS.index(level)
        if seq == "0" and index > 0:
            below = [i for i, _, _ in history if i == index - 1]
            if not below:
                level_def = POLICY.levels[index]
                assert level_def.skip_when is not None, event.key
                state = ledger.state(task_id, at=entry.at)
                assert entry.at.date() > state.due, event.key
        assert all(index >= i for i, _, _ in history), f"{event.key} went down the ladder"
        history.append((index, int(seq), entry.at.date()))

    # Replay: the ledger read back from JSON and the journal rebuilt from its entries.
    replayed = from_json(to_json(ledger), Ledger, calendar=CAL)
    day = START + dt.timedelta(days=replay_day)
    old_journal, old_decision = snapshots[day]
    rebuilt = SupervisionJournal.from_entries(old_journal.entries)
    assert decide(replayed, rebuilt, at(day, 17)) == old_decision


def sweep_in_the_ledger(
    schedule: Ledger,
) -> tuple[dict[dt.date, tuple[Ledger, object]], Ledger]:
    """The sweep with the notices recorded in the ledger: the task events of ``schedule`` are
    recorded as their time comes, then the day's approvals and notices at 17:00."""
    pending = list(schedule.entries)
    ledger = Ledger(calendar=CAL)
    days: dict[dt.date, tuple[Ledger, object]] = {}
    day = START
    while day <= END:
        now = at(day, 17)
        while pending and pending[0].at <= now:
            e = pending.pop(0)
            ledger = ledger.record(e.event, actor=e.actor, at=e.at, reason=e.reason)
        decision = decide(ledger, None, now)
        days[day] = (ledger, decision)
        for n in decision.awaiting_approval:  # type: ignore[attr-defined]
            ledger = ledger.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=now)
        if decision.awaiting_approval:  # type: ignore[attr-defined]
            decision = decide(ledger, None, now)
        ledger = decision.record(ledger, actor="office")  # type: ignore[attr-defined]
        again = decide(ledger, None, now)
        assert again.notices == () and again.awaiting_approval == ()  # type: ignore[attr-defined]
        day += dt.timedelta(days=1)
    return days, ledger


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=scenarios(), replay_day=st.integers(0, (END - START).days))
def test_notices_in_the_ledger_decide_as_a_journal_does_and_replay_from_json(
    schedule: Ledger, replay_day: int
) -> None:
    days, ledger = sweep_in_the_ledger(schedule)
    ledger.verify()
    journal = SupervisionJournal()
    day = START
    while day <= END:
        now = at(day, 17)
        decision = decide(schedule, journal, now)
        assert decision == days[day][1], day
        for n in decision.awaiting_approval:  # type: ignore[attr-defined]
            journal = journal.record(ApprovalGranted(n.task_id, n.key), actor="mayor", at=now)
        if decision.awaiting_approval:  # type: ignore[attr-defined]
            decision = decide(schedule, journal, now)
        journal = decision.record(journal, actor="office")  # type: ignore[attr-defined]
        day += dt.timedelta(days=1)
    # The same supervision events, in the same order, in either record.
    kinds = ("notice_issued", "approval_granted")
    assert [e.event for e in ledger.entries if e.event.kind in kinds] == [
        e.event for e in journal.entries
    ]
    # Replay: the ledger of that day, notices and all, read back from JSON.
    day = START + dt.timedelta(days=replay_day)
    then, decision = days[day]
    replayed = from_json(to_json(then), Ledger, calendar=CAL)
    assert replayed == then
    assert decide(replayed, None, at(day, 17)) == decision
    whole = from_json(to_json(ledger), Ledger, calendar=CAL)
    assert decide(whole, None, at(END, 17)) == decide(ledger, None, at(END, 17))
