"""Charts for scenarios (optional: ``pip install 'govops[notebook]'`` brings matplotlib).

Every chart returns a :class:`matplotlib.figure.Figure` (no pyplot state) with its Chinese labels
drawn in the CJK font govops ships, so they render on a machine without one; :func:`use_cjk_font`
makes matplotlib use that font for your own charts too. Counts sit on whole-number ticks, rates
and counts never share an axis, legends sit outside the data, and a date axis that spans years
names the year.
"""

from ._charts import calendar_heatmap as calendar_heatmap
from ._charts import compare_chart as compare_chart
from ._charts import notices_over_time as notices_over_time
from ._charts import s_curve as s_curve
from ._font import FAMILY as FAMILY
from ._font import cjk_family as cjk_family
from ._font import use_cjk_font as use_cjk_font

__all__ = [
    "FAMILY",
    "calendar_heatmap",
    "cjk_family",
    "compare_chart",
    "notices_over_time",
    "s_curve",
    "use_cjk_font",
]
