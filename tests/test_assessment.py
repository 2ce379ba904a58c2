"""Assessment and bulletins: points with reasons, caps, vetoes, grades, ranking and the Markdown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.assessment import (
    KEY_WORK_SCORING,
    Bulletin,
    Grade,
    ScoringRules,
    Veto,
    assess,
)
from govops.escalation import NoticeIssued, SupervisionJournal
from govops.exceptions import EscalationError, InvalidInputError, InvalidTypeError
from govops.tasks import (
    CooperatingUnit,
    Deadline,
    Ledger,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    Unit,
)

CST = dt.timezone(dt.timedelta(hours=8))
CAL = govops.calendar("CN")
D = dt.date
Q3 = govops.period_of(D(2026, 9, 1), "quarter")
ROADS, WATER, FARM = (
    Unit("roads", "镇交通办"),
    Unit("water", "镇水务站"),
    Unit("farm", "农业服务中心"),
)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def task(task_id: str, lead: Unit, due: dt.date, *cooperating: Unit) -> Task:
    return Task(
        task_id,
        f"work {task_id}",
        category="key_task",
        responsibility=Responsibility(lead, cooperating=[CooperatingUnit(u) for u in cooperating]),
        deadline=Deadline.on(due),
        start=D(2026, 7, 1),
    )


def ledger_of(*tasks: Task) -> Ledger:
    ledger = Ledger(calendar=CAL)
    for t in tasks:
        ledger = ledger.record(TaskAssigned(t), actor="office", at=at(D(2026, 7, 1), 8))
        ledger = ledger.record(TaskAccepted(t.id), actor="unit", at=at(D(2026, 7, 1), 8))
    return ledger


def quarter() -> tuple[Ledger, SupervisionJournal]:
    ledger = ledger_of(
        task("A", ROADS, D(2026, 9, 30), WATER),  # done early
        task("B", WATER, D(2026, 8, 31)),  # done late
        task("C", WATER, D(2026, 9, 15)),  # overdue
        task("D", FARM, D(2026, 9, 30)),  # done on the day
        task("E", FARM, D(2026, 8, 14), ROADS),  # overdue, cooperating roads
        task("F", ROADS, D(2026, 9, 30)),  # cancelled
    )
    ledger = ledger.record(TaskCompleted("A"), actor="roads", at=at(D(2026, 9, 1)))
    ledger = ledger.record(TaskCompleted("B"), actor="water", at=at(D(2026, 9, 7)))
    ledger = ledger.record(TaskCancelled("F"), actor="office", at=at(D(2026, 9, 8)))
    ledger = ledger.record(TaskCompleted("D"), actor="farm", at=at(D(2026, 9, 30), 16))
    journal = SupervisionJournal()
    for day, key, kind in (
        (D(2026, 8, 3), "p@1:E:c0:reminder:0", "reminder"),
        (D(2026, 8, 10), "p@1:C:c0:reminder:0", "reminder"),
        (D(2026, 8, 20), "p@1:C:c0:supervision:0", "supervision"),
    ):
        journal = journal.record(
            NoticeIssued(key.split(":")[1], key, level=kind, notice_kind=kind),
            actor="office",
            at=at(day),
            reason=f"{kind} for {key.split(':')[1]}",
        )
    return ledger, journal


def test_a_quarter_is_scored_with_a_reason_for_every_point() -> None:
    ledger, journal = quarter()
    b = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )
    # roads: +2 early (A), cooperating on E: -1.5 overdue, -0.25 reminder.
    # farm: +1 on time (D), -3 overdue (E), -0.5 reminder (E).
    # water: +1 cooperating on A, -1 late (B), -3 overdue (B), -3 overdue (C), -0.5, -2 (C).
    assert [(u.unit_id, u.rank, u.score) for u in b.units] == [
        ("roads", 1, 100.25),
        ("farm", 2, 97.5),
        ("water", 3, 91.5),
    ]
    water = b.unit("water")
    assert (water.led, water.due, water.done, water.on_time, water.overdue) == (2, 2, 1, 0, 1)
    assert water.notices == (("reminder", 1), ("supervision", 1))
    assert any("supervision for C" in c.reason for c in water.changes)
    # Two overdue items (B was late, C is still open): water is barred from excellence.
    assert water.barred and "不得评为优秀" in water.barred[0]


def test_exact_changes() -> None:
    ledger, journal = quarter()
    b = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )
    lines = {u.unit_id: [str(c) for c in u.changes] for u in b.units}
    assert lines["roads"] == [
        "2026-08-03 E 催办（配合）-0.25：reminder for E",
        "2026-08-15 E 逾期未完成（配合）-1.5：due 2026-08-14, not done by then",
        "2026-09-01 A 提前完成（牵头）+2：completed 2026-09-01, 21 working day(s) before 2026-09-30",
    ]
    assert lines["farm"] == [
        "2026-08-03 E 催办（牵头）-0.5：reminder for E",
        "2026-08-15 E 逾期未完成（牵头）-3：due 2026-08-14, not done by then",
        "2026-09-30 D 按期完成（牵头）+1：completed 2026-09-30, due 2026-09-30",
    ]
    assert lines["water"] == [
        "2026-08-10 C 催办（牵头）-0.5：reminder for C",
        "2026-08-20 C 督办（牵头）-2：supervision for C",
        "2026-09-01 A 提前完成（配合）+1：completed 2026-09-01, 21 working day(s) before 2026-09-30",
        "2026-09-01 B 逾期未完成（牵头）-3：due 2026-08-31, not done by then",
        "2026-09-07 B 逾期完成（牵头）-1：completed 2026-09-07, after the due date 2026-08-31",
        "2026-09-16 C 逾期未完成（牵头）-3：due 2026-09-15, not done by then",
    ]
    assert [u.score for u in b.units] == [100.25, 97.5, 91.5]


def test_the_markdown_bulletin() -> None:
    ledger, journal = quarter()
    b = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )
    md = b.to_markdown()
    assert md.startswith("# 2026年第3季度重点工作督查通报\n")
    assert "| 1 | 镇交通办 | 2 | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 100.25 | 优秀 |" in md  # F cancelled
    assert "| 3 | 镇水务站 | 2 | 2 | 1 | 0 | 1 | 1 | 1 | 0 | 91.5 | 良好（否决） |" in md
    assert "- 否决：逾期未完成 2 项 ≥ 2，不得评为优秀" in md


def test_caps_base_weights_and_grades() -> None:
    rules = ScoringRules(
        "strict",
        version=2,
        points={"overdue": -30, "on_time_completion": 50},
        base=60,
        cooperating_weight=0,
        max_bonus=5,
        max_deduction=20,
        grades=(Grade(60, "pass", "合格"), Grade(0, "fail", "不合格")),
    )
    ledger, journal = quarter()
    b = assess(
        ledger, period=Q3, rules=rules, calendar=CAL, now=at(D(2026, 10, 9)), journal=journal
    )
    water = b.unit("water")
    assert (water.bonus, water.deduction, water.score, water.grade.name) == (0, 20, 40, "fail")
    assert b.unit("farm").score == 45  # +5 (capped from 50) − 20 (capped from 30)
    assert b.rules == "strict@2"


def test_ranking_breaks_ties_deterministically() -> None:
    ledger = ledger_of(task("A", WATER, D(2026, 12, 31)), task("B", ROADS, D(2026, 12, 31)))
    b = assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 9, 30)))
    assert [(u.unit_id, u.rank, u.score) for u in b.units] == [("roads", 1, 100), ("water", 2, 100)]


def test_events_after_now_or_outside_the_period_do_not_count() -> None:
    ledger, journal = quarter()
    early = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 8, 12)),
        journal=journal,
    )
    assert [str(c) for c in early.unit("water").changes] == [
        "2026-08-10 C 催办（牵头）-0.5：reminder for C"
    ]
    q4 = assess(
        ledger,
        period=Q3.next(),
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )
    assert all(not u.changes for u in q4.units)


def test_rules_refuse_what_cannot_work() -> None:
    with pytest.raises(InvalidInputError, match="'bonus'"):
        ScoringRules("r", version=1, points={"bonus": 1})
    with pytest.raises(InvalidTypeError, match=r"points\['overdue'\]"):
        ScoringRules("r", version=1, points={"overdue": "-3"})  # type: ignore[dict-item]
    with pytest.raises(EscalationError, match="'gold'"):
        ScoringRules("r", version=1, points={}, vetoes=[Veto("overdue", at_least=1, bars="gold")])
    with pytest.raises(InvalidInputError, match="at_least=0"):
        Veto("overdue", at_least=0, bars="excellent")
    with pytest.raises(InvalidTypeError, match="Period"):
        assess(
            Ledger(calendar=CAL),
            period=(D(2026, 7, 1), D(2026, 9, 30)),
            rules=KEY_WORK_SCORING,
            calendar=CAL,
            now=at(D(2026, 9, 1)),
        )  # type: ignore[arg-type]
    with pytest.raises(govops.NaiveDatetimeError):
        assess(
            Ledger(calendar=CAL),
            period=Q3,
            rules=KEY_WORK_SCORING,
            calendar=CAL,
            now=dt.datetime(2026, 9, 1),
        )


@settings(max_examples=40, deadline=None)
@given(
    dues=st.lists(st.integers(0, 90), min_size=1, max_size=6),
    done=st.lists(st.integers(0, 95) | st.none(), min_size=6, max_size=6),
)
def test_scores_are_deterministic_and_ranks_a_permutation(
    dues: list[int], done: list[int | None]
) -> None:
    units = [ROADS, WATER, FARM]
    tasks = [
        task(f"T{i}", units[i % 3], D(2026, 7, 2) + dt.timedelta(days=d), units[(i + 1) % 3])
        for i, d in enumerate(dues)
    ]
    ledger = ledger_of(*tasks)
    events = sorted(
        (D(2026, 7, 2) + dt.timedelta(days=d), t.id)
        for t, d in zip(tasks, done, strict=False)
        if d is not None
    )
    for day, task_id in events:
        ledger = ledger.record(TaskCompleted(task_id), actor="unit", at=at(day, 12))
    now = at(D(2026, 10, 9))
    a = assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=now)
    assert assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=now) == a
    assert sorted(u.rank for u in a.units) == list(range(1, len(a.units) + 1))
    scores = [u.score for u in a.units]
    assert scores == sorted(scores, reverse=True)
    for u in a.units:
        assert u.score == pytest.approx(100 + u.bonus - u.deduction)
        assert u.bonus <= 10 and u.deduction <= 40
    assert isinstance(a, Bulletin) and a.to_markdown().count("\n| ") == len(a.units) + 1


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Grade("90", "excellent", "优秀"), "'90' is a str; expected a number"),
        (lambda: Grade(float("nan"), "excellent", "优秀"), "nan is not finite"),
        (lambda: Veto("bribery", at_least=1, bars="excellent"), "'bribery' is not a ScoreEvent"),
        (lambda: attrs.evolve(KEY_WORK_SCORING, base="100"), "'100' is a str"),
        (lambda: attrs.evolve(KEY_WORK_SCORING, grades=None), "None is a NoneType"),
    ],
)
def test_scoring_values_refuse_what_they_cannot_use(build: Any, fragment: str) -> None:
    with pytest.raises((InvalidInputError, InvalidTypeError)) as info:
        build()
    assert fragment in str(info.value)
