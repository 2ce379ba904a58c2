"""Benchmark the scenario simulation (issue 7 §4); run by ``make bench``.

Two figures (``time.perf_counter``):

* one simulated year for 1,000 units: each unit owes a monthly and a quarterly report, has one
  key work with quarterly targets and reports progress weekly; the city's supervision ladder runs
  every working day and the units are scored each quarter (target ≤ 60 s, with the task-day table);
* a parameter sweep of 400 runs (a baseline and a reform × 200 seeds, 20 units each) in process,
  on a 2-process pool and on a ``dask.distributed.LocalCluster`` with 2 worker processes: the
  speed-up with workers (target ≥ 1.6× on 2 cores).

This is a report, not a test: its exit status is 0 whatever the timings.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import govops
from govops.assessment import KEY_WORK_SCORING
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.scenarios import Duty, ProgressModel, Scenario, run_sweep, simulate
from govops.tasks import Category, Deadline, Milestone, Plan, Responsibility, Task, Unit

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 20)


def scenario(units: int, seed: int = 1) -> Scenario:
    us = [Unit(f"U{i:04d}", f"单位{i}") for i in range(units)]
    targets = ((dt.date(2026, 3, 31), 20), (dt.date(2026, 6, 30), 45), (dt.date(2026, 9, 30), 75))
    tasks = [
        Task(
            f"K{u.id}",
            "重点工作",
            category=Category.KEY_TASK,
            responsibility=Responsibility(u),
            deadline=Deadline.on(dt.date(2026, 12, 15)),
            start=dt.date(2026, 1, 5),
            plan=Plan(
                [Milestone(f"Q{q}", d, cumulative_percent=p) for q, (d, p) in enumerate(targets, 1)]
            ),
        )
        for u in us
    ]
    return Scenario(
        f"{units} units",
        calendar=govops.calendar("CN"),
        units=us,
        tasks=tasks,
        rules={"monthly": "月底后两天", "quarterly": "季度末后两天"},
        duties=[
            Duty("MR", "月报", deadline="monthly", every="每月最后一个工作日"),
            Duty("QR", "季报", deadline="quarterly", every="每季度最后一个工作日", effort=2),
        ],
        progress=ProgressModel(
            seed=seed, unit_spread=0.3, task_spread=0.2, report_noise=2, catch_up=0.3
        ),
        escalation=CITY_KEY_WORK_POLICY,
        scoring=KEY_WORK_SCORING,
        reporting="every Friday",
    )


def year_of_1000_units() -> None:
    sc = scenario(1000)
    t0 = time.perf_counter()
    result = simulate(sc, start=START, end=END)
    elapsed = time.perf_counter() - t0
    verdict = "ok" if elapsed <= 60 else "OVER TARGET"
    print(
        f"1,000 units × one year: {elapsed:.1f} s (target ≤ 60 s, {verdict}); "
        f"{len(result.tasks):,} tasks, {len(result.ledger):,} ledger entries, "
        f"{len(result.notices):,} notices, {len(result.task_days):,} task-days"
    )


def _spin(_: int) -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - t0


def machine_parallelism() -> float:
    """How much faster two processes finish two equal CPU-bound jobs than one process does."""
    import multiprocessing

    t0 = time.perf_counter()
    _spin(0)
    _spin(1)
    serial = time.perf_counter() - t0
    with multiprocessing.Pool(2) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [0, 1])
        parallel = time.perf_counter() - t0
    return serial / parallel


def sweep_speedup() -> None:
    """400 runs × 20 units (a baseline and a reform × 200 seeds), in process, on a 2-process pool
    and on a 2-worker LocalCluster: each scenario goes to the workers once, seeds go in batches."""
    base = scenario(20)
    scenarios = {"baseline": base, "reform": base.with_rule("quarterly", "季度末后两个工作日内")}
    kwargs = {"seeds": range(200), "start": START, "end": END}
    print(f"  load average before the sweep: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    local = run_sweep(scenarios, **kwargs)  # type: ignore[arg-type]
    serial = time.perf_counter() - t0
    print(f"sweep of 400 runs × 20 units, in process: {serial:.1f} s")
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        pool.submit(int).result()  # processes up before the clock starts
        t0 = time.perf_counter()
        pooled = run_sweep(scenarios, executor=pool, **kwargs)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - t0
    assert pooled == local
    print(f"  on a ProcessPoolExecutor(2): {elapsed:.1f} s, speed-up {serial / elapsed:.2f}×")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("dask.distributed is not installed: pip install 'govops[dask]' for the speed-up")
        return
    print(
        f"  this machine runs 2 CPU-bound processes {machine_parallelism():.2f}× as fast as 1 "
        "(the ceiling for the speed-up with 2 workers)"
    )
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: None)  # workers up before the clock starts
        t0 = time.perf_counter()
        remote = run_sweep(scenarios, executor=client, **kwargs)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - t0
    assert remote == local
    verdict = "ok" if serial / elapsed >= 1.6 else "UNDER TARGET"
    print(
        f"  on a LocalCluster with 2 worker processes: {elapsed:.1f} s, speed-up "
        f"{serial / elapsed:.2f}× (target ≥ 1.6×, {verdict}; same table: yes)"
    )
    print(f"  load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    year_of_1000_units()
    sweep_speedup()
