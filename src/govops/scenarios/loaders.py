"""Scenario files (an edge module: it reads them through :func:`govops.loaders.read_text`).

A scenario file is TOML. Every key is optional except ``name``, ``start``, ``end`` and at least one
unit or task; errors name the file, the key and the line::

    name = "季度报告：日历日"
    start = 2026-01-01
    end = 2026-10-31
    country = "CN"                      # calendar (also: subdiv, provisional)
    schedules = ["2027.toml"]           # holiday schedules to load: TOML files or notices' text
    step = "working day"                # or "day"
    reporting = "every Friday"          # schedule of progress reports
    supervision = "every working day"   # schedule of the escalation engine
    escalation = "city-key-work"        # a ready-made policy (see ESCALATION_PRESETS)
    scoring = "key-work-scoring"        # ready-made scoring rules (see SCORING_PRESETS)
    assessment = "quarter"              # bulletin period
    counting = "calendar_days"          # how a bare 日 reads: also "working_days" and
                                        # "administrative_licensing" (行政许可法第八十二条)
    meetings = ["leadership_meeting"]   # meeting presets (govops.meetings.presets)

    [rules]
    quarterly_report = "at quarter-end plus 2 days"

    [progress]                          # ProgressModel
    seed = 7
    unit_spread = 0.4

    [warnings]                          # WarningPolicy
    blue_within = 5
    yellow_lag = 10

    [[units]]
    id = "U1"
    name = "第一科"

    [[duties]]
    id = "QR"
    title = "季度报告"
    deadline = "rule:quarterly_report"  # a rule of [rules] by name, or rule text
    every = "每季度最后一个工作日"         # a schedule, or "meeting:<key>"
    effort = 2

    [[tasks]]
    id = "T1"
    title = "道路改造"
    unit = "U1"
    due = 2026-06-30                    # or rule = "within 60 working days" and trigger = 2026-03-02
    start = 2026-01-05
    milestones = [{ id = "m1", due = 2026-03-31, percent = 40 }]
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from typing import Any, NoReturn, final

import attrs

from ..assessment import KEY_WORK_SCORING, ScoringRules
from ..calendars import HolidaySchedule, calendar
from ..escalation import CITY_KEY_WORK_POLICY, EscalationPolicy
from ..exceptions import ConfigError, GovopsError
from ..loaders import load_schedule, parse_toml, read_text
from ..meetings import presets
from ..rules import ADMINISTRATIVE_LICENSING, CALENDAR_DAYS, WORKING_DAYS, Counting
from ..tasks import (
    Category,
    Deadline,
    Milestone,
    Plan,
    ProgressPolicy,
    Responsibility,
    Task,
    Unit,
    UnitKind,
    WarningPolicy,
)
from ._model import Duty, ProgressModel, Scenario

__all__ = [
    "ESCALATION_PRESETS",
    "SCORING_PRESETS",
    "ScenarioFile",
    "load_scenario",
    "parse_scenario",
]

ESCALATION_PRESETS: dict[str, EscalationPolicy] = {CITY_KEY_WORK_POLICY.id: CITY_KEY_WORK_POLICY}
"""Escalation policies a scenario file can name."""
SCORING_PRESETS: dict[str, ScoringRules] = {KEY_WORK_SCORING.id: KEY_WORK_SCORING}
"""Scoring rules a scenario file can name."""
# The counting contexts a scenario file can name (``counting = "..."``).
_COUNTINGS: dict[str, Counting] = {
    "calendar_days": CALENDAR_DAYS,
    "working_days": WORKING_DAYS,
    "administrative_licensing": ADMINISTRATIVE_LICENSING,
}

_TOP = {
    "name", "description", "start", "end", "step", "country", "subdiv", "provisional", "schedules",
    "reporting", "supervision", "escalation", "scoring", "assessment", "meetings",
    "approve_notices", "rules", "progress", "warnings", "units", "duties", "tasks", "counting",
}  # fmt: skip
_UNIT_KEYS = {"id", "name", "kind"}
_DUTY_KEYS = {"id", "title", "deadline", "every", "units", "effort", "category"}
_TASK_KEYS = {
    "id", "title", "unit", "category", "due", "rule", "trigger", "start", "milestones", "goal",
}  # fmt: skip
_PROGRESS_KEYS = {"seed", "pace", "unit_spread", "task_spread", "report_noise", "catch_up"}
_WARNING_KEYS = {"blue_within", "yellow_lag", "latch", "basis", "reporting_tolerance"}


@final
@attrs.frozen
class ScenarioFile:
    """A scenario read from a file, with the run it asks for (``start``, ``end``, ``step``)."""

    scenario: Scenario
    start: dt.date = attrs.field(kw_only=True)
    end: dt.date = attrs.field(kw_only=True)
    step: str = attrs.field(default="working day", kw_only=True)
    path: str = attrs.field(default="<string>", kw_only=True)
    schedules: tuple[HolidaySchedule, ...] = attrs.field(default=(), kw_only=True)
    """The holiday schedules the file's ``schedules`` key loaded into the scenario's calendar."""


def load_scenario(path: str | os.PathLike[str]) -> ScenarioFile:
    """Read a scenario TOML file; errors name the file, the key and the line."""
    name, text = read_text(path, what="scenario")
    return parse_scenario(text, path=name)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """``"duties[1].effort" -> line``: where each key of the file is written."""
    lines: dict[str, int] = {}
    section = ""
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            bracket, name = header.groups()
            if bracket == "[[":
                index = counts.get(name, -1) + 1
                counts[name] = index
                section = f"{name}[{index}]"
            else:
                section = name
            lines.setdefault(section, number)
            continue
        key = _KEY.match(line)
        if key:
            full = f"{section}.{key.group(1)}" if section else key.group(1)
            lines.setdefault(full, number)
    return lines


Fail = Callable[..., NoReturn]


def parse_scenario(text: str, *, path: str = "<string>") -> ScenarioFile:
    """Parse the TOML text of a scenario (see the module docstring for the format).

    >>> f = parse_scenario('''
    ... name = "demo"
    ... start = 2026-01-01
    ... end = 2026-03-31
    ... [[units]]
    ... id = "U1"
    ... name = "第一科"
    ... [[duties]]
    ... id = "MR"
    ... title = "月报"
    ... deadline = "at month-end plus 2 days"
    ... every = "every month on the last working day"
    ... ''')
    >>> f.scenario.name, f.start, len(f.scenario.duties)
    ('demo', datetime.date(2026, 1, 1), 1)
    >>> parse_scenario('name = "x"\\nstart = 2026-01-01\\nend = "soon"')
    Traceback (most recent call last):
    ...
    govops.exceptions.ConfigError: <string>:3: end: expected a TOML date such as 2026-12-31, got 'soon'
    """
    data = parse_toml(text, path=path)
    where = _key_lines(text)

    def fail(key: str, message: str) -> NoReturn:
        # The line of the key itself, else of the nearest enclosing table.
        probe = key
        line = where.get(probe)
        while line is None and "." in probe:
            probe = probe.rsplit(".", 1)[0]
            line = where.get(probe)
        if line is None and "[" in probe:
            line = where.get(probe.split("[")[0])
        prefix = f"{path}:{line}" if line else path
        raise ConfigError(f"{prefix}: {key}: {message}", path=path, key=key, line=line)

    _no_unknown(data, _TOP, "", fail)
    name = _str(data, "name", fail)
    start = _date(data.get("start"), "start", fail)
    end = _date(data.get("end"), "end", fail)
    if end < start:
        fail("end", f"{end} is before start = {start}")
    step = data.get("step", "working day")
    if step not in ("working day", "day"):
        fail("step", f"expected 'working day' or 'day', got {step!r}")
    country = _str(data, "country", fail, default="CN")
    subdiv = data.get("subdiv")
    if subdiv is not None and not isinstance(subdiv, str):
        fail("subdiv", f"expected a subdivision code such as 'HK', got {subdiv!r}")
    provisional = data.get("provisional", False)
    if not isinstance(provisional, bool):
        fail("provisional", f"expected true or false, got {provisional!r}")
    try:
        cal = calendar(country, subdiv, provisional=provisional)
    except GovopsError as exc:
        fail("country", str(exc))
    schedules = _schedules(data, path, fail)
    try:
        for schedule in sorted(schedules, key=lambda s: s.year):
            cal = schedule.apply_to(cal)
    except GovopsError as exc:
        fail("schedules", str(exc))

    counting = None
    if "counting" in data:
        key = data["counting"]
        if not isinstance(key, str) or key not in _COUNTINGS:
            fail("counting", f"expected one of {sorted(_COUNTINGS)!r}, got {key!r}")
        counting = _COUNTINGS[key]
    rules = data.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, str) for v in rules.values()):
        fail("rules", 'expected a [rules] table of name = "rule text"')
    units = [
        _unit(item, f"units[{i}]", fail) for i, item in enumerate(_tables(data, "units", fail))
    ]
    by_id = {u.id: u for u in units}
    duties = [
        _duty(item, f"duties[{i}]", fail) for i, item in enumerate(_tables(data, "duties", fail))
    ]
    tasks = [
        _task(item, f"tasks[{i}]", by_id, counting, fail)
        for i, item in enumerate(_tables(data, "tasks", fail))
    ]
    if not units and not tasks:
        fail("units", "a scenario needs at least one [[units]] or [[tasks]] entry")

    escalation = None
    if "escalation" in data:
        key = data["escalation"]
        if not isinstance(key, str) or key not in ESCALATION_PRESETS:
            fail("escalation", f"expected one of {sorted(ESCALATION_PRESETS)!r}, got {key!r}")
        escalation = ESCALATION_PRESETS[key]
        # A named policy is in force from the start of the run the file asks for.
        if escalation.effective_from > start:
            escalation = attrs.evolve(escalation, effective_from=start)
    scoring = None
    if "scoring" in data:
        key = data["scoring"]
        if not isinstance(key, str) or key not in SCORING_PRESETS:
            fail("scoring", f"expected one of {sorted(SCORING_PRESETS)!r}, got {key!r}")
        scoring = SCORING_PRESETS[key]
    meetings = data.get("meetings", [])
    if not isinstance(meetings, list):
        fail("meetings", "expected a list of meeting preset keys")
    meeting_types = []
    for key in meetings:
        if not isinstance(key, str) or key not in presets.PRESETS:
            fail(
                "meetings", f"{key!r} is not a meeting preset; expected {sorted(presets.PRESETS)!r}"
            )
        meeting_types.append(presets.PRESETS[key])

    progress = _section(data, "progress", _PROGRESS_KEYS, fail)
    warnings = _section(data, "warnings", _WARNING_KEYS, fail)
    try:
        model = ProgressModel(**progress)
    except (GovopsError, TypeError) as exc:
        fail("progress." + _culprit(exc, progress), str(exc))
    try:
        progress_policy = ProgressPolicy(
            basis=warnings.pop("basis", "working_days"),
            reporting_tolerance=warnings.pop("reporting_tolerance", 0),
        )
        warning_policy = WarningPolicy(progress=progress_policy, **warnings)
    except (GovopsError, TypeError, ValueError) as exc:
        fail("warnings." + _culprit(exc, warnings), str(exc))

    options: dict[str, Any] = {}
    for key in ("reporting", "supervision", "assessment", "description"):
        if key in data:
            options[key] = _str(data, key, fail)
    if "approve_notices" in data:
        if not isinstance(data["approve_notices"], bool):
            fail("approve_notices", f"expected true or false, got {data['approve_notices']!r}")
        options["approve_notices"] = data["approve_notices"]
    try:
        scenario = Scenario(
            name,
            calendar=cal,
            units=units,
            tasks=tasks,
            duties=duties,
            rules=rules,
            meetings=meeting_types,
            progress=model,
            warnings=warning_policy,
            escalation=escalation,
            scoring=scoring,
            counting=counting,
            **options,
        )
    except GovopsError as exc:
        fail(_scenario_culprit(str(exc), duties), str(exc))
    return ScenarioFile(
        scenario, start=start, end=end, step=step, path=path, schedules=tuple(schedules)
    )


# -- pieces ----------------------------------------------------------------------------------------


def _no_unknown(table: dict[str, Any], allowed: set[str], prefix: str, fail: Fail) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        fail(prefix + unknown[0], f"unknown key; expected one of {', '.join(sorted(allowed))}")


def _str(
    table: dict[str, Any], key: str, fail: Fail, *, default: str | None = None, prefix: str = ""
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        fail(prefix + key, f"expected a non-empty string, got {value!r}")
    return value


def _date(value: object, key: str, fail: Fail) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        fail(key, f"expected a TOML date such as 2026-12-31, got {value!r}")
    return value


def _schedules(data: dict[str, Any], path: str, fail: Fail) -> list[HolidaySchedule]:
    """The ``schedules`` files, relative to the scenario file's folder."""
    value = data.get("schedules", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        fail("schedules", f'expected a list of file names, e.g. ["2027.toml"], got {value!r}')
    folder = os.path.dirname(path) if path != "<string>" else ""
    try:
        return [load_schedule(os.path.join(folder, name)) for name in value]
    except GovopsError as exc:
        fail("schedules", str(exc))


def _tables(data: dict[str, Any], key: str, fail: Fail) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        fail(key, f"expected [[{key}]] tables")
    return value


def _section(data: dict[str, Any], key: str, allowed: set[str], fail: Fail) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        fail(key, f"expected a [{key}] table")
    _no_unknown(value, allowed, f"{key}.", fail)
    return dict(value)


def _culprit(exc: Exception, table: dict[str, Any]) -> str:
    message = str(exc)
    for key in table:
        if f"{key}=" in message or f"'{key}'" in message:
            return key
    return next(iter(table), "?")


def _scenario_culprit(message: str, duties: list[Duty]) -> str:
    named = re.match(r"rules\['([^']+)'\]", message)
    if named:
        return f"rules.{named.group(1)}"
    for i, duty in enumerate(duties):
        if message.startswith(f"duty {duty.id!r} deadline"):
            return f"duties[{i}].deadline"
        if f"duty {duty.id!r}" in message:
            if "every" in message.split(":")[0] or "not a schedule" in message:
                return f"duties[{i}].every"
            return f"duties[{i}].units" if "names units" in message else f"duties[{i}].deadline"
    for key in ("reporting", "supervision", "assessment"):
        if message.startswith(key):
            return key
    return "name"


def _unit(item: dict[str, Any], key: str, fail: Fail) -> Unit:
    _no_unknown(item, _UNIT_KEYS, f"{key}.", fail)
    try:
        return Unit(
            _str(item, "id", fail, prefix=f"{key}."),
            _str(item, "name", fail, prefix=f"{key}."),
            kind=UnitKind(item.get("kind", "department")),
        )
    except ValueError as exc:
        fail(f"{key}.kind", f"{exc}; expected one of {', '.join(k.value for k in UnitKind)}")


def _duty(item: dict[str, Any], key: str, fail: Fail) -> Duty:
    _no_unknown(item, _DUTY_KEYS, f"{key}.", fail)
    units = item.get("units", [])
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        fail(f"{key}.units", "expected a list of unit ids")
    effort = item.get("effort", 1.0)
    if isinstance(effort, bool) or not isinstance(effort, (int, float)):
        fail(f"{key}.effort", f"expected a number of working days, got {effort!r}")
    try:
        return Duty(
            _str(item, "id", fail, prefix=f"{key}."),
            _str(item, "title", fail, prefix=f"{key}."),
            deadline=_str(item, "deadline", fail, prefix=f"{key}."),
            every=_str(item, "every", fail, prefix=f"{key}."),
            units=tuple(units),
            effort=effort,
            category=item.get("category", "annual_plan"),
        )
    except ValueError as exc:
        fail(f"{key}.category" if "Category" in str(exc) else f"{key}.effort", str(exc))


def _task(
    item: dict[str, Any], key: str, units: dict[str, Unit], counting: Counting | None, fail: Fail
) -> Task:
    _no_unknown(item, _TASK_KEYS, f"{key}.", fail)
    unit_id = _str(item, "unit", fail, prefix=f"{key}.")
    if unit_id not in units:
        fail(f"{key}.unit", f"{unit_id!r} is not the id of any [[units]] entry")
    if "due" in item:
        if "rule" in item:
            fail(f"{key}.rule", "give either due = <date> or rule = <text>, not both")
        deadline = Deadline.on(_date(item["due"], f"{key}.due", fail))
    elif "rule" in item:
        trigger = _date(item.get("trigger"), f"{key}.trigger", fail)
        text = _str(item, "rule", fail, prefix=f"{key}.")
        try:
            deadline = Deadline.from_rule(text, trigger=trigger, counting=counting)
        except GovopsError as exc:
            fail(f"{key}.rule", str(exc))
    else:
        fail(f"{key}.due", "expected due = <date> or rule = <text> with trigger = <date>")
    start = _date(item["start"], f"{key}.start", fail) if "start" in item else None
    milestones = []
    raw = item.get("milestones", [])
    if not isinstance(raw, list):
        fail(f"{key}.milestones", "expected a list of { id, due, percent } tables")
    for j, m in enumerate(raw):
        mkey = f"{key}.milestones"
        if not isinstance(m, dict) or set(m) - {"id", "due", "percent", "title"}:
            fail(mkey, f"entry {j}: expected {{ id = ..., due = <date>, percent = <number> }}")
        try:
            milestones.append(
                Milestone(
                    str(m.get("id", f"m{j + 1}")),
                    _date(m.get("due"), mkey, fail),
                    cumulative_percent=m.get("percent", -1),
                    title=str(m.get("title", "")),
                )
            )
        except GovopsError as exc:
            fail(mkey, f"entry {j}: {exc}")
    try:
        return Task(
            _str(item, "id", fail, prefix=f"{key}."),
            _str(item, "title", fail, prefix=f"{key}."),
            category=Category(item.get("category", "key_task")),
            responsibility=Responsibility(units[unit_id]),
            deadline=deadline,
            start=start,
            plan=Plan(milestones) if milestones else None,
            goal=str(item.get("goal", "")),
        )
    except (GovopsError, ValueError) as exc:
        fail(f"{key}.category" if "Category" in str(exc) else f"{key}.milestones", str(exc))
