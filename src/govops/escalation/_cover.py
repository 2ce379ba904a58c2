"""Deputy cover (AB角): while a leader is away, a fixed deputy acts for them and reports back.

A :class:`CoverPlan` pairs each leader (A) with a fixed deputy (B) and lists the absences. It
decides who receives a notice addressed to A on a given day, and records what B does for A with
the fact that B acted as deputy: the act, then a :class:`~govops.escalation.DeputyActed` that
leaves B a duty to report back to A (事后汇报), which :func:`~govops.escalation.supervise` tracks.
A and B may not both be away on the same day: the plan refuses it, because then nobody would hold
the work (不断档、不拖延).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar, cast, final

import attrs

from .._checks import text, to_tuple
from .._time import SHANGHAI, as_local_date, require_aware
from ..exceptions import EscalationError, InvalidInputError, InvalidTypeError
from ..tasks import CoverWindow
from ._events import DeputyActed

__all__ = ["Absence", "Acting", "CoverPlan"]


_text = text(empty=False)


def _day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date")


@final
@attrs.frozen
class Absence:
    """``person_id`` is away from ``start`` to ``end`` (both days included), for ``reason``."""

    person_id: str = attrs.field(validator=_text)
    start: dt.date = attrs.field(kw_only=True, validator=_day)
    end: dt.date = attrs.field(kw_only=True, validator=_day)
    reason: str = attrs.field(default="", kw_only=True, validator=text())

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInputError(
                f"absence of {self.person_id!r} ends {self.end.isoformat()}, before it starts "
                f"{self.start.isoformat()}"
            )

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` is inside the absence."""
        return self.start <= day <= self.end


@final
@attrs.frozen
class Acting:
    """Who acts for ``person_id`` on a day: themselves, or ``deputy_id`` (AB角) during ``absence``."""

    person_id: str
    deputy_id: str | None = None
    absence: Absence | None = None

    @property
    def acting_id(self) -> str:
        """The id of whoever acts: the deputy when there is one, else the person."""
        return self.deputy_id if self.deputy_id is not None else self.person_id

    @property
    def is_deputy(self) -> bool:
        """True when a deputy acts."""
        return self.deputy_id is not None


class _Recorder(Protocol):
    @property
    def version(self) -> int: ...

    def record(self, event: Any, *, actor: str, at: dt.datetime, reason: str = "") -> Any: ...


R = TypeVar("R", bound=_Recorder)


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = tuple(value.items()) if isinstance(value, Mapping) else to_tuple(value)
    for item in items:
        if (
            not isinstance(item, tuple)
            or len(item) != 2
            or not all(isinstance(x, str) and x.strip() for x in item)
        ):
            raise InvalidInputError(f"deputies contains {item!r}; expected (leader id, deputy id)")
        if item[0] == item[1]:
            raise InvalidInputError(f"{item[0]!r} cannot be their own deputy")
    leaders = [a for a, _ in items]
    if len(set(leaders)) != len(leaders):
        raise InvalidInputError(f"each leader has one fixed deputy; got {items!r}")
    return tuple(sorted(items))


def _absences(value: Iterable[Absence]) -> tuple[Absence, ...]:
    items = to_tuple(value)
    for item in items:
        if not isinstance(item, Absence):
            raise InvalidTypeError(f"absences contains {item!r}; expected Absence values")
    return tuple(sorted(items, key=lambda a: (a.start, a.person_id, a.end)))


@final
@attrs.frozen
class CoverPlan:
    """Fixed deputies and absences; who acts for whom on which day.

    >>> import datetime as dt
    >>> plan = CoverPlan({"wang": "li"}, absences=[
    ...     Absence("wang", start=dt.date(2026, 8, 3), end=dt.date(2026, 8, 7), reason="training")])
    >>> plan.acting("wang", dt.date(2026, 8, 4)).acting_id
    'li'
    >>> plan.with_absence(Absence("li", start=dt.date(2026, 8, 6), end=dt.date(2026, 8, 6)))
    Traceback (most recent call last):
    ...
    govops.exceptions.EscalationError: 'wang' and their deputy 'li' would both be away on 2026-08-06 ...
    """

    deputies: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    absences: tuple[Absence, ...] = attrs.field(default=(), kw_only=True, converter=_absences)

    def __attrs_post_init__(self) -> None:
        deputy_of = dict(self.deputies)
        for a in self.absences:
            deputy = deputy_of.get(a.person_id)
            if deputy is None:
                continue  # nobody is assigned: notices keep going to the person, see acting()
            for b in self.absences:
                if b.person_id == deputy and a.start <= b.end and b.start <= a.end:
                    day = max(a.start, b.start)
                    raise EscalationError(
                        f"{a.person_id!r} and their deputy {deputy!r} would both be away on "
                        f"{day.isoformat()} ({a.start.isoformat()}–{a.end.isoformat()} and "
                        f"{b.start.isoformat()}–{b.end.isoformat()}); one of them must stay "
                        "(AB角: 不断档)"
                    )

    def with_absence(self, absence: Absence) -> CoverPlan:
        """A new plan with ``absence`` added (refused if A and B would both be away)."""
        return attrs.evolve(self, absences=(*self.absences, absence))

    def deputy_of(self, person_id: str) -> str | None:
        """The fixed deputy of ``person_id``, if any."""
        return dict(self.deputies).get(person_id)

    def windows(self) -> tuple[CoverWindow, ...]:
        """The plan's absences of leaders with a fixed deputy, as ledger cover windows.

        Pass them to the ledger's policy (``LedgerPolicy(cover=plan.windows())`` for a new
        ledger, a :class:`~govops.tasks.PolicyChanged` entry for one already kept) so that the
        deputy may confirm a completion (办结) while the leader is away; absences of people without
        a deputy are left out, since nobody acts for them.
        """
        deputy_of = dict(self.deputies)
        return tuple(
            CoverWindow(
                a.person_id,
                deputy_of[a.person_id],
                start=a.start,
                end=a.end,
                reason=a.reason,
            )
            for a in self.absences
            if a.person_id in deputy_of
        )

    def acting(self, person_id: str, day: dt.date) -> Acting:
        """Who acts for ``person_id`` on ``day``."""
        deputy = self.deputy_of(person_id)
        if deputy is not None:
            for a in self.absences:
                if a.person_id == person_id and a.covers(day):
                    return Acting(person_id, deputy, a)
        return Acting(person_id)

    def record_as_deputy(
        self,
        target: R,
        event: Any,
        *,
        deputy: str,
        on_behalf_of: str,
        at: dt.datetime,
        reason: str = "",
        tz: dt.tzinfo = SHANGHAI,
    ) -> R:
        """Record ``event`` in ``target`` (a ledger or journal) as done by ``deputy`` for
        ``on_behalf_of``; the reason says so. Refused unless ``deputy`` is the fixed deputy and
        ``on_behalf_of`` is away on that (local) day.

        A :class:`~govops.escalation.DeputyActed` follows the act in the same record, at the same
        time: the deputy's duty to report back to the leader (事后汇报), keyed
        ``"ab:<leader>:<seq of the act>"``. Record a
        :class:`~govops.escalation.DeputyReportedBack` with that key when the report is made; until
        then :func:`~govops.escalation.pending_report_backs` lists it, and once the policy's
        ``report_back_within`` has passed :func:`~govops.escalation.supervise` sends a report-back
        notice to both. All or nothing: if either entry is refused, nothing is recorded.

        A :class:`~govops.tasks.CompletionConfirmed` recorded this way is accepted by a ledger whose
        policy holds the plan's windows (``LedgerPolicy(cover=plan.windows())``), and the task's
        state then names the leader in ``confirmed_as_deputy_for``.
        """
        require_aware(at, name="at")
        day = as_local_date(at, tz, name="at")
        acting = self.acting(on_behalf_of, day)
        if acting.deputy_id != deputy or acting.absence is None:
            raise EscalationError(
                f"{deputy!r} cannot act for {on_behalf_of!r} on {day.isoformat()}: "
                + (
                    f"the fixed deputy is {self.deputy_of(on_behalf_of)!r}"
                    if self.deputy_of(on_behalf_of) != deputy
                    else f"{on_behalf_of!r} is not away that day"
                )
            )
        a = acting.absence
        note = (
            f"AB角: {deputy} acting for {on_behalf_of} ({a.start.isoformat()}–{a.end.isoformat()}"
            + (f", {a.reason}" if a.reason else "")
            + "); to be reported back"
        )
        text = f"{note}. {reason}" if reason else note
        acted = target.record(event, actor=deputy, at=at, reason=text)
        seq = acted.version
        duty = DeputyActed(
            event.task_id,
            DeputyActed.key_for(on_behalf_of, seq),
            deputy=deputy,
            leader=on_behalf_of,
            away_from=a.start,
            away_until=a.end,
            act_seq=seq,
            act_kind=str(getattr(event, "kind", type(event).__name__)),
        )
        owed = (
            note.removesuffix("; to be reported back")
            + f": report back on entry {seq} ({duty.act_kind}) once back (事后汇报)"
        )
        return cast(R, acted.record(duty, actor=deputy, at=at, reason=owed))
