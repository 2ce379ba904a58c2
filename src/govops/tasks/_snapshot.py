"""A ledger's projection as plain columns, and a ledger started from them (a snapshot).

A snapshot holds what a replay of the first ``version`` entries builds: every task's state as
the ledger keeps it. Its body is bytes: a JSON object of columns in UTF-8, one per field of a
task's state, a newline, then the bytes of its packed columns. A column of numbers (the places
of times, days and shared values in their tables, counts, percentages, the times themselves)
is packed as the bytes of an :mod:`array`, little-endian, which the JSON names by type, place
and length; a column of text is a JSON list of strings. Each distinct time and day is written
once and referred to by its place, and so is each value tasks share (a responsibility, a
deadline, a source, a plan), encoded by the caller (the store, with the govops converter),
since this package does not know how values are written. Reading 100,000 tasks' columns takes
a few C calls per column rather than parsing two million JSON values.

Reading is strict, because the bytes may come from anywhere: every column has one value per
task and of the type its field takes, checked for what the field's validators check, every
place names a value of its table, every shared value is decoded by the caller's checked
decoder, and anything else raises :class:`ValueError`, on which the caller ignores the snapshot
and replays the entries instead. Never pickle: reading a snapshot runs no code it names.

What :func:`decode` returns is the projection read and checked (:class:`Projection`); the
100,000 tasks and task states it stands for are built from its columns when first needed (see
:func:`ledger_from`), which is most of the time a snapshot takes to read.

:func:`ledger_from` starts a ledger from the projection and replays the entries after it; the
entries before it are read when first needed (``_Log.fill``), so time travel and every entry
stay exactly what a full replay gives.
"""

from __future__ import annotations

import array
import datetime as dt
import json
import math
import operator
from collections.abc import Callable, Generator, Hashable, Iterable
from typing import Any

from .._record import generated_function, positional_builder
from ._events import Light
from ._ledger import Ledger
from ._ledger_policy import LedgerPolicy
from ._log import Prefix
from ._model import Category, Deadline, Plan, Responsibility, Source, Task, WorkingCalendar
from ._packed import (
    WHOLE,
    Packer,
    Table,
    Times,
    TimeTable,
    check_texts,
    column_list,
    day_table,
    enum_table,
    parts,
    places,
    unpack,
)
from ._replay import Columns, replay
from ._state import Issue, Status, _Track

__all__ = [
    "Decode",
    "Encode",
    "PolicyChanges",
    "Projection",
    "decode",
    "encode",
    "ledger_from",
    "span",
]

Encode = Callable[[Any], Any]
"""How the caller writes a value (a Task, a Deadline, a Plan) as JSON values."""
Decode = Callable[[Any, type], Any]
"""How the caller reads one back, checked: ``decode(data, Task)``."""
PolicyChanges = tuple[tuple[int, LedgerPolicy], ...]
"""Where a ledger's policy changed: ``(seq of the PolicyChanged entry, the policy from then)``."""

_STATUS = {s.value: s for s in Status}
_LIGHT = {light.value: light for light in Light}
_OPEN = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED)

# The fields of a track written as a time (an index into "times") or a day (into "days").
_TIMES = ("assigned_at", "last_report_at", "accepted_at", "completed_at", "confirmed_at")
_DAYS = ("start", "due", "original_due", "deadline_since")
_RARE_TIMES = ("suspended_since", "cancelled_at", "latched_at")
_CATEGORIES = tuple(Category)
_STATUSES = tuple(Status)


# A task is written as columns of its fields, its parts (responsibility, deadline, source, plan)
# as places in the table of values, each distinct one written once: tasks of one office share
# them. Read back, every column is checked at once for what the task's validators check of each
# value, and the task is then built slot by slot (the snapshot's own builder below).
_TASK_FIELDS = (
    "id",
    "title",
    "category",
    "responsibility",
    "deadline",
    "goal",
    "content",
    "source",
    "start",
    "plan",
    "parent",
    "target_quantity",
    "quantity_unit",
)
_TASK_PARTS = {
    "responsibility": Responsibility,
    "deadline": Deadline,
    "source": Source,
    "plan": Plan,
}
_CATEGORY = {c.value: c for c in Category}


def _task_builder() -> Callable[..., Task]:
    """``Task`` from the values of its fields (``_TASK_FIELDS``, which a test holds equal to
    the class's) in order, set slot by slot, checked by the caller (see :func:`_tasks`)."""
    names = _TASK_FIELDS
    namespace: dict[str, Any] = {"new": object.__new__, "cls": Task}
    lines = [f"def build({', '.join(names)}):", "    self = new(cls)"]
    for name in names:
        namespace[f"set_{name}"] = getattr(Task, name).__set__
        lines.append(f"    set_{name}(self, {name})")
    lines.append("    return self")
    build: Callable[..., Task] = generated_function(
        lines, "build", namespace, what="snapshot task builder"
    )
    return build


_build_task = _task_builder()

# A track from its fields in this order, its open issues and rare part left empty (most tasks
# have neither): generated, so that a snapshot of 100,000 tasks builds them in one map().
_TRACK_FIELDS = (
    "task",
    "status",
    "assigned_at",
    "start",
    "due",
    "original_deadline",
    "original_due",
    "percent",
    "reports",
    "last_report_at",
    "accepted_at",
    "completed_at",
    "confirmed_at",
    "confirmed_by",
    "version",
    "updated_at",
    "deadline_since",
    "open",
)
_build_track: Callable[..., _Track] = generated_function(
    [
        f"def build({', '.join(_TRACK_FIELDS)}):",
        "    t = new(cls)",
        *(f"    t.{name} = {name}" for name in _TRACK_FIELDS),
        "    t.open_issues = ()",
        "    t.rare = None",
        "    t.snapshot = None",
        "    return t",
    ],
    "build",
    {"new": object.__new__, "cls": _Track},
    what="snapshot track builder",
)
_new_issue = positional_builder(Issue)


def encode(tracks: Iterable[_Track], encode_value: Encode, **more: Any) -> bytes:
    """The projection of ``tracks`` as a snapshot's body (values written by ``encode_value``):
    a JSON object of columns, with ``more`` members of the caller's, in UTF-8, then a newline
    (which compact JSON never holds) and the bytes of its packed columns.

    Raises :class:`ValueError` when a task's notes (what annotations leave for one another)
    hold a value that is not plain (text, numbers, booleans, ``None`` and tuples of them).
    """
    listed = list(tracks)
    tasks = [t.task for t in listed]
    times, days, values, packer = Times(), Table(), Table(), Packer()
    _whole, _pack = packer.whole, packer.pack
    category = {c: i for i, c in enumerate(_CATEGORIES)}
    status = {s: i for i, s in enumerate(_STATUSES)}
    columns: dict[str, Any] = {
        "tasks": {
            **{
                name: [getattr(task, name) for task in tasks]
                for name in ("id", "title", "goal", "content", "parent", "quantity_unit")
            },
            "category": _whole([category[task.category] for task in tasks]),
            "responsibility": _whole([values.add(task.responsibility) for task in tasks]),
            "deadline": _whole([values.add(task.deadline) for task in tasks]),
            "source": _whole([values.optional(task.source) for task in tasks]),
            "start": _whole([days.optional(task.start) for task in tasks]),
            "plan": _whole([values.optional(task.plan) for task in tasks]),
            "target_quantity": _pack(
                (math.nan if q is None else q for q in (task.target_quantity for task in tasks)),
                "d",
            ),
        },
        "status": _whole([status[t.status] for t in listed]),
        "assigned_at": _whole([times.add(t.assigned_at) for t in listed]),
        **{name: _whole([times.optional(getattr(t, name)) for t in listed]) for name in _TIMES[1:]},
        "updated_at": _whole([times.add(t.updated_at) for t in listed]),
        **{name: _whole([days.add(getattr(t, name)) for t in listed]) for name in _DAYS},
        # The deadline a task was assigned with is mostly the one it still has.
        "original_deadline": _whole(
            [
                0 if t.original_deadline == t.task.deadline else values.add(t.original_deadline) + 1
                for t in listed
            ]
        ),
        "percent": _pack([t.percent for t in listed], "d"),
        "reports": _whole([t.reports for t in listed]),
        "version": _whole([t.version for t in listed]),
        "confirmed_by": [t.confirmed_by for t in listed],
    }
    owners = [(k, issue) for k, t in enumerate(listed) for issue in t.open_issues]
    columns["issues"] = {
        "task": _whole([k for k, _ in owners]),
        "id": [issue.id for _, issue in owners],
        "description": [issue.description for _, issue in owners],
        "raised_at": _whole([times.add(issue.raised_at) for _, issue in owners]),
    }
    columns["rare"] = [
        [k, rare]
        for k, t in enumerate(listed)
        if t.rare is not None and (rare := _rare(t, times, values)) is not None
    ]
    doc = {
        "statuses": [s.value for s in _STATUSES],
        "categories": [c.value for c in _CATEGORIES],
        "times": times.pack(packer),
        "days": [day.isoformat() for day in days.places],
        "values": [[type(v).__name__, encode_value(v)] for v in values.places],
        **columns,
        **more,
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode() + b"\n" + b"".join(packer.parts)


def _rare(t: _Track, times: Table, values: Table) -> dict[str, Any] | None:
    """The rare fields of ``t`` that differ from their defaults."""
    rare: dict[str, Any] = {}
    if t.quantity is not None:
        rare["quantity"] = t.quantity
    if t.pending_plan is not None:
        rare["pending_plan"] = values.add(t.pending_plan)
    if t.pending_deadline is not None:
        rare["pending_deadline"] = values.add(t.pending_deadline)
    if t.deadline_changes:
        rare["deadline_changes"] = t.deadline_changes
    if t.milestones_reached:
        rare["milestones_reached"] = sorted(t.milestones_reached)
    for name in _RARE_TIMES:
        value = getattr(t, name)
        if value is not None:
            rare[name] = times.add(value)
    if t.suspended_working_days:
        rare["suspended_working_days"] = t.suspended_working_days
    if t.paused:
        rare["paused"] = [[a.isoformat(), b.isoformat()] for a, b in t.paused]
    if t.confirmed_as_deputy_for is not None:
        rare["confirmed_as_deputy_for"] = t.confirmed_as_deputy_for
    if t.issued_warning is not None:
        rare["issued_warning"] = t.issued_warning.value
    if t.reports_since_latch:
        rare["reports_since_latch"] = [[d.isoformat(), p] for d, p in t.reports_since_latch]
    if t.notes:
        rare["notes"] = sorted((_note(n) for n in t.notes), key=repr)
    return rare or None


def _note(value: Hashable) -> Any:
    """A note as JSON: plain values as they are, a tuple as ``{"t": [...]}``."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if type(value) is tuple:
        return {"t": [_note(v) for v in value]}
    raise ValueError(f"a task's notes hold {value!r}, which a snapshot cannot write")


def _unnote(value: Any) -> Hashable:
    if value is None or type(value) in (str, int, float, bool):
        return value  # type: ignore[no-any-return]
    if type(value) is dict and value.keys() == {"t"} and type(value["t"]) is list:
        return tuple(_unnote(v) for v in value["t"])
    raise ValueError(f"a note {value!r} is not a plain value")


# -- reading ----------------------------------------------------------------------------------------


def _values(data: Any, decode_value: Decode) -> list[Any]:
    """The table of values: each ``[class name, JSON]``, decoded by the caller's decoder."""
    if type(data) is not list:
        raise ValueError("the table of values is missing")
    classes = {cls.__name__: cls for cls in _TASK_PARTS.values()}
    out = []
    for item in data:
        if type(item) is not list or len(item) != 2 or item[0] not in classes:
            raise ValueError(f"a value {item!r} is not [class name, value]")
        out.append(decode_value(item[1], classes[item[0]]))
    return out


def _value(values: list[Any], place: Any, cls: type) -> Any:
    if type(place) is not int or not 0 <= place < len(values) or type(values[place]) is not cls:
        raise ValueError(f"{place!r} is not the place of a {cls.__name__} in the table of values")
    return values[place]


class Projection:
    """A snapshot's projection as :func:`decode` read and checked it: ``ids``, the task ids in
    order, and :meth:`build`, which builds every task's track from the checked columns (the
    same every time it is called, and never failing: everything it reads was checked).

    >>> import datetime as dt, govops
    >>> from govops.serialization import converter
    >>> from govops.tasks import Deadline, Ledger, Responsibility, Task, TaskAssigned, Unit
    >>> from govops.tasks.lowlevel import decode_snapshot, encode_snapshot
    >>> at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    >>> ledger = Ledger(calendar=govops.calendar("CN")).record(
    ...     TaskAssigned(Task("T1", "Repair the bridge", category="key_works",
    ...                       responsibility=Responsibility(Unit("roads", "Roads office")),
    ...                       deadline=Deadline.on(dt.date(2026, 6, 30)))),
    ...     actor="office", at=at)
    >>> body = encode_snapshot(ledger.open_task_views(now=at), converter.unstructure, note="mine")
    >>> projection, doc = decode_snapshot(body, converter.structure)
    >>> projection.ids, doc["note"]
    (['T1'], 'mine')
    >>> projection.build()["T1"].freeze() == ledger.state("T1")
    True
    """

    __slots__ = ("_columns", "ids")

    def __init__(self, ids: list[str], columns: dict[str, Any]) -> None:
        self.ids = ids
        self._columns = columns

    def build(self) -> dict[str, _Track]:
        """The tracks of the projection, by task id, in their order."""
        c = self._columns
        times, days, values = c["times"].all(), c["days"], c["values"]
        optional_times, optional_days = [None, *times], [None, *days]
        optional_values = [None, *values]

        def pick(table: list[Any], name: str) -> list[Any]:
            return list(map(table.__getitem__, c[name]))

        tasks = list(
            map(
                _build_task,
                self.ids,
                c["title"],
                pick(c["categories"], "category"),
                pick(values, "responsibility"),
                pick(values, "deadline"),
                c["goal"],
                c["content"],
                pick(optional_values, "source"),
                pick(optional_days, "task_start"),
                pick(optional_values, "plan"),
                c["parent"],
                [None if q != q else q for q in c["target_quantity"]],  # NaN: none
                c["quantity_unit"],
            )
        )
        originals = [
            task.deadline if place == 0 else values[place - 1]
            for task, place in zip(tasks, c["original_deadline"], strict=True)
        ]
        status = pick(c["statuses"], "status")
        built = list(
            map(
                _build_track,
                tasks,
                status,
                pick(times, "assigned_at"),
                pick(days, "start"),
                pick(days, "due"),
                originals,
                pick(days, "original_due"),
                c["percent"],
                c["reports"],
                *(pick(optional_times, name) for name in _TIMES[1:]),
                c["confirmed_by"],
                c["version"],
                pick(times, "updated_at"),
                pick(days, "deadline_since"),
                [value in _OPEN for value in status],
            )
        )
        issues: dict[int, list[Issue]] = {}
        for owner, issue in zip(
            c["issue_task"],
            map(_new_issue, c["issue_id"], c["issue_description"], pick(times, "issue_raised_at")),
            strict=True,
        ):
            issues.setdefault(owner, []).append(issue)
        for owner, found in issues.items():
            built[owner].open_issues = tuple(found)
        for owner, fields in c["rare"]:
            for name, value in fields:
                setattr(built[owner], name, value)
        return dict(zip(self.ids, built, strict=True))


def decode(body: bytes, decode_value: Decode) -> tuple[Projection, dict[str, Any]]:
    """The projection of a snapshot's body written by :func:`encode`, read and checked (its
    tracks are built by :meth:`Projection.build`), and the JSON object of the body, where the
    caller finds its own members.

    Raises :class:`ValueError` (or the error ``decode_value`` raises) for anything that is not
    exactly what :func:`encode` writes.
    """
    end = body.find(b"\n")
    if end < 0:
        raise ValueError("the snapshot's packed columns are missing")
    whole = memoryview(body)  # read in place: a body is megabytes
    doc = json.loads(str(whole[:end], "utf-8"), parse_constant=_not_a_number)
    if type(doc) is not dict:
        raise ValueError("the projection is not an object")
    blob = whole[end + 1 :]
    times, days = TimeTable(blob, doc.get("times")), day_table(doc.get("days"))
    values = _values(doc.get("values"), decode_value)
    task_doc = doc.get("tasks")
    if type(task_doc) is not dict or type(task_doc.get("id")) is not list:
        raise ValueError("the tasks' columns are missing")
    ids: list[str] = task_doc["id"]
    n = len(ids)
    c: dict[str, Any] = {
        "times": times,
        "days": days,
        "values": values,
        "statuses": enum_table(doc.get("statuses"), _STATUS, "statuses"),
        "categories": enum_table(doc.get("categories"), _CATEGORY, "categories"),
    }
    for name, empty, optional in (
        ("id", False, False),
        ("title", False, False),
        ("goal", True, False),
        ("content", True, False),
        ("parent", True, True),
        ("quantity_unit", True, True),
    ):
        c[name] = column_list(task_doc, name, n)
        check_texts(c[name], f"tasks' {name}", empty=empty, optional=optional)
    c["category"] = places(blob, task_doc, "category", n, len(c["categories"]))
    for name, part in _TASK_PARTS.items():
        optional = name in ("source", "plan")
        c[name] = parts(blob, task_doc, name, n, values, part, optional=optional)
    c["task_start"] = places(blob, task_doc, "start", n, len(days) + 1)
    quantities = c["target_quantity"] = unpack(blob, task_doc, "target_quantity", n, ("d",))
    given = [q for q in quantities if q == q]
    if given and not (min(given) > 0.0 and max(given) < math.inf):
        raise ValueError("a task's target quantity is not a positive number")
    if len(set(ids)) < n:
        raise ValueError("a task is in the projection twice")
    if any(map(operator.eq, c["parent"], ids)):
        raise ValueError("a task is its own parent")

    c["status"] = places(blob, doc, "status", n, len(c["statuses"]))
    for name in ("assigned_at", "updated_at"):
        c[name] = places(blob, doc, name, n, len(times))
    for name in _TIMES[1:]:
        c[name] = places(blob, doc, name, n, len(times) + 1)
    for name in _DAYS:
        c[name] = places(blob, doc, name, n, len(days))
    c["original_deadline"] = parts(
        blob, doc, "original_deadline", n, values, Deadline, optional=True
    )
    percent = c["percent"] = unpack(blob, doc, "percent", n, ("d",))
    if n and not (0.0 <= min(percent) <= max(percent) <= 100.0 and math.isfinite(sum(percent))):
        raise ValueError("a task's percentage is out of range")
    c["reports"] = unpack(blob, doc, "reports", n, WHOLE)
    c["version"] = unpack(blob, doc, "version", n, WHOLE)
    c["confirmed_by"] = column_list(doc, "confirmed_by", n)
    check_texts(c["confirmed_by"], "confirmed_by", empty=True, optional=True)

    issues = doc.get("issues")
    if type(issues) is not dict or type(issues.get("id")) is not list:
        raise ValueError("the open issues' columns are missing")
    k = len(issues["id"])
    c["issue_task"] = places(blob, issues, "task", k, n)
    for name in ("id", "description"):
        c[f"issue_{name}"] = column_list(issues, name, k)
        check_texts(c[f"issue_{name}"], f"open issues' {name}", empty=True, optional=False)
    c["issue_raised_at"] = places(blob, issues, "raised_at", k, len(times))
    c["rare"] = _rares(doc.get("rare"), n, times, values)
    return Projection(ids, c), doc


def _rares(data: Any, n: int, times: TimeTable, values: list[Any]) -> list[Any]:
    """The rare fields of the tasks that have any, ``[[task's place, {name: value}], ...]``,
    as ``(place, [(name, value read), ...])``."""
    if type(data) is not list:
        raise ValueError("the tasks' rare fields are not a list")
    out = []
    seen: set[int] = set()
    for item in data:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not int:
            raise ValueError(f"a task's rare fields {item!r} are not [place, fields]")
        place, rare = item
        if not 0 <= place < n or place in seen:
            raise ValueError(f"a task's rare fields name the place {place!r}")
        seen.add(place)
        out.append((place, _unrare(rare, times, values)))
    return out


def _unrare(rare: Any, times: TimeTable, values: list[Any]) -> list[tuple[str, Any]]:
    if type(rare) is not dict or not rare:
        raise ValueError("a task's rare fields are not an object")
    out: list[tuple[str, Any]] = []
    for name, value in rare.items():
        if name == "quantity" and type(value) is float and math.isfinite(value):
            read: Any = value
        elif name == "pending_plan":
            read = _value(values, value, Plan)
        elif name == "pending_deadline":
            read = _value(values, value, Deadline)
        elif name in ("deadline_changes", "suspended_working_days") and type(value) is int:
            read = value
        elif name == "milestones_reached" and type(value) is list:
            if not all(type(v) is str for v in value):
                raise ValueError(f"a task's milestones reached {value!r} are not text")
            read = frozenset(value)
        elif name in _RARE_TIMES:
            read = times.at(value)
        elif name == "paused" and type(value) is list:
            read = tuple((dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in value)
        elif name == "confirmed_as_deputy_for" and type(value) is str:
            read = value
        elif name == "issued_warning" and type(value) is str:
            read = _LIGHT[value]
        elif name == "reports_since_latch" and type(value) is list:
            read = tuple((dt.date.fromisoformat(d), _percent(p)) for d, p in value)
        elif name == "notes" and type(value) is list:
            read = frozenset(_unnote(v) for v in value)
        else:
            raise ValueError(f"a task's rare field {name!r} holds {value!r}")
        out.append((name, read))
    return out


def _not_a_number(text: str) -> Any:
    raise ValueError(f"the snapshot holds {text}, which govops never writes")


def _percent(value: Any) -> float:
    if type(value) is not float:
        raise ValueError(f"{value!r} is not a percentage")
    return value


def span(tracks: Iterable[_Track]) -> tuple[dt.date, dt.date] | None:
    """The first and last day the projection of ``tracks`` can depend on the calendar for
    (``None`` for no task): every day it names, and the days of each task's first and last
    entries, between which its calendar was asked about every other day (a day either side, for
    the time zone the calendar counts in)."""
    found: list[dt.date] = []
    for t in tracks:
        if t.task.start is not None:
            found.append(t.task.start)
        found += (t.start, t.due, t.original_due, t.deadline_since)
        found += (t.assigned_at.date(), t.updated_at.date())
        for deadline in (t.task.deadline, t.original_deadline, t.pending_deadline):
            if deadline is not None:
                found += (d for d in (deadline.date, deadline.trigger) if d is not None)
        for pause in t.paused:
            found += pause
    if not found:
        return None
    one = dt.timedelta(days=1)
    return min(found) - one, max(found) + one


def ledger_from(
    projection: Projection,
    *,
    version: int,
    last_hash: str,
    last_at: dt.datetime,
    changes: PolicyChanges = (),
    prefix: Callable[[], Generator[Columns, None, None]],
    calendar: WorkingCalendar,
    policy: LedgerPolicy | None,
    chunks: Iterable[Columns],
    verify: bool,
    size: int,
) -> Ledger:
    """A ledger started from ``projection``, the tracks of its first ``version`` entries (the
    last hashed ``last_hash`` at ``last_at``), made with ``policy`` and changed to another at
    each of ``changes``, then the entries of ``chunks`` replayed after it through the one replay
    loop. ``prefix`` reads the first ``version`` entries when something needs them (every entry,
    time travel, a branch), as runs of columns that continue one another, checked as a load
    checks them, which the ledger writes in place one after the other; ``size`` is the number
    of entries after.

    The projection's tracks are built when the ledger's tasks are first needed (a query, a
    ``record``, an entry to replay after it), once; until then the ledger holds its columns."""
    ledger = Ledger(calendar=calendar, policy=policy)
    log = ledger._log
    log.hashes_checked = verify
    log.later(projection.build)
    if changes:  # the policy in force at the snapshot, as the PolicyChanged entries left it
        log.ctx.changes.extend(changes)
        log.ctx.policy = changes[-1][1]
    if version:
        # Placeholders until the entries are read (see _Log.fill), the last one's time aside:
        # the log is new, so its columns are made at their size rather than extended.
        log.events = [None] * version  # type: ignore[list-item]
        log.ats = [None] * (version - 1) + [last_at]  # type: ignore[assignment]
        log.actor_ids = array.array("I", [0]) * version
        log.digests = bytearray(32 * version)
        log.store_hashes([last_hash], version - 1)
        log.lazy = Prefix(version, prefix)
    replay(log, chunks, verify=verify, size=size)
    ledger._length = len(log)
    return ledger
