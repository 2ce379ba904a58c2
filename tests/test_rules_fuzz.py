"""Fuzzing the rule parser: whatever the text, only govops' own errors escape.

Inputs are the corpus phrases (``tests/corpus/rules_corpus.tsv``) cut, spliced and sprinkled with
the characters and words rules are made of, plus plain random text, from a seeded generator: the
same inputs on every run. The default run reads a sample; ``pytest -m slow`` reads 100,000 and
also checks that no single parse takes longer than a second (the grammar is LALR and the
free-text terminals have bounded lookaheads, so none should come close).
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from govops.exceptions import GovopsError
from govops.rules import parse_rule
from govops.rules._parse import _parse_cached

CORPUS = Path(__file__).parent / "corpus" / "rules_corpus.tsv"
_PIECES = (
    list("每月周日天内前后工作日季度末底初年两三十廿一个、和自起之会提顺延不遇节假取消（）２")
    + list("abcdefghijklmnopqrstuvwxyz -,.()0123456789:")
    + ["之日起", "之日前", "工作日", "终了", "结束", "届满", "下班前", "17:30", "隔周", "倒数第"]
    + [" within ", " by ", " every ", " after ", " the end of ", " each ", " starting "]
    + ["遇节假日顺延", "(if it falls on a holiday, the next working day)", "1,000", "forty-five"]
    + [
        "“",
        "”",
        '"',
        "的，",
        "第二",
        "第2次",
        "可以延长",
        "经批准",
        "本周内提前",
        "（期限以工作日计算）",
    ]
    + [" of ", "where ", "extended by ", ", earlier in the same week", " (counted in working days)"]
)


def _phrases() -> list[str]:
    with CORPUS.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return sorted({row["phrase"] for row in csv.DictReader(lines, delimiter="\t")})


def inputs(n: int, seed: int = 20261207) -> Iterator[str]:
    """``n`` texts: mutated corpus phrases, splices of two phrases, and random strings."""
    rng = random.Random(seed)
    phrases = _phrases()
    for _ in range(n):
        kind = rng.random()
        if kind < 0.6:
            text = rng.choice(phrases)
            for _ in range(rng.randint(1, 3)):
                pos = rng.randint(0, len(text))
                op = rng.random()
                if op < 0.4:
                    text = text[:pos] + rng.choice(_PIECES) + text[pos:]
                elif op < 0.7:
                    text = text[:pos] + text[pos + rng.randint(1, 4) :]
                else:
                    text = text[:pos] + rng.choice(_PIECES) + text[pos + 1 :]
        elif kind < 0.8:
            a, b = rng.choice(phrases), rng.choice(phrases)
            text = a[: rng.randint(0, len(a))] + b[rng.randint(0, len(b)) :]
        else:
            text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        yield text


def _check(text: str) -> float:
    """Parse ``text`` uncached; only GovopsError may escape; returns the seconds it took."""
    start = time.perf_counter()
    try:
        rule = _parse_cached.__wrapped__(text)
    except GovopsError:
        return time.perf_counter() - start
    took = time.perf_counter() - start
    for lang in ("en", "zh"):
        assert parse_rule(rule.to_text(lang)) == rule, (text, lang)
    return took


def test_a_sample_of_fuzzed_inputs_raises_only_govops_errors() -> None:
    for text in inputs(2_000):
        _check(text)


@pytest.mark.slow
def test_100000_fuzzed_inputs_raise_only_govops_errors_and_none_is_slow() -> None:
    parse_rule("within 2 days")  # the grammar is compiled once, on first use: not timed
    slowest = max(_check(text) for text in inputs(100_000, seed=1))
    assert slowest < 1.0


def test_a_condition_that_names_nothing_is_refused_in_the_language_of_the_input() -> None:
    """Found by the 100,000-input fuzz: 的 alone before ，应当 was read as a condition whose
    Chinese text did not read back."""
    for text in (
        "的，应当自受理申请之日起六十日内作出行政复议决定",
        "的外，应当自受理之日起20日内答复",
    ):
        with pytest.raises(GovopsError, match="规则前的条件"):
            parse_rule(text)
    rule = parse_rule("对符合条件的，应当自受理之日起20个工作日内作出决定")
    assert parse_rule(rule.to_text("zh")) == rule


def test_an_english_action_phrase_before_an_extension_reads_back() -> None:
    """Found by the 100,000-input fuzz: "report back, extended by …" was written but not read."""
    for text in (
        "report back，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日",
        "report back, extended by 20 working days",
    ):
        rule = parse_rule(text)
        for lang in ("en", "zh"):
            assert parse_rule(rule.to_text(lang)) == rule
