"""Charts (govops.plots): they draw, and every Chinese label has its glyphs.

``filterwarnings = error`` turns matplotlib's "Glyph … missing from font(s)" warning into a
failure, so rendering each chart to PNG is itself the glyph check; the last test proves the check
is live by drawing Chinese without the CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources

import pytest

pytest.importorskip("matplotlib")

import govops
from govops import plots
from govops.escalation import CITY_KEY_WORK_POLICY
from govops.plots import _charts
from govops.scenarios import Duty, ProgressModel, Scenario, compare, simulate
from govops.tasks import Deadline, Milestone, Plan, Responsibility, Task, Unit

CAL = govops.calendar("CN")


def _png(fig: object) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()


@pytest.fixture(scope="module")
def runs() -> tuple[object, object]:
    units = [
        Unit(f"U{i}", name)
        for i, name in enumerate(["党政办", "经济发展办", "应急管理办", "司法所"])
    ]
    task = Task(
        "K1",
        "农村人居环境整治",
        category="key_task",
        responsibility=Responsibility(units[0]),
        deadline=Deadline.on(dt.date(2026, 6, 30)),
        start=dt.date(2026, 1, 5),
        plan=Plan([Milestone("Q1", dt.date(2026, 3, 31), cumulative_percent=40)]),
    )
    base = Scenario(
        "季度末后两天",
        calendar=CAL,
        units=units,
        tasks=[task],
        rules={"report": "季度末后两天"},
        duties=[Duty("QR", "季度报告", deadline="report", every="每季度最后一个工作日", effort=2)],
        progress=ProgressModel(seed=1, unit_spread=0.4, task_spread=0.3),
        escalation=CITY_KEY_WORK_POLICY,
        reporting="every Friday",
    )
    reform = base.with_rule("report", "季度末后两个工作日内").evolve(name="季度末后两个工作日")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
    return simulate(base, start=start, end=end), simulate(reform, start=start, end=end)


def test_calendar_heatmap_marks_deadlines() -> None:
    fig = plots.calendar_heatmap(CAL, 2026, deadlines=[dt.date(2026, 10, 8), dt.date(2026, 4, 2)])
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:5] == ["工作日", "周末", "法定节假日", "调休休息日", "调休上班日"]
    assert labels[-1] == "截止日（2个）"
    assert ax.get_legend().get_texts()[0].get_fontfamily() == [plots.FAMILY]
    assert _png(fig).startswith(b"\x89PNG")


def test_s_curve_for_one_task_and_on_average(runs: tuple[object, object]) -> None:
    base, _ = runs
    fig = plots.s_curve(base, task_id="K1")  # type: ignore[arg-type]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "序时进度（计划）" in labels and "黄色预警区（进度滞后）" in labels
    assert "红色预警区（超期）" not in labels or fig.axes[0].get_title() == "K1 进度曲线"
    _png(fig)
    _png(plots.s_curve(base))  # type: ignore[arg-type]
    with pytest.raises(govops.InvalidInputError, match="task_id='nope'"):
        plots.s_curve(base, task_id="nope")  # type: ignore[arg-type]


def test_notices_over_time_and_comparison(runs: tuple[object, object]) -> None:
    base, reform = runs
    fig = plots.notices_over_time(base, period="month")  # type: ignore[arg-type]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0] == "交办单"
    _png(fig)
    _png(plots.notices_over_time(base))  # type: ignore[arg-type]
    fig = plots.compare_chart(compare(base, reform))  # type: ignore[arg-type]
    _png(fig)


def _ticks(ax: object) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]  # type: ignore[attr-defined]


def test_rates_and_counts_never_share_an_axis(runs: tuple[object, object]) -> None:
    base, reform = runs
    fig = plots.compare_chart(compare(base, reform))  # type: ignore[arg-type]
    rate_ax, count_ax = fig.axes
    assert _ticks(rate_ax) == ["按时完成率"]
    assert "%" in rate_ax.get_ylabel()
    assert _ticks(count_ax)[0] == "红灯单位（个）"
    assert all(label.endswith(("（个）", "（份）")) for label in _ticks(count_ax))
    assert "%" not in count_ax.get_ylabel()
    # The rate axis reads 0-100 %, whatever the counts are.
    assert rate_ax.get_ylim()[1] <= 110


def test_counts_sit_on_whole_number_ticks(runs: tuple[object, object]) -> None:
    base, reform = runs
    # Four weeks of January: a handful of notices a week, where matplotlib would tick 0.5s.
    short = simulate(base.scenario, start=dt.date(2026, 1, 1), end=dt.date(2026, 4, 10))  # type: ignore[attr-defined]
    charts = [
        plots.notices_over_time(short).axes[0],
        plots.compare_chart(compare(base, reform)).axes[1],  # type: ignore[arg-type]
    ]
    for ax in charts:
        ticks = ax.get_yticks()
        assert len(ticks) >= 2
        assert all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize(
    ("period", "first", "count"),
    [
        ("week", "1月1日", None),
        ("month", "1月", 10),
        ("quarter", "第1季度", 4),
        ("year", "2026年", 1),
    ],
)
def test_notices_by_week_month_quarter_or_year(
    runs: tuple[object, object], period: str, first: str, count: int | None
) -> None:
    base, _ = runs
    ax = plots.notices_over_time(base, period=period).axes[0]  # type: ignore[arg-type]
    assert _ticks(ax)[0] == first
    bars = {round(p.get_x(), 3) for p in ax.patches}
    if count is not None:
        assert len(bars) == count
    # Every notice is in one bar, whatever the period.
    assert sum(p.get_height() for p in ax.patches) == len(base.notices)  # type: ignore[attr-defined]
    words = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}
    assert f"按{words[period]}" in ax.get_title()
    with pytest.raises(govops.InvalidInputError, match="fortnight"):
        plots.notices_over_time(base, period="fortnight")  # type: ignore[arg-type]


def test_month_labels_carry_the_year_when_a_chart_spans_years(
    runs: tuple[object, object],
) -> None:
    base, _ = runs
    within = plots.s_curve(base).axes[0]  # type: ignore[arg-type]
    assert _ticks(within)[:2] == ["2月", "3月"]  # the task's days start on Jan 5
    assert not any("年" in label for label in _ticks(within))
    across = simulate(base.scenario, start=dt.date(2025, 11, 3), end=dt.date(2026, 2, 27))  # type: ignore[attr-defined]
    assert _ticks(plots.s_curve(across).axes[0]) == ["2026年1月", "2026年2月"]
    assert _ticks(plots.notices_over_time(across, period="month").axes[0]) == [
        "2025年11月",
        "2025年12月",
        "2026年1月",
        "2026年2月",
    ]


def test_legends_never_cover_data(runs: tuple[object, object]) -> None:
    base, reform = runs
    figures = [
        plots.calendar_heatmap(CAL, 2026, deadlines=[dt.date(2026, 10, 8)]),
        plots.s_curve(base, task_id="K1"),  # type: ignore[arg-type]
        plots.s_curve(base),  # type: ignore[arg-type]
        plots.notices_over_time(base),  # type: ignore[arg-type]
        plots.compare_chart(compare(base, reform)),  # type: ignore[arg-type]
    ]
    for fig in figures:
        fig.draw_without_rendering()
        legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
        assert legends
        for legend in legends:
            box = legend.get_window_extent()
            for ax in fig.axes:
                assert not box.overlaps(ax.get_window_extent()), (ax.get_title(), box)


def test_use_cjk_font_makes_users_own_charts_draw_chinese() -> None:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        assert plots.use_cjk_font() == plots.FAMILY
        assert matplotlib.rcParams["font.sans-serif"][0] == plots.FAMILY
        fig = Figure()
        ax = fig.subplots()
        ax.bar(["经济发展办", "党政办"], [3, -1])
        ax.set_title("各单位督办单（份）")
        _png(fig)  # a missing glyph would be an error (filterwarnings = error)
    assert matplotlib.rcParams["font.sans-serif"][0] != plots.FAMILY  # the context restored it


def test_the_font_has_every_label_and_the_common_hanzi() -> None:
    from matplotlib.ft2font import FT2Font

    font = resources.files("govops.plots") / "fonts" / "GovopsSansSC-Regular.ttf"
    with resources.as_file(font) as path:
        charmap = FT2Font(str(path)).get_charmap()
    labels = "".join(label for _, label in _charts._DAY_STYLE) + "".join(
        _charts._NOTICE_LABELS.values()
    )
    labels += "年月日季度末后两天工作日历截止按时完成率红灯单位基线改革方案对比累计序时进度计划实际报送正常黄色预警区滞后超期通知份周（）：，。、"
    labels += "国庆节春节元旦清明劳动端午中秋党政办经济发展应急管理司法所唐山市路南区滦州迁安遵化曹妃甸乐亭玉田"
    missing = sorted({ch for ch in labels if ord(ch) not in charmap})
    assert missing == []


def test_the_glyph_check_is_live() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().set_title("督办单", fontfamily="DejaVu Sans")
    with pytest.raises(UserWarning, match="missing from font"):
        _png(fig)
