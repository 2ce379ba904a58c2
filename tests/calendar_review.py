"""The reviewed CN holiday data, and what an installed ``holidays`` release changes in it.

Every special day of every published year (holidays, days off in lieu, weekend days of a holiday
block, make-up workdays) is kept in ``golden/cn_official_days.json``, as reviewed by a person
against the State Council notices. The tripwire test in ``test_calendar_crosscheck.py`` compares
the installed data with it, and ``make upgrade-check`` prints the same comparison.

Run as a script:

    python tests/calendar_review.py            # print what the installed data changes (exit 1 if any)
    python tests/calendar_review.py --accept   # after review: record the installed data as reviewed
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import holidays

import govops

SNAPSHOT = Path(__file__).parent / "golden" / "cn_official_days.json"
FIRST_YEAR = 2001

# date (ISO) -> [kind, name in Chinese]
Days = dict[str, list[str]]


def installed() -> dict[str, object]:
    """The installed data: the release, the last published year and every special day by year."""
    cal = govops.calendar("CN")
    years: dict[str, Days] = {}
    for year in range(FIRST_YEAR, cal.published_through + 1):
        days = cal.special_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
        years[str(year)] = {
            info.date.isoformat(): [info.kind.value, info.name_zh or ""] for info in days
        }
    return {
        "holidays": holidays.__version__,
        "published_through": cal.published_through,
        "years": years,
    }


def reviewed() -> dict[str, object]:
    """The snapshot a person last reviewed."""
    data: dict[str, object] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


def changes(old: dict[str, object], new: dict[str, object]) -> list[str]:
    """What ``new`` changes in ``old``, one line per year and per day, empty when nothing does."""
    old_years: dict[str, Days] = old["years"]  # type: ignore[assignment]
    new_years: dict[str, Days] = new["years"]  # type: ignore[assignment]
    lines: list[str] = []
    for year in sorted(old_years.keys() | new_years.keys()):
        before, after = old_years.get(year), new_years.get(year)
        if before is None:
            lines.append(f"{year}: newly published, {len(after or {})} special days")
        elif after is None:
            lines.append(f"{year}: no longer published (was {len(before)} special days)")
        for day in sorted((before or {}).keys() | (after or {}).keys()):
            was, now = (before or {}).get(day), (after or {}).get(day)
            if was == now:
                continue
            if was is None:
                lines.append(f"  + {day} {now[0]} {now[1]}")  # type: ignore[index]
            elif now is None:
                lines.append(f"  - {day} {was[0]} {was[1]}")
            else:
                lines.append(f"  ~ {day} {was[0]} {was[1]} -> {now[0]} {now[1]}")
    return lines


def report(old: dict[str, object], new: dict[str, object]) -> str:
    """The message a reviewer reads: which release, which years and days, and what to do."""
    lines = changes(old, new)
    if not lines:
        return ""
    added = [
        y
        for y in new["years"]
        if y not in old["years"]  # type: ignore[operator, attr-defined]
    ]
    notices = ", ".join(f"国务院办公厅关于{y}年部分节假日安排的通知" for y in added) or (
        "the State Council notices of the years listed"
    )
    return "\n".join(
        [
            f"holidays {new['holidays']} changes the CN calendar reviewed with holidays "
            f"{old['holidays']} (published through {old['published_through']} -> "
            f"{new['published_through']}):",
            *lines,
            f"Review: check every day above against {notices}; check that the day-by-day "
            "cross-check against chinese_calendar covers the new years (upgrade chinesecalendar "
            "in the same commit if it does not) and list any disagreement with its document in "
            "tests/test_calendar_crosscheck.py. Then run `python tests/calendar_review.py "
            "--accept`, `make lock`, and record the release and the years it adds in "
            "CHANGELOG.md, all in one commit.",
        ]
    )


def _dump(data: dict[str, object]) -> str:
    # One day a line, so that a reviewed upgrade reads as a short diff.
    years: dict[str, Days] = data["years"]  # type: ignore[assignment]
    out = [
        "{",
        f' "holidays": {json.dumps(data["holidays"])},',
        f' "published_through": {data["published_through"]},',
        ' "years": {',
    ]
    for i, (year, days) in enumerate(years.items()):
        out.append(f'  "{year}": {{')
        items = [f'   "{d}": {json.dumps(v, ensure_ascii=False)}' for d, v in days.items()]
        out.append(",\n".join(items))
        out.append("  }" + ("," if i < len(years) - 1 else ""))
    out += [" }", "}", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    new = installed()
    if argv == ["--accept"]:
        SNAPSHOT.write_text(_dump(new), encoding="utf-8")
        print(f"recorded holidays {new['holidays']} through {new['published_through']} as reviewed")
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    message = report(reviewed(), new)
    print(message or f"holidays {new['holidays']}: the CN calendar is the reviewed one")
    return 1 if message else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
