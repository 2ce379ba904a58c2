"""Tier 3 of coordination on the joint meeting's agenda (联席会议议题).

An issue unresolved past the leader's limit is handed to the leading group's joint meeting: the
engine records a coordination notice (key ``…:issue:<id>@<raised>:joint_meeting``). This module
reads those notices back as :class:`EscalatedIssue` values and turns them into
:class:`govops.meetings.Topic` values for a sitting, so the agenda is built by
:func:`govops.meetings.build_agenda` under the meeting type's own rules. An issue resolved by
``now`` is no longer escalated and drops off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._time import as_local_date
from ..calendars import WorkCalendar
from ..exceptions import InvalidTypeError
from ..meetings import Agenda, Meeting, Topic, build_agenda
from ..tasks import Ledger
from ._events import NoticeIssued
from ._journal import SupervisionJournal
from ._policy import EscalationPolicy, JointMeeting, policy_in_force
from ._rules import rule_occurrences
from ._scan import checked_inputs

__all__ = ["EscalatedIssue", "escalated_issues", "joint_meeting_agenda"]

_TIER3 = ":joint_meeting"


@final
@attrs.frozen
class EscalatedIssue:
    """A project issue put on the joint meeting's agenda (tier 3 of 3) and not yet resolved.

    ``key`` is the recorded coordination notice's key; ``escalated_on`` the local day it was
    recorded; ``meeting_on`` the first sitting of the policy's :class:`JointMeeting` after that day
    (``None`` when its schedule gives none within the calendar's data); ``reason`` the notice's
    reason. :meth:`to_topic` makes it an agenda topic.
    """

    key: str
    task_id: str = attrs.field(kw_only=True)
    issue_id: str = attrs.field(kw_only=True)
    description: str = attrs.field(default="", kw_only=True)
    raised_on: dt.date = attrs.field(kw_only=True)
    escalated_on: dt.date = attrs.field(kw_only=True)
    meeting_on: dt.date | None = attrs.field(default=None, kw_only=True)
    reason: str = attrs.field(default="", kw_only=True)

    @property
    def topic_id(self) -> str:
        """The agenda topic id: ``<task>/<issue>@<day raised>``."""
        return f"{self.task_id}/{self.issue_id}@{self.raised_on.isoformat()}"

    def to_topic(self, *, proposed_by: str, set_by: str | None = None) -> Topic:
        """The issue as a topic for the joint meeting, linked to its task.

        ``proposed_by`` is the role handing it up (the leader in charge, §5 of the town opinion);
        ``set_by`` the role putting it on the agenda. The title names the issue, the task and the
        day it was escalated; the note carries the escalation reason.
        """
        what = self.description or self.issue_id
        return Topic(
            self.topic_id,
            f"协调事项 {self.task_id} 问题 {self.issue_id!r}: {what} "
            f"(escalated {self.escalated_on.isoformat()})",
            proposed_by=proposed_by,
            set_by=set_by,
            task_id=self.task_id,
            note=self.reason,
        )


def _split(key: str, task_id: str) -> tuple[str, str, dt.date] | None:
    """(policy label, issue id, day raised) from the tier-3 key of ``task_id``, or ``None``."""
    marker = f":{task_id}:issue:"
    at = key.find(marker)
    if at < 0 or not key.endswith(_TIER3):
        return None
    issue_id, sign, raised = key[at + len(marker) : -len(_TIER3)].rpartition("@")
    if not sign or not issue_id:
        return None
    try:
        day = dt.date.fromisoformat(raised)
    except ValueError:
        return None
    return key[:at], issue_id, day


def _first_sitting(meeting: JointMeeting, after: dt.date, calendar: WorkCalendar) -> dt.date | None:
    start = after + dt.timedelta(days=1)
    if meeting.dates:
        return next((d for d in meeting.dates if d >= start), None)
    assert meeting.schedule is not None
    end = min(
        start + dt.timedelta(days=400),
        dt.date(getattr(calendar, "published_through", start.year + 1), 12, 31),
    )
    if end < start:
        return None
    found = rule_occurrences(meeting.schedule, start, end, calendar)
    return found[0] if found else None


def _reason_of(ledger: Ledger, record: Any, event: NoticeIssued) -> str:
    """The reason recorded with ``event``, an entry of ``record``: the ledger (or a view of it as
    of a moment, whose own history would replay it) or a journal."""
    entries = ledger.history(event.task_id) if isinstance(record, Ledger) else record.entries
    return next(e.reason for e in entries if e.event is event)


def escalated_issues(
    ledger: Ledger,
    *,
    policy: EscalationPolicy | Iterable[EscalationPolicy],
    calendar: WorkCalendar,
    now: dt.datetime,
    journal: SupervisionJournal | None = None,
) -> tuple[EscalatedIssue, ...]:
    """The issues handed to the joint meeting (tier 3) by ``now`` and still open then, in the
    order they were escalated.

    Read from the recorded coordination notices in the ledger (and ``journal``); an issue resolved
    by ``now`` (:class:`~govops.tasks.IssueResolved`) is left out.
    """
    policies, tz, _ = checked_inputs(ledger, journal, policy, calendar, now)
    by_label = {p.label: p for p in policies}
    records: list[Any] = [ledger.as_of(now)]
    if journal is not None:
        records.append(journal.as_of(now))
    found: list[tuple[dt.datetime, EscalatedIssue]] = []
    states: dict[str, Any] = {}
    for record in records:
        # (event, at) pairs rather than entries: a large ledger builds an Entry per read, and
        # only the few tier-3 notices need theirs (for the reason).
        for event, at in record.timed_events():
            if type(event) is not NoticeIssued:
                continue
            parts = _split(event.key, event.task_id)
            if parts is None:
                continue
            label, issue_id, raised = parts
            task_id = event.task_id
            state = states.get(task_id)
            if state is None:
                state = states[task_id] = ledger.state(task_id, at=now)
            issue = next(
                (
                    i
                    for i in state.open_issues
                    if i.id == issue_id and i.raised_at.astimezone(tz).date() == raised
                ),
                None,
            )
            if issue is None:
                continue  # resolved since: off the agenda
            day = as_local_date(at, tz, name="at")
            p = by_label.get(label) or policy_in_force(
                policies, state.assigned_at.astimezone(tz).date()
            )
            sitting = (
                _first_sitting(p.coordination.meeting, day, calendar) if p.coordination else None
            )
            found.append(
                (
                    at,
                    EscalatedIssue(
                        event.key,
                        task_id=task_id,
                        issue_id=issue_id,
                        description=issue.description,
                        raised_on=raised,
                        escalated_on=day,
                        meeting_on=sitting,
                        reason=_reason_of(ledger, record, event),
                    ),
                )
            )
    found.sort(key=lambda item: (item[0], item[1].task_id, item[1].key))
    return tuple(issue for _, issue in found)


def joint_meeting_agenda(
    ledger: Ledger,
    meeting: Meeting,
    *,
    policy: EscalationPolicy | Iterable[EscalationPolicy],
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
    journal: SupervisionJournal | None = None,
    topics: Iterable[Topic] = (),
    proposed_by: str = "leader_in_charge",
    set_by: str | None = None,
) -> Agenda:
    """The agenda of the joint-meeting sitting ``meeting``: every issue escalated to the joint
    meeting before its day and still open at ``now``, first, then ``topics``.

    An issue whose sitting went by without resolving it stays on the next one (it is still the
    joint meeting's). Each issue becomes a :class:`~govops.meetings.Topic` proposed by
    ``proposed_by`` (the leader in charge hands it up) and set by ``set_by`` (default: the
    meeting type's chair, the head of the leading group); :func:`govops.meetings.build_agenda`
    then applies the meeting type's rules to every topic. ``calendar`` defaults to the ledger's.
    """
    if not isinstance(meeting, Meeting):
        raise InvalidTypeError(f"meeting={meeting!r}; expected a govops.meetings.Meeting")
    cal = calendar
    if cal is None and isinstance(ledger, Ledger):
        if not isinstance(ledger.calendar, WorkCalendar):
            raise InvalidTypeError(
                f"the ledger counts on {ledger.calendar!r}; the joint meeting's schedule is rule "
                "text, which needs a WorkCalendar: pass calendar=govops.calendar(...)"
            )
        cal = ledger.calendar
    issues = escalated_issues(ledger, policy=policy, calendar=cal, now=now, journal=journal)
    setter = set_by if set_by is not None else meeting.meeting_type.chair
    proposed = [
        issue.to_topic(proposed_by=proposed_by, set_by=setter)
        for issue in issues
        if issue.escalated_on < meeting.date
    ]
    return build_agenda(meeting, [*proposed, *topics], now=now, ledger=ledger, calendar=cal)
