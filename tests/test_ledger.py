"""The ledger: transitions, the hash chain, time travel, queries, statistics and warnings."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Hashable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops.calendars as gc
from govops._record import EVENTS as EVENT_TYPES
from govops._record import entry_hash
from govops.exceptions import (
    GovopsError,
    IntegrityError,
    InvalidInputError,
    InvalidTransitionError,
    InvalidTypeError,
    NaiveDatetimeError,
    RuleError,
    RuleSyntaxError,
    UnknownTaskError,
)
from govops.serialization import from_json, to_json
from govops.tasks import (
    Annotation,
    Category,
    CompletionConfirmed,
    CooperatingUnit,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRejected,
    DeadlineChangeRequested,
    Entry,
    Event,
    IssueRaised,
    IssueResolved,
    Ledger,
    LedgerPolicy,
    LedgerStatistics,
    Light,
    Milestone,
    MilestoneReached,
    Person,
    Plan,
    PlanApproved,
    PlanStatus,
    PlanSubmitted,
    PolicyChanged,
    ProgressPolicy,
    ProgressReported,
    RecordEvent,
    Responsibility,
    Status,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskReassigned,
    TaskReopened,
    TaskResumed,
    TaskState,
    TaskSuspended,
    Unit,
    WarningIssued,
    WarningPolicy,
    WarningWithdrawn,
    register_event_type,
)

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
D = dt.date
LEADER = Person("p-wang", "王副镇长")
OTHER_LEADER = Person("p-chen", "陈副镇长")
ECON = Unit("econ", "经济发展办")
LAND = Unit("land", "国土所")


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CST)


def task(task_id: str = "T1", **changes: object) -> Task:
    fields: dict[str, object] = {
        "category": Category.KEY_TASK,
        "responsibility": Responsibility(
            ECON,
            cooperating=[CooperatingUnit(LAND, part="land")],
            leader_in_charge=LEADER,
            work_team=[Person("p-zhao", "赵干事")],
        ),
        "deadline": Deadline.on(D(2026, 3, 31)),
        "start": D(2026, 3, 2),
        "goal": "do it",
    }
    fields.update(changes)
    return Task(task_id, f"Task {task_id}", **fields)  # type: ignore[arg-type]


def started(*tasks: Task) -> Ledger:
    ledger = Ledger(calendar=CAL)
    for t in tasks or (task(),):
        ledger = ledger.record(TaskAssigned(t), actor="office", at=at(3, 2, 8))
        ledger = ledger.record(TaskAccepted(t.id), actor="econ", at=at(3, 2, 8))
    return ledger


class TestRecording:
    def test_record_returns_a_new_ledger_and_keeps_the_old(self) -> None:
        empty = Ledger(calendar=CAL)
        one = empty.record(TaskAssigned(task()), actor="office", at=at(3, 2))
        two = one.record(TaskAccepted("T1"), actor="econ", at=at(3, 2, 10))
        assert (len(empty), len(one), len(two)) == (0, 1, 2)
        assert one.state("T1").status is Status.ASSIGNED
        assert two.state("T1").status is Status.IN_PROGRESS
        assert "T1" not in empty
        assert [e.seq for e in two.entries] == [1, 2]
        assert two.entries[1].prev_hash == two.entries[0].hash == one.head_hash

    def test_branching_from_an_older_ledger_leaves_both_intact(self) -> None:
        one = Ledger(calendar=CAL).record(TaskAssigned(task()), actor="office", at=at(3, 2))
        accepted = one.record(TaskAccepted("T1"), actor="econ", at=at(3, 3))
        cancelled = one.record(TaskCancelled("T1"), actor="office", at=at(3, 3))
        assert accepted.state("T1").status is Status.IN_PROGRESS
        assert cancelled.state("T1").status is Status.CANCELLED
        assert one.state("T1").status is Status.ASSIGNED
        assert accepted.entries[:1] == cancelled.entries[:1]
        # The older view answers queries from its own prefix too.
        assert [s.id for s in one.open_tasks(now=at(3, 4))] == ["T1"]
        for ledger in (one, accepted, cancelled):
            ledger.verify()

    def test_full_lifecycle_to_confirmed(self) -> None:
        plan = Plan([Milestone("m1", D(2026, 3, 16), cumulative_percent=40)])
        ledger = started()
        ledger = ledger.record(PlanSubmitted("T1", plan), actor="econ", at=at(3, 3))
        assert ledger.state("T1").plan_status is PlanStatus.SUBMITTED
        ledger = ledger.record(PlanApproved("T1"), actor="p-wang", at=at(3, 3, 10))
        ledger = ledger.record(ProgressReported("T1", percent=30), actor="econ", at=at(3, 10))
        ledger = ledger.record(MilestoneReached("T1", "m1"), actor="econ", at=at(3, 16))
        ledger = ledger.record(
            IssueRaised("T1", "i1", description="land"), actor="econ", at=at(3, 17)
        )
        ledger = ledger.record(IssueResolved("T1", "i1"), actor="land", at=at(3, 18))
        ledger = ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 27))
        ledger = ledger.record(CompletionConfirmed("T1"), actor="p-wang", at=at(3, 30))
        state = ledger.state("T1")
        assert state.status is Status.CONFIRMED
        assert state.task.plan == plan
        assert state.plan_status is PlanStatus.APPROVED
        assert state.milestones_reached == {"m1"}
        assert state.open_issues == ()
        assert state.percent == 100.0
        assert state.completed_at == at(3, 27)
        assert state.version == len(ledger)
        assert "confirmed" in str(state)

    def test_quantity_reports_count_against_the_target(self) -> None:
        ledger = started(task(target_quantity=2000, quantity_unit="万元"))
        ledger = ledger.record(ProgressReported("T1", quantity=500), actor="econ", at=at(3, 5))
        assert ledger.state("T1").percent == 25.0
        assert ledger.state("T1").quantity == 500.0
        no_target = started()
        with pytest.raises(InvalidInputError, match="no target_quantity"):
            no_target.record(ProgressReported("T1", quantity=5), actor="econ", at=at(3, 5))

    @pytest.mark.parametrize(
        ("events", "error", "fragment"),
        [
            ([TaskCancelled("T1"), TaskCompleted("T1")], InvalidTransitionError, "'cancelled'"),
            ([ProgressReported("T9", percent=5)], UnknownTaskError, "'T9'"),
            ([DeadlineChangeApproved("T1")], InvalidTransitionError, "must be requested"),
            ([TaskAssigned(task())], InvalidTransitionError, "already in the ledger"),
            ([TaskAssigned(task("T2", parent="P0"))], UnknownTaskError, "'P0'"),
            ([PlanApproved("T1")], InvalidTransitionError, "no submitted plan"),
            ([MilestoneReached("T1", "m9")], InvalidTransitionError, "'m9'"),
            ([IssueResolved("T1", "i9")], InvalidTransitionError, "'i9'"),
            ([TaskResumed("T1")], InvalidTransitionError, "'in_progress'"),
            ([CompletionConfirmed("T1")], InvalidTransitionError, "reported complete"),
            ([TaskReopened("T1")], InvalidTransitionError, "completed or confirmed"),
            ([WarningWithdrawn("T1")], InvalidTransitionError, "no directly issued"),
            ([DeadlineChangeRejected("T1")], InvalidTransitionError, "no deadline change"),
            (
                [DeadlineChangeRequested("T1", Deadline.on(D(2026, 1, 1)))],
                InvalidInputError,
                "before its start",
            ),
            ([TaskCompleted("T1"), CompletionConfirmed("T1")], InvalidTransitionError, "'p-wang'"),
        ],
    )
    def test_invalid_events_are_refused_and_change_nothing(
        self, events: list[Event], error: type[GovopsError], fragment: str
    ) -> None:
        ledger = started()
        for event in events[:-1]:
            ledger = ledger.record(event, actor="econ", at=at(3, 5))
        before = (ledger.version, ledger.head_hash, ledger.states())
        with pytest.raises(error) as info:
            ledger.record(events[-1], actor="econ", at=at(3, 6))
        assert fragment in str(info.value)
        assert isinstance(info.value, GovopsError)
        assert (ledger.version, ledger.head_hash, ledger.states()) == before

    def test_unknown_task_error_is_also_a_key_error(self) -> None:
        with pytest.raises(KeyError):
            started().state("nope")

    def test_progress_before_acceptance_is_refused(self) -> None:
        ledger = Ledger(calendar=CAL).record(TaskAssigned(task()), actor="office", at=at(3, 2))
        with pytest.raises(InvalidTransitionError, match="accept it first"):
            ledger.record(ProgressReported("T1", percent=5), actor="econ", at=at(3, 3))

    def test_time_must_be_aware_and_in_order(self) -> None:
        ledger = started()
        with pytest.raises(NaiveDatetimeError, match="at="):
            ledger.record(IssueRaised("T1", "x"), actor="econ", at=dt.datetime(2026, 3, 5))
        with pytest.raises(InvalidInputError, match="earlier than the last entry"):
            ledger.record(IssueRaised("T1", "x"), actor="econ", at=at(3, 1))
        with pytest.raises(InvalidInputError, match="actor=''"):
            ledger.record(IssueRaised("T1", "x"), actor="", at=at(3, 5))
        with pytest.raises(InvalidTypeError, match="expected a ledger event"):
            ledger.record("accept", actor="econ", at=at(3, 5))  # type: ignore[arg-type]

    def test_events_validate_their_fields(self) -> None:
        with pytest.raises(InvalidInputError, match="percent=101"):
            ProgressReported("T1", percent=101)
        with pytest.raises(InvalidInputError, match="neither percent= nor quantity="):
            ProgressReported("T1")
        with pytest.raises(InvalidInputError, match="task_id=''"):
            TaskAccepted("")
        assert ProgressReported("T1", percent=40).percent == 40.0  # ints become floats

    def test_confirmation_needs_the_leader_unless_the_policy_says_otherwise(self) -> None:
        ledger = started().record(TaskCompleted("T1"), actor="econ", at=at(3, 20))
        with pytest.raises(InvalidTransitionError, match="leader in charge 'p-wang'"):
            ledger.record(CompletionConfirmed("T1"), actor="p-chen", at=at(3, 21))
        lax = Ledger(calendar=CAL, policy=LedgerPolicy(confirmation_requires_leader=False))
        lax = lax.record(TaskAssigned(task()), actor="o", at=at(3, 2))
        lax = lax.record(TaskAccepted("T1"), actor="o", at=at(3, 2))
        lax = lax.record(TaskCompleted("T1"), actor="o", at=at(3, 2))
        assert lax.record(CompletionConfirmed("T1"), actor="o", at=at(3, 3)).state("T1").status is (
            Status.CONFIRMED
        )

    def test_reopen_and_reassign(self) -> None:
        ledger = started().record(TaskCompleted("T1"), actor="econ", at=at(3, 20))
        ledger = ledger.record(TaskReopened("T1"), actor="p-wang", at=at(3, 21))
        assert ledger.state("T1").status is Status.IN_PROGRESS
        assert ledger.state("T1").completed_at is None
        new = Responsibility(LAND, leader_in_charge=OTHER_LEADER)
        ledger = ledger.record(TaskReassigned("T1", new), actor="office", at=at(3, 22))
        assert ledger.state("T1").task.responsibility == new
        assert [s.id for s in ledger.by_unit("land", include_cooperating=False)] == ["T1"]


class TestDeadlines:
    def test_a_change_needs_approval_and_the_original_is_kept(self) -> None:
        ledger = started()
        new = Deadline.on(D(2026, 4, 30))
        ledger = ledger.record(DeadlineChangeRequested("T1", new), actor="econ", at=at(3, 20))
        assert ledger.state("T1").due == D(2026, 3, 31)
        assert ledger.state("T1").pending_deadline == new
        with pytest.raises(InvalidTransitionError, match="already has a deadline change pending"):
            ledger.record(DeadlineChangeRequested("T1", new), actor="econ", at=at(3, 20))
        with pytest.raises(InvalidTransitionError, match="pending"):
            ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 20))
        rejected = ledger.record(DeadlineChangeRejected("T1"), actor="p-wang", at=at(3, 21))
        assert rejected.state("T1").due == D(2026, 3, 31)
        approved = ledger.record(DeadlineChangeApproved("T1"), actor="p-wang", at=at(3, 21))
        state = approved.state("T1")
        assert (state.due, state.original_due) == (D(2026, 4, 30), D(2026, 3, 31))
        assert state.original_deadline == Deadline.on(D(2026, 3, 31))
        assert state.task.deadline == new
        assert state.deadline_changes == 1

    def test_without_the_approval_policy_a_request_applies_at_once(self) -> None:
        policy = LedgerPolicy(deadline_change_requires_approval=False)
        ledger = Ledger(calendar=CAL, policy=policy).record(
            TaskAssigned(task()), actor="o", at=at(3, 2)
        )
        ledger = ledger.record(
            DeadlineChangeRequested("T1", Deadline.on(D(2026, 5, 8))), actor="o", at=at(3, 3)
        )
        assert ledger.state("T1").due == D(2026, 5, 8)
        assert ledger.state("T1").pending_deadline is None

    def test_a_suspension_stops_the_clock_only_when_the_deadline_says_so(self) -> None:
        # Suspended Mon 9 March, resumed Thu 19 March: 8 working days paused; Qingming (4-6 April)
        # is skipped when they are added to 31 March.
        for stops, expected in ((True, D(2026, 4, 13)), (False, D(2026, 3, 31))):
            deadline = Deadline.on(D(2026, 3, 31), clock_stops_when_suspended=stops)
            ledger = started(task(deadline=deadline))
            ledger = ledger.record(TaskSuspended("T1"), actor="econ", at=at(3, 9))
            # While suspended, a clock-stopping deadline runs on with the pause.
            assert (ledger.overdue(now=at(4, 1)) == ()) is stops
            ledger = ledger.record(TaskResumed("T1"), actor="econ", at=at(3, 19))
            state = ledger.state("T1")
            assert state.suspended_working_days == 8  # 10-13 and 16-19 March
            assert state.due == CAL.add_working_days(D(2026, 3, 31), 8 if stops else 0)
            assert state.due == expected


class TestRuleDeadlines:
    def test_a_rule_deadline_is_resolved_on_the_ledger_calendar(self) -> None:
        # 20 working days after Fri 27 Sep 2024 skip National Day (DESIGN §4): due 30 October.
        rule = Deadline.from_rule("within 20 working days", trigger=D(2024, 9, 27))
        ledger = Ledger(calendar=CAL).record(
            TaskAssigned(task(deadline=rule, start=D(2024, 9, 27))),
            actor="office",
            at=at(9, 27, year=2024),
        )
        assert ledger.state("T1").due == D(2024, 10, 30)

    def test_a_rule_that_cannot_be_read_is_refused_when_the_deadline_is_made(self) -> None:
        with pytest.raises(RuleSyntaxError, match=r"(?s)unexpected '-'.*\^"):
            Deadline.from_rule("within twenty-ish days", trigger=D(2026, 3, 2))
        with pytest.raises(RuleSyntaxError, match="did you mean 'day'"):
            Deadline(rule="within two dayz", trigger=D(2026, 3, 2))

    def test_a_schedule_is_not_a_deadline(self) -> None:
        for text in ("every Monday", "每月最后一个工作日"):
            with pytest.raises(RuleError, match="is a schedule"):
                Deadline.from_rule(text, trigger=D(2026, 3, 2))
        # A deadline tied to a period is one date: the trigger's period.
        assert Deadline.from_rule("by the end of the quarter", trigger=D(2026, 3, 2)).resolve(
            CAL
        ) == D(2026, 3, 31)


class TestHashChain:
    def test_a_ledger_pickles_as_its_entries(self) -> None:
        ledger = started(task("T1"), task("T2"))
        back = pickle.loads(pickle.dumps(ledger))
        assert back == ledger
        assert back.states() == ledger.states()

    def test_verify_accepts_an_honest_ledger(self) -> None:
        ledger = started(task("T1"), task("T2"))
        ledger.verify()
        rebuilt = Ledger.from_entries(ledger.entries, calendar=CAL)
        assert rebuilt == ledger
        assert rebuilt.states() == ledger.states()

    def test_an_altered_event_is_detected(self) -> None:
        ledger = started().record(ProgressReported("T1", percent=10), actor="econ", at=at(3, 5))
        entries = list(ledger.entries)
        entries[2] = attrs.evolve(entries[2], event=ProgressReported("T1", percent=90))
        with pytest.raises(IntegrityError, match="seq=3"):
            Ledger.from_entries(entries, calendar=CAL)
        unchecked = Ledger.from_entries(entries, calendar=CAL, verify=False)
        with pytest.raises(IntegrityError, match="seq=3"):
            unchecked.verify()

    @pytest.mark.parametrize("change", ["drop", "swap", "actor", "time"])
    def test_removing_reordering_or_rewriting_is_detected(self, change: str) -> None:
        ledger = started(task("T1"), task("T2"))
        entries = list(ledger.entries)
        if change == "drop":
            del entries[1]
        elif change == "swap":
            entries[1], entries[2] = entries[2], entries[1]
        elif change == "actor":
            entries[1] = attrs.evolve(entries[1], actor="someone else")
        else:
            entries[1] = attrs.evolve(entries[1], at=entries[1].at + dt.timedelta(minutes=1))
        with pytest.raises(IntegrityError):
            Ledger.from_entries(entries, calendar=CAL)

    @pytest.mark.parametrize("when", [dt.datetime(2026, 3, 2, 8), "2026-03-02T08:00:00+08:00"])
    def test_an_entry_whose_time_is_not_aware_is_refused_naming_it(self, when: object) -> None:
        entries = list(started().entries)
        entries[0] = attrs.evolve(entries[0], at=when)
        for verify in (True, False):
            with pytest.raises(InvalidInputError, match=r"seq=1 has at=.*expected an aware"):
                Ledger.from_entries(entries, calendar=CAL, verify=verify)

    def test_a_rebuilt_ledger_applies_every_kind_of_report_as_recording_does(self) -> None:
        # A rebuild takes a short cut for the usual report (a percentage, a task in progress,
        # nothing latched); every other goes the way recording goes.
        ledger = started(
            task("T1"),
            task("T2", target_quantity=40, quantity_unit="km"),
            task("T3", deadline=Deadline.on(D(2026, 3, 10))),
        )
        ledger = ledger.record(ProgressReported("T1", percent=10), actor="econ", at=at(3, 5))
        ledger = ledger.record(ProgressReported("T2", quantity=10), actor="econ", at=at(3, 5))
        ledger = ledger.record(
            ProgressReported("T2", percent=30, quantity=12), actor="econ", at=at(3, 6)
        )
        ledger = ledger.record(ProgressReported("T2", percent=35), actor="econ", at=at(3, 7))
        new = Deadline.on(D(2026, 3, 31))
        ledger = ledger.record(DeadlineChangeRequested("T3", new), actor="econ", at=at(3, 12))
        ledger = ledger.record(DeadlineChangeApproved("T3"), actor="p-wang", at=at(3, 13))
        for day, percent in ((16, 20.0), (17, 90.0)):  # reported while latched
            ledger = ledger.record(
                ProgressReported("T3", percent=percent), actor="e", at=at(3, day)
            )
        ledger = ledger.record(ProgressReported("T1", percent=-0.0), actor="econ", at=at(3, 18))
        for verify in (True, False):
            rebuilt = Ledger.from_entries(ledger.entries, calendar=CAL, verify=verify)
            assert rebuilt.states() == ledger.states()
        assert ledger.state("T2").quantity == 12.0 and ledger.state("T2").percent == 35.0
        assert ledger.state("T3").reports_since_latch == (
            (D(2026, 3, 16), 20.0),
            (D(2026, 3, 17), 90.0),
        )
        # A report on a task not yet accepted is refused as recording refuses it.
        assigned = Ledger(calendar=CAL).record(TaskAssigned(task("T9")), actor="o", at=at(3, 2))
        with pytest.raises(InvalidTransitionError) as recorded:
            assigned.record(ProgressReported("T9", percent=5), actor="econ", at=at(3, 3))
        first = assigned.entries[0]
        report = ProgressReported("T9", percent=5)
        digest = entry_hash(
            seq=2, event=report, at=at(3, 3), actor="econ", reason="", prev_hash=first.hash
        )
        entries = [
            first,
            Entry(2, report, at=at(3, 3), actor="econ", prev_hash=first.hash, hash=digest),
        ]
        with pytest.raises(InvalidTransitionError) as rebuilt_error:
            Ledger.from_entries(entries, calendar=CAL, verify=False)
        assert str(rebuilt_error.value) == str(recorded.value)


class TestTimeTravel:
    def test_state_at_any_past_moment(self) -> None:
        ledger = started()
        ledger = ledger.record(ProgressReported("T1", percent=10), actor="econ", at=at(3, 5))
        ledger = ledger.record(ProgressReported("T1", percent=35), actor="econ", at=at(3, 12))
        ledger = ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 27))
        assert ledger.state("T1", at=at(3, 4)).percent == 0.0
        assert ledger.state("T1", at=at(3, 5)).percent == 10.0
        assert ledger.state("T1", at=at(3, 20)).percent == 35.0
        assert ledger.state("T1", at=at(3, 28)).status is Status.COMPLETED
        with pytest.raises(UnknownTaskError, match="not yet in the ledger"):
            ledger.state("T1", at=at(3, 1))
        assert ledger.as_of(at(3, 6)).state("T1") == ledger.state("T1", at=at(3, 6))
        assert len(ledger.history("T1")) == 5

    def test_time_travel_of_a_child_does_not_need_the_parent(self) -> None:
        ledger = started(task("P"), task("C", parent="P"))
        assert ledger.state("C", at=at(3, 3)).task.parent == "P"
        assert [s.id for s in ledger.children("P")] == ["C"]

    def test_queries_before_the_last_entry_see_only_the_past(self) -> None:
        ledger = started().record(TaskCancelled("T1"), actor="office", at=at(3, 20))
        assert [s.id for s in ledger.open_tasks(now=at(3, 10))] == ["T1"]
        assert ledger.open_tasks(now=at(3, 21)) == ()


class TestQueries:
    def ledger(self) -> Ledger:
        tasks = [
            task("A", deadline=Deadline.on(D(2026, 3, 10))),
            task("B", deadline=Deadline.on(D(2026, 3, 20)), category="public_pledge"),
            task(
                "C",
                deadline=Deadline.on(D(2026, 6, 30)),
                responsibility=Responsibility(LAND, leader_in_charge=OTHER_LEADER),
            ),
        ]
        return started(*tasks)

    def test_open_overdue_and_due_within(self) -> None:
        ledger = self.ledger()
        now = at(3, 16)
        assert [s.id for s in ledger.open_tasks(now=now)] == ["A", "B", "C"]
        assert [s.id for s in ledger.overdue(now=now)] == ["A"]
        # 16 March (Mon) + 4 working days = 20 March.
        assert [s.id for s in ledger.due_within(4, now=now)] == ["B"]
        assert ledger.due_within(3, now=now) == ()
        with pytest.raises(InvalidInputError, match="working_days=-1"):
            ledger.due_within(-1, now=now)

    def test_by_unit_leader_and_category(self) -> None:
        ledger = self.ledger()
        assert [s.id for s in ledger.by_unit("econ")] == ["A", "B"]
        assert [s.id for s in ledger.by_unit("land")] == ["A", "B", "C"]
        assert [s.id for s in ledger.by_unit("land", include_cooperating=False)] == ["C"]
        assert [s.id for s in ledger.by_leader("p-chen")] == ["C"]
        assert [s.id for s in ledger.by_category("public_pledge")] == ["B"]
        assert ledger.by_category(Category.KEY_PROJECT) == ()

    def test_five_ones_over_the_ledger(self) -> None:
        reports = {r.task_id: r for r in self.ledger().five_ones()}
        assert reports["A"].missing == ("plan",)
        assert reports["C"].missing == ("work team", "plan")

    def test_statistics(self) -> None:
        ledger = self.ledger()
        ledger = ledger.record(TaskCompleted("A"), actor="econ", at=at(3, 13))  # 3 days late
        ledger = ledger.record(TaskCompleted("B"), actor="econ", at=at(3, 19))  # on time
        ledger = ledger.record(CompletionConfirmed("B"), actor="p-wang", at=at(3, 19, 10))
        stats = ledger.statistics(now=at(4, 1))
        assert (stats.total, stats.open, stats.completed, stats.confirmed) == (3, 1, 2, 1)
        assert (stats.on_time, stats.on_time_rate) == (1, 0.5)
        assert stats.average_delay_working_days == 3.0
        assert stats.overdue == 0
        assert Ledger(calendar=CAL).statistics(now=at(4, 1)).on_time_rate is None

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            self.ledger().overdue(now=dt.datetime(2026, 3, 1))


class TestWarnings:
    def test_red_yellow_blue_with_reasons(self) -> None:
        ledger = started(
            task("red", deadline=Deadline.on(D(2026, 3, 10))),
            task("yellow", deadline=Deadline.on(D(2026, 4, 30))),
            task("blue", deadline=Deadline.on(D(2026, 3, 20))),
            task("fine", deadline=Deadline.on(D(2026, 4, 30))),
        )
        for task_id, pct in (("blue", 90), ("fine", 30)):
            ledger = ledger.record(
                ProgressReported(task_id, percent=pct), actor="econ", at=at(3, 16)
            )
        lights = ledger.warnings(now=at(3, 16))
        assert [(w.task_id, w.level) for w in lights] == [
            ("red", Light.RED),
            ("yellow", Light.YELLOW),
            ("blue", Light.BLUE),
        ]
        red, yellow, blue = lights
        assert "overdue: due 2026-03-10, 4 working day(s) late" in red.reasons[0]
        assert "behind expected progress" in yellow.reasons[0]
        assert "deadline near: due 2026-03-20, 4 working day(s) left" in blue.reasons[0]
        assert str(red).startswith("[red] red: overdue")
        assert ledger.warning("fine", now=at(3, 16)) is None

    def test_thresholds_are_configurable(self) -> None:
        ledger = started(task(deadline=Deadline.on(D(2026, 4, 30))))
        now = at(3, 16)
        assert ledger.warning("T1", now=now) is not None
        strict = WarningPolicy(yellow_lag=50, blue_within=0)
        assert ledger.warning("T1", now=now, policy=strict) is None
        tolerant = WarningPolicy(progress=ProgressPolicy(reporting_tolerance=40))
        assert ledger.progress("T1", now=now, policy=tolerant.progress).expected == 0.0

    def test_the_plan_drives_the_expected_progress(self) -> None:
        plan = Plan([Milestone("m1", D(2026, 4, 10), cumulative_percent=5)])
        ledger = started(task(deadline=Deadline.on(D(2026, 4, 30)), plan=plan))
        check = ledger.progress("T1", now=at(3, 16))
        assert check.by_plan
        assert check.expected < 5.0
        assert ledger.warning("T1", now=at(3, 16)) is None
        assert "per plan" in str(check)

    def test_red_latches_until_the_lag_is_made_up(self) -> None:
        ledger = started(task(deadline=Deadline.on(D(2026, 3, 10))))
        ledger = ledger.record(ProgressReported("T1", percent=20), actor="econ", at=at(3, 5))
        assert ledger.warning("T1", now=at(3, 12)).level is Light.RED  # type: ignore[union-attr]
        new = Deadline.on(D(2026, 3, 31))
        ledger = ledger.record(DeadlineChangeRequested("T1", new), actor="econ", at=at(3, 12))
        ledger = ledger.record(DeadlineChangeApproved("T1"), actor="p-wang", at=at(3, 13))
        light = ledger.warning("T1", now=at(3, 16))
        assert light is not None and light.level is Light.RED
        assert "red latched" in light.reasons[0]
        unlatched = ledger.warning("T1", now=at(3, 16), policy=WarningPolicy(latch=False))
        assert unlatched is not None and unlatched.level is Light.YELLOW
        # A report that makes the lag up releases the latch.
        ledger = ledger.record(ProgressReported("T1", percent=70), actor="econ", at=at(3, 16))
        after = ledger.warning("T1", now=at(3, 16))
        assert after is None or after.level is not Light.RED

    def test_only_tasks_that_need_them_keep_the_rarely_used_fields(self) -> None:
        # What keeps a plain task small: its track has no rare part until one of those fields
        # takes another value than its default, and the state reads the same either way.
        ledger = started(task("T1", deadline=Deadline.on(D(2026, 3, 10))), task("T2"))
        ledger = ledger.record(ProgressReported("T2", percent=20), actor="econ", at=at(3, 5))
        ledger = ledger.record(TaskCompleted("T2"), actor="econ", at=at(3, 6))  # clears a latch
        tracks = ledger._current().tracks
        assert tracks["T1"].rare is None and tracks["T2"].rare is None
        plain = ledger.state("T2")
        assert (plain.latched_at, plain.reports_since_latch, plain.paused) == (None, (), ())
        new = Deadline.on(D(2026, 3, 31))
        ledger = ledger.record(DeadlineChangeRequested("T1", new), actor="econ", at=at(3, 12))
        assert tracks["T1"].rare is not None
        ledger = ledger.record(DeadlineChangeApproved("T1"), actor="p-wang", at=at(3, 13))
        ledger = ledger.record(ProgressReported("T1", percent=30), actor="econ", at=at(3, 16))
        latched = ledger.state("T1")
        assert latched.latched_at == at(3, 13) and latched.deadline_changes == 1
        assert latched.pending_deadline is None
        assert latched.reports_since_latch == ((D(2026, 3, 16), 30.0),)
        ledger = ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 17))
        done = ledger.state("T1")
        assert (done.latched_at, done.reports_since_latch) == (None, ())
        assert tracks["T2"].rare is None

    def test_a_frozen_state_holds_every_field_of_its_track(self) -> None:
        # freeze() is generated code that sets TaskState's slots; it must give what gathering
        # the fields by name for TaskState(...) gives, with a rare part and without one.
        ledger = started(task("T1", deadline=Deadline.on(D(2026, 3, 10))), task("T2"))
        ledger = ledger.record(ProgressReported("T2", percent=20), actor="econ", at=at(3, 5))
        new = Deadline.on(D(2026, 3, 31))
        ledger = ledger.record(DeadlineChangeRequested("T1", new), actor="econ", at=at(3, 12))
        ledger = ledger.record(TaskSuspended("T1"), actor="econ", at=at(3, 13))
        tracks = ledger._current().tracks
        assert tracks["T1"].rare is not None and tracks["T2"].rare is None
        names = [a.name for a in attrs.fields(TaskState)]
        for track in tracks.values():
            state = track.freeze()
            assert type(state) is TaskState
            assert state == TaskState(**{name: getattr(track, name) for name in names})
            assert track.freeze() is state  # kept until the next event
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                state.percent = 0.0  # type: ignore[misc]
        assert ledger.state("T1").pending_deadline == new
        assert ledger.state("T1").status is Status.SUSPENDED

    def test_a_warning_issued_directly_raises_the_colour(self) -> None:
        ledger = started(task(deadline=Deadline.on(D(2026, 6, 30))))
        ledger = ledger.record(ProgressReported("T1", percent=20), actor="econ", at=at(3, 3))
        assert ledger.warning("T1", now=at(3, 4)) is None
        ledger = ledger.record(WarningIssued("T1", "red"), actor="督查室", at=at(3, 4))
        light = ledger.warning("T1", now=at(3, 5))
        assert light is not None and light.level is Light.RED
        assert "issued directly" in light.reasons[0]
        ledger = ledger.record(WarningWithdrawn("T1"), actor="督查室", at=at(3, 6))
        assert ledger.warning("T1", now=at(3, 6)) is None

    def test_finished_tasks_have_no_light(self) -> None:
        ledger = started(task(deadline=Deadline.on(D(2026, 3, 10))))
        ledger = ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 9))
        assert ledger.warnings(now=at(3, 20)) == ()


@settings(max_examples=200, deadline=None)
@given(
    specs=st.lists(
        st.tuples(
            st.integers(0, 200),  # due: days after 2 March
            st.floats(0, 100),  # reported percent
            st.booleans(),  # with a plan
            st.sampled_from([None, "blue", "red"]),  # issued warning
        ),
        min_size=1,
        max_size=8,
    ),
    now_offset=st.integers(0, 240),
    blue_within=st.integers(0, 10),
    yellow_lag=st.floats(0, 50),
    tolerance=st.integers(0, 3),
    calendar_days=st.booleans(),
)
def test_the_bulk_warning_query_agrees_with_the_per_task_one(
    specs: list[tuple[int, float, bool, str | None]],
    now_offset: int,
    blue_within: int,
    yellow_lag: float,
    tolerance: int,
    calendar_days: bool,
) -> None:
    ledger = Ledger(calendar=CAL)
    for i, (due_offset, pct, planned, issued) in enumerate(specs):
        due = D(2026, 3, 2) + dt.timedelta(days=due_offset)
        plan = Plan([Milestone("m", D(2026, 3, 2) + dt.timedelta(days=1), cumulative_percent=50)])
        t = task(
            f"T{i}", deadline=Deadline.on(due), plan=plan if planned and due_offset > 1 else None
        )
        ledger = ledger.record(TaskAssigned(t), actor="o", at=at(3, 2))
        ledger = ledger.record(TaskAccepted(t.id), actor="o", at=at(3, 2))
        ledger = ledger.record(ProgressReported(t.id, percent=pct), actor="o", at=at(3, 2))
        if issued:
            ledger = ledger.record(WarningIssued(t.id, issued), actor="o", at=at(3, 2))
    now = at(3, 2) + dt.timedelta(days=now_offset)
    basis = "calendar_days" if calendar_days else "working_days"
    policy = WarningPolicy(
        blue_within=blue_within,
        yellow_lag=yellow_lag,
        progress=ProgressPolicy(basis=basis, reporting_tolerance=tolerance),
    )
    one_by_one = [ledger.warning(i, now=now, policy=policy) for i in ledger.task_ids]
    expected = sorted((w for w in one_by_one if w is not None), key=lambda w: -w.level.rank)
    assert list(ledger.warnings(now=now, policy=policy)) == expected


# -- annotations: events recorded about a task without changing its state ---------------------------


@register_event_type
@attrs.frozen
class Remark(Annotation):
    """A test annotation: a remark with an id, made once per task."""

    kind: ClassVar[str] = "test_remark"
    remark_id: str
    text: str = ""

    def noted(self, notes: frozenset[Hashable]) -> frozenset[Hashable]:
        if ("remark", self.remark_id) in notes:
            raise InvalidInputError(f"remark {self.remark_id!r} was already made")
        return notes | {("remark", self.remark_id)}


@attrs.frozen
class Unregistered(Annotation):
    kind: ClassVar[str] = "test_unregistered"


class TestRecordEvents:
    """Events about the ledger as a whole: kept in the chain, applied by the replay."""

    def test_a_policy_change_holds_from_its_entry_on_in_every_view(self) -> None:
        ledger = started()
        ledger = ledger.record(TaskCompleted("T1"), actor="econ", at=at(3, 3))
        with pytest.raises(InvalidTransitionError, match="leader in charge"):
            ledger.record(CompletionConfirmed("T1"), actor="p-zhao", at=at(3, 4))
        lax = LedgerPolicy(confirmation_requires_leader=False)
        changed = ledger.record(PolicyChanged(lax), actor="office", at=at(3, 4))
        done = changed.record(CompletionConfirmed("T1"), actor="p-zhao", at=at(3, 4, 10))
        assert done.state("T1").confirmed_by == "p-zhao"
        assert (done.policy, done.policy_at(3), done.policy_at(4)) == (lax, LedgerPolicy(), lax)
        assert ledger.policy == LedgerPolicy() and done.as_of(at(3, 3)).policy == LedgerPolicy()
        assert done.entries[3].task_id == ""  # about no task
        # Rebuilt from its entries, pickled, or as JSON: the change comes with the chain.
        again = Ledger.from_entries(done.entries, calendar=CAL)
        assert again == done and again.policy == lax
        assert pickle.loads(pickle.dumps(done)) == done
        assert from_json(to_json(done), Ledger, calendar=CAL) == done
        # Time travel replays a task's entries under the policy in force at each.
        assert done.state("T1", at=at(3, 4, 12)).status is Status.CONFIRMED
        # A branch from before the change is kept under the policy it started with.
        branch = ledger.record(TaskReopened("T1"), actor="office", at=at(3, 5))
        assert branch.policy == LedgerPolicy() and branch.version == 4
        with pytest.raises(InvalidTransitionError):
            ledger.record(CompletionConfirmed("T1"), actor="p-zhao", at=at(3, 5))

    def test_record_events_are_known_or_refused(self) -> None:
        @attrs.frozen
        class Unknown(RecordEvent):
            kind: ClassVar[str] = "test_unknown_record_event"

        with pytest.raises(InvalidInputError, match="must be registered"):
            started().record(Unknown(), actor="office", at=at(3, 3))
        with pytest.raises(InvalidInputError, match="must be registered"):
            started().record(RecordEvent(), actor="office", at=at(3, 3))

        @register_event_type
        @attrs.frozen
        class Reviewed(RecordEvent):
            kind: ClassVar[str] = "test_ledger_reviewed"
            note: str = ""

        ledger = started().record(Reviewed(note="季度"), actor="office", at=at(3, 3))
        assert ledger.state("T1").version == 2  # no task's state moved
        assert [type(e.event) for e in ledger.entries] == [TaskAssigned, TaskAccepted, Reviewed]
        assert [e.seq for e in ledger.history("T1")] == [1, 2]
        with pytest.raises(UnknownTaskError):
            ledger.history("")
        assert Ledger.from_entries(ledger.entries, calendar=CAL) == ledger
        with pytest.raises(InvalidTypeError):
            PolicyChanged("not a policy")  # type: ignore[arg-type]


def test_open_task_views_read_as_the_open_tasks() -> None:
    ledger = started(task("T1"), task("T2"), task("T3"))
    ledger = ledger.record(ProgressReported("T1", percent=30), actor="econ", at=at(3, 3))
    ledger = ledger.record(TaskCancelled("T2"), actor="office", at=at(3, 3))
    now = at(3, 4)
    views = ledger.open_task_views(now=now)
    assert [v.freeze() for v in views] == list(ledger.open_tasks(now=now))
    for view, state in zip(views, ledger.open_tasks(now=now), strict=True):
        fields = ("task", "status", "assigned_at", "accepted_at", "start", "due", "percent")
        assert [getattr(view, f) for f in fields] == [getattr(state, f) for f in fields]
        assert (view.last_report_at, view.paused, view.open_issues) == (
            state.last_report_at,
            state.paused,
            state.open_issues,
        )
    # At an earlier time: the projection then.
    assert [v.task.id for v in ledger.open_task_views(now=at(3, 2, 12))] == ["T1", "T2", "T3"]
    assert ledger.open_task_views(now=at(3, 2, 12))[0].percent == 0.0


class TestAnnotations:
    def test_a_registered_annotation_is_recorded_without_changing_the_state(self) -> None:
        ledger = started()
        before = ledger.state("T1")
        noted = ledger.record(Remark("T1", "r1", text="site visit"), actor="office", at=at(3, 3))
        state = noted.state("T1")
        assert attrs.evolve(state, version=before.version, updated_at=before.updated_at) == before
        assert state.version == noted.version == 3
        noted.verify()
        with pytest.raises(InvalidInputError, match="'r1' was already made"):
            noted.record(Remark("T1", "r1"), actor="office", at=at(3, 4))
        again = noted.record(Remark("T1", "r2"), actor="office", at=at(3, 4))
        # Replays (entries, JSON, time travel) check the notes the same way.
        assert Ledger.from_entries(again.entries, calendar=CAL) == again
        assert from_json(to_json(again), Ledger, calendar=CAL) == again
        assert again.state("T1", at=at(3, 3, 12)) == state
        assert [e.event.kind for e in again.history("T1")][-2:] == ["test_remark"] * 2

    def test_an_annotation_needs_its_task_and_its_registration(self) -> None:
        ledger = started()
        with pytest.raises(UnknownTaskError):
            ledger.record(Remark("T9", "r1"), actor="office", at=at(3, 3))
        with pytest.raises(InvalidInputError, match="register_event_type"):
            ledger.record(Unregistered("T1"), actor="office", at=at(3, 3))
        with pytest.raises(InvalidInputError, match="not a ledger event type"):
            ledger.record(Annotation("T1"), actor="office", at=at(3, 3))
        assert ledger.version == 2

    def test_register_event_type_refuses_what_it_cannot_register(self) -> None:
        assert register_event_type(Remark) is Remark  # again: nothing changes
        assert EVENT_TYPES["test_remark"] is Remark

        @attrs.frozen
        class Clash(Annotation):
            kind: ClassVar[str] = "task_assigned"

        with pytest.raises(
            InvalidInputError, match=r"'task_assigned'.*already taken by .*TaskAssigned"
        ):
            register_event_type(Clash)

        @attrs.frozen
        class SameKind(Annotation):
            kind: ClassVar[str] = "test_remark"

        with pytest.raises(
            InvalidInputError, match=r"taken by tests\.test_ledger\.Remark|taken by .*Remark"
        ):
            register_event_type(SameKind)

        @attrs.frozen
        class NoKind(Remark):
            pass

        with pytest.raises(InvalidInputError, match="no kind of its own"):
            register_event_type(NoKind)
        for cls in (TaskAccepted, Annotation, RecordEvent, Event):
            with pytest.raises(InvalidTypeError, match="Annotation or RecordEvent"):
                register_event_type(cls)
        assert EVENT_TYPES["task_assigned"] is TaskAssigned


# -- performance paths: positions built on first use, schedules shared by the bulk query ------------


def test_history_and_time_travel_after_a_replay_and_further_records() -> None:
    ledger = started(task("T1"), task("T2"))
    ledger = ledger.record(ProgressReported("T1", percent=10), actor="econ", at=at(3, 3))
    replayed = Ledger.from_entries(ledger.entries, calendar=CAL)
    assert replayed.history("T1") == ledger.history("T1")  # the positions, built on first use
    more = replayed.record(ProgressReported("T1", percent=20), actor="econ", at=at(3, 4))
    assert [e.seq for e in more.history("T1")] == [1, 2, 5, 6]  # kept up to date once built
    assert [e.seq for e in replayed.history("T1")] == [1, 2, 5]  # an older view sees its prefix
    assert more.state("T1", at=at(3, 3, 12)).percent == 10
    branch = replayed.record(ProgressReported("T2", percent=5), actor="econ", at=at(3, 5))
    assert [e.seq for e in branch.history("T2")] == [3, 4, 6]
    assert [e.seq for e in more.history("T2")] == [3, 4]
    assert branch.as_of(at(3, 4)).version == 5
    with pytest.raises(InvalidInputError, match="earlier than the last entry"):
        more.record(TaskCompleted("T1"), actor="econ", at=at(3, 3, 23))


def test_tasks_sharing_a_schedule_keep_their_own_lights() -> None:
    ledger = started(*(task(f"T{i}") for i in range(5)))
    for i, pct in enumerate((0, 20, 20, 90, 0)):
        ledger = ledger.record(ProgressReported(f"T{i}", percent=pct), actor="econ", at=at(3, 20))
    ledger = ledger.record(TaskSuspended("T4"), actor="econ", at=at(3, 21))
    for now in (at(3, 10), at(3, 25), at(4, 2)):
        for view in (ledger, ledger.as_of(at(3, 20, 12))):  # the newest log and a replayed one
            lights = view.warnings(now=now)
            one_by_one = [view.warning(i, now=now) for i in view.task_ids]
            assert list(lights) == sorted(
                (w for w in one_by_one if w is not None), key=lambda w: -w.level.rank
            )
    lights = {w.task_id: w for w in ledger.warnings(now=at(3, 25))}
    assert lights["T1"].reasons == lights["T2"].reasons
    assert lights["T0"].reasons != lights["T1"].reasons
    assert "T3" not in lights or lights["T3"].level is Light.BLUE


def test_a_report_of_minus_zero_keeps_its_own_reason_in_the_bulk_query() -> None:
    ledger = started(task("T1"), task("T2"), task("T3"))
    for task_id, pct in (("T1", 0.0), ("T2", -0.0), ("T3", 0.0)):
        ledger = ledger.record(ProgressReported(task_id, percent=pct), actor="econ", at=at(3, 20))
    now = at(3, 25)
    assert list(ledger.warnings(now=now)) == [ledger.warning(i, now=now) for i in ledger.task_ids]
    lights = ledger.warnings(now=now)
    assert lights[0].reasons == lights[2].reasons != lights[1].reasons


# -- events refuse what the record cannot hold, before record() sees it ------------------------------

SURROGATE = "\ud800"


@pytest.mark.parametrize(
    "build",
    [
        lambda: TaskAccepted("T" + SURROGATE),
        lambda: TaskAssigned(task("T" + SURROGATE)),
        lambda: ProgressReported("T1", percent=5.0, note="进度" + SURROGATE),
        lambda: ProgressReported("T1", percent=5.0, attachments=("ok.pdf", "a" + SURROGATE)),
        lambda: MilestoneReached("T1", "m" + SURROGATE),
        lambda: IssueRaised("T1", "i1", description=SURROGATE),
        lambda: IssueResolved("T1", "i1", resolution=SURROGATE),
    ],
)
def test_an_event_with_text_utf8_cannot_encode_is_refused_when_built(build: Any) -> None:
    with pytest.raises(InvalidInputError, match="lone surrogate"):
        build()


@pytest.mark.parametrize(
    ("fields", "error", "fragment"),
    [
        ({"percent": 10**400}, InvalidInputError, "percent=an int of about 400 digits is out of range"),
        ({"percent": float("inf")}, InvalidInputError, "percent=inf is out of range"),
        ({"quantity": 1e999}, InvalidInputError, "quantity=inf is not finite"),
        ({"quantity": float("nan")}, InvalidInputError, "quantity=nan is not finite"),
        ({"quantity": 10**400}, InvalidInputError, "quantity=an int of about 400 digits is too large"),
        ({"quantity": "3"}, InvalidTypeError, "quantity='3' is a str; expected a number"),
        ({"quantity": -1}, InvalidInputError, "quantity=-1.0 is out of range; expected a number >= 0"),
    ],
)  # fmt: skip
def test_progress_numbers_are_finite_and_checked_when_built(
    fields: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        ProgressReported("T1", **fields)
    assert fragment in str(info.value)


def test_a_huge_quantity_that_is_finite_is_recorded_and_read_back() -> None:
    ledger = started(task(target_quantity=1e308, quantity_unit="元"))
    ledger = ledger.record(ProgressReported("T1", quantity=1e300), actor="econ", at=at(3, 3))
    assert from_json(to_json(ledger), Ledger, calendar=CAL) == ledger


def test_an_unknown_warning_level_is_our_error() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'purple' is not a Light; expected one of \['blue'"
    ):
        WarningIssued("T1", "purple")  # type: ignore[arg-type]


def test_ledger_statistics_hold_counts_and_a_finite_delay() -> None:
    # Found by the slow fuzz: a delay too large for a float was accepted, then to_json raised
    # OverflowError. Every count is an int >= 0; the delay a finite number or None.
    counts = dict.fromkeys(
        ("total", "open", "overdue", "completed", "confirmed", "cancelled", "on_time"), 0
    )
    made = LedgerStatistics(
        dt.date(2026, 5, 11), **counts, on_time_original=0, average_delay_working_days=2
    )
    assert made.average_delay_working_days == 2.0
    with pytest.raises(InvalidInputError, match="average_delay_working_days=an int of about"):
        attrs.evolve(made, average_delay_working_days=10**400)
    with pytest.raises(InvalidInputError, match=r"average_delay_working_days=.* not finite"):
        attrs.evolve(made, average_delay_working_days=float("nan"))
    for bad in (None, True, -1, 1.5):
        with pytest.raises(InvalidInputError, match=r"total=.*expected a number of tasks"):
            attrs.evolve(made, total=bad)
