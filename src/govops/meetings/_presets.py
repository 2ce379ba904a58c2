"""The meeting systems of the source policies, as data.

Each preset is a :class:`~govops.meetings.MeetingType` value built from the documents named in its
``sources``. Where a document leaves a number open (which day of the month, how many days for the
minutes), the preset's choice is written in its ``description`` so that a user can see it is a
choice and replace it with ``attrs.evolve``. The 2026 dates of every preset on the CN calendar are
checked by hand in ``tests/test_meetings_presets.py``.

References:
    * 乡镇运行保障机制实施意见 (a town's operating-mechanism opinion): items 3, 5, 8–11.
    * 江高镇人民政府办公会议制度 (a town government's meeting rules): parts 1–4.
    * 盘锦市人民政府工作规则补充规定 (a city government's supplementary work rules, 2015, since
      repealed): items 2, 7, 8, 9, 10.
    * 重点项目推进工作方案 (key-project promotion plans): the quarterly dispatch meeting of the
      leading group ("周沟通、月督导、季调度").
"""

from __future__ import annotations

from types import MappingProxyType

from ..exceptions import InvalidInputError
from ._model import ALL_DECISION_STEPS, AgendaRules, AttendanceRules, FollowUpRules, MeetingType

__all__ = [
    "CITY_EXECUTIVE_MEETING",
    "JOINT_MEETING",
    "LEADERSHIP_MEETING",
    "LEADER_WEEKLY_MEETING",
    "MONTHLY_DISPATCH_MEETING",
    "PARTY_COMMITTEE_MEETING",
    "PRESETS",
    "QUARTERLY_DISPATCH_MEETING",
    "ROLE_NAMES",
    "SECTION_MEETING",
    "TOWN_EXPANDED_OFFICE_MEETING",
    "TOWN_OFFICE_MEETING",
    "VICE_MAYOR_MEETING",
    "preset",
    "role_name",
]

TOWN_OPINION = "乡镇运行保障机制实施意见"
TOWN_MEETING_RULES = "江高镇人民政府办公会议制度"
CITY_WORK_RULES = "盘锦市人民政府工作规则补充规定"
KEY_PROJECT_PLANS = "重点项目推进工作方案"

ROLE_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "committee_member": ("党委委员", "member of the Party committee"),
        "city_mayor": ("市长", "mayor of the city"),
        "county_head": ("县区长", "head of a county or district government"),
        "deputy_mayor": ("副镇长", "deputy mayor"),
        "department_head": ("市政府部门负责人", "head of a city department"),
        "group_leader": ("领导小组组长", "head of the leading group"),
        "group_member": ("领导小组成员", "member of the leading group"),
        "leader_in_charge": ("分管领导", "leader in charge"),
        "mayor": ("镇长", "mayor"),
        "office_director": ("政府办公室主任", "director of the government office"),
        "party_secretary": ("党委书记", "Party secretary"),
        "pc_vice_chair": ("镇人大副主席", "vice-chair of the town people's congress"),
        "secretary_general": ("秘书长", "secretary-general"),
        "section_chief": ("科长", "section chief"),
        "section_director": ("科室主任", "director of a section or public institution"),
        "section_member": ("科室成员", "member of the section"),
        "unit_head": ("责任部门负责人", "head of a responsible unit"),
        "vice_mayor": ("副市长", "vice-mayor"),
    }
)
"""Role key → (Chinese, English) for every role the presets use."""


def role_name(role: str, lang: str = "zh") -> str:
    """The name of ``role`` in ``lang`` ("zh" or "en"); an unknown role is shown as its key.

    >>> role_name("deputy_mayor"), role_name("deputy_mayor", "en")
    ('副镇长', 'deputy mayor')
    """
    if lang not in ("zh", "en"):
        raise InvalidInputError(f"lang={lang!r}; expected 'zh' or 'en'")
    names = ROLE_NAMES.get(role)
    if names is None:
        return role
    return names[0] if lang == "zh" else names[1]


# Follow-up windows. The town opinion fixes two days for the implementation plan (会后两日内); it
# fixes none for minutes or for the substitute's report-back, so the presets use the same two days.
_TWO_DAYS = "会后两日内"

_STANDARD_FOLLOW_UP = FollowUpRules(
    minutes_due=_TWO_DAYS,
    plan_due=_TWO_DAYS,
    plan_signed_by="leader_in_charge",
    report_back_due=_TWO_DAYS,
)


# A unit's principal may not just send someone: leave on approval, a named substitute, and the
# substitute reports back (town opinion, item 10).
def _principals_attend(approver: str) -> AttendanceRules:
    return AttendanceRules(
        approver=approver,
        substitutes_allowed=True,
        leave_needs_substitute=True,
        substitute_reports_back=True,
    )


TOWN_OFFICE_MEETING = MeetingType(
    "town_office_meeting",
    "政府办公会议",
    name_en="Town government office meeting",
    cadence="每月15日",
    chair="mayor",
    attendees={"deputy_mayor"},
    observers={"pc_vice_chair", "office_director", "section_director"},
    topic_setters={"mayor"},
    agenda=AgendaRules(
        plan_required=True,
        major_decision_steps=ALL_DECISION_STEPS,
        notify={"deputy_mayor"},
        notice_working_days=1,
        ladder=("section_meeting", "deputy_mayor"),
    ),
    attendance=AttendanceRules(approver="mayor", substitutes_allowed=False),
    follow_up=FollowUpRules(
        minutes_due=_TWO_DAYS,
        minutes_to=("deputy_mayor", "pc_vice_chair", "office_director"),
        plan_due=_TWO_DAYS,
        plan_signed_by="leader_in_charge",
    ),
    ad_hoc_allowed=True,
    ad_hoc_approver="mayor",
    description=(
        "Monthly, chaired by the mayor who sets the topics; deputy mayors attend, the people's "
        "congress vice-chair and the office director observe, section heads as needed. A deputy "
        "may bring a topic only with a concrete plan. Important matters, including major "
        "decisions after their four procedural steps, are decided here. Topics are told to the "
        "deputy mayors in advance; the rules say only 'in advance', so the preset asks for the "
        "working day before the sitting at the latest. A matter a section reports comes here "
        "level by level: the section's own meeting, then its deputy mayor, then this meeting. "
        "The rules say 'once a month' without a day: the preset sits on the 15th (moved off rest "
        "days)."
    ),
    sources=(TOWN_MEETING_RULES, TOWN_OPINION, CITY_WORK_RULES),
)

TOWN_EXPANDED_OFFICE_MEETING = MeetingType(
    "town_expanded_office_meeting",
    "政府办公扩大会议",
    name_en="Town government expanded office meeting",
    cadence="每季度第十个工作日",
    chair="mayor",
    attendees={"deputy_mayor", "section_director"},
    topic_setters={"mayor"},
    agenda=AgendaRules(
        materials_due_working_days=2,
        materials_reviewer="deputy_mayor",
        notify={"deputy_mayor"},
        notice_working_days=1,
    ),
    # A director who cannot come reports it to the deputy in charge and needs the mayor's consent;
    # the rules ask for no substitute (二(二)4), unlike the town opinion's item 10.
    attendance=AttendanceRules(
        approver="mayor",
        leave_reported_to="deputy_mayor",
        substitutes_allowed=True,
        substitute_reports_back=True,
    ),
    follow_up=_STANDARD_FOLLOW_UP,
    ad_hoc_allowed=True,
    ad_hoc_approver="mayor",
    description=(
        "Quarterly, chaired by the mayor; deputy mayors and the directors of every section and "
        "public institution attend. The mayor sets the topics and tells the deputy mayors in "
        "advance (the preset: by the working day before). Each director reports in person on "
        "written materials the deputy in charge has read first; a director who cannot come "
        "reports it to the deputy and needs the mayor's consent, and need not name a substitute. "
        "The rules neither require nor forbid a colleague sitting in: the preset allows one on "
        "the same report and consent. The rules give no day or materials deadline: the preset "
        "sits on the tenth working day of the quarter, after the quarterly reports, with "
        "materials due two working days before."
    ),
    sources=(TOWN_MEETING_RULES,),
)

SECTION_MEETING = MeetingType(
    "section_meeting",
    "机关科室例会",
    name_en="Section meeting",
    cadence="每两个月一次(自1月起)",
    chair="section_chief",
    attendees={"section_member", "leader_in_charge"},
    topic_setters={"section_chief"},
    attendance=AttendanceRules(approver="section_chief", substitutes_allowed=False),
    follow_up=FollowUpRules(minutes_due=_TWO_DAYS, minutes_to=("政府办公室",)),
    ad_hoc_allowed=True,
    description=(
        "Every two months, chaired by the section chief; the whole section attends and the leader "
        "in charge of its line in principle too. Every sitting is recorded and the record sent to "
        "the government office. The preset starts in January and sits at the start of the month."
    ),
    sources=(TOWN_MEETING_RULES,),
)

LEADERSHIP_MEETING = MeetingType(
    "leadership_meeting",
    "班子成员碰头会",
    name_en="Leadership team Monday meeting",
    cadence="每周一",
    chair="mayor",
    attendees={"deputy_mayor"},
    topic_setters={"mayor", "deputy_mayor"},
    agenda=AgendaRules(progress_required=True),
    attendance=AttendanceRules(approver="mayor", substitutes_allowed=False),
    follow_up=FollowUpRules(
        minutes_due=_TWO_DAYS,
        minutes_to=("党政办公室",),
        plan_due=_TWO_DAYS,
        plan_signed_by="leader_in_charge",
    ),
    ad_hoc_allowed=False,
    description=(
        "Every Monday in principle: last week's work, this week's priorities, problems to solve. "
        "Work that made no progress last week does not go on the agenda. A Monday that is a "
        "holiday moves to the next working day in the same month."
    ),
    sources=(TOWN_OPINION,),
)

LEADER_WEEKLY_MEETING = MeetingType(
    "leader_weekly_meeting",
    "分管领导周例会",
    name_en="Weekly meeting of a leader in charge",
    cadence="每周五，遇节假日本周内提前",
    chair="leader_in_charge",
    attendees={"unit_head"},
    topic_setters={"leader_in_charge"},
    attendance=_principals_attend("leader_in_charge"),
    follow_up=_STANDARD_FOLLOW_UP,
    ad_hoc_allowed=True,
    description=(
        "Each leader in charge meets the units of their portfolio every week to review the work "
        "and solve problems (周例会). The opinion gives no weekday: the preset meets on Friday, "
        "to close the week; a Friday that is a rest day moves earlier in the same week, so every "
        "week with a working day has one sitting. Unit heads must attend or take leave and name "
        "a substitute."
    ),
    sources=(TOWN_OPINION,),
)

MONTHLY_DISPATCH_MEETING = MeetingType(
    "monthly_dispatch_meeting",
    "月调度会议",
    name_en="Monthly dispatch meeting",
    cadence="每月底后两天",
    chair="mayor",
    attendees={"deputy_mayor", "unit_head"},
    topic_setters={"mayor"},
    attendance=_principals_attend("mayor"),
    follow_up=_STANDARD_FOLLOW_UP,
    ad_hoc_allowed=True,
    ad_hoc_approver="mayor",
    description=(
        "The town's principal leader holds it two days after each month-end: every responsible "
        "unit reports what it completed and next month's work is assigned (月调度)."
    ),
    sources=(TOWN_OPINION,),
)

QUARTERLY_DISPATCH_MEETING = MeetingType(
    "quarterly_dispatch_meeting",
    "重点项目季度调度会议",
    name_en="Quarterly key-project dispatch meeting",
    cadence="每季度最后一个工作日",
    chair="group_leader",
    attendees={"group_member", "unit_head"},
    topic_setters={"group_leader"},
    attendance=_principals_attend("group_leader"),
    follow_up=_STANDARD_FOLLOW_UP,
    ad_hoc_allowed=True,
    description=(
        "The key-project leading group meets once a quarter to solve the problems of the key "
        "projects (季调度); the plan adjusts the project list at each quarter-end, so the preset "
        "sits on the quarter's last working day."
    ),
    sources=(KEY_PROJECT_PLANS, TOWN_OPINION),
)

JOINT_MEETING = MeetingType(
    "joint_meeting",
    "项目推进领导小组联席会议",
    name_en="Joint meeting of the project leading group",
    cadence=None,
    chair="group_leader",
    attendees={"group_member", "leader_in_charge"},
    topic_setters={"group_leader"},
    attendance=_principals_attend("group_leader"),
    follow_up=_STANDARD_FOLLOW_UP,
    ad_hoc_allowed=True,
    ad_hoc_approver="group_leader",
    description=(
        "The top tier of project coordination: problems a responsible unit cannot solve go to its "
        "leader in charge, and those the leader cannot solve go to the joint meeting. It sits when "
        "called by the head of the group."
    ),
    sources=(TOWN_OPINION,),
)

CITY_EXECUTIVE_MEETING = MeetingType(
    "city_executive_meeting",
    "市政府常务会议",
    name_en="City government executive meeting",
    cadence=None,
    chair="city_mayor",
    attendees={"vice_mayor", "secretary_general"},
    observers={"department_head"},
    topic_setters={"city_mayor"},
    agenda=AgendaRules(
        major_decision_steps=ALL_DECISION_STEPS,
        ladder=("department_head", "vice_mayor"),
    ),
    attendance=AttendanceRules(approver="city_mayor", substitutes_allowed=False),
    follow_up=FollowUpRules(
        minutes_due=_TWO_DAYS,
        minutes_to=("vice_mayor", "department_head"),
        plan_due=_TWO_DAYS,
        plan_signed_by="leader_in_charge",
    ),
    ad_hoc_allowed=True,
    ad_hoc_approver="city_mayor",
    plan_required=True,
    description=(
        "Major decisions come here only after public participation, expert review, risk "
        "assessment and legality review, and are decided collectively. Meetings in the "
        "government's name need a place in the approved annual or quarterly meeting plan; an "
        "ad-hoc one needs the mayor's approval. A matter of a vice-mayor's portfolio comes here "
        "with the vice-mayor's signed opinion: a department's matter must have been before its "
        "vice-mayor first. No regular day is fixed."
    ),
    sources=(CITY_WORK_RULES,),
)

VICE_MAYOR_MEETING = MeetingType(
    "vice_mayor_meeting",
    "副市长主持召开的会议",
    name_en="Meeting chaired by a vice-mayor",
    cadence=None,
    chair="vice_mayor",
    attendees={"department_head"},
    observers={"county_head"},
    topic_setters={"vice_mayor"},
    attendance=AttendanceRules(approver="vice_mayor", substitutes_allowed=True),
    follow_up=FollowUpRules(minutes_due=_TWO_DAYS, plan_due=_TWO_DAYS),
    ad_hoc_allowed=True,
    restricted_guests={"county_head"},
    guest_approver="city_mayor",
    description=(
        "A meeting a vice-mayor calls on the work of their portfolio. County and district heads "
        "are in general not invited; where the work truly needs them, inviting them needs the "
        "mayor's approval. The rules fix no schedule, minutes or attendance rules for it: the "
        "preset takes the two-day follow-up of the other presets and lets the vice-mayor excuse "
        "a department head who sends a substitute."
    ),
    sources=(CITY_WORK_RULES,),
)

PARTY_COMMITTEE_MEETING = MeetingType(
    "party_committee_meeting",
    "党委会(政府提请事项)",
    name_en="Party committee meeting (items from the government)",
    cadence=None,
    chair="party_secretary",
    attendees={"committee_member"},
    topic_setters={"party_secretary"},
    agenda=AgendaRules(
        prior_passage={"town_office_meeting", "city_executive_meeting"},
        urgent_approver="mayor",
    ),
    ad_hoc_allowed=True,
    description=(
        "Only the gate for items the government brings: a report or request in the government's "
        "name must first pass the government's office (or executive) meeting, unless it is urgent "
        "and the mayor approved it. The committee's own meeting rules are not in the sources."
    ),
    sources=(TOWN_MEETING_RULES, CITY_WORK_RULES),
)

PRESETS: MappingProxyType[str, MeetingType] = MappingProxyType(
    {
        t.key: t
        for t in (
            TOWN_OFFICE_MEETING,
            TOWN_EXPANDED_OFFICE_MEETING,
            SECTION_MEETING,
            LEADERSHIP_MEETING,
            LEADER_WEEKLY_MEETING,
            MONTHLY_DISPATCH_MEETING,
            QUARTERLY_DISPATCH_MEETING,
            JOINT_MEETING,
            CITY_EXECUTIVE_MEETING,
            VICE_MAYOR_MEETING,
            PARTY_COMMITTEE_MEETING,
        )
    }
)
"""Every preset by its key."""


def preset(key: str) -> MeetingType:
    """The preset meeting type ``key``.

    >>> preset("monthly_dispatch_meeting").cadence
    '每月底后两天'
    """
    try:
        return PRESETS[key]
    except (KeyError, TypeError):
        raise InvalidInputError(
            f"meeting type {key!r} is not a preset; expected one of {sorted(PRESETS)!r}"
        ) from None
