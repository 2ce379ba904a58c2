"""Rich HTML views for Jupyter of the values an analyst looks at most.

Rules, explanations, calendar months, task states, ledgers, decisions and bulletins have a
``_repr_html_`` of their own, which Jupyter uses as it is. ``%load_ext govops.scenarios``
(:func:`load_ipython_extension`, which receives the running shell: nothing global is looked up)
adds a view of a whole calendar: its coverage and special days.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..calendars import WorkCalendar
from ..rules import Explanation, Rule

__all__ = ["calendar_html", "explanation_html", "load_ipython_extension", "rule_html"]


def rule_html(rule: Rule) -> str:
    """A rule as a small table (what Jupyter shows of a rule without this extension too).

    >>> from govops.rules import parse_rule
    >>> "季度末后2日" in rule_html(parse_rule("at quarter-end plus 2 days"))
    True
    """
    return rule._repr_html_()


def explanation_html(explanation: Explanation) -> str:
    """An explanation as a numbered list of steps, the due date in bold."""
    return explanation._repr_html_()


def calendar_html(calendar: WorkCalendar, year: int | None = None) -> str:
    """A calendar's coverage and the special days (holidays, 调休) of ``year`` (default: the last
    published year)."""
    year = calendar.published_through if year is None else year
    days = calendar.special_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    rows = "".join(
        f"<tr><td>{d.date.isoformat()}</td><td>{html.escape(d.kind.value)}</td>"
        f"<td>{html.escape(d.name_zh or '')}</td><td>{html.escape(d.name_en or '')}</td></tr>"
        for d in days
    )
    where = calendar.country + (f"-{calendar.subdiv}" if calendar.subdiv else "")
    return (
        f"<div><strong>WorkCalendar {html.escape(where)}</strong>: {calendar.first_year}–"
        f"{calendar.last_year}, official schedule through {calendar.published_through}"
        f"{' (provisional beyond)' if calendar.provisional else ''}"
        f"<table><caption>special days of {year}</caption>"
        f"<tr><th>date</th><th>kind</th><th>名称</th><th>name</th></tr>{rows}</table></div>"
    )


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext govops.scenarios``: show rules, explanations and calendars as HTML."""
    formatter = ipython.display_formatter.formatters["text/html"]
    formatter.for_type(Rule, rule_html)
    formatter.for_type(Explanation, explanation_html)
    formatter.for_type(WorkCalendar, calendar_html)
