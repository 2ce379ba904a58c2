"""Reading rule text: normalisation, the LALR parser and error reports.

The grammar (``grammar.lark``, shipped as package data) is compiled once, on first use, with the
:class:`~._build.Builder` transformer attached to the LALR parser itself, so AST nodes are built while
parsing and an exception raised by the builder reaches us unwrapped. No lark object leaves this
module: lark's exceptions become :class:`~govops.RuleSyntaxError`, with line, column, a caret
under the problem, what was expected in words and a did-you-mean.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from ..exceptions import GovopsError, InvalidTypeError, RuleError, RuleSyntaxError
from ._build import Builder
from ._counting import WORKING_DAYS, Counting, DaysReading
from ._nodes import message_in
from ._rule import Rule
from ._words import (
    _EN_NUMBERS,
    _EN_TENS,
    _MONTHS_EN,
    _ORD_WORDS,
    _WEEKDAYS_EN,
    zh_number,
)

__all__ = ["parse_rule", "zh_number"]

MAX_LENGTH = 2000


@functools.lru_cache(maxsize=2)
def _parser(working_days: bool = False) -> lark.Lark:
    return lark.Lark.open_from_package(
        "govops.rules",
        "grammar.lark",
        ("",),
        parser="lalr",
        lexer="contextual",
        transformer=Builder(working_days=working_days),
        maybe_placeholders=False,
    )


# -- errors ----------------------------------------------------------------------------------

_LABELS = {
    "INT": "a number",
    "EN_NUM": "a number",
    "ZH_NUM": "a number",
    "ISO_DATE": "a date (YYYY-MM-DD)",
    "BY_PREFIX": "'no later than'",
    "ORDINAL": "a day such as '5th'",
    "ORD_WORD": "'first'",
    "LAST": "'last'",
    "DAYS": "'days'",
    "WORKING_DAYS": "'working days'",
    "CALENDAR_DAYS": "'calendar days'",
    "PERIOD_NOUN": "'month', 'quarter', 'half-year', 'year', 'week' or 'xun'",
    "PERIOD_EDGE": "'month-end', 'quarter-end', 'year-end', 'xun-end'",
    "PERIOD_ADVERB": "'weekly', 'monthly', 'quarterly'",
    "END": "'end'",
    "START": "'start'",
    "PLUS": "'plus'",
    "MINUS": "'minus'",
    "WEEKDAY_EN": "a weekday ('Monday')",
    "MONTH_EN": "a month ('Jan')",
    "EVENT_PHRASE_EN": "an event ('the meeting', 'receipt of the application')",
    "ACTION_EN": "an action ('report')",
    "ACTION_PHRASE_EN": "an action ('make a decision')",
    "CONDITION_EN": "a condition ('where an extension is needed,')",
    "APPROVAL_EN": "'with the approval of …'",
    "EXTEND_EN": "'extended by'",
    "COUNTING_EN": "'(counted in working days)'",
    "EVENT_QUOTED": "a quoted event name",
    "NTH_LAST": "'second-to-last'",
    "OTHER_WEEK": "'every other week'",
    "_EVERY_OTHER": "'every other'",
    "_EACH": "'each'",
    "BY": "'by'",
    "_WEEK_OF": "'week of'",
    "TIME_EN": "a time ('by 5 pm', 'by close of business')",
    "ROLL_FWD": "'roll forward'",
    "ROLL_BACK": "'roll back'",
    "NO_ROLL": "'no roll'",
    "SKIP_HOL": "'skip holidays'",
    "_WITHIN": "'within'",
    "_AFTER": "'after'",
    "_BEFORE": "'before'",
    "_IN_ADVANCE": "'in advance'",
    "_BY": "'by'",
    "_AT": "'at'",
    "_ON": "'on'",
    "_IN": "'in'",
    "_OF": "'of'",
    "_THE": "'the'",
    "_AND": "'and'",
    "_EVERY": "'every'",
    "_NEXT_MONTH": "'next month'",
    "_NEXT_YEAR": "'next year'",
    "_STARTING": "'starting'",
    "$END": "the end of the rule",
    "DAY_ZH": "'日'/'天'",
    "WORKING_DAY_ZH": "'工作日'",
    "NATURAL_DAY_ZH": "'自然日'",
    "WEEK_ZH": "'周'",
    "MONTH_ZH": "'月'",
    "QUARTER_ZH": "'季度'",
    "HALF_YEAR_ZH": "'半年'",
    "XUN_ZH": "'旬'",
    "YEAR_ZH": "'年'",
    "EDGE_ZH": "'底'/'末'/'初'",
    "WEEKDAY_ZH": "a weekday ('周一')",
    "EVENT_NAME_ZH": "'收到之日起'",
    "EVENT_NAME_B_ZH": "'收到之日前'",
    "EVENT_NAME_C_ZH": "'开庭'",
    "ACTION_ZH": "'报送'",
    "ACTION_PHRASE_ZH": "'办理完毕'",
    "HALF_ZH": "'上半年'/'下半年'",
    "NEXT_MONTH_ZH": "'次月'",
    "NEXT_YEAR_ZH": "'次年'",
    "BIWEEK_ZH": "'隔周'",
    "NIANDU_ZH": "'年度'",
    "ZH_NEI": "'内'",
    "_ZH_SINCE": "'之日起'/'后'",
    "_ZH_AFTER": "'后'",
    "_ZH_AND": "'、'",
    "TIME_ZH": "'下班前'/'17:30前'",
    "FWD_TAIL": "'至节后第一个工作日'",
    "BACK_TAIL": "'至节前最后一个工作日'",
    "YU": "'遇节假日'",
    "ONCE": "'一次'",
}

_KEYWORDS_EN = (
    "every within after before by at on in of the and plus minus starting last first day days "
    "week weeks month months year years quarter half-year working business calendar month-end "
    "quarter-end year-end half-year-end month-start quarter-start year-start end start beginning "
    "xun xun-end xun-start "
    "next advance meeting formation receipt assignment decision report submit hold publish "
    "disclose complete reply roll forward back no skip holidays workday workdays "
    "each later than fortnightly other holiday close business morning afternoon noon hundred "
    "acceptance service"
)
_VOCAB_EN = sorted(
    set(_KEYWORDS_EN.split())
    | set(_WEEKDAYS_EN)
    | set(_MONTHS_EN)
    | set(_EN_NUMBERS)
    | set(_EN_TENS)
    | set(_ORD_WORDS)
)
_VOCAB_ZH = [
    "季度末",
    "季末",
    "季度初",
    "月底",
    "月末",
    "月初",
    "年底",
    "年末",
    "年初",
    "半年末",
    "旬末",
    "每旬",
    "工作日",
    "自然日",
    "每周",
    "每月",
    "每季度",
    "每年",
    "每个工作日",
    "会后",
    "会前",
    "提前",
    "顺延",
    "不顺延",
    "遇节假日",
    "取消",
    "之日起",
    "之日前",
    "次月",
    "最后一个",
    "第",
    "个月",
    "以内",
    "报送",
    "提报",
    "上报",
    "公开",
    "召开",
    "形成",
    "收到",
    "交办",
    "一次",
    "星期",
    "礼拜",
    "终了",
    "结束",
    "届满",
    "期满",
    "年度",
    "节后",
    "节前",
    "隔周",
    "双周",
    "倒数第",
    "下班前",
    "不晚于",
    "所在周起",
]
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _normalize(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full-width digits → ASCII), with a map back to original offsets."""
    parts: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        parts.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return "".join(parts), offsets


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _label(name: str) -> str | None:
    """Words for a terminal: from the table, or its literal text; ``None`` for a pattern the
    table does not name (a regular expression means nothing to a reader)."""
    if name in _LABELS:
        return _LABELS[name]
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:  # pragma: no cover - every terminal is in the grammar
        return None
    return f"'{pattern.value}'" if pattern.type == "str" else None


def _state_terminals(e: UnexpectedToken) -> set[str]:
    """Every terminal the parser state accepted; lark's own list leaves out terminals named by a
    Chinese literal (their names are not upper case)."""
    state = e.state
    if state is None:  # pragma: no cover - lark always attaches the state
        return set()
    names = {t.name for t in _parser().terminals} | {"$END"}
    return {k for k in state.parse_conf.parse_table.states[state.position] if k in names}


# Words of opposite meaning: one is never offered for the other, however close the spelling.
_OPPOSITES = frozenset(
    frozenset(pair)
    for pair in (
        ("之日起", "之日前"),
        ("会后", "会前"),
        ("顺延", "提前"),
        ("顺延", "不顺延"),
        ("月初", "月末"),
        ("年初", "年末"),
        ("after", "before"),
        ("start", "end"),
        ("forward", "back"),
        ("first", "last"),
    )
)


def _suggest(norm: str, pos: int) -> tuple[str, str] | None:
    """A did-you-mean for the word at ``pos``: ``(word, corrected text)``, or ``None``."""
    m = _WORD.match(norm, pos)
    if m is None and pos > 0 and norm[pos - 1 : pos].isalpha() and norm[pos - 1].isascii():
        start = pos
        while start > 0 and norm[start - 1].isascii() and norm[start - 1].isalpha():
            start -= 1
        m = _WORD.match(norm, start)
    if m is not None:
        word = m.group().lower().rstrip("-")
        if word in _VOCAB_EN:
            return None
        close = [
            w
            for w in difflib.get_close_matches(word, _VOCAB_EN, n=3, cutoff=0.75)
            if frozenset((w, word)) not in _OPPOSITES
        ]
        if not close:
            return None
        return close[0], norm[: m.start()] + close[0] + norm[m.start() + len(word) :]
    best: tuple[float, str, int, str] | None = None
    for back in (0, 1, 2):
        start = pos - back
        if start < 0:
            continue
        for word in _VOCAB_ZH:
            cand = norm[start : start + len(word)]
            if len(word) < 2 or len(cand) < len(word) or cand == word or not _CJK.match(cand):
                continue
            if frozenset((cand, word)) in _OPPOSITES:
                continue
            ratio = difflib.SequenceMatcher(None, cand, word).ratio()
            if ratio >= 0.6 and (best is None or ratio > best[0]):
                best = (ratio, word, start, cand)
    if best is None:
        return None
    _, word, start, cand = best
    return word, norm[:start] + word + norm[start + len(cand) :]


def _parses(text: str) -> bool:
    """Whether ``text`` reads as a rule (a suggestion is offered only if it does)."""
    try:
        _parser().parse(text)
    except (UnexpectedInput, GovopsError):
        return False
    return True


_LANGUAGE_NEUTRAL = frozenset({"INT", "ZH_NUM", "EN_NUM", "ISO_DATE", "$END"})


_LABELS_ZH = {
    "INT": "数字",
    "ZH_NUM": "数字",
    "EN_NUM": "数字",
    "ISO_DATE": "日期（YYYY-MM-DD）",
    "$END": "规则结尾",
    "WEEKDAY_ZH": "星期几（如“周一”）",
    "EVENT_NAME_ZH": "事件（如“收到申请之日起”）",
    "EVENT_NAME_B_ZH": "事件（如“收到之日前”）",
    "EVENT_NAME_C_ZH": "事件（如“开庭三日前”）",
    "ACTION_ZH": "行为（如“报送”）",
    "ACTION_PHRASE_ZH": "行为（如“办理完毕”）",
    "BY_PREFIX": "“不晚于”",
    "ZH_MODAL": "“应当”",
    "CONDITION_ZH": "条件（如“对符合条件的，”）",
    "APPROVAL_ZH": "“经批准”",
    "EXTEND_ZH": "“延长”",
    "COUNTING_ZH": "“（期限以工作日计算）”",
    "EVENT_QUOTED": "带引号的事件名",
    "YU": "“遇节假日”",
}


def _labels(names: set[str], *, is_zh: bool) -> list[str]:
    """Words for the expected terminals, in the language of the text (numbers in both)."""
    labels = set()
    for name in names:
        if name.startswith("__IGNORE"):
            continue
        if is_zh and name in _LABELS_ZH:
            labels.add(_LABELS_ZH[name])
            continue
        label = _label(name)
        if label is None:
            continue
        if name in _LANGUAGE_NEUTRAL or bool(_CJK.search(label)) == is_zh:
            labels.add(label)
    return sorted(labels)


def _syntax_error(text: str, norm: str, offsets: list[int], e: UnexpectedInput) -> RuleSyntaxError:
    if isinstance(e, UnexpectedToken):
        token = e.token
        at_end = token.type == "$END"
        pos = len(norm.rstrip()) if at_end else (token.start_pos or 0)
        expected = set(e.expected) | _state_terminals(e)
        what = "" if at_end else repr(str(token))
    else:
        assert isinstance(e, UnexpectedCharacters)
        pos = e.pos_in_stream or 0
        expected = set(e.allowed or ())
        m = _WORD.match(norm, pos)
        what = repr(m.group() if m else norm[pos])
    labels = _labels(expected, is_zh=bool(_CJK.search(norm)))  # in the language of the text
    orig = offsets[min(pos, len(offsets) - 1)]
    line = text.count("\n", 0, orig) + 1
    line_start = text.rfind("\n", 0, orig) + 1
    line_end = text.find("\n", orig)
    line_text = text[line_start : line_end if line_end >= 0 else len(text)]
    column = orig - line_start + 1
    is_zh = bool(_CJK.search(norm))
    suggestion = None
    months = re.search(r"([0-9]+|[〇零一二两三四五六七八九十百千廿]+)月(以|之)?内", norm)
    if months:  # "3月内" reads as "within March" or "within 3 months": ask for the unambiguous form
        fixed = f"{months.group(1)}个月内"
        found: tuple[str, str] | None = (
            fixed,
            norm[: months.start()] + fixed + norm[months.end() :],
        )
    else:
        found = _suggest(norm, pos)
    if found is not None and _parses(found[1]):
        suggestion = found[0]
    # "三十日内或者公告期满后三十日内": two deadlines joined by "or" are two rules, and which one
    # applies is for the reader to decide, never the parser; offer the first when it reads alone.
    alternative = re.match(r"或者|或|or\b", norm[pos:], re.IGNORECASE)
    if alternative and suggestion is None and _parses(norm[:pos].rstrip(" ,，")):
        suggestion = norm[:pos].rstrip(" ,，")
    if is_zh:
        where = f"第{line}行第{column}列"
        if what:
            message = f"无法识别规则{text!r}：{where}的{what}无法识别"
        else:
            message = f"无法识别规则{text!r}：规则不完整（{where}）"
        if labels:
            message += "；此处应为" + "、".join(labels)
        if alternative:
            message += "；“或者”连接的两个期限应写成两条规则"
        if suggestion:
            message += f"；是否要写{suggestion!r}？"
    else:
        if what:
            message = (
                f"cannot read rule {text!r}: unexpected {what} at line {line}, column {column}"
            )
        else:
            message = f"cannot read rule {text!r}: it ends too soon (line {line}, column {column})"
        if labels:
            message += "; expected " + (
                ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
            )
        if alternative:
            message += "; two deadlines joined by 'or' are two rules: write one for each"
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
    caret = " " * _width(line_text[: column - 1]) + "^"
    message += f"\n    {line_text}\n    {caret}"
    return RuleSyntaxError(
        message,
        text=text,
        line=line,
        column=column,
        expected=tuple(labels),
        suggestion=suggestion,
    )


# -- entry point -----------------------------------------------------------------------------


# A modifier in brackets reads as the modifier: （遇节假日顺延）, "(if it falls on a holiday, the
# next working day)". The brackets become spaces, so offsets in error reports stay right.
_BRACKETED_MODIFIER = re.compile(
    r"\((?=\s*(?:如|若)?遇|\s*(?:if|roll|rolling|no roll|do not roll|skip)\b)([^()]*)\)", re.I
)


def _unbracket(text: str) -> str:
    if "(" not in text:
        return text
    return _BRACKETED_MODIFIER.sub(lambda m: f" {m.group(1)} ", text)


# The words of a counting clause (see grammar.lark: COUNTING_ZH, COUNTING_EN): a text holding
# one is read in working days, so that its bare 日 means what the clause says.
_COUNTING_WORDS = re.compile(r"期限以工作日计算|counted\s+in\s+working\s+days", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, working_days: bool = False) -> Rule:
    if not text.strip():
        raise RuleSyntaxError(
            f"cannot read rule {text!r}: it is empty; write e.g. 'within 2 days' (两日内)",
            text=text,
            line=1,
            column=1,
            expected=("a rule",),
        )
    if len(text) > MAX_LENGTH:
        raise RuleError(f"rule text of {len(text)} characters is too long (at most {MAX_LENGTH})")
    # Most rules are already NFKC (ASCII, or plain Chinese): then the per-character pass, which
    # also maps offsets back for error reports, is only needed when there is an error to report.
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        norm = _unbracket(text)
    else:
        norm = _unbracket(_normalize(text)[0])
    clause = not working_days and bool(_COUNTING_WORDS.search(norm))
    try:
        rule: Rule = _parser(working_days or clause).parse(norm)  # type: ignore[assignment]
        if clause and rule.counting is None:  # the words were not a clause (inside a name)
            rule = _parser(False).parse(norm)  # type: ignore[assignment]
    except UnexpectedInput as e:
        norm, offsets = _normalize(text)
        raise _syntax_error(text, _unbracket(norm), offsets, e) from None
    except VisitError as e:  # pragma: no cover - the builder runs inside the parser
        if isinstance(e.orig_exc, GovopsError):
            raise e.orig_exc from None
        raise
    except RuleSyntaxError:
        raise
    except RuleError as e:
        if _CJK.search(norm):
            raise RuleError(f"规则{text!r}：{message_in(e, 'zh')}") from None
        raise RuleError(f"rule {text!r}: {e}") from None
    return rule


@functools.lru_cache(maxsize=1024)
def _parse_in(text: str, counting: Counting) -> Rule:
    rule = _parse_cached(text, counting.days == "working")
    # A counting clause in the text names its own source, which wins (text wins over defaults).
    return attrs.evolve(rule, counting=rule.counting or counting)


def parse_rule(text: str, *, days: DaysReading | Counting = "calendar") -> Rule:
    """Read a rule written in English or Chinese.

    Results are cached: parsing a text seen before costs a dictionary lookup.

    ``days`` says how a bare count of days (``20日内``) is read: ``"calendar"`` (the default, as
    the Civil Code counts), ``"working"``, or a :class:`Counting` that names its legal source,
    such as :data:`ADMINISTRATIVE_LICENSING` (行政许可法第八十二条), which
    :meth:`Rule.explain` then cites.

    >>> from govops.rules import parse_rule
    >>> parse_rule("二十日内作出决定", days="working").to_text("zh")
    '20个工作日内作出决定（期限以工作日计算）'

    >>> from govops.rules import parse_rule
    >>> parse_rule("会后两日内报送") == parse_rule("report within two days after the meeting")
    True
    >>> parse_rule("每季度末后两天提报").to_text()
    'report every quarter at quarter-end plus 2 days'
    >>> parse_rule("at quater-end plus two days")
    Traceback (most recent call last):
    ...
    govops.exceptions.RuleSyntaxError: cannot read rule 'at quater-end plus two days': unexpected 'quater-end' at line 1, column 4; ... did you mean 'quarter-end'?
        at quater-end plus two days
           ^
    """
    if type(text) is not str:
        raise InvalidTypeError(f"text={text!r} is a {type(text).__name__}; expected a str")
    if days == "calendar":
        return _parse_cached(text)
    if days == "working":
        return _parse_in(text, WORKING_DAYS)
    if isinstance(days, Counting):
        return _parse_in(text, days)
    raise InvalidTypeError(f"days={days!r} is not 'calendar', 'working' or a Counting")
