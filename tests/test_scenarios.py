"""Scenarios: rule sweeps, simulation, what-if comparison (govops.scenarios)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govops
from govops.assessment import KEY_WORK_SCORING
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.exceptions import InvalidInputError, RuleError, ScenarioError
from govops.meetings import presets
from govops.rules import parse_rule
from govops.scenarios import (
    Duty,
    ProgressModel,
    Scenario,
    Table,
    compare,
    compare_readings,
    simulate,
    sweep,
    with_count_unit,
)
from govops.tasks import Deadline, Responsibility, Task, Unit

CAL = govops.calendar("CN")
D = dt.date


# -- sweeps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "within 2 days after the meeting",
        "会后两日内报送",
        "within 20 working days",
        "within 1 month",
    ],
)
def test_every_due_date_is_a_working_day_after_its_trigger(text: str) -> None:
    rule = parse_rule(text)
    s = sweep(rule, D(2024, 1, 1), D(2025, 12, 20), calendar=CAL)
    assert len(s) == (D(2025, 12, 20) - D(2024, 1, 1)).days + 1
    for row in s.rows:
        assert CAL.is_working_day(row.due)
        assert row.due == rule.due(row.trigger, calendar=CAL)
        assert row.rolled == (row.due != row.nominal)
        assert row.calendar_days == (row.due - row.trigger).days
        if row.lands_on_holiday:
            assert row.rolled and row.holiday


def test_quarter_end_sweep_counts_national_day() -> None:
    s = sweep("季度末后两天", D(2024, 1, 1), D(2026, 9, 30), calendar=CAL)
    assert [r.trigger.month for r in s.rows] == [3, 6, 9, 12] * 2 + [3, 6, 9]
    assert s.holidays["国庆节"] == 3
    q3 = [r for r in s.rows if r.trigger.month == 9]
    assert [str(r.due) for r in q3] == ["2024-10-08", "2025-10-09", "2026-10-08"]
    assert s.spread("working_days") == (1, 2)
    assert "fell on a holiday" in "\n".join(s.summary())


def test_sweep_triggers_can_be_working_days_or_given_dates() -> None:
    working = sweep(
        "within 2 days", D(2024, 9, 23), D(2024, 10, 13), calendar=CAL, triggers="working days"
    )
    assert all(CAL.is_working_day(r.trigger) for r in working.rows)
    assert D(2024, 9, 29) in [r.trigger for r in working.rows]  # a make-up Sunday
    given = sweep(
        "within 2 days",
        D(2024, 1, 1),
        D(2024, 12, 31),
        calendar=CAL,
        triggers=[D(2024, 9, 27), D(2023, 1, 1)],
    )
    assert [r.trigger for r in given.rows] == [D(2024, 9, 27)]
    assert given.rows[0].due == D(2024, 9, 29)


def test_sweep_refuses_what_it_cannot_sweep() -> None:
    with pytest.raises(ScenarioError, match="schedule"):
        sweep("every Monday", D(2024, 1, 1), D(2024, 2, 1), calendar=CAL)
    with pytest.raises(InvalidInputError, match="before start"):
        sweep("within 2 days", D(2024, 2, 1), D(2024, 1, 1), calendar=CAL)
    with pytest.raises(InvalidInputError, match="triggers='weekdays'"):
        sweep("within 2 days", D(2024, 1, 1), D(2024, 2, 1), calendar=CAL, triggers="weekdays")  # type: ignore[arg-type]
    with pytest.raises(RuleError):
        sweep("within two fortnights", D(2024, 1, 1), D(2024, 2, 1), calendar=CAL)
    last = CAL.published_through  # a sweep of its last December runs past the data
    with pytest.raises(govops.CalendarCoverageError):
        sweep("within 2 days", D(last, 12, 1), D(last, 12, 31), calendar=CAL)


def test_the_two_readings_of_a_count() -> None:
    rule = parse_rule("会后两日内报送")
    other = with_count_unit(rule, "working_day")
    assert other == parse_rule("report within 2 working days after the meeting")
    assert with_count_unit(other, "day") == rule
    assert with_count_unit("季度末后两天", "working_day") == parse_rule(
        "at quarter-end plus 2 working days"
    )
    with pytest.raises(ScenarioError, match="counts no days"):
        with_count_unit("every Monday", "day")


def test_compare_readings_puts_the_working_day_reading_never_earlier() -> None:
    c = compare_readings(
        "within 2 days after the meeting",
        "within 2 working days after the meeting",
        D(2024, 1, 1),
        D(2026, 12, 20),
        calendar=CAL,
    )
    lo, hi = c.spread()
    assert lo == 0 and hi >= 1
    assert c.differing == sum(r[3] != 0 for r in c.table().rows)
    with pytest.raises(ScenarioError, match="not two readings"):
        compare_readings(
            "季度末后两天", "within 2 days", D(2024, 1, 1), D(2024, 3, 1), calendar=CAL
        )


# -- tables ---------------------------------------------------------------------------------------


def test_table_views() -> None:
    t = Table("t", ("a", "b"), [(1, D(2024, 1, 2)), (2, None)])
    assert t.records()[1] == {"a": 2, "b": None}
    assert len(t.where(lambda r: r["a"] > 1)) == 1
    assert t.count_by("a") == {(1,): 1, (2,): 1}
    assert t.to_csv() == "a,b\n1,2024-01-02\n2,\n"
    assert "<table>" in t._repr_html_()
    with pytest.raises(InvalidInputError, match="no column 'c'"):
        t.column("c")
    with pytest.raises(InvalidInputError, match="row 0 has 1 values"):
        Table("t", ("a", "b"), [(1,)])


def test_to_pandas_makes_date_columns_datetimes() -> None:
    pd = pytest.importorskip("pandas")
    frame = sweep("within 2 days", D(2024, 9, 1), D(2024, 9, 30), calendar=CAL).to_pandas()
    assert list(frame.columns)[:3] == ["trigger", "due", "nominal"]
    assert pd.api.types.is_datetime64_any_dtype(frame["due"])
    assert len(frame) == 30


# -- scenarios ------------------------------------------------------------------------------------

UNITS = [Unit(f"U{i}", f"第{i}科") for i in range(6)]


def quarterly(seed: int = 7, **changes: object) -> Scenario:
    sc = Scenario(
        "quarterly report",
        calendar=CAL,
        units=UNITS,
        rules={"quarterly_report": "at quarter-end plus 2 days"},
        duties=[
            Duty(
                "QR",
                "季度报告",
                deadline="quarterly_report",
                every="every quarter on the last working day",
                effort=2,
            )
        ],
        progress=ProgressModel(seed=seed, unit_spread=0.4, task_spread=0.3, catch_up=0.3),
        escalation=CITY_KEY_WORK_POLICY,
        scoring=KEY_WORK_SCORING,
    )
    return sc.evolve(**changes) if changes else sc


def test_scenario_checks_itself() -> None:
    base = quarterly()
    with pytest.raises(ScenarioError, match="not in the scenario"):
        base.evolve(
            duties=[
                Duty("X", "x", deadline="within 2 days", every="every Monday", units=("nobody",))
            ]
        )
    with pytest.raises(ScenarioError, match="duty 'X' deadline"):
        base.evolve(duties=[Duty("X", "x", deadline="within two fortnights", every="every Monday")])
    with pytest.raises(ScenarioError, match="is a deadline, not a schedule"):
        base.evolve(duties=[Duty("X", "x", deadline="within 2 days", every="within 3 days")])
    with pytest.raises(ScenarioError, match="meeting 'nope'"):
        base.evolve(duties=[Duty("X", "x", deadline="within 2 days", every="meeting:nope")])
    with pytest.raises(ScenarioError, match="repeated"):
        base.evolve(units=[UNITS[0], UNITS[0]])
    with pytest.raises(ScenarioError, match="no rule 'nope'"):
        base.with_rule("nope", "within 2 days")
    with pytest.raises(InvalidInputError, match="pace"):
        ProgressModel(pace=0)


def test_simulation_is_deterministic_per_seed() -> None:
    sc = quarterly()
    a = simulate(sc, start=D(2026, 1, 1), end=D(2026, 10, 31))
    b = simulate(pickle.loads(pickle.dumps(sc)), start=D(2026, 1, 1), end=D(2026, 10, 31))
    for name, table in a.tables().items():
        assert table == b.tables()[name], name
    assert a.ledger.head_hash == b.ledger.head_hash
    c = simulate(quarterly(seed=8), start=D(2026, 1, 1), end=D(2026, 10, 31))
    assert c.tasks != a.tasks


def test_simulation_tables_are_consistent() -> None:
    r = simulate(quarterly(), start=D(2026, 1, 1), end=D(2026, 10, 31))
    assert len(r.tasks) == 3 * len(UNITS)  # Mar, Jun and Sep quarter-ends
    assert r.completed == len(r.tasks)
    assert set(r.notices_by_kind) >= {"assignment"}
    assert r.notices_by_kind["assignment"] == len(r.tasks)
    # Every task of the ledger is in the table, every completion in the event log.
    assert set(r.tasks.column("task_id")) == set(r.ledger.task_ids)
    kinds = r.events.count_by("kind")
    assert kinds[("task_completed",)] == r.completed
    assert kinds[("notice_issued",)] == len(r.notices)
    # Warnings: each change is recorded once, from the light before to the light after.
    for row in r.warnings.records():
        assert row["before"] != row["after"]
    for row in r.tasks.records():
        if row["on_time"] is False:
            assert row["working_days_late"] > 0
    assert [str(b.period) for b in r.bulletins] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert len(r.unit_periods) == 4 * len(UNITS)
    assert r.ledger.verify() is None
    assert "quarterly report" in r._repr_html_()


def test_units_that_keep_to_plan_are_never_late() -> None:
    sc = quarterly(progress=ProgressModel.planned()).evolve(
        duties=[
            Duty(
                "QR",
                "季度报告",
                deadline="quarterly_report",
                every="every quarter on the last working day",
                effort=1,
            )
        ]
    )
    r = simulate(sc, start=D(2026, 1, 1), end=D(2026, 10, 31), step="day")
    assert r.on_time_rate == 1.0
    assert r.flagged_units == ()
    assert set(r.notices_by_kind) == {"assignment"}


def test_plan_tasks_follow_their_milestones() -> None:
    from govops.tasks import Milestone, Plan

    task = Task(
        "P1",
        "道路工程",
        category="key_project",
        responsibility=Responsibility(UNITS[0]),
        deadline=Deadline.on(D(2026, 6, 30)),
        start=D(2026, 1, 5),
        plan=Plan([Milestone("m1", D(2026, 3, 31), cumulative_percent=60)]),
    )
    sc = Scenario("plan", calendar=CAL, tasks=[task], reporting="every Friday")
    r = simulate(sc, start=D(2026, 1, 1), end=D(2026, 7, 31))
    reports = [e for e in r.events.records() if e["kind"] == "progress_reported"]
    march = [e for e in reports if e["day"] == D(2026, 3, 27)]
    assert march and 55 <= float(march[0]["detail"].rstrip("%")) <= 60
    assert r.tasks.records()[0]["completed_on"] == D(2026, 6, 30)
    assert r.tasks.records()[0]["on_time"] is True
    assert all(v is None for v in r.task_days.column("light")[:5])


def test_a_reform_changes_due_dates_only_where_the_readings_differ() -> None:
    base = quarterly()
    reform = base.with_rule("quarterly_report", "at quarter-end plus 2 working days")
    a = simulate(base, start=D(2026, 1, 1), end=D(2026, 10, 31))
    b = simulate(reform, start=D(2026, 1, 1), end=D(2026, 10, 31))
    c = compare(a, b)
    assert c.only_a == c.only_b == ()
    changed_due = [r for r in c.changes.records() if r["due_a"] != r["due_b"]]
    # Mar 31 + 2 = Apr 2 and Jun 30 + 2 = Jul 2 are working days either way; National Day is not.
    assert {r["due_a"] for r in changed_due} == {D(2026, 10, 8)}
    assert {r["due_b"] for r in changed_due} == {D(2026, 10, 9)}
    assert all("rolled forward" in r["why"] for r in changed_due)
    assert c.due_dates_changed == len(UNITS)
    assert (b.on_time_rate or 0) >= (a.on_time_rate or 0)
    measures = [m for m, _, _ in c.metrics()]
    assert measures[:3] == ["tasks", "completed", "on-time rate"]
    assert len(c.units) == len(UNITS)
    assert "tasks changed" in "\n".join(c.summary())
    with pytest.raises(ScenarioError, match="different periods"):
        compare(a, simulate(base, start=D(2026, 1, 1), end=D(2026, 9, 30)))


def test_duties_triggered_by_meetings() -> None:
    sc = Scenario(
        "meeting follow-up",
        calendar=CAL,
        units=UNITS[:2],
        meetings=[presets.LEADERSHIP_MEETING],
        duties=[
            Duty(
                "plan",
                "实施方案",
                deadline="会后两日内",
                every="meeting:" + presets.LEADERSHIP_MEETING.key,
            )
        ],
    )
    r = simulate(sc, start=D(2026, 2, 1), end=D(2026, 2, 28))
    sittings = r.events.where(lambda e: e["source"] == "meeting").column("day")
    assert sittings == [D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 24)]
    assert len(r.tasks) == 2 * len(sittings)
    assert r.notices_by_kind == {}  # no escalation policy, no notices


def test_the_tangshan_example_reproduces_the_document() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "tangshan_2023.py"
    spec = importlib.util.spec_from_file_location("tangshan_2023", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sc = module.scenario()
    lines = module.reproduce_figures(list(sc.tasks))  # asserts every figure
    assert "14.4%" in lines[1] and "50.7%" in lines[5]


# -- views and the demo ---------------------------------------------------------------------------


def test_html_views_and_the_ipython_extension() -> None:
    from govops.scenarios import (
        calendar_html,
        explanation_html,
        load_ipython_extension,
        rule_html,
    )

    rule = parse_rule("季度末后两天")
    assert "at quarter-end plus 2 days" in rule_html(rule)
    html = explanation_html(rule.explain(D(2024, 9, 27), calendar=CAL))
    assert "<ol>" in html and "2024-10-08" in html
    assert "国庆节" in calendar_html(CAL, 2026)

    class Formatter:
        def __init__(self) -> None:
            self.types: dict[type, object] = {}

        def for_type(self, cls: type, fn: object) -> None:
            self.types[cls] = fn

    class Shell:
        def __init__(self) -> None:
            self.display_formatter = type("D", (), {"formatters": {"text/html": Formatter()}})()

    shell = Shell()
    load_ipython_extension(shell)
    registered = shell.display_formatter.formatters["text/html"].types
    assert set(registered) == {
        type(rule),
        type(rule.explain(D(2024, 9, 27), calendar=CAL)),
        type(CAL),
    }


def test_results_have_html_views() -> None:
    r = simulate(quarterly(), start=D(2026, 1, 1), end=D(2026, 4, 30))
    s = sweep("within 2 days", D(2024, 9, 1), D(2024, 9, 30), calendar=CAL)
    for value in (r, s, compare(r, r), r.tasks):
        assert "<table>" in value._repr_html_()


def test_demo_lines() -> None:
    from govops._demo.scenarios import demo_scenario_lines

    lines = demo_scenario_lines(CAL)
    assert lines[0].startswith("What if the quarterly report")
    assert any("on-time rate" in line for line in lines)
    assert any("国庆节 3" in line for line in lines)


# -- properties -----------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    pace=st.floats(0.5, 2.0),
    spread=st.floats(0.0, 0.8),
    effort=st.floats(0.0, 6.0),
    reading=st.sampled_from(["季度末后两天", "季度末后两个工作日内", "by quarter-end"]),
)
def test_simulation_invariants(
    seed: int, pace: float, spread: float, effort: float, reading: str
) -> None:
    sc = Scenario(
        "property",
        calendar=CAL,
        units=UNITS[:3],
        rules={"r": reading},
        duties=[Duty("D", "报告", deadline="r", every="每季度最后一个工作日", effort=effort)],
        progress=ProgressModel(seed=seed, pace=pace, unit_spread=spread, task_spread=spread),
        escalation=CITY_KEY_WORK_POLICY,
        reporting="every Friday",
    )
    r = simulate(sc, start=D(2026, 1, 1), end=D(2026, 7, 31))
    again = simulate(sc, start=D(2026, 1, 1), end=D(2026, 7, 31))
    assert r.tasks == again.tasks and r.notices == again.notices
    for t in r.tasks.records():
        assert t["due"] >= t["trigger"]
        if t["completed_on"] is not None:
            assert t["completed_on"] >= t["trigger"]
            assert t["on_time"] == (t["completed_on"] <= t["due"])
    # Reports never go backwards.
    last: dict[str, float] = {}
    for e in r.events.records():
        if e["kind"] == "progress_reported":
            value = float(e["detail"].rstrip("%"))
            assert value >= last.get(e["task_id"], 0.0)
            last[e["task_id"]] = value
    # A red light only on a task past its due date (a latched red needs an extension, never here).
    due = {t["task_id"]: t["due"] for t in r.tasks.records()}
    for w in r.warnings.records():
        if w["after"] == "red":
            assert w["day"] > due[w["task_id"]]


def test_stepping_every_day_changes_the_snapshots_not_the_work() -> None:
    steps: list[tuple[int, int]] = []
    by_working_day = simulate(quarterly(), start=D(2026, 1, 1), end=D(2026, 7, 31))
    by_day = simulate(
        quarterly(),
        start=D(2026, 1, 1),
        end=D(2026, 7, 31),
        step="day",
        on_step=lambda done, total: steps.append((done, total)),
    )
    assert steps[-1] == (212, 212) and len(steps) == 212
    assert by_day.tasks.column("completed_on") == by_working_day.tasks.column("completed_on")
    assert len(by_day.task_days) >= len(by_working_day.task_days)
    with pytest.raises(InvalidInputError, match="step='hourly'"):
        simulate(quarterly(), start=D(2026, 1, 1), end=D(2026, 2, 1), step="hourly")  # type: ignore[arg-type]
