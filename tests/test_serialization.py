"""JSON round trips of every public value and of whole ledgers; golden files pin the format.

Set GOVOPS_REGENERATE_GOLDEN=1 to rewrite the golden files after a deliberate format change (and
then bump the schema version if old files can no longer be read).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

import govops.calendars as gc
from govops.escalation import (
    ApprovalGranted,
    ApprovalRefused,
    ApprovalStepCompleted,
    ApprovalStepStarted,
    NoticeAnswered,
    NoticeIssued,
)
from govops.exceptions import IntegrityError, InvalidInputError, InvalidTypeError
from govops.serialization import SCHEMA, from_json, structure, to_json, unstructure
from govops.tasks import (
    Category,
    CompletionConfirmed,
    CooperatingUnit,
    CoverWindow,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRejected,
    DeadlineChangeRequested,
    IssueRaised,
    IssueResolved,
    Ledger,
    LedgerPolicy,
    Milestone,
    MilestoneReached,
    Person,
    Plan,
    PlanApproved,
    PlanSubmitted,
    ProgressPolicy,
    ProgressReported,
    Responsibility,
    Role,
    Source,
    SubItem,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskReassigned,
    TaskReopened,
    TaskResumed,
    TaskSuspended,
    WarningIssued,
    WarningPolicy,
    WarningWithdrawn,
)
from govops.tasks import Unit as Unit_

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
GOLDEN = Path(__file__).parent / "golden"
D = dt.date


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=CST)


LEADER = Person("p-wang", "王副镇长", unit="gov", roles={Role.LEADER_IN_CHARGE, Role.PRINCIPAL})
RESP = Responsibility(
    Unit_("econ", "经济发展办"),
    cooperating=[CooperatingUnit(Unit_("land", "国土所", kind="station"), part="用地手续")],
    leader_in_charge=LEADER,
    responsible_person=Person("p-li", "李主任", unit="econ"),
    work_team=[Person("p-zhao", "赵干事", roles={"team_member"})],
)
PLAN = Plan(
    [
        Milestone("q1", D(2026, 3, 31), cumulative_percent=20, title="一季度"),
        Milestone("q2", D(2026, 6, 30), cumulative_percent=50),
    ],
    sub_items=[
        SubItem(
            "s1",
            "完成土地征收",
            deadline=D(2026, 5, 31),
            unit="land",
            milestones=[Milestone("s1-apr", D(2026, 4, 30), cumulative_percent=50)],
        )
    ],
    summary="按季度倒排工期",
)
TASK = Task(
    "2026-KP-01",
    "物流园区开工建设",
    category=Category.KEY_PROJECT,
    responsibility=RESP,
    deadline=Deadline.on(D(2026, 12, 31)),
    goal="年内开工",
    content="完成立项、用地、环评",
    source=Source("document", "镇政发〔2026〕1号", date=D(2026, 1, 5)),
    start=D(2026, 1, 5),
    plan=PLAN,
    target_quantity=20000,
    quantity_unit="万元",
)


def sample_ledger() -> Ledger:
    """A ledger that uses every event type."""
    child = Task(
        "2026-KP-01-a",
        "征地",
        category="key_task",
        responsibility=Responsibility(Unit_("land", "国土所"), leader_in_charge=LEADER),
        deadline=Deadline.on(D(2026, 5, 31), clock_stops_when_suspended=True),
        parent="2026-KP-01",
    )
    steps: list[tuple[Any, str, dt.datetime]] = [
        (TaskAssigned(TASK), "党政办", at(1, 5)),
        (TaskAssigned(child), "党政办", at(1, 5)),
        (TaskAccepted("2026-KP-01"), "econ", at(1, 6)),
        (TaskAccepted("2026-KP-01-a"), "land", at(1, 6)),
        (PlanSubmitted("2026-KP-01", PLAN), "econ", at(1, 7)),
        (PlanApproved("2026-KP-01"), "p-wang", at(1, 8)),
        (
            ProgressReported("2026-KP-01", quantity=3000, note="一月", attachments=("a.pdf",)),
            "econ",
            at(2, 2),
        ),
        (MilestoneReached("2026-KP-01", "q1"), "econ", at(3, 31)),
        (IssueRaised("2026-KP-01", "i1", description="林地指标"), "econ", at(4, 1)),
        (IssueResolved("2026-KP-01", "i1", resolution="市里协调"), "p-wang", at(4, 8)),
        (TaskSuspended("2026-KP-01-a"), "land", at(4, 9)),
        (TaskResumed("2026-KP-01-a"), "land", at(4, 20)),
        (DeadlineChangeRequested("2026-KP-01-a", Deadline.on(D(2026, 6, 30))), "land", at(4, 21)),
        (DeadlineChangeRejected("2026-KP-01-a"), "p-wang", at(4, 22)),
        (DeadlineChangeRequested("2026-KP-01-a", Deadline.on(D(2026, 6, 15))), "land", at(4, 23)),
        (DeadlineChangeApproved("2026-KP-01-a"), "p-wang", at(4, 24)),
        (WarningIssued("2026-KP-01", "yellow"), "督查室", at(5, 6)),
        (WarningWithdrawn("2026-KP-01"), "督查室", at(5, 20)),
        (TaskReassigned("2026-KP-01-a", RESP), "党政办", at(5, 21)),
        (TaskCompleted("2026-KP-01-a"), "land", at(6, 10)),
        (CompletionConfirmed("2026-KP-01-a"), "p-wang", at(6, 11)),
        (TaskReopened("2026-KP-01-a"), "p-wang", at(6, 12)),
        (TaskCancelled("2026-KP-01-a"), "党政办", at(6, 13)),
    ]
    ledger = Ledger(calendar=CAL, policy=LedgerPolicy())
    for event, actor, when in steps:
        ledger = ledger.record(event, actor=actor, at=when, reason=f"{event.kind} per plan")
    return ledger


def public_values() -> list[object]:
    ledger = sample_ledger()
    now = at(5, 11)
    values: list[object] = [TASK, RESP, PLAN, LEADER, *ledger.entries, *ledger.states()]
    values += [ledger.progress("2026-KP-01", now=now), ledger.statistics(now=now)]
    values += [*ledger.five_ones(), ProgressPolicy(), WarningPolicy(latch=False)]
    values += list(ledger.warnings(now=at(12, 20)))
    values += [Deadline(rule="within 20 working days", trigger=D(2026, 3, 2))]
    values += [ledger.states()[0].open_issues, *[e.event for e in ledger.entries]]
    return [v for v in values if attrs.has(type(v))]


@pytest.mark.parametrize("value", public_values(), ids=lambda v: type(v).__name__)
def test_every_public_value_round_trips(value: object) -> None:
    text = to_json(value)
    assert json.loads(text)["schema"] == SCHEMA
    assert from_json(text) == value
    assert from_json(text, type(value)) == value
    assert structure(unstructure(value), type(value)) == value


def test_a_whole_ledger_round_trips_with_identical_states() -> None:
    ledger = sample_ledger()
    back = from_json(to_json(ledger), Ledger, calendar=CAL)
    assert back == ledger
    assert back.head_hash == ledger.head_hash
    assert back.states() == ledger.states()
    for when in (at(1, 6), at(4, 10), at(6, 12, 12)):
        for task_id in ledger.task_ids:
            assert back.state(task_id, at=when) == ledger.state(task_id, at=when)
    back.verify()


def test_a_tampered_ledger_file_is_refused() -> None:
    document = json.loads(to_json(sample_ledger()))
    document["data"]["entries"][6]["event"]["quantity"] = 9000.0
    with pytest.raises(IntegrityError, match="seq=7"):
        from_json(json.dumps(document), Ledger, calendar=CAL)


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("[]", InvalidInputError, "expected a JSON object"),
        ("{", InvalidInputError, "not JSON"),
        ('{"schema": "govops/0", "type": "Task", "data": {}}', InvalidInputError, "govops/0"),
        ('{"schema": "govops/1", "type": "Nope", "data": {}}', InvalidInputError, "'Nope'"),
        ('{"schema": "govops/1", "type": "Unit", "data": {"id": "x"}}', InvalidInputError, "Unit"),
        (
            '{"schema": "govops/1", "type": "Entry", "data": {"seq": 1, "event": {"type": "x"}}}',
            InvalidInputError,
            "event type 'x' is not known",
        ),
    ],
)
def test_bad_documents_raise_our_errors(text: str, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        from_json(text)
    assert fragment in str(info.value)


def test_type_mismatches_and_missing_calendar_are_explained() -> None:
    with pytest.raises(InvalidTypeError, match="holds a Plan, not a Task"):
        from_json(to_json(PLAN), Task)
    with pytest.raises(InvalidInputError, match="calendar="):
        from_json(to_json(sample_ledger()), Ledger)
    with pytest.raises(InvalidTypeError, match="cannot serialise"):
        to_json(object())
    naive = '{"schema": "govops/1", "type": "Issue", "data": {"id": "i", "description": "", "raised_at": "2026-01-01T09:00:00"}}'
    with pytest.raises(InvalidInputError, match="no UTC offset"):
        from_json(naive)


def supervised_ledger() -> Ledger:
    """A ledger with every supervision event in it and a deputy's sign-off under a cover window."""
    key = "city-key-work@1:2026-KP-01:c0:"
    policy = LedgerPolicy(
        cover=(
            CoverWindow("p-wang", "p-li", start=D(2026, 7, 6), end=D(2026, 7, 10), reason="培训"),
        )
    )
    steps: list[tuple[Any, str, dt.datetime, str]] = [
        (TaskAssigned(TASK), "党政办", at(1, 5), ""),
        (TaskAccepted("2026-KP-01"), "econ", at(1, 6), ""),
        (
            NoticeIssued(
                "2026-KP-01",
                key + "reminder:0",
                level="reminder",
                notice_kind="reminder",
                percent=12.5,
                answer_due=D(2026, 3, 9),
                recipients=("econ", "p-wang"),
            ),
            "supervision-office",
            at(3, 2, 17),
            "behind expected progress (进度滞后)",
        ),
        (NoticeAnswered("2026-KP-01", key + "reminder:0", note="已整改"), "econ", at(3, 5), ""),
        (ApprovalGranted("2026-KP-01", key + "supervision:0"), "mayor", at(3, 20), ""),
        (
            NoticeIssued(
                "2026-KP-01",
                key + "supervision:0",
                level="supervision",
                notice_kind="supervision",
                recipients=("econ",),
            ),
            "supervision-office",
            at(3, 20, 17),
            "",
        ),
        (ApprovalRefused("2026-KP-01", key + "interview:0"), "mayor", at(4, 1), ""),
        (ApprovalStepStarted("2026-KP-01", "环评", handler="生态环境分局"), "econ", at(4, 2), ""),
        (ApprovalStepCompleted("2026-KP-01", "环评"), "econ", at(4, 20), ""),
        (TaskCompleted("2026-KP-01"), "econ", at(7, 1), ""),
        (CompletionConfirmed("2026-KP-01"), "p-li", at(7, 7), "AB角: p-li acting for p-wang"),
    ]
    ledger = Ledger(calendar=CAL, policy=policy)
    for event, actor, when, reason in steps:
        ledger = ledger.record(event, actor=actor, at=when, reason=reason)
    return ledger


def test_a_ledger_with_supervision_events_round_trips() -> None:
    ledger = supervised_ledger()
    assert ledger.state("2026-KP-01").confirmed_as_deputy_for == "p-wang"
    back = from_json(to_json(ledger), Ledger, calendar=CAL)
    assert back == ledger and back.states() == ledger.states()
    for entry in ledger.entries:
        assert from_json(to_json(entry)) == entry
        assert from_json(to_json(entry.event)) == entry.event
    # An unknown kind in a file is refused with the kinds that are known.
    text = to_json(ledger).replace('"notice_answered"', '"notice_forgotten"')
    with pytest.raises(InvalidInputError, match=r"'notice_forgotten' is not known.*notice_issued"):
        from_json(text, Ledger, calendar=CAL)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("task.json", lambda: TASK),
        ("ledger.json", sample_ledger),
        ("ledger_supervision.json", supervised_ledger),
    ],
)
def test_golden_files_pin_the_format(name: str, make: Any) -> None:
    path = GOLDEN / name
    text = to_json(make()) + "\n"
    if os.environ.get("GOVOPS_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    golden = path.read_text(encoding="utf-8")
    assert text == golden
    assert from_json(golden, calendar=CAL) == make()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"percent": "50"}, "percent"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_event_fields_are_read_strictly_whatever_was_decoded_before(
    change: dict[str, object], fragment: str
) -> None:
    # Decoding a whole ledger first lets cattrs resolve the event classes' annotations; the
    # strict direct path must still be taken afterwards (a string percent or an unknown key
    # is refused, never coerced or dropped).
    ledger = sample_ledger()
    from_json(to_json(ledger), Ledger, calendar=CAL)
    entry = next(e for e in ledger.entries if e.event.kind == "progress_reported")
    document = json.loads(to_json(entry))
    assert from_json(json.dumps(document)) == entry
    document["data"]["event"].update(change)
    with pytest.raises(InvalidInputError) as info:
        from_json(json.dumps(document))
    assert fragment in str(info.value)


# -- corrupt and absurd documents: only our errors, saying where -----------------------------------


def _document(type_name: str, data: object) -> str:
    return json.dumps({"schema": SCHEMA, "type": type_name, "data": data}, ensure_ascii=False)


def _entry(**changes: object) -> dict[str, object]:
    entry = unstructure(sample_ledger().entries[1])
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b"\xff\xfe\x00", "not UTF-8 at byte 0"),
        (b'{"schema": "\xc3(', "not UTF-8 at byte 12"),
        ("[" * 100_000, "nested too deeply"),
        (
            '{"schema": "govops/1", "type": "Plan", "data": ' + "[" * 50_000 + "]" * 50_000 + "}",
            "nested too deeply",
        ),
        ('{"schema": "govops/1", "type": "Unit", "data": {"id": ' + "9" * 5000 + "}}", "4300"),
        (_document("Milestone", {"id": "m", "due": "2026-01-01"})[:-2] + ', "x": NaN}}', "NaN"),
        ('{"schema": "govops/1", "type": "Unit", "data": {}, "extra": 1}', "unknown field 'extra'"),
    ],
)
def test_corrupt_json_is_refused_with_our_error(text: str | bytes, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        from_json(text)
    assert fragment in str(info.value)


def test_a_byte_order_mark_is_read() -> None:
    assert from_json(b"\xef\xbb\xbf" + to_json(PLAN).encode()) == PLAN


def test_a_document_that_is_neither_text_nor_bytes_is_a_type_error() -> None:
    with pytest.raises(InvalidTypeError, match="expected str or bytes"):
        from_json(42)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("changes", "error", "fragment"),
    [
        # cattrs used to coerce each of these: 2.5 -> 2, true -> 1, 5 -> "5"
        ({"seq": 2.5}, InvalidTypeError, "2.5 is a number; expected an integer @ $.entries[1].seq"),
        ({"seq": True}, InvalidTypeError, "True is a boolean; expected an integer @ $.entries[1].seq"),
        ({"seq": "2"}, InvalidTypeError, "'2' is a string; expected an integer"),
        ({"seq": 2**70}, InvalidInputError, "expected a 64-bit integer @ $.entries[1].seq"),
        ({"actor": 5}, InvalidTypeError, "5 is an integer; expected a string @ $.entries[1].actor"),
        ({"actor": "a\ud800"}, InvalidInputError, "lone surrogate '\\ud800' at index 1"),
        ({"at": 5}, InvalidTypeError, "datetime 5 is a int"),
        ({"bogus": 1}, InvalidInputError, "unknown field 'bogus'; expected one of ['seq'"),
    ],
)  # fmt: skip
def test_entries_hold_exactly_their_types(
    changes: dict[str, object], error: type[Exception], fragment: str
) -> None:
    document = json.loads(to_json(sample_ledger()))
    document["data"]["entries"][1] = _entry(**changes)
    with pytest.raises(error) as info:
        from_json(json.dumps(document), Ledger, calendar=CAL)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("type_name", "data", "fragment"),
    [
        ("Milestone", {"id": "m", "due": "2026-06-30", "cumulative_percent": True},
         "True is a boolean; expected a number @ $.cumulative_percent"),
        ("Milestone", {"id": "m", "due": "2026-06-30", "cumulative_percent": "50"},
         "'50' is a string; expected a number"),
        ("Milestone", {"id": "m", "due": "2026-06-30", "cumulative_percent": 1e300},
         "cumulative_percent=1e+300 is out of range"),
        ("Milestone", {"id": "m", "due": "2026-06-30", "cumulative_percent": 10**30},
         "expected a 64-bit number"),
        ("Unit", {"id": 5, "name": "x"}, "5 is an integer; expected a string @ $.id"),
        ("Unit", {"id": "u", "name": "x", "kind": "ministry"},
         "'ministry' is not a UnitKind; expected one of ['government'"),
        ("Unit", {"id": "u", "name": "x", "colour": "red"},
         "unknown field 'colour'; expected one of ['id', 'name', 'kind'] @ $"),
        ("Plan", [], "[] is an array; expected an object of Plan @ $"),
        ("Plan", "milestones", "expected an object of Plan"),
        ("Deadline", {"date": "2026-06-30", "clock_stops_when_suspended": 1},
         "1 is an integer; expected true or false"),
        ("TaskAccepted", {"type": "task_cancelled", "task_id": "T1"},
         "not the kind of a TaskAccepted"),
        ("ProgressReported", {"type": "progress_reported", "task_id": "T1", "percent": True},
         "True is a boolean; expected a number @ $.percent"),
        ("ProgressReported", {"type": "progress_reported", "task_id": "T1", "quantity": -1},
         "quantity=-1.0 is out of range; expected a number >= 0"),
        ("ProgressReported", {"type": "progress_reported", "task_id": "T1", "percent": 5.0,
                              "note": 7}, "7 is an integer; expected a string @ $.note"),
    ],
)  # fmt: skip
def test_values_hold_exactly_their_types(type_name: str, data: object, fragment: str) -> None:
    with pytest.raises((InvalidInputError, InvalidTypeError)) as info:
        from_json(_document(type_name, data))
    assert fragment in str(info.value)


def test_a_lone_surrogate_in_an_id_is_refused_where_it_is_read() -> None:
    text = '{"schema": "govops/1", "type": "TaskAccepted", "data": {"task_id": "T\\ud800"}}'
    with pytest.raises(InvalidInputError) as info:
        from_json(text)
    assert str(info.value) == (
        "cannot read a TaskAccepted: 'T\\ud800' holds the lone surrogate '\\ud800' at index 1; "
        "expected text that UTF-8 can encode @ $.task_id"
    )


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "Infinity", "NaN"])
def test_numbers_that_are_not_finite_are_refused(literal: str) -> None:
    text = _document("Milestone", {"id": "m", "due": "2026-06-30", "cumulative_percent": 0})
    with pytest.raises(InvalidInputError, match="finite"):
        from_json(text.replace('"cumulative_percent": 0', f'"cumulative_percent": {literal}'))


@pytest.mark.parametrize("cls", [5, int, "Task"])
def test_a_type_that_is_not_a_govops_value_is_a_type_error(cls: Any) -> None:
    with pytest.raises(InvalidTypeError, match="expected a govops value type"):
        structure({}, cls)
    with pytest.raises(InvalidTypeError, match="the document holds a Plan, not"):
        from_json(to_json(PLAN), cls)
