"""JSON for the values a web app returns (decisions, notices, warnings, rules, explanations, day
descriptions, task states, bulletins, policies) and the JSON Schema that documents them.

Golden files pin the format; set GOVOPS_REGENERATE_GOLDEN=1 to rewrite them after a deliberate
change (and bump the schema version if old documents can no longer be read).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import jsonschema
import pytest

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.escalation import CITY_KEY_WORK_POLICY, Decision, supervise
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.serialization import SCHEMA, from_json, json_schema, public_types, to_json
from govops.tasks import (
    Deadline,
    Ledger,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    Unit,
)

CAL = govops.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
GOLDEN = Path(__file__).parent / "golden"
D = dt.date


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def ledger() -> Ledger:
    task = Task(
        "T1",
        "乡村道路改造",
        category="key_works",
        responsibility=Responsibility(Unit("roads", "镇交通办")),
        deadline=Deadline.on(D(2026, 10, 30)),
        start=D(2026, 9, 1),
    )
    led = Ledger(calendar=CAL)
    led = led.record(TaskAssigned(task), actor="office", at=at(D(2026, 9, 1), 9))
    led = led.record(TaskAccepted("T1"), actor="roads", at=at(D(2026, 9, 1), 10))
    return led.record(ProgressReported("T1", percent=5), actor="roads", at=at(D(2026, 9, 2)))


def decision(lang: str) -> Decision:
    """The interview of an overdue task: recipients the directory cannot fill."""
    led = ledger()
    for day in (D(2026, 9, 2), D(2026, 9, 15), D(2026, 9, 22)):
        made = supervise(led, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(day), lang=lang)  # type: ignore[arg-type]
        led = made.record(led, actor="office")
    return supervise(
        led,
        policy=CITY_KEY_WORK_POLICY,
        calendar=CAL,
        now=at(D(2026, 11, 2)),
        lang=lang,  # type: ignore[arg-type]
    )


def bulletin() -> Any:
    led = decision("zh").record(ledger(), actor="office")
    return assess(
        led,
        period=govops.period_of(D(2026, 11, 1), "quarter"),
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 12, 31)),
    )


RULE = govops.parse_rule("每季度末后两个工作日内报送")
VALUES: dict[str, Callable[[], Any]] = {
    "decision_en.json": lambda: decision("en"),
    "decision_zh.json": lambda: decision("zh"),
    "warning_light.json": lambda: ledger().warnings(now=at(D(2026, 9, 15)), lang="zh")[0],
    "task_state.json": lambda: ledger().state("T1"),
    "rule.json": lambda: RULE,
    "explanation.json": lambda: govops.parse_rule("within 20 working days").explain(
        D(2024, 9, 27), calendar=CAL
    ),
    "day_info.json": lambda: CAL.describe(D(2024, 9, 29)),
    "bulletin.json": bulletin,
    "policy.json": lambda: CITY_KEY_WORK_POLICY,
    "scoring.json": lambda: KEY_WORK_SCORING,
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_golden_documents_pin_the_format_and_read_back(name: str) -> None:
    value = VALUES[name]()
    text = to_json(value) + "\n"
    path = GOLDEN / name
    if os.environ.get("GOVOPS_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    back = from_json(text, type(value))
    assert back == value
    assert to_json(back) + "\n" == text


@pytest.mark.parametrize(
    "name",
    [
        *sorted(VALUES),
        "task.json",
        "ledger.json",
        "ledger_supervision.json",
        "ledger_report_back.json",
    ],
)
def test_every_golden_document_validates_against_its_schema(name: str) -> None:
    document = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    schema = json_schema(public_types()[document["type"]])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    document = json.loads(to_json(decision("en")))
    schema = json_schema(Decision)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path, value in [
        (("data", "notices", 0, "answer_due"), "16 Nov"),  # not an ISO date
        (("data", "notices", 0, "colour"), "red"),  # a field a notice does not have
        (("data", "lang"), "fr"),
        (("schema",), "govops/0"),
    ]:
        changed = json.loads(json.dumps(document))
        target = changed
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert not validator.is_valid(changed), path
        with pytest.raises((InvalidInputError, InvalidTypeError)):
            from_json(json.dumps(changed))


def test_a_schema_exists_for_every_public_value_and_is_valid() -> None:
    for name, cls in public_types().items():
        schema = json_schema(cls)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["type"] == {"const": name}
        assert schema["properties"]["schema"] == {"const": SCHEMA}


def test_a_decision_says_what_it_holds_in_its_language() -> None:
    document = json.loads(to_json(decision("zh")))
    assert document["schema"] == SCHEMA and document["type"] == "Decision"
    data = document["data"]
    assert data["lang"] == "zh"
    (notice,) = data["notices"]
    assert notice["kind"] == "interview" and notice["lang"] == "zh"
    assert notice["reason"] == "逾期：完成时限2026-10-30，已超期1个工作日；直接升级到本级"
    assert [r["target"] for r in notice["recipients"]] == ["principal", "leader_in_charge"]
    assert data["warnings"] == [
        "通讯录中无分管领导、主要负责人：相关通知只写明职务、未指定人员；"
        "请在Directory(people=...)中列出，或以Directory(resolver=...)由系统查找"
    ]


def test_a_rule_is_written_as_its_canonical_text() -> None:
    assert json.loads(to_json(RULE))["data"] == {"text": "每季度末后2个工作日报送", "lang": "zh"}
    with pytest.raises(InvalidInputError, match="lang='en' but the text is 'zh'"):
        from_json(
            '{"schema": "govops/1", "type": "Rule", "data": {"text": "会后两日内", "lang": "en"}}'
        )
    with pytest.raises(InvalidInputError, match=r"(?s)unexpected 'dayz'.*\^ @ \$"):
        from_json(
            '{"schema": "govops/1", "type": "Rule", "data": {"text": "within two dayz", "lang": "en"}}'
        )


def test_what_is_not_a_govops_value_is_refused_in_one_short_line() -> None:
    with pytest.raises(InvalidTypeError) as info:
        to_json(object())
    message = str(info.value)
    assert "\n" not in message and len(message) < 200
    assert "public_types()" in message
    with pytest.raises(InvalidInputError, match="'Nope' is not a govops value"):
        from_json('{"schema": "govops/1", "type": "Nope", "data": {}}')
    with pytest.raises(InvalidTypeError, match="expected a govops value type"):
        json_schema(dict)


def test_a_value_class_added_to_a_package_needs_no_converter_edit() -> None:
    # Every attrs class a public package exports is known by name, the decision values included.
    types = public_types()
    for name in ("Decision", "Notice", "Recipient", "WarningLight", "Rule", "Explanation",
                 "DayInfo", "TaskState", "Bulletin", "UnitResult", "EscalationPolicy"):  # fmt: skip
        assert name in types
    assert "WorkCalendar" not in types  # rebuilt with govops.calendar(...), never a document
    # A computed value outside the public names still serialises (a web app only writes it).
    light = ledger().warnings(now=at(D(2026, 9, 15)))[0]
    assert attrs.has(type(light))
    assert json.loads(to_json(light))["data"]["level"] == "yellow"
