"""The source documents' reporting duties, as data.

Each duty quotes the clause that sets it. Where the document gives no figure (年初, 定期, 及时, or
no period at all) the reading chosen is stated in the duty's ``note`` and in
``docs/explanation/duties.md``; a host that reads a document differently builds its own
:class:`~govops.duties.Duty` (or ``attrs.evolve``\\ s one of these).
"""

from __future__ import annotations

from ..tasks import Category
from ._model import Citation, Duty, Term

__all__ = [
    "DOCUMENT_DUTIES",
    "E_SUPERVISION_ARCHIVE",
    "LEADER_MEETING_REPORT",
    "LEAD_UNIT_PROGRESS_REPORT",
    "MISSED_MONTHLY_TARGET_REPORT",
    "MONTHLY_WRITTEN_REPORT",
    "PROMPTLY",
    "PROVINCIAL_MEETING_REPORT",
    "QUARTERLY_PROGRESS_REPORT",
    "TRIP_SUMMARY",
    "YEAR_START_FILING",
]

_TOWN = "乡镇运行保障机制实施意见"
_CITY = "关于加强全市重点工作督查推进的意见"
_PANJIN = "盘锦市人民政府工作规则补充规定"
_BAOCHENG = "重点项目推进工作方案（宝城镇）"

PROMPTLY = Term(
    "及时",
    "5个工作日内",
    gloss="promptly",
    note="the document sets no period; this policy reads 及时 as within 5 working days",
)
"""及时 (promptly), read as within 5 working days: the documents set no period, so this is a
choice of the policy, shown by :meth:`~govops.duties.Duty.explain`."""

QUARTERLY_PROGRESS_REPORT = Duty(
    "000-quarterly-report",
    "报送当季工作完成情况",
    owed_by="各责任部门",
    owed_to="镇党委主要领导",
    rule="每季度末后两天提报",
    source=Citation(
        _TOWN,
        "一、3 季汇报",
        quote="各责任部门要于每季度末后两天将当季工作完成情况提报镇党委主要领导",
    ),
    category=Category.KEY_TASK,
    note="two calendar days after quarter-end, rolled forward to a working day",
)
"""季汇报: each responsible unit reports the quarter's work two days after quarter-end."""

MONTHLY_WRITTEN_REPORT = Duty(
    "003-monthly-written-report",
    "书面报告当月计划完成情况、存在问题及下月工作计划",
    owed_by="市政府领导班子成员及市政府组成部门、直属单位",
    owed_to="市长",
    rule="每月底前书面报告",
    source=Citation(
        _PANJIN,
        "六",
        quote="每月底要以书面形式向市长报告当月计划完成情况及存在问题,提出下月工作计划安排和建议",
    ),
    note="每月底 read as a deadline: the month's last day, rolled forward if it is a rest day",
)
"""The month-end written report to the mayor."""

YEAR_START_FILING = Duty(
    "001-year-start-filing",
    "报送督查事项目标任务、工作内容、完成时限、责任单位和责任人",
    owed_by="各地、各部门",
    owed_to="市政府督查室",
    rule="年初",
    terms=(
        Term(
            "年初",
            "每年1月31日前报送",
            gloss="at the start of the year",
            note="the document says only 年初; this policy reads it as by 31 January",
        ),
    ),
    source=Citation(
        _CITY,
        "一、落实主体责任",
        quote="凡督查事项,各地、各部门都应明确目标任务、工作内容、完成时限、责任单位和责任人,"
        "年初报市政府督查室",
    ),
    category=Category.SUPERVISED_ITEM,
    note="年初 read as by 31 January",
)
"""The year-start filing of targets, content, deadlines and responsible units."""

LEAD_UNIT_PROGRESS_REPORT = Duty(
    "001-lead-unit-report",
    "报送重点工作进展情况",
    owed_by="各牵头部门",
    owed_to="市分管领导和相关部门",
    rule="定期",
    terms=(
        Term(
            "定期",
            "每月结束后5个工作日内报送",
            gloss="periodically",
            note="the document says only 定期; this policy reads it as monthly, within 5 working "
            "days after month-end, the rhythm of the lead units' monthly schedules",
        ),
    ),
    source=Citation(
        _CITY,
        "一、联席会议制度和情况通报制度",
        quote="要牵头建立联席会议制度和情况通报制度……定期向市分管领导和相关部门报送重点工作进展情况",
    ),
    category=Category.SUPERVISED_ITEM,
    note="定期 read as monthly, within 5 working days after month-end",
)
"""The lead units' periodic progress report to the city leader in charge."""

E_SUPERVISION_ARCHIVE = Duty(
    "001-e-supervision",
    "收集重点工作进展影像图片资料、建立电子档案并在政府门户网站公示",
    owed_by="市政府督查室",
    owed_to="社会公众（市政府门户网站）",
    rule="每月底前公示",
    source=Citation(
        _CITY,
        "三、实行电子督办",
        quote="每月收集全市重点工作进展影像、图片等资料,通过网络建立档案,实行台账管理,"
        "每月在市政府门户网站上进行公示",
    ),
    note="每月 sets no day; this policy reads it as by month-end",
)
"""The monthly collection and publication of electronic supervision records (电子督办)."""

PROVINCIAL_MEETING_REPORT = Duty(
    "003-provincial-meeting-report",
    "向市政府常务会议或市长办公会议汇报传达会议精神并提出贯彻落实意见",
    owed_by="参会的市负责同志",
    owed_to="市政府常务会议或市长办公会议",
    rule="及时",
    trigger="省级会议",
    terms=(PROMPTLY,),
    source=Citation(
        _PANJIN,
        "一",
        quote="我市参会的负责同志要及时向市政府常务会议或市长办公会议汇报传达会议精神,"
        "提出我市贯彻落实的具体意见、工作方案",
    ),
    note="及时 read as within 5 working days of the meeting",
)
"""The report-back after a provincial meeting, owed by the city official who attended."""

TRIP_SUMMARY = Duty(
    "003-trip-summary",
    "提交招商、考察、学习工作总结报告",
    owed_by="市政府领导班子成员及市政府组成部门主要负责同志",
    owed_to="市政府",
    rule="及时",
    trigger="率团招商、考察、学习结束",
    terms=(PROMPTLY,),
    source=Citation(
        _PANJIN,
        "四",
        quote="率团招商、考察、学习后,要及时向市政府提交工作总结报告",
    ),
    note="及时 read as within 5 working days after the trip ends",
)
"""The summary report after an investment or study trip."""

MISSED_MONTHLY_TARGET_REPORT = Duty(
    "004-missed-target-report",
    "书面汇报推行情况、存在的具体问题和下步工作计划",
    owed_by="牵头领导",
    owed_to="镇党委、镇政府",
    rule="5个工作日内书面汇报",
    trigger="当月未完成进度目标",
    source=Citation(
        _BAOCHENG,
        "四、（二）加大推进力度",
        quote="对当月未完成进度目标者,牵头领导书面汇报推行情况、存在的具体问题、下步工作计划",
    ),
    category=Category.KEY_PROJECT,
    note="the document sets no period nor recipient; this policy asks for the report within 5 "
    "working days after the month's last day, to the town's party committee and government",
)
"""The lead leader's written report when a project misses its monthly progress target; the
occasions come from the ledger (:func:`~govops.duties.missed_monthly_targets`)."""

LEADER_MEETING_REPORT = Duty(
    "000-leader-meeting-report",
    "将会议精神向主要负责人汇报",
    owed_by="分管负责人",
    owed_to="主要负责人",
    rule="会后两日内汇报",
    trigger="要求分管负责人参加的会议",
    source=Citation(
        _TOWN,
        "三、10 会后跟踪落实制度",
        quote="要求分管负责人参加的会议,会后也要将会议精神向主要负责人汇报",
    ),
    note="the clause sets no period; this policy uses the two days it sets for the meeting's "
    "implementation plan, as the meeting presets do for a substitute's report-back",
)
"""A leader in charge who attended a meeting that required them reports it to the principal."""

DOCUMENT_DUTIES = (
    QUARTERLY_PROGRESS_REPORT,
    LEADER_MEETING_REPORT,
    YEAR_START_FILING,
    LEAD_UNIT_PROGRESS_REPORT,
    E_SUPERVISION_ARCHIVE,
    PROVINCIAL_MEETING_REPORT,
    TRIP_SUMMARY,
    MONTHLY_WRITTEN_REPORT,
    MISSED_MONTHLY_TARGET_REPORT,
)
"""Every duty of the source documents, in the order of the documents."""
