"""Duties: the documents' recurring and event-triggered obligations, as ledger work.

A :class:`Duty` says who owes what to whom, by which rule of the rule language, and where the
document says so (:class:`Citation`); a word such as 及时 whose period the policy sets is a
:class:`Term`. :func:`record_duties` puts the tasks a set of duties owes at ``now`` into a ledger,
one per period (or :class:`Occasion`) and owner, idempotently; from there
:func:`govops.escalation.supervise` escalates an unmet duty like any task and the bulletin counts
it. :func:`missed_monthly_targets` finds the occasions of the report owed when a month's progress
target is missed. The source documents' duties are ready-made (:data:`DOCUMENT_DUTIES`).
"""

from ._generate import Occasion as Occasion
from ._generate import duty_tasks as duty_tasks
from ._generate import is_duty_task as is_duty_task
from ._generate import record_duties as record_duties
from ._model import Citation as Citation
from ._model import Duty as Duty
from ._model import Term as Term
from ._presets import DOCUMENT_DUTIES as DOCUMENT_DUTIES
from ._presets import E_SUPERVISION_ARCHIVE as E_SUPERVISION_ARCHIVE
from ._presets import LEAD_UNIT_PROGRESS_REPORT as LEAD_UNIT_PROGRESS_REPORT
from ._presets import LEADER_MEETING_REPORT as LEADER_MEETING_REPORT
from ._presets import MISSED_MONTHLY_TARGET_REPORT as MISSED_MONTHLY_TARGET_REPORT
from ._presets import MONTHLY_WRITTEN_REPORT as MONTHLY_WRITTEN_REPORT
from ._presets import PROMPTLY as PROMPTLY
from ._presets import PROVINCIAL_MEETING_REPORT as PROVINCIAL_MEETING_REPORT
from ._presets import QUARTERLY_PROGRESS_REPORT as QUARTERLY_PROGRESS_REPORT
from ._presets import TRIP_SUMMARY as TRIP_SUMMARY
from ._presets import YEAR_START_FILING as YEAR_START_FILING
from ._triggers import missed_monthly_targets as missed_monthly_targets

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exports.py checks
    "Citation",
    "DOCUMENT_DUTIES",
    "Duty",
    "E_SUPERVISION_ARCHIVE",
    "LEADER_MEETING_REPORT",
    "LEAD_UNIT_PROGRESS_REPORT",
    "MISSED_MONTHLY_TARGET_REPORT",
    "MONTHLY_WRITTEN_REPORT",
    "Occasion",
    "PROMPTLY",
    "PROVINCIAL_MEETING_REPORT",
    "QUARTERLY_PROGRESS_REPORT",
    "TRIP_SUMMARY",
    "Term",
    "YEAR_START_FILING",
    "duty_tasks",
    "is_duty_task",
    "missed_monthly_targets",
    "record_duties",
]
