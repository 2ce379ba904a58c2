"""Rich HTML views for Jupyter of the values an analyst looks at most.

Results, sweeps, comparisons and tables of :mod:`govops.scenarios` have ``_repr_html_`` of their
own. Rules, explanations and calendars belong to other packages; their views live here and are
registered with IPython by ``%load_ext govops.scenarios`` (:func:`load_ipython_extension`, which
receives the running shell: nothing global is looked up).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..calendars import WorkCalendar
from ..rules import Explanation, Rule

__all__ = ["calendar_html", "explanation_html", "load_ipython_extension", "rule_html"]


def _row(key: str, value: object) -> str:
    return f"<tr><th style='text-align:left'>{html.escape(key)}</th><td>{html.escape(str(value))}</td></tr>"


def rule_html(rule: Rule) -> str:
    """A rule as a small table: its English and Chinese text, kind, roll and RRULE.

    >>> from govops.rules import parse_rule
    >>> "季度末后2日" in rule_html(parse_rule("at quarter-end plus 2 days"))
    True
    """
    rows = [
        _row("English", rule.to_text("en")),
        _row("中文", rule.to_text("zh")),
        _row("kind", "schedule" if rule.is_schedule else "deadline"),
        _row("roll", rule.effective_roll or "none needed (always a working day)"),
    ]
    rrule = rule.to_rrule()
    if rrule:
        rows.append(_row("RRULE", rrule))
    return f"<table><caption>govops rule</caption>{''.join(rows)}</table>"


def explanation_html(explanation: Explanation) -> str:
    """An explanation as a numbered list of steps, the due date in bold."""
    items = "".join(
        f"<li>{html.escape(step.text(explanation.lang))}</li>" for step in explanation.steps
    )
    head = html.escape(explanation.lines()[0])
    flag = " <em>(provisional)</em>" if explanation.provisional else ""
    return (
        f"<div><strong>{head}</strong><ol>{items}</ol>"
        f"due: <strong>{explanation.due.isoformat()}</strong>{flag}</div>"
    )


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
