"""The charts: a year calendar heatmap, S-curves with warning bands, notices over time, and a
baseline-against-reform comparison. Each returns a :class:`matplotlib.figure.Figure` built without
pyplot (no global state); saving or showing it is the caller's business."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..calendars import DayKind, WorkCalendar
from ..exceptions import InvalidInputError, ScenarioError
from ..scenarios import Comparison, SimulationResult
from ._font import cjk_family

__all__ = ["calendar_heatmap", "compare_chart", "notices_over_time", "s_curve"]

# Index, colour and label of each kind of day in the heatmap.
_DAY_STYLE: tuple[tuple[str, str], ...] = (
    ("#f2f2f2", "工作日"),
    ("#c6dbef", "周末"),
    ("#de2d26", "法定节假日"),
    ("#fc9272", "调休休息日"),
    ("#31a354", "调休上班日"),
)
_KIND_INDEX = {
    DayKind.WORKDAY: 0,
    DayKind.EXTRA_WORKDAY: 0,
    DayKind.WEEKEND: 1,
    DayKind.HOLIDAY: 2,
    DayKind.CLOSURE: 2,
    DayKind.DAY_OFF_IN_LIEU: 3,
    DayKind.MAKEUP_WORKDAY: 4,
}
_NOTICE_COLOURS = {
    "assignment": "#9ecae1",
    "reminder": "#fdae6b",
    "supervision": "#e6550d",
    "interview": "#a50f15",
    "accountability": "#3f007d",
}
_NOTICE_LABELS = {
    "assignment": "交办单",
    "reminder": "催办单",
    "supervision": "督办单",
    "interview": "约谈",
    "accountability": "问责",
}


def _cjk(fig: Figure, ax: Any) -> None:
    """Put every text of ``ax`` (and the figure's own) in the CJK family."""
    family = cjk_family()
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    texts += list(ax.texts) + list(fig.texts)
    for text in texts:
        text.set_fontfamily(family)


def _cjk_all(fig: Figure) -> None:
    for ax in fig.axes:
        _cjk(fig, ax)
    legends = list(fig.legends)
    for legend in legends:
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_fontfamily(cjk_family())


def _legend_outside(ax: Any, **kwargs: Any) -> None:
    """A legend beside the plot, never over its data: right of the axes, top-aligned."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def _counts(ax: Any) -> None:
    """A count axis: whole-number ticks only (no 2.5 notices)."""
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _month_label(d: dt.date, with_year: bool) -> str:
    return f"{d.year}年{d.month}月" if with_year else f"{d.month}月"


def _date_axis(ax: Any, first: dt.date, last: dt.date) -> None:
    """Monthly ticks labelled 1月, 2月, …; with the year (2025年12月) when the axis spans years."""
    with_year = first.year != last.year
    months = []
    m = first.replace(day=1)
    while m <= last:
        if m >= first:
            months.append(m)
        m = _next_bucket(m, "month")
    ax.set_xticks(
        np.array(months, dtype="datetime64[D]"),
        labels=[_month_label(d, with_year) for d in months],
    )


def _provisional(ax: Any, years: Iterable[int]) -> None:
    """Mark a chart built on estimated holidays: in the title and in a corner of the plot."""
    shown = sorted(set(years))
    if not shown:
        return
    label = "、".join(f"{y}年" for y in shown)
    ax.set_title(f"{ax.get_title()}（临时：{label}节假日为估算）")
    ax.text(
        0.995,
        0.99,
        "临时 PROVISIONAL",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        fontweight="bold",
        color="#b30000",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#b30000"},
        zorder=10,
    )


def calendar_heatmap(
    calendar: WorkCalendar,
    year: int,
    *,
    deadlines: Iterable[dt.date] = (),
    title: str | None = None,
) -> Figure:
    """A year as 12 rows of days, coloured by kind (工作日, 周末, 法定节假日, 调休), deadlines marked.

    A year whose holidays are estimated (a provisional calendar) is marked 临时 in the title and on
    the chart.
    """
    grid = np.full((12, 31), np.nan)
    for month in range(12):
        day = dt.date(year, month + 1, 1)
        while day.month == month + 1:
            grid[month, day.day - 1] = _KIND_INDEX[calendar.describe(day).kind]
            day += dt.timedelta(days=1)
    fig = Figure(figsize=(11, 4.6), layout="constrained")
    ax = fig.subplots()
    cmap = ListedColormap([c for c, _ in _DAY_STYLE]).with_extremes(bad="white")
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(_DAY_STYLE) - 0.5, aspect="auto")
    marks = [d for d in deadlines if d.year == year]
    if marks:
        ax.scatter(
            [d.day - 1 for d in marks],
            [d.month - 1 for d in marks],
            marker="o",
            s=28,
            facecolors="none",
            edgecolors="black",
            linewidths=1.4,
        )
    ax.set_yticks(range(12), labels=[f"{m}月" for m in range(1, 13)])
    ax.set_xticks(range(0, 31, 2), labels=[str(d) for d in range(1, 32, 2)])
    ax.set_xlabel("日")
    ax.set_title(title or f"{year}年工作日历")
    handles = [Patch(facecolor=c, edgecolor="#999999", label=label) for c, label in _DAY_STYLE]
    if marks:
        handles.append(
            Patch(facecolor="none", edgecolor="black", label=f"截止日（{len(marks)}个）")
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=len(handles),
        frameon=False,
    )
    _provisional(ax, [year] if calendar.is_provisional(dt.date(year, 1, 1)) else [])
    _cjk(fig, ax)
    return fig


def s_curve(
    result: SimulationResult, *, task_id: str | None = None, yellow_lag: float | None = None
) -> Figure:
    """Planned (序时进度) against reported cumulative progress, with the yellow and red bands.

    For one task (``task_id``) or the mean over every open task of each day. The band between the
    planned curve and ``yellow_lag`` points below it is on track; below the band is the yellow
    warning zone (进度滞后); after the due date the red zone (超期).
    """
    lag = result.scenario.warnings.yellow_lag if yellow_lag is None else yellow_lag
    rows = result.task_days.records()
    if task_id is not None:
        rows = [r for r in rows if r["task_id"] == task_id]
        if not rows:
            raise InvalidInputError(
                f"task_id={task_id!r} has no days in the result's task_days table"
            )
    if not rows:
        raise ScenarioError("the result has no task_days rows; simulate with task_days=True")
    by_day: dict[dt.date, list[tuple[float, float]]] = {}
    for r in rows:
        by_day.setdefault(r["day"], []).append((r["expected"], r["reported"]))
    days = sorted(by_day)
    expected = np.array([np.mean([e for e, _ in by_day[d]]) for d in days])
    reported = np.array([np.mean([p for _, p in by_day[d]]) for d in days])
    x = np.array(days, dtype="datetime64[D]")
    fig = Figure(figsize=(10.5, 4.8), layout="constrained")
    ax = fig.subplots()
    ax.fill_between(
        x,
        np.maximum(expected - lag, 0),
        expected,
        color="#c7e9c0",
        label=f"正常（滞后≤{lag:g}个百分点）",
    )
    ax.fill_between(
        x,
        0,
        np.maximum(expected - lag, 0),
        color="#fee391",
        alpha=0.7,
        label="黄色预警区（进度滞后）",
    )
    ax.plot(x, expected, color="#238b45", linewidth=2, label="序时进度（计划）")
    ax.plot(
        x,
        reported,
        color="#08519c",
        linewidth=2,
        marker=".",
        markersize=3,
        label="实际进度（报送）",
    )
    if task_id is not None:
        task = next(t for t in result.tasks.records() if t["task_id"] == task_id)
        due = np.datetime64(task["due"], "D")
        ax.axvline(due, color="#cb181d", linestyle="--", linewidth=1.2, label="截止日")
        if x[-1] > due:
            ax.axvspan(due, x[-1], color="#fcbba1", alpha=0.5, label="红色预警区（超期）")
        title = f"{task_id} 进度曲线"
    else:
        title = f"{result.scenario.name}：平均进度曲线"
    ax.set_ylim(0, 105)
    ax.set_ylabel("累计完成（%）")
    ax.set_title(title)
    _legend_outside(ax)
    _date_axis(ax, days[0], days[-1])
    fig.autofmt_xdate()
    _provisional(ax, result.provisional_years)
    _cjk(fig, ax)
    return fig


_PERIOD_WORDS = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}


def _bucket(d: dt.date, period: str) -> dt.date:
    """The first day of the week, month, quarter or year ``d`` falls in."""
    if period == "week":
        return d - dt.timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    if period == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return dt.date(d.year, 1, 1)


def _next_bucket(b: dt.date, period: str) -> dt.date:
    if period == "week":
        return b + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    y, m = divmod(b.month - 1 + months, 12)
    return dt.date(b.year + y, m + 1, 1)


def _bucket_label(b: dt.date, period: str, with_year: bool) -> str:
    year = f"{b.year}年" if with_year else ""
    if period == "week":
        return f"{year}{b.month}月{b.day}日"
    if period == "month":
        return _month_label(b, with_year)
    if period == "quarter":
        return f"{year}第{(b.month - 1) // 3 + 1}季度"
    return f"{b.year}年"


def notices_over_time(result: SimulationResult, *, period: str = "week") -> Figure:
    """Notices issued per week, month, quarter or year (``period``), stacked by kind (交办单,
    催办单, 督办单, 约谈, 问责), on whole-number ticks; labels name the year when the run spans
    years."""
    if period not in _PERIOD_WORDS:
        raise InvalidInputError(
            f"period={period!r}; expected one of {', '.join(map(repr, _PERIOD_WORDS))}"
        )
    counts: Counter[tuple[dt.date, str]] = Counter(
        (_bucket(r["day"], period), r["kind"]) for r in result.notices.records()
    )
    buckets = []
    b = _bucket(result.start, period)
    while b <= result.end:
        buckets.append(b)
        b = _next_bucket(b, period)
    kinds = [k for k in _NOTICE_COLOURS if any(k == kind for _, kind in counts)]
    kinds += sorted({kind for _, kind in counts} - set(kinds))
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(buckets))
    bottom = np.zeros(len(buckets))
    for kind in kinds:
        values = np.array([counts.get((bk, kind), 0) for bk in buckets], dtype=float)
        ax.bar(
            x,
            values,
            bottom=bottom,
            color=_NOTICE_COLOURS.get(kind, "#888888"),
            label=_NOTICE_LABELS.get(kind, kind),
            width=0.85,
        )
        bottom += values
    with_year = result.start.year != result.end.year
    step = max(1, len(buckets) // 12)
    # A period that starts before the run is labelled by the run's first day (1月1日, not the
    # Monday of the year before).
    labels = [_bucket_label(max(bk, result.start), period, with_year) for bk in buckets[::step]]
    ax.set_xticks(x[::step], labels=labels)
    if period == "week":
        fig.autofmt_xdate()
    _counts(ax)
    ax.set_ylabel("通知数（份）")
    ax.set_title(f"{result.scenario.name}：督办通知（按{_PERIOD_WORDS[period]}）")
    if kinds:
        _legend_outside(ax)
    _provisional(ax, result.provisional_years)
    _cjk(fig, ax)
    return fig


def compare_chart(comparison: Comparison) -> Figure:
    """Baseline against reform, side by side: the on-time rate on its own axis (%), and the counts
    (units flagged red, notices by kind) on another, with whole-number ticks."""
    a, b = comparison.a, comparison.b
    counts = ["红灯单位（个）"]
    base = [float(len(a.flagged_units))]
    reform = [float(len(b.flagged_units))]
    for kind in sorted(
        set(a.notices_by_kind) | set(b.notices_by_kind),
        key=lambda k: list(_NOTICE_COLOURS).index(k) if k in _NOTICE_COLOURS else 99,
    ):
        counts.append(f"{_NOTICE_LABELS.get(kind, kind)}（份）")
        base.append(float(a.notices_by_kind.get(kind, 0)))
        reform.append(float(b.notices_by_kind.get(kind, 0)))
    fig = Figure(figsize=(11, 4.4), layout="constrained")
    rate_ax, count_ax = fig.subplots(1, 2, width_ratios=[1, max(2, len(counts))])
    styles = (
        ("#9e9ac8", f"基线：{a.scenario.name}"),
        ("#54278f", f"改革：{b.scenario.name}"),
    )
    rates = [100 * (a.on_time_rate or 0.0)], [100 * (b.on_time_rate or 0.0)]
    for ax, labels, values, fmt in (
        (rate_ax, ["按时完成率"], rates, "%.1f%%"),
        (count_ax, counts, (base, reform), "%.0f"),
    ):
        x = np.arange(len(labels))
        for offset, (colour, name), ys in zip((-0.2, 0.2), styles, values, strict=True):
            bars = ax.bar(x + offset, ys, width=0.4, color=colour, label=name)
            ax.bar_label(bars, fmt=fmt, fontsize=8)
        ax.set_xticks(x, labels=labels)
        ax.margins(y=0.15)  # room for the bar labels
    rate_ax.set_ylim(0, 110)
    rate_ax.set_ylabel("按时完成率（%）")
    count_ax.set_ylabel("个数 / 份数")
    _counts(count_ax)
    count_ax.set_title("单位与通知（计数）")
    rate_ax.set_title("按时完成率")
    fig.suptitle("基线与改革方案对比", fontfamily=cjk_family())
    _legend_outside(count_ax)
    _provisional(count_ax, (*a.provisional_years, *b.provisional_years))
    _cjk_all(fig)
    return fig
