"""Indicators against plan and public reviews as inputs to a score.

重点项目推进工作方案 (the key-project plan) 三(六): "重点考评县(市)区重点项目开工情况、实际完成投资、
新增规上企业等关键指标", with the quarterly plan of 二(3) ("一季度完成投资…占年计划的14.4%…二季度…累计
完成年计划的44.7%…三季度…累计完成年计划的78.7%"). 关于加强全市重点工作督查推进的意见 三: "每季度末…
组织对重点工作进展情况进行公开评议…评议结果对外发布" and 四: "视督查推进和公开评议情况,给予加分鼓励或
扣分处分". Dates on the official 2026 calendar.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest

import govops
from govops.assessment import (
    KEY_PROJECT_SCORING,
    KEY_WORK_SCORING,
    Indicator,
    PublicReview,
    ScoringRules,
    assess,
)
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.tasks import (
    Deadline,
    Ledger,
    Milestone,
    MilestoneReached,
    Plan,
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
Q2 = govops.period_of(D(2026, 6, 1), "quarter")
Q3 = govops.period_of(D(2026, 9, 1), "quarter")
LUNAN, LUBEI = Unit("lunan", "路南区"), Unit("lubei", "路北区")
# 二(3): the year's investment by quarter, cumulative.
INVESTMENT_PLAN = Plan(
    [
        Milestone("q1", D(2026, 3, 31), cumulative_percent=14.4),
        Milestone("q2", D(2026, 6, 30), cumulative_percent=44.7),
        Milestone("q3", D(2026, 9, 30), cumulative_percent=78.7),
        Milestone("q4", D(2026, 12, 31), cumulative_percent=100),
    ]
)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def project(
    task_id: str,
    unit: Unit,
    *,
    plan: Plan,
    target: float | None = None,
    quantity_unit: str | None = None,
    category: str = "key_project",
) -> Task:
    return Task(
        task_id,
        f"project {task_id}",
        category=category,
        responsibility=Responsibility(unit),
        deadline=Deadline.on(D(2026, 12, 31)),
        start=D(2026, 1, 1),
        plan=plan,
        target_quantity=target,
        quantity_unit=quantity_unit,
    )


def start_plan(day: dt.date) -> Plan:
    return Plan(
        [
            Milestone("start", day, cumulative_percent=10),
            Milestone("done", D(2026, 12, 31), cumulative_percent=100),
        ]
    )


def county_ledger() -> Ledger:
    tasks = [
        project("P1", LUNAN, plan=INVESTMENT_PLAN, target=20, quantity_unit="亿元"),
        project("P2", LUNAN, plan=start_plan(D(2026, 5, 29))),
        project("P3", LUNAN, plan=start_plan(D(2026, 8, 31))),
        project(
            "E1",
            LUNAN,
            plan=Plan(
                [
                    Milestone(f"q{i}", d, cumulative_percent=25 * i)
                    for i, d in enumerate(
                        (D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)), 1
                    )
                ]
            ),
            target=12,
            quantity_unit="家",
            category="annual_plan",
        ),
        project("P4", LUBEI, plan=INVESTMENT_PLAN, target=10, quantity_unit="亿元"),
    ]
    ledger = Ledger(calendar=CAL)
    for t in tasks:
        ledger = ledger.record(TaskAssigned(t), actor="office", at=at(D(2026, 1, 5), 8))
        ledger = ledger.record(TaskAccepted(t.id), actor="unit", at=at(D(2026, 1, 5), 8))
    for day, event in (
        (D(2026, 5, 20), MilestoneReached("P2", "start")),
        (D(2026, 6, 15), MilestoneReached("P3", "start")),  # ahead of its plan (Aug 31)
        (D(2026, 6, 29), ProgressReported("P1", quantity=8.0)),
        (D(2026, 6, 29), ProgressReported("P4", quantity=5.0)),
        (D(2026, 6, 30), ProgressReported("E1", quantity=7)),
        (D(2026, 7, 6), ProgressReported("P1", quantity=9.5)),  # after Q2's report window
    ):
        ledger = ledger.record(event, actor="unit", at=at(day, 17))
    return ledger


def test_key_indicators_are_scored_against_plan() -> None:
    """重点项目推进工作方案 三(六): starts, completed investment and new enterprises above
    designated size, each against the plan at the quarter's end (二(3): 44.7 % of the year's
    investment by the end of Q2)."""
    b = assess(
        county_ledger(), period=Q2, rules=KEY_PROJECT_SCORING, calendar=CAL, now=at(D(2026, 7, 3))
    )
    lunan = b.unit("lunan")
    investment = lunan.indicator("investment")
    # 20 亿元 × 44.7 % = 8.94 planned by Jun 30; 8.0 reported by Jul 2 (the Jul 6 report is Q3's).
    assert (investment.planned, investment.actual) == (pytest.approx(8.94), 8.0)
    assert investment.points == pytest.approx(50 * 8.0 / 8.94, abs=1e-4)
    starts = lunan.indicator("starts")
    # P2 was due to start by May 29 and did; P3 started early (due Aug 31): 2 of 1, capped at 1.
    assert (starts.planned, starts.actual, starts.rate, starts.points) == (1, 2, 2.0, 30)
    enterprises = lunan.indicator("enterprises")
    assert (enterprises.planned, enterprises.actual, enterprises.points) == (6, 7, 20)
    assert lunan.score == pytest.approx(50 * 8.0 / 8.94 + 30 + 20, abs=1e-4)
    md = b.to_markdown()
    assert "实际完成投资（亿元）：计划 8.94，完成 8，完成率 89.5%，得 44.7427 分（权重 50）" in md


def test_an_indicator_without_a_plan_is_scaled_out() -> None:
    """The document gives no rule for a county with nothing planned on an indicator: it is scored
    on the others, scaled to their full weight (按权重折算), and the bulletin says so."""
    b = assess(
        county_ledger(), period=Q2, rules=KEY_PROJECT_SCORING, calendar=CAL, now=at(D(2026, 7, 3))
    )
    lubei = b.unit("lubei")
    # 10 亿元 × 44.7 % = 4.47 planned, 5.0 done: over plan, capped at the weight (50 of 50).
    assert [(r.indicator, r.rate is None) for r in lubei.indicators] == [
        ("starts", True),
        ("investment", False),
        ("enterprises", True),
    ]
    assert (lubei.indicator_points, lubei.score) == (100, 100)
    assert [u.unit_id for u in b.units] == ["lubei", "lunan"]
    md = b.to_markdown(lang="en")
    assert "projects started: nothing planned this period, not scored" in md
    assert "indicators scaled to their full weight: 100 points" in md
    assert "investment completed (100 million yuan): planned 4.47, done 5, 111.9% of plan" in md
    # One language: the only Chinese left is what was recorded, the counties' names.
    assert not re.search(
        r"[\u3000-\u9fff\uff00-\uffef]", md.replace("路南区", "").replace("路北区", "")
    )


def test_reports_count_for_the_period_until_its_report_is_due() -> None:
    """乡镇运行保障机制实施意见 §4: "各责任部门要于每季度末后两天将当季工作完成情况提报" — the
    quarter's figures arrive after it ends. ``KEY_PROJECT_SCORING`` reads the reports recorded up
    to that day against the plan at quarter-end: Sep 30 + 2 days is Oct 2, a National Day holiday,
    so the third quarter's reports are due by Thu 2026-10-08 (2026 calendar)."""
    ledger = county_ledger()
    for day, quantity in ((D(2026, 10, 8), 15.0), (D(2026, 10, 9), 16.0)):
        ledger = ledger.record(
            ProgressReported("P1", quantity=quantity), actor="lunan", at=at(day, 17)
        )
    q3 = assess(ledger, period=Q3, rules=KEY_PROJECT_SCORING, calendar=CAL, now=at(D(2026, 10, 12)))
    investment = q3.unit("lunan").indicator("investment")
    assert (investment.planned, investment.actual) == (pytest.approx(20 * 0.787), 15.0)
    # Without a report window the quarter is read from what was recorded in it (Jul 6: 9.5).
    strict = attrs.evolve(KEY_PROJECT_SCORING, reports_within=None)
    q3 = assess(ledger, period=Q3, rules=strict, calendar=CAL, now=at(D(2026, 10, 12)))
    assert q3.unit("lunan").indicator("investment").actual == 9.5
    # Mid-quarter the plan is read at `now`: on Aug 3 between the Q2 and Q3 milestones.
    mid = assess(ledger, period=Q3, rules=KEY_PROJECT_SCORING, calendar=CAL, now=at(D(2026, 8, 3)))
    assert 20 * 0.447 < mid.unit("lunan").indicator("investment").planned < 20 * 0.787
    with pytest.raises(govops.RuleSyntaxError):
        attrs.evolve(KEY_PROJECT_SCORING, reports_within="within two dayz")


def test_a_cap_above_one_rewards_more_than_planned() -> None:
    rules = attrs.evolve(
        KEY_PROJECT_SCORING,
        indicators=[attrs.evolve(i, cap=1.2) for i in KEY_PROJECT_SCORING.indicators],
    )
    b = assess(county_ledger(), period=Q2, rules=rules, calendar=CAL, now=at(D(2026, 7, 3)))
    assert b.unit("lunan").indicator("starts").points == 36  # 30 × min(2.0, 1.2)
    assert b.unit("lunan").indicator("enterprises").points == pytest.approx(20 * 7 / 6, abs=1e-4)


QUARTER_END = D(2026, 9, 29)  # the review at the end of Q3 2026 (a Tuesday, a working day)


def review(
    unit: str, satisfaction: float, *, period: govops.Period = Q3, held: dt.date = QUARTER_END
) -> PublicReview:
    return PublicReview(
        unit,
        period=period,
        satisfaction=satisfaction,
        held_on=held,
        source="督查室〔2026〕12号",
        reviewers="人大代表、政协委员、特邀督查员",
    )


def test_public_review_is_an_input_with_its_source() -> None:
    """关于加强全市重点工作督查推进的意见 三 (组织公开评议): each quarter-end the supervision office
    holds a public review; lead and cooperating units report to deputies, CPPCC members and
    invited supervisors, and the result is published; 四: bonus or deduction "视督查推进和公开评议
    情况". Each unit answers for its own review; the points cite where the result was published."""
    ledger = county_ledger()
    reviews = [
        review("lunan", 93),
        review("lubei", 58),
        review(
            "lunan", 70, period=govops.period_of(D(2026, 12, 1), "quarter"), held=D(2026, 12, 30)
        ),
    ]
    q3 = assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        reviews=reviews,
    )
    lunan, lubei = q3.unit("lunan"), q3.unit("lubei")
    assert (lunan.satisfaction, lubei.satisfaction) == (93, 58)
    assert [str(c) for c in lunan.changes] == [
        "2026-09-29 公开评议（本单位）+2：公开评议满意率93%（督查室〔2026〕12号）"
    ]
    assert [c.points for c in lubei.changes] == [-5]
    assert "| 公开评议 | 得分 | 等次 |" in q3.to_markdown()
    # The year's bulletin holds both of lunan's quarter reviews (+2, then 70 %: −2); before the
    # Q4 review is held, only the first.
    year = govops.period_of(D(2026, 1, 1), "year")
    december = assess(
        ledger,
        period=year,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 12, 29)),
        reviews=reviews,
    )
    assert [c.points for c in december.unit("lunan").changes if c.event == "public_review"] == [2]
    after = assess(
        ledger,
        period=year,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 12, 31)),
        reviews=reviews,
    )
    assert [c.points for c in after.unit("lunan").changes if c.event == "public_review"] == [2, -2]


def test_reviews_and_indicators_refuse_what_cannot_be_scored() -> None:
    ledger = county_ledger()
    now = at(D(2026, 10, 9))
    with pytest.raises(InvalidInputError, match="two public reviews of 'lunan'"):
        assess(
            ledger,
            period=Q3,
            rules=KEY_WORK_SCORING,
            calendar=CAL,
            now=now,
            reviews=[review("lunan", 90), review("lunan", 80)],
        )
    with pytest.raises(
        InvalidInputError, match="unit 'nowhere', which leads or cooperates on no task"
    ):
        assess(
            ledger,
            period=Q3,
            rules=KEY_WORK_SCORING,
            calendar=CAL,
            now=now,
            reviews=[review("nowhere", 90)],
        )
    with pytest.raises(InvalidTypeError, match="expected PublicReview values"):
        assess(ledger, period=Q3, rules=KEY_WORK_SCORING, calendar=CAL, now=now, reviews=["lunan"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="satisfaction=120 is out of range"):
        review("lunan", 120)
    with pytest.raises(InvalidInputError, match="source='' is empty"):
        attrs.evolve(review("lunan", 90), source="")
    with pytest.raises(InvalidInputError, match="give quantity_unit="):
        Indicator("i", name_zh="投资", name_en="investment", weight=50, measure="quantity")
    with pytest.raises(InvalidInputError, match="give milestone="):
        Indicator("i", name_zh="开工", name_en="starts", weight=30, measure="milestone")
    with pytest.raises(InvalidInputError, match="weight=0; expected a number > 0"):
        Indicator(
            "i", name_zh="开工", name_en="starts", weight=0, measure="milestone", milestone="start"
        )
    with pytest.raises(InvalidInputError, match="indicator ids must be unique"):
        ScoringRules("r", version=1, points={}, indicators=KEY_PROJECT_SCORING.indicators[:1] * 2)
    with pytest.raises(InvalidInputError, match="give a band from 0"):
        ScoringRules("r", version=1, points={}, review_points={90: 2})
