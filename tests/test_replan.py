"""What loading the 2027 notice changes (govops.escalation.replan).

The office has run into 2027 on the provisional calendar, on the data as published through 2026
whatever the installed release carries (the estimate of 2027: Spring Festival 2月5日–12日, Saturday
2月13日 worked). The notice (``tests/notices/2027-illustrative.txt``) gives
2月5日–13日 off and works Saturday 2月20日 instead. Every date below was worked out by hand from
the two arrangements.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.calendars import estimate_schedule, parse_notice, period_of
from govops.escalation import (
    CITY_KEY_WORK_POLICY,
    DueDateReplanned,
    DueDatesReplanned,
    Move,
    NoticeAnswered,
    NoticeIssued,
    SupervisionJournal,
    replan,
)
from govops.exceptions import GovopsError, UnknownTaskError
from govops.meetings import circular, presets, schedule
from govops.serialization import from_json, to_json
from govops.tasks import Deadline, Ledger, Responsibility, Task, TaskAssigned, Unit

CST = dt.timezone(dt.timedelta(hours=8))
D = dt.date
BEFORE = govops.calendar("CN", provisional=True, published_through=2026)
NOTICE = parse_notice(
    (Path(__file__).parent / "notices" / "2027-illustrative.txt").read_text(encoding="utf-8")
)
AFTER = NOTICE.apply_to(BEFORE)
ROADS = Unit("roads", "镇交通办")
NOW = dt.datetime(2027, 2, 4, 12, tzinfo=CST)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def task(task_id: str, deadline: Deadline) -> Task:
    return Task(
        task_id,
        "春节前后安全检查",
        category="key_works",
        responsibility=Responsibility(ROADS),
        deadline=deadline,
        start=D(2027, 1, 4),
    )


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    led = Ledger(calendar=BEFORE)
    for t in (
        task("RULE", Deadline.from_rule("5个工作日内", trigger=D(2027, 2, 1))),
        task("FIXED", Deadline.on(D(2027, 2, 22))),
        task("QUIET", Deadline.on(D(2027, 3, 31))),
    ):
        led = led.record(TaskAssigned(t), actor="office", at=at(D(2027, 1, 4)))
    return led


@pytest.fixture(scope="module")
def journal() -> SupervisionJournal:
    j = SupervisionJournal()
    for key, day, answer in (
        ("r1", D(2027, 2, 3), D(2027, 2, 17)),
        ("r2", D(2027, 2, 3), D(2027, 2, 17)),
    ):
        j = j.record(
            NoticeIssued("QUIET", key, level="reminder", notice_kind="reminder", answer_due=answer),
            actor="supervision",
            at=at(day),
        )
    return j.record(NoticeAnswered("QUIET", "r2"), actor="roads", at=at(D(2027, 2, 4), 10))


def test_the_estimate_is_what_the_office_ran_on() -> None:
    assert D(2027, 2, 13) in estimate_schedule(2027).makeup_workdays()
    assert BEFORE.is_working_day(D(2027, 2, 13)) and not AFTER.is_working_day(D(2027, 2, 13))
    assert AFTER.is_working_day(D(2027, 2, 20)) and not AFTER.describe(D(2027, 2, 20)).provisional


def test_every_moved_date_with_from_to_and_why(ledger: Ledger, journal: SupervisionJournal) -> None:
    series = schedule(presets.LEADERSHIP_MEETING, D(2027, 1, 25), D(2027, 2, 28), calendar=BEFORE)
    plan = replan(
        ledger,
        before=BEFORE,
        after=AFTER,
        now=NOW,
        meetings=[series],
        journal=journal,
        policy=CITY_KEY_WORK_POLICY,
    )
    got = {(m.what, m.subject, m.moved_from, m.moved_to) for m in plan.moves}
    assert got == {
        # 5 working days after Mon 02-01: 2, 3, 4, Sat 13, 15 → now 2, 3, 4, 15, 16.
        ("due", "RULE", D(2027, 2, 15), D(2027, 2, 16)),
        # Blue light 5 working days before 02-22: was 02-15 (15..19), now 02-16 (16..20).
        ("warning", "FIXED", D(2027, 2, 15), D(2027, 2, 16)),
        # The Monday sitting of 02-08 (Spring Festival) moved to Sat 02-13, now merges into 02-15.
        ("sitting", "leadership_meeting", D(2027, 2, 13), D(2027, 2, 15)),
        # The unanswered reminder of Wed 02-03, within 5 working days: 02-17 → 02-18.
        ("answer", "QUIET", D(2027, 2, 17), D(2027, 2, 18)),
    }
    due = plan.of("due")[0]
    assert [(c.date, c.is_working, c.name_zh) for c in due.why] == [(D(2027, 2, 13), False, "春节")]
    assert plan.source == NOTICE.source
    assert "由2027-02-15调整为2027-02-16" in due.text_zh and "春节" in due.text_zh
    assert "2027-02-15 → 2027-02-16" in str(due)
    sitting = plan.of("sitting")[0]
    assert sitting.detail == "nominal 2027-02-08"
    assert {c.date for c in sitting.why} == {D(2027, 2, 13)}
    # The blue light comes on a day later because Saturday 02-20 is now worked.
    assert [(c.date, c.is_working) for c in plan.of("warning")[0].why] == [(D(2027, 2, 20), True)]


def test_replan_is_pure_and_empty_when_nothing_changes(ledger: Ledger) -> None:
    assert len(replan(ledger, before=BEFORE, after=BEFORE, now=NOW)) == 0
    assert replan(ledger, before=BEFORE, after=AFTER, now=NOW) == replan(
        ledger, before=BEFORE, after=AFTER, now=NOW
    )
    assert ledger.calendar is BEFORE  # the ledger given is untouched


def test_recorded_in_the_ledger_as_one_entry_and_read_back(ledger: Ledger) -> None:
    plan = replan(ledger, before=BEFORE, after=AFTER, now=NOW)
    moved = Ledger.from_entries(ledger.entries, calendar=AFTER, policy=ledger.policy)
    recorded = moved.record(plan.to_event(), actor="office", at=NOW)
    assert recorded.version == moved.version + 1  # one entry for the whole replan
    event = recorded.entries[-1].event
    assert isinstance(event, DueDatesReplanned) and event.task_id == ""
    assert event.source == NOTICE.source
    assert event.moves == plan.of("due") and event.concerns() == ("RULE",)
    assert event.moves[0].why[0].name_zh == "春节"
    assert recorded.state("RULE").due == D(2027, 2, 16)
    again = from_json(to_json(recorded), Ledger, calendar=AFTER)
    assert again == recorded and again.entries[-1].event == event
    with pytest.raises(UnknownTaskError, match="NOPE"):
        moved.record(
            DueDatesReplanned(
                source=NOTICE.source, moves=(attrs.evolve(event.moves[0], subject="NOPE"),)
            ),
            actor="office",
            at=NOW,
        )


def test_a_ledger_holding_the_per_task_form_keeps_loading(ledger: Ledger) -> None:
    """Earlier versions recorded one DueDateReplanned annotation per moved task."""
    old = DueDateReplanned(
        "RULE",
        source=NOTICE.source,
        moved_from=D(2027, 2, 15),
        moved_to=D(2027, 2, 16),
        why=("2027-02-13 改为休息日（春节）",),
    )
    moved = Ledger.from_entries(ledger.entries, calendar=AFTER, policy=ledger.policy)
    recorded = moved.record(old, actor="office", at=NOW)
    again = from_json(to_json(recorded), Ledger, calendar=AFTER)
    assert again.history("RULE")[-1].event == old


def test_the_record_refuses_moves_it_cannot_keep() -> None:
    move = Move("due", subject="T1", moved_from=None, moved_to=D(2027, 2, 25), why=())
    DueDatesReplanned(source="国办发明电〔2026〕N号", moves=(move,))
    for moves, match in (
        ((move, move), "twice"),
        ((attrs.evolve(move, what="sitting"),), "what='due'"),
        (("T1",), "Move values"),
    ):
        with pytest.raises(GovopsError, match=match):
            DueDatesReplanned(source="国办发明电〔2026〕N号", moves=moves)  # type: ignore[arg-type]
    with pytest.raises(GovopsError, match="source"):
        DueDatesReplanned(source=" ", moves=())
    for field, bad in (
        ("what", "dues"),
        ("what", []),  # found by the slow fuzz: an unhashable kind
        ("subject", ""),
        ("moved_to", None),
        ("why", ("春节",)),
    ):
        with pytest.raises(GovopsError, match=field):
            attrs.evolve(move, **{field: bad})


def test_the_circular_and_the_bulletin_mention_it(ledger: Ledger) -> None:
    plan = replan(ledger, before=BEFORE, after=AFTER, now=NOW)
    notes = plan.notes_zh()
    assert notes[0].startswith(f"因{NOTICE.source}，2个日期调整（其中到期日1个）")
    text = circular(ledger, D(2027, 2, 1), now=NOW, notes=notes).to_markdown()
    assert "RULE到期日由2027-02-15调整为2027-02-16" in text
    bulletin = assess(
        ledger,
        period=period_of(D(2027, 2, 1), "month"),
        rules=KEY_WORK_SCORING,
        calendar=AFTER,
        now=NOW,
        notes=notes,
    )
    assert "RULE到期日由2027-02-15调整为2027-02-16" in bulletin.to_markdown()
    # The same lines in English, for an English bulletin or circular.
    en = plan.notes("en")
    assert en[0] == f"2 date(s) moved by {NOTICE.source} (1 of them due dates):"
    assert any(line.startswith("due date of RULE: 2027-02-15 → 2027-02-16 (") for line in en)
    english = circular(ledger, D(2027, 2, 1), now=NOW, notes=en).to_markdown(lang="en")
    assert "due date of RULE: 2027-02-15 → 2027-02-16" in english
    with pytest.raises(GovopsError, match="lang"):
        plan.notes("fr")


def test_the_annotation_refuses_what_it_cannot_record() -> None:
    # Found by the edges' fuzz: an annotation built with no source and no dates could not be
    # written to JSON. It is refused when it is built.
    good = {"source": "国办发明电〔2026〕N号", "moved_from": None, "moved_to": D(2027, 2, 25)}
    DueDateReplanned("T1", **good)  # type: ignore[arg-type]
    for field, bad in (("source", None), ("source", " "), ("moved_from", b""), ("moved_to", None)):
        with pytest.raises(GovopsError, match=field):
            DueDateReplanned("T1", **{**good, field: bad})  # type: ignore[arg-type]
    with pytest.raises(GovopsError, match="why"):
        DueDateReplanned("T1", **good, why=("春节", 3))  # type: ignore[arg-type]
