"""Ready-made meeting systems from the source policies (data, not code paths).

>>> from govops.meetings import presets
>>> sorted(presets.PRESETS)[:3]
['city_executive_meeting', 'joint_meeting', 'leader_weekly_meeting']
"""

from ._presets import CITY_EXECUTIVE_MEETING as CITY_EXECUTIVE_MEETING
from ._presets import JOINT_MEETING as JOINT_MEETING
from ._presets import LEADER_WEEKLY_MEETING as LEADER_WEEKLY_MEETING
from ._presets import LEADERSHIP_MEETING as LEADERSHIP_MEETING
from ._presets import MONTHLY_DISPATCH_MEETING as MONTHLY_DISPATCH_MEETING
from ._presets import PARTY_COMMITTEE_MEETING as PARTY_COMMITTEE_MEETING
from ._presets import PRESETS as PRESETS
from ._presets import QUARTERLY_DISPATCH_MEETING as QUARTERLY_DISPATCH_MEETING
from ._presets import ROLE_NAMES as ROLE_NAMES
from ._presets import SECTION_MEETING as SECTION_MEETING
from ._presets import TOWN_EXPANDED_OFFICE_MEETING as TOWN_EXPANDED_OFFICE_MEETING
from ._presets import TOWN_OFFICE_MEETING as TOWN_OFFICE_MEETING
from ._presets import VICE_MAYOR_MEETING as VICE_MAYOR_MEETING
from ._presets import preset as preset
from ._presets import role_name as role_name

__all__ = [
    "CITY_EXECUTIVE_MEETING",
    "JOINT_MEETING",
    "LEADERSHIP_MEETING",
    "LEADER_WEEKLY_MEETING",
    "MONTHLY_DISPATCH_MEETING",
    "PARTY_COMMITTEE_MEETING",
    "PRESETS",
    "QUARTERLY_DISPATCH_MEETING",
    "ROLE_NAMES",
    "SECTION_MEETING",
    "TOWN_EXPANDED_OFFICE_MEETING",
    "TOWN_OFFICE_MEETING",
    "VICE_MAYOR_MEETING",
    "preset",
    "role_name",
]
