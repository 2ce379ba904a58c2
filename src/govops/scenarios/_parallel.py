"""Parameter sweeps: many scenarios × many seeds, in-process or on a dask cluster.

The same function runs everywhere: :func:`run_sweep` hands ``(label, scenario, seed)`` jobs to an
executor (a ``dask.distributed.Client`` for a ``LocalCluster`` or a remote scheduler, a
``concurrent.futures`` executor, or nothing for in-process) and gets back small
:class:`RunSummary` values, which pickle cheaply; the ledgers stay on the workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, final

import attrs

from ..exceptions import InvalidTypeError, ScenarioError
from ._model import ProgressModel, Scenario
from ._simulate import SimulationResult, simulate
from ._table import Table

__all__ = ["RunSummary", "run_sweep", "summarize"]


@final
@attrs.frozen
class RunSummary:
    """The headline figures of one run, small enough to ship back from a worker."""

    label: str
    seed: int = attrs.field(kw_only=True)
    tasks: int = attrs.field(kw_only=True)
    completed: int = attrs.field(kw_only=True)
    on_time_rate: float | None = attrs.field(kw_only=True)
    notices: tuple[tuple[str, int], ...] = attrs.field(kw_only=True)
    flagged_units: int = attrs.field(kw_only=True)
    mean_score: float | None = attrs.field(kw_only=True)

    def notices_of(self, kind: str) -> int:
        """How many notices of ``kind`` the run issued."""
        return dict(self.notices).get(kind, 0)


def summarize(result: SimulationResult, *, label: str | None = None) -> RunSummary:
    """The :class:`RunSummary` of a simulation result."""
    scores = [score for score, _ in result.final_scores().values()]
    return RunSummary(
        label if label is not None else result.scenario.name,
        seed=result.scenario.progress.seed,
        tasks=len(result.tasks),
        completed=result.completed,
        on_time_rate=result.on_time_rate,
        notices=tuple(result.notices_by_kind.items()),
        flagged_units=len(result.flagged_units),
        mean_score=sum(scores) / len(scores) if scores else None,
    )


@final
@attrs.frozen
class _Job:
    label: str
    scenario: Scenario
    start: dt.date
    end: dt.date


def run_one(job: _Job) -> RunSummary:
    """Simulate one job (a module-level function, so that workers can import it)."""
    result = simulate(job.scenario, start=job.start, end=job.end, task_days=False)
    return summarize(result, label=job.label)


_COLUMNS = (
    "label",
    "seed",
    "tasks",
    "completed",
    "on_time_rate",
    "assignments",
    "reminders",
    "supervisions",
    "interviews",
    "flagged_units",
    "mean_score",
)


def run_sweep(
    scenarios: Mapping[str, Scenario] | Sequence[Scenario],
    *,
    seeds: Iterable[int],
    start: dt.date,
    end: dt.date,
    executor: Any = None,
) -> Table:
    """Simulate every scenario with every seed and return one row per run.

    ``scenarios``: a mapping ``label -> scenario`` (e.g. ``{"baseline": b, "reform": r}``) or a
    sequence (labelled by name). ``executor``: ``None`` runs in this process; a
    ``dask.distributed.Client`` runs on its cluster (local or remote); any object with a
    ``map(fn, jobs)`` method (``concurrent.futures``) works too. Rows come back in job order,
    whatever ran where, so the table is the same on one machine or fifty.
    """
    if isinstance(scenarios, Mapping):
        labelled = list(scenarios.items())
    else:
        labelled = [(s.name, s) for s in scenarios]
    for label, sc in labelled:
        if not isinstance(sc, Scenario):
            raise InvalidTypeError(f"scenarios[{label!r}]={sc!r}; expected a Scenario")
    seed_list = list(seeds)
    if not labelled or not seed_list:
        raise ScenarioError("a sweep needs at least one scenario and one seed")
    jobs = [
        _Job(label, sc.evolve(progress=_reseed(sc.progress, seed)), start, end)
        for label, sc in labelled
        for seed in seed_list
    ]
    if executor is None:
        results = [run_one(job) for job in jobs]
    elif hasattr(executor, "gather"):  # dask.distributed.Client
        futures = executor.map(run_one, jobs, pure=False)
        results = list(executor.gather(futures))
    else:
        results = list(executor.map(run_one, jobs))
    rows = [
        (
            r.label,
            r.seed,
            r.tasks,
            r.completed,
            r.on_time_rate,
            r.notices_of("assignment"),
            r.notices_of("reminder"),
            r.notices_of("supervision"),
            r.notices_of("interview"),
            r.flagged_units,
            r.mean_score,
        )
        for r in results
    ]
    return Table("runs", _COLUMNS, rows)


def _reseed(model: ProgressModel, seed: int) -> ProgressModel:
    return attrs.evolve(model, seed=seed)
