"""The words of supervision: notice labels, recipients and reasons, each in one language.

``supervise(..., lang="zh")`` writes every reason in Chinese and ``lang="en"`` (the default) in
English; a text never mixes the two. Names from the record (units, people, issue ids) are shown
as written. A rule-language limit from the policy is shown in the language asked for.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..exceptions import InvalidInputError
from ._policy import NoticeKind, kind_label_zh
from ._rules import rule_text

__all__ = ["Lang", "Reasons", "check_lang", "kind_label", "recipient_text", "role_name"]

Lang = Literal["en", "zh"]

_EN = {
    NoticeKind.ASSIGNMENT: "assignment notice",
    NoticeKind.REMINDER: "reminder notice",
    NoticeKind.SUPERVISION: "supervision notice",
    NoticeKind.INTERVIEW: "interview notice",
    NoticeKind.ACCOUNTABILITY: "accountability recommendation",
    NoticeKind.COORDINATION: "coordination item",
    NoticeKind.APPROVAL_OVERRUN: "approval overrun notice",
    NoticeKind.REPORT_BACK: "report-back reminder",
}
_TARGET_ZH = {
    "unit": "牵头单位",
    "cooperating_units": "配合单位",
    "leader_in_charge": "分管领导",
    "principal": "主要负责人",
    "assessment_office": "考核办",
    "joint_meeting": "联席会议",
    "deputy_cover": "AB角",
}


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"en"`` or ``"zh"``, else an error naming both."""
    if lang == "en":
        return "en"
    if lang == "zh":
        return "zh"
    raise InvalidInputError(f"lang={lang!r}; expected 'en' (English) or 'zh' (Chinese)")


def kind_label(kind: str, lang: Lang) -> str:
    """The name of a notice kind: ``催办单`` or ``reminder notice`` (custom kinds as written)."""
    if lang == "zh":
        return kind_label_zh(kind)
    try:
        return _EN[NoticeKind(kind)]
    except ValueError:
        return kind


def role_name(target: str, lang: Lang) -> str:
    """The name of a role a notice can go to: ``principal`` or ``主要负责人``."""
    return _TARGET_ZH.get(target, target) if lang == "zh" else target.replace("_", " ")


def recipient_text(
    target: str, id: str | None, name: str | None, acting_for: str | None, lang: Lang
) -> str:
    """A recipient as a reader sees it; one not in the directory says so."""
    if id is None:
        role = role_name(target, lang)
        return f"{role}（通讯录中无此人）" if lang == "zh" else f"{role} (not in the directory)"
    who = name or id
    if acting_for:
        return (
            f"{who}（代{acting_for}，AB角）" if lang == "zh" else f"{who} (acting for {acting_for})"
        )
    return who


def _d(day: dt.date) -> str:
    return day.isoformat()


class Reasons:
    """The reason a notice is due, one function per condition, in ``lang``."""

    @staticmethod
    def assigned(day: dt.date, due: dt.date, lang: Lang) -> str:
        if lang == "zh":
            return f"{_d(day)}交办，明确工作要求和完成时限{_d(due)}"
        return f"assigned on {_d(day)}: requirements and deadline {_d(due)}"

    @staticmethod
    def behind(expected: float, reported: float, lag: float, points: float, lang: Lang) -> str:
        if lang == "zh":
            return (
                f"进度滞后：序时进度{expected:.1f}%，实际进度{reported:.1f}%，"
                f"滞后{lag:.1f}个百分点，超过{points:g}个百分点"
            )
        return (
            f"behind expected progress: expected {expected:.1f}%, reported {reported:.1f}%, "
            f"lag {lag:.1f} > {points:g} points"
        )

    @staticmethod
    def overdue(due: dt.date, late: int, lang: Lang) -> str:
        if lang == "zh":
            return f"逾期：完成时限{_d(due)}，已超期{late}个工作日"
        return f"overdue: due {_d(due)}, {late} working day(s) late"

    @staticmethod
    def no_progress(since: dt.date, idle: int, limit: int, lang: Lang) -> str:
        if lang == "zh":
            return f"自{_d(since)}以来未报送进展：已{idle}个工作日（不少于{limit}个）"
        return f"no progress reported since {_d(since)}: {idle} working day(s) >= {limit}"

    @staticmethod
    def unanswered(
        kind: str, day: dt.date, answer_due: dt.date | None, percent: float, lang: Lang
    ) -> str:
        if lang == "zh":
            due = f"（应于{_d(answer_due)}前答复）" if answer_due else ""
            return f"{_d(day)}的{kind_label(kind, lang)}未答复{due}，进度仍为{percent:.1f}%"
        due = f" (answer was due {_d(answer_due)})" if answer_due else ""
        return (
            f"the {kind_label(kind, lang)} of {_d(day)} is unanswered{due} and progress is "
            f"still {percent:.1f}%"
        )

    @staticmethod
    def warning(light: str, first: str, lang: Lang) -> str:
        if lang == "zh":
            colour = {"red": "红色", "yellow": "黄色", "blue": "蓝色"}.get(light, light)
            return f"{colour}预警：{first}"
        return f"{light} warning: {first}"

    @staticmethod
    def repeat(reason: str, seq: int, lang: Lang) -> str:
        return (
            f"仍然{reason}（第{seq}次重复）" if lang == "zh" else f"still: {reason} (repeat {seq})"
        )

    @staticmethod
    def straight(reason: str, lang: Lang) -> str:
        return (
            f"{reason}；直接升级到本级"
            if lang == "zh"
            else f"{reason}; goes straight to this level"
        )

    @staticmethod
    def issue_to_leader(issue: str, raised: dt.date, limit: dt.date, rule: str, lang: Lang) -> str:
        if lang == "zh":
            return (
                f"问题{issue}于{_d(raised)}提出，超过单位协调时限{_d(limit)}"
                f"（{rule_text(rule, lang)}）仍未解决：提交分管领导协调（三级协调第2级）"
            )
        return (
            f"issue {issue!r} raised {_d(raised)} is unresolved past the unit's limit {_d(limit)} "
            f"({rule_text(rule, lang)}): handed to the leader in charge (tier 2 of 3)"
        )

    @staticmethod
    def issue_to_meeting(
        issue: str, limit: dt.date, rule: str, meeting: str, on: dt.date | None, lang: Lang
    ) -> str:
        if lang == "zh":
            when = f"{_d(on)}的{meeting}" if on else f"下一次{meeting}（日程未定）"
            return (
                f"问题{issue}超过分管领导协调时限{_d(limit)}（{rule_text(rule, lang)}）仍未解决："
                f"提交{when}研究（三级协调第3级）"
            )
        when = (
            f"the agenda of {meeting} on {_d(on)}"
            if on
            else f"the agenda of the next {meeting} (no date in the calendar yet)"
        )
        return (
            f"issue {issue!r} is unresolved past the leader's limit {_d(limit)} "
            f"({rule_text(rule, lang)}): put on {when} (tier 3 of 3)"
        )

    @staticmethod
    def approval_overrun(
        step: str, since: dt.date, rule: str, limit: dt.date, late: int, lang: Lang
    ) -> str:
        if lang == "zh":
            return (
                f"审批环节{step}于{_d(since)}报送，超过时限{rule_text(rule, lang)}"
                f"（应于{_d(limit)}前办结），已超{late}个工作日（绿色通道）"
            )
        return (
            f"approval step {step!r} filed {_d(since)} overran its limit {rule_text(rule, lang)} "
            f"(due {_d(limit)}, {late} working day(s) late; green channel)"
        )

    @staticmethod
    def report_back(
        deputy: str,
        leader: str,
        acted_on: dt.date,
        act: str,
        seq: int,
        away: tuple[dt.date, dt.date],
        due: dt.date,
        rule: str,
        late: int,
        lang: Lang,
    ) -> str:
        if lang == "zh":
            return (
                f"{deputy}于{_d(acted_on)}代{leader}处理事项（{act}，第{seq}条记录），"
                f"{leader}外出期间{_d(away[0])}至{_d(away[1])}；应于{_d(due)}前"
                f"（领导返岗后{rule_text(rule, lang)}）事后汇报，已超{late}个工作日未汇报（AB角）"
            )
        return (
            f"{deputy} acted for {leader} on {_d(acted_on)} ({act}, entry {seq}) while {leader} "
            f"was away {_d(away[0])}–{_d(away[1])}, and has not reported back: due {_d(due)} "
            f"({rule_text(rule, lang)} after the leader's return), {late} working day(s) late"
        )
