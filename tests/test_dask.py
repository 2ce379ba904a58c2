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
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
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
