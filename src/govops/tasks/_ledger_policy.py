"""The procedural rules a ledger is kept under, and the event that changes them.

A :class:`LedgerPolicy` says who may confirm a completion and whether a deadline change needs
approval; it changes what later entries mean, so it is part of the record: a ledger starts under
the policy it is made with and every change is a :class:`PolicyChanged` entry in its hash chain,
in force from that entry on (see ``docs/explanation/record.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, final

import attrs

from .._checks import instance_of
from .._record import EVENTS, RecordEvent
from ..exceptions import InvalidInputError, InvalidTypeError
from ._governance import ListChangeRules

__all__ = ["CoverWindow", "LedgerPolicy", "PolicyChanged"]


def _cover_id(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a non-empty person id")


def _cover_day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date")


@final
@attrs.frozen
class CoverWindow:
    """``leader`` is away from ``start`` to ``end`` (local days, both included) and ``deputy``
    acts for them (AB角): B may then sign off what A would, and the ledger records that B did so as
    deputy. Build them from a :class:`govops.escalation.CoverPlan` with ``plan.windows()``.
    """

    leader: str = attrs.field(validator=_cover_id)
    deputy: str = attrs.field(validator=_cover_id)
    start: dt.date = attrs.field(kw_only=True, validator=_cover_day)
    end: dt.date = attrs.field(kw_only=True, validator=_cover_day)
    reason: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.leader == self.deputy:
            raise InvalidInputError(f"{self.leader!r} cannot be their own deputy")
        if self.end < self.start:
            raise InvalidInputError(
                f"cover window for {self.leader!r} ends {self.end.isoformat()}, before it "
                f"starts {self.start.isoformat()}"
            )

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` is inside the window."""
        return self.start <= day <= self.end


def _cover(value: Any) -> tuple[CoverWindow, ...]:
    if isinstance(value, CoverWindow):
        raise InvalidTypeError(f"cover={value!r} is one window; expected a tuple of CoverWindow")
    items = tuple(value)
    for item in items:
        if not isinstance(item, CoverWindow):
            raise InvalidTypeError(f"cover contains {item!r}; expected CoverWindow values")
    for a in items:
        for b in items:
            # B cannot act for A while B is away too (AB角: 不断档).
            if b.leader == a.deputy and a.start <= b.end and b.start <= a.end:
                raise InvalidInputError(
                    f"{a.deputy!r} covers for {a.leader!r} from {a.start.isoformat()} to "
                    f"{a.end.isoformat()} but is away from {b.start.isoformat()} to "
                    f"{b.end.isoformat()}; one of A and B must stay"
                )
    return tuple(sorted(items, key=lambda w: (w.start, w.leader, w.end, w.deputy)))


def _rules_type(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, ListChangeRules):
        raise InvalidTypeError(f"list_changes={value!r}; expected a ListChangeRules or None")


@final
@attrs.frozen
class LedgerPolicy:
    """The procedural rules a ledger enforces.

    ``deadline_change_requires_approval``: a requested deadline takes effect only when approved
    (otherwise at once). ``confirmation_requires_leader``: only the task's leader in charge may
    confirm its completion (办结 needs the leader's sign-off) — or, on a day inside one of the
    ``cover`` windows of that leader, their deputy (AB角), and the task's state then records
    ``confirmed_as_deputy_for``. ``list_changes``: the rules for removing, adjusting and
    reassigning tasks on a governed list such as the key-project list (``None``: any actor, any
    day, as ledgers did before; see :class:`ListChangeRules`).
    """

    deadline_change_requires_approval: bool = attrs.field(default=True, kw_only=True)
    confirmation_requires_leader: bool = attrs.field(default=True, kw_only=True)
    cover: tuple[CoverWindow, ...] = attrs.field(default=(), kw_only=True, converter=_cover)
    list_changes: ListChangeRules | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_rules_type)
    )

    def deputy_window(self, leader: str, deputy: str, day: dt.date) -> CoverWindow | None:
        """The cover window in which ``deputy`` acts for ``leader`` on ``day``, if any."""
        for window in self.cover:
            if window.leader == leader and window.deputy == deputy and window.covers(day):
                return window
        return None


@final
@attrs.frozen
class PolicyChanged(RecordEvent):
    """The ledger's :class:`LedgerPolicy` became ``policy``, from this entry on.

    Entries before it keep the meaning they were recorded with (a completion confirmed by a
    deputy stays confirmed when the cover window is later removed); the entries after it are
    checked under the new policy. Recording it is the only way a ledger's policy changes, so the
    change is hashed into the chain like every other event.

    >>> import datetime as dt, govops
    >>> from govops.tasks import Ledger, LedgerPolicy, PolicyChanged
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> ledger = Ledger(calendar=govops.calendar("CN")).record(
    ...     PolicyChanged(LedgerPolicy(deadline_change_requires_approval=False)),
    ...     actor="office", at=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
    >>> ledger.policy.deadline_change_requires_approval, ledger.policy_at(0) == LedgerPolicy()
    (False, True)
    """

    kind: ClassVar[str] = "policy_changed"
    policy: LedgerPolicy = attrs.field(validator=instance_of(LedgerPolicy))


EVENTS.register(PolicyChanged)
