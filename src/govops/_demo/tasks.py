"""A town government's 2026 key-work ledger, for ``govops demo`` (pure: returns lines, prints nothing).

The tasks follow the source policies: a key project with quarterly targets and the "five ones"
(乡镇运行保障机制实施意见), a public pledge measured in kilometres (为民实事), a decision of the Monday
leadership meeting whose implementation plan is due two days later, a leader's instruction, and a
yearly research topic; progress is judged against the expected progress with red/yellow/blue lights
(重点项目推进工作方案, the town plan's three-level warnings).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..calendars import Calendar
from ..tasks import (
    Category,
    CompletionConfirmed,
    CooperatingUnit,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    Event,
    IssueRaised,
    IssueResolved,
    Ledger,
    Milestone,
    MilestoneReached,
    Person,
    Plan,
    PlanApproved,
    PlanSubmitted,
    ProgressReported,
    Responsibility,
    Role,
    Source,
    SubItem,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
    UnitKind,
    WarningIssued,
    WarningPolicy,
)

__all__ = ["demo_ledger", "demo_ledger_lines"]

_CST = ZoneInfo("Asia/Shanghai")
DEMO_NOW = dt.datetime(2026, 7, 15, 17, 0, tzinfo=_CST)
"""The moment the demo looks at the ledger: mid-July 2026, after the second-quarter reports."""


def _at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=_CST)


def demo_ledger(calendar: Calendar) -> Ledger:
    """The demo town's 2026 ledger, as recorded up to mid-July."""
    gov = Unit("gov-office", "党政办公室", kind=UnitKind.OFFICE)
    econ = Unit("econ", "经济发展办")
    land = Unit("land", "国土所", kind=UnitKind.STATION)
    roads = Unit("roads", "村镇建设办")
    safety = Unit("safety", "安监办")
    mayor = Person("p-liu", "刘镇长", unit="gov-office", roles={Role.PRINCIPAL})
    wang = Person("p-wang", "王副镇长", unit="gov-office", roles={Role.LEADER_IN_CHARGE})
    zhang = Person("p-zhang", "张副镇长", unit="gov-office", roles={Role.LEADER_IN_CHARGE})
    li = Person("p-li", "李主任", unit="econ", roles={Role.RESPONSIBLE_PERSON})
    zhao = Person("p-zhao", "赵站长", unit="roads", roles={Role.RESPONSIBLE_PERSON})
    team = (Person("p-sun", "孙干事", unit="econ"), Person("p-zhou", "周干事", unit="land"))

    park = Task(
        "2026-01",
        "物流园区项目开工建设",
        category=Category.KEY_PROJECT,
        responsibility=Responsibility(
            econ,
            cooperating=[CooperatingUnit(land, part="用地报批")],
            leader_in_charge=wang,
            responsible_person=li,
            work_team=team,
        ),
        deadline=Deadline.on(dt.date(2026, 12, 31)),
        goal="年内主体开工, 完成投资 2 亿元",
        source=Source("document", "镇政发〔2026〕1号", date=dt.date(2026, 1, 5)),
        start=dt.date(2026, 1, 5),
        target_quantity=20000,
        quantity_unit="万元",
    )
    park_plan = Plan(
        [
            Milestone("Q1", dt.date(2026, 3, 31), cumulative_percent=10, title="立项"),
            Milestone("Q2", dt.date(2026, 6, 30), cumulative_percent=35, title="用地、环评"),
            Milestone("Q3", dt.date(2026, 9, 30), cumulative_percent=70, title="主体开工"),
        ],
        sub_items=[SubItem("land", "完成土地报批", deadline=dt.date(2026, 5, 31), unit="land")],
        summary="按季度倒排工期",
    )
    road = Task(
        "2026-02",
        "农村道路硬化 20 公里 (为民实事)",
        category=Category.PUBLIC_PLEDGE,
        responsibility=Responsibility(
            roads, leader_in_charge=zhang, responsible_person=zhao, work_team=team[:1]
        ),
        deadline=Deadline.on(dt.date(2026, 10, 30)),
        goal="硬化 20 公里",
        start=dt.date(2026, 3, 2),
        target_quantity=20,
        quantity_unit="公里",
        plan=Plan([Milestone("May", dt.date(2026, 5, 31), cumulative_percent=30)]),
    )
    meeting = Task(
        "2026-03",
        "报送春耕生产落实计划 (碰头会议定事项)",
        category=Category.MEETING_DECISION,
        responsibility=Responsibility(econ, leader_in_charge=wang, work_team=team[:1]),
        deadline=Deadline.from_rule("会后两日内", trigger=dt.date(2026, 3, 2)),
        goal="经分管领导审核签字后报召集会议的领导",
        source=Source("meeting", "2026-03-02 班子成员碰头会", date=dt.date(2026, 3, 2)),
        start=dt.date(2026, 3, 2),
    )
    instruction = Task(
        "2026-04",
        "汛前安全隐患排查整治 (领导批示)",
        category=Category.LEADER_INSTRUCTION,
        responsibility=Responsibility(safety, leader_in_charge=zhang, work_team=team[1:]),
        deadline=Deadline.on(dt.date(2026, 6, 30)),
        goal="排查整治全部隐患点",
        source=Source("instruction", "县长批示 2026-04-20", date=dt.date(2026, 4, 20)),
        start=dt.date(2026, 4, 20),
    )
    research = Task(
        "2026-05",
        "年度调研课题: 园区企业用工",
        category=Category.ANNUAL_PLAN,
        responsibility=Responsibility(gov, leader_in_charge=mayor),
        deadline=Deadline.on(dt.date(2026, 11, 30)),
        goal="形成调研报告",
        start=dt.date(2026, 1, 5),
    )

    steps: list[tuple[Event, str, dt.datetime, str]] = [
        (TaskAssigned(park), "党政办", _at(1, 5), "年初梳理重点项目"),
        (TaskAssigned(research), "党政办", _at(1, 5), "年度调研安排"),
        (TaskAccepted("2026-01"), "econ", _at(1, 6), ""),
        (TaskAccepted("2026-05"), "gov-office", _at(1, 6), ""),
        (PlanSubmitted("2026-01", park_plan), "econ", _at(1, 9), "推进方案备案"),
        (PlanApproved("2026-01"), "p-wang", _at(1, 12), ""),
        (TaskAssigned(road), "党政办", _at(3, 2), "为民实事"),
        (TaskAssigned(meeting), "党政办", _at(3, 2, 11), "碰头会交办"),
        (TaskAccepted("2026-02"), "roads", _at(3, 3), ""),
        (TaskAccepted("2026-03"), "econ", _at(3, 3), ""),
        (TaskCompleted("2026-03"), "econ", _at(3, 4, 16), "计划已报送"),
        (CompletionConfirmed("2026-03"), "p-wang", _at(3, 5), "审核签字"),
        (ProgressReported("2026-01", quantity=2400, note="立项批复"), "econ", _at(3, 31), ""),
        (MilestoneReached("2026-01", "Q1"), "econ", _at(3, 31), ""),
        (TaskAssigned(instruction), "党政办", _at(4, 20, 15), "县长批示"),
        (TaskAccepted("2026-04"), "safety", _at(4, 21), ""),
        (ProgressReported("2026-02", quantity=3, note="3 公里"), "roads", _at(4, 30), ""),
        (IssueRaised("2026-01", "forest", description="林地指标不足"), "econ", _at(5, 8), ""),
        (ProgressReported("2026-02", quantity=5, note="雨季停工"), "roads", _at(5, 29), ""),
        (ProgressReported("2026-04", percent=40, note="排查完成"), "safety", _at(5, 29), ""),
        (IssueResolved("2026-01", "forest", resolution="市里协调"), "p-wang", _at(6, 19), ""),
        (ProgressReported("2026-01", quantity=5600, note="环评批复"), "econ", _at(6, 30), ""),
        (ProgressReported("2026-02", quantity=7, note="7 公里"), "roads", _at(6, 30), ""),
        (ProgressReported("2026-04", percent=70, note="整治过半"), "safety", _at(6, 30), ""),
        (
            DeadlineChangeRequested("2026-04", Deadline.on(dt.date(2026, 7, 31))),
            "safety",
            _at(7, 2),
            "汛期施工受阻",
        ),
        (DeadlineChangeApproved("2026-04"), "p-zhang", _at(7, 3), "同意延期一个月"),
        (WarningIssued("2026-02", "yellow"), "督查室", _at(7, 6), "催办单"),
        (
            ProgressReported("2026-05", percent=30, note="走访企业 12 家"),
            "gov-office",
            _at(7, 10),
            "",
        ),
    ]
    ledger = Ledger(calendar=calendar)
    for event, actor, at, reason in steps:
        ledger = ledger.record(event, actor=actor, at=at, reason=reason)
    return ledger


def demo_ledger_lines(calendar: Calendar) -> list[str]:
    """The demo's report on the town ledger at :data:`DEMO_NOW`, as lines of text."""
    ledger = demo_ledger(calendar)
    now = DEMO_NOW
    policy = WarningPolicy(blue_within=5, yellow_lag=10)
    title = "A town government's key-work ledger (台账), 2026"
    lines = [
        title,
        "-" * len(title),
        f"As of {now.date().isoformat()}: {len(ledger.task_ids)} tasks, {ledger.version} events, "
        f"hash chain head {ledger.head_hash[:12]} (verified)",
    ]
    ledger.verify()
    for state in ledger.states():
        t = state.task
        leader = t.responsibility.leader_in_charge
        check = ledger.progress(t.id, now=now)
        light = ledger.warning(t.id, now=now, policy=policy)
        colour = f"[{light.level.value}]" if light else "[ -- ]"
        done = (
            f"{state.percent:.0f}% (expected {check.expected:.0f}%)"
            if state.is_open
            else f"{state.status.value}"
        )
        lines.append(
            f"  {colour:8} {t.id} {t.title} | {t.responsibility.lead_unit.name} / "
            f"{leader.name if leader else '-'} | due {state.due.isoformat()} | {done}"
        )
        if light:
            lines.extend(f"           - {reason}" for reason in light.reasons)
        if state.due != state.original_due:
            lines.append(f"           - deadline moved from {state.original_due.isoformat()}")
    stats = ledger.statistics(now=now)
    rate = f"{stats.on_time_rate:.0%}" if stats.on_time_rate is not None else "n/a"
    lines.append(
        f"  open {stats.open}, overdue {stats.overdue}, completed {stats.completed} "
        f"(on time {rate})"
    )
    gaps = [str(r) for r in ledger.five_ones() if not r.is_complete]
    lines.append("  five ones (五个一): " + ("; ".join(gaps) if gaps else "complete"))
    return lines
