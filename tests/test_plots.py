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
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[:2] == ["按时完成率（%）", "红灯单位（个）"]
    _png(fig)


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
