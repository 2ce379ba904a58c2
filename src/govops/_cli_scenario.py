"""The scenario commands of ``govops`` (an edge module: it reads files, writes CSV and prints).

``add_parsers(subparsers)`` registers ``govops scenario run FILE.toml [--out DIR]`` and
``govops scenario compare BASE.toml REFORM.toml`` on the ``govops`` argument parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ._cli_schedule import add_calendar_options

if TYPE_CHECKING:
    from .scenarios.loaders import ScenarioFile

# The scenario machinery is imported by the commands, not here: registering the parsers must not
# slow every other `govops` command down.

__all__ = ["add_parsers", "cmd_scenario_compare", "cmd_scenario_run"]

_BAR_MIN_STEPS = 60  # shorter runs finish before a bar is worth drawing


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


def _progress(stream: TextIO, label: str) -> Any:
    """An ``on_step`` callback drawing a one-line bar on ``stream`` (only on a terminal)."""
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        if total < _BAR_MIN_STEPS:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} days")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw


def _run(f: ScenarioFile) -> Any:
    from .scenarios import simulate

    return simulate(
        f.scenario,
        start=f.start,
        end=f.end,
        step=f.step,  # type: ignore[arg-type]  # checked by the loader
        on_step=_progress(sys.stderr, f.scenario.name),
    )


def _load(path: str, args: argparse.Namespace) -> ScenarioFile:
    """A scenario file, with the command line's ``--schedule``, ``--provisional`` and
    ``--published-through`` on top."""
    import attrs

    from ._cli_schedule import schedules_from_args, with_schedules
    from .calendars import calendar
    from .scenarios.loaders import load_scenario

    f = load_scenario(path)
    extra = schedules_from_args(args)
    cap = args.published_through
    if not extra and not args.provisional and cap is None:
        return f
    cal = f.scenario.calendar
    if (args.provisional and not cal.provisional) or cap is not None:
        # Rebuilt as asked, then the file's own schedules again, before the command line's.
        base = calendar(
            cal.country,
            cal.subdiv,
            provisional=args.provisional or cal.provisional,
            published_through=cap,
        )
        cal = with_schedules(base, f.schedules)
    scenario = attrs.evolve(f.scenario, calendar=with_schedules(cal, extra))
    return attrs.evolve(f, scenario=scenario)


def cmd_scenario_run(args: argparse.Namespace) -> int:
    """``govops scenario run FILE.toml [--out DIR]``."""
    if args.out:  # before the run: a directory that cannot be made fails at once
        os.makedirs(args.out, exist_ok=True)
    f = _load(args.file, args)
    result = _run(f)
    _out("\n".join(result.summary()))
    if args.out:
        for name, table in result.tables().items():
            target = os.path.join(args.out, f"{name}.csv")
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(table.to_csv())
        _out(f"tables written to {args.out}: {', '.join(f'{n}.csv' for n in result.tables())}")
    return 0


def cmd_scenario_compare(args: argparse.Namespace) -> int:
    """``govops scenario compare BASE.toml REFORM.toml``."""
    from .scenarios import compare

    base, reform = _load(args.base, args), _load(args.reform, args)
    comparison = compare(_run(base), _run(reform))
    _out("\n".join(comparison.summary()))
    return 0


def add_parsers(subparsers: Any) -> None:
    """Register ``scenario run`` and ``scenario compare`` on ``govops``'s subparsers."""
    p = subparsers.add_parser(
        "scenario", help="simulate a scenario file, or compare a reform with its baseline"
    )
    sub = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    run = sub.add_parser("run", help="simulate FILE.toml; print a summary, write tables as CSV")
    run.add_argument("file", metavar="FILE.toml")
    run.add_argument("--out", metavar="DIR", help="write every table as DIR/<table>.csv")
    add_calendar_options(run, country=False)
    run.set_defaults(func=cmd_scenario_run)
    cmp = sub.add_parser("compare", help="simulate a baseline and a reform and show the changes")
    cmp.add_argument("base", metavar="BASE.toml")
    cmp.add_argument("reform", metavar="REFORM.toml")
    add_calendar_options(cmp, country=False)
    cmp.set_defaults(func=cmd_scenario_compare)
