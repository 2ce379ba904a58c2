"""What the record says about supervision: one memoized pass over a ledger or journal.

:func:`scan_record` reads the ``(event, at)`` pairs of one record (the task ledger or a
:class:`~govops.escalation.SupervisionJournal`) and collects, in the same pass, what both
:func:`~govops.escalation.supervise` and the deputies' report-back duties (AB角 事后汇报, in
``_report_back``) need: the supervision facts of each task, the answered notice keys, and the
deputy acts and report-backs. :func:`scans` reads the ledger and the journal; :func:`gather`
merges their task facts and ``_report_back.duties_of`` their duties.

The scans are memoized by what was scanned: a daily run over a growing record reads only the
entries added since the day before, and the report-back duties of a run cost no second reading.
"""

from __future__ import annotations

import datetime as dt
import threading
import types
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import Calendar
from ..exceptions import EscalationError, InvalidTypeError
from ..tasks import (
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    Ledger,
    PolicyChanged,
    TaskReassigned,
)
from ._events import (
    ApprovalGranted,
    ApprovalRefused,
    ApprovalStepCompleted,
    ApprovalStepStarted,
    DeputyActed,
    DeputyReportedBack,
    NoticeAnswered,
    NoticeIssued,
)
from ._journal import SupervisionJournal
from ._policy import EscalationPolicy, as_policies

_ByLevel = Mapping[str, Sequence[tuple[NoticeIssued, dt.date]]]
_NO_ENTRIES: Mapping[Any, Any] = types.MappingProxyType({})

# A deputy act or report-back by (task id, key): the act with its `at`, the report-back's `at`.
_Acted = dict[tuple[str, str], tuple[DeputyActed, dt.datetime]]
_Reported = dict[tuple[str, str], dt.datetime]


class _Sup:
    """The supervision facts about one task, gathered in one pass over the record.

    Most tasks only ever have notices: the other collections start as shared empty, read-only
    values and become their own the first time something is added (a sweep over 100,000 tasks
    allocates a quarter of the containers).

    ``grouped`` keeps what ``_engine._cycle_notices`` worked out last: once its scan has returned,
    a ``_Sup`` never changes (a later scan copies a task's facts before adding to them), so a
    daily run regroups only the notices of tasks with something new.
    """

    __slots__ = ("approvals", "grouped", "issued", "restarts", "steps")

    def __init__(self) -> None:
        self.issued: list[tuple[NoticeIssued, dt.date]] = []
        self.restarts: Sequence[tuple[str, dt.date]] = ()
        self.approvals: Mapping[str, bool] = _NO_ENTRIES
        self.steps: Mapping[str, tuple[dt.date | None, int]] = _NO_ENTRIES  # since, starts
        self.grouped: tuple[str, _ByLevel, dt.date | None] | None = None


(
    _RESTART,
    _DEADLINE,
    _ISSUED,
    _ANSWERED,
    _GRANTED,
    _REFUSED,
    _STARTED,
    _DONE,
    _ACTED,
    _REPORTED,
    _POLICY,
) = range(11)  # the scan tests _POLICY first, then `code >= _ACTED` for the deputy's codes
_CODES: dict[type, int] = {
    TaskReassigned: _RESTART,
    DeadlineChangeApproved: _DEADLINE,
    NoticeIssued: _ISSUED,
    NoticeAnswered: _ANSWERED,
    ApprovalGranted: _GRANTED,
    ApprovalRefused: _REFUSED,
    ApprovalStepStarted: _STARTED,
    ApprovalStepCompleted: _DONE,
    DeputyActed: _ACTED,
    DeputyReportedBack: _REPORTED,
    PolicyChanged: _POLICY,
}


class _Scan:
    """The facts of one record (ledger or journal) up to the entry whose hash is ``head``:
    by task (``facts``), the answered notice keys, and the deputy acts and report-backs by
    (task id, key), in record order. ``immediate`` says whether, under the ledger policy in
    force after that entry, a requested deadline change takes effect at once."""

    __slots__ = ("acted", "answered", "facts", "head", "immediate", "reported", "version")

    def __init__(
        self,
        version: int,
        head: str,
        facts: dict[str, _Sup],
        answered: frozenset[str],
        *,
        acted: _Acted,
        reported: _Reported,
        immediate: bool,
    ) -> None:
        self.immediate = immediate
        self.version = version
        self.head = head
        self.facts = facts
        self.answered = answered
        self.acted = acted
        self.reported = reported


# A memo of recent scans, keyed by what was scanned: a daily run over a growing record reads only
# the entries added since the day before. Results never depend on it (a hash names a whole prefix).
_SCANS: OrderedDict[tuple[str, str, bool, str], _Scan] = OrderedDict()
_SCANS_LOCK = threading.Lock()
_SCANS_KEPT = 4


def _copy(sup: _Sup) -> _Sup:
    new = _Sup()
    new.issued = list(sup.issued)
    new.restarts = tuple(sup.restarts)
    new.approvals = dict(sup.approvals) if sup.approvals else _NO_ENTRIES
    new.steps = dict(sup.steps) if sup.steps else _NO_ENTRIES
    return new


def scan_record(record: Any, kind: str, tz: dt.tzinfo, immediate: bool) -> _Scan:
    """The facts of ``record`` (a ledger or journal, already cut at ``now``), reusing a memo of
    an earlier prefix of the same record when there is one. ``immediate`` says whether a
    requested deadline change takes effect at once under the policy the record starts with; a
    :class:`~govops.tasks.PolicyChanged` entry changes it from there on."""
    key = (kind, str(tz), immediate, record.head_hash)
    with _SCANS_LOCK:
        hit = _SCANS.get(key)
        if hit is not None:
            _SCANS.move_to_end(key)
            return hit
        bases = [
            scan
            for (k, z, i, _), scan in reversed(_SCANS.items())
            if (k, z, i) == key[:3] and scan.version <= record.version
        ]
    base = _Scan(0, "", {}, frozenset(), acted={}, reported={}, immediate=immediate)
    for scan in bases:
        if scan.version and record.hash_at(scan.version) == scan.head:
            base = scan
            break
    facts = dict(base.facts)
    answered = set(base.answered)
    acted = dict(base.acted)
    reported = dict(base.reported)
    inherited = set(base.facts)  # tasks whose facts belong to the memo until copied
    immediate = base.immediate
    codes = _CODES if not immediate else {**_CODES, DeadlineChangeRequested: _DEADLINE}
    days: dict[dt.datetime, dt.date] = {}  # notices recorded by one run share their `at`
    code_of = codes.get
    for event, at in record.timed_events(base.version):
        code = code_of(type(event))
        if code is None:
            continue
        if code == _POLICY:
            assert isinstance(event, PolicyChanged)
            immediate = not event.policy.deadline_change_requires_approval
            codes = _CODES if not immediate else {**_CODES, DeadlineChangeRequested: _DEADLINE}
            code_of = codes.get
            continue
        task_id = event.task_id
        if code >= _ACTED:  # a deputy's duty (AB角), not a fact of the task: no _Sup for it
            if code == _ACTED:
                assert isinstance(event, DeputyActed)
                acted[(task_id, event.key)] = (event, at)
            else:
                assert isinstance(event, DeputyReportedBack)
                reported[(task_id, event.key)] = at
            continue
        sup = facts.get(task_id)
        if sup is None:
            sup = facts[task_id] = _Sup()
        elif task_id in inherited:
            sup = facts[task_id] = _copy(sup)  # the memo's value stays as it was
            inherited.discard(task_id)
        day = days.get(at)
        if day is None:
            day = days[at] = at.astimezone(tz).date()
        if code == _ISSUED:
            assert isinstance(event, NoticeIssued)
            sup.issued.append((event, day))
        elif code in (_RESTART, _DEADLINE):
            sup.restarts = (
                *sup.restarts,
                ("reassignment" if code == _RESTART else "deadline", day),
            )
        elif code == _ANSWERED:
            assert isinstance(event, NoticeAnswered)
            answered.add(event.key)
        elif code in (_GRANTED, _REFUSED):
            assert isinstance(event, (ApprovalGranted, ApprovalRefused))
            sup.approvals = {**sup.approvals, event.key: code == _GRANTED}
        else:
            assert isinstance(event, (ApprovalStepStarted, ApprovalStepCompleted))
            _, starts = sup.steps.get(event.step, (None, 0))
            since = day if code == _STARTED else None
            sup.steps = {**sup.steps, event.step: (since, starts + (code == _STARTED))}
    result = _Scan(
        record.version,
        record.head_hash,
        facts,
        frozenset(answered),
        acted=acted,
        reported=reported,
        immediate=immediate,
    )
    with _SCANS_LOCK:
        _SCANS[key] = result
        while len(_SCANS) > _SCANS_KEPT:
            _SCANS.popitem(last=False)
    return result


def checked_inputs(
    ledger: Any,
    journal: Any,
    policy: EscalationPolicy | Iterable[EscalationPolicy],
    calendar: Calendar,
    now: dt.datetime,
) -> tuple[tuple[EscalationPolicy, ...], dt.tzinfo, dt.date]:
    """The policies, the calendar's time zone and the day of ``now`` there, once the arguments
    every reader of the supervision record takes are checked."""
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    if journal is not None and not isinstance(journal, SupervisionJournal):
        raise InvalidTypeError(f"journal={journal!r}; expected a SupervisionJournal or None")
    require_aware(now, name="now")
    policies = as_policies(policy)
    tz = calendar_tz(calendar)
    return policies, tz, as_local_date(now, tz, name="now")


def scans(
    ledger: Ledger, journal: SupervisionJournal | None, now: dt.datetime, tz: dt.tzinfo
) -> tuple[_Scan, _Scan | None]:
    """The scans of the ledger and of the journal (``None`` without one) up to ``now``."""
    immediate = not ledger.policy_at(0).deadline_change_requires_approval
    first = scan_record(ledger.as_of(now), "ledger", tz, immediate)
    if journal is None:
        return first, None
    return first, scan_record(journal.as_of(now), "journal", tz, immediate)


def gather(first: _Scan, second: _Scan | None) -> tuple[dict[str, _Sup], frozenset[str]]:
    """What supervision needs to know by task, from the ledger's scan and the journal's."""
    if second is None:
        return first.facts, first.answered
    if not first.facts:
        return second.facts, second.answered | first.answered
    facts = dict(second.facts)
    for task_id, sup in first.facts.items():
        other = facts.get(task_id)
        if other is None:
            facts[task_id] = sup
            continue
        twice = {e.key for e, _ in sup.issued} & {e.key for e, _ in other.issued}
        if twice:
            raise EscalationError(
                f"notice keys {sorted(twice)!r} of task {task_id!r} are recorded in both the "
                "ledger and the journal; a notice is recorded once, in one of them"
            )
        merged = _copy(other)
        merged.issued = sorted([*sup.issued, *other.issued], key=lambda item: item[1])
        merged.restarts = tuple(sorted([*sup.restarts, *other.restarts], key=lambda item: item[1]))
        merged.approvals = {**sup.approvals, **other.approvals}
        merged.steps = {**sup.steps, **other.steps}
        facts[task_id] = merged
    return facts, second.answered | first.answered
