"""Scenarios for policy analysts: rule sweeps, simulations and what-if comparisons.

* :func:`sweep` shows every due date of a rule over a range without a simulation, and
  :func:`compare_readings` puts two readings of one deadline side by side;
* a :class:`Scenario` (calendar, named rules, units, tasks, recurring :class:`Duty` values, meeting
  systems, warning, escalation and scoring policies, and a seeded :class:`ProgressModel`) runs on a
  simulated clock with :func:`simulate`, giving a :class:`SimulationResult` with tidy tables;
* :func:`compare` sets a reform against its baseline, task by task and unit by unit;
* :func:`run_sweep` runs many scenarios × seeds in-process or on a dask cluster.

Every result has ``to_pandas()`` (``pip install 'govops[notebook]'``) and an HTML view in Jupyter;
``%load_ext govops.scenarios`` adds HTML views of rules, explanations and calendars.
"""

from ._compare import Comparison as Comparison
from ._compare import compare as compare
from ._html import calendar_html as calendar_html
from ._html import explanation_html as explanation_html
from ._html import load_ipython_extension as load_ipython_extension
from ._html import rule_html as rule_html
from ._model import Duty as Duty
from ._model import ProgressModel as ProgressModel
from ._model import Scenario as Scenario
from ._parallel import RunFailure as RunFailure
from ._parallel import RunSummary as RunSummary
from ._parallel import run_sweep as run_sweep
from ._parallel import summarize as summarize
from ._simulate import SimulationResult as SimulationResult
from ._simulate import simulate as simulate
from ._sweep import ReadingComparison as ReadingComparison
from ._sweep import RuleSweep as RuleSweep
from ._sweep import SweepRow as SweepRow
from ._sweep import compare_readings as compare_readings
from ._sweep import sweep as sweep
from ._sweep import with_count_unit as with_count_unit
from ._table import Table as Table

__all__ = [
    "Comparison",
    "Duty",
    "ProgressModel",
    "ReadingComparison",
    "RuleSweep",
    "RunFailure",
    "RunSummary",
    "Scenario",
    "SimulationResult",
    "SweepRow",
    "Table",
    "calendar_html",
    "compare",
    "compare_readings",
    "explanation_html",
    "load_ipython_extension",
    "rule_html",
    "run_sweep",
    "simulate",
    "summarize",
    "sweep",
    "with_count_unit",
]
