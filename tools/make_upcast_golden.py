"""Write the golden files of an event kind's first shape, for the upcasting tests.

``tests/golden/store_site_visit_v1.db`` and ``tests/golden/upcast_site_visit_v1.json`` hold a
ledger with annotations of the kind ``test_site_visit`` as its first version had it: one field,
``place``. ``tests/test_upcasting.py`` reads them with the kind's second shape (``location`` and
``visitors``) and an upcaster. Run ``python tools/make_upcast_golden.py`` only to remake them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import attrs

import govops.calendars as gc
from govops.serialization import to_json
from govops.store import EventStore
from govops.tasks import (
    Annotation,
    Category,
    Deadline,
    Ledger,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    Unit,
    register_event_type,
)

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden"


@register_event_type
@attrs.frozen
class SiteVisit(Annotation):
    """Version 1: where the visit was."""

    kind: ClassVar[str] = "test_site_visit"
    place: str


def main() -> None:
    cal = gc.calendar("CN")
    at = dt.datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    ledger = Ledger(calendar=cal)
    for i in range(2):
        task = Task(
            f"T{i}",
            f"修复桥梁 {i}",
            category=Category.KEY_TASK,
            responsibility=Responsibility(Unit("roads", "交通局")),
            deadline=Deadline.on(dt.date(2026, 6, 30)),
        )
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at)
        ledger = ledger.record(TaskAccepted(task.id), actor="roads", at=at)
    for k, (task_id, place) in enumerate([("T0", "北桥"), ("T1", "南桥"), ("T0", "北桥东侧")]):
        when = at + dt.timedelta(days=k + 1)
        ledger = ledger.record(SiteVisit(task_id, place), actor="inspector", at=when)
        ledger = ledger.record(
            ProgressReported(task_id, percent=10.0 * (k + 1)), actor="roads", at=when
        )
    store_path = GOLDEN / "store_site_visit_v1.db"
    store_path.unlink(missing_ok=True)
    with EventStore.create(store_path, calendar=cal) as store:
        store.save(ledger, expected_version=0)
    (GOLDEN / "upcast_site_visit_v1.json").write_text(to_json(ledger) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
