"""Office documents: bulletins and circulars as .docx, tables as .xlsx, read back with the
libraries users open them with (python-docx, openpyxl) and, where LibreOffice is installed,
converted by it as an office would."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

import govops
from govops.assessment import KEY_WORK_SCORING, assess
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.meetings import circular
from govops.office import Document, Paragraph, Table, to_docx, to_xlsx
from govops.pandas import task_frame
from govops.scenarios import Table as ScenarioTable
from govops.tasks import IssueRaised
from test_assessment import CAL, Q3, at, quarter
from test_meetings import circular_ledger

D = dt.date
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def bulletin() -> govops.assessment.Bulletin:
    ledger, journal = quarter()
    ledger = ledger.record(
        IssueRaised("C", "pipe", description="管材供应延迟"),
        actor="water",
        at=at(D(2026, 9, 30), 17),
    )
    return assess(
        ledger,
        period=Q3,
        rules=KEY_WORK_SCORING,
        calendar=CAL,
        now=at(D(2026, 10, 9)),
        journal=journal,
    )


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text]


def test_a_bulletin_as_an_office_sends_it() -> None:
    """The head (issuer in red over the document number and a red rule), the title, the text,
    the tables, and the issuer and date in Chinese at the end."""
    data = to_docx(bulletin(), issuer="××镇人民政府督查室", number="督通〔2026〕3号")
    doc = docx.Document(io.BytesIO(data))
    text = paragraphs(data)
    assert text[:3] == ["××镇人民政府督查室", "督通〔2026〕3号", "2026年第3季度重点工作督查通报"]
    assert text[-2:] == ["××镇人民政府督查室", "2026年10月9日"]
    assert (
        text[3]
        == "统计期间：2026年7月1日至2026年9月30日；统计截至2026年10月9日；评分规则 key-work-scoring@2。"
    )
    head = doc.paragraphs[0].runs[0]
    assert str(head.font.color.rgb) == "FF0000"
    assert (
        head._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "方正小标宋简体"
    )
    ranking, problems = doc.tables
    assert [c.text for c in ranking.rows[0].cells][:3] == ["排名", "单位", "牵头"]
    assert [c.text for c in ranking.rows[1].cells][-2:] == ["102", "优秀"]
    assert [c.text for c in problems.rows[1].cells][3:6] == [
        "管材供应延迟",
        "2026-09-30",
        "尚未解决",
    ]
    assert "2026-08-20 C 督办（牵头）-2：下发督办单" in text
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_an_english_document_has_no_chinese_of_ours() -> None:
    data = to_docx(
        circular(circular_ledger(), D(2026, 4, 1), now=at(D(2026, 4, 30), 18)), lang="en"
    )
    doc = docx.Document(io.BytesIO(data))
    text = paragraphs(data)
    assert text[0] == "Decided items of meetings: where they stand, April 2026"
    assert text[-1] == "30 April 2026"
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == [
        "No.",
        "Decided item",
        "Meeting",
        "Decided on",
        "Lead unit",
        "Due",
        "Progress",
        "Status",
    ]
    statuses = [row.cells[-1].text for row in doc.tables[0].rows[1:]]
    assert statuses == ["done", "behind", "overdue"]
    meetings = {row.cells[2].text for row in doc.tables[0].rows[1:]}
    assert not any(CJK.search(m) for m in meetings)  # preset meetings by their English names


def test_a_bulletin_as_a_workbook() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(bulletin())))
    assert book.sheetnames == ["得分排名", "存在问题及采取的对策"]
    sheet = book["得分排名"]
    assert sheet["A1"].value == "2026年第3季度重点工作督查通报 — 得分排名"
    assert [c.value for c in sheet[2]][:3] == ["排名", "单位", "牵头"]
    assert [c.value for c in sheet[3]][:3] == ["1", "镇交通办", 2]
    assert sheet.cell(3, 11).value == 102 and sheet.freeze_panes == "A3"
    problems = book["存在问题及采取的对策"]
    raised = problems.cell(3, 5)
    assert raised.value == dt.datetime(2026, 9, 30) and raised.number_format == "yyyy-mm-dd"
    english = openpyxl.load_workbook(io.BytesIO(to_xlsx(bulletin(), lang="en")))
    assert english.sheetnames == ["Ranking", "Problems and countermeasures"]


def test_task_frames_and_tables_as_workbooks() -> None:
    ledger, _ = quarter()
    frame = task_frame(ledger, now=at(D(2026, 9, 10)))
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame))).active
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["task_id", "title", "category"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(frame)
    due = header.index("due")
    assert rows[0][due] == dt.datetime(2026, 9, 30)  # a local day, not a timestamp
    assigned = rows[0][header.index("assigned_at")]
    assert assigned == dt.datetime(2026, 7, 1, 8)  # wall-clock time in Asia/Shanghai
    completed = header.index("completed_at")
    assert rows[1][completed] == dt.datetime(2026, 9, 7, 9)  # B was completed
    assert rows[2][completed] is None  # C is open on Sep 10: an empty cell
    table = ScenarioTable("runs", ("seed", "on_time"), [(1, 0.5), (2, 0.75)])
    runs = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))["runs"]
    assert [[c.value for c in r] for r in runs.iter_rows(min_row=2)] == [
        ["seed", "on_time"],
        [1, 0.5],
        [2, 0.75],
    ]


def test_own_documents_and_bad_input() -> None:
    doc = Document(
        "季度汇报",
        lang="zh",
        date=D(2026, 10, 9),
        blocks=[
            Paragraph("本季度完成投资8亿元。"),
            Table("a:b/c?" * 8, ("项目", "投资"), [("P1", 8.0)]),
        ],
    )
    assert paragraphs(to_docx(doc))[-1] == "2026年10月9日"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(doc))).sheetnames[0]
    assert len(sheet) <= 31 and not set(sheet) & set("[]:*?/\\")
    with pytest.raises(InvalidTypeError, match="expected a Bulletin, a Circular"):
        to_docx(42)
    with pytest.raises(InvalidInputError, match="lang='fr'"):
        to_xlsx(bulletin(), lang="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="row 0 has 1 cells; expected 2"):
        Table("t", ("a", "b"), [("x",)])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_what_we_write(tmp_path: Path) -> None:
    """LibreOffice converts the Word file to PDF and the workbook to CSV: what an office that
    opens them sees."""
    (tmp_path / "b.docx").write_bytes(to_docx(bulletin(), number="督通〔2026〕3号"))
    (tmp_path / "b.xlsx").write_bytes(to_xlsx(bulletin()))
    # The CSV filter's options: comma, double quote, UTF-8 (76).
    for name, target in (("b.docx", "pdf"), ("b.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76")):
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": str(tmp_path)},  # a profile of its own, not the user's
        )
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    rows = (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("排名,单位,牵头") and rows[2].startswith("1,镇交通办,2,1,1,1,0,")


def test_without_the_extra_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(
        ImportError,
        match=r"Word export needs the optional package 'docx': pip install 'govops\[office\]'",
    ):
        to_docx(bulletin())
    with pytest.raises(ImportError, match=r"'openpyxl': pip install 'govops\[office\]'"):
        to_xlsx(bulletin())
