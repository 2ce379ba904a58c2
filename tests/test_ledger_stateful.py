"""Any sequence of valid and invalid commands keeps the ledger consistent with a reference model.

The reference model is a plain dict per task with the status table written out by hand; the ledger
must accept exactly the commands the model accepts, refuse the rest without changing, keep a
verifiable hash chain, and replay (from its entries and from JSON) to identical states. The
commands include supervision notices and their answers (annotations, which change no state but are
checked against what the task's earlier annotations recorded) and a deputy's sign-off during the
leader's cover window (AB角).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import govops.calendars as gc
from govops.escalation import NoticeAnswered, NoticeIssued
from govops.exceptions import GovopsError, IntegrityError
from govops.serialization import from_json, to_json
from govops.tasks import (
    Category,
    CompletionConfirmed,
    CoverWindow,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRejected,
    DeadlineChangeRequested,
    Event,
    Ledger,
    LedgerPolicy,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskReopened,
    TaskResumed,
    TaskSuspended,
    Unit,
    WarningIssued,
    WarningWithdrawn,
)

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 5, 9, tzinfo=CST)
IDS = ("A", "B", "C")
LEADER = "p-wang"
DEPUTY = "p-li"
COVER = CoverWindow(LEADER, DEPUTY, start=dt.date(2026, 1, 9), end=dt.date(2026, 3, 31))
POLICY = LedgerPolicy(cover=(COVER,))
OPEN = {"assigned", "in_progress", "suspended"}
FIRST_DUE, CHANGED_DUE = dt.date(2026, 6, 30), dt.date(2026, 9, 30)


def make_task(task_id: str) -> Task:
    return Task(
        task_id,
        f"Task {task_id}",
        category=Category.KEY_TASK,
        responsibility=Responsibility(Unit("u", "Unit"), leader_in_charge=Person(LEADER, "王")),
        deadline=Deadline.on(FIRST_DUE, clock_stops_when_suspended=True),
        start=dt.date(2026, 1, 5),
    )


def expected_outcome(
    model: dict[str, dict[str, Any]],
    command: str,
    task_id: str,
    actor: str,
    *,
    day: dt.date | None = None,
    key: str = "k0",
) -> bool:
    """Whether the reference model accepts the command (and, if so, apply it to ``model``)."""
    m = model.get(task_id)
    if command == "assign":
        if m is not None:
            return False
        model[task_id] = {
            "status": "assigned",
            "percent": 0.0,
            "pending": False,
            "issued": False,
            "notices": set(),
            "answered": set(),
            "deputy_for": None,
            # The due date: the deadline in force (from `since`), moved on by the working days
            # its clock stood still since then (`extra`); `paused_from` is an ongoing pause.
            "base": FIRST_DUE,
            "since": day,
            "extra": 0,
            "paused_from": None,
        }
        return True
    if m is None:
        return False
    if command == "notice":
        if key in m["notices"]:
            return False
        m["notices"].add(key)
        return True
    if command == "answer":
        if key not in m["notices"] or key in m["answered"]:
            return False
        m["answered"].add(key)
        return True
    status = m["status"]
    as_deputy = actor == DEPUTY and day is not None and COVER.covers(day)
    allowed = {
        "accept": status == "assigned",
        "report": status == "in_progress",
        "suspend": status == "in_progress",
        "resume": status == "suspended",
        "complete": status == "in_progress" and not m["pending"],
        "confirm": status == "completed" and (actor == LEADER or as_deputy),
        "reopen": status in ("completed", "confirmed"),
        "cancel": status not in ("confirmed", "cancelled"),
        "request": status in OPEN and not m["pending"],
        "approve": status in OPEN and m["pending"],
        "reject": m["pending"],
        "issue": status in OPEN,
        "withdraw": m["issued"],
    }[command]
    if not allowed:
        return False
    new_status = {
        "accept": "in_progress",
        "suspend": "suspended",
        "resume": "in_progress",
        "complete": "completed",
        "confirm": "confirmed",
        "reopen": "in_progress",
        "cancel": "cancelled",
    }.get(command, status)
    m["status"] = new_status
    if command == "complete":
        m["percent"] = 100.0
    if command in ("request",):
        m["pending"] = True
    if command in ("approve", "reject", "cancel"):
        m["pending"] = False
    if command == "issue":
        m["issued"] = True
    if command == "withdraw":
        m["issued"] = False
    if command == "confirm":
        m["deputy_for"] = LEADER if actor != LEADER else None
    if command == "reopen":
        m["deputy_for"] = None
    if day is not None and m["since"] is not None:
        if command == "suspend":
            m["paused_from"] = day
        elif command == "resume":
            begin = max(m["paused_from"], m["since"])
            if day > begin:
                m["extra"] += CAL.working_days_between(begin, day)
        elif command == "approve":
            m["base"], m["since"], m["extra"] = CHANGED_DUE, day, 0
    return True


def make_event(command: str, task_id: str, percent: float) -> Event:
    simple: dict[str, type[Event]] = {
        "accept": TaskAccepted,
        "suspend": TaskSuspended,
        "resume": TaskResumed,
        "complete": TaskCompleted,
        "confirm": CompletionConfirmed,
        "reopen": TaskReopened,
        "cancel": TaskCancelled,
        "approve": DeadlineChangeApproved,
        "reject": DeadlineChangeRejected,
        "withdraw": WarningWithdrawn,
    }
    if command == "assign":
        return TaskAssigned(make_task(task_id))
    if command == "report":
        return ProgressReported(task_id, percent=percent)
    if command == "request":
        return DeadlineChangeRequested(
            task_id, Deadline.on(CHANGED_DUE, clock_stops_when_suspended=True)
        )
    if command == "issue":
        return WarningIssued(task_id, "yellow")
    key = f"k{int(percent) % 2}"
    if command == "notice":
        return NoticeIssued(task_id, key, level="reminder", notice_kind="reminder", percent=percent)
    if command == "answer":
        return NoticeAnswered(task_id, key)
    return simple[command](task_id)


COMMANDS = [
    "assign",
    "accept",
    "report",
    "suspend",
    "resume",
    "complete",
    "confirm",
    "reopen",
    "cancel",
    "request",
    "approve",
    "reject",
    "issue",
    "withdraw",
    "notice",
    "answer",
]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger(calendar=CAL, policy=POLICY)
        self.model: dict[str, dict[str, Any]] = {}
        self.now = T0

    @rule(
        command=st.sampled_from(COMMANDS),
        task_id=st.sampled_from(IDS),
        actor=st.sampled_from((LEADER, DEPUTY, "clerk")),
        percent=st.integers(0, 100),
        hours=st.integers(0, 72),
    )
    def command(self, command: str, task_id: str, actor: str, percent: int, hours: int) -> None:
        self.now += dt.timedelta(hours=hours)
        event = make_event(command, task_id, float(percent))
        before = (self.ledger.version, self.ledger.head_hash, self.ledger.states())
        accepted = expected_outcome(
            self.model,
            command,
            task_id,
            actor,
            day=self.now.date(),
            key=f"k{percent % 2}",
        )
        if accepted:
            self.ledger = self.ledger.record(event, actor=actor, at=self.now, reason=command)
            if command == "report":
                self.model[task_id]["percent"] = float(percent)
        else:
            with pytest.raises(GovopsError):
                self.ledger.record(event, actor=actor, at=self.now)
            assert (self.ledger.version, self.ledger.head_hash, self.ledger.states()) == before

    @rule(
        task_id=st.sampled_from(IDS),
        actor=st.sampled_from((LEADER, DEPUTY, "clerk")),
        choice=st.integers(0, 3),
        percent=st.integers(0, 100),
        hours=st.integers(0, 72),
    )
    def advance(self, task_id: str, actor: str, choice: int, percent: int, hours: int) -> None:
        """A step that the task's state allows, so that the paths the random commands rarely
        reach (sign-offs and deputies, suspensions, deadline changes) are walked often."""
        m = self.model.get(task_id)
        if m is None:
            command = "assign"
        elif m["pending"]:
            command = ("approve", "reject")[choice % 2]
        else:
            options = {
                "assigned": ("accept",),
                "in_progress": ("report", "suspend", "request", "complete"),
                "suspended": ("resume", "resume", "report", "cancel"),
                "completed": ("confirm", "reopen"),
            }.get(m["status"], ("confirm",))
            command = options[choice % len(options)]
        self.command(command, task_id, actor, percent, hours)

    @invariant()
    def matches_the_model(self) -> None:
        states = {s.id: s for s in self.ledger.states()}
        assert set(states) == set(self.model)
        for task_id, m in self.model.items():
            state = states[task_id]
            assert state.status.value == m["status"]
            assert state.percent == m["percent"]
            assert (state.pending_deadline is not None) == m["pending"]
            assert (state.issued_warning is not None) == m["issued"]
            assert state.confirmed_as_deputy_for == m["deputy_for"]
            extra = m["extra"]
            assert state.due == (CAL.add_working_days(m["base"], extra) if extra else m["base"])

    @invariant()
    def chain_verifies(self) -> None:
        self.ledger.verify()
        assert [e.seq for e in self.ledger.entries] == list(range(1, len(self.ledger) + 1))

    def teardown(self) -> None:
        replayed = Ledger.from_entries(self.ledger.entries, calendar=CAL, policy=POLICY)
        from_file = from_json(to_json(self.ledger), Ledger, calendar=CAL)
        for other in (replayed, from_file):
            assert other == self.ledger
            assert other.states() == self.ledger.states()
        for task_id in self.ledger.task_ids:
            assert self.ledger.state(task_id, at=self.now) == self.ledger.state(task_id)


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=30),
    st.data(),
)
def test_any_tampering_is_detected(commands: list[str], data: st.DataObject) -> None:
    model: dict[str, dict[str, Any]] = {}
    ledger = Ledger(calendar=CAL)
    now = T0
    for i, command in enumerate(commands):
        task_id = IDS[i % 2]
        if expected_outcome(model, command, task_id, LEADER):
            now += dt.timedelta(hours=1)
            ledger = ledger.record(make_event(command, task_id, 50.0), actor=LEADER, at=now)
    if len(ledger) == 0:
        return
    entries = list(ledger.entries)
    index = data.draw(st.integers(0, len(entries) - 1))
    field = data.draw(st.sampled_from(["actor", "reason", "at", "hash", "drop"]))
    if field == "drop":
        del entries[index]
        if index == len(entries):  # dropping the last entry is a shorter, honest record
            return
    elif field == "at":
        entries[index] = attrs.evolve(entries[index], at=entries[index].at - dt.timedelta(1))
    else:
        entries[index] = attrs.evolve(entries[index], **{field: "0" * 64})
    with pytest.raises(IntegrityError):
        Ledger.from_entries(entries, calendar=CAL)
