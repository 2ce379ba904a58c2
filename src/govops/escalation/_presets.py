"""The ready-made policy: the source documents' supervision practice as data.

Encodes 关于加强全市重点工作督查推进的意见 (assignment, reminder and supervision notices; the
supervision notice needs a city leader's consent and is copied to the assessment office and the
leading group's office), 盘锦市人民政府工作规则补充规定 §14 (units that fail or are overdue are
called to an interview with their principal; an interview without effect leads to accountability)
and 乡镇运行保障机制实施意见 §5 and §7 (three-tier coordination of project issues; the approval
green channel). Where the documents give no number, the figure chosen is named in the docs
(``docs/explanation/escalation.md``) and can be changed in a new version.
"""

from __future__ import annotations

import datetime as dt

from ._policy import (
    AllOf,
    ApprovalStep,
    Assigned,
    BehindSchedule,
    Coordination,
    EscalationPolicy,
    JointMeeting,
    Level,
    NoticeKind,
    Overdue,
    PreviousUnanswered,
    Repeat,
    Target,
)

__all__ = ["CITY_KEY_WORK_POLICY", "TOWN_JOINT_MEETING"]

# "经催办后仍没有进展": the notice before went unanswered (no reply, no progress above the
# progress it recorded) and the unit is still clearly behind its expected progress.
_STILL_BEHIND = AllOf(PreviousUnanswered(), BehindSchedule(10))

TOWN_JOINT_MEETING = JointMeeting(
    "项目推进领导小组联席会议", schedule="every month on the last working day"
)
"""The leading group's joint meeting, on the last working day of each month (a local choice)."""

CITY_KEY_WORK_POLICY = EscalationPolicy(
    "city-key-work",
    version=1,
    effective_from=dt.date(2026, 1, 1),
    title="重点工作督查督办 (key-work supervision ladder)",
    levels=(
        Level(
            "assignment",
            kind=NoticeKind.ASSIGNMENT,
            to=(Target.UNIT,),
            condition=Assigned(),
            respond_within="within 5 working days",
        ),
        Level(
            "reminder",
            kind=NoticeKind.REMINDER,
            to=(Target.UNIT,),
            condition=BehindSchedule(10),
            respond_within="within 5 working days",
            repeat=Repeat(10, limit=2),
        ),
        Level(
            "supervision",
            kind=NoticeKind.SUPERVISION,
            to=(Target.UNIT, Target.ASSESSMENT_OFFICE, Target.JOINT_MEETING),
            condition=_STILL_BEHIND,
            respond_within="within 5 working days",
            needs_approval=True,
        ),
        Level(
            "interview",
            kind=NoticeKind.INTERVIEW,
            to=(Target.PRINCIPAL, Target.LEADER_IN_CHARGE),
            condition=_STILL_BEHIND,
            skip_when=Overdue(),
            respond_within="within 10 working days",
        ),
        Level(
            "accountability",
            kind=NoticeKind.ACCOUNTABILITY,
            to=(Target.ASSESSMENT_OFFICE, Target.LEADER_IN_CHARGE),
            condition=_STILL_BEHIND,
            needs_approval=True,
        ),
    ),
    coordination=Coordination(
        unit_limit="within 5 working days",
        leader_limit="within 5 working days",
        meeting=TOWN_JOINT_MEETING,
    ),
    approval_steps=tuple(
        ApprovalStep(name, limit="within 10 working days")
        for name in ("立项", "环评", "规划", "用地", "林地", "海域使用", "工商注册")
    ),
    sources=(
        "关于加强全市重点工作督查推进的意见",
        "盘锦市人民政府工作规则补充规定",
        "乡镇运行保障机制实施意见",
    ),
)
"""Version 1 of the key-work supervision policy, in force from 2026-01-01."""
