"""The report a leader in charge owes the principal after a meeting that required them.

乡镇运行保障机制实施意见 item 10: a substitute reports the meeting back to the principal they stood in
for (the minutes track that, :func:`~govops.meetings.follow_up_tasks`), and a leader in charge who
was required at a meeting reports it to the principal too. That second duty is
:data:`govops.duties.LEADER_MEETING_REPORT`; this module reads its occasions from a sitting's
attendance.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..duties import LEADER_MEETING_REPORT, Occasion
from ..exceptions import InvalidTypeError
from ..tasks import Responsibility
from ._attendance import AttendanceSheet

__all__ = ["leader_report_occasions"]


def leader_report_occasions(
    sheet: AttendanceSheet,
    *,
    roles: Iterable[str] = ("leader_in_charge", "deputy_mayor", "vice_mayor"),
    principal_roles: Iterable[str] = ("mayor", "city_mayor", "party_secretary"),
    duty_id: str = LEADER_MEETING_REPORT.id,
) -> tuple[Occasion, ...]:
    """The occasions of the report owed after the sitting of ``sheet``: one per participant who
    sat in one of ``roles`` and was there in person, unless a participant in one of
    ``principal_roles`` was there in person too (the principal heard the meeting). The owner is the
    participant's unit with the participant as its leader in charge; the key is
    ``<meeting id>|<person id>`` (a ``/`` in the meeting id reads ``|``).
    """
    if not isinstance(sheet, AttendanceSheet):
        raise InvalidTypeError(f"sheet={sheet!r}; expected an AttendanceSheet")
    wanted, principals = frozenset(roles), frozenset(principal_roles)
    present = sheet.present
    if any(e.participant.role in principals for e in present):
        return ()
    m = sheet.meeting
    return tuple(
        Occasion(
            duty_id,
            m.date,
            Responsibility(e.participant.unit, leader_in_charge=e.participant.person),
            key=f"{m.id}|{e.participant.person.id}".replace("/", "|"),
            about=f"{m.meeting_type.name_zh} {m.date.isoformat()}",
        )
        for e in present
        if e.participant.role in wanted
    )
