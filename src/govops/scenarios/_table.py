"""A small tidy table: named columns, rows of plain values, and the ways out of it.

Results keep their tables as tuples of plain values (dates, strings, numbers) so that they pickle,
compare and hash like every other govops value, and so that the core does not need pandas. pandas is
imported only when :meth:`Table.to_pandas` is called (``pip install 'govops[notebook]'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, final

import attrs

from ..exceptions import InvalidInputError

__all__ = ["Table", "optional_import"]


def optional_import(module: str, *, extra: str, purpose: str) -> Any:
    """Import an optional dependency, or raise an ``ImportError`` that says how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{purpose} needs the optional package {module!r}: pip install 'govops[{extra}]'"
        ) from exc


def _columns(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rows(value: Iterable[Iterable[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(r) for r in value)


@final
@attrs.frozen
class Table:
    """A tidy table: one row per observation, one column per variable.

    >>> import datetime as dt
    >>> t = Table("due", ("task_id", "due"), [("T1", dt.date(2024, 10, 8))])
    >>> len(t), t.column("due")
    (1, [datetime.date(2024, 10, 8)])
    >>> t.records()
    [{'task_id': 'T1', 'due': datetime.date(2024, 10, 8)}]
    >>> print(t.to_csv(), end="")
    task_id,due
    T1,2024-10-08
    """

    name: str
    columns: tuple[str, ...] = attrs.field(converter=_columns)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=_rows, repr=False)

    def __attrs_post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise InvalidInputError(
                    f"table {self.name!r} row {i} has {len(row)} values; expected {width} "
                    f"({', '.join(self.columns)})"
                )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"<Table {self.name!r}: {len(self.rows)} rows × {len(self.columns)} columns>"

    def _index(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise InvalidInputError(
                f"table {self.name!r} has no column {name!r}; columns: {', '.join(self.columns)}"
            ) from None

    def column(self, name: str) -> list[Any]:
        """The values of one column, in row order."""
        i = self._index(name)
        return [row[i] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def where(self, predicate: Callable[[Mapping[str, Any]], bool]) -> Table:
        """The rows for which ``predicate(record)`` is true, as a new table."""
        keep = [row for row in self.rows if predicate(dict(zip(self.columns, row, strict=True)))]
        return Table(self.name, self.columns, keep)

    def count_by(self, *names: str) -> dict[tuple[Any, ...], int]:
        """How many rows share each combination of the values of ``names``, sorted by key."""
        idx = [self._index(n) for n in names]
        counts: dict[tuple[Any, ...], int] = {}
        for row in self.rows:
            key = tuple(row[i] for i in idx)
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: tuple(map(str, item[0]))))

    def to_csv(self) -> str:
        """The table as CSV text (dates in ISO form); writing it to a file is the caller's job."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_plain(v) for v in row])
        return out.getvalue()

    def to_pandas(self) -> Any:
        """A :class:`pandas.DataFrame` (dates become ``datetime64`` columns); needs pandas."""
        pd = optional_import("pandas", extra="notebook", purpose="Table.to_pandas()")
        frame = pd.DataFrame.from_records(list(self.rows), columns=list(self.columns))
        for name in self.columns:
            values = frame[name]
            if len(values) and all(
                isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values
            ):
                frame[name] = pd.to_datetime(values)
        return frame

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the first 20 rows as an HTML table."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(_plain(v)))}</td>" for v in row) + "</tr>"
            for row in self.rows[:20]
        )
        more = f"<p>… {len(self.rows) - 20} more rows</p>" if len(self.rows) > 20 else ""
        return (
            f"<div><strong>{html.escape(self.name)}</strong> "
            f"({len(self.rows)} rows)<table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}</div>"
        )


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if value is None:
        return ""
    return value
