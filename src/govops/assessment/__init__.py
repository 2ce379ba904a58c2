"""Assessment and bulletins (考核 / 通报): scoring rules as data, scores with reasons, rankings.

:func:`assess` scores every unit of a ledger over a period with :class:`ScoringRules` (points per
event, lead and cooperating weights, caps, grades and vetoes) and returns a :class:`Bulletin`,
which renders itself in Chinese Markdown. :data:`KEY_WORK_SCORING` is the ready-made rule set.
"""

from ._bulletin import Bulletin as Bulletin
from ._bulletin import UnitResult as UnitResult
from ._bulletin import assess as assess
from ._scoring import KEY_WORK_SCORING as KEY_WORK_SCORING
from ._scoring import Grade as Grade
from ._scoring import PointChange as PointChange
from ._scoring import ScoreEvent as ScoreEvent
from ._scoring import ScoringRules as ScoringRules
from ._scoring import Veto as Veto

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exports.py checks
    "Bulletin",
    "Grade",
    "KEY_WORK_SCORING",
    "PointChange",
    "ScoreEvent",
    "ScoringRules",
    "UnitResult",
    "Veto",
    "assess",
]
