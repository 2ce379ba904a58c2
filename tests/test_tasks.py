"""The task model (units, people, responsibility, deadlines, plans, five ones) and expected progress."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govops.calendars as gc
from govops.exceptions import GovopsError, InvalidInputError, InvalidTypeError
from govops.tasks import (
    Basis,
    Category,
    CooperatingUnit,
    Deadline,
    Milestone,
    Person,
    Plan,
    ProgressPolicy,
    Responsibility,
    Role,
    Source,
    SourceKind,
    SubItem,
    Task,
    Unit,
    WarningPolicy,
    check_five_ones,
    expected_percent,
)

CAL = gc.calendar("CN")
RULES_READY = importlib.util.find_spec("govops.rules") is not None and hasattr(
    importlib.import_module("govops.rules"), "parse_rule"
)
D = dt.date


def full_task(**changes: object) -> Task:
    leader = Person("p-wang", "王副镇长", roles={Role.LEADER_IN_CHARGE})
    fields: dict[str, object] = {
        "category": Category.KEY_PROJECT,
        "responsibility": Responsibility(
            Unit("econ", "经济发展办"),
            cooperating=[CooperatingUnit(Unit("land", "国土所"), part="land approval")],
            leader_in_charge=leader,
            responsible_person=Person("p-li", "李主任"),
            work_team=[Person("p-zhao", "赵干事")],
        ),
        "deadline": Deadline.on(D(2026, 12, 31)),
        "goal": "Start construction of the logistics park",
        "plan": Plan([Milestone("q1", D(2026, 3, 31), cumulative_percent=20)]),
    }
    fields.update(changes)
    return Task("T1", "Logistics park", **fields)  # type: ignore[arg-type]


class TestModel:
    def test_values_are_frozen_and_hashable(self) -> None:
        task = full_task()
        assert hash(task) == hash(full_task())
        with pytest.raises(AttributeError):
            task.title = "x"  # type: ignore[misc]

    def test_lists_become_tuples_and_strings_become_enums(self) -> None:
        task = full_task(category="public_pledge")
        assert task.category is Category.PUBLIC_PLEDGE
        assert isinstance(task.responsibility.cooperating, tuple)
        assert task.responsibility.unit_ids() == {"econ", "land"}
        assert Person("a", "A", roles=["principal"]).roles == {Role.PRINCIPAL}
        assert Source("document", "镇政发〔2026〕1号").kind is SourceKind.DOCUMENT

    @pytest.mark.parametrize(
        ("make", "error", "fragment"),
        [
            (lambda: Unit("", "x"), InvalidInputError, "id=''"),
            (lambda: Unit(3, "x"), InvalidTypeError, "id=3"),
            (lambda: full_task(category="nonsense"), ValueError, "nonsense"),
            (lambda: full_task(parent="T1"), InvalidInputError, "its own parent"),
            (lambda: full_task(target_quantity=-1), InvalidInputError, "target_quantity=-1.0"),
            (lambda: full_task(start=dt.datetime(2026, 1, 1)), InvalidTypeError, "start="),
            (lambda: Responsibility(Unit("a", "A"), work_team=["bob"]), InvalidTypeError, "'bob'"),
        ],
    )
    def test_bad_values_are_refused_with_the_value_named(
        self, make: object, error: type[Exception], fragment: str
    ) -> None:
        with pytest.raises(error, match=None) as info:
            make()  # type: ignore[operator]
        assert fragment in str(info.value)

    def test_deadline_is_a_date_or_a_rule_with_its_trigger(self) -> None:
        assert Deadline.on(D(2026, 6, 30)).resolve(CAL) == D(2026, 6, 30)
        assert str(Deadline.on(D(2026, 6, 30))) == "2026-06-30"
        rule = Deadline.from_rule("within 20 working days", trigger=D(2026, 3, 2))
        assert str(rule) == "within 20 working days (from 2026-03-02)"
        with pytest.raises(InvalidInputError, match="neither"):
            Deadline()
        with pytest.raises(InvalidInputError, match="needs trigger="):
            Deadline(rule="within 2 days")
        with pytest.raises(InvalidInputError, match="both a date and a rule"):
            Deadline(D(2026, 1, 1), rule="within 2 days", trigger=D(2026, 1, 1))

    def test_a_rule_deadline_is_read_in_the_documents_counting(self) -> None:
        from govops.exceptions import RuleSyntaxError
        from govops.rules import ADMINISTRATIVE_LICENSING, CALENDAR_DAYS, WORKING_DAYS

        zh = Deadline.from_rule(
            "在五日内一次告知申请人需要补正的全部内容",
            trigger=D(2024, 9, 27),
            counting=ADMINISTRATIVE_LICENSING,
        )
        # Written out with its source, so it reads the same without the context: Sep 29 (a
        # make-up Sunday), Sep 30, then Oct 8, 9 and 10 after National Day.
        assert (
            zh.rule
            == "5个工作日内一次告知申请人需要补正的全部内容（依行政许可法第八十二条，期限以工作日计算）"
        )
        assert zh.resolve(CAL) == D(2024, 10, 10)
        # Stored and read back alone, its explanation still cites the statute.
        from govops.rules import parse_rule

        stored = parse_rule(zh.rule)
        assert stored.counting == ADMINISTRATIVE_LICENSING
        steps = stored.explain(zh.trigger or D(2024, 9, 27), calendar=CAL).steps
        assert any(s.kind == "counting" and "行政许可法第八十二条" in s.zh for s in steps)
        en = Deadline.from_rule(
            "decide within twenty days", trigger=D(2024, 9, 27), counting=WORKING_DAYS
        )
        assert en.rule == "decide within 20 working days (counted in working days)"
        assert en.resolve(CAL) == D(2024, 10, 30)
        # An explicit unit is read as written; the calendar-day reading keeps the text as given.
        explicit = Deadline.from_rule(
            "10个自然日内", trigger=D(2024, 9, 27), counting=ADMINISTRATIVE_LICENSING
        )
        assert explicit.resolve(CAL) == D(2024, 10, 8)
        plain = Deadline.from_rule("二十日内", trigger=D(2024, 9, 27), counting=CALENDAR_DAYS)
        assert plain.rule == "二十日内"
        assert plain == Deadline.from_rule("二十日内", trigger=D(2024, 9, 27))
        with pytest.raises(RuleSyntaxError, match="无法识别"):
            Deadline.from_rule(
                "二十日内或者三十日内", trigger=D(2024, 9, 27), counting=WORKING_DAYS
            )

    @pytest.mark.skipif(not RULES_READY, reason="govops.rules.parse_rule is not available yet")
    def test_a_rule_deadline_resolves_with_the_rule_language(self) -> None:
        rule = Deadline.from_rule("within 20 working days", trigger=D(2024, 9, 27))
        # DESIGN §4 worked example: National Day is skipped, make-up workdays count.
        assert rule.resolve(CAL) == D(2024, 10, 30)

    def test_plan_milestones_must_be_ordered_and_cumulative(self) -> None:
        q1 = Milestone("q1", D(2026, 3, 31), cumulative_percent=30)
        q2 = Milestone("q2", D(2026, 6, 30), cumulative_percent=20)
        with pytest.raises(InvalidInputError, match="targets are cumulative"):
            Plan([q1, q2])
        with pytest.raises(InvalidInputError, match="date order"):
            Plan([Milestone("q2", D(2026, 6, 30), cumulative_percent=50), q1])
        with pytest.raises(InvalidInputError, match=r"repeated: \['q1'\]"):
            Plan([q1], sub_items=[SubItem("q1", "dup", deadline=D(2026, 4, 1))])
        with pytest.raises(InvalidInputError, match="cumulative_percent=120"):
            Milestone("x", D(2026, 1, 1), cumulative_percent=120)
        with pytest.raises(InvalidInputError, match="targets are cumulative"):
            SubItem("s", "sub", deadline=D(2026, 6, 30), milestones=[q1, q2])
        assert Plan([q1]).milestone("q1") == q1
        assert Plan([q1]).milestone("zz") is None


class TestFiveOnes:
    def test_complete_task_in_a_ledger_lacks_nothing(self) -> None:
        report = check_five_ones(full_task(), in_ledger=True)
        assert report.is_complete
        assert str(report) == "T1: five ones complete"

    def test_each_missing_one_is_named(self) -> None:
        bare = full_task(
            goal="",
            plan=None,
            responsibility=Responsibility(Unit("econ", "经济发展办")),
        )
        report = check_five_ones(bare)
        assert report.missing == ("goal", "leader in charge", "work team", "plan", "ledger")
        assert not report.is_complete

    def test_an_approved_plan_counts(self) -> None:
        report = check_five_ones(full_task(plan=None), plan=Plan(), in_ledger=True)
        assert report.is_complete


class TestExpectedProgress:
    def test_time_proportional_over_working_days(self) -> None:
        # Mon 2 March to Thu 12 March 2026: 8 working days after the start day (which is not
        # counted); 4 of them are past by the end of Fri 6 March.
        kw = {"start": D(2026, 3, 2), "due": D(2026, 3, 12), "calendar": CAL}
        assert expected_percent(today=D(2026, 3, 6), **kw) == 50.0
        assert expected_percent(today=D(2026, 3, 7), **kw) == expected_percent(
            today=D(2026, 3, 8), **kw
        )  # the weekend adds nothing
        assert expected_percent(today=D(2026, 3, 2), **kw) == 0.0
        assert expected_percent(today=D(2026, 2, 1), **kw) == 0.0
        assert expected_percent(today=D(2026, 3, 12), **kw) == 100.0
        assert expected_percent(today=D(2026, 5, 1), **kw) == 100.0

    def test_holidays_do_not_count_on_a_working_day_basis(self) -> None:
        # National Day 2026: the working-day basis stands still through the holiday week.
        kw = {"start": D(2026, 9, 28), "due": D(2026, 10, 30), "calendar": CAL}
        during = [expected_percent(today=D(2026, 10, d), **kw) for d in range(2, 8)]
        assert len(set(during)) == 1
        calendar_basis = [
            expected_percent(today=D(2026, 10, d), basis=Basis.CALENDAR_DAYS, **kw)
            for d in range(2, 8)
        ]
        assert calendar_basis == sorted(calendar_basis)
        assert len(set(calendar_basis)) == 6

    def test_piecewise_linear_through_the_plan(self) -> None:
        kw = {"start": D(2026, 1, 1), "due": D(2026, 12, 31), "calendar": CAL}
        points = [(D(2026, 3, 31), 10.0), (D(2026, 6, 30), 60.0)]
        assert expected_percent(today=D(2026, 3, 31), milestones=points, **kw) == 10.0
        assert expected_percent(today=D(2026, 6, 30), milestones=points, **kw) == 60.0
        mid = expected_percent(today=D(2026, 5, 15), milestones=points, **kw)
        assert 10.0 < mid < 60.0
        # A milestone after the due date is ignored: the deadline is what counts.
        late = [(D(2027, 3, 31), 50.0)]
        assert expected_percent(today=D(2026, 7, 1), milestones=late, **kw) == expected_percent(
            today=D(2026, 7, 1), **kw
        )

    @given(
        st.dates(D(2026, 1, 1), D(2026, 12, 31)),
        st.dates(D(2026, 1, 1), D(2026, 12, 31)),
        st.sampled_from(list(Basis)),
    )
    def test_expected_progress_is_monotone_and_bounded(
        self, a: dt.date, b: dt.date, basis: Basis
    ) -> None:
        start, due = D(2026, 2, 2), D(2026, 11, 30)
        points = [(D(2026, 4, 30), 25.0), (D(2026, 8, 31), 70.0)]
        lo, hi = sorted((a, b))
        e_lo, e_hi = (
            expected_percent(
                start=start, due=due, today=x, calendar=CAL, milestones=points, basis=basis
            )
            for x in (lo, hi)
        )
        assert 0.0 <= e_lo <= e_hi <= 100.0

    def test_policies_validate_their_numbers(self) -> None:
        with pytest.raises(InvalidInputError, match="reporting_tolerance=-1"):
            ProgressPolicy(reporting_tolerance=-1)
        with pytest.raises(InvalidInputError, match="blue_within=-2"):
            WarningPolicy(blue_within=-2)
        with pytest.raises(InvalidInputError, match=r"yellow_lag=-5\.0"):
            WarningPolicy(yellow_lag=-5)
        with pytest.raises(GovopsError):
            ProgressPolicy(reporting_tolerance=True)  # type: ignore[arg-type]


class TestPackage:
    @pytest.mark.parametrize("module_name", ["govops.tasks", "govops.serialization"])
    def test_all_is_sorted_and_every_name_is_documented(self, module_name: str) -> None:
        module = importlib.import_module(module_name)
        assert list(module.__all__) == sorted(module.__all__)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) or callable(obj):
                assert obj.__doc__, f"{module_name}.{name} has no docstring"

    def test_the_demo_is_deterministic_and_shows_every_colour_of_trouble(self) -> None:
        from govops._demo.tasks import demo_ledger_lines

        lines = demo_ledger_lines(CAL)
        assert lines == demo_ledger_lines(CAL)
        text = "\n".join(lines)
        assert lines[0] == "A town government's key-work ledger (台账), 2026"
        assert lines[2].startswith("As of 2026-07-15: 5 tasks, 28 events")
        assert "[red]    2026-04" in text
        assert "red latched" in text
        assert "deadline moved from 2026-06-30" in text
        assert "yellow warning issued directly" in text
        assert "2026-05: missing work team, plan" in text


# -- values refuse what cannot be recorded -----------------------------------------------------------

SURROGATE = "\ud800"  # Python allows it in a str; UTF-8 (and so the record) cannot hold it


@pytest.mark.parametrize(
    "build",
    [
        lambda: Unit("u" + SURROGATE, "经济发展办"),
        lambda: Unit("u", "经济" + SURROGATE),
        lambda: Person("p", "王", unit=SURROGATE),
        lambda: CooperatingUnit(Unit("u", "x"), part=SURROGATE),
        lambda: Source(SourceKind.DOCUMENT, "文号" + SURROGATE),
        lambda: Deadline.from_rule("within 2 days" + SURROGATE, trigger=D(2026, 1, 5)),
        lambda: Milestone("m", D(2026, 3, 31), cumulative_percent=10, title=SURROGATE),
        lambda: SubItem("s", "t", deadline=D(2026, 3, 31), responsible_person=SURROGATE),
        lambda: Plan(summary=SURROGATE),
        lambda: full_task(goal=SURROGATE),
        lambda: full_task(content=SURROGATE),
        lambda: full_task(parent=SURROGATE),
        lambda: full_task(quantity_unit="万" + SURROGATE, target_quantity=10),
    ],
)
def test_text_that_utf8_cannot_encode_is_refused_when_a_value_is_built(build: Any) -> None:
    with pytest.raises(InvalidInputError, match=r"lone surrogate '\\ud800' at index \d+"):
        build()


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        (10**400, InvalidInputError, "an int of about 400 digits is out of range"),
        (float("inf"), InvalidInputError, "inf is out of range"),
        (float("nan"), InvalidInputError, "nan is out of range"),
        ("50", InvalidTypeError, "'50' is a str"),
        (True, InvalidTypeError, "True is a bool"),
    ],
)
def test_a_milestone_target_is_a_finite_number(
    value: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        Milestone("m", D(2026, 3, 31), cumulative_percent=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        (10**400, InvalidInputError, "target_quantity=an int of about 400 digits is too large"),
        (1e999, InvalidInputError, "target_quantity=inf is not finite"),
        ("12", InvalidTypeError, "target_quantity='12' is a str; expected a number"),
        (False, InvalidTypeError, "target_quantity=False is a bool"),
        (-3, InvalidInputError, "target_quantity=-3.0; expected a positive number"),
    ],
)
def test_a_target_quantity_is_a_finite_positive_number(
    value: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        full_task(target_quantity=value, quantity_unit="km")


@pytest.mark.parametrize(
    "build",
    [
        lambda: WarningPolicy(blue_within=2**63),
        lambda: ProgressPolicy(reporting_tolerance=2**63),
        lambda: WarningPolicy(yellow_lag=float("inf")),
    ],
)
def test_policy_numbers_fit_the_record(build: Any) -> None:
    # A policy that builds is one JSON and the store can hold: counts fit in 64 bits.
    with pytest.raises(
        InvalidInputError, match=r"expected an int from 0 to 9223372036854775807|finite"
    ):
        build()


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Unit("u", "x", kind="ministry"), "'ministry' is not a UnitKind"),
        (lambda: full_task(category="urgent"), "'urgent' is not a Category"),
        (lambda: Person("p", "王", roles=["boss"]), "'boss' is not a Role"),
        (lambda: Source("memo", "文号"), "'memo' is not a SourceKind"),
        (lambda: ProgressPolicy(basis="hours"), "'hours' is not a Basis"),
        (
            lambda: Deadline.on(D(2026, 1, 5), clock_stops_when_suspended=1),
            "expected True or False",
        ),
        (lambda: WarningPolicy(latch="no"), "latch='no' is a str; expected True or False"),
        (lambda: Responsibility("econ"), "lead_unit='econ' is a str; expected a Unit"),
        (lambda: full_task(plan=[]), "plan=[] is a list; expected a Plan or None"),
        (lambda: Plan(None), "None is a NoneType; expected a tuple or list"),
    ],
)
def test_values_refuse_wrong_types_with_our_errors(build: Any, fragment: str) -> None:
    with pytest.raises((InvalidInputError, InvalidTypeError)) as info:
        build()
    assert fragment in str(info.value)
