"""A town government's 2026 operating year, simulated end to end.

Sources: 乡镇运行保障机制实施意见 (monthly dispatch report within two days after month-end,
quarterly report within two days after quarter-end, an implementation plan within two days after
a meeting, ledgers for key work) and 江高镇政府办公会议制度 (the meeting systems). Twelve offices of
the town, eight key works with quarterly targets, the Monday leadership meeting, the monthly
dispatch meeting and the monthly office meeting; the city's supervision ladder runs every working
day and the offices are scored and ranked each quarter.

Then one what-if: the same year with every "two days" read as "two working days".
"""

from __future__ import annotations

import datetime as dt

import govops
from govops.assessment import KEY_WORK_SCORING
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.meetings import presets
from govops.scenarios import Duty, ProgressModel, Scenario, compare, simulate, with_count_unit
from govops.tasks import Category, Deadline, Milestone, Plan, Responsibility, Task, Unit

OFFICES = (
    ("office", "党政办"),
    ("economy", "经济发展办"),
    ("planning", "规划建设办"),
    ("agriculture", "农业农村办"),
    ("social", "社会事务办"),
    ("safety", "应急管理办"),
    ("environment", "生态环境办"),
    ("finance", "财政所"),
    ("justice", "司法所"),
    ("service", "便民服务中心"),
    ("culture", "文化站"),
    ("stats", "统计站"),
)
KEY_WORKS = (
    ("K1", "农村人居环境整治", "agriculture", (25, 55, 85)),
    ("K2", "老旧小区改造", "planning", (10, 40, 75)),
    ("K3", "营商环境优化", "economy", (30, 60, 90)),
    ("K4", "安全生产专项整治", "safety", (25, 50, 75)),
    ("K5", "河湖长制落实", "environment", (20, 50, 80)),
    ("K6", "为民办实事：便民服务下沉", "service", (30, 60, 85)),
    ("K7", "文化惠民工程", "culture", (15, 45, 80)),
    ("K8", "矛盾纠纷排查化解", "justice", (25, 50, 75)),
)
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 20)
QUARTER_ENDS = (dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30))


def scenario() -> Scenario:
    units = [Unit(uid, name) for uid, name in OFFICES]
    by_id = {u.id: u for u in units}
    tasks = [
        Task(
            tid,
            title,
            category=Category.KEY_TASK,
            responsibility=Responsibility(by_id[unit]),
            deadline=Deadline.on(dt.date(2026, 12, 15)),
            start=dt.date(2026, 1, 5),
            plan=Plan(
                [
                    Milestone(f"Q{q + 1}", QUARTER_ENDS[q], cumulative_percent=pct)
                    for q, pct in enumerate(targets)
                ]
            ),
        )
        for tid, title, unit, targets in KEY_WORKS
    ]
    return Scenario(
        "镇政府2026年运行",
        calendar=govops.calendar("CN"),
        units=units,
        tasks=tasks,
        rules={
            "monthly_report": "月底后两天",
            "quarterly_report": "季度末后两天",
            "meeting_follow_up": "会后两日内",
        },
        duties=[
            Duty("MR", "月调度报告", deadline="monthly_report", every="每月最后一个工作日"),
            Duty(
                "QR",
                "季度工作报告",
                deadline="quarterly_report",
                every="每季度最后一个工作日",
                effort=2,
            ),
            Duty(
                "FU",
                "会议议定事项落实方案",
                deadline="meeting_follow_up",
                every="meeting:" + presets.LEADERSHIP_MEETING.key,
                units=("office", "economy", "planning"),
            ),
        ],
        meetings=[
            presets.LEADERSHIP_MEETING,
            presets.MONTHLY_DISPATCH_MEETING,
            presets.TOWN_OFFICE_MEETING,
        ],
        progress=ProgressModel(
            seed=2026, unit_spread=0.35, task_spread=0.25, report_noise=2.0, catch_up=0.3
        ),
        escalation=CITY_KEY_WORK_POLICY,
        scoring=KEY_WORK_SCORING,
        assessment="quarter",
        reporting="every Friday",
    )


def main() -> None:
    base = scenario()
    result = simulate(base, start=START, end=END)
    print("\n".join(result.summary()))
    sittings = result.events.where(lambda e: e["source"] == "meeting").count_by("kind")
    print("meetings held:", ", ".join(f"{k[0]} {n}" for k, n in sittings.items()))
    for bulletin in result.bulletins[:3]:
        top = bulletin.units[0]
        bottom = bulletin.units[-1]
        print(
            f"{bulletin.period.label_zh}: first {top.name} {top.score:g}, "
            f"last {bottom.name} {bottom.score:g} ({bottom.grade.label_zh})"
        )
    key = result.tasks.where(lambda r: r["task_id"].startswith("K")).records()
    print(
        "key works:",
        ", ".join(f"{r['task_id']} {'on time' if r['on_time'] else 'late'}" for r in key),
    )

    # What if every "two days" were two working days?
    reform = base
    for name, text in base.rules:
        reform = reform.with_rule(name, with_count_unit(text, "working_day").to_text("zh"))
    reform = reform.evolve(name="镇政府2026年运行（工作日口径）")
    comparison = compare(result, simulate(reform, start=START, end=END))
    print()
    print("\n".join(comparison.summary()))
    assert comparison.due_dates_changed > 0
    assert (comparison.b.on_time_rate or 0) >= (comparison.a.on_time_rate or 0)
    assert len(result.bulletins) == 4


if __name__ == "__main__":
    main()
