"""Assessment and bulletins: points with reasons, caps, vetoes, grades, ranking and the Markdown.

The rules come from 关于加强全市重点工作督查推进的意见 (the key-work supervision opinion: bonus and
deduction points for lead and cooperating units, public review, quarterly bulletins of problems and
countermeasures) and 重点项目推进工作方案 (the key-project plan: indicators against plan), on the
official 2025–2026 calendar.
"""

from __future__ import annotations

import datetime as dt
import re
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
    PublicReview,
    ScoringRules,
    TaskCounts,
    Veto,
    assess,
)
from govops.escalation import NoticeIssued, SupervisionJournal
from govops.exceptions import EscalationError, InvalidInputError, InvalidTypeError
from govops.tasks import (
    CooperatingUnit,
    Deadline,
    IssueRaised,
    IssueResolved,
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
    # roads: +2 early (A); E's overdue and reminder are farm's own (roads only cooperates).
    # farm: +1 on time (D), -3 overdue (E), -0.5 reminder (E).
    # water: +1 cooperating on A, -1 late (B), -3 overdue (B), -3 overdue (C), -0.5, -2 (C).
    assert [(u.unit_id, u.rank, u.score) for u in b.units] == [
        ("roads", 1, 102),
        ("farm", 2, 97.5),
        ("water", 3, 91.5),
    ]
    water = b.unit("water")
    assert (water.led, water.due, water.done, water.on_time, water.overdue) == (2, 2, 1, 0, 1)
    # The same counts per category, for a reader who counts one kind of work apart.
    assert water.by_category == (("key_task", TaskCounts(due=2, done=1, on_time=0, overdue=1)),)
    assert water.notices == (("reminder", 1), ("supervision", 1))
    assert any("supervision for C" in c.reason for c in water.changes)
    # Two overdue items (B was late, C is still open): water is barred from excellence.
    assert [str(v) for v in water.barred] == ["逾期未完成 2 项 ≥ 2，不得评为优秀"]


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
        "2026-09-01 A 提前完成（牵头）+2：2026-09-01完成，较完成时限2026-09-30提前21个工作日",
    ]
    assert lines["farm"] == [
        "2026-08-03 E 催办（牵头）-0.5：下发催办单",
        "2026-08-15 E 逾期未完成（牵头）-3：完成时限2026-08-14，逾期未完成",
        "2026-09-30 D 按期完成（牵头）+1：2026-09-30完成，完成时限2026-09-30",
    ]
    assert lines["water"] == [
        "2026-08-10 C 催办（牵头）-0.5：下发催办单",
        "2026-08-20 C 督办（牵头）-2：下发督办单",
        "2026-09-01 A 提前完成（配合）+1：2026-09-01完成，较完成时限2026-09-30提前21个工作日",
        "2026-09-01 B 逾期未完成（牵头）-3：完成时限2026-08-31，逾期未完成",
        "2026-09-07 B 逾期完成（牵头）-1：2026-09-07完成，超过完成时限2026-08-31",
        "2026-09-16 C 逾期未完成（牵头）-3：完成时限2026-09-15，逾期未完成",
    ]
    assert [c.text("en") for c in b.unit("water").changes][:2] == [
        "2026-08-10 C reminder (lead) -0.5: reminder notice issued",
        "2026-08-20 C supervision notice (lead) -2: supervision notice issued",
    ]
    assert [u.score for u in b.units] == [102, 97.5, 91.5]


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
    assert "| 1 | 镇交通办 | 2 | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 102 | 优秀 |" in md  # F cancelled
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


def test_equal_scores_share_a_rank() -> None:
    ledger = ledger_of(task("A", WATER, D(2026, 12, 31)), task("B", ROADS, D(2026, 12, 31)))
    b = assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 9, 30)))
    assert [(u.unit_id, u.rank, u.tied, u.score) for u in b.units] == [
        ("roads", 1, True, 100),
        ("water", 1, True, 100),
    ]


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
        "2026-08-10 C 催办（牵头）-0.5：下发催办单"
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
    scores = [u.score for u in a.units]
    assert scores == sorted(scores, reverse=True)
    # Competition ranking (1, 2, 2, 4): one more than the units scoring higher.
    for u in a.units:
        assert u.rank == 1 + sum(s > u.score for s in scores)
        assert u.tied == (scores.count(u.score) > 1)
    for u in a.units:
        assert u.score == pytest.approx(100 + u.bonus - u.deduction)
        # No notice names a cooperating unit here, so nothing costs one (its own part only).
        assert not [c for c in u.changes if c.role == "cooperating" and c.points < 0]
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


def test_cooperating_units_answer_for_their_part_only() -> None:
    """关于加强全市重点工作督查推进的意见 一: "全市重点工作的牵头部门是推进落实的责任主体,配合部门在
    配合事项上负重要责任", and 四: "对牵头部门和配合部门视督查推进和公开评议情况,给予加分鼓励或扣分
    处分". The lead unit's own failure (its task overdue, notices addressed to it) costs it alone;
    a notice addressed to a cooperating unit is about its part and costs it too; a completion
    credits both."""
    ledger = ledger_of(task("E", FARM, D(2026, 8, 14), ROADS, WATER))
    journal = SupervisionJournal()
    for day, key, kind, to in (
        (D(2026, 8, 3), "k1", "reminder", ("farm",)),
        (D(2026, 8, 10), "k2", "supervision", ("farm", "roads")),  # roads' part is late too
    ):
        journal = journal.record(
            NoticeIssued("E", key, level=kind, notice_kind=kind, recipients=to),
            actor="office",
            at=at(day),
        )
    ledger = ledger.record(TaskCompleted("E"), actor="farm", at=at(D(2026, 8, 20)))
    b = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )
    assert [str(c) for c in b.unit("farm").changes] == [
        "2026-08-03 E 催办（牵头）-0.5：下发催办单",
        "2026-08-10 E 督办（牵头）-2：下发督办单",
        "2026-08-15 E 逾期未完成（牵头）-3：完成时限2026-08-14，逾期未完成",
        "2026-08-20 E 逾期完成（牵头）-1：2026-08-20完成，超过完成时限2026-08-14",
    ]
    assert [str(c) for c in b.unit("roads").changes] == [
        "2026-08-10 E 督办（配合）-1：下发督办单，发至本单位",
    ]
    assert b.unit("water").changes == ()  # cooperated, was never addressed: nothing to answer for
    assert (b.unit("roads").score, b.unit("water").score) == (99, 100)
    # A completion credits the cooperating units at their weight.
    on_time = ledger_of(task("G", FARM, D(2026, 9, 30), ROADS))
    on_time = on_time.record(TaskCompleted("G"), actor="farm", at=at(D(2026, 9, 29)))
    g = assess(on_time, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 10, 9)))
    assert (g.unit("farm").score, g.unit("roads").score) == (101, 100.5)


def test_tied_scores_rank_as_tied() -> None:
    """A bulletin ranks units by score (关于加强全市重点工作督查推进的意见 二: 季度通报; 重点项目推进工作
    方案 三(二): 测评打分排队); equal scores rank together (并列): 1, 2, 2, 4. On the 2026 calendar a
    completion on Mon 2026-09-28 of work due Fri 2026-10-09 is eleven calendar days but four working
    days early (National Day, Oct 1–7): on time, not early."""
    x = Unit("x", "镇城建办")
    ledger = ledger_of(
        task("R", ROADS, D(2026, 9, 30)),
        task("W", WATER, D(2026, 9, 30)),
        task("F", FARM, D(2026, 10, 9)),
        task("X", x, D(2026, 9, 18)),
    )
    for task_id, day in (
        ("R", D(2026, 9, 1)),  # 21 working days early: +2
        ("X", D(2026, 9, 20)),  # a Sunday, but a make-up workday; two days late: -3 -1
        ("F", D(2026, 9, 28)),  # four working days early: on time, +1
        ("W", D(2026, 9, 30)),  # on the day: +1
    ):
        ledger = ledger.record(TaskCompleted(task_id), actor="unit", at=at(day))
    b = assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 10, 9)))
    assert [(u.unit_id, u.rank, u.tied, u.score) for u in b.units] == [
        ("roads", 1, False, 102),
        ("farm", 2, True, 101),
        ("water", 2, True, 101),
        ("x", 4, False, 96),
    ]
    md = b.to_markdown()
    assert "| 2（并列） | 农业服务中心 |" in md and "| 2（并列） | 镇水务站 |" in md
    assert "| 4 | 镇城建办 |" in md
    assert "| 2 (tied) | 农业服务中心 |" in b.to_markdown(lang="en")


def test_the_bulletin_states_problems_and_countermeasures() -> None:
    """关于加强全市重点工作督查推进的意见 二 (建立情况通报制度): "主要掌握重点工作进展情况、存在问题以及
    采取的对策,并进行季度通报". The quarter's bulletin lists the problems raised on tasks
    (IssueRaised) that were open in the quarter, with the countermeasure recorded when each was
    resolved (IssueResolved), or says it is still open."""
    ledger = ledger_of(task("A", ROADS, D(2026, 12, 31)), task("B", WATER, D(2026, 12, 31)))
    for day, event in (
        (D(2026, 7, 2), IssueRaised("A", "old", description="六月已解决的问题")),
        (D(2026, 7, 3), IssueResolved("A", "old", resolution="已协调")),
        (D(2026, 8, 3), IssueRaised("A", "land", description="征地补偿未谈妥")),
        (D(2026, 8, 31), IssueResolved("A", "land", resolution="联席会议议定补偿标准")),
        (D(2026, 9, 10), IssueRaised("B", "pipe", description="管材供应延迟")),
    ):
        ledger = ledger.record(event, actor="unit", at=at(day))
    q3 = assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 10, 9)))
    assert [(p.issue_id, p.resolution, p.resolved_on) for p in q3.problems] == [
        ("old", "已协调", D(2026, 7, 3)),
        ("land", "联席会议议定补偿标准", D(2026, 8, 31)),
        ("pipe", None, None),
    ]
    md = q3.to_markdown()
    assert "## 存在问题及采取的对策" in md
    assert (
        "| 2 | A work A | 镇交通办 | 征地补偿未谈妥 | 2026-08-03 | 联席会议议定补偿标准 | 2026-08-31 |"
        in md
    )
    assert "| 3 | B work B | 镇水务站 | 管材供应延迟 | 2026-09-10 | 尚未解决 | — |" in md
    assert (
        "| 3 | B work B | 镇水务站 | 管材供应延迟 | 2026-09-10 | unresolved | — |"
        in q3.to_markdown(lang="en")
    )
    # The next quarter carries only what is still open; a bulletin without problems has no section.
    q4 = assess(
        ledger, period=Q3.next(), rules=KEY_WORK_SCORING, calendar=CAL, now=at(D(2026, 12, 31))
    )
    assert [p.issue_id for p in q4.problems] == ["pipe"]
    quiet = assess(
        ledger_of(task("C", FARM, D(2026, 9, 30))),
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
    )
    assert "存在问题" not in quiet.to_markdown()


def _letters(text: str, *data: str) -> set[str]:
    """The words of Latin letters in ``text`` once the recorded data is taken out."""
    for d in data:
        text = text.replace(d, "")
    return set(re.findall(r"[A-Za-z]{2,}", text))


def test_a_bulletin_speaks_one_language() -> None:
    """Every word govops writes into a bulletin is in the language asked for (``lang="zh"`` or
    ``"en"``); what the users recorded (names, titles, problems) is printed as recorded."""
    roads, water = Unit("roads", "Roads office"), Unit("water", "Water station")
    ledger = ledger_of(
        task("A", roads, D(2026, 9, 30), water),
        task("B", water, D(2026, 8, 31)),
        task("C", water, D(2026, 9, 15)),
    )
    journal = SupervisionJournal().record(
        NoticeIssued("C", "k", level="supervision", notice_kind="supervision"),
        actor="office",
        at=at(D(2026, 8, 20)),
    )
    for day, event in (
        (D(2026, 9, 1), TaskCompleted("A")),
        (D(2026, 9, 7), TaskCompleted("B")),
        (D(2026, 9, 20), IssueRaised("C", "pump", description="pump broken")),
    ):
        ledger = ledger.record(event, actor="unit", at=at(day))
    review = PublicReview(
        "water", period=Q3, satisfaction=72.5, held_on=D(2026, 9, 29), source="Notice 12"
    )
    b = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
        reviews=[review],
    )
    en = b.to_markdown(lang="en")
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", en), en
    assert en.startswith("# Key-work supervision bulletin, 2026-Q3\n")
    assert (
        "| 2 | Water station | 2 | 2 | 1 | 0 | 1 | 0 | 1 | 0 | 72.5% | 90 | good (vetoed) |" in en
    )
    assert "| 1 | C work C | Water station | pump broken | 2026-09-20 | unresolved | — |" in en
    assert "public review (the unit) -2: 72.5% satisfied in the public review (Notice 12)" in en
    zh = b.to_markdown(lang="zh")
    recorded = ("key-work-scoring@2", "work", "pump broken", "Notice 12", roads.name, water.name)
    assert _letters(zh, *recorded) == set(), _letters(zh, *recorded)
    with pytest.raises(InvalidInputError, match="lang='fr'; expected 'zh' or 'en'"):
        b.to_markdown(lang="fr")  # type: ignore[arg-type]
