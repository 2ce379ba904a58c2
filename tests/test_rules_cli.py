"""The rule-language commands (``govops due|occurrences|explain``) and the demo text."""

from __future__ import annotations

import argparse

import pytest

from govops._cli_rules import add_parsers, demo_rules_lines


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="govops")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_due(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["due", "会后两日内报送", "--from", "2024-09-27"]) == 0
    assert capsys.readouterr().out == "2024-09-29（周日）\n"
    assert _run(["due", "within 20 working days", "--from", "2024-09-27"]) == 0
    assert capsys.readouterr().out == "2024-10-30 (Wed)\n"


def test_due_with_explanation_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run(
            [
                "due",
                "at quarter-end plus 2 days",
                "--from",
                "2025-09-26",
                "--explain",
                "--lang",
                "zh",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("规则：季度末后2日\n")
    assert "截止日期：2025-10-09（周四）" in out


def test_occurrences(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run(["occurrences", "每季度末后两天提报", "--from", "2026-01-01", "--to", "2026-12-31"])
        == 0
    )
    assert capsys.readouterr().out.split("\n")[:-1] == [
        "2026-01-04（周日）",
        "2026-04-02（周四）",
        "2026-07-02（周四）",
        "2026-10-08（周四）",
    ]


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["explain", "every Monday", "--from", "2024-02-06"]) == 0
    out = capsys.readouterr().out
    assert "Spring Festival" in out and "next occurrence after the trigger: 2024-02-18 (Sun)" in out


def test_bad_date_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _run(["due", "within 2 days", "--from", "2024-02-30"])
    assert "not a date" in capsys.readouterr().err


def test_demo_lines() -> None:
    text = "\n".join(demo_rules_lines())
    for rule in (
        "每周星期一召开",
        "每月底后两天召开",
        "每季度末后两天提报",
        "会后两日内报送",
        "自形成之日起20个工作日内公开",
    ):
        assert rule in text
    assert "01-04 04-02 07-02 10-08" in text  # the quarterly reports of 2026
    assert "an event on 2026-02-13 (Fri) is due 2026-02-24 (Tue)" in text
    assert text.count("规则：") == 5
