"""What a reform changes: two simulation results side by side, task by task and unit by unit."""

from __future__ import annotations

import datetime as dt
from typing import Any, final

import attrs

from ..exceptions import ScenarioError
from ..rules import parse_rule
from ._simulate import SimulationResult
from ._table import Table

__all__ = ["Comparison", "compare"]

_CHANGE_COLUMNS = (
    "task_id",
    "unit_id",
    "due_a",
    "due_b",
    "on_time_a",
    "on_time_b",
    "notices_a",
    "notices_b",
    "why",
)
_UNIT_COLUMNS = ("unit_id", "score_a", "score_b", "rank_a", "rank_b", "notices_a", "notices_b")


@final
@attrs.frozen(eq=False)
class Comparison:
    """Baseline ``a`` against reform ``b``.

    ``changes``: one row per task whose due date, punctuality or notices differ, with ``why`` (for
    a due date, how each rule reached it). ``units``: per unit, the final score and rank and the
    notices received in each run. ``only_a``/``only_b``: tasks that exist in one run only.
    """

    a: SimulationResult
    b: SimulationResult
    changes: Table
    units: Table
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]

    @property
    def due_dates_changed(self) -> int:
        """How many tasks of both runs have a different due date."""
        return sum(r[2] != r[3] for r in self.changes.rows)

    def metrics(self) -> list[tuple[str, Any, Any]]:
        """``(measure, baseline, reform)`` for the headline figures."""
        a, b = self.a, self.b
        rows: list[tuple[str, Any, Any]] = [
            ("tasks", len(a.tasks), len(b.tasks)),
            ("completed", a.completed, b.completed),
            ("on-time rate", _rate(a.on_time_rate), _rate(b.on_time_rate)),
            ("units flagged red", len(a.flagged_units), len(b.flagged_units)),
        ]
        sa, sb = a.final_scores(), b.final_scores()
        if sa or sb:
            rows.append(("mean final score", _mean(sa), _mean(sb)))
        kinds = sorted(set(a.notices_by_kind) | set(b.notices_by_kind))
        rows += [
            (f"notices: {k}", a.notices_by_kind.get(k, 0), b.notices_by_kind.get(k, 0))
            for k in kinds
        ]
        return rows

    def table(self) -> Table:
        """:meth:`metrics` as a table (measure, baseline, reform)."""
        return Table("comparison", ("measure", "baseline", "reform"), self.metrics())

    def summary(self) -> list[str]:
        """The comparison for a terminal or a notebook."""
        lines = [f"baseline {self.a.scenario.name!r} against reform {self.b.scenario.name!r}"]
        width = max(len(m) for m, _, _ in self.metrics())
        for measure, x, y in self.metrics():
            lines.append(f"  {measure:<{width}}  {x!s:>8} → {y!s}")
        lines.append(
            f"  {len(self.changes)} tasks changed ({self.due_dates_changed} due dates); "
            f"{len(self.only_a)} only in the baseline, {len(self.only_b)} only in the reform"
        )
        lines += [f"    {_short(row)}" for row in self.changes.rows[:5]]
        if len(self.changes) > 5:
            lines.append(f"    … {len(self.changes) - 5} more")
        return lines

    def to_pandas(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (needs ``govops[notebook]``)."""
        return {
            "metrics": self.table().to_pandas(),
            "changes": self.changes.to_pandas(),
            "units": self.units.to_pandas(),
        }

    def _repr_html_(self) -> str:
        import html

        head = "<br>".join(html.escape(line) for line in self.summary())
        return f"<div>{head}</div>" + self.changes._repr_html_()


def _short(row: tuple[Any, ...]) -> str:
    task_id, _unit, due_a, due_b, on_a, on_b, n_a, n_b, _why = row
    parts = [task_id + ":"]
    if due_a != due_b:
        parts.append(f"due {due_a} → {due_b}")
    if on_a != on_b:
        parts.append(f"{_punctual(on_a)} → {_punctual(on_b)}")
    if n_a != n_b:
        parts.append(f"notices {n_a} → {n_b}")
    return " ".join(parts)


def _punctual(flag: bool | None) -> str:
    return "open" if flag is None else ("on time" if flag else "late")


def _mean(scores: dict[str, tuple[float, int]]) -> str:
    if not scores:
        return "n/a"
    return f"{sum(s for s, _ in scores.values()) / len(scores):.1f}"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _why_due(result: SimulationResult, rule: str | None, trigger: dt.date | None) -> str:
    if not rule or trigger is None:
        return "fixed date"
    explanation = parse_rule(rule).explain(trigger, calendar=result.scenario.calendar)
    steps = [s.en for s in explanation.steps if s.kind in ("offset", "roll")]
    return f"{rule}: " + "; ".join(steps)


def compare(a: SimulationResult, b: SimulationResult) -> Comparison:
    """Compare a baseline result ``a`` with a reform result ``b`` of the same period.

    Tasks are matched by id, so a reform that keeps the duties and tasks (and changes a rule, a
    policy or the progress model) compares task by task.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, SimulationResult):
            raise ScenarioError(f"{name}={value!r}; expected a SimulationResult from simulate()")
    if (a.start, a.end) != (b.start, b.end):
        raise ScenarioError(
            f"the runs cover different periods ({a.start}–{a.end} and {b.start}–{b.end}); "
            "simulate both over the same dates"
        )
    ta = {r["task_id"]: r for r in a.tasks.records()}
    tb = {r["task_id"]: r for r in b.tasks.records()}
    rows = []
    for tid, ra in ta.items():
        rb = tb.get(tid)
        if rb is None:
            continue
        keys = ("due", "on_time", "notices")
        if all(ra[k] == rb[k] for k in keys):
            continue
        why: list[str] = []
        if ra["due"] != rb["due"]:
            why.append(
                f"due {ra['due']} → {rb['due']} "
                f"(baseline {_why_due(a, ra['rule'], ra['trigger'])} | "
                f"reform {_why_due(b, rb['rule'], rb['trigger'])})"
            )
        if ra["on_time"] != rb["on_time"]:
            done = rb["completed_on"]
            why.append(
                f"completed {done} is {'on time' if rb['on_time'] else 'late'} under the reform, "
                f"{'on time' if ra['on_time'] else 'late'} in the baseline"
            )
        if ra["notices"] != rb["notices"]:
            why.append(f"notices {ra['notices']} → {rb['notices']}")
        rows.append(
            (
                tid,
                ra["unit_id"],
                ra["due"],
                rb["due"],
                ra["on_time"],
                rb["on_time"],
                ra["notices"],
                rb["notices"],
                "; ".join(why),
            )
        )
    sa, sb = a.final_scores(), b.final_scores()
    na = a.notices.count_by("unit_id")
    nb = b.notices.count_by("unit_id")
    unit_ids = sorted(
        {u.id for u in a.scenario.all_units()} | {u.id for u in b.scenario.all_units()}
    )
    unit_rows = [
        (
            uid,
            sa.get(uid, (None, None))[0],
            sb.get(uid, (None, None))[0],
            sa.get(uid, (None, None))[1],
            sb.get(uid, (None, None))[1],
            na.get((uid,), 0),
            nb.get((uid,), 0),
        )
        for uid in unit_ids
    ]
    return Comparison(
        a,
        b,
        Table("changes", _CHANGE_COLUMNS, rows),
        Table("units", _UNIT_COLUMNS, unit_rows),
        tuple(sorted(set(ta) - set(tb))),
        tuple(sorted(set(tb) - set(ta))),
    )
