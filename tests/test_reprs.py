"""What Jupyter shows of govops values without any %load_ext: well-formed HTML with every piece of
text escaped, and a rule's repr that is its canonical text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.escalation import CITY_KEY_WORK_POLICY, supervise
from govops.rules import parse_rule
from govops.tasks import (
    Deadline,
    IssueRaised,
    Ledger,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    Unit,
)

CAL = govops.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
D = dt.date
EVIL = "<script>alert('x')</script> & 科"


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def ledger() -> Ledger:
    task = Task(
        "T1",
        EVIL,
        category="key_works",
        responsibility=Responsibility(Unit("roads", EVIL)),
        deadline=Deadline.on(D(2026, 10, 30)),
        start=D(2026, 9, 1),
    )
    led = Ledger(calendar=CAL)
    led = led.record(TaskAssigned(task), actor="office", at=at(D(2026, 9, 1), 9))
    led = led.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))
    return led.record(
        IssueRaised("T1", "i<1>", description=EVIL), actor="roads", at=at(D(2026, 9, 2))
    )


def shown(value: object) -> str:
    html = value._repr_html_()  # type: ignore[attr-defined]
    ET.fromstring(f"<div>{html}</div>")  # well-formed: every tag closed, every text escaped
    assert "<script>" not in html
    return html


def test_a_rule_shows_both_texts_and_its_repr_is_its_canonical_text() -> None:
    rule = parse_rule("会后两日内报送")
    assert repr(rule) == "parse_rule('会后2日内报送')"
    assert eval(repr(rule), {"parse_rule": parse_rule}) == rule
    html = shown(parse_rule("every quarter on the last working day"))
    assert "every quarter on the last working day" in html and "每季度最后一个工作日" in html
    assert "schedule" in html


def test_an_explanation_lists_its_steps_and_the_due_date() -> None:
    html = shown(parse_rule("20个工作日内").explain(D(2024, 9, 27), calendar=CAL))
    assert html.count("<li>") >= 2 and "<strong>2024-10-30</strong>" in html
    assert "期限" in html  # in the rule's language


def test_a_calendar_month_marks_days_off_and_make_up_workdays() -> None:
    month = CAL.month(2024, 10)
    html = shown(month)
    assert month.working_days == 19  # 31 days - 8 weekend days - 5 days off + 1 make-up day
    # The same days as the independent chinesecalendar package says.
    assert [d.is_working for d in month.days] == [
        chinese_calendar.is_workday(d.date) for d in month.days
    ]
    assert html.count("<sup>休</sup>") == 5 and html.count("<sup>班</sup>") == 1
    assert "国庆" in html  # the holiday's name, as the title of its days
    with pytest.raises(govops.InvalidInputError, match="month=13"):
        CAL.month(2024, 13)


def test_task_states_ledgers_decisions_and_bulletins_escape_what_users_wrote() -> None:
    led = ledger()
    for value in (led.state("T1"), led):
        html = shown(value)
        assert "&lt;script&gt;" in html
    assert "i&lt;1&gt;" in shown(led.state("T1"))
    decision = supervise(
        led, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(D(2026, 9, 2)), lang="zh"
    )
    html = shown(decision)
    assert "交办单" in html and "下次检查" in html and "&lt;script&gt;" in html
    led = decision.record(led, actor="office")
    bulletin = assess(
        led,
        period=govops.period_of(D(2026, 9, 1), "quarter"),
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 9, 30)),
    )
    html = shown(bulletin)
    assert "排名" in html and "&lt;script&gt;" in html


def test_a_large_ledger_shows_its_first_tasks_and_counts_the_rest() -> None:
    led = Ledger(calendar=CAL)
    for i in range(60):
        task = Task(
            f"T{i:02d}",
            "work",
            category="key_works",
            responsibility=Responsibility(Unit("u", "U")),
            deadline=Deadline.on(D(2026, 10, 30)),
        )
        led = led.record(TaskAssigned(task), actor="office", at=at(D(2026, 9, 1), 9))
    html = shown(led)
    assert "T49" in html and "T50" not in html and "… and 10 more tasks" in html
