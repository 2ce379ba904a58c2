"""Upcasting: events stored in an older shape of their kind load as the current one.

The golden files were written by ``tools/make_upcast_golden.py`` with the first shape of the
kind ``test_site_visit`` (one field, ``place``); this module defines its second shape
(``location`` and ``visitors``) and the upcaster between them, as a user changing an event
class would.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest

import govops.calendars as gc
from govops._record import EVENTS, VERSION_KEY, canonical
from govops.exceptions import IntegrityError, InvalidInputError
from govops.serialization import converter, from_json, to_json
from govops.store import EventStore
from govops.tasks import (
    Annotation,
    Event,
    Ledger,
    TaskAssigned,
    register_event_type,
    register_upcaster,
)

CAL = gc.calendar("CN")
GOLDEN = Path(__file__).parent / "golden"
LATER = dt.datetime(2026, 3, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@register_event_type
@attrs.frozen
class SiteVisit(Annotation):
    """Version 2: where, and who went."""

    kind: ClassVar[str] = "test_site_visit"
    location: str
    visitors: tuple[str, ...] = attrs.field(default=(), converter=tuple)


@register_upcaster("test_site_visit", 1)
def _place_became_location(fields: dict[str, Any]) -> dict[str, Any]:
    return {"task_id": fields["task_id"], "location": fields["place"], "visitors": []}


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "v1.db"
    shutil.copyfile(GOLDEN / "store_site_visit_v1.db", path)
    return path


def _visits(ledger: Ledger) -> list[Event]:
    return [e.event for e in ledger.entries if isinstance(e.event, SiteVisit)]


def test_a_store_of_the_older_shape_loads_as_the_current_one(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with EventStore(path, calendar=CAL) as store:
        assert store.verify() == 10  # every hash, over the events as they were recorded
        ledger = store.load()  # verify=True
        trusting = store.load(verify=False)
    assert _visits(ledger) == [
        SiteVisit("T0", "北桥"),
        SiteVisit("T1", "南桥"),
        SiteVisit("T0", "北桥东侧"),
    ]
    assert ledger == trusting
    ledger.verify()
    assert Ledger.from_entries(ledger.entries, calendar=CAL) == ledger


def test_the_store_goes_on_with_the_current_shape(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with EventStore(path, calendar=CAL) as store:
        ledger = store.load()
        later = ledger.record(SiteVisit("T1", "南桥", visitors=("李",)), actor="i", at=LATER)
        store.save(later, expected_version=ledger.version)
        store.snapshot()
        again = store.load()
        assert store.last_load is not None and store.last_load.snapshot == later.version
        store.verify()
    assert again == later
    assert _visits(again)[-1] == SiteVisit("T1", "南桥", visitors=("李",))
    (row,) = _rows(path, "SELECT event FROM entries WHERE seq = 11")
    assert json.loads(row[0])[VERSION_KEY] == 2  # a new entry carries its shape's version
    (row,) = _rows(path, "SELECT event FROM entries WHERE seq = 5")
    assert json.loads(row[0]) == ["test_site_visit", "T0", "北桥"]  # the old one is unchanged


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_a_json_file_of_the_older_shape_reads_and_writes_back_as_recorded() -> None:
    text = (GOLDEN / "upcast_site_visit_v1.json").read_text(encoding="utf-8")
    ledger = from_json(text, calendar=CAL)
    assert _visits(ledger)[0] == SiteVisit("T0", "北桥")
    assert to_json(ledger) + "\n" == text  # history is never rewritten
    later = ledger.record(SiteVisit("T0", "北桥"), actor="i", at=LATER)
    assert from_json(to_json(later), calendar=CAL) == later


def test_an_upcast_ledger_saved_elsewhere_loads_the_same(tmp_path: Path) -> None:
    with EventStore(_store(tmp_path), calendar=CAL) as store:
        ledger = store.load()
    with EventStore.create(tmp_path / "copy.db", calendar=CAL) as copy:
        copy.save(ledger, expected_version=0)
        assert copy.load() == ledger
        copy.verify()


def test_a_changed_old_row_is_still_found(tmp_path: Path) -> None:
    path = _store(tmp_path)
    _rows_commit(
        path, "UPDATE entries SET event = replace(event, '北桥东侧', '西桥') WHERE seq = 9"
    )
    with EventStore(path, calendar=CAL) as store, pytest.raises(IntegrityError, match="seq=9"):
        store.load()


def _rows_commit(path: Path, sql: str) -> None:
    import sqlite3

    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(sql)
    finally:
        db.close()


def test_versions_and_upcasters_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="versions 1 to 2"):
        converter.structure({"type": "test_site_visit", VERSION_KEY: 3, "task_id": "T1"}, Event)
    with pytest.raises(InvalidInputError, match="from version 1 failed"):
        converter.structure({"type": "test_site_visit", "task_id": "T1"}, Event)
    with pytest.raises(InvalidInputError, match="must read version 2"):
        EVENTS.register_upcaster("test_site_visit", 1, lambda fields: fields)
    with pytest.raises(InvalidInputError, match="must read version 1"):
        EVENTS.register_upcaster("task_accepted", 3, lambda fields: fields)


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("ledger*.json")))
def test_an_event_hashes_as_the_document_it_is_written_as(name: str) -> None:
    # What makes hashing an upcast event over its stored document exact: for every event whose
    # fields are all set by its __init__, the document the converter writes is, read back as
    # JSON, the canonical form the hash covers. TaskAssigned, whose task_id is its task's, is
    # the one exception, and its kind cannot be upcast.
    ledger = from_json((GOLDEN / name).read_text(encoding="utf-8"), calendar=CAL)
    for entry in ledger.entries:
        document = json.loads(json.dumps(converter.unstructure(entry.event)))
        hashed = json.loads(json.dumps(canonical(entry.event)))
        if isinstance(entry.event, TaskAssigned):
            assert hashed == {**document, "task_id": entry.event.task.id}
        else:
            assert document == hashed
    with pytest.raises(InvalidInputError, match="not set by its __init__"):
        register_upcaster("task_assigned", 1)(lambda fields: fields)
