"""Work items and the ledger (台账): responsibility, events, expected progress and warnings.

A :class:`Task` says what was assigned, to whom and by when; a :class:`Ledger` records what happened
to it as hash-chained events; projections, queries, expected progress (序时进度) and red/yellow/blue
warnings are functions of the events and ``now``.
"""

from ._events import Annotation as Annotation
from ._events import CompletionConfirmed as CompletionConfirmed
from ._events import DeadlineChangeApproved as DeadlineChangeApproved
from ._events import DeadlineChangeRejected as DeadlineChangeRejected
from ._events import DeadlineChangeRequested as DeadlineChangeRequested
from ._events import Entry as Entry
from ._events import Event as Event
from ._events import IssueRaised as IssueRaised
from ._events import IssueResolved as IssueResolved
from ._events import Light as Light
from ._events import MilestoneReached as MilestoneReached
from ._events import PlanApproved as PlanApproved
from ._events import PlanSubmitted as PlanSubmitted
from ._events import ProgressReported as ProgressReported
from ._events import TaskAccepted as TaskAccepted
from ._events import TaskAssigned as TaskAssigned
from ._events import TaskCancelled as TaskCancelled
from ._events import TaskCompleted as TaskCompleted
from ._events import TaskReassigned as TaskReassigned
from ._events import TaskReopened as TaskReopened
from ._events import TaskResumed as TaskResumed
from ._events import TaskSuspended as TaskSuspended
from ._events import WarningIssued as WarningIssued
from ._events import WarningWithdrawn as WarningWithdrawn
from ._events import register_event_type as register_event_type
from ._governance import ChangeSignedOff as ChangeSignedOff
from ._governance import ListChange as ListChange
from ._governance import ListChangeRules as ListChangeRules
from ._ledger import Ledger as Ledger
from ._ledger import LedgerStatistics as LedgerStatistics
from ._model import Category as Category
from ._model import CooperatingUnit as CooperatingUnit
from ._model import Deadline as Deadline
from ._model import FiveOnesReport as FiveOnesReport
from ._model import Milestone as Milestone
from ._model import Person as Person
from ._model import Plan as Plan
from ._model import Responsibility as Responsibility
from ._model import Role as Role
from ._model import Source as Source
from ._model import SourceKind as SourceKind
from ._model import SubItem as SubItem
from ._model import Task as Task
from ._model import Unit as Unit
from ._model import UnitKind as UnitKind
from ._model import WorkingCalendar as WorkingCalendar
from ._model import check_five_ones as check_five_ones
from ._progress import Basis as Basis
from ._progress import ProgressCheck as ProgressCheck
from ._progress import ProgressPolicy as ProgressPolicy
from ._progress import WarningLight as WarningLight
from ._progress import WarningPolicy as WarningPolicy
from ._progress import expected_percent as expected_percent
from ._state import CoverWindow as CoverWindow
from ._state import Issue as Issue
from ._state import LedgerPolicy as LedgerPolicy
from ._state import PlanStatus as PlanStatus
from ._state import Status as Status
from ._state import TaskState as TaskState

__all__ = [
    "Annotation",
    "Basis",
    "Category",
    "ChangeSignedOff",
    "CompletionConfirmed",
    "CooperatingUnit",
    "CoverWindow",
    "Deadline",
    "DeadlineChangeApproved",
    "DeadlineChangeRejected",
    "DeadlineChangeRequested",
    "Entry",
    "Event",
    "FiveOnesReport",
    "Issue",
    "IssueRaised",
    "IssueResolved",
    "Ledger",
    "LedgerPolicy",
    "LedgerStatistics",
    "Light",
    "ListChange",
    "ListChangeRules",
    "Milestone",
    "MilestoneReached",
    "Person",
    "Plan",
    "PlanApproved",
    "PlanStatus",
    "PlanSubmitted",
    "ProgressCheck",
    "ProgressPolicy",
    "ProgressReported",
    "Responsibility",
    "Role",
    "Source",
    "SourceKind",
    "Status",
    "SubItem",
    "Task",
    "TaskAccepted",
    "TaskAssigned",
    "TaskCancelled",
    "TaskCompleted",
    "TaskReassigned",
    "TaskReopened",
    "TaskResumed",
    "TaskState",
    "TaskSuspended",
    "Unit",
    "UnitKind",
    "WarningIssued",
    "WarningLight",
    "WarningPolicy",
    "WarningWithdrawn",
    "WorkingCalendar",
    "check_five_ones",
    "expected_percent",
    "register_event_type",
]
