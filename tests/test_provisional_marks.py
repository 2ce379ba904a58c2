"""Results that rest on estimated holidays say so, wherever they appear.

A scenario across the turn of 2026 into 2027 runs on a provisional calendar (the data as published
through 2026, 2027 estimated) and on the same data with the illustrative 2027 notice loaded: the
first is marked in the summary, the tables (and so the DataFrames), the bulletin and the charts; the
second nowhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import govops
from govops.assessment import KEY_WORK_SCORING
from govops.calendars import parse_notice
from govops.scenarios import Scenario, simulate, sweep
from govops.tasks import Deadline, Responsibility, Task, Unit

NOTICE_2027 = (Path(__file__).parent / "notices" / "2027-illustrative.txt").read_text(
    encoding="utf-8"
)
# The data as published through 2026, whatever the installed release carries.
PROVISIONAL = govops.calendar("CN", provisional=True, published_through=2026)
OFFICIAL = parse_notice(NOTICE_2027).apply_to(govops.calendar("CN", last_year=2026))
START, END = dt.date(2026, 12, 1), dt.date(2027, 1, 29)


def _run(cal: govops.WorkCalendar) -> object:
    unit = Unit("U1", "党政办")
    task = Task(
        "K1",
        "年度总结",
        category="key_task",
        responsibility=Responsibility(unit),
        deadline=Deadline.on(dt.date(2027, 1, 15)),
        start=dt.date(2026, 12, 1),
    )
    scenario = Scenario(
        "跨年", calendar=cal, units=[unit], tasks=[task], scoring=KEY_WORK_SCORING,
        assessment="month",
    )  # fmt: skip
    return simulate(scenario, start=START, end=END)


@pytest.fixture(scope="module")
def results() -> tuple[object, object]:
    return _run(PROVISIONAL), _run(OFFICIAL)


def test_summary_and_tables(results: tuple[object, object]) -> None:
    provisional, official = results
    assert provisional.provisional_years == (2027,)  # type: ignore[attr-defined]
    assert official.provisional_years == ()  # type: ignore[attr-defined]
    assert any("PROVISIONAL: 2027" in line for line in provisional.summary())  # type: ignore[attr-defined]
    assert not any("PROVISIONAL" in line for line in official.summary())  # type: ignore[attr-defined]
    tasks = provisional.tasks.records()  # type: ignore[attr-defined]
    assert [r["provisional"] for r in tasks] == [True]
    days = provisional.task_days.records()  # type: ignore[attr-defined]
    assert {r["day"].year for r in days if r["provisional"]} == {2027}
    assert not any(r["provisional"] for r in days if r["day"].year == 2026)
    assert not any(r["provisional"] for r in official.task_days.records())  # type: ignore[attr-defined]


def test_dataframes_carry_the_column(results: tuple[object, object]) -> None:
    pytest.importorskip("pandas")
    frames = results[0].to_pandas()  # type: ignore[attr-defined]
    for name in ("tasks", "task_days", "unit_periods"):
        assert frames[name].columns[-1] == "provisional"
    assert frames["tasks"]["provisional"].tolist() == [True]
    periods = frames["unit_periods"]
    assert periods.loc[periods["period"].str.contains("2027"), "provisional"].all()
    assert not periods.loc[periods["period"].str.contains("2026"), "provisional"].any()


def test_bulletins(results: tuple[object, object]) -> None:
    provisional, official = results
    january = provisional.bulletins[-1]  # type: ignore[attr-defined]
    assert january.provisional == (2027,)
    text = january.to_markdown()
    assert text.splitlines()[0].endswith("（临时）")
    assert "临时结果：2027年节假日安排尚未公布" in text
    assert provisional.bulletins[0].provisional == ()  # type: ignore[attr-defined]
    assert "临时" not in official.bulletins[-1].to_markdown()  # type: ignore[attr-defined]


def test_rule_sweeps() -> None:
    s = sweep("20个工作日内", dt.date(2026, 11, 20), dt.date(2026, 12, 20), calendar=PROVISIONAL)
    flags = {r.trigger: r.provisional for r in s.rows}
    assert flags[dt.date(2026, 11, 20)] is False and flags[dt.date(2026, 12, 20)] is True
    assert s.table().columns[-1] == "provisional"
    assert any("PROVISIONAL" in line for line in s.summary())


def test_charts(results: tuple[object, object]) -> None:
    pytest.importorskip("matplotlib")
    from govops import plots

    provisional, official = results
    for fig in (
        plots.calendar_heatmap(PROVISIONAL, 2027),
        plots.s_curve(provisional),  # type: ignore[arg-type]
        plots.notices_over_time(provisional),  # type: ignore[arg-type]
    ):
        ax = fig.axes[0]
        assert "临时：2027年节假日为估算" in ax.get_title()
        assert any(t.get_text() == "临时 PROVISIONAL" for t in ax.texts)
    for fig in (plots.calendar_heatmap(OFFICIAL, 2027), plots.s_curve(official)):  # type: ignore[arg-type]
        ax = fig.axes[0]
        assert "临时" not in ax.get_title()
        assert not any("PROVISIONAL" in t.get_text() for t in ax.texts)


def test_explanations_and_the_calendar() -> None:
    rule = govops.parse_rule("20个工作日内")
    assert rule.explain(dt.date(2026, 12, 20), calendar=PROVISIONAL).provisional
    assert "2027年节假日安排尚未公布" in str(
        rule.explain(dt.date(2026, 12, 20), calendar=PROVISIONAL)
    )
    assert not rule.explain(dt.date(2026, 12, 20), calendar=OFFICIAL).provisional
    assert PROVISIONAL.describe(dt.date(2027, 1, 1)).provisional
    assert not OFFICIAL.describe(dt.date(2027, 1, 1)).provisional
