"""Tangshan's 2023 key-project plan, rebuilt from its inputs and then simulated.

Source: 唐山市重大项目推进工作领导小组工作方案 (in ``重点项目推进工作方案 3篇``). The plan lists 217
city key projects for 2023: 148 under construction (73 new starts, 75 continuing) and 69 in
preliminary work, with 1127.4亿元 of investment planned for the year. The document reports
completed investment of 162.5 / 341 / 383.8 / 240.2亿元 per quarter and new starts of 37 / 24 / 12
in the first three quarters, and derives cumulative shares of 14.4%, 44.7%, 78.7% and 100% of the
annual plan and start rates of 50.7%, 83.6% and 100%.

Part 1 builds one :class:`govops.tasks.Task` per project, with a plan whose quarter-end milestones
carry the investment, and recomputes the document's figures from those tasks (asserting each).
Part 2 runs 2023 on a simulated clock: concentrated starts at the end of Feb, May and Aug,
weekly progress reports (周沟通), supervision on the last working day of each month (月督导), the
quarterly dispatch meeting (季调度), and a monthly score and ranking of the counties.

The split of projects and investment between counties is not in the document: the example spreads
them with a fixed seed, and says so in its output.
"""

from __future__ import annotations

import datetime as dt
import random

import attrs

import govops
from govops.assessment import KEY_WORK_SCORING
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.meetings import presets
from govops.rules import parse_rule
from govops.scenarios import ProgressModel, Scenario, simulate
from govops.tasks import Category, Deadline, Milestone, Plan, Responsibility, Task, Unit, UnitKind

# -- the document's inputs ---------------------------------------------------------------------
PROJECTS = 217
UNDER_CONSTRUCTION = 148
PRELIMINARY = 69
NEW_STARTS = 73
ANNUAL_PLAN = 1127.4  # 亿元, projects under construction
COMPLETED_BY_QUARTER = (162.5, 341.0, 383.8, 240.2)  # 亿元
STARTS_BY_QUARTER = (37, 24, 12)
# -- the document's own figures, to be reproduced ------------------------------------------------
REPORTED_SHARES = (14.4, 44.7, 78.7, 100.0)
REPORTED_START_RATES = (50.7, 83.6, 100.0)

YEAR = 2023
QUARTER_ENDS = tuple(dt.date(YEAR, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31)))
COUNTIES = (
    ("lunan", "路南区"),
    ("lubei", "路北区"),
    ("guye", "古冶区"),
    ("kaiping", "开平区"),
    ("fengnan", "丰南区"),
    ("fengrun", "丰润区"),
    ("caofeidian", "曹妃甸区"),
    ("luanzhou", "滦州市"),
    ("zunhua", "遵化市"),
    ("qianan", "迁安市"),
    ("luannan", "滦南县"),
    ("laoting", "乐亭县"),
    ("qianxi", "迁西县"),
    ("yutian", "玉田县"),
)
SEED = 2023


def concentrated_start_days(cal: govops.WorkCalendar) -> list[dt.date]:
    """The concentrated start days (集中开工): the end of Feb, May, Aug and Nov."""
    rule = parse_rule("2月、5月、8月和11月底")
    return rule.occurrences(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), calendar=cal)


def build_projects(cal: govops.WorkCalendar) -> tuple[list[Unit], list[Task]]:
    """One task per project; the investment of each quarter is shared among the projects under
    way in it, in proportion to each project's size."""
    rng = random.Random(SEED)
    units = [Unit(uid, name, kind=UnitKind.GOVERNMENT) for uid, name in COUNTIES]
    start_days = concentrated_start_days(cal)
    # Which quarter each new start belongs to: 37 in Q1, 24 in Q2, 12 in Q3.
    new_quarters = [q for q, n in enumerate(STARTS_BY_QUARTER) for _ in range(n)]
    assert len(new_quarters) == NEW_STARTS
    sizes = [rng.lognormvariate(0.0, 0.8) for _ in range(UNDER_CONSTRUCTION)]
    starts: list[dt.date | None] = [start_days[q] for q in new_quarters]
    starts += [None] * (UNDER_CONSTRUCTION - NEW_STARTS)  # continuing: under way all year
    # Investment per project per quarter: the quarter's total shared by the projects under way.
    amounts = [[0.0] * 4 for _ in range(UNDER_CONSTRUCTION)]
    for q, total in enumerate(COMPLETED_BY_QUARTER):
        active = [i for i, s in enumerate(starts) if s is None or s <= QUARTER_ENDS[q]]
        weight = sum(sizes[i] for i in active)
        for i in active:
            amounts[i][q] = total * sizes[i] / weight
    tasks: list[Task] = []
    for i in range(UNDER_CONSTRUCTION):
        county = units[rng.randrange(len(units))]
        annual = sum(amounts[i])
        cumulative = 0.0
        milestones = []
        for q in range(3):
            cumulative += amounts[i][q]
            if cumulative > 0:
                milestones.append(
                    Milestone(
                        f"Q{q + 1}",
                        QUARTER_ENDS[q],
                        cumulative_percent=min(100.0, 100 * cumulative / annual),
                        title=f"{q + 1}季度末累计完成投资{cumulative:.2f}亿元",
                    )
                )
        start = starts[i] or dt.date(YEAR, 1, 1)
        kind = "新开工" if starts[i] is not None else "续建"
        tasks.append(
            Task(
                f"P{i + 1:03d}",
                f"{county.name}{kind}项目{i + 1:03d}",
                category=Category.KEY_PROJECT,
                responsibility=Responsibility(county),
                deadline=Deadline.on(dt.date(YEAR, 12, 31)),
                start=start,
                plan=Plan([m for m in milestones if m.due > start]),
                target_quantity=annual,
                quantity_unit="亿元",
                goal=f"年度计划投资{annual:.2f}亿元",
            )
        )
    for j in range(PRELIMINARY):
        county = units[rng.randrange(len(units))]
        tasks.append(
            Task(
                f"Q{j + 1:03d}",
                f"{county.name}前期项目{j + 1:03d}",
                category=Category.KEY_PROJECT,
                responsibility=Responsibility(county),
                deadline=Deadline.on(dt.date(YEAR, 12, 31)),
                start=dt.date(YEAR, 1, 1),
                goal="完成前期手续，具备开工条件",
            )
        )
    return units, tasks


def planned_investment_by(tasks: list[Task], day: dt.date) -> float:
    """亿元 the plans say is completed by ``day`` (each project's milestone there, or its total)."""
    total = 0.0
    for t in tasks:
        if t.target_quantity is None or t.plan is None:
            continue
        if t.deadline.date is not None and day >= t.deadline.date:
            total += t.target_quantity
            continue
        reached = [m.cumulative_percent for m in t.plan.milestones if m.due <= day]
        total += t.target_quantity * (reached[-1] if reached else 0.0) / 100
    return total


def reproduce_figures(tasks: list[Task]) -> list[str]:
    """The document's figures, recomputed from the tasks and asserted."""
    under_construction = [t for t in tasks if t.target_quantity is not None]
    preliminary = [t for t in tasks if t.target_quantity is None]
    assert len(tasks) == PROJECTS
    assert (len(under_construction), len(preliminary)) == (UNDER_CONSTRUCTION, PRELIMINARY)
    lines = [
        f"{len(tasks)} projects: {len(under_construction)} under construction, "
        f"{len(preliminary)} preliminary",
    ]
    for q, (end, reported) in enumerate(zip(QUARTER_ENDS, REPORTED_SHARES, strict=True)):
        done = planned_investment_by(tasks, end)
        share = round(100 * done / ANNUAL_PLAN, 1)
        assert share == reported, (q, share, reported)
        lines.append(
            f"Q{q + 1}: {done:7.1f}亿元 cumulative = {share:5.1f}% of {ANNUAL_PLAN}亿元 "
            f"(document: {reported}%)"
        )
    new = [t for t in under_construction if t.start is not None and t.start > dt.date(YEAR, 1, 1)]
    assert len(new) == NEW_STARTS
    for q, reported in enumerate(REPORTED_START_RATES):
        started = sum(t.start is not None and t.start <= QUARTER_ENDS[q] for t in new)
        rate = round(100 * started / NEW_STARTS, 1)
        assert rate == reported, (q, rate, reported)
        lines.append(
            f"Q{q + 1}: {started} of {NEW_STARTS} new starts begun = {rate}% (document: {reported}%)"
        )
    return lines


def scenario(seed: int = SEED) -> Scenario:
    """The 2023 year as a scenario: weekly reports, monthly supervision, quarterly dispatch."""
    cal = govops.calendar("CN")
    units, tasks = build_projects(cal)
    # The ready-made ladder is dated 2026; the same ladder, in force from 2023 for this run.
    policy = attrs.evolve(CITY_KEY_WORK_POLICY, effective_from=dt.date(YEAR, 1, 1))
    return Scenario(
        "唐山市2023年市重点项目",
        calendar=cal,
        units=units,
        tasks=tasks,
        meetings=[presets.QUARTERLY_DISPATCH_MEETING],
        progress=ProgressModel(
            seed=seed,
            pace=1.0,
            unit_spread=0.12,
            task_spread=0.08,
            report_noise=3.0,
            catch_up=0.2,
        ),
        escalation=policy,
        scoring=KEY_WORK_SCORING,
        assessment="month",
        reporting="every Friday",
        supervision="every month on the last working day",
        description="周沟通、月督导、季调度 (weekly reports, monthly supervision, quarterly dispatch)",
    )


def main() -> None:
    sc = scenario()
    print("Part 1: the plan, rebuilt from the document's inputs")
    print("\n".join(reproduce_figures(list(sc.tasks))))
    print("(the split between counties is illustrative: the document gives city totals only)")
    print()
    print("Part 2: 2023 on a simulated clock")
    # One month past the year-end deadline, so that late projects show up as overdue.
    result = simulate(sc, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR + 1, 1, 31), task_days=False)
    print("\n".join(result.summary()))
    meetings = result.events.where(lambda r: r["source"] == "meeting")
    print("quarterly dispatch meetings:", ", ".join(str(d) for d in meetings.column("day")))
    for bulletin in (result.bulletins[5], result.bulletins[11], result.bulletins[-1]):
        print(f"{bulletin.period.label_zh} county ranking:")
        for u in (*bulletin.units[:3], *bulletin.units[-2:]):
            print(
                f"  {u.rank:2d}. {u.name:<5} {u.score:6.1f} {u.grade.label_zh}  "
                f"reminders {u.notices_of('reminder')}, overdue {u.overdue}"
            )
    assert len(meetings) == 4
    assert [str(b.period) for b in result.bulletins][:2] == ["2023-01", "2023-02"]


if __name__ == "__main__":
    main()
