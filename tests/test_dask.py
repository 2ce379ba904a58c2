"""Sweeps on dask.distributed: a 2-worker LocalCluster gives the in-process result."""

from __future__ import annotations

import datetime as dt

import pytest

import govops
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.scenarios import Duty, ProgressModel, Scenario, run_sweep
from govops.tasks import Unit

distributed = pytest.importorskip("distributed")


def _baseline() -> Scenario:
    return Scenario(
        "baseline",
        calendar=govops.calendar("CN"),
        units=[Unit(f"U{i}", f"单位{i}") for i in range(8)],
        rules={"report": "at quarter-end plus 2 days"},
        duties=[Duty("QR", "季度报告", deadline="report", every="每季度最后一个工作日", effort=2)],
        progress=ProgressModel(unit_spread=0.4, task_spread=0.3),
        escalation=CITY_KEY_WORK_POLICY,
    )


def test_a_sweep_on_a_two_worker_local_cluster_equals_the_in_process_run() -> None:
    base = _baseline()
    scenarios = {
        "baseline": base,
        "reform": base.with_rule("report", "at quarter-end plus 2 working days"),
    }
    kwargs = {"seeds": range(3), "start": dt.date(2026, 1, 1), "end": dt.date(2026, 10, 31)}
    local = run_sweep(scenarios, **kwargs)  # type: ignore[arg-type]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        remote = run_sweep(scenarios, executor=client, **kwargs)  # type: ignore[arg-type]
    assert remote == local
    assert len(local) == 6
    assert local.column("label") == ["baseline"] * 3 + ["reform"] * 3
    rates = local.column("on_time_rate")
    assert all(r <= s for r, s in zip(rates[:3], rates[3:], strict=True))


def _sweep_kwargs() -> dict[str, object]:
    return {"seeds": range(4), "start": dt.date(2026, 1, 1), "end": dt.date(2026, 4, 30)}


class _Recording:
    """A dask client that records what the sweep sends: scenarios scattered, batches submitted."""

    def __init__(self, client: distributed.Client) -> None:
        self._client = client
        self.scattered: list[object] = []
        self.submitted: list[tuple[object, ...]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    def scatter(self, data: object, **kwargs: object) -> object:
        self.scattered.append(data)
        return self._client.scatter(data, **kwargs)

    def submit(self, fn: object, *args: object, **kwargs: object) -> object:
        self.submitted.append(args)
        return self._client.submit(fn, *args, **kwargs)


def test_each_scenario_goes_to_the_workers_once_and_seeds_go_in_batches() -> None:
    base = _baseline()
    scenarios = {"baseline": base, "reform": base.with_rule("report", "季度末后两个工作日内")}
    local = run_sweep(scenarios, **_sweep_kwargs())  # type: ignore[arg-type]
    done: list[tuple[int, int]] = []
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        recording = _Recording(client)
        remote = run_sweep(
            scenarios,
            executor=recording,
            batch=2,
            on_progress=lambda d, t: done.append((d, t)),
            **_sweep_kwargs(),  # type: ignore[arg-type]
        )
        # The profiler is off on every worker.
        running = client.run(
            lambda dask_worker: dask_worker.periodic_callbacks["profile"].is_running()
        )
    assert remote == local
    assert recording.scattered == [scenarios["baseline"], scenarios["reform"]]
    # Two batches of two seeds per scenario, each naming its scenario by a future, not a copy.
    assert len(recording.submitted) == 4
    assert all(isinstance(args[1], distributed.Future) for args in recording.submitted)
    assert sorted(len(args[2]) for args in recording.submitted) == [2, 2, 2, 2]  # type: ignore[arg-type]
    assert [t for _, t in done] == [8] * 4 and sorted(d for d, _ in done) == [2, 4, 6, 8]
    assert not any(running.values())


def test_a_failing_run_keeps_the_finished_rows_on_every_executor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from govops.scenarios import _parallel

    real = _parallel.simulate

    def flaky(scenario: Scenario, **kwargs: object) -> object:
        if scenario.progress.seed == 2:
            raise ZeroDivisionError("seed 2 broke")
        return real(scenario, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_parallel, "simulate", flaky)
    base = _baseline()
    with (
        ThreadPoolExecutor(2) as pool,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        tables = [
            run_sweep({"b": base}, executor=executor, batch=3, **_sweep_kwargs())  # type: ignore[arg-type]
            for executor in (None, pool, client)
        ]
    for table in tables:
        assert table == tables[0]
        assert table.column("seed") == [0, 1, 2, 3]
        assert table.column("error") == [None, None, "ZeroDivisionError: seed 2 broke", None]
        assert table.column("tasks")[2] is None
        assert all(t is not None for i, t in enumerate(table.column("tasks")) if i != 2)


def test_a_process_pool_gives_the_in_process_table() -> None:
    from concurrent.futures import ProcessPoolExecutor

    base = _baseline()
    local = run_sweep({"b": base}, **_sweep_kwargs())  # type: ignore[arg-type]
    with ProcessPoolExecutor(2) as pool:
        assert run_sweep({"b": base}, executor=pool, **_sweep_kwargs()) == local  # type: ignore[arg-type]


def test_a_batch_must_hold_a_seed() -> None:
    from govops.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError, match="batch=0"):
        run_sweep({"b": _baseline()}, batch=0, **_sweep_kwargs())  # type: ignore[arg-type]
