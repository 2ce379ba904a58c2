"""A web app turns a GovopsError into a 400 with its message: every public constructor refuses a
bad choice with one, naming the value and listing the valid choices, when the value is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import govops
from govops.escalation import Level, Overdue
from govops.exceptions import GovopsError
from govops.tasks import (
    Deadline,
    Ledger,
    Person,
    ProgressPolicy,
    Responsibility,
    Source,
    Task,
    Unit,
    WarningIssued,
)

D = dt.date
R = Responsibility(Unit("u", "U"))
CAL = govops.calendar("CN")
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))

CASES: list[tuple[str, Callable[[], Any], list[str]]] = [
    ("task category", lambda: Task("T", "t", category="foo", responsibility=R, deadline=Deadline.on(D(2026, 1, 1))), ["'foo'", "key_project", "other"]),
    ("unit kind", lambda: Unit("u", "U", kind="ministry"), ["'ministry'", "department"]),
    ("role", lambda: Person("p", "P", roles=["boss"]), ["'boss'", "leader_in_charge"]),
    ("source kind", lambda: Source("memo", "x"), ["'memo'", "document"]),
    ("recipient", lambda: Level("x", kind="reminder", condition=Overdue(), to=["boss"]), ["'boss'", "principal"]),
    ("light", lambda: WarningIssued("T", "purple"), ["'purple'", "yellow"]),
    ("basis", lambda: ProgressPolicy(basis="hours"), ["'hours'", "working_days"]),
    ("roll", lambda: CAL.roll(D(2026, 1, 1), "forward"), ["'forward'", "following"]),
    ("period", lambda: govops.period_of(D(2026, 1, 1), "fortnight"), ["'fortnight'", "quarter"]),
    ("rule text", lambda: Deadline.from_rule("within two dayz", trigger=D(2026, 1, 1)), ["'dayz'", "working days"]),
    ("schedule as deadline", lambda: Deadline.from_rule("every Monday", trigger=D(2026, 1, 1)), ["'every Monday'", "schedule"]),
    ("warning language", lambda: Ledger(calendar=CAL).warnings(now=NOW, lang="fr"), ["'fr'", "'zh'"]),
]  # fmt: skip


@pytest.mark.parametrize(("what", "make", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_choice_is_our_error_naming_it_and_the_choices(
    what: str, make: Callable[[], Any], fragments: list[str]
) -> None:
    with pytest.raises(GovopsError) as info:
        make()
    assert isinstance(info.value, ValueError)  # and the builtin it refines
    for fragment in fragments:
        assert fragment in str(info.value), what
