"""Governing the key-project list (tasks/_governance.py) as the Tangshan key-project plan says.

The clause (重点项目推进工作方案, Tangshan 2023, part 3 (5) 实施动态管理): "每季度末,对重点项目盘子
进行一次动态调整 … 对确有问题,不具备实施条件的项目,要认真分析,查摆原因,作出详细说明后,方可调出市
重点项目计划。各县(市)区对拟调整项目,经分包市领导签字同意后,报市领导小组进行调整。"

Quarter-end windows (the last five working days of each quarter, this library's stated choice)
were worked out by hand from the official schedules and are checked against the independent
``chinesecalendar`` package as well:

* Q4 2025: Dec 25–31 (Wed Dec 31, no holiday).
* Q3 2025: Sep 25–30: National Day and Mid-Autumn are Oct 1–8, and Sunday Sep 28 is a make-up
  workday, so the five working days are Sep 25, 26, 28, 29, 30.
* Q1 2026: Mar 25–31. Q2 2026: Jun 24–30 (Dragon Boat Festival Jun 19–21 is further back).
* Q3 2026: Sep 23–30: Mid-Autumn Sep 25–27 is inside, so the window reaches back to Wed Sep 23.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.exceptions import InvalidInputError, InvalidTypeError, PolicyViolationError
from govops.serialization import from_json, to_json
from govops.store import EventStore
from govops.tasks import (
    Category,
    ChangeSignedOff,
    CoverWindow,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    Ledger,
    LedgerPolicy,
    ListChange,
    ListChangeRules,
    Person,
    Responsibility,
    Status,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskReassigned,
    Unit,
)

CAL = govops.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
D = dt.date
LEADER = Person("vm-li", "李副市长")
DEPUTY = Person("vm-wang", "王副市长")
COUNTY = Unit("fengnan", "丰南区")
RULES = ListChangeRules(recorded_by={"group-office"})
POLICY = LedgerPolicy(list_changes=RULES)
SIGNED_ON = D(2026, 3, 26)


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=CST)


def project(task_id: str = "P1", category: Category = Category.KEY_PROJECT) -> Task:
    return Task(
        task_id,
        "钢铁深加工园区",
        category=category,
        responsibility=Responsibility(COUNTY, leader_in_charge=LEADER),
        deadline=Deadline.on(D(2026, 12, 31)),
        start=D(2026, 1, 5),
    )


def ledger(policy: LedgerPolicy = POLICY, *tasks: Task) -> Ledger:
    book = Ledger(calendar=CAL, policy=policy)
    for t in tasks or (project(),):
        book = book.record(TaskAssigned(t), actor="group-office", at=at(2026, 1, 5))
    for t in tasks or (project(),):
        book = book.record(TaskAccepted(t.id), actor="fengnan", at=at(2026, 1, 6))
    return book


def signed(
    change: str = "remove",
    *,
    by: str = "vm-li",
    on: dt.date = SIGNED_ON,
    why: str = "用地指标未落实,环评未获批复,年内不具备开工条件",
    task_id: str = "P1",
) -> ChangeSignedOff:
    return ChangeSignedOff(task_id, change, signed_by=by, signed_on=on, explanation=why)


def window_by_hand(quarter_end: dt.date, n: int = 5) -> tuple[dt.date, dt.date]:
    """The window from the independent calendar: the n-th last working day through quarter-end."""
    days: list[dt.date] = []
    d = quarter_end
    while len(days) < n:
        if chinese_calendar.is_workday(d):
            days.append(d)
        d -= dt.timedelta(days=1)
    return days[-1], quarter_end


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 11, 3), (D(2025, 12, 25), D(2025, 12, 31))),
        (D(2025, 7, 1), (D(2025, 9, 25), D(2025, 9, 30))),
        (D(2026, 2, 28), (D(2026, 3, 25), D(2026, 3, 31))),
        (D(2026, 6, 30), (D(2026, 6, 24), D(2026, 6, 30))),
        (D(2026, 9, 1), (D(2026, 9, 23), D(2026, 9, 30))),
        (D(2026, 12, 1), (D(2026, 12, 25), D(2026, 12, 31))),
    ],
)
def test_the_quarter_end_window_on_the_official_calendar(
    day: dt.date, expected: tuple[dt.date, dt.date]
) -> None:
    """ "每季度末,对重点项目盘子进行一次动态调整": the window is the quarter's last five working days
    (a stated choice), make-up workdays counted and holidays skipped."""
    assert RULES.window(day, calendar=CAL) == expected
    assert window_by_hand(expected[1]) == expected


def test_every_quarter_window_of_2025_and_2026_agrees_with_chinesecalendar() -> None:
    for year in (2025, 2026):
        for month in (3, 6, 9, 12):
            end = D(year, month, 30 if month in (6, 9) else 31)
            for n in (1, 3, 5, 10):
                rules = ListChangeRules(window_working_days=n)
                assert rules.window(end, calendar=CAL) == window_by_hand(end, n), (end, n)


def test_removal_needs_the_signed_consent_of_the_leader_in_charge() -> None:
    """ "经分包市领导签字同意后,报市领导小组进行调整": without a consent on the record the removal
    is refused with the rule and the plan named; with one it goes through and is used up."""
    book = ledger()
    with pytest.raises(PolicyViolationError, match="签字同意") as caught:
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))
    assert caught.value.source.startswith("重点项目推进工作方案")
    assert "重点项目推进工作方案" in str(caught.value)
    book = book.record(signed(), actor="fengnan", at=at(2026, 3, 26))
    book = book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))
    assert book.state("P1", at=at(2026, 3, 27, 12)).status is Status.CANCELLED


def test_consent_by_someone_else_or_for_another_change_does_not_count() -> None:
    book = ledger()
    book = book.record(signed(by="mayor-zhang"), actor="fengnan", at=at(2026, 3, 26))
    book = book.record(signed("reassign"), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError, match="'vm-li'"):
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))


def test_consent_dated_after_the_change_does_not_count() -> None:
    book = ledger().record(signed(on=D(2026, 3, 30)), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError, match="on or before 2026-03-27"):
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))


def test_removal_needs_an_explanation() -> None:
    """ "作出详细说明后,方可调出": an empty explanation is refused; ``min_explanation`` asks for more."""
    book = ledger().record(signed(why="  "), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError, match="详细说明"):
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))
    strict = LedgerPolicy(list_changes=attrs.evolve(RULES, min_explanation=30))
    book = ledger(strict).record(signed(why="条件不具备"), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError, match="at least 30 characters"):
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))


def test_removal_only_at_quarter_end() -> None:
    """ "每季度末 … 进行一次动态调整": a removal on Sep 22, 2026 is refused (the window opens Sep 23,
    Mid-Autumn Sep 25–27 being inside it); one on the make-up Sunday Sep 28, 2025 is inside."""
    book = ledger().record(signed(on=D(2026, 9, 1)), actor="fengnan", at=at(2026, 9, 1))
    with pytest.raises(PolicyViolationError, match=r"2026-09-23\.\.2026-09-30") as caught:
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 9, 22))
    assert "每季度末" in caught.value.rule
    book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 9, 23))
    late = ledger().record(signed(on=D(2026, 9, 1)), actor="fengnan", at=at(2026, 9, 1))
    with pytest.raises(PolicyViolationError, match="outside the quarter-end window"):
        late.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 10, 9))

    book = Ledger(calendar=CAL, policy=POLICY)
    t = attrs.evolve(project(), start=D(2025, 7, 1), deadline=Deadline.on(D(2025, 12, 31)))
    book = book.record(TaskAssigned(t), actor="group-office", at=at(2025, 7, 1))
    book = book.record(signed(on=D(2025, 9, 26)), actor="fengnan", at=at(2025, 9, 26))
    book = book.record(TaskCancelled("P1"), actor="group-office", at=at(2025, 9, 28))
    assert book.state("P1", at=at(2025, 9, 28, 12)).status is Status.CANCELLED


def test_only_the_leading_groups_office_records_the_change() -> None:
    """ "报市领导小组进行调整": the county signs off, the leading group makes the change."""
    book = ledger().record(signed(), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(
        PolicyViolationError, match=r"only by \['group-office'\], not actor='fengnan'"
    ):
        book.record(TaskCancelled("P1"), actor="fengnan", at=at(2026, 3, 27))


def test_an_adjusted_deadline_is_a_governed_change_too() -> None:
    book = ledger()
    book = book.record(
        DeadlineChangeRequested("P1", Deadline.on(D(2027, 6, 30))),
        actor="fengnan",
        at=at(2026, 2, 2),
    )  # asking is free; the approval is the adjustment
    with pytest.raises(PolicyViolationError, match="adjust"):
        book.record(DeadlineChangeApproved("P1"), actor="group-office", at=at(2026, 3, 27))
    book = book.record(signed("adjust"), actor="fengnan", at=at(2026, 3, 26))
    book = book.record(DeadlineChangeApproved("P1"), actor="group-office", at=at(2026, 3, 27))
    assert book.state("P1", at=at(2026, 3, 28)).due == D(2027, 6, 30)


def test_reassignment_needs_consent_but_no_window() -> None:
    """The plan names the leader in charge of each project; handing a project to another county
    or leader is an adjustment of the list that needs the same consent. The preset lets it happen
    on any day: a leader's transfer does not wait for quarter-end (a stated choice)."""
    new = Responsibility(Unit("luannan", "滦南县"), leader_in_charge=DEPUTY)
    book = ledger().record(signed("reassign", on=D(2026, 5, 6)), actor="fengnan", at=at(2026, 5, 6))
    book = book.record(TaskReassigned("P1", new), actor="group-office", at=at(2026, 5, 7))
    assert book.state("P1", at=at(2026, 5, 7, 12)).task.responsibility == new
    # The consent is used up, and the next one must come from the new leader in charge.
    back = Responsibility(COUNTY, leader_in_charge=LEADER)
    book = book.record(signed("reassign", on=D(2026, 5, 8)), actor="fengnan", at=at(2026, 5, 8))
    with pytest.raises(PolicyViolationError, match="'vm-wang'"):
        book.record(TaskReassigned("P1", back), actor="group-office", at=at(2026, 5, 8))


def test_a_deputy_signs_for_the_leader_during_a_cover_window() -> None:
    cover = CoverWindow("vm-li", "vm-wang", start=D(2026, 3, 23), end=D(2026, 3, 27))
    policy = attrs.evolve(POLICY, cover=(cover,))
    book = ledger(policy).record(signed(by="vm-wang"), actor="fengnan", at=at(2026, 3, 26))
    book = book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 30))
    assert book.state("P1", at=at(2026, 3, 30, 12)).status is Status.CANCELLED
    outside = ledger(policy).record(
        signed(by="vm-wang", on=D(2026, 3, 20)), actor="x", at=at(2026, 3, 20)
    )
    with pytest.raises(PolicyViolationError):
        outside.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 30))


def test_other_work_and_policies_without_list_rules_keep_todays_behaviour() -> None:
    """Only key projects are governed; a ledger whose policy has no list rules (every ledger
    written before them) takes a cancellation from anyone with no reason, as it always did."""
    book = ledger(POLICY, project(), project("W1", Category.KEY_TASK))
    book = book.record(TaskCancelled("W1"), actor="anyone", at=at(2026, 2, 2))
    assert book.state("W1", at=at(2026, 2, 3)).status is Status.CANCELLED
    plain = ledger(LedgerPolicy())
    plain = plain.record(TaskCancelled("P1"), actor="anyone", at=at(2026, 2, 2))
    assert plain.state("P1", at=at(2026, 2, 3)).status is Status.CANCELLED


def test_a_refused_change_leaves_the_ledger_as_it_was() -> None:
    book = ledger().record(signed(), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError):
        book.record(TaskCancelled("P1"), actor="fengnan", at=at(2026, 3, 27))
    assert book.state("P1", at=at(2026, 3, 28)).status is Status.IN_PROGRESS
    # The consent was not used up by the refused attempt.
    book = book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 28))
    assert book.state("P1", at=at(2026, 3, 28, 12)).status is Status.CANCELLED


def test_the_policy_and_the_consents_round_trip_and_replay() -> None:
    book = ledger().record(signed(), actor="fengnan", at=at(2026, 3, 26))
    book = book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))
    back = from_json(to_json(book), Ledger, calendar=CAL)
    assert back.policy == POLICY
    assert back.head_hash == book.head_hash
    # A policy without list rules is written exactly as before they existed.
    assert "list_changes" not in to_json(ledger(LedgerPolicy()))


def test_rules_refuse_bad_values_with_our_errors() -> None:
    with pytest.raises(InvalidInputError, match="window_working_days=0"):
        ListChangeRules(window_working_days=0)
    with pytest.raises(InvalidInputError):
        ListChangeRules(governed={"demolish"})
    with pytest.raises(InvalidTypeError, match="list_changes="):
        LedgerPolicy(list_changes="004")
    with pytest.raises(InvalidTypeError, match="signed_on="):
        ChangeSignedOff("P1", "remove", signed_by="x", signed_on=at(2026, 3, 1), explanation="")  # type: ignore[arg-type]
    assert ListChange.REMOVE.name_zh == "调出"
    assert ListChangeRules(window_working_days=None).window(D(2026, 5, 1), calendar=CAL) is None


def test_a_stored_ledger_keeps_its_list_rules_and_refuses_an_append_that_breaks_them(
    tmp_path: Path,
) -> None:
    book = ledger().record(signed(), actor="fengnan", at=at(2026, 3, 26))
    store = EventStore.create(tmp_path / "ledger.db", calendar=CAL)
    try:
        store.save(book, expected_version=0)
        loaded = store.load()
        assert loaded.policy == POLICY
        # The same history recorded under a policy without list rules, then a removal by the
        # county itself: the store checks the append against its own policy and refuses it.
        lax = ledger(LedgerPolicy()).record(signed(), actor="fengnan", at=at(2026, 3, 26))
        assert lax.head_hash == book.head_hash
        lax = lax.record(TaskCancelled("P1"), actor="fengnan", at=at(2026, 3, 27))
        with pytest.raises(PolicyViolationError, match="group-office"):
            store.append(lax.entries[-1:], expected_version=book.version)
        assert store.version == book.version
    finally:
        store.close()


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=D(2025, 1, 6), max_value=D(2026, 12, 31)))
def test_a_consented_removal_goes_through_exactly_inside_the_window(day: dt.date) -> None:
    """For any day of 2025–2026, a removal with a valid consent is accepted iff the day lies in
    the window computed from the independent ``chinesecalendar`` data."""
    book = Ledger(calendar=CAL, policy=POLICY)
    t = attrs.evolve(project(), start=D(2025, 1, 6), deadline=Deadline.on(D(2026, 12, 31)))
    book = book.record(TaskAssigned(t), actor="group-office", at=at(2025, 1, 6, 8))
    book = book.record(signed(on=D(2025, 1, 6)), actor="fengnan", at=at(2025, 1, 6, 9))
    month = (day.month - 1) // 3 * 3 + 3
    start, end = window_by_hand(D(day.year, month, calendar.monthrange(day.year, month)[1]))
    cancel = TaskCancelled("P1")
    if start <= day <= end:
        book.record(cancel, actor="group-office", at=at(day.year, day.month, day.day))
    else:
        with pytest.raises(PolicyViolationError, match="outside the quarter-end window"):
            book.record(cancel, actor="group-office", at=at(day.year, day.month, day.day))


def test_a_project_without_a_leader_in_charge_cannot_be_changed() -> None:
    t = attrs.evolve(project(), responsibility=Responsibility(COUNTY))
    book = ledger(POLICY, t).record(signed(), actor="fengnan", at=at(2026, 3, 26))
    with pytest.raises(PolicyViolationError, match="has none"):
        book.record(TaskCancelled("P1"), actor="group-office", at=at(2026, 3, 27))
