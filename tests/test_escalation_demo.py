"""The supervision part of ``make demo`` tells the quarter's story, and is pure."""

from __future__ import annotations

import govops
from govops._demo.escalation import demo_supervision_lines


def test_the_demo_shows_the_ladder_the_tiers_the_agenda_the_deputy_and_the_bulletin() -> None:
    cal = govops.calendar("CN")
    lines = demo_supervision_lines(cal)
    text = "\n".join(lines)
    assert "2026-07-09 催办单 T1 → 镇交通办" in text
    assert "2026-07-17 督办单 T1 → 镇交通办, 镇考核办, 联席会议" in text
    assert "2026-08-11 协调事项 T3 → 王副镇长" in text
    assert "put on the agenda of 项目推进领导小组联席会议 on 2026-08-31 (tier 3 of 3)" in text
    assert "2026-08-31 T3 issue 'land' resolved by joint-meeting: 联席会议议定" in text
    # Sunday Sep 20 is a make-up workday; the leader is on leave, his deputy receives the notice.
    assert "2026-09-20 约谈通知 T1 → 赵主任, 李副镇长 (acting for wang)" in text
    assert "2026-09-21 li answers it: AB角: li acting for wang" in text
    # The tier-3 issue is on the agenda of the Aug 31 sitting (from the joint meeting's schedule)
    # that morning, before the meeting resolves it.
    agenda = lines.index(
        "项目推进领导小组联席会议 2026-08-31 议程 / agenda of Joint meeting of the project leading group"
    )
    assert (
        lines[agenda + 1] == "  1. 协调事项 T3 问题 'land': 征地补偿未谈妥 (escalated 2026-08-19)"
    )
    assert agenda < lines.index(
        "2026-08-31 T3 issue 'land' resolved by joint-meeting: 联席会议议定"
    )
    # The deputy owes Wang a report: back on Mon Sep 28 (Fri Sep 25 is Mid-Autumn), due Tue
    # Sep 29; reminded on Sep 30, Li reports back that evening.
    assert (
        "    duty 'ab:wang:29': AB角: li acting for wang (2026-09-14–2026-09-25, 党校培训): report back on entry 29 (notice_answered) once back (事后汇报)"
        in lines
    )
    assert "2026-09-30 代办事项汇报提醒 T1 → 李副镇长 (acting for wang), 王副镇长" in lines
    assert (
        "due 2026-09-29 (within 2 working days after the leader's return), 1 working day(s) late"
        in text
    )
    assert (
        "2026-09-30 li reports back to wang on T1 (ab:wang:29; 事后汇报, due 2026-09-29)" in lines
    )
    assert "# 2026年第3季度重点工作督查通报" in text
    assert "公开评议满意率92%（镇督查室〔2026〕9号）" in text  # the public review, with its source
    assert "| 1 (tied) | 农业服务中心 |" in text and "| 1 (tied) | 镇交通办 |" in text
    assert demo_supervision_lines(cal) == lines
