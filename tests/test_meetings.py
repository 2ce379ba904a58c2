"""Meetings: model checks, attendance, agenda rules and gates, minutes → ledger tasks, the circular."""

from __future__ import annotations

import contextlib
import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.exceptions import GovopsError, InvalidInputError, InvalidTypeError, MeetingError
from govops.meetings import (
    AgendaRules,
    Attendance,
    AttendanceRules,
    AttendanceSheet,
    AttendanceStatus,
    DecidedItem,
    ExclusionReason,
    FollowUpRules,
    ItemStatus,
    Meeting,
    MeetingBasis,
    MeetingType,
    Participant,
    Topic,
    build_agenda,
    circular,
    follow_up_tasks,
    presets,
    record_minutes,
    schedule,
    schedule_many,
    take_minutes,
)
from govops.rules import parse_rule
from govops.tasks import (
    Category,
    CompletionConfirmed,
    Ledger,
    Person,
    ProgressReported,
    Source,
    SourceKind,
    TaskAccepted,
    TaskCompleted,
    Unit,
)
from govops.tasks import Deadline as TaskDeadline
from govops.tasks import Responsibility as TaskResponsibility
from govops.tasks import Task as LedgerTask
from govops.tasks import TaskAssigned as Assigned

CAL = govops.calendar("CN")
# The official data as published through 2026, whatever the installed holidays release carries:
# the tests of what happens past the data keep their hand-worked dates.
CAL_2026 = govops.calendar("CN", last_year=2026)
D = dt.date
CST = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int, h: int = 17) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=CST)


# -- a small town -------------------------------------------------------------------------------

GOV = Unit("gov", "镇政府", kind="government")
OFFICE = Unit("office", "党政办公室", kind="office")
ECON = Unit("econ", "经济发展办")
BUILD = Unit("build", "城建办")
AGRI = Unit("agri", "农业农村办")

MAYOR = Person("zhang", "张镇长", unit="gov")
WANG = Person("wang", "王副镇长", unit="econ")
LI = Person("li", "李副镇长", unit="build")
CHEN = Person("chen", "陈主任", unit="econ")
ZHAO = Person("zhao", "赵主任", unit="build")
SUN = Person("sun", "孙主任", unit="agri")
ZHOU = Person("zhou", "周副主任", unit="agri")
LIU = Person("liu", "刘主任", unit="office")

P_MAYOR = Participant(MAYOR, GOV, "mayor")
P_WANG = Participant(WANG, ECON, "deputy_mayor")
P_LI = Participant(LI, BUILD, "deputy_mayor")
P_CHEN = Participant(CHEN, ECON, "unit_head")
P_ZHAO = Participant(ZHAO, BUILD, "unit_head")
P_SUN = Participant(SUN, AGRI, "unit_head")

DISPATCH = presets.MONTHLY_DISPATCH_MEETING


FIRST_MARCH_DISPATCH = D(2026, 3, 2)


def dispatch_meeting(day: dt.date = FIRST_MARCH_DISPATCH) -> Meeting:
    (m,) = list(schedule(DISPATCH, day, day, calendar=CAL, convener=GOV).meetings)
    return m


def dispatch_attendance(m: Meeting) -> AttendanceSheet:
    return AttendanceSheet.of(
        m,
        [
            Attendance.present(P_MAYOR),
            Attendance.present(P_WANG),
            Attendance.present(P_LI),
            Attendance.present(P_CHEN),
            Attendance.present(P_ZHAO),
            Attendance.substituted(P_SUN, ZHOU, approved_by="mayor", note="在市里开会"),
        ],
    )


def items() -> list[DecidedItem]:
    return [
        DecidedItem(
            "1",
            "完成物流园土地报批",
            lead_unit=ECON,
            leader_in_charge=WANG,
            due=D(2026, 3, 31),
        ),
        DecidedItem(
            "2",
            "启动老街管网改造",
            lead_unit=BUILD,
            leader_in_charge=LI,
            due="会后十个工作日内",
        ),
    ]


def dispatch_minutes(m: Meeting | None = None) -> object:
    m = m or dispatch_meeting()
    return take_minutes(
        m,
        attendance=dispatch_attendance(m),
        decided=items(),
        now=at(2026, 3, 2),
        secretariat=OFFICE,
    )


# -- the model ----------------------------------------------------------------------------------


class TestMeetingType:
    def test_roles(self) -> None:
        t = presets.TOWN_OFFICE_MEETING
        assert t.members == {"mayor", "deputy_mayor"}
        assert "pc_vice_chair" in t.roles and "pc_vice_chair" not in t.members
        with pytest.raises(MeetingError, match="role='janitor' has no seat"):
            t.check_role("janitor")

    @pytest.mark.parametrize(
        ("changes", "error", "fragment"),
        [
            ({"key": ""}, InvalidInputError, "key=''"),
            ({"observers": {"mayor"}}, InvalidInputError, "both members and observers"),
            ({"cadence": None, "ad_hoc_allowed": False}, InvalidInputError, "could never sit"),
            ({"agenda": "plan"}, InvalidTypeError, "expected a AgendaRules"),
        ],
    )
    def test_invalid_types_are_refused(
        self, changes: dict[str, object], error: type[Exception], fragment: str
    ) -> None:
        with pytest.raises(error, match=fragment):
            attrs.evolve(presets.TOWN_OFFICE_MEETING, **changes)

    @pytest.mark.parametrize(
        ("make", "fragment"),
        [
            (lambda: AttendanceRules(quorum=1.5), "quorum=1.5"),
            (lambda: AttendanceRules(quorum=True), "quorum=True"),
            (
                lambda: AttendanceRules(leave_needs_substitute=True, substitutes_allowed=False),
                "could never be excused",
            ),
            (lambda: AgendaRules(materials_due_working_days=-1), "materials_due_working_days=-1"),
            (lambda: AgendaRules(major_decision_steps={"vibes"}), "decision step 'vibes'"),
        ],
    )
    def test_invalid_rules_are_refused(self, make: object, fragment: str) -> None:
        with pytest.raises(InvalidInputError, match=fragment):
            make()  # type: ignore[operator]

    def test_a_bare_string_is_one_role(self) -> None:
        t = attrs.evolve(presets.SECTION_MEETING, attendees="section_member")
        assert t.attendees == {"section_member"}


class TestSchedule:
    def test_meetings_carry_ids_conveners_and_previous(self) -> None:
        s = schedule(DISPATCH, D(2026, 4, 1), D(2026, 6, 30), calendar=CAL, convener=GOV)
        assert [m.id for m in s.meetings] == [
            "monthly_dispatch_meeting/gov/2026-04-02",
            "monthly_dispatch_meeting/gov/2026-05-06",
            "monthly_dispatch_meeting/gov/2026-06-02",
        ]
        assert [m.previous for m in s.meetings] == [D(2026, 3, 2), D(2026, 4, 2), D(2026, 5, 6)]
        assert all(m.basis is MeetingBasis.SCHEDULED and m.blockers() == () for m in s.meetings)

    def test_occurrence_records_where_it_moved_from(self) -> None:
        s = schedule(DISPATCH, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
        moved = {o.date: o.nominal for o in s.moved}
        assert moved == {
            D(2026, 1, 4): (D(2026, 1, 2),),
            D(2026, 5, 6): (D(2026, 5, 2),),
            D(2026, 8, 3): (D(2026, 8, 2),),
            D(2026, 10, 8): (D(2026, 10, 2),),
        }

    def test_schedule_many_shares_dates(self) -> None:
        units = [Unit(f"u{i}", f"单位{i}") for i in range(3)]
        many = schedule_many(
            presets.LEADER_WEEKLY_MEETING, units, D(2026, 1, 1), D(2026, 1, 31), calendar=CAL
        )
        assert [s.convener for s in many] == units
        assert len({s.dates for s in many}) == 1
        # Friday Jan 2 is New Year: that week met on Wednesday Dec 31, before the range.
        assert many[1].meetings[0].id == "leader_weekly_meeting/u1/2026-01-09"

    def test_bad_ranges_and_types(self) -> None:
        with pytest.raises(InvalidInputError, match="before start"):
            schedule(DISPATCH, D(2026, 2, 1), D(2026, 1, 1), calendar=CAL)
        with pytest.raises(InvalidTypeError, match=r"expected a datetime\.date"):
            schedule(DISPATCH, dt.datetime(2026, 1, 1), D(2026, 2, 1), calendar=CAL)  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="expected a MeetingType"):
            schedule("monthly", D(2026, 1, 1), D(2026, 2, 1), calendar=CAL)  # type: ignore[arg-type]
        deadline = attrs.evolve(DISPATCH, cadence="会后两日内")
        with pytest.raises(MeetingError, match="is a deadline, not a schedule"):
            schedule(deadline, D(2026, 1, 1), D(2026, 2, 1), calendar=CAL)

    def test_beyond_the_published_calendar_is_an_error(self) -> None:
        with pytest.raises(govops.CalendarCoverageError):
            schedule(DISPATCH, D(2027, 1, 1), D(2027, 3, 31), calendar=CAL_2026)

    def test_a_roll_back_schedule_up_to_the_end_of_the_data(self) -> None:
        # A roll back can bring a sitting into the range from a nominal day after it, so schedule()
        # looks past the end: only across the rest days there, never into an unpublished year.
        t = attrs.evolve(DISPATCH, cadence="every quarter at quarter-start minus 3 days")
        rule = govops.rules.parse_rule(t.cadence or "")
        year = schedule(t, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL_2026)
        # Mar 29 and Jun 28 are Sundays, rolled back to the Fridays; Sep 28 and Dec 29 are workdays.
        assert year.dates == (D(2026, 3, 27), D(2026, 6, 26), D(2026, 9, 28), D(2026, 12, 29))
        assert list(year.dates) == rule.occurrences(
            D(2026, 1, 1), D(2026, 12, 31), calendar=CAL_2026
        )
        assert [(o.date, o.nominal) for o in year.moved] == [
            (D(2026, 3, 27), (D(2026, 3, 29),)),
            (D(2026, 6, 26), (D(2026, 6, 28),)),
        ]
        # The range ends on the Friday; the Sunday it stands for lies after the range.
        (sitting,) = schedule(t, D(2026, 6, 1), D(2026, 6, 26), calendar=CAL_2026).occurrences
        assert sitting.nominal == (D(2026, 6, 28),)

    def test_the_first_sitting_of_the_data_has_no_previous(self) -> None:
        first = D(CAL_2026.first_year, 1, 1)
        series = schedule(DISPATCH, first, first + dt.timedelta(days=90), calendar=CAL_2026)
        assert series.meetings[0].previous is None
        assert series.meetings[1].previous == series.dates[0]

    @settings(max_examples=50, deadline=None)
    @given(
        t=st.sampled_from([t for t in presets.PRESETS.values() if t.cadence]),
        a=st.dates(D(2026, 1, 1), D(2026, 12, 27)),
        b=st.dates(D(2026, 1, 1), D(2026, 12, 27)),
    )
    def test_a_range_is_the_year_restricted(self, t: MeetingType, a: dt.date, b: dt.date) -> None:
        # To Sunday Dec 27: the weekly meeting's last 2026 week depends on Jan 1, 2027.
        a, b = min(a, b), max(a, b)
        year = schedule(t, D(2026, 1, 1), D(2026, 12, 27), calendar=CAL)
        part = schedule(t, a, b, calendar=CAL)
        assert part.dates == tuple(d for d in year.dates if a <= d <= b)
        assert all(CAL.is_working_day(d) for d in part.dates)
        assert list(part.dates) == sorted(set(part.dates))
        roll = parse_rule(t.cadence or "").effective_roll
        for o in part.occurrences:  # a sitting never leaves the nominal day's month (or week)
            if roll == "modified_following":
                assert all(n.month == o.date.month for n in o.nominal)
            if roll == "preceding_in_week":
                assert all(n.isocalendar()[:2] == o.date.isocalendar()[:2] for n in o.nominal)


class TestAdHoc:
    def test_needs_the_approver(self) -> None:
        with pytest.raises(MeetingError, match="needs the approval of 'mayor'"):
            Meeting.ad_hoc(DISPATCH, D(2026, 7, 8), approved_by="deputy_mayor", reason="flood")
        with pytest.raises(MeetingError, match="must say why"):
            Meeting.ad_hoc(DISPATCH, D(2026, 7, 8), approved_by="mayor", reason=" ")
        with pytest.raises(MeetingError, match="does not allow ad-hoc"):
            Meeting.ad_hoc(
                presets.LEADERSHIP_MEETING, D(2026, 7, 8), approved_by="mayor", reason="x"
            )

    def test_meetings_in_the_governments_name_need_a_plan_place(self) -> None:
        t = presets.CITY_EXECUTIVE_MEETING
        planned = Meeting(t, D(2026, 3, 5), id="exec-1", basis="planned")
        assert planned.blockers() == (
            "not in an approved meeting plan: plan_ref is missing (未列入会议计划)",
        )
        ok = attrs.evolve(planned, plan_ref="市政府2026年一季度会议计划")
        assert ok.blockers() == ()
        unapproved = Meeting(t, D(2026, 3, 6), id="exec-2", basis="ad_hoc", reason="x")
        assert "approval of 'city_mayor'" in unapproved.blockers()[0]
        scheduled = Meeting(t, D(2026, 3, 6), id="exec-3")
        assert "no schedule" in scheduled.blockers()[0]


# -- attendance ---------------------------------------------------------------------------------


class TestAttendance:
    def test_sheet_sorts_people(self) -> None:
        sheet = dispatch_attendance(dispatch_meeting())
        assert [a.participant.person.id for a in sheet.substituted] == ["sun"]
        assert len(sheet.present) == 5 and sheet.absent == () and sheet.on_leave == ()
        assert sheet.report_backs == sheet.substituted
        assert sheet.quorum_met is None

    @pytest.mark.parametrize(
        ("entries", "fragment"),
        [
            ([Attendance.present(Participant(LIU, OFFICE, "janitor"))], "role of 'liu'='janitor'"),
            (
                [Attendance.substituted(P_SUN, ZHOU, approved_by=None)],
                "needs the approval of 'mayor'; got approved_by=None",
            ),
            (
                [Attendance.leave(P_SUN, approved_by="mayor")],
                "without a substitute",
            ),
            ([Attendance.present(P_CHEN), Attendance.absent(P_CHEN)], "appears twice"),
            (
                [
                    Attendance.present(P_CHEN),
                    Attendance.substituted(P_SUN, CHEN, approved_by="mayor"),
                ],
                "already has a seat",
            ),
        ],
    )
    def test_rule_breaking_attendance_is_refused(
        self, entries: list[Attendance], fragment: str
    ) -> None:
        with pytest.raises(MeetingError, match=fragment):
            AttendanceSheet.of(dispatch_meeting(), entries)

    def test_inconsistent_entries(self) -> None:
        with pytest.raises(MeetingError, match="no substitute is named"):
            Attendance(P_SUN, "substitute", approved_by="mayor")
        with pytest.raises(MeetingError, match="nothing to approve"):
            Attendance(P_SUN, "present", approved_by="mayor")
        with pytest.raises(MeetingError, match="use status='substitute'"):
            Attendance(P_SUN, "leave", substitute=ZHOU)

    def test_no_substitutes_where_the_type_forbids_them(self) -> None:
        m = schedule(
            presets.LEADERSHIP_MEETING, D(2026, 3, 2), D(2026, 3, 2), calendar=CAL
        ).meetings[0]
        with pytest.raises(MeetingError, match="does not allow substitutes"):
            AttendanceSheet.of(m, [Attendance.substituted(P_WANG, CHEN, approved_by="mayor")])
        sheet = AttendanceSheet.of(m, [Attendance.leave(P_WANG, approved_by="mayor")])
        assert sheet.on_leave[0].status is AttendanceStatus.LEAVE

    @given(
        st.lists(st.sampled_from(list(AttendanceStatus)), min_size=1, max_size=12),
        st.floats(0.05, 1.0),
    )
    def test_quorum_is_the_share_present_in_person(
        self, statuses: list[AttendanceStatus], quorum: float
    ) -> None:
        t = attrs.evolve(
            presets.JOINT_MEETING,
            attendance=AttendanceRules(approver="group_leader", quorum=quorum),
        )
        m = Meeting.ad_hoc(t, D(2026, 5, 20), approved_by="group_leader", reason="x")
        entries = []
        for i, status in enumerate(statuses):
            p = Participant(Person(f"p{i}", f"成员{i}"), ECON, "group_member")
            sub = Person(f"s{i}", f"替{i}") if status is AttendanceStatus.SUBSTITUTE else None
            approved = "group_leader" if status in ("leave", "substitute") else None
            entries.append(Attendance(p, status, substitute=sub, approved_by=approved))
        sheet = AttendanceSheet.of(m, entries)
        present = statuses.count(AttendanceStatus.PRESENT)
        assert sheet.quorum_met is (present >= quorum * len(statuses))


# -- agenda -------------------------------------------------------------------------------------


def work_ledger() -> Ledger:
    """Two pieces of tracked work: one moved last week, one did not."""
    ledger = Ledger(calendar=CAL)
    work = (("road", "乡村道路硬化", BUILD, LI), ("park", "物流园招商", ECON, WANG))
    for tid, title, unit, leader in work:
        task = LedgerTask(
            tid,
            title,
            category=Category.KEY_TASK,
            responsibility=TaskResponsibility(unit, leader_in_charge=leader),
            deadline=TaskDeadline.on(D(2026, 12, 31)),
        )
        ledger = ledger.record(Assigned(task), actor="office", at=at(2026, 1, 5))
        ledger = ledger.record(TaskAccepted(tid), actor=unit.id, at=at(2026, 1, 5))
    for tid, _, unit, _ in work:
        ledger = ledger.record(ProgressReported(tid, percent=20), actor=unit.id, at=at(2026, 2, 27))
    # After the Monday meeting of 2026-03-02, only the road moved.
    return ledger.record(ProgressReported("road", percent=35), actor="build", at=at(2026, 3, 5))


class TestAgenda:
    def monday(self) -> Meeting:
        return schedule(
            presets.LEADERSHIP_MEETING, D(2026, 3, 9), D(2026, 3, 9), calendar=CAL
        ).meetings[0]

    def test_no_progress_since_the_last_sitting_is_left_off(self) -> None:
        m = self.monday()
        assert m.previous == D(2026, 3, 2)
        topics = [
            Topic("t1", "乡村道路硬化进展", proposed_by="deputy_mayor", task_id="road"),
            Topic("t2", "物流园招商进展", proposed_by="deputy_mayor", task_id="park"),
            Topic("t3", "防汛准备", proposed_by="mayor"),
        ]
        agenda = build_agenda(m, topics, now=at(2026, 3, 8), ledger=work_ledger())
        assert [i.topic.id for i in agenda.items] == ["t1", "t3"]
        assert agenda.items[0].progress == 35
        (ex,) = agenda.excluded
        assert ex.codes == {ExclusionReason.NO_PROGRESS}
        assert "since the sitting of 2026-03-02 (still 20%)" in str(ex)
        assert agenda.is_ready

    def test_office_meeting_needs_a_plan_and_the_mayors_setting(self) -> None:
        m = schedule(
            presets.TOWN_OFFICE_MEETING, D(2026, 3, 16), D(2026, 3, 16), calendar=CAL
        ).meetings[0]
        told = D(2026, 3, 10)
        topics = [
            Topic("a", "物流园用地方案", proposed_by="deputy_mayor", set_by="mayor", plan="方案v2",
                  notified_on=told),
            Topic("b", "老街改造", proposed_by="deputy_mayor", set_by="mayor", notified_on=told),
            Topic("c", "路灯维修", proposed_by="deputy_mayor", plan="方案", notified_on=told),
        ]  # fmt: skip
        agenda = build_agenda(m, topics, now=at(2026, 3, 10), calendar=CAL)
        assert [i.topic.id for i in agenda.items] == ["a"]
        assert {e.topic.id: e.codes for e in agenda.excluded} == {
            "b": {ExclusionReason.NO_PLAN},
            "c": {ExclusionReason.NOT_SET},
        }

    def test_major_decision_needs_every_step_then_a_collective_decision(self) -> None:
        m = schedule(
            presets.TOWN_OFFICE_MEETING, D(2026, 4, 15), D(2026, 4, 15), calendar=CAL
        ).meetings[0]
        half = Topic(
            "dam",
            "水库扩容",
            proposed_by="mayor",
            plan="方案",
            major_decision=True,
            steps_done={"public_participation", "expert_review"},
            notified_on=D(2026, 4, 10),
        )
        full = attrs.evolve(
            half, id="dam2", steps_done=set(presets.TOWN_OFFICE_MEETING.agenda.major_decision_steps)
        )
        agenda = build_agenda(m, [half, full], now=at(2026, 4, 10), calendar=CAL)
        (ex,) = agenda.excluded
        assert ex.codes == {ExclusionReason.DECISION_STEPS_MISSING}
        assert ex.reasons[0].zh == "重大决策缺少风险评估、合法性审查"
        assert agenda.items[0].collective
        attendance = AttendanceSheet.of(
            m, [Attendance.present(P_MAYOR), Attendance.present(P_WANG)]
        )
        item = DecidedItem(
            "1",
            "水库扩容立项",
            lead_unit=AGRI,
            leader_in_charge=WANG,
            due=D(2026, 6, 30),
            topic_id="dam2",
        )
        with pytest.raises(MeetingError, match="must be decided collectively"):
            take_minutes(
                m,
                attendance=attendance,
                decided=[item],
                now=at(2026, 4, 15),
                agenda=agenda,
                secretariat=OFFICE,
            )
        ok = take_minutes(
            m,
            attendance=attendance,
            decided=[attrs.evolve(item, collective=True)],
            now=at(2026, 4, 15),
            agenda=agenda,
            secretariat=OFFICE,
        )
        assert ok.decided[0].collective
        with pytest.raises(MeetingError, match="not on the agenda"):
            take_minutes(
                m,
                attendance=attendance,
                decided=[attrs.evolve(item, topic_id="dam")],
                now=at(2026, 4, 15),
                agenda=agenda,
                secretariat=OFFICE,
            )

    def test_meetings_that_take_no_major_decisions(self) -> None:
        m = self.monday()
        topic = Topic("x", "征地", proposed_by="mayor", major_decision=True)
        agenda = build_agenda(m, [topic], now=at(2026, 3, 8))
        assert agenda.excluded[0].codes == {ExclusionReason.NOT_FOR_MAJOR_DECISIONS}

    def test_party_committee_reports_must_pass_the_government_first(self) -> None:
        t = presets.PARTY_COMMITTEE_MEETING
        m = Meeting.ad_hoc(t, D(2026, 3, 20), approved_by=None, reason="季度工作")
        topics = [
            Topic(
                "p1",
                "关于产业园规划的请示",
                proposed_by="party_secretary",
                for_party_committee=True,
            ),
            Topic(
                "p2",
                "关于防汛工作的报告",
                proposed_by="party_secretary",
                for_party_committee=True,
                passed_by={"town_office_meeting"},
            ),
            Topic(
                "p3",
                "关于灾后重建的紧急请示",
                proposed_by="party_secretary",
                for_party_committee=True,
                urgent_approved_by="mayor",
            ),
        ]
        agenda = build_agenda(m, topics, now=at(2026, 3, 19))
        assert [i.topic.id for i in agenda.items] == ["p2", "p3"]
        assert agenda.excluded[0].codes == {ExclusionReason.NOT_PASSED}
        assert "city_executive_meeting or town_office_meeting" in agenda.excluded[0].reasons[0].en

    def test_expanded_meeting_materials(self) -> None:
        m = schedule(
            presets.TOWN_EXPANDED_OFFICE_MEETING, D(2026, 4, 15), D(2026, 4, 15), calendar=CAL
        ).meetings[0]
        base = Topic(
            "m",
            "一季度工作汇报",
            proposed_by="mayor",
            materials_submitted=D(2026, 4, 13),
            materials_reviewed_by="deputy_mayor",
            notified_on=D(2026, 4, 13),
        )
        late = attrs.evolve(base, id="late", materials_submitted=D(2026, 4, 14))
        unread = attrs.evolve(base, id="unread", materials_reviewed_by=None)
        agenda = build_agenda(m, [base, late, unread], now=at(2026, 4, 14), calendar=CAL)
        assert [i.topic.id for i in agenda.items] == ["m"]  # 2 working days before Apr 15 is Apr 13
        assert {e.topic.id: e.codes for e in agenda.excluded} == {
            "late": {ExclusionReason.MATERIALS_LATE},
            "unread": {ExclusionReason.MATERIALS_NOT_REVIEWED},
        }
        with pytest.raises(MeetingError, match="pass calendar="):
            build_agenda(m, [base], now=at(2026, 4, 14))

    @pytest.mark.parametrize(
        ("topics", "fragment"),
        [
            ([Topic("a", "x", proposed_by="villager")], "proposed_by of topic 'a'='villager'"),
            (
                [Topic("a", "x", proposed_by="mayor"), Topic("a", "y", proposed_by="mayor")],
                "proposed twice",
            ),
            (
                [Topic("a", "x", proposed_by="mayor", task_id="nope")],
                "task_id='nope', which is not in the ledger at 2026-03-08",
            ),
        ],
    )
    def test_bad_topics(self, topics: list[Topic], fragment: str) -> None:
        with pytest.raises(MeetingError, match=fragment):
            build_agenda(self.monday(), topics, now=at(2026, 3, 8), ledger=work_ledger())

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(govops.NaiveDatetimeError):
            build_agenda(self.monday(), [], now=dt.datetime(2026, 3, 8))


# -- minutes → ledger ---------------------------------------------------------------------------


class TestMinutes:
    def test_follow_up_tasks(self) -> None:
        minutes = dispatch_minutes()
        tasks = {t.id: t for t in follow_up_tasks(minutes)}  # type: ignore[arg-type]
        m = "monthly_dispatch_meeting/gov/2026-03-02"
        assert sorted(tasks) == sorted(
            [
                f"{m}#1",
                f"{m}#2",
                f"{m}#plan/econ",
                f"{m}#plan/build",
                f"{m}#report-back/sun",
                f"{m}#minutes",
            ]
        )
        item = tasks[f"{m}#1"]
        assert item.category is Category.MEETING_DECISION
        assert item.source == Source(SourceKind.MEETING, m, date=D(2026, 3, 2))
        assert (
            item.responsibility.lead_unit == ECON and item.responsibility.leader_in_charge == WANG
        )
        back = tasks[f"{m}#report-back/sun"]
        assert back.responsibility.responsible_person == ZHOU
        assert back.responsibility.leader_in_charge == SUN
        assert tasks[f"{m}#plan/build"].responsibility.leader_in_charge == LI

    def test_recording_puts_every_task_in_the_ledger_with_its_due_date(self) -> None:
        before = Ledger(calendar=CAL)
        after = record_minutes(before, dispatch_minutes(), actor="office")  # type: ignore[arg-type]
        assert len(before) == 0
        m = "monthly_dispatch_meeting/gov/2026-03-02"
        due = {s.id: s.due for s in after.states()}
        assert due == {
            f"{m}#1": D(2026, 3, 31),
            f"{m}#2": D(2026, 3, 16),  # 10 working days after Mon Mar 2
            f"{m}#plan/econ": D(2026, 3, 4),  # within 2 days
            f"{m}#plan/build": D(2026, 3, 4),
            f"{m}#report-back/sun": D(2026, 3, 4),
            f"{m}#minutes": D(2026, 3, 4),
        }
        assert all(e.reason.startswith("月调度会议 2026-03-02 议定") for e in after.entries)
        assert {s.task.id for s in after.by_category("meeting_decision")} == {f"{m}#1", f"{m}#2"}

    def test_plan_follow_up_ending_on_a_holiday(self) -> None:
        # A sitting on Wed Sep 30: two days later is Oct 2 (National Day) → due Oct 8.
        m = Meeting.ad_hoc(
            DISPATCH, D(2026, 9, 30), approved_by="mayor", reason="节前调度", convener=GOV
        )
        minutes = take_minutes(
            m,
            attendance=[Attendance.present(P_MAYOR)],
            decided=[attrs.evolve(items()[0], due="会后十个工作日内")],
            now=at(2026, 9, 30),
            secretariat=OFFICE,
        )
        ledger = record_minutes(Ledger(calendar=CAL), minutes, actor="office")
        assert ledger.state(f"{m.id}#plan/econ").due == D(2026, 10, 8)
        # Ten working days: Oct 8, 9, 10 (a make-up Saturday), 12, 13, 14, 15, 16, 19, 20.
        assert ledger.state(f"{m.id}#1").due == D(2026, 10, 20)

    @pytest.mark.parametrize(
        ("make", "fragment"),
        [
            (
                lambda: take_minutes(
                    dispatch_meeting(), attendance=[], decided=[], now=at(2026, 3, 1)
                ),
                "a meeting that has not happened has no minutes",
            ),
            (
                lambda: DecidedItem("9", "无人牵头", lead_unit=None, due=D(2026, 4, 1)),
                "needs a lead unit",
            ),
            (
                lambda: take_minutes(
                    dispatch_meeting(),
                    attendance=[],
                    decided=[DecidedItem("9", "x", lead_unit=ECON)],
                    now=at(2026, 3, 2),
                    secretariat=OFFICE,
                ),
                "has no deadline and Monthly dispatch meeting sets no default",
            ),
            (
                lambda: take_minutes(
                    dispatch_meeting(),
                    attendance=[],
                    decided=[items()[0], items()[0]],
                    now=at(2026, 3, 2),
                    secretariat=OFFICE,
                ),
                "used twice",
            ),
            (
                lambda: take_minutes(
                    Meeting.ad_hoc(DISPATCH, D(2026, 3, 3), approved_by="mayor", reason="x"),
                    attendance=[],
                    decided=items(),
                    now=at(2026, 3, 3),
                ),
                "requires minutes; name the unit",
            ),
            (
                lambda: take_minutes(
                    dispatch_meeting(),
                    attendance=dispatch_attendance(dispatch_meeting(D(2026, 4, 2))),
                    decided=[],
                    now=at(2026, 4, 2),
                    secretariat=OFFICE,
                ),
                "the attendance is of",
            ),
        ],
    )
    def test_bad_minutes_are_refused(self, make: object, fragment: str) -> None:
        with pytest.raises(MeetingError, match=fragment):
            make()  # type: ignore[operator]

    def test_plan_must_be_signed_by_a_leader_in_charge(self) -> None:
        unled = DecidedItem("1", "x", lead_unit=AGRI, due=D(2026, 4, 1))
        minutes = take_minutes(
            dispatch_meeting(),
            attendance=[],
            decided=[unled],
            now=at(2026, 3, 2),
            secretariat=OFFICE,
        )
        ledger = Ledger(calendar=CAL)
        with pytest.raises(MeetingError, match="signed by its leader in charge"):
            record_minutes(ledger, minutes, actor="office")
        assert len(ledger) == 0

    def test_recording_twice_records_nothing_the_second_time(self) -> None:
        minutes = dispatch_minutes()
        once = record_minutes(Ledger(calendar=CAL), minutes, actor="office")  # type: ignore[arg-type]
        with pytest.raises(MeetingError, match="were recorded before"):
            record_minutes(once, minutes, actor="office")  # type: ignore[arg-type]
        assert len(once) == 6
        with pytest.raises(MeetingError, match="decided items are recorded after the meeting"):
            record_minutes(Ledger(calendar=CAL), minutes, actor="office", at=at(2026, 3, 1))  # type: ignore[arg-type]

    def test_quorum_blocks_decisions(self) -> None:
        t = attrs.evolve(DISPATCH, attendance=AttendanceRules(approver="mayor", quorum=0.5))
        m = Meeting.ad_hoc(t, D(2026, 3, 3), approved_by="mayor", reason="x", convener=GOV)
        sheet = AttendanceSheet.of(
            m, [Attendance.present(P_MAYOR), Attendance.absent(P_WANG), Attendance.absent(P_LI)]
        )
        with pytest.raises(MeetingError, match="no quorum"):
            take_minutes(m, attendance=sheet, decided=[], now=at(2026, 3, 3))

    def test_default_item_deadline_from_the_type(self) -> None:
        t = attrs.evolve(DISPATCH, follow_up=FollowUpRules(item_due="会后一个月内"))
        m = Meeting.ad_hoc(t, D(2026, 1, 30), approved_by="mayor", reason="x")
        minutes = take_minutes(
            m, attendance=[], decided=[DecidedItem("1", "x", lead_unit=ECON)], now=at(2026, 1, 30)
        )
        ledger = record_minutes(Ledger(calendar=CAL), minutes, actor="office")
        # Jan 30 + 1 month = Feb 28, a make-up Saturday: a working day, so no roll.
        assert ledger.state(f"{m.id}#1").due == D(2026, 2, 28)

    def test_errors_are_govops_errors(self) -> None:
        assert issubclass(MeetingError, GovopsError) and issubclass(MeetingError, ValueError)


# -- the circular -------------------------------------------------------------------------------


def circular_ledger() -> Ledger:
    ledger = record_minutes(Ledger(calendar=CAL), dispatch_minutes(), actor="office")  # type: ignore[arg-type]
    m = "monthly_dispatch_meeting/gov/2026-03-02"
    april = dispatch_meeting(D(2026, 4, 2))
    minutes = take_minutes(
        april,
        attendance=[],
        decided=[
            DecidedItem(
                "a", "春耕物资调度", lead_unit=AGRI, leader_in_charge=WANG, due=D(2026, 4, 20)
            ),
            DecidedItem(
                "b", "招商项目签约", lead_unit=ECON, leader_in_charge=WANG, due=D(2026, 6, 30)
            ),
        ],
        now=at(2026, 4, 2),
        secretariat=OFFICE,
    )
    ledger = record_minutes(ledger, minutes, actor="office")
    for tid, actor in (
        (f"{m}#1", "econ"),
        (f"{m}#2", "build"),
        (f"{april.id}#a", "agri"),
        (f"{april.id}#b", "econ"),
    ):
        ledger = ledger.record(TaskAccepted(tid), actor=actor, at=at(2026, 4, 3))
    ledger = ledger.record(TaskCompleted(f"{m}#1"), actor="econ", at=at(2026, 4, 3))
    ledger = ledger.record(CompletionConfirmed(f"{m}#1"), actor="wang", at=at(2026, 4, 3))
    ledger = ledger.record(TaskCompleted(f"{april.id}#a"), actor="agri", at=at(2026, 4, 17))
    return ledger.record(
        ProgressReported(f"{april.id}#b", percent=5), actor="econ", at=at(2026, 4, 28)
    )


class TestCircular:
    def test_april_circular(self) -> None:
        c = circular(circular_ledger(), D(2026, 4, 1), now=at(2026, 4, 30, 18))
        status = {r.task_id.split("/")[-1]: r.status for r in c.rows}
        assert status == {
            "2026-04-02#a": ItemStatus.DONE,
            "2026-04-02#b": ItemStatus.BEHIND,  # 5% against ~30% expected by Apr 30
            "2026-03-02#2": ItemStatus.OVERDUE,  # due Mar 16, still open: carried over
        }
        assert c.count("overdue") == 1
        md = c.to_markdown()
        assert md.startswith("# 2026年4月会议议定事项落实情况通报")
        assert "本期共有会议议定事项3项,其中已完成1项、进度滞后1项、已超期1项" in md
        assert (
            "| 3 | 启动老街管网改造 | 月调度会议 | 2026-03-02 | 城建办 | 2026-03-16 | 0% | 已超期 |"
            in md
        )
        assert "请经发展办" not in md and "请经济发展办、城建办加快推进" in md

    def test_only_the_period_when_asked(self) -> None:
        c = circular(
            circular_ledger(),
            D(2026, 4, 1),
            now=at(2026, 4, 30, 18),
            include_open_from_earlier=False,
        )
        assert len(c.rows) == 2
        march = circular(circular_ledger(), D(2026, 3, 1), now=at(2026, 3, 31, 18))
        # On Mar 31 item 1 is due that day at 0%: behind; item 2 (due Mar 16) is overdue.
        assert [r.status for r in march.rows] == [ItemStatus.BEHIND, ItemStatus.OVERDUE]

    def test_bad_input(self) -> None:
        with pytest.raises(InvalidTypeError, match="expected a Period"):
            circular(circular_ledger(), "2026-04", now=at(2026, 4, 30))  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match=r"expected a govops\.tasks\.Ledger"):
            circular([], D(2026, 4, 1), now=at(2026, 4, 30))  # type: ignore[arg-type]


def test_scheduled_sittings_equal_validated_ones() -> None:
    # schedule() builds sittings on a fast path; they must be the values the constructor builds.
    (m,) = schedule(DISPATCH, D(2026, 4, 2), D(2026, 4, 2), calendar=CAL, convener=GOV).meetings
    assert m == Meeting(
        DISPATCH,
        D(2026, 4, 2),
        id="monthly_dispatch_meeting/gov/2026-04-02",
        convener=GOV,
        previous=D(2026, 3, 2),
    )
    assert {a.name for a in attrs.fields(Meeting)} == {
        "meeting_type", "date", "id", "convener", "basis", "approved_by", "plan_ref", "previous", "reason",
        "invited", "invitation_approved_by",
    }  # fmt: skip


# -- the package's face and the demo ------------------------------------------------------------


@pytest.mark.parametrize("module_name", ["govops.meetings", "govops.meetings.presets"])
def test_exports_are_a_sorted_literal_and_documented(module_name: str) -> None:
    import ast
    import importlib
    import inspect
    from pathlib import Path

    module = importlib.import_module(module_name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    (literal,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "__all__" for t in node.targets)
    ]
    assert isinstance(literal, ast.List)
    names = [ast.literal_eval(e) for e in literal.elts]
    assert names == sorted(names) == list(module.__all__)
    for name in names:
        obj = getattr(module, name)
        if callable(obj) or inspect.ismodule(obj):
            assert inspect.getdoc(obj), f"{module_name}.{name} has no docstring"


def test_demo_tells_the_whole_cycle() -> None:
    from govops._demo.meetings import demo_meeting_lines

    lines = demo_meeting_lines(CAL)
    text = "\n".join(lines)
    assert lines == demo_meeting_lines(CAL)  # pure: same calendar, same text
    assert "班子成员碰头会: 02-16 农历除夕, 02-23 春节假期" in text
    assert "materials due by 2026-04-13 (2 working days before); got 2026-04-14" in text
    assert "substitute 孙主任 (科室主任) — 替会 周副主任, approved by 镇长" in text
    assert (
        "2026-04-15#report-back/sun" in text
        and "reported 2026-04-16 (due 2026-04-17), confirmed by 孙主任" in text
    )
    assert "# 2026年4月会议议定事项落实情况通报" in text
    assert not any("\n" in line for line in lines)


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(max_size=3), max_size=3),
    st.sampled_from([ECON, WANG, P_SUN, DISPATCH, "present", "ad_hoc", "mayor"]),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(
        [
            "participant",
            "attendance",
            "meeting",
            "topic",
            "topic gates",
            "item",
            "item units",
            "type",
            "rules",
        ]
    ),
    values=st.lists(ANYTHING, min_size=4, max_size=4),
)
def test_only_govops_errors_escape_the_constructors(kind: str, values: list[object]) -> None:
    a, b, c, d = values
    make = {
        "participant": lambda: Participant(a, b, c),  # type: ignore[arg-type]
        "attendance": lambda: Attendance(P_SUN, a, substitute=b, approved_by=c),  # type: ignore[arg-type]
        "meeting": lambda: Meeting(a, b, id=c, basis=d),  # type: ignore[arg-type]
        "topic": lambda: Topic(a, b, proposed_by=c, set_by=d),  # type: ignore[arg-type]
        "topic gates": lambda: Topic("t", "x", proposed_by="mayor", passed_by=a, steps_done=b),  # type: ignore[arg-type]
        "item units": lambda: DecidedItem("1", "x", lead_unit=ECON, cooperating=a, collective=b),  # type: ignore[arg-type]
        "type": lambda: attrs.evolve(DISPATCH, attendees=a, sources=b, cadence=c),
        "item": lambda: DecidedItem("1", "x", lead_unit=a, due=b),  # type: ignore[arg-type]
        "rules": lambda: AttendanceRules(approver=a, quorum=b),  # type: ignore[arg-type]
    }[kind]
    with contextlib.suppress(GovopsError):
        make()


def test_minutes_refuse_a_sitting_with_blockers() -> None:
    t = presets.CITY_EXECUTIVE_MEETING
    m = Meeting(t, D(2026, 3, 5), id="exec-1", basis="planned")
    with pytest.raises(MeetingError, match="not in an approved meeting plan"):
        take_minutes(m, attendance=[], decided=[], now=at(2026, 3, 5))
    ok = attrs.evolve(m, plan_ref="市政府2026年一季度会议计划")
    minutes = take_minutes(ok, attendance=[], decided=[], now=at(2026, 3, 5), secretariat=OFFICE)
    assert minutes.decided == ()


@settings(max_examples=40, deadline=None)
@given(
    day=st.dates(D(2026, 1, 5), D(2026, 9, 15)),  # + 40 working days stays in 2026
    plan=st.lists(
        st.tuples(st.sampled_from([ECON, BUILD, AGRI]), st.integers(0, 40), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_decided_items_round_trip_into_the_ledger(
    day: dt.date, plan: list[tuple[Unit, int, bool]]
) -> None:
    leaders = {ECON.id: WANG, BUILD.id: LI, AGRI.id: WANG}
    m = Meeting.ad_hoc(DISPATCH, day, approved_by="mayor", reason="调度", convener=GOV)
    decided = [
        DecidedItem(
            str(i),
            f"事项{i}",
            lead_unit=unit,
            leader_in_charge=leaders[unit.id],
            due=f"会后{n}个工作日内" if as_rule and n else day + dt.timedelta(days=n),
        )
        for i, (unit, n, as_rule) in enumerate(plan)
    ]
    minutes = take_minutes(m, attendance=[], decided=decided, now=at(day.year, day.month, day.day))
    ledger = record_minutes(Ledger(calendar=CAL), minutes, actor="office")
    tasks = follow_up_tasks(minutes)
    assert [s.task for s in ledger.states()] == list(tasks)
    units = {unit.id for unit, _, _ in plan}
    assert len(tasks) == len(plan) + len(units) + 1  # items, one plan per lead unit, minutes
    for (unit, n, as_rule), item in zip(plan, decided, strict=True):
        state = ledger.state(f"{m.id}#{item.id}")
        assert state.task.source == Source(SourceKind.MEETING, m.id, date=day)
        assert state.task.responsibility.lead_unit == unit
        expected = CAL.add_working_days(day, n) if as_rule and n else day + dt.timedelta(days=n)
        assert state.due == expected
    for uid in units:
        due = ledger.state(f"{m.id}#plan/{uid}").due
        assert due == CAL.roll(day + dt.timedelta(days=2), "following")
    c = circular(ledger, day, now=at(day.year, day.month, day.day, 23))
    assert {r.task_id for r in c.rows} == {f"{m.id}#{item.id}" for item in decided}


def test_circular_cells_are_escaped() -> None:
    ledger = Ledger(calendar=CAL)
    m = Meeting.ad_hoc(DISPATCH, D(2026, 4, 2), approved_by="mayor", reason="x", convener=GOV)
    item = DecidedItem("1", "A|B\n续", lead_unit=ECON, leader_in_charge=WANG, due=D(2026, 4, 30))
    minutes = take_minutes(m, attendance=[], decided=[item], now=at(2026, 4, 2), secretariat=OFFICE)
    md = circular(
        record_minutes(ledger, minutes, actor="office"), D(2026, 4, 2), now=at(2026, 4, 3)
    ).to_markdown()
    assert "| 1 | A\\|B 续 | 月调度会议 |" in md


def test_agenda_sees_the_ledger_as_it_stood_at_now() -> None:
    m = schedule(presets.LEADERSHIP_MEETING, D(2026, 1, 5), D(2026, 1, 5), calendar=CAL).meetings[0]
    topic = Topic("t1", "乡村道路硬化", proposed_by="mayor", task_id="road")
    with pytest.raises(MeetingError, match="not in the ledger at 2026-01-04"):
        build_agenda(m, [topic], now=at(2026, 1, 4), ledger=work_ledger())  # assigned Jan 5


def test_recording_is_all_or_nothing() -> None:
    m = Meeting.ad_hoc(DISPATCH, D(2026, 12, 1), approved_by="mayor", reason="x", convener=GOV)
    good = DecidedItem(
        "1", "年底前完成", lead_unit=ECON, leader_in_charge=WANG, due=D(2026, 12, 31)
    )
    late = DecidedItem(
        "2", "跨年事项", lead_unit=BUILD, leader_in_charge=LI, due="会后六十个工作日内"
    )
    before = Ledger(calendar=CAL_2026)
    minutes = take_minutes(
        m, attendance=[], decided=[good, late], now=at(2026, 12, 1), secretariat=OFFICE
    )
    with pytest.raises(govops.CalendarCoverageError):  # 60 working days run into 2027
        record_minutes(before, minutes, actor="office")
    assert len(before) == 0 and before.states() == ()
    ok = take_minutes(m, attendance=[], decided=[good], now=at(2026, 12, 1), secretariat=OFFICE)
    assert len(record_minutes(before, ok, actor="office")) == 3
