"""The day next year's holiday notice arrives.

The office has been counting into 2027 on the provisional calendar (the arrangement estimated from
the published principles). The notice appears; it is read as published, loaded, and the dates it
moved are listed with their reasons, for the record and the monthly circular.

The 2027 notice below is illustrative (the real one is whatever the State Council publishes): the
point is the workflow. The calendars are built on the data as published through 2026, as it stood
before the notice, so that the example tells the same story on a holidays release that already
carries the real 2027 arrangement.

Run: python examples/next_year_schedule.py
"""

from __future__ import annotations

import datetime as dt

import govops
from govops.escalation import replan
from govops.tasks import Deadline, Ledger, Responsibility, Task, TaskAssigned, Unit

NOTICE = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下：
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月31日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""

CST = dt.timezone(dt.timedelta(hours=8))


def main() -> None:
    cn = govops.calendar("CN", published_through=2026)
    try:
        cn.add_working_days(dt.date(2026, 12, 28), 10)
    except govops.CalendarCoverageError as exc:
        print(f"Before the notice: {exc.year} is not covered.")

    # Until the notice, the office ran on estimates, every one flagged.
    before = govops.calendar("CN", provisional=True, published_through=2026)
    task = Task(
        "T1",
        "节后复工安全检查",
        category="key_works",
        responsibility=Responsibility(Unit("safety", "镇安监站")),
        deadline=Deadline.from_rule("5个工作日内", trigger=dt.date(2027, 2, 1)),
        start=dt.date(2027, 1, 4),
    )
    now = dt.datetime(2027, 1, 4, 9, tzinfo=CST)
    ledger = Ledger(calendar=before).record(TaskAssigned(task), actor="office", at=now)
    print(
        f"Provisional due date: {ledger.state('T1').due} (provisional: {before.is_provisional(ledger.state('T1').due)})"
    )

    schedule = govops.parse_notice(NOTICE)
    after = schedule.apply_to(before)
    assert after.published_through == 2027
    print(
        f"Loaded: {schedule.source}, {len(schedule.holidays)} days off, "
        f"{len(schedule.workdays)} make-up workdays"
    )

    plan = replan(ledger, before=before, after=after, now=now)
    print("\n".join(plan.lines()))
    ledger = Ledger.from_entries(ledger.entries, calendar=after)
    ledger = ledger.record(plan.to_event(), actor="office", at=now)
    assert ledger.state("T1").due == dt.date(2027, 2, 16)
    print("\n".join(plan.notes_zh()))


if __name__ == "__main__":
    main()
