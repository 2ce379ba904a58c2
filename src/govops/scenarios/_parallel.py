"""Parameter sweeps: many scenarios × many seeds, in-process, on a process pool or on dask.

The same function runs everywhere: :func:`run_sweep` cuts each scenario's seeds into batches and
runs :func:`run_batch` on them wherever the executor says (a ``dask.distributed.Client`` for a
``LocalCluster`` or a remote scheduler, a ``concurrent.futures`` executor, or nothing for
in-process). A scenario with its calendar goes to the dask workers once (scattered), not once per
seed; each batch returns small :class:`RunSummary` values, which pickle cheaply, and the ledgers
stay on the workers. Results are gathered as they finish, so a progress callback moves and a run
that fails costs its own row only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, final

import attrs

from ..exceptions import InvalidInputError, InvalidTypeError, ScenarioError
from ._model import ProgressModel, Scenario
from ._simulate import SimulationResult, simulate
from ._table import Table

__all__ = ["RunFailure", "RunSummary", "run_batch", "run_sweep", "summarize"]


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
class RunFailure:
    """A run that raised: its label, seed and the error, so the sweep keeps every other row."""

    label: str
    seed: int = attrs.field(kw_only=True)
    error: str = attrs.field(kw_only=True)


def run_batch(
    label: str, scenario: Scenario, seeds: Sequence[int], start: dt.date, end: dt.date
) -> list[RunSummary | RunFailure]:
    """Simulate ``scenario`` once per seed (a module-level function, so that workers import it).

    An error in one run is that run's :class:`RunFailure`; the batch goes on with the next seed.
    """
    return [_run(label, scenario, seed, start, end) for seed in seeds]


def _run(
    label: str, scenario: Scenario, seed: int, start: dt.date, end: dt.date
) -> RunSummary | RunFailure:
    try:
        seeded = scenario.evolve(progress=_reseed(scenario.progress, seed))
        result = simulate(seeded, start=start, end=end, task_days=False)
    except Exception as e:  # one failed run must not lose the others
        return RunFailure(label, seed=seed, error=f"{type(e).__name__}: {e}")
    return summarize(result, label=label)


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
    "error",
)

Progress = Callable[[int, int], None]
_Batch = tuple[str, tuple[int, ...]]


def run_sweep(
    scenarios: Mapping[str, Scenario] | Sequence[Scenario],
    *,
    seeds: Iterable[int],
    start: dt.date,
    end: dt.date,
    executor: Any = None,
    batch: int | None = None,
    on_progress: Progress | None = None,
) -> Table:
    """Simulate every scenario with every seed and return one row per run.

    ``scenarios``: a mapping ``label -> scenario`` (e.g. ``{"baseline": b, "reform": r}``) or a
    sequence (labelled by name). ``executor``: ``None`` runs in this process; a
    ``dask.distributed.Client`` runs on its cluster (local or remote); a ``concurrent.futures``
    executor (``ProcessPoolExecutor``) on its pool; any other object with a ``map(fn, ...)``
    method works too. Rows come back in job order (scenario by scenario, seed by seed), whatever
    ran where, so the table is the same on one machine or fifty.

    ``batch``: how many seeds one task runs (default: enough for about four tasks per worker and
    scenario, so that the workers stay busy and the per-task cost is paid rarely).
    ``on_progress(done, total)`` is called as runs finish (a progress bar; ``done`` counts runs).

    A run that raises does not stop the sweep: its row keeps its label and seed, its figures are
    ``None`` and ``error`` says what happened (``None`` in every row that ran).
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
    if batch is not None and (type(batch) is not int or batch < 1):
        raise InvalidInputError(f"batch={batch!r}; expected a whole number of seeds, at least 1")
    size = batch or _batch_size(len(seed_list), _workers(executor))
    batches: list[_Batch] = [
        (label, tuple(seed_list[i : i + size]))
        for label, _ in labelled
        for i in range(0, len(seed_list), size)
    ]
    scenario_of = dict(labelled)
    total = len(labelled) * len(seed_list)
    done: dict[tuple[str, int], RunSummary | RunFailure] = {}

    def finished(batch: _Batch, results: list[RunSummary | RunFailure]) -> None:
        for result in results:
            done[(batch[0], result.seed)] = result
        if on_progress is not None:
            on_progress(len(done), total)

    if executor is None:
        for b in batches:
            finished(b, run_batch(b[0], scenario_of[b[0]], b[1], start, end))
    elif hasattr(executor, "scatter"):  # dask.distributed.Client
        _on_dask(executor, batches, scenario_of, start, end, finished)
    elif hasattr(executor, "submit"):  # concurrent.futures
        _on_pool(executor, batches, scenario_of, start, end, finished)
    else:
        results = executor.map(
            run_batch,
            *zip(*((b[0], scenario_of[b[0]], b[1], start, end) for b in batches), strict=True),
        )
        for b, result in zip(batches, results, strict=True):
            finished(b, result)
    rows = [_row(done[(label, seed)]) for label, _ in labelled for seed in seed_list]
    return Table("runs", _COLUMNS, rows)


def _workers(executor: Any) -> int:
    if executor is None:
        return 1
    if hasattr(executor, "scheduler_info"):
        return max(1, len(executor.scheduler_info().get("workers", {})))
    return max(1, int(getattr(executor, "_max_workers", 1) or 1))


def _batch_size(seeds: int, workers: int) -> int:
    # About four batches per worker and scenario: few enough that the cost of a task is paid
    # rarely, enough that a slow batch does not leave the other workers idle at the end.
    return max(1, math.ceil(seeds / (4 * workers)))


def _failed(batch: _Batch, error: BaseException) -> list[RunSummary | RunFailure]:
    message = f"{type(error).__name__}: {error}"
    return [RunFailure(batch[0], seed=seed, error=message) for seed in batch[1]]


def _quiet_profiler(dask_worker: Any) -> None:
    # The workers' statistical profiler samples every stack 100 times a second, a fifth of the
    # time of a pure-Python simulation; a sweep does not need it.
    for name in ("profile", "profile-cycle"):
        callback = dask_worker.periodic_callbacks.get(name)
        if callback is not None:
            callback.stop()


def _on_dask(
    client: Any,
    batches: list[_Batch],
    scenario_of: dict[str, Scenario],
    start: dt.date,
    end: dt.date,
    finished: Callable[[_Batch, list[RunSummary | RunFailure]], None],
) -> None:
    from distributed import as_completed

    with contextlib.suppress(Exception):  # a worker without the callbacks still runs the sweep
        client.run(_quiet_profiler)
    # Each scenario (with its calendar) goes to every worker once; batches refer to it.
    sent = {
        label: client.scatter(sc, broadcast=True, hash=False) for label, sc in scenario_of.items()
    }
    futures = {
        client.submit(run_batch, b[0], sent[b[0]], b[1], start, end, pure=False): b for b in batches
    }
    for future in as_completed(futures):  # type: ignore[no-untyped-call]  # distributed is untyped
        b = futures[future]
        try:
            results = future.result()
        except Exception as e:  # a lost worker costs its batch only
            results = _failed(b, e)
        future.release()
        finished(b, results)


def _on_pool(
    executor: Any,
    batches: list[_Batch],
    scenario_of: dict[str, Scenario],
    start: dt.date,
    end: dt.date,
    finished: Callable[[_Batch, list[RunSummary | RunFailure]], None],
) -> None:
    from concurrent.futures import as_completed

    futures = {
        executor.submit(run_batch, b[0], scenario_of[b[0]], b[1], start, end): b for b in batches
    }
    for future in as_completed(futures):
        b = futures[future]
        try:
            results = future.result()
        except Exception as e:  # a broken process costs its batch only
            results = _failed(b, e)
        finished(b, results)


def _row(r: RunSummary | RunFailure) -> tuple[Any, ...]:
    if isinstance(r, RunFailure):
        return (r.label, r.seed, *([None] * 9), r.error)
    return (
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
        None,
    )


def _reseed(model: ProgressModel, seed: int) -> ProgressModel:
    return attrs.evolve(model, seed=seed)
