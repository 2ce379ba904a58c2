"""The result of :meth:`Rule.explain`: each step from the trigger to the due date, in two languages."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal, final

import attrs

from .._html import esc

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["Explanation", "Step"]

StepKind = Literal[
    "trigger",
    "counting",
    "convention",
    "period",
    "anchor",
    "offset",
    "rest_day",
    "roll",
    "due",
    "provisional",
]


_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})
_CLOCK = re.compile(r"(\d{1,2})：(\d{2})")


def _zh_punctuation(text: str) -> str:
    """Chinese text takes full-width punctuation: ``(周五),`` → ``（周五），``; a time of day keeps
    its colon (17:30)."""
    return _CLOCK.sub(r"\1:\2", text.translate(_FULL_WIDTH))


@final
@attrs.frozen
class Step:
    """One step of an explanation: what happened, on which day, in English and in Chinese."""

    kind: StepKind
    date: dt.date | None
    en: str = attrs.field(kw_only=True)
    zh: str = attrs.field(kw_only=True, converter=_zh_punctuation)

    def text(self, lang: str = "en") -> str:
        """The step in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en


@final
@attrs.frozen
class Explanation:
    """How a rule reached its due date; ``str()`` reads it out in ``lang``.

    ``provisional`` is true when any day involved lies in a year whose official holiday schedule
    is not published (only possible with a calendar built with ``provisional=True``).
    """

    rule: Rule
    trigger: dt.date
    due: dt.date
    steps: tuple[Step, ...]
    provisional: bool = attrs.field(kw_only=True)
    lang: Literal["en", "zh"] = attrs.field(default="en", kw_only=True)

    def lines(self, lang: str | None = None) -> list[str]:
        """The explanation as numbered lines in ``lang`` (default: the explanation's)."""
        lang = lang or self.lang
        head = (
            f"规则：{self.rule.to_text('zh')}" if lang == "zh" else f"Rule: {self.rule.to_text()}"
        )
        return [head] + [f"  {i}. {step.text(lang)}" for i, step in enumerate(self.steps, 1)]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        """The explanation in Jupyter: the rule, its steps numbered, the due date in bold."""
        items = "".join(f"<li>{esc(step.text(self.lang))}</li>" for step in self.steps)
        provisional = " <em>(provisional)</em>" if self.provisional else ""
        due = "期限" if self.lang == "zh" else "due"
        return (
            f"<div><strong>{esc(self.lines()[0])}</strong><ol>{items}</ol>"
            f"{due}: <strong>{self.due.isoformat()}</strong>{provisional}</div>"
        )
