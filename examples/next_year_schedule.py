"""Loading a newly announced holiday schedule the day it is published.

The 2027 arrangement below is illustrative (the real notice is published in late 2026): the point
is the workflow. Before it is loaded, a 2027 date is an error that says how to proceed; after, the
calendar counts through 2027 with the notice as the source of every day.

Run: python examples/next_year_schedule.py
"""

from __future__ import annotations

import datetime as dt

import govops
from govops.loaders import parse_schedule

SCHEDULE = """
year = 2027
source = "国办发明电〔2026〕N号 (illustrative)"

[[holidays]]
name = "元旦"
name_en = "New Year's Day"
from = 2027-01-01
to = 2027-01-03

[[holidays]]
name = "春节"
name_en = "Spring Festival"
from = 2027-02-05
to = 2027-02-13

[[workdays]]
date = 2027-02-14
name = "春节调休上班"
name_en = "Make-up workday for Spring Festival"
"""


def main() -> None:
    cal = govops.calendar("CN")
    try:
        cal.add_working_days(dt.date(2026, 12, 28), 10)
    except govops.CalendarCoverageError as exc:
        print(f"Before loading: {exc.year} is not covered.")
    cal = parse_schedule(SCHEDULE).apply_to(cal)
    due = cal.add_working_days(dt.date(2026, 12, 28), 10)
    print(f"After loading: 10 working days after 2026-12-28 is {due}.")
    assert due == dt.date(2027, 1, 12)
    print(cal.describe(dt.date(2027, 2, 14)))


if __name__ == "__main__":
    main()
