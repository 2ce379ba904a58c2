"""Event stores for ledgers (an edge module: it touches files and databases).

:class:`Store` is what a ledger's store does, whichever database keeps it: :class:`SQLiteStore`
(also named :class:`EventStore`, the default: one file, nothing to run) and :class:`PostgresStore`
(a PostgreSQL database shared by many writers on many machines, with the ``postgres`` extra)
implement it with the same promises. A database holds many ledgers, each named by an id
(``"default"`` when none is given) and each a hash chain of its own.

In an SQLite file, a ledger's entries are rows of the table ``entries`` (the event as JSON, the
hash as its 32 bytes; each ``prev_hash`` is the hash of the row before, not stored), its policy
and head a row of ``ledgers``; ``meta`` keeps the schema mark and the layout of each kind of
event, and ``shared`` the values tasks share. An event is stored as a JSON array of its kind and
its values, in the order its kind's layout names them (``["progress_reported","T1",40.0,null,"",[]]``
with the layout ``["task_id","percent","quantity","note","attachments"]``), which reads back about
twice as fast as an object of named values. A task's responsibility, deadline, source and plan are
stored once each in the ``shared`` table and the task refers to them by ``id``
(``"responsibility":3``): tasks of one office share them. Rows stored as objects with every value
in place, as earlier versions wrote them, are read too, and so is a layout other than the class's
own. The hash chain covers the events, not this encoding.

A store never acknowledges what it could not load back: ``append`` and ``save`` check each entry
as ``load`` does, and a store that has lost entries, tables or bytes is refused when opened.
Writers use optimistic concurrency: ``append`` says which version it extends, and if another
writer got there first it raises :class:`~govops.exceptions.ConcurrencyError` and writes nothing;
the caller reloads and tries again. Each append is one transaction, so a crash or a killed
process never leaves half a batch behind. See ``docs/explanation/record.md``.

>>> import datetime as dt, tempfile, pathlib, govops.calendars as gc
>>> from govops.tasks import Ledger, Task, TaskAssigned, Deadline, Responsibility, Unit
>>> cst = dt.timezone(dt.timedelta(hours=8))
>>> task = Task("T1", "Repair the bridge", category="key_works",
...             responsibility=Responsibility(Unit("roads", "Roads office")),
...             deadline=Deadline.on(dt.date(2026, 6, 30)))
>>> cal = gc.calendar("CN")
>>> ledger = Ledger(calendar=cal).record(TaskAssigned(task), actor="office",
...                                      at=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "ledger.db"
...     with EventStore.create(path, calendar=cal) as store:
...         store.save(ledger, expected_version=0)
...     with EventStore(path, calendar=cal, mode="ro") as store:
...         store.load() == ledger
...     with EventStore.create(path, "parks", calendar=cal) as parks:  # a second ledger
...         parks.ledgers(), parks.version
1
True
(['default', 'parks'], 0)

Both stores keep snapshots of each ledger's projection (:meth:`SQLiteStore.snapshot`, and by
itself every ``snapshot_every`` entries, :data:`SNAPSHOT_EVERY` by default): a load starts from
the latest one that matches the chain, the policy and the calendar, and replays only the entries
after it. ``last_load`` says what the last load did:

>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "ledger.db"
...     with EventStore.create(path, calendar=cal) as store:
...         store.save(ledger, expected_version=0)
...         store.snapshot()
...         store.load() == ledger
...         store.last_load
1
1
True
LoadReport(version=1, snapshot=1, replayed=0, ignored=())
"""

from ._common import DEFAULT_LEDGER as DEFAULT_LEDGER
from ._common import Store as Store
from ._head import StoreHead as StoreHead
from ._postgres import POSTGRES_SCHEMA as POSTGRES_SCHEMA
from ._postgres import PostgresStore as PostgresStore
from ._snapshots import SNAPSHOT_EVERY as SNAPSHOT_EVERY
from ._snapshots import LoadReport as LoadReport
from ._sqlite import STORE_SCHEMA as STORE_SCHEMA
from ._sqlite import EventStore as EventStore
from ._sqlite import SQLiteStore as SQLiteStore

__all__ = [
    "DEFAULT_LEDGER",
    "POSTGRES_SCHEMA",
    "SNAPSHOT_EVERY",
    "STORE_SCHEMA",
    "EventStore",
    "LoadReport",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoreHead",
]
