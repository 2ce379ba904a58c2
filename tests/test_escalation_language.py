"""Supervision texts in one language, roles the directory cannot fill, and answer dates that keep
to the task's deadline (2026 CN calendar)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

import govops
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    Absence,
    ApprovalGranted,
    CoverPlan,
    Decision,
    Directory,
    Target,
    supervise,
)
from govops.exceptions import InvalidTypeError
from govops.tasks import (
    Deadline,
    IssueRaised,
    Ledger,
    Person,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    Unit,
)

CAL = govops.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
D = dt.date
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# English words in a Chinese text, other than the ids and kinds of the record shown as written.
LATIN_WORD = re.compile(r"\b(?!T1\b|roads\b|wang\b|land\b)[A-Za-z]{3,}\b")


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


# ASCII names, so that any Chinese in an English text comes from govops, not from the data.
ROADS = Unit("roads", "Roads office")
WANG = Person("wang", "Wang", roles=["leader_in_charge"])
TASK = Task(
    "T1",
    "Village roads",
    category="key_works",
    responsibility=Responsibility(ROADS, leader_in_charge=WANG),
    deadline=Deadline.on(D(2026, 10, 30)),
    start=D(2026, 9, 1),
)


def ledger_with_issue() -> Ledger:
    ledger = Ledger(calendar=CAL)
    ledger = ledger.record(TaskAssigned(TASK), actor="office", at=at(D(2026, 9, 1), 9))
    ledger = ledger.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))
    return ledger.record(
        IssueRaised("T1", "land", description="compensation"),
        actor="roads",
        at=at(D(2026, 9, 1), 11),
    )


def quarter(lang: str) -> tuple[list[Decision], Ledger]:
    """Supervise every day from Sep 1 to Nov 30 in ``lang``, approving and recording notices."""
    ledger = ledger_with_issue()
    decisions = []
    day = D(2026, 9, 1)
    while day <= D(2026, 11, 30):
        decision = supervise(
            ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(day), lang=lang
        )  # type: ignore[arg-type]
        for waiting in decision.awaiting_approval:
            ledger = ledger.record(
                ApprovalGranted("T1", waiting.key), actor="mayor", at=at(day, 16)
            )
        if decision.awaiting_approval:
            decision = supervise(
                ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(day), lang=lang
            )  # type: ignore[arg-type]
        ledger = decision.record(ledger, actor="office")
        decisions.append(decision)
        day += dt.timedelta(days=1)
    return decisions, ledger


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_text_of_a_quarter_is_in_one_language(lang: str) -> None:
    decisions, ledger = quarter(lang)
    notices = [n for d in decisions for n in d.notices]
    # The whole ladder and the coordination tiers were climbed.
    kinds = {n.kind for n in notices}
    assert {"assignment", "reminder", "supervision", "interview", "coordination"} <= kinds
    texts = [str(n) for n in notices] + [line for d in decisions for line in d.lines()]
    lights = ledger.warnings(now=at(D(2026, 11, 2)), lang=lang)  # type: ignore[arg-type]
    texts += [str(light) for light in lights]
    assert lights and all(light.lang == lang for light in lights)
    # Names from the record and the policy are shown as written, as is code in a hint.
    assert CITY_KEY_WORK_POLICY.coordination is not None
    names = ("Roads office", "Wang", CITY_KEY_WORK_POLICY.coordination.meeting.name, "联席会议")
    for text in texts:
        for name in names:
            text = text.replace(name, "")
        if lang == "en":
            assert not CJK.search(text), text
        else:
            text = re.sub(r"Directory\([a-z]+=\.\.\.\)", "", text)
            assert not LATIN_WORD.search(text), text


def test_an_unanswered_notice_reads_in_chinese_or_in_english() -> None:
    (en, _), (zh, _) = quarter("en"), quarter("zh")

    def supervision(decisions: list[Decision]) -> str:
        return next(n.reason for d in decisions for n in d.notices if n.kind == "supervision")

    # The reason the issue filed read "约谈通知 of 2026-10-13 unanswered ... (仍无进展)".
    assert supervision(en).startswith("the reminder notice of 2026-09-07 is unanswered (answer")
    assert "progress is still 0.0%" in supervision(en)
    assert supervision(zh).startswith(
        "2026-09-07的催办单未答复（应于2026-09-14前答复），进度仍为0.0%"
    )


def test_a_rule_limit_in_a_reason_is_written_in_the_reason_s_language() -> None:
    (en, _), (zh, _) = quarter("en"), quarter("zh")
    tier2_en = next(n.reason for d in en for n in d.notices if n.level.endswith(":leader"))
    tier2_zh = next(n.reason for d in zh for n in d.notices if n.level.endswith(":leader"))
    assert "(within 5 working days)" in tier2_en
    assert "（5个工作日内）" in tier2_zh


def test_a_role_nobody_fills_is_said_once_in_the_decision() -> None:
    _, ledger = quarter("en")
    # Late October: the interview goes to the principal, whom no directory names.
    ledger = ledger_with_issue()
    decisions, _ = quarter("en")
    interview = next(d for d in decisions if any(n.kind == "interview" for n in d.notices))
    notice = next(n for n in interview.notices if n.kind == "interview")
    unnamed = [r for r in notice.recipients if r.id is None]
    assert [r.target for r in unnamed] == [Target.PRINCIPAL]
    assert str(unnamed[0]) == "principal (not in the directory)"
    assert len(interview.warnings) == 1
    assert interview.warnings[0].startswith("the directory names no principal")
    assert "note: the directory names no principal" in "\n".join(interview.lines())
    # A decision whose notices all reach a person says nothing.
    first = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)))
    assert first.notices and first.warnings == ()


def test_the_host_resolves_roles_with_its_own_hook() -> None:
    asked: list[tuple[Target, str]] = []

    def resolver(target: Target, responsibility: Responsibility) -> Person | Unit | None:
        asked.append((target, responsibility.lead_unit.id))
        if target is Target.PRINCIPAL:
            return Person("zhao", "Zhao", unit=responsibility.lead_unit.id)
        return None

    decisions, _ = quarter("en")
    interview_day = next(
        d.as_of for d in decisions if any(n.kind == "interview" for n in d.notices)
    )
    ledger = ledger_with_issue()
    for d in decisions:  # replay the quarter's record up to the interview
        if d.as_of >= interview_day:
            break
        ledger = d.record(ledger, actor="office")
        for waiting in d.awaiting_approval:
            ledger = ledger.record(ApprovalGranted("T1", waiting.key), actor="m", at=d.as_of)
    decision = supervise(
        ledger,
        policy=CITY_KEY_WORK_POLICY,
        calendar=CAL,
        now=interview_day,
        directory=Directory(resolver=resolver),
    )
    interview = next(
        n for n in decision.notices + decision.awaiting_approval if n.kind == "interview"
    )
    principal = next(r for r in interview.recipients if r.target is Target.PRINCIPAL)
    assert (principal.id, principal.name) == ("zhao", "Zhao")
    assert (Target.PRINCIPAL, "roads") in asked
    # A person the resolver names who is away is covered by their deputy (AB角).
    away = Directory(
        resolver=resolver,
        cover=CoverPlan(
            {"zhao": "qian"},
            absences=[Absence("zhao", start=D(2026, 9, 1), end=D(2026, 12, 31), reason="培训")],
        ),
    )
    covered = supervise(
        ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=interview_day, directory=away
    )
    interview = next(
        n for n in covered.notices + covered.awaiting_approval if n.kind == "interview"
    )
    principal = next(r for r in interview.recipients if r.target is Target.PRINCIPAL)
    assert (principal.id, principal.acting_for) == ("qian", "zhao")
    with pytest.raises(InvalidTypeError, match="expected a function"):
        Directory(resolver="zhao")  # type: ignore[arg-type]

    def wrong(target: Target, responsibility: Responsibility) -> Person | Unit | None:
        return "zhao"  # type: ignore[return-value]

    with pytest.raises(InvalidTypeError, match="returned 'zhao' for principal"):
        supervise(
            ledger,
            policy=CITY_KEY_WORK_POLICY,
            calendar=CAL,
            now=interview_day,
            directory=Directory(resolver=wrong),
        )


def test_a_first_run_on_an_old_ledger_asks_for_an_answer_by_the_deadline_at_the_latest() -> None:
    # Assigned in September, due Friday Oct 30; supervision starts on Wednesday Oct 28: the
    # assignment notice's five working days would end on Nov 4, after the work is due.
    ledger = Ledger(calendar=CAL)
    ledger = ledger.record(TaskAssigned(TASK), actor="office", at=at(D(2026, 9, 1), 9))
    ledger = ledger.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))
    decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 10, 28)))
    answers = {n.kind: n.answer_due for n in decision.notices + decision.awaiting_approval}
    assert answers == {"assignment": D(2026, 10, 30)}
    # On a fresh ledger the usual period applies.
    fresh = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 1)))
    assert fresh.notices[0].answer_due == D(2026, 9, 8)
