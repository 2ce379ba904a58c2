"""Working days in China: counting across National Day and explaining each rest day.

Run: python examples/calendar_basics.py
"""

from __future__ import annotations

import datetime as dt

import govops


def main() -> None:
    cal = govops.calendar("CN")
    start = dt.date(2024, 9, 27)
    due = cal.add_working_days(start, 20)
    print(f"20 working days after {start} is {due}.")
    print("Rest days passed over:")
    for info in cal.rest_days(start, due):
        print(f"  {info.date} {info.date:%a} {info.name_zh or '周末'}")
    assert due == dt.date(2024, 10, 30)
    assert cal.working_days_between(start, due) == 20

    # Sunday 2024-09-29 is a make-up workday: a two-day deadline from Friday lands on it.
    sunday = dt.date(2024, 9, 29)
    print(f"{sunday} is working: {cal.is_working_day(sunday)} ({cal.describe(sunday).name_en})")

    # Last working day of every month of 2026, as a monthly report schedule would need.
    lasts = [cal.last_working_day(dt.date(2026, m, 1), "month") for m in range(1, 13)]
    print("Last working day of each month in 2026:", ", ".join(d.strftime("%m-%d") for d in lasts))
    assert lasts[1] == dt.date(2026, 2, 28)  # a Saturday, worked in exchange for Feb 23


if __name__ == "__main__":
    main()
