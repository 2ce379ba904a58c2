"""The deputy's report-back (AB角 事后汇报) as a tracked duty.

A deputy who acts for an absent leader (:meth:`~govops.escalation.CoverPlan.record_as_deputy`)
leaves a :class:`~govops.escalation.DeputyActed` in the record; the duty is discharged by a
:class:`~govops.escalation.DeputyReportedBack` with the same key. The report is due
``policy.report_back_within`` after the last day of the leader's absence (a rule-language text,
"within 2 working days" by default). :func:`pending_report_backs` lists the duties still open;
:func:`~govops.escalation.supervise` sends one report-back notice per overdue duty, to the deputy
and the leader, and looks again the day after each due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, final

import attrs

from ..calendars import WorkCalendar
from ..exceptions import EscalationError, UnknownTaskError
from ..tasks import Ledger
from ._decision import Notice, Recipient
from ._events import DeputyActed
from ._journal import SupervisionJournal
from ._policy import EscalationPolicy, NoticeKind, Target, policy_in_force
from ._rules import rule_due
from ._scan import _Acted, _Reported, _Scan, _Sup, checked_inputs, scans
from ._text import Reasons

if TYPE_CHECKING:
    from ._engine import _Run

__all__ = ["ReportBackDuty", "pending_report_backs"]


@final
@attrs.frozen
class ReportBackDuty:
    """A deputy's duty to report back to the leader they acted for (AB角 事后汇报).

    ``key`` is the :class:`~govops.escalation.DeputyActed` key (``"ab:<leader>:<act_seq>"``);
    ``act_seq``/``act_kind`` name the act's entry; ``acted_on`` is its local day and
    ``away_from``/``away_until`` the leader's absence. ``due`` is the last day to report back
    under the task's policy (``None`` when that policy does not track report-backs);
    ``reported_on`` the day the :class:`~govops.escalation.DeputyReportedBack` was recorded, if it
    was.
    """

    key: str
    task_id: str = attrs.field(kw_only=True)
    deputy: str = attrs.field(kw_only=True)
    leader: str = attrs.field(kw_only=True)
    act_seq: int = attrs.field(kw_only=True)
    act_kind: str = attrs.field(kw_only=True)
    acted_on: dt.date = attrs.field(kw_only=True)
    away_from: dt.date = attrs.field(kw_only=True)
    away_until: dt.date = attrs.field(kw_only=True)
    due: dt.date | None = attrs.field(kw_only=True)
    reported_on: dt.date | None = attrs.field(default=None, kw_only=True)

    def is_overdue(self, day: dt.date) -> bool:
        """True when the report is still owed after its due date on ``day``."""
        if self.due is None:
            return False
        return day > self.due and (self.reported_on is None or self.reported_on > day)

    def __str__(self) -> str:
        due = f", due {self.due.isoformat()}" if self.due else ""
        return (
            f"{self.task_id} {self.deputy} → {self.leader}: report back on entry {self.act_seq} "
            f"({self.act_kind}, {self.acted_on.isoformat()}; away "
            f"{self.away_from.isoformat()}–{self.away_until.isoformat()}){due}"
        )


def duties_of(first: _Scan, second: _Scan | None) -> tuple[_Acted, _Reported]:
    """The deputy acts and report-backs in the scans of the ledger and the journal."""
    if second is None or not second.acted:
        return first.acted, first.reported
    twice = sorted(set(first.acted) & set(second.acted))
    if twice:
        raise EscalationError(
            f"deputy acts {twice!r} (task, key) are recorded in both the ledger and the journal; "
            "record an act in one of them"
        )
    return {**first.acted, **second.acted}, {**first.reported, **second.reported}


def open_duties(
    first: _Scan, second: _Scan | None, tz: dt.tzinfo
) -> tuple[tuple[DeputyActed, dt.date], ...]:
    """The deputy acts not reported back, with their local day, in record order, from the
    scans of the ledger and the journal (``_scan.scans``)."""
    acted, reported = duties_of(first, second)
    return tuple(
        (event, at.astimezone(tz).date()) for k, (event, at) in acted.items() if k not in reported
    )


def due_date(
    event: DeputyActed,
    ledger: Ledger,
    policies: tuple[EscalationPolicy, ...],
    calendar: WorkCalendar,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> tuple[EscalationPolicy, dt.date | None]:
    """The policy the act's task follows and the last day to report back under it."""
    try:
        state = ledger.state(event.task_id, at=now)
    except UnknownTaskError:
        raise EscalationError(
            f"deputy act {event.key!r} is recorded for task {event.task_id!r}, which is not in "
            "the ledger"
        ) from None
    policy = policy_in_force(policies, state.assigned_at.astimezone(tz).date())
    if policy.report_back_within is None:
        return policy, None
    return policy, rule_due(policy.report_back_within, event.away_until, calendar)


def pending_report_backs(
    ledger: Ledger,
    *,
    policy: EscalationPolicy | Iterable[EscalationPolicy],
    calendar: WorkCalendar,
    now: dt.datetime,
    journal: SupervisionJournal | None = None,
) -> tuple[ReportBackDuty, ...]:
    """The deputies' report-backs still owed at ``now``, by due date (then task and key).

    A duty is owed from the :class:`~govops.escalation.DeputyActed` that
    :meth:`~govops.escalation.CoverPlan.record_as_deputy` records until a
    :class:`~govops.escalation.DeputyReportedBack` with its key; ``due`` follows the policy
    version the task was assigned under (``None`` when it does not track report-backs).

    >>> import datetime as dt, govops
    >>> from govops.tasks import Ledger
    >>> from govops.escalation import CITY_KEY_WORK_POLICY, pending_report_backs
    >>> cal = govops.calendar("CN")
    >>> now = dt.datetime(2026, 10, 12, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    >>> pending_report_backs(Ledger(calendar=cal), policy=CITY_KEY_WORK_POLICY, calendar=cal, now=now)
    ()
    """
    policies, tz, _ = checked_inputs(ledger, journal, policy, calendar, now)
    out = []
    for event, day in open_duties(*scans(ledger, journal, now, tz), tz):
        _, due = due_date(event, ledger, policies, calendar, now, tz)
        out.append(
            ReportBackDuty(
                event.key,
                task_id=event.task_id,
                deputy=event.deputy,
                leader=event.leader,
                act_seq=event.act_seq,
                act_kind=event.act_kind,
                acted_on=day,
                away_from=event.away_from,
                away_until=event.away_until,
                due=due,
            )
        )
    far = dt.date.max
    return tuple(sorted(out, key=lambda d: (d.due or far, d.task_id, d.act_seq, d.key)))


def report_back_notices(
    run: _Run,
    policies: tuple[EscalationPolicy, ...],
    duties: tuple[tuple[Any, dt.date], ...],
    facts: Mapping[str, _Sup],
) -> None:
    """A report-back notice for each deputy act still unreported after its due date, once."""
    today = run.today
    for event, acted_on in duties:
        policy, due = due_date(event, run.ledger, policies, run.calendar, run.now, run.tz)
        if due is None:
            continue
        if today <= due:
            run.candidates.append(due + dt.timedelta(days=1))
            continue
        key = f"{policy.label}:{event.task_id}:report_back:{event.key}"
        sup = facts.get(event.task_id)
        if sup is not None and any(e.key == key for e, _ in sup.issued):
            continue
        d = run.directory
        deputy, leader = d.person(event.deputy), d.person(event.leader)
        late = run.calendar.working_days_between(due, today)
        run.notices.append(
            Notice(
                key,
                task_id=event.task_id,
                level=f"report_back:{event.key}",
                kind=NoticeKind.REPORT_BACK,
                recipients=(
                    Recipient(
                        Target.DEPUTY_COVER,
                        event.deputy,
                        deputy.name if deputy else None,
                        acting_for=event.leader,
                    ),
                    Recipient(Target.DEPUTY_COVER, event.leader, leader.name if leader else None),
                ),
                reason=Reasons.report_back(
                    event.deputy,
                    event.leader,
                    acted_on,
                    event.act_kind,
                    event.act_seq,
                    (event.away_from, event.away_until),
                    due,
                    policy.report_back_within or "",
                    late,
                    run.lang,
                ),
                issued_on=today,
                policy=policy.label,
                lang=run.lang,
            )
        )
