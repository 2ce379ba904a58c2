"""Rule-language texts ("within 3 working days", "每月最后一个工作日") evaluated for the engine.

Delays and schedules in a policy are rule-language texts, evaluated by :mod:`govops.rules`. The
parsed rules and the due dates are cached: a sweep over 100,000 tasks asks the same few questions
about the same few hundred days.

Until :mod:`govops.rules` is importable, the canonical working-day forms ("within N working days",
"N个工作日内") are evaluated here so the engine works on its own; any other text then raises
:class:`~govops.exceptions.EscalationError` saying the rule language is needed.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import re
from typing import Any

from ..exceptions import EscalationError, GovopsError

__all__ = ["rule_due", "rule_occurrences", "working_days_of"]

_EN = re.compile(r"^\s*within\s+(\d+)\s+working\s+days?\s*$", re.IGNORECASE)
_ZH = re.compile(r"^\s*(\d+)\s*个工作日内\s*$")


def working_days_of(text: str) -> int | None:
    """N for the canonical "within N working days" / "N个工作日内", else ``None``."""
    match = _EN.match(text) or _ZH.match(text)
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Any:
    try:
        rules = importlib.import_module("govops.rules")
        parse = rules.parse_rule
    except (ImportError, AttributeError):
        return None
    try:
        return parse(text)
    except GovopsError as exc:
        raise EscalationError(f"rule text {text!r} cannot be used: {exc}") from exc


def rule_due(text: str, trigger: dt.date, calendar: Any) -> dt.date:
    """The due date of the rule ``text`` counted from ``trigger`` on ``calendar``."""
    rule = _parsed(text)
    if rule is not None:
        due = rule.due(trigger, calendar=calendar)
        assert isinstance(due, dt.date)
        return due
    n = working_days_of(text)
    if n is None:
        raise EscalationError(
            f"rule text {text!r} needs govops.rules, which is not available; "
            "write 'within N working days' or 'N个工作日内'"
        )
    result = calendar.add_working_days(trigger, n)
    assert isinstance(result, dt.date)
    return result


def rule_occurrences(text: str, start: dt.date, end: dt.date, calendar: Any) -> list[dt.date]:
    """The occurrences of the schedule ``text`` from ``start`` to ``end`` inclusive."""
    rule = _parsed(text)
    if rule is None:
        raise EscalationError(
            f"schedule {text!r} needs govops.rules, which is not available; give the meeting "
            "dates explicitly with JointMeeting.on_dates(...)"
        )
    return [d for d in rule.occurrences(start, end, calendar=calendar) if isinstance(d, dt.date)]
