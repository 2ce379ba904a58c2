"""Meeting systems (会议制度): schedules, attendance, agendas, minutes, decided items and circulars.

A :class:`MeetingType` encodes a meeting system as data (see :mod:`govops.meetings.presets` for the
ones in the source policies); :func:`schedule` lays its sittings on a working-day calendar;
:func:`build_agenda` checks proposed topics against the ledger; :class:`Minutes` record a sitting
and :func:`record_minutes` turns the decided items and the follow-up duties into ledger tasks;
:func:`circular` reports where every decided item stands; :func:`to_ical` exports the meeting
calendar and :func:`calendar_feed` the working-day calendar's 休/班 days, both as iCalendar.
"""

from . import presets as presets
from ._agenda import Agenda as Agenda
from ._agenda import AgendaItem as AgendaItem
from ._agenda import Exclusion as Exclusion
from ._agenda import ExclusionReason as ExclusionReason
from ._agenda import Reason as Reason
from ._agenda import Topic as Topic
from ._agenda import build_agenda as build_agenda
from ._attendance import Attendance as Attendance
from ._attendance import AttendanceSheet as AttendanceSheet
from ._attendance import AttendanceStatus as AttendanceStatus
from ._circular import Circular as Circular
from ._circular import CircularRow as CircularRow
from ._circular import ItemStatus as ItemStatus
from ._circular import circular as circular
from ._feed import calendar_feed as calendar_feed
from ._ical import to_ical as to_ical
from ._minutes import DecidedItem as DecidedItem
from ._minutes import Minutes as Minutes
from ._minutes import follow_up_tasks as follow_up_tasks
from ._minutes import record_minutes as record_minutes
from ._minutes import take_minutes as take_minutes
from ._model import AgendaRules as AgendaRules
from ._model import AttendanceRules as AttendanceRules
from ._model import DecisionStep as DecisionStep
from ._model import FollowUpRules as FollowUpRules
from ._model import Meeting as Meeting
from ._model import MeetingBasis as MeetingBasis
from ._model import MeetingType as MeetingType
from ._model import Participant as Participant
from ._report_duties import leader_report_occasions as leader_report_occasions
from ._schedule import MeetingSeries as MeetingSeries
from ._schedule import Occurrence as Occurrence
from ._schedule import schedule as schedule
from ._schedule import schedule_many as schedule_many

__all__ = [
    "Agenda",
    "AgendaItem",
    "AgendaRules",
    "Attendance",
    "AttendanceRules",
    "AttendanceSheet",
    "AttendanceStatus",
    "Circular",
    "CircularRow",
    "DecidedItem",
    "DecisionStep",
    "Exclusion",
    "ExclusionReason",
    "FollowUpRules",
    "ItemStatus",
    "Meeting",
    "MeetingBasis",
    "MeetingSeries",
    "MeetingType",
    "Minutes",
    "Occurrence",
    "Participant",
    "Reason",
    "Topic",
    "build_agenda",
    "calendar_feed",
    "circular",
    "follow_up_tasks",
    "leader_report_occasions",
    "presets",
    "record_minutes",
    "schedule",
    "schedule_many",
    "take_minutes",
    "to_ical",
]
