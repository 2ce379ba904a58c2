"""Rule-language texts ("within 3 working days", "每月最后一个工作日") evaluated for the engine.

Delays and schedules in a policy are rule-language texts, evaluated by :mod:`govops.rules`. The
parsed rules are cached: a sweep over 100,000 tasks asks the same few questions about the same few
hundred days.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

from ..calendars import WorkCalendar
from ..exceptions import EscalationError, GovopsError
from ..rules import Rule, parse_rule

__all__ = ["rule_due", "rule_occurrences", "rule_text"]


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Rule:
    try:
        return parse_rule(text)
    except GovopsError as exc:
        raise EscalationError(f"rule text {text!r} cannot be used: {exc}") from exc


def rule_due(text: str, trigger: dt.date, calendar: WorkCalendar) -> dt.date:
    """The due date of the rule ``text`` counted from ``trigger`` on ``calendar``."""
    return _parsed(text).due(trigger, calendar=calendar)


def rule_occurrences(
    text: str, start: dt.date, end: dt.date, calendar: WorkCalendar
) -> list[dt.date]:
    """The occurrences of the schedule ``text`` from ``start`` to ``end`` inclusive."""
    return list(_parsed(text).occurrences(start, end, calendar=calendar))


@functools.lru_cache(maxsize=256)
def rule_text(text: str, lang: Literal["en", "zh"]) -> str:
    """The rule ``text`` written in ``lang`` (``"5个工作日内"`` reads ``"within 5 working days"``)."""
    return _parsed(text).to_text(lang)
