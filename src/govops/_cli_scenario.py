"""The scenario commands of ``govops`` (an edge module: it reads files, writes CSV and prints).

``add_parsers(subparsers)`` registers ``govops scenario run FILE.toml [--out DIR]`` and
``govops scenario compare BASE.toml REFORM.toml`` on the ``govops`` argument parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

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


def cmd_scenario_run(args: argparse.Namespace) -> int:
    """``govops scenario run FILE.toml [--out DIR]``."""
    from .scenarios.loaders import load_scenario

    f = load_scenario(args.file)
    if args.out:  # before the run: a directory that cannot be made fails at once
        os.makedirs(args.out, exist_ok=True)
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
    from .scenarios.loaders import load_scenario

    base, reform = load_scenario(args.base), load_scenario(args.reform)
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
    run.set_defaults(func=cmd_scenario_run)
    cmp = sub.add_parser("compare", help="simulate a baseline and a reform and show the changes")
    cmp.add_argument("base", metavar="BASE.toml")
    cmp.add_argument("reform", metavar="REFORM.toml")
    cmp.set_defaults(func=cmd_scenario_compare)
