"""govops.pandas: calendar methods on pandas values, the ``.govops`` accessor, and the frames.

The accessor and the calendar methods given a Series must give, element by element, what the
scalar methods give for the same days; missing dates stay missing; errors are govops's own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
import govops.pandas
from govops import (
    CalendarCoverageError,
    InvalidInputError,
    InvalidTypeError,
    Roll,
)
from govops.escalation import CITY_KEY_WORK_POLICY, ApprovalGranted, supervise
from govops.tasks import (
    Deadline,
    Ledger,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
)
from strategies import cn_dates, offsets, roll_conventions

CN = govops.calendar("CN")
# The data as published through 2026, whatever the installed holidays release carries.
CN_2026 = govops.calendar("CN", last_year=2026)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = dt.timezone(dt.timedelta(hours=8))


def _series(days: list[dt.date | None], **kwargs: object) -> pd.Series:
    return pd.Series(pd.to_datetime(days), **kwargs)  # type: ignore[arg-type]


def _days(values: pd.Series | pd.Index) -> list[dt.date | None]:
    return [None if pd.isna(v) else v.date() for v in values]


# -- the accessor against the scalar methods ---------------------------------------------------

with_gaps = st.lists(st.one_of(cn_dates(), st.none()), max_size=40)


@settings(deadline=None)
@given(days=with_gaps, n=offsets())
def test_add_working_days_equals_the_scalar_method(days: list[dt.date | None], n: int) -> None:
    s = _series(days, index=[f"r{i}" for i in range(len(days))], name="received")
    result = s.govops.add_working_days(n, calendar=CN)
    assert _days(result) == [None if d is None else CN.add_working_days(d, n) for d in days]
    assert result.index.equals(s.index)
    assert result.name == "received"
    assert result.dtype == np.dtype("datetime64[ns]")
    # The calendar method itself takes the Series, and a DatetimeIndex gives a DatetimeIndex.
    pd.testing.assert_series_equal(CN.add_working_days(s, n), result)
    index = pd.DatetimeIndex(s, name="received")
    by_index = index.govops.add_working_days(n, calendar=CN)
    assert isinstance(by_index, pd.DatetimeIndex)
    assert _days(by_index) == _days(result)


@settings(deadline=None)
@given(days=with_gaps)
def test_is_working_day_equals_the_scalar_method(days: list[dt.date | None]) -> None:
    s = _series(days)
    result = s.govops.is_working_day(calendar=CN)
    assert result.dtype == np.dtype(bool)
    # NaT is not a working day, as pandas' own .dt.is_month_end is False at NaT.
    assert result.tolist() == [d is not None and CN.is_working_day(d) for d in days]
    assert result.index.equals(s.index)


@settings(deadline=None)
@given(days=with_gaps, convention=roll_conventions())
def test_roll_equals_the_scalar_method(days: list[dt.date | None], convention: Roll | str) -> None:
    result = _series(days).govops.roll(convention, calendar=CN)
    assert _days(result) == [None if d is None else CN.roll(d, convention) for d in days]


@settings(deadline=None)
@given(pairs=st.lists(st.tuples(st.one_of(cn_dates(), st.none()), cn_dates()), max_size=40))
def test_working_days_between_equals_the_scalar_method(
    pairs: list[tuple[dt.date | None, dt.date]],
) -> None:
    a, b = _series([p[0] for p in pairs]), _series([p[1] for p in pairs])
    result = a.govops.working_days_between(b, calendar=CN)
    assert str(result.dtype) == "Int64"
    expected = [None if x is None else CN.working_days_between(x, y) for x, y in pairs]
    assert [None if v is pd.NA else v for v in result.tolist()] == expected


def test_every_day_of_the_data_equals_the_scalar_methods() -> None:
    days = pd.date_range("2001-01-01", "2026-12-31", freq="D")
    as_dates = [t.date() for t in days]
    assert days.govops.is_working_day(calendar=CN).tolist() == [
        CN.is_working_day(d) for d in as_dates
    ]
    inner = days[(days >= "2001-03-01") & (days <= "2026-11-01")]  # room for ±20 working days
    for n in (-20, -1, 0, 1, 20):
        expected = [CN.add_working_days(t.date(), n) for t in inner]
        assert _days(inner.govops.add_working_days(n, calendar=CN)) == expected
    for convention in ("following", "modified_following", "none"):
        expected = [CN.roll(d, convention) for d in as_dates]
        assert _days(days.govops.roll(convention, calendar=CN)) == expected
    expected = [CN.roll(t.date(), "preceding") for t in inner]
    assert _days(inner.govops.roll("preceding", calendar=CN)) == expected


def test_next_and_previous_working_day() -> None:
    s = _series([dt.date(2024, 9, 30), dt.date(2024, 10, 8)])
    assert _days(s.govops.next_working_day(calendar=CN)) == [
        dt.date(2024, 10, 8),
        dt.date(2024, 10, 9),
    ]
    assert _days(s.govops.previous_working_day(calendar=CN)) == [
        dt.date(2024, 9, 29),  # a Sunday, worked in exchange for a day of the National Day break
        dt.date(2024, 9, 30),
    ]


def test_one_day_against_many_and_the_matching_types() -> None:
    index = pd.DatetimeIndex(["2024-09-30", "2024-10-08", None], name="received")
    counts = index.govops.working_days_between(dt.date(2024, 10, 31), calendar=CN)
    assert isinstance(counts, pd.Index)
    assert counts.name == "received"
    # October 8 and the 17 working days after it, Saturday October 12 (a make-up workday) among them.
    assert counts.tolist() == [19, 18, pd.NA]
    flags = index.govops.is_working_day(calendar=CN)
    assert isinstance(flags, pd.Index)
    assert flags.tolist() == [True, True, False]
    # The single day may be on either side.
    s = pd.Series(index)
    # Sunday September 29 is worked; October 1–7 are the National Day break.
    assert CN.working_days_between(pd.Timestamp("2024-09-27"), s).tolist() == [2, 3, pd.NA]


def test_timestamps_are_taken_by_every_method() -> None:
    sunday = pd.Timestamp("2024-09-29")  # a make-up workday
    assert CN.is_working_day(sunday) is True
    assert CN.add_working_days(pd.Timestamp("2024-09-27 23:30"), 20) == pd.Timestamp("2024-10-30")
    assert CN.roll(pd.Timestamp("2024-10-02"), "preceding") == pd.Timestamp("2024-09-30")
    assert CN.working_days_between(pd.Timestamp("2024-09-30"), dt.date(2024, 10, 8)) == 1
    assert CN.describe(sunday).name_zh == CN.describe(dt.date(2024, 9, 29)).name_zh
    assert CN.covers(sunday)
    assert CN.add_working_days(pd.NaT, 3) is pd.NaT
    assert CN.is_working_day(pd.NaT) is False
    assert CN.working_days_between(pd.NaT, dt.date(2024, 10, 8)) is pd.NA


# -- time zones ---------------------------------------------------------------------------------


def test_naive_values_are_local_dates_and_aware_ones_are_converted() -> None:
    # 20:00 UTC on September 30 is already October 1 (National Day) in Beijing.
    utc = pd.Series(pd.to_datetime(["2024-09-30T20:00Z", "2024-09-30T15:00Z"]))
    assert utc.govops.is_working_day(calendar=CN).tolist() == [False, True]
    naive = utc.dt.tz_localize(None)
    assert naive.govops.is_working_day(calendar=CN).tolist() == [True, True]
    assert CN.is_working_day(pd.Timestamp("2024-09-30T20:00Z")) is False
    shifted = utc.govops.add_working_days(1, calendar=CN)
    assert _days(shifted) == [dt.date(2024, 10, 8), dt.date(2024, 10, 8)]
    assert shifted.dt.tz is None  # the results are local days


@settings(deadline=None)
@given(
    instants=st.lists(
        st.datetimes(min_value=dt.datetime(2003, 1, 1), max_value=dt.datetime(2025, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    zone=st.sampled_from(["UTC", "America/New_York", "Pacific/Kiritimati", "Asia/Shanghai"]),
)
def test_aware_series_follow_the_aware_scalar_path(instants: list[dt.datetime], zone: str) -> None:
    s = pd.Series(pd.DatetimeIndex(instants).tz_localize(zone, ambiguous="NaT", nonexistent="NaT"))
    expected = [
        None if pd.isna(t) else CN.add_working_days(t.to_pydatetime(), 5) for t in s.tolist()
    ]
    assert _days(s.govops.add_working_days(5, calendar=CN)) == expected


def test_aware_values_need_a_calendar_with_a_time_zone() -> None:
    no_zone = govops.calendar("CN", timezone="Asia/Shanghai")
    no_zone = type(no_zone)(  # the same data, built without a time zone
        "CN",
        first_year=no_zone.first_year,
        published_through=no_zone.published_through,
        last_year=no_zone.last_year,
        days=no_zone.days,
    )
    with pytest.raises(InvalidTypeError, match="time zone"):
        no_zone.is_working_day(pd.Series(pd.to_datetime(["2024-09-30T20:00Z"])))
    assert no_zone.is_working_day(pd.Series(pd.to_datetime(["2024-09-29"]))).tolist() == [True]


# -- inputs of other shapes and errors ----------------------------------------------------------


def test_a_column_of_date_objects_is_taken() -> None:
    s = pd.Series([dt.date(2024, 9, 27), None], dtype=object)
    assert _days(s.govops.add_working_days(20, calendar=CN)) == [dt.date(2024, 10, 30), None]


def test_empty_and_all_missing_input() -> None:
    empty = pd.Series([], dtype="datetime64[ns]")
    assert empty.govops.add_working_days(3, calendar=CN).empty
    assert empty.govops.is_working_day(calendar=CN).dtype == np.dtype(bool)
    missing = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")
    assert missing.govops.roll("following", calendar=CN).isna().all()
    assert missing.govops.working_days_between(missing, calendar=CN).isna().all()


def test_a_date_outside_the_data_names_its_year_and_the_way_forward() -> None:
    s = pd.Series(pd.to_datetime(["2026-06-01", "2027-03-01"]))
    with pytest.raises(CalendarCoverageError, match="2027-03-01 is in 2027") as info:
        s.govops.add_working_days(1, calendar=CN_2026)
    assert info.value.year == 2027
    assert "provisional=True" in str(info.value)
    # Running off the end of the data from inside it is refused as the scalar path refuses it.
    with pytest.raises(CalendarCoverageError, match="2027"):
        pd.Series(pd.to_datetime(["2026-12-31"])).govops.add_working_days(1, calendar=CN_2026)
    with pytest.raises(CalendarCoverageError, match="2000"):
        pd.DatetimeIndex(["2000-06-01"]).govops.is_working_day(calendar=CN)


def test_bad_input_raises_our_errors_naming_the_value() -> None:
    with pytest.raises(InvalidTypeError, match="dtype int64"):
        pd.Series([1, 2]).govops.is_working_day(calendar=CN)
    with pytest.raises(InvalidTypeError, match=r"'2024-09-27' \(str\) at index 1"):
        pd.Series([dt.date(2024, 9, 26), "2024-09-27"]).govops.is_working_day(calendar=CN)
    days = _series([dt.date(2024, 9, 27)])
    with pytest.raises(InvalidTypeError, match="calendar='CN'"):
        days.govops.add_working_days(1, calendar="CN")
    with pytest.raises(InvalidTypeError, match=r"n=1\.5"):
        days.govops.add_working_days(1.5, calendar=CN)
    with pytest.raises(InvalidInputError, match="'sideways'"):
        days.govops.roll("sideways", calendar=CN)
    with pytest.raises(InvalidInputError, match="align"):
        days.govops.working_days_between(_series([dt.date(2024, 10, 8)], index=[7]), calendar=CN)
    with pytest.raises(InvalidInputError, match="equally long"):
        days.govops.working_days_between(pd.DatetimeIndex(["2024-10-08"] * 2), calendar=CN)
    with pytest.raises(InvalidInputError, match="NaT"):
        CN.describe(pd.NaT)
    with pytest.raises(InvalidTypeError, match="takes one day"):
        CN.describe(days)
    with pytest.raises(InvalidTypeError, match="DataFrame"):
        CN.is_working_day(pd.DataFrame({"d": days}))


def test_the_core_does_not_import_pandas() -> None:
    code = (
        "import sys, datetime as dt, numpy as np, govops;"
        "cal = govops.calendar('CN');"
        "cal.add_working_days(dt.date(2024, 9, 27), 20);"
        "cal.add_working_days_many(np.array(['2024-09-27'], 'datetime64[D]'), 20);"
        "assert 'pandas' not in sys.modules, 'pandas was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- frames -------------------------------------------------------------------------------------


def _task(task_id: str, unit: str, due: dt.date) -> Task:
    return Task(
        task_id,
        f"任务{task_id}",
        category="key_works",
        start=dt.date(2026, 9, 1),
        responsibility=Responsibility(Unit(unit, f"单位{unit}")),
        deadline=Deadline.on(due),
    )


def _at(month: int, day: int, hour: int = 17) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=CST)


def _ledger() -> Ledger:
    return Ledger(calendar=CN).record_many(
        [
            (TaskAssigned(_task("T1", "roads", dt.date(2026, 10, 30))), "office", _at(9, 1, 9), ""),
            (TaskAssigned(_task("T2", "water", dt.date(2026, 9, 10))), "office", _at(9, 1, 9), ""),
            (TaskAssigned(_task("T3", "parks", dt.date(2026, 9, 30))), "office", _at(9, 1, 9), ""),
            (TaskAccepted("T1"), "roads", _at(9, 1, 10), ""),
            (TaskAccepted("T3"), "parks", _at(9, 1, 10), ""),
            (ProgressReported("T1", percent=40.0), "roads", _at(9, 7), ""),
            (TaskCompleted("T3"), "parks", _at(9, 8), ""),
            (TaskAssigned(_task("T4", "roads", dt.date(2026, 12, 31))), "office", _at(10, 9), ""),
        ]
    )


TASK_COLUMNS = {
    "task_id": "string",
    "title": "string",
    "category": "category",
    "lead_unit": "string",
    "lead_unit_name": "string",
    "leader": "string",
    "status": "category",
    "assigned_at": "datetime64[ns, Asia/Shanghai]",
    "start": "datetime64[ns]",
    "due": "datetime64[ns]",
    "original_due": "datetime64[ns]",
    "completed_at": "datetime64[ns, Asia/Shanghai]",
    "percent": "float64",
    "expected": "float64",
    "lag": "float64",
    "light": "category",
    "overdue": "bool",
    "working_days_left": "Int64",
}


def test_task_frame_columns_dtypes_and_values() -> None:
    ledger = _ledger()
    now = _at(9, 15)
    df = govops.pandas.task_frame(ledger, now=now)
    assert {c: str(t) for c, t in df.dtypes.items()} == TASK_COLUMNS
    assert df["task_id"].tolist() == ["T1", "T2", "T3"]  # T4 is assigned after now
    assert df["status"].tolist() == ["in_progress", "assigned", "completed"]
    assert list(df["status"].cat.categories) == [s.value for s in govops.tasks.Status]
    assert df["due"].tolist() == [
        pd.Timestamp(d) for d in ("2026-10-30", "2026-09-10", "2026-09-30")
    ]
    assert df["assigned_at"][0] == pd.Timestamp("2026-09-01 09:00", tz=SHANGHAI)
    assert df["completed_at"].isna().tolist() == [True, True, False]
    # The figures are the ledger's own.
    t1 = ledger.progress("T1", now=now)
    assert df["expected"][0] == pytest.approx(t1.expected)
    assert df["lag"][0] == pytest.approx(t1.lag)
    assert np.isnan(df["lag"][2])  # a closed task lags nothing
    lights = {w.task_id: w.level.value for w in ledger.warnings(now=now)}
    assert df["light"].tolist() == [lights.get(t, np.nan) for t in ("T1", "T2", "T3")]
    assert df["light"].cat.ordered
    assert df["overdue"].tolist() == [False, True, False]
    assert df["working_days_left"].tolist() == [
        CN.working_days_between(dt.date(2026, 9, 15), dt.date(2026, 10, 30)),
        -CN.working_days_between(dt.date(2026, 9, 10), dt.date(2026, 9, 15)),
        pd.NA,
    ]
    # The frame is usable as analysts use it: sort by the light, most serious first.
    assert df.sort_values("light", ascending=False)["task_id"].iloc[0] == "T2"
    later = govops.pandas.task_frame(ledger, now=_at(10, 9, 18))
    assert later["task_id"].tolist() == ["T1", "T2", "T3", "T4"]


def test_task_frame_of_an_empty_ledger_keeps_its_columns() -> None:
    df = govops.pandas.task_frame(Ledger(calendar=CN), now=_at(9, 15))
    assert df.empty
    assert {c: str(t) for c, t in df.dtypes.items()} == TASK_COLUMNS


def test_task_frame_refuses_bad_arguments() -> None:
    with pytest.raises(govops.NaiveDatetimeError):
        govops.pandas.task_frame(_ledger(), now=dt.datetime(2026, 9, 15))
    with pytest.raises(InvalidTypeError, match="expected a Ledger"):
        govops.pandas.task_frame([], now=_at(9, 15))  # type: ignore[arg-type]


def test_notice_frame_lists_due_and_waiting_notices() -> None:
    ledger = Ledger(calendar=CN).record_many(
        [
            (TaskAssigned(_task("T1", "roads", dt.date(2026, 10, 30))), "office", _at(9, 1, 9), ""),
            (TaskAccepted("T1"), "roads", _at(9, 1, 10), ""),
        ]
    )
    policy = CITY_KEY_WORK_POLICY
    for day in (1, 7):  # the assignment notice, then a reminder that goes unanswered
        decision = supervise(ledger, policy=policy, calendar=CN, now=_at(9, day))
        ledger = decision.record(ledger, actor="office")
    decision = supervise(ledger, policy=policy, calendar=CN, now=_at(9, 15))
    (waiting,) = decision.awaiting_approval
    df = govops.pandas.notice_frame(decision)
    assert df["awaiting_approval"].tolist() == [True]
    assert df["key"][0] == waiting.key
    assert df["label_zh"][0] == "督办单"
    assert df["needs_approval"][0]
    ledger = ledger.record(ApprovalGranted("T1", waiting.key), actor="mayor", at=_at(9, 15))
    decision = supervise(ledger, policy=policy, calendar=CN, now=_at(9, 15))
    df = govops.pandas.notice_frame(decision)
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "key": "string",
        "task_id": "string",
        "level": "category",
        "kind": "category",
        "label_zh": "string",
        "recipients": "string",
        "reason": "string",
        "issued_on": "datetime64[ns]",
        "answer_due": "datetime64[ns]",
        "meeting_on": "datetime64[ns]",
        "sequence": "int64",
        "coalesced": "int64",
        "percent": "float64",
        "policy": "string",
        "needs_approval": "bool",
        "awaiting_approval": "bool",
    }
    (notice,) = decision.notices
    row = df.iloc[0]
    assert row["key"] == notice.key
    assert row["kind"] == str(notice.kind)
    assert row["issued_on"] == pd.Timestamp(notice.issued_on)
    assert row["answer_due"] == pd.Timestamp(notice.answer_due)
    assert pd.isna(row["meeting_on"])
    assert row["recipients"] == "、".join(str(r) for r in notice.recipients)
    assert not row["awaiting_approval"]


def test_notice_frame_refuses_what_is_not_a_decision() -> None:
    with pytest.raises(InvalidTypeError, match="supervise"):
        govops.pandas.notice_frame(())  # type: ignore[arg-type]
