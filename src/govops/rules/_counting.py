"""Counting contexts: how a document's bare "日" (days) is to be read.

Most law counts a period of 日 in calendar days (民法典 §§200–204), and so does the rule language
by default. Some statutes count every period in working days: the Administrative Licensing Law,
Article 82 (行政许可法第八十二条, "本法规定的行政机关实施行政许可的期限以工作日计算，不含法定
节假日"). A :class:`Counting` names such a reading and its source; a document or policy keeps one
and reads its rules through it, and :meth:`Rule.explain` names the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, final

import attrs

from ..exceptions import RuleError

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["ADMINISTRATIVE_LICENSING", "CALENDAR_DAYS", "WORKING_DAYS", "Counting"]

DaysReading = Literal["calendar", "working"]


@final
@attrs.frozen
class Counting:
    """How a bare count of days (``20日内``, ``within 20 days``) is read, and on whose authority.

    ``days="working"`` reads it as working days; an explicit 自然日 / ``calendar days`` or 工作日 /
    ``working days`` in the text is always read as written.

    >>> import govops
    >>> from govops.rules import ADMINISTRATIVE_LICENSING
    >>> rule = ADMINISTRATIVE_LICENSING.parse_rule("自受理之日起二十日内作出决定")
    >>> rule.to_text("zh")
    '自受理之日起20个工作日内作出决定（依行政许可法第八十二条，期限以工作日计算）'
    """

    days: DaysReading = "calendar"
    source_en: str = attrs.field(default="", kw_only=True)
    source_zh: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.days not in ("calendar", "working"):
            raise RuleError(f"days={self.days!r} is not 'calendar' or 'working'")

    def parse_rule(self, text: str) -> Rule:
        """Read ``text`` in this context (see :func:`govops.rules.parse_rule`)."""
        from ._parse import parse_rule

        return parse_rule(text, days=self)


CALENDAR_DAYS = Counting(
    "calendar",
    source_en="Civil Code Arts. 200-204: a period of days counts calendar days",
    source_zh="民法典第二百条至第二百零四条：按日计算的期间为自然日",
)
WORKING_DAYS = Counting(
    "working",
    source_en="days read as working days, as the caller asked",
    source_zh="按调用方要求，“日”按工作日计算",
)
ADMINISTRATIVE_LICENSING = Counting(
    "working",
    source_en="Administrative Licensing Law Art. 82: its periods are counted in working days, "
    "statutory holidays excluded",
    source_zh="行政许可法第八十二条：本法规定的期限以工作日计算，不含法定节假日",
)
