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
    fig = Figure(figsize=(9, 4.8), layout="constrained")
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
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    _provisional(ax, result.provisional_years)
    _cjk(fig, ax)
    return fig


def notices_over_time(result: SimulationResult, *, period: str = "week") -> Figure:
    """Notices issued per week (or ``"month"``), stacked by kind (交办单, 催办单, 督办单, 约谈, 问责)."""
    if period not in ("week", "month"):
        raise InvalidInputError(f"period={period!r}; expected 'week' or 'month'")

    def bucket(d: dt.date) -> dt.date:
        if period == "week":
            return d - dt.timedelta(days=d.weekday())
        return d.replace(day=1)

    counts: Counter[tuple[dt.date, str]] = Counter(
        (bucket(r["day"]), r["kind"]) for r in result.notices.records()
    )
    start = bucket(result.start)
    buckets = []
    b = start
    while b <= result.end:
        buckets.append(b)
        b = (
            b + dt.timedelta(days=7)
            if period == "week"
            else (b + dt.timedelta(days=32)).replace(day=1)
        )
    kinds = [k for k in _NOTICE_COLOURS if any(k == kind for _, kind in counts)]
    kinds += sorted({kind for _, kind in counts} - set(kinds))
    fig = Figure(figsize=(10, 4.2), layout="constrained")
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
    step = max(1, len(buckets) // 12)
    ax.set_xticks(
        x[::step],
        labels=[
            f"{bk.month}月{bk.day}日" if period == "week" else f"{bk.month}月"
            for bk in buckets[::step]
        ],
    )
    ax.set_ylabel("通知数（份）")
    ax.set_title(f"{result.scenario.name}：督办通知（按{'周' if period == 'week' else '月'}）")
    if kinds:
        ax.legend(loc="upper right")
    _provisional(ax, result.provisional_years)
    _cjk(fig, ax)
    return fig


def compare_chart(comparison: Comparison) -> Figure:
    """Baseline against reform: on-time rate, units flagged and notices by kind, side by side."""
    a, b = comparison.a, comparison.b
    labels = ["按时完成率（%）", "红灯单位（个）"]
    base = [100 * (a.on_time_rate or 0.0), float(len(a.flagged_units))]
    reform = [100 * (b.on_time_rate or 0.0), float(len(b.flagged_units))]
    for kind in sorted(
        set(a.notices_by_kind) | set(b.notices_by_kind),
        key=lambda k: list(_NOTICE_COLOURS).index(k) if k in _NOTICE_COLOURS else 99,
    ):
        labels.append(f"{_NOTICE_LABELS.get(kind, kind)}（份）")
        base.append(float(a.notices_by_kind.get(kind, 0)))
        reform.append(float(b.notices_by_kind.get(kind, 0)))
    x = np.arange(len(labels))
    fig = Figure(figsize=(10, 4.4), layout="constrained")
    ax = fig.subplots()
    bars_a = ax.bar(x - 0.2, base, width=0.4, color="#9e9ac8", label=f"基线：{a.scenario.name}")
    bars_b = ax.bar(x + 0.2, reform, width=0.4, color="#54278f", label=f"改革：{b.scenario.name}")
    ax.bar_label(bars_a, fmt="%.0f", fontsize=8)
    ax.bar_label(bars_b, fmt="%.0f", fontsize=8)
    ax.set_xticks(x, labels=labels)
    ax.set_title("基线与改革方案对比")
    ax.legend(loc="upper right")
    _provisional(ax, (*a.provisional_years, *b.provisional_years))
    _cjk(fig, ax)
    return fig
