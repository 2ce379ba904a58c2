"""Draw the PNGs of docs/gallery.md (a maintainer's script; run after changing a chart).

Run: ``python docs/_static/gallery/make_gallery.py`` (needs ``govops[notebook]``). The charts come
from the town example (``examples/town_year.py``) and the 2026 calendar.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def _town() -> object:
    spec = importlib.util.spec_from_file_location("town_year", ROOT / "examples" / "town_year.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    import govops
    from govops import plots
    from govops.scenarios import compare, simulate, sweep, with_count_unit

    town = _town()
    cal = govops.calendar("CN")
    base = town.scenario()  # type: ignore[attr-defined]
    start, end = town.START, town.END  # type: ignore[attr-defined]
    reform = base
    for name, text in base.rules:
        reform = reform.with_rule(name, with_count_unit(text, "working_day").to_text("zh"))
    reform = reform.evolve(name="工作日口径")
    a = simulate(base.evolve(name="日历日口径"), start=start, end=end)
    b = simulate(reform, start=start, end=end)
    dues = [
        r.due
        for r in sweep("季度末后两天", dt.date(2026, 1, 1), dt.date(2026, 9, 30), calendar=cal).rows
    ]
    dues += [
        r.due
        for r in sweep("月底后两天", dt.date(2026, 1, 1), dt.date(2026, 11, 30), calendar=cal).rows
    ]
    figures = {
        "calendar_heatmap.png": plots.calendar_heatmap(
            cal, 2026, deadlines=dues, title="2026年工作日历：月报与季报截止日（日历日口径）"
        ),
        "s_curve.png": plots.s_curve(a, task_id="K6"),
        "notices_over_time.png": plots.notices_over_time(a),
        "compare_chart.png": plots.compare_chart(compare(a, b)),
    }
    for name, fig in figures.items():
        fig.savefig(HERE / name, dpi=110)
        sys.stdout.write(f"wrote {HERE / name}\n")


if __name__ == "__main__":
    main()
