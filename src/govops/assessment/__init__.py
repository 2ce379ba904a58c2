"""Assessment and bulletins (考核 / 通报): scoring rules as data, scores with reasons, rankings.

:func:`assess` scores every unit of a ledger over a period with :class:`ScoringRules` (points per
event, lead and cooperating weights, caps, grades, vetoes, indicators against plan and public
review bands) and returns a :class:`Bulletin`, which renders itself in Chinese or English
(``to_markdown(lang=)``, ``to_document(lang=)``). :data:`KEY_WORK_SCORING` and
:data:`KEY_PROJECT_SCORING` are the ready-made rule sets.
"""

from ._bulletin import Bulletin as Bulletin
from ._bulletin import Problem as Problem
from ._bulletin import TaskCounts as TaskCounts
from ._bulletin import UnitResult as UnitResult
from ._bulletin import VetoApplied as VetoApplied
from ._bulletin import assess as assess
from ._indicators import Indicator as Indicator
from ._indicators import IndicatorResult as IndicatorResult
from ._indicators import Measure as Measure
from ._indicators import PublicReview as PublicReview
from ._scoring import KEY_PROJECT_SCORING as KEY_PROJECT_SCORING
from ._scoring import KEY_WORK_SCORING as KEY_WORK_SCORING
from ._scoring import Grade as Grade
from ._scoring import PointChange as PointChange
from ._scoring import ScoreEvent as ScoreEvent
from ._scoring import ScoringRules as ScoringRules
from ._scoring import Veto as Veto

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exports.py checks
    "Bulletin",
    "Grade",
    "Indicator",
    "IndicatorResult",
    "KEY_PROJECT_SCORING",
    "KEY_WORK_SCORING",
    "Measure",
    "PointChange",
    "Problem",
    "PublicReview",
    "ScoreEvent",
    "ScoringRules",
    "TaskCounts",
    "UnitResult",
    "Veto",
    "VetoApplied",
    "assess",
]
