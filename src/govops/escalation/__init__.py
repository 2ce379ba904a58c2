"""Supervision and escalation (督查督办): notices, tiered coordination and deputy cover.

A policy is data (:class:`EscalationPolicy`: ordered :class:`Level` values with conditions,
recipients, answer periods in the rule language, approvals and repeats). :func:`supervise` reads a
:class:`govops.tasks.Ledger` at ``now`` and returns a :class:`Decision`: the notices due, each with
a stable key and its reason, and the next moment to look again; ``decision.record(ledger, ...)``
records them in the ledger, where the supervision events are registered annotations (a
:class:`SupervisionJournal` serves hosts that keep supervision apart). :data:`CITY_KEY_WORK_POLICY`
encodes the source documents. A deputy's duty to report back (AB角 事后汇报) is tracked
(:func:`pending_report_backs`); issues handed to the joint meeting become topics of its agenda
(:func:`joint_meeting_agenda`).
"""

from ._agenda import EscalatedIssue as EscalatedIssue
from ._agenda import escalated_issues as escalated_issues
from ._agenda import joint_meeting_agenda as joint_meeting_agenda
from ._cover import Absence as Absence
from ._cover import Acting as Acting
from ._cover import CoverPlan as CoverPlan
from ._decision import Decision as Decision
from ._decision import Directory as Directory
from ._decision import Notice as Notice
from ._decision import Recipient as Recipient
from ._engine import supervise as supervise
from ._events import SUPERVISION_EVENT_TYPES as SUPERVISION_EVENT_TYPES
from ._events import ApprovalGranted as ApprovalGranted
from ._events import ApprovalRefused as ApprovalRefused
from ._events import ApprovalStepCompleted as ApprovalStepCompleted
from ._events import ApprovalStepStarted as ApprovalStepStarted
from ._events import DeputyActed as DeputyActed
from ._events import DeputyReportedBack as DeputyReportedBack
from ._events import NoticeAnswered as NoticeAnswered
from ._events import NoticeIssued as NoticeIssued
from ._events import SupervisionEvent as SupervisionEvent
from ._journal import SupervisionJournal as SupervisionJournal
from ._policy import AllOf as AllOf
from ._policy import AnyOf as AnyOf
from ._policy import ApprovalStep as ApprovalStep
from ._policy import Assigned as Assigned
from ._policy import BehindSchedule as BehindSchedule
from ._policy import ClockRule as ClockRule
from ._policy import Condition as Condition
from ._policy import Coordination as Coordination
from ._policy import EscalationPolicy as EscalationPolicy
from ._policy import JointMeeting as JointMeeting
from ._policy import Level as Level
from ._policy import NoProgressFor as NoProgressFor
from ._policy import NoticeKind as NoticeKind
from ._policy import Overdue as Overdue
from ._policy import PreviousUnanswered as PreviousUnanswered
from ._policy import Repeat as Repeat
from ._policy import Target as Target
from ._policy import WarningAtLeast as WarningAtLeast
from ._presets import CITY_KEY_WORK_POLICY as CITY_KEY_WORK_POLICY
from ._presets import TOWN_JOINT_MEETING as TOWN_JOINT_MEETING
from ._replan import DayChange as DayChange
from ._replan import DueDateReplanned as DueDateReplanned
from ._replan import DueDatesReplanned as DueDatesReplanned
from ._replan import Move as Move
from ._replan import Replan as Replan
from ._replan import replan as replan
from ._report_back import ReportBackDuty as ReportBackDuty
from ._report_back import pending_report_backs as pending_report_backs

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exports.py checks
    "Absence",
    "Acting",
    "AllOf",
    "AnyOf",
    "ApprovalGranted",
    "ApprovalRefused",
    "ApprovalStep",
    "ApprovalStepCompleted",
    "ApprovalStepStarted",
    "Assigned",
    "BehindSchedule",
    "CITY_KEY_WORK_POLICY",
    "ClockRule",
    "Condition",
    "Coordination",
    "CoverPlan",
    "DayChange",
    "Decision",
    "DeputyActed",
    "DeputyReportedBack",
    "Directory",
    "DueDateReplanned",
    "DueDatesReplanned",
    "EscalatedIssue",
    "EscalationPolicy",
    "JointMeeting",
    "Level",
    "Move",
    "NoProgressFor",
    "Notice",
    "NoticeAnswered",
    "NoticeIssued",
    "NoticeKind",
    "Overdue",
    "PreviousUnanswered",
    "Recipient",
    "Repeat",
    "Replan",
    "ReportBackDuty",
    "SUPERVISION_EVENT_TYPES",
    "SupervisionEvent",
    "SupervisionJournal",
    "TOWN_JOINT_MEETING",
    "Target",
    "WarningAtLeast",
    "escalated_issues",
    "joint_meeting_agenda",
    "pending_report_backs",
    "replan",
    "supervise",
]
