"""The documents' duties as ledger work, on the 2025–2026 official CN calendar.

Expected dates are worked by hand from the State Council's schedules and cross-checked day by
day against the independent ``chinese_calendar`` package: 2025 Spring Festival Tue Jan 28 – Tue
Feb 4 off, Sun Jan 26 and Sat Feb 8 worked; 2025 Dragon Boat Sat May 31 – Mon Jun 2 off; 2025
National Day Wed Oct 1 – Wed Oct 8 off, Sun Sep 28 and Sat Oct 11 worked; 2026 New Year Thu Jan
1 – Sat Jan 3 off, Sun Jan 4 worked; Sat Feb 28 2026 worked; 2026 May Day Fri May 1 – Tue May 5
off, Sat May 9 worked; 2026 Mid-Autumn Fri Sep 25 off, Sun Sep 20 worked; 2026 National Day Thu
Oct 1 – Wed Oct 7 off, Sat Oct 10 worked.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.calendars import period_of
from govops.duties import (
    DOCUMENT_DUTIES,
    E_SUPERVISION_ARCHIVE,
    LEAD_UNIT_PROGRESS_REPORT,
    LEADER_MEETING_REPORT,
    MISSED_MONTHLY_TARGET_REPORT,
    MONTHLY_WRITTEN_REPORT,
    PROVINCIAL_MEETING_REPORT,
    QUARTERLY_PROGRESS_REPORT,
    TRIP_SUMMARY,
    YEAR_START_FILING,
    Citation,
    Duty,
    Occasion,
    Term,
    duty_tasks,
    is_duty_task,
    missed_monthly_targets,
    record_duties,
)
from govops.escalation import CITY_KEY_WORK_POLICY, NoticeKind, supervise
from govops.exceptions import CalendarCoverageError, DutyError, InvalidTypeError
from govops.meetings import (
    Attendance,
    AttendanceSheet,
    Meeting,
    MeetingType,
    Participant,
    circular,
    leader_report_occasions,
)
from govops.scenarios import Duty as ScenarioDuty
from govops.scenarios import Scenario
from govops.serialization import from_json, to_json
from govops.tasks import (
    Category,
    Deadline,
    Ledger,
    Milestone,
    Person,
    Plan,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
)

CAL = govops.calendar("CN")
CST = dt.timezone(dt.timedelta(hours=8))
D = dt.date
ECONOMY = Unit("economy", "经济发展办")
PLANNING = Unit("planning", "规划建设办")


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def due(duty: Duty, day: dt.date) -> dt.date:
    result = duty.due(day, calendar=CAL)
    assert chinese_calendar.is_workday(result), f"{result} is not a working day"
    return result


# -- each duty from its document ---------------------------------------------------------------


def test_quarterly_report_two_days_after_quarter_end() -> None:
    """乡镇运行保障机制实施意见 一、3: "季汇报", 各责任部门要于每季度末后两天将当季工作完成情况提报
    镇党委主要领导. Two calendar days after quarter-end, rolled forward to a working day."""
    d = QUARTERLY_PROGRESS_REPORT
    assert d.period is govops.PeriodKind.QUARTER and d.is_periodic
    assert due(d, D(2025, 2, 14)) == D(2025, 4, 2)  # Wed; Qingming is Apr 4–6
    assert due(d, D(2025, 6, 30)) == D(2025, 7, 2)
    assert due(d, D(2025, 7, 1)) == D(2025, 10, 9)  # Oct 2 is National Day: next working day
    assert due(d, D(2025, 12, 31)) == D(2026, 1, 4)  # Jan 2 is New Year; Sun Jan 4 is worked
    assert due(d, D(2026, 3, 31)) == D(2026, 4, 2)
    assert due(d, D(2026, 9, 1)) == D(2026, 10, 8)
    with pytest.raises(CalendarCoverageError):  # Q4 2026 is due in 2027, not yet published
        d.due(D(2026, 12, 1), calendar=CAL)


def test_month_end_written_report() -> None:
    """盘锦市人民政府工作规则补充规定 六: 每月底要以书面形式向市长报告当月计划完成情况及存在问题,
    提出下月工作计划安排和建议. Read as a deadline: a rest-day month end rolls forward."""
    d = MONTHLY_WRITTEN_REPORT
    assert d.period is govops.PeriodKind.MONTH
    assert due(d, D(2025, 5, 6)) == D(2025, 6, 3)  # Sat May 31 – Mon Jun 2 is Dragon Boat
    assert due(d, D(2025, 9, 1)) == D(2025, 9, 30)
    assert due(d, D(2026, 2, 1)) == D(2026, 2, 28)  # Saturday, but a make-up workday
    assert due(d, D(2026, 5, 1)) == D(2026, 6, 1)  # Sun May 31 → Mon Jun 1


def test_year_start_filing_with_the_supervision_office() -> None:
    """关于加强全市重点工作督查推进的意见 一: 凡督查事项,各地、各部门都应明确目标任务、工作内容、
    完成时限、责任单位和责任人,年初报市政府督查室. 年初 is a term this policy reads as by 31 January."""
    d = YEAR_START_FILING
    assert d.period is govops.PeriodKind.YEAR and d.term is not None
    assert due(d, D(2025, 6, 1)) == D(2025, 2, 5)  # Jan 31 is in the Spring Festival holiday
    assert due(d, D(2026, 1, 1)) == D(2026, 2, 2)  # Sat Jan 31 → Mon Feb 2
    assert "年初" in str(d.explain(D(2026, 1, 1), calendar=CAL, lang="zh"))


def test_lead_units_periodic_report_to_the_leader_in_charge() -> None:
    """关于加强全市重点工作督查推进的意见 一: 各牵头部门……要牵头建立联席会议制度和情况通报制度,
    ……定期向市分管领导和相关部门报送重点工作进展情况. 定期 read as monthly, within 5 working days
    after month-end."""
    d = LEAD_UNIT_PROGRESS_REPORT
    assert d.period is govops.PeriodKind.MONTH
    assert due(d, D(2025, 8, 1)) == D(2025, 9, 5)
    # Dec 31 2025, then Sun Jan 4 (make-up), Jan 5, 6, 7, 8.
    assert due(d, D(2025, 12, 1)) == D(2026, 1, 8)
    # Sep 30 2026, then Oct 8, 9, Sat Oct 10 (make-up), 12, 13.
    assert due(d, D(2026, 9, 1)) == D(2026, 10, 13)


def test_monthly_electronic_supervision_records() -> None:
    """关于加强全市重点工作督查推进的意见 三: 实行电子督办。每月收集全市重点工作进展影像、图片等
    资料,通过网络建立档案,实行台账管理,每月在市政府门户网站上进行公示."""
    d = E_SUPERVISION_ARCHIVE
    assert d.period is govops.PeriodKind.MONTH
    assert due(d, D(2025, 8, 1)) == D(2025, 9, 1)  # Sun Aug 31 → Mon Sep 1
    assert due(d, D(2026, 1, 15)) == D(2026, 2, 2)  # Sat Jan 31 → Mon Feb 2


def test_report_back_after_a_provincial_meeting_is_prompt() -> None:
    """盘锦市人民政府工作规则补充规定 一: 省委、省政府及省厅(局)召开全省性会议……后,我市参会的负责
    同志要及时向市政府常务会议或市长办公会议汇报传达会议精神. 及时 is a named term."""
    d = PROVINCIAL_MEETING_REPORT
    assert not d.is_periodic and d.trigger == "省级会议"
    # Thu Sep 24 2026: Mon 28, Tue 29, Wed 30, then Thu Oct 8, Fri Oct 9.
    assert due(d, D(2026, 9, 24)) == D(2026, 10, 9)
    text = str(d.explain(D(2026, 9, 24), calendar=CAL, lang="en"))
    assert '"及时" (promptly) is a named term' in text
    assert "within 5 working days" in text and "盘锦市人民政府工作规则补充规定 一" in text
    zh = d.explain(D(2026, 9, 24), calendar=CAL, lang="zh")
    assert "“及时”是政策设定期限的用语" in str(zh) and zh.due == D(2026, 10, 9)


def test_summary_report_after_a_trip_is_prompt() -> None:
    """盘锦市人民政府工作规则补充规定 四: 市政府领导班子成员及市政府组成部门主要负责同志率团招商、
    考察、学习后,要及时向市政府提交工作总结报告."""
    d = TRIP_SUMMARY
    assert d.term is not None and d.term.word == "及时"
    # Fri Jan 24 2025: Sun Jan 26 (make-up), Mon Jan 27, then Feb 5, 6, 7.
    assert due(d, D(2025, 1, 24)) == D(2025, 2, 7)
    trip = Occasion(d.id, D(2025, 1, 24), Unit("commerce", "商务局"), key="深圳", about="深圳招商")
    (task,) = duty_tasks([d], now=at(D(2025, 1, 26)), calendar=CAL, occasions=[trip])
    assert task.title == "提交招商、考察、学习工作总结报告(深圳招商)"
    assert task.content.endswith("及时 = 5个工作日内")
    assert task.deadline.resolve(CAL) == D(2025, 2, 7)


def test_leader_in_charge_reports_a_meeting_to_the_principal() -> None:
    """乡镇运行保障机制实施意见 三、10: 要求分管负责人参加的会议,会后也要将会议精神向主要负责人汇报.
    Two days, as the policy uses for the substitute's report-back."""
    d = LEADER_MEETING_REPORT
    assert due(d, D(2026, 9, 18)) == D(2026, 9, 20)  # Sunday, but a make-up workday
    assert due(d, D(2025, 9, 30)) == D(2025, 10, 9)


def test_every_document_duty_cites_its_clause() -> None:
    assert len({d.id for d in DOCUMENT_DUTIES}) == len(DOCUMENT_DUTIES) == 9
    for d in DOCUMENT_DUTIES:
        assert d.source.quote and d.note, d.id  # the words that oblige, and how they are read
        if d.term is not None:  # a named term is the document's own word
            assert d.term.word in d.source.quote and d.term.note, d.id


# -- generation -------------------------------------------------------------------------------


def test_quarterly_tasks_per_unit_and_period_with_calendar_dates() -> None:
    duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY, PLANNING)
    ledger = record_duties(Ledger(calendar=CAL), [duty], now=at(D(2026, 1, 2)))
    # The quarter just ended is still owed (due Sun Jan 4); the new one has begun.
    assert ledger.task_ids == (
        "duty:000-quarterly-report/2025-Q4/economy",
        "duty:000-quarterly-report/2025-Q4/planning",
        "duty:000-quarterly-report/2026-Q1/economy",
        "duty:000-quarterly-report/2026-Q1/planning",
    )
    q4 = ledger.state("duty:000-quarterly-report/2025-Q4/economy")
    assert q4.due == D(2026, 1, 4) and q4.start == D(2025, 12, 31)
    assert q4.task.title == "报送当季工作完成情况(2025年第4季度)"
    assert q4.task.source is not None and "季汇报" in q4.task.source.reference
    assert is_duty_task(q4.task)
    assert ledger.state("duty:000-quarterly-report/2026-Q1/planning").due == D(2026, 4, 2)


def test_generation_is_idempotent() -> None:
    duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY)
    now = at(D(2026, 4, 1))
    once = record_duties(Ledger(calendar=CAL), [duty], now=now)
    assert record_duties(once, [duty], now=now) is once
    later = record_duties(once, [duty], now=at(D(2026, 4, 20)))
    assert later.task_ids == once.task_ids  # Q1 and Q2 both in already
    july = record_duties(later, [duty], now=at(D(2026, 7, 1)))
    assert july.task_ids[len(once.task_ids) :] == ("duty:000-quarterly-report/2026-Q3/economy",)


def test_since_backfills_every_period() -> None:
    duty = MONTHLY_WRITTEN_REPORT.owed_by_units(ECONOMY)
    tasks = duty_tasks([duty], now=at(D(2026, 3, 10)), calendar=CAL, since=D(2025, 12, 5))
    assert [t.id.split("/")[1] for t in tasks] == ["2025-12", "2026-01", "2026-02", "2026-03"]


def test_event_duties_are_owed_once_per_occasion() -> None:
    leader = Person("li", "李副镇长")
    owner = Responsibility(ECONOMY, leader_in_charge=leader)
    occ = Occasion(LEADER_MEETING_REPORT.id, D(2026, 9, 18), owner, key="county-safety-0918")
    later = Occasion(LEADER_MEETING_REPORT.id, D(2026, 10, 9), owner, key="county-1009")
    ledger = record_duties(
        Ledger(calendar=CAL),
        [LEADER_MEETING_REPORT],
        now=at(D(2026, 9, 19)),
        occasions=[occ, later],
    )
    assert ledger.task_ids == ("duty:000-leader-meeting-report/county-safety-0918/economy",)
    state = ledger.state(ledger.task_ids[0])
    assert state.due == D(2026, 9, 20) and state.task.responsibility.leader_in_charge == leader
    again = record_duties(
        ledger, [LEADER_MEETING_REPORT], now=at(D(2026, 9, 19)), occasions=[occ, later]
    )
    assert again is ledger


def _project(ledger: Ledger) -> Ledger:
    task = Task(
        "road",
        "园区道路工程",
        category=Category.KEY_PROJECT,
        responsibility=Responsibility(PLANNING, leader_in_charge=Person("wang", "王副镇长")),
        deadline=Deadline.on(D(2026, 12, 31)),
        plan=Plan((Milestone("m4", D(2026, 4, 30), cumulative_percent=40, title="4月目标"),)),
        start=D(2026, 1, 5),
    )
    return ledger.record_many(
        [
            (TaskAssigned(task), "office", at(D(2026, 1, 5)), ""),
            (TaskAccepted("road"), "planning", at(D(2026, 1, 6)), ""),
            (ProgressReported("road", percent=25), "planning", at(D(2026, 4, 28)), ""),
        ]
    )


def test_a_missed_monthly_target_makes_the_lead_leader_report() -> None:
    """重点项目推进工作方案(宝城镇) 四、(二): 按总目标分年、季、月倒排工作进度……对当月未完成进度目标者,
    牵头领导书面汇报推行情况、存在的具体问题、下步工作计划."""
    ledger = _project(Ledger(calendar=CAL))
    assert missed_monthly_targets(ledger, D(2026, 4, 1), now=at(D(2026, 4, 30), 20)) == ()
    occasions = missed_monthly_targets(ledger, D(2026, 4, 1), now=at(D(2026, 5, 1)))
    assert [(o.key, o.on) for o in occasions] == [("road@2026-04", D(2026, 4, 30))]
    assert occasions[0].owner.leader_in_charge is not None
    assert "实际 25%" in occasions[0].about
    assert missed_monthly_targets(ledger, D(2026, 3, 1), now=at(D(2026, 5, 1))) == ()
    out = record_duties(
        ledger, [MISSED_MONTHLY_TARGET_REPORT], now=at(D(2026, 5, 1)), occasions=occasions
    )
    # Thu Apr 30, then May 6, 7, 8, Sat May 9 (make-up), Mon May 11.
    assert out.state("duty:004-missed-target-report/road@2026-04/planning").due == D(2026, 5, 11)
    met = ledger.record(
        ProgressReported("road", percent=40), actor="planning", at=at(D(2026, 4, 30))
    )
    assert missed_monthly_targets(met, D(2026, 4, 1), now=at(D(2026, 5, 1))) == ()


# -- supervision, bulletin, circular -----------------------------------------------------------


def _quarter(now: dt.datetime) -> Ledger:
    duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY, PLANNING)
    ledger = record_duties(Ledger(calendar=CAL), [duty], now=at(D(2026, 1, 5)))
    ids = [t for t in ledger.task_ids if "2026-Q1" in t]
    return ledger.record_many(
        [
            (TaskAccepted(ids[0]), "economy", at(D(2026, 3, 31)), ""),
            (TaskCompleted(ids[0]), "economy", at(D(2026, 4, 1)), ""),
        ]
    )


def test_supervise_escalates_a_missed_duty_and_no_assignment_notice() -> None:
    """An unmet duty climbs the city ladder like any task: the report is behind on Wed Apr 1
    (reminder), overdue on Fri Apr 3 (due Thu Apr 2), which the ladder answers with an interview
    (盘锦市人民政府工作规则补充规定 十四: 逾期未完成任务的,要约谈主要负责同志). The document that sets
    the duty stands for the assignment notice (已通过文件形式明确的不再下发)."""
    ledger = _quarter(at(D(2026, 1, 5)))
    seen = []
    for day in (D(2026, 3, 2), D(2026, 4, 1), D(2026, 4, 2), D(2026, 4, 3)):
        d = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(day))
        seen += [(day, n.task_id.split("/")[-1], n.kind) for n in d.notices]
        ledger = d.record(ledger, actor="督查室")
    assert seen == [
        (D(2026, 4, 1), "planning", NoticeKind.REMINDER),
        (D(2026, 4, 3), "planning", NoticeKind.INTERVIEW),
    ]


def test_the_bulletin_and_the_circular_count_duties() -> None:
    ledger = _quarter(at(D(2026, 1, 5)))
    now = at(D(2026, 4, 10))
    bulletin = assess(
        ledger,
        period=period_of(D(2026, 4, 1), "quarter"),
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=now,
    )
    assert bulletin.unit("planning").overdue == 1 and bulletin.unit("planning").due == 1
    assert bulletin.unit("economy").on_time == 1
    c = circular(ledger, D(2026, 4, 1), now=now)
    assert [(r.task_id, r.status.value) for r in c.duty_rows] == [
        ("duty:000-quarterly-report/2026-Q1/economy", "done"),
        ("duty:000-quarterly-report/2026-Q1/planning", "overdue"),
    ]
    zh = c.to_markdown()
    assert "本期到期报告事项2项,其中已完成1项、已超期1项。" in zh
    assert "| 1 | " in zh.split("报告事项")[-1]  # the duties' own table follows
    en = c.to_markdown(lang="en")
    assert "2 report(s) owed in this period: 1 done, 1 overdue." in en
    assert "| No. | Report owed | Source | Owing unit | Due | Status |" in en


# -- errors -----------------------------------------------------------------------------------


def test_bad_duties_are_refused_with_clear_errors() -> None:
    src = Citation("某文件", "一")
    with pytest.raises(DutyError, match="one deadline per period"):
        Duty("x", "报告", owed_by="a", owed_to="b", rule="within 2 days", source=src)
    with pytest.raises(DutyError, match="是定期安排"):
        Duty("x", "报告", owed_by="a", owed_to="b", rule="每月底前报送", trigger="会议", source=src)
    with pytest.raises(DutyError, match="is a schedule"):
        Duty(
            "x",
            "report",
            owed_by="a",
            owed_to="b",
            rule="by the end of each month",
            trigger="m",
            source=src,
        )
    with pytest.raises(DutyError, match="定期义务每期须有一个期限"):
        Duty("x", "报告", owed_by="a", owed_to="b", rule="两日内", source=src)
    with pytest.raises(DutyError, match=r"无法识别规则'及时'(.|\n)*terms=\[Term"):
        Duty("x", "报告", owed_by="a", owed_to="b", rule="及时", source=src, trigger="会议")
    ok = Duty(
        "x",
        "报告",
        owed_by="a",
        owed_to="b",
        rule="及时",
        source=src,
        trigger="会议",
        terms=[Term("及时", "3日内")],
    )
    assert ok.due(D(2026, 2, 13), calendar=CAL) == D(2026, 2, 24)  # Feb 16 → after Spring Festival
    with pytest.raises(DutyError, match="names no units"):
        duty_tasks([QUARTERLY_PROGRESS_REPORT], now=at(D(2026, 4, 1)), calendar=CAL)
    with pytest.raises(DutyError, match="not among the duties"):
        duty_tasks(
            [],
            now=at(D(2026, 4, 1)),
            calendar=CAL,
            occasions=[Occasion("nope", D(2026, 3, 1), ECONOMY, key="k")],
        )
    clash = [
        Occasion(TRIP_SUMMARY.id, D(2026, 3, 2), ECONOMY, key="trip"),
        Occasion(TRIP_SUMMARY.id, D(2026, 3, 9), ECONOMY, key="trip"),
    ]
    with pytest.raises(DutyError, match="its own key"):
        duty_tasks([TRIP_SUMMARY], now=at(D(2026, 4, 1)), calendar=CAL, occasions=clash)
    with pytest.raises(InvalidTypeError):
        Occasion("x", dt.datetime(2026, 3, 1, tzinfo=CST), ECONOMY, key="k")  # type: ignore[arg-type]
    with pytest.raises(DutyError, match="twice"):
        QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY, Responsibility(ECONOMY))


def test_a_scenario_duty_converts_from_a_duty() -> None:
    sd = ScenarioDuty.from_duty(QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY), effort=2)
    s = Scenario("季汇报", calendar=CAL, units=[ECONOMY], duties=[sd])
    trigger = D(2025, 9, 30)  # the last working day of Q3 2025
    assert s.read_rule(s.rule_text(sd.deadline)).due(trigger, calendar=CAL) == D(2025, 10, 9)
    filing = ScenarioDuty.from_duty(YEAR_START_FILING.owed_by_units(ECONOMY))
    assert filing.every == "every year on the first working day"
    with pytest.raises(govops.GovopsError, match="periodic duties"):
        ScenarioDuty.from_duty(TRIP_SUMMARY)


def test_a_meeting_that_required_the_leader_in_charge_makes_them_report() -> None:
    """乡镇运行保障机制实施意见 三、10: 要求分管负责人参加的会议,会后也要将会议精神向主要负责人汇报.
    A county meeting on Fri Sep 18 2026 that the deputy mayor attends without the mayor: the
    report is due two days later, Sun Sep 20, a make-up workday."""
    county = MeetingType(
        "county_safety",
        "县安全生产工作会议",
        name_en="County work-safety meeting",
        cadence=None,
        chair="county_head",
        attendees={"deputy_mayor", "mayor"},
    )
    meeting = Meeting(county, D(2026, 9, 18), id="county/safety-0918", basis="ad_hoc", reason="x")
    wang = Person("wang", "王副镇长")
    gov = Unit("gov", "镇政府")
    chair = Attendance.present(
        Participant(Person("zhou", "周县长"), Unit("county", "县政府"), "county_head")
    )
    deputy = Attendance.present(Participant(wang, gov, "deputy_mayor"))
    mayor = Participant(Person("mayor", "张镇长"), gov, "mayor")
    without = AttendanceSheet.of(
        meeting, [chair, deputy, Attendance.leave(mayor, approved_by=None)]
    )
    (occ,) = leader_report_occasions(without)
    assert occ.key == "county|safety-0918|wang" and occ.owner.leader_in_charge == wang
    ledger = record_duties(
        Ledger(calendar=CAL), [LEADER_MEETING_REPORT], now=at(D(2026, 9, 18), 18), occasions=[occ]
    )
    (state,) = ledger.states()
    assert state.due == D(2026, 9, 20) and state.task.title.startswith("将会议精神向主要负责人汇报")
    with_mayor = AttendanceSheet.of(meeting, [chair, deputy, Attendance.present(mayor)])
    assert leader_report_occasions(with_mayor) == ()


PERIODIC = [d for d in DOCUMENT_DUTIES if d.is_periodic]


@given(st.lists(st.dates(D(2025, 1, 1), D(2026, 9, 30)), min_size=1, max_size=4))
@settings(max_examples=40, deadline=None)
def test_generation_over_any_days_is_idempotent_and_due_on_working_days(
    days: list[dt.date],
) -> None:
    """Run the generation on any days, in order: re-running a day adds nothing, a later day
    never loses a task, and every due date is a working day of the official calendar (checked
    against chinese_calendar) on or after the day the task counts from."""
    duties = [d.owed_by_units(ECONOMY, PLANNING) for d in PERIODIC]
    ledger = Ledger(calendar=CAL)
    for day in sorted(days):
        before = set(ledger.task_ids)
        ledger = record_duties(ledger, duties, now=at(day))
        assert record_duties(ledger, duties, now=at(day)) is ledger
        assert before <= set(ledger.task_ids)
    for state in ledger.states():
        assert chinese_calendar.is_workday(state.due), state.id
        assert state.task.source is not None and state.task.source.date is not None
        assert state.due >= state.task.source.date and is_duty_task(state.task)


def test_duties_and_occasions_round_trip_through_json() -> None:
    bound = QUARTERLY_PROGRESS_REPORT.owed_by_units(
        ECONOMY, Responsibility(PLANNING, leader_in_charge=Person("wang", "王副镇长"))
    )
    occasion = Occasion(TRIP_SUMMARY.id, D(2026, 9, 30), ECONOMY, key="trip", about="深圳招商")
    for value in (*DOCUMENT_DUTIES, bound, occasion):
        back = from_json(to_json(value))
        assert back == value and type(back) is type(value)
    assert from_json(to_json(TRIP_SUMMARY)).due(D(2025, 1, 24), calendar=CAL) == D(2025, 2, 7)
    broken = to_json(TRIP_SUMMARY).replace('"rule": "及时"', '"rule": "每月底前"')
    with pytest.raises(govops.GovopsError, match="是定期安排"):
        from_json(broken)


def test_a_schedule_rolled_into_the_next_period_stays_with_its_own() -> None:
    """每月30日前报送: Sun Nov 30 2025 rolls to Mon Dec 1, which is November's date, not
    December's (Dec 30); February has no 30th, so its last day, Sat Feb 28 2026, a make-up
    workday (民法典 §202)."""
    d = Duty(
        "m30", "月报", owed_by="a", owed_to="b", rule="每月30日前报送", source=Citation("d", "c")
    )
    assert [due(d, D(2025, m, 5)) for m in (11, 12)] == [D(2025, 12, 1), D(2025, 12, 30)]
    assert due(d, D(2026, 2, 5)) == D(2026, 2, 28)
    tasks = duty_tasks(
        [d.owed_by_units(ECONOMY)], now=at(D(2025, 12, 31)), calendar=CAL, since=D(2025, 11, 1)
    )
    assert [t.deadline.resolve(CAL) for t in tasks] == [D(2025, 12, 1), D(2025, 12, 30)]


def test_a_week_without_a_working_day_owes_nothing() -> None:
    """ "every week on the last working day": Mon Feb 16 – Sun Feb 22 2026 is all Spring
    Festival holiday, so that week owes no report; the week before is due on Sat Feb 14 and the
    week after on Sat Feb 28, both make-up workdays."""
    d = Duty(
        "wk",
        "周报",
        owed_by="a",
        owed_to="b",
        rule="every week on the last working day",
        source=Citation("d", "c"),
    ).owed_by_units(ECONOMY)
    tasks = duty_tasks([d], now=at(D(2026, 2, 26)), calendar=CAL, since=D(2026, 2, 9))
    assert [(t.id, t.deadline.resolve(CAL)) for t in tasks] == [
        ("duty:wk/2026-W07/economy", D(2026, 2, 14)),
        ("duty:wk/2026-W09/economy", D(2026, 2, 28)),
    ]
    with pytest.raises(DutyError, match="no date in 2026-W08"):
        d.due(D(2026, 2, 18), calendar=CAL)
    with pytest.raises(DutyError, match="不能遇节假日取消"):
        Duty(
            "s",
            "x",
            owed_by="a",
            owed_to="b",
            rule="每月20日报送，遇节假日取消",
            source=Citation("d", "c"),
        )


def test_a_due_date_in_an_unpublished_year_needs_the_schedule_or_a_provisional_calendar() -> None:
    """The 2026-Q4 report is due in January 2027, whose holiday schedule is not published: the
    generation says so rather than guess; a provisional calendar counts it (Sat Jan 2 2027 →
    Mon Jan 4, flagged provisional by the calendar)."""
    duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(ECONOMY)
    with pytest.raises(CalendarCoverageError, match="2027"):
        record_duties(Ledger(calendar=CAL), [duty], now=at(D(2026, 10, 12)))
    guess = govops.calendar("CN", provisional=True)
    ledger = record_duties(Ledger(calendar=guess), [duty], now=at(D(2026, 10, 12)))
    assert [(s.id, s.due) for s in ledger.states()] == [
        ("duty:000-quarterly-report/2026-Q4/economy", D(2027, 1, 4))
    ]
