"""A ledger's projection as plain columns, and a ledger started from them (a snapshot).

A snapshot holds what a replay of the first ``version`` entries builds: every task's state as
the ledger keeps it. It is written as columns of JSON values, one per field of a task's state
(``"status": ["in_progress", "completed", …]``), with each distinct time and day written once
and referred to by its place: a column of 100,000 small numbers reads far faster than 100,000
objects of named fields. A task is written as columns of its fields too; the values tasks share
(a responsibility, a deadline, a source, a plan) are written once each, encoded by the caller
(the store, with the govops converter), since this package does not know how values are
written.

Reading is strict, because the bytes may come from anywhere: every column has one value per
task and of the type its field takes, checked for what the field's validators check, every
shared value is decoded by the caller's checked decoder, and anything else raises
:class:`ValueError`, on which the caller ignores the snapshot and
replays the entries instead. Never pickle: reading a snapshot runs no code it names.

:func:`ledger_from` starts a ledger from the projection and replays the entries after it; the
entries before it are read when first needed (``_Log.fill``), so time travel and every entry
stay exactly what a full replay gives.
"""

from __future__ import annotations

import array
import datetime as dt
import itertools
import math
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from .._record import generated_function, positional_builder
from ._events import Light
from ._ledger import Ledger, Prefix
from ._ledger_policy import LedgerPolicy
from ._model import Category, Deadline, Plan, Responsibility, Source, Task, WorkingCalendar
from ._replay import Columns, replay
from ._state import Issue, Status, _Track

__all__ = ["Decode", "Encode", "PolicyChanges", "decode", "encode", "ledger_from", "span"]

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


class _Table:
    """Distinct values written once: each gets the place it was first added at."""

    def __init__(self) -> None:
        self.places: dict[Any, int] = {}

    def add(self, value: Any) -> int:
        place = self.places.get(value)
        if place is None:
            place = self.places[value] = len(self.places)
        return place

    def optional(self, value: Any) -> int | None:
        return None if value is None else self.add(value)


class _Times(_Table):
    """Times written once each, by their text: two readings of one instant at different
    offsets are equal, but each is kept as it was recorded."""

    def add(self, value: Any) -> int:
        return super().add(value.isoformat())


def encode(tracks: Iterable[_Track], encode_value: Encode) -> dict[str, Any]:
    """The projection of ``tracks`` as JSON columns (values written by ``encode_value``).

    Raises :class:`ValueError` when a task's notes (what annotations leave for one another)
    hold a value that is not plain (text, numbers, booleans, ``None`` and tuples of them).
    """
    times, days, values = _Times(), _Table(), _Table()
    tasks: dict[str, list[Any]] = {name: [] for name in _TASK_FIELDS}
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "status",
            *_TIMES,
            *_DAYS,
            "original_deadline",
            "percent",
            "reports",
            "open_issues",
            "confirmed_by",
            "version",
            "updated_at",
            "rare",
        )
    }
    for t in tracks:
        task = t.task
        for name in _TASK_FIELDS:
            value = getattr(task, name)
            if name in _TASK_PARTS:
                value = values.optional(value)
            elif name == "category":
                value = value.value
            elif name == "start":
                value = days.optional(value)
            tasks[name].append(value)
        columns["status"].append(t.status.value)
        for name in _TIMES:
            columns[name].append(times.optional(getattr(t, name)))
        for name in _DAYS:
            columns[name].append(days.add(getattr(t, name)))
        # The deadline a task was assigned with is mostly the one it still has.
        same = t.original_deadline == t.task.deadline
        columns["original_deadline"].append(None if same else values.add(t.original_deadline))
        columns["percent"].append(t.percent)
        columns["reports"].append(t.reports)
        columns["open_issues"].append(
            [[i.id, i.description, times.add(i.raised_at)] for i in t.open_issues] or None
        )
        columns["confirmed_by"].append(t.confirmed_by)
        columns["version"].append(t.version)
        columns["updated_at"].append(times.add(t.updated_at))
        columns["rare"].append(None if t.rare is None else _rare(t, times, values))
    return {
        "times": list(times.places),
        "days": [day.isoformat() for day in days.places],
        "values": [[type(v).__name__, encode_value(v)] for v in values.places],
        "tasks": tasks,
        **columns,
    }


def _rare(t: _Track, times: _Table, values: _Table) -> dict[str, Any] | None:
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


def _column(doc: dict[str, Any], name: str, n: int) -> list[Any]:
    column = doc.get(name)
    if type(column) is not list or len(column) != n:
        raise ValueError(f"column {name!r} is missing or not {n} values long")
    return column


def _typed(column: list[Any], types: tuple[type, ...], name: str) -> list[Any]:
    if not set(map(type, column)).issubset(types):
        raise ValueError(f"column {name!r} holds a value of another type")
    return column


def _picked(table: list[Any], column: list[Any], name: str, *, optional: bool) -> list[Any]:
    """The values of ``table`` the places in ``column`` name (``None`` stays when optional)."""
    places = [v for v in column if v is not None] if optional else column
    if places and (
        not set(map(type, places)).issubset((int,)) or min(places) < 0 or max(places) >= len(table)
    ):
        raise ValueError(f"column {name!r} names a place not in its table")
    if optional and len(places) < len(column):
        return [None if v is None else table[v] for v in column]
    return list(map(table.__getitem__, column))


def _times(texts: Any) -> list[dt.datetime]:
    if type(texts) is not list or not all(type(t) is str for t in texts):
        raise ValueError("the table of times is not a list of text")
    out = []
    for text in texts:
        at = dt.datetime.fromisoformat(text)
        if at.tzinfo is None:
            raise ValueError(f"the time {text!r} has no UTC offset")
        out.append(at)
    return out


def _days(texts: Any) -> list[dt.date]:
    if type(texts) is not list or not all(type(t) is str and len(t) == 10 for t in texts):
        raise ValueError("the table of days is not a list of dates")
    return [dt.date.fromisoformat(text) for text in texts]


def decode(doc: Any, decode_value: Decode) -> dict[str, _Track]:
    """The tracks of a projection written by :func:`encode`, by task id, in their order.

    Raises :class:`ValueError` (or the error ``decode_value`` raises) for anything that is not
    exactly what :func:`encode` writes.
    """
    if type(doc) is not dict:
        raise ValueError("the projection is not an object")
    times, days = _times(doc.get("times")), _days(doc.get("days"))
    values = _values(doc.get("values"), decode_value)
    tasks = _tasks(doc.get("tasks"), days, values)
    n = len(tasks)
    status = [_STATUS[v] for v in _typed(_column(doc, "status", n), (str,), "status")]
    at = {name: _picked(times, _column(doc, name, n), name, optional=True) for name in _TIMES}
    updated = _picked(times, _column(doc, "updated_at", n), "updated_at", optional=False)
    day = {name: _picked(days, _column(doc, name, n), name, optional=False) for name in _DAYS}
    originals = [
        task.deadline if place is None else _value(values, place, Deadline)
        for task, place in zip(tasks, _column(doc, "original_deadline", n), strict=True)
    ]
    assigned, last_report, accepted, completed, confirmed = (at[name] for name in _TIMES)
    start, due, original_due, since = (day[name] for name in _DAYS)
    percent = _typed(_column(doc, "percent", n), (float,), "percent")
    reports = _typed(_column(doc, "reports", n), (int,), "reports")
    if n and (
        None in assigned or min(reports) < 0 or not 0.0 <= min(percent) <= max(percent) <= 100.0
    ):
        raise ValueError("a task's state is out of range")
    version = _typed(_column(doc, "version", n), (int,), "version")
    confirmed_by = _typed(_column(doc, "confirmed_by", n), (str, type(None)), "confirmed_by")
    issues = _column(doc, "open_issues", n)
    rares = _column(doc, "rare", n)
    opens = [value in _OPEN for value in status]
    built = list(
        map(
            _build_track,
            *(tasks, status, assigned, start, due, originals, original_due, percent, reports),
            *(last_report, accepted, completed, confirmed, confirmed_by, version, updated, since),
            opens,
        )
    )
    for t, t_issues, t_rare in zip(built, issues, rares, strict=True):
        if t_issues is not None:
            t.open_issues = _issues(t_issues, times)
        if t_rare is not None:
            _unrare(t, t_rare, times, values)
    tracks = {t.task.id: t for t in built}
    if len(tracks) < n:
        raise ValueError("a task is in the projection twice")
    return tracks


def _time(times: list[dt.datetime], place: Any) -> dt.datetime:
    if type(place) is not int or not 0 <= place < len(times):
        raise ValueError(f"{place!r} is not the place of a time in the table of times")
    return times[place]


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


def _texts(column: list[Any], name: str, *, empty: bool, optional: bool) -> None:
    """Check at once what the task's text validators check of each value (see check_text)."""
    found = [v for v in column if v is not None] if optional else column
    if not all(type(v) is str for v in found):
        raise ValueError(f"the tasks' {name} column holds a value that is not text")
    if not empty and not all(map(str.strip, found)):
        raise ValueError(f"the tasks' {name} column holds an empty text")
    "".join(found).encode()  # UnicodeEncodeError (a ValueError) for a lone surrogate


def _tasks(doc: Any, days: list[dt.date], values: list[Any]) -> list[Task]:
    """The tasks written as columns, each checked as its class's validators check it."""
    if type(doc) is not dict or doc.keys() != set(_TASK_FIELDS):
        raise ValueError("the tasks' columns are not the fields of a task")
    n = len(doc["id"])
    columns = {name: _column(doc, name, n) for name in _TASK_FIELDS}
    for name in ("id", "title"):
        _texts(columns[name], name, empty=False, optional=False)
    for name in ("goal", "content"):
        _texts(columns[name], name, empty=True, optional=False)
    for name in ("parent", "quantity_unit"):
        _texts(columns[name], name, empty=True, optional=True)
    columns["category"] = [_CATEGORY[v] for v in _typed(columns["category"], (str,), "category")]
    for name, cls in _TASK_PARTS.items():
        optional = name in ("source", "plan")
        columns[name] = [
            None if optional and place is None else _value(values, place, cls)
            for place in columns[name]
        ]
    columns["start"] = _picked(days, columns["start"], "start", optional=True)
    for quantity in columns["target_quantity"]:
        if quantity is not None and not (type(quantity) is float and 0.0 < quantity < math.inf):
            raise ValueError(f"a task's target quantity {quantity!r} is not a positive number")
    tasks = list(map(_build_task, *(columns[name] for name in _TASK_FIELDS)))
    if any(task.parent == task.id for task in tasks):
        raise ValueError("a task is its own parent")
    return tasks


def _issues(data: Any, times: list[dt.datetime]) -> tuple[Issue, ...]:
    if type(data) is not list or not data:
        raise ValueError("a task's open issues are not a list")
    out = []
    for item in data:
        if type(item) is not list or len(item) != 3:
            raise ValueError(f"an open issue {item!r} is not [id, description, time]")
        issue_id, description, place = item
        if type(issue_id) is not str or type(description) is not str or type(place) is not int:
            raise ValueError(f"an open issue {item!r} is not [id, description, time]")
        out.append(_new_issue(issue_id, description, _time(times, place)))
    return tuple(out)


def _unrare(t: _Track, rare: Any, times: list[dt.datetime], values: list[Any]) -> None:
    if type(rare) is not dict or not rare:
        raise ValueError("a task's rare fields are not an object")
    for name, value in rare.items():
        if name == "quantity" and type(value) is float and math.isfinite(value):
            t.quantity = value
        elif name == "pending_plan":
            t.pending_plan = _value(values, value, Plan)
        elif name == "pending_deadline":
            t.pending_deadline = _value(values, value, Deadline)
        elif name in ("deadline_changes", "suspended_working_days") and type(value) is int:
            setattr(t, name, value)
        elif name == "milestones_reached" and type(value) is list:
            t.milestones_reached = frozenset(_typed(value, (str,), name))
        elif name in _RARE_TIMES:
            setattr(t, name, _time(times, value))
        elif name == "paused" and type(value) is list:
            t.paused = tuple((dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in value)
        elif name == "confirmed_as_deputy_for" and type(value) is str:
            t.confirmed_as_deputy_for = value
        elif name == "issued_warning" and type(value) is str:
            t.issued_warning = _LIGHT[value]
        elif name == "reports_since_latch" and type(value) is list:
            t.reports_since_latch = tuple(
                (dt.date.fromisoformat(d), _typed([p], (float,), name)[0]) for d, p in value
            )
        elif name == "notes" and type(value) is list:
            t.notes = frozenset(_unnote(v) for v in value)
        else:
            raise ValueError(f"a task's rare field {name!r} holds {value!r}")


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
    tracks: dict[str, _Track],
    *,
    version: int,
    last_hash: str,
    last_at: dt.datetime,
    changes: PolicyChanges = (),
    prefix: Callable[[], Columns],
    calendar: WorkingCalendar,
    policy: LedgerPolicy | None,
    chunks: Iterable[Columns],
    verify: bool,
    size: int,
) -> Ledger:
    """A ledger started from the projection ``tracks`` of its first ``version`` entries (the
    last hashed ``last_hash`` at ``last_at``), made with ``policy`` and changed to another at
    each of ``changes``, then the entries of ``chunks`` replayed after it through the one replay
    loop. ``prefix`` reads the first ``version`` entries when something needs them (every entry,
    time travel, a branch); ``size`` is the number of entries after."""
    ledger = Ledger(calendar=calendar, policy=policy)
    log = ledger._log
    log.hashes_checked = verify
    log.tracks = tracks
    if changes:  # the policy in force at the snapshot, as the PolicyChanged entries left it
        log.ctx.changes.extend(changes)
        log.ctx.policy = changes[-1][1]
    if version:
        # Placeholders until the entries are read (see _Log.fill), the last one's time aside.
        log.events.extend(itertools.repeat(None, version))  # type: ignore[arg-type]
        log.ats.extend(itertools.repeat(None, version - 1))  # type: ignore[arg-type]
        log.ats.append(last_at)
        log.actor_ids.extend(array.array("I", [0]) * version)
        log.digests.extend(bytes(32 * version))
        log.store_hashes([last_hash], version - 1)
        log.lazy = Prefix(version, prefix)
    replay(log, chunks, verify=verify, size=size)
    ledger._length = len(log)
    return ledger
