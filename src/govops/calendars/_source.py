"""Reading holiday data out of the ``holidays`` package. The only module that imports it.

``holidays`` builds a dict-like object per country that grows on lookup and whose ``+`` operator drops
make-up workdays. We read it once, for an explicit range of years with ``expand=False``, and turn it
into plain :class:`DayInfo` values; nothing of ``holidays`` survives past this module.

Names: ``holidays`` calls a moved day off "休息日（由 2026-01-04 调休）" (Day off, substituted from …).
That tells a reader nothing about *why*, so each such day is renamed after the festival whose block of
rest days it belongs to, and its make-up workday is named after the same festival.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import importlib.metadata
import re
from collections.abc import Iterable

import attrs
import holidays

from ._days import DayInfo, DayKind

__all__ = [
    "ANNOUNCED_YEARLY",
    "SourceData",
    "announced_through",
    "load_source",
    "lunar_new_year",
    "source_version",
    "statutory_days",
]

# Countries whose holiday arrangement is announced each year by decree, so that the data of a year
# not yet announced is a guess. For the others ``holidays`` encodes fixed rules.
ANNOUNCED_YEARLY = frozenset({"CN", "TW"})

# The State Council notice for each year is titled like this since 2008 (earlier titles vary
# slightly: "…部分节假日休息安排的通知"); the references are listed in holidays' China class.
# Official years that ``holidays`` carries as plain rules, so that no special entry marks them:
# Taiwan's DGPA work calendar for 2026 follows the 2025 statute 紀念日及節日實施條例 and has no
# make-up workdays (holidays' Taiwan class cites the DGPA 2026 calendar).
_PUBLISHED_WITHOUT_SPECIAL_ENTRIES = {"TW": 2026}

_CN_NOTICE = "国务院办公厅关于{year}年部分节假日安排的通知"

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


@functools.cache
def source_version() -> str:
    """The installed ``holidays`` release, e.g. ``"holidays 0.109"`` (read once: it is slow)."""
    return f"holidays {importlib.metadata.version('holidays')}"


@attrs.frozen
class SourceData:
    """What one country's data says over a range of years."""

    days: tuple[DayInfo, ...]
    weekend: frozenset[int]
    published_through: int


def _pick_language(supported: Iterable[str], preferred: tuple[str, ...]) -> str | None:
    langs = tuple(supported)
    for lang in preferred:
        if lang in langs:
            return lang
    return None


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def _build(
    country: str, subdiv: str | None, years: range, language: str | None, *, observed: bool = True
) -> holidays.HolidayBase:
    # holidays looks the code up as an attribute of its package, where "FEB" is a month constant
    # and not a country: only the codes it lists are asked for.
    if country not in _countries():
        from ..exceptions import InvalidInputError

        raise InvalidInputError(
            f"country={country!r} is not known to the holidays package; expected a code such as "
            "'CN' or 'HK'"
        )
    try:
        return holidays.country_holidays(
            country,
            subdiv=subdiv,
            years=years,
            expand=False,
            observed=observed,
            language=language,
            categories=(holidays.PUBLIC,),
        )
    except NotImplementedError as exc:  # holidays' way of saying "unknown country/subdivision"
        from ..exceptions import InvalidInputError

        raise InvalidInputError(
            f"country={country!r}, subdiv={subdiv!r} is not known to the holidays package: {exc}"
        ) from exc


def _in_lieu_partner(name: str) -> dt.date | None:
    """The make-up workday named in a "day off (substituted from …)" label, if the label has one."""
    m = _ISO_DATE.search(name)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _US_DATE.search(name)
    if m:
        return dt.date(int(m[3]), int(m[1]), int(m[2]))
    return None


def _label(h: holidays.HolidayBase, attr: str) -> str:
    """``h``'s translated label template ``attr``, or ``""`` when its class has none."""
    template = getattr(h, attr, None)
    return str(h.tr(template)) if template else ""


def _strip_observed(name: str, observed_template: str) -> str:
    head, _, tail = observed_template.partition("%s")
    if head and name.startswith(head):
        name = name[len(head) :]
    if tail and name.endswith(tail):
        name = name[: -len(tail)]
    return name


@functools.lru_cache(maxsize=32)
def load_source(
    country: str,
    subdiv: str | None,
    first_year: int,
    last_year: int,
    published_through: int | None = None,
) -> SourceData:
    """Read ``holidays`` for ``first_year``–``last_year`` (one extra year each side for naming).

    ``published_through`` caps the years taken as official: later ones are labelled as estimates,
    as they were before their notices, even if the installed release carries them.
    """
    years = range(first_year - 1, last_year + 2)
    supported = _probe(country, subdiv).supported_languages
    zh = _build(country, subdiv, years, _pick_language(supported, ("zh_CN", "zh_TW", "zh_HK")))
    en = _build(country, subdiv, years, _pick_language(supported, ("en_US", "en_HK", "en_GB")))
    weekend = frozenset(zh.weekend)
    makeup: frozenset[dt.date] = frozenset(getattr(zh, "weekend_workdays", ()) or ())

    # Not every country has substituted days (HK has none) or observed labels: "" then.
    sub_zh, sub_en = _label(zh, "substituted_label"), _label(en, "substituted_label")
    sub_heads = (sub_zh.partition("%s")[0], sub_en.partition("%s")[0])
    obs_zh, obs_en = _label(zh, "observed_label"), _label(en, "observed_label")

    def is_in_lieu(name: str) -> bool:
        return any(head and name.startswith(head) for head in sub_heads)

    names_zh: dict[dt.date, str] = dict(zh.items())
    names_en: dict[dt.date, str] = dict(en.items())

    def is_rest(d: dt.date) -> bool:
        return d in names_zh or (d.weekday() in weekend and d not in makeup)

    # The festival name of every day that is not itself a moved day off (补假 marks stripped).
    festival_names = {
        d: _strip_observed(name, obs_zh) for d, name in names_zh.items() if not is_in_lieu(name)
    }
    memo: dict[dt.date, tuple[str, str, dt.date] | None] = {}

    def festival(d: dt.date) -> tuple[str, str, dt.date] | None:
        """The festival whose block of consecutive rest days contains ``d``.

        The most frequent name in the block wins (春节 over 农历除夕), ties going to the nearest day.
        Observed days (补假) are counted only when the block has nothing else: in 2009 and 2012
        除夕 fell on a Sunday and its observed day made it tie with 春节.
        A make-up workday with no paired day off looks up to ten days either side instead.
        """
        if d in memo:
            return memo[d]
        d_is_rest = is_rest(d)
        found: list[tuple[int, dt.date]] = []
        for step in (-1, 1):
            for distance in range(1, 11):
                x = d + dt.timedelta(days=step * distance)
                if d_is_rest and not is_rest(x):
                    break
                if x in festival_names:
                    found.append((distance, x))
        result = None
        if found:
            own = [f for f in found if festival_names[f[1]] == names_zh[f[1]]]
            pool = own or found
            counts = collections.Counter(festival_names[x] for _, x in pool)
            best = max(counts.values())
            _, day = min(f for f in pool if counts[festival_names[f[1]]] == best)
            en_name = _strip_observed(names_en.get(day, names_zh[day]), obs_en)
            result = (festival_names[day], en_name, day)
        memo[d] = result
        return result

    published = _published_through(zh, country, last_year)
    if published_through is not None:
        published = min(published, published_through)

    def notice(year: int) -> str:
        if year > published:
            return f"rule-based estimate ({source_version()}): no official schedule for {year} yet"
        if country == "CN":
            return f"{_CN_NOTICE.format(year=year)} ({source_version()})"
        return f"{source_version()}, {country}{'-' + subdiv if subdiv else ''}"

    out: list[DayInfo] = []
    partner_of: dict[dt.date, dt.date] = {}
    for d, name in names_zh.items():
        if not first_year <= d.year <= last_year:
            continue
        if not is_in_lieu(name):
            info = DayInfo(
                d,
                is_working=False,
                kind=DayKind.HOLIDAY,
                name_zh=name,
                name_en=names_en.get(d, name),
                source=notice(d.year),
                provisional=d.year > published,
            )
            out.append(info)
            continue
        fest = festival(d)
        w = _in_lieu_partner(name)
        if w is not None:
            partner_of[w] = d
        fz, fe, fday = fest if fest else ("调休", "Substitute", d)
        out.append(
            DayInfo(
                d,
                is_working=False,
                kind=DayKind.DAY_OFF_IN_LIEU,
                name_zh=f"{fz}假期（调休" + (f"，与{w.isoformat()}上班对调）" if w else "）"),
                name_en=f"{fe} holiday (day off in lieu"
                + (f", swapped with {w.isoformat()})" if w else ")"),
                # A notice for year Y also arranges the last days of December Y-1 (2018-12-31).
                source=notice(fday.year),
                provisional=fday.year > published,
            )
        )
    for w in makeup:
        if not first_year <= w.year <= last_year:
            continue
        off = partner_of.get(w)
        fest = festival(off if off is not None else w)
        fz, fe, fday = fest if fest else ("", "", w)
        out.append(
            DayInfo(
                w,
                is_working=True,
                kind=DayKind.MAKEUP_WORKDAY,
                name_zh=f"{fz}调休上班日" + (f"（与{off.isoformat()}休息对调）" if off else ""),
                name_en=(f"Make-up workday for {fe}" if fe else "Make-up workday")
                + (f" (swapped with {off.isoformat()})" if off else ""),
                source=notice(fday.year),
                provisional=fday.year > published,
            )
        )
    # Weekend days inside a holiday block are named after its festival too, so that explaining
    # a deadline can say why 2026-10-04 is a rest day ("Sunday, within the National Day holiday").
    taken = {info.date for info in out}
    for info in list(out):
        if info.is_working:
            continue
        for step in (-1, 1):
            x = info.date + dt.timedelta(days=step)
            while x.weekday() in weekend and x not in makeup and x not in names_zh:
                if x not in taken and first_year <= x.year <= last_year:
                    fest = festival(x)
                    if fest is not None:
                        taken.add(x)
                        out.append(
                            DayInfo(
                                x,
                                is_working=False,
                                kind=DayKind.WEEKEND,
                                name_zh=f"{fest[0]}假期（周末）",
                                name_en=f"{fest[1]} holiday (weekend)",
                                source=notice(fest[2].year),
                                provisional=fest[2].year > published,
                            )
                        )
                x += dt.timedelta(days=step)
    out.sort(key=lambda info: info.date)
    return SourceData(days=tuple(out), weekend=weekend, published_through=published)


@functools.lru_cache(maxsize=32)
def _probe(country: str, subdiv: str | None) -> holidays.HolidayBase:
    """An empty (no years) ``holidays`` object: its class attributes without building any data.

    Private and never looked up by date, so its growing on lookup does not matter.
    """
    return _build(country, subdiv, range(0), None)


def announced_through(country: str, subdiv: str | None, default: int) -> int:
    """The last year whose official arrangement is in the data, read without building any year.

    ``default`` is returned for countries whose rules are the schedule (see
    :func:`_published_through`).
    """
    return _published_through(_probe(country, subdiv), country, default)


def _published_through(h: holidays.HolidayBase, country: str, last_year: int) -> int:
    """The last year whose official arrangement is in the data.

    For countries that announce their arrangement yearly this is the last year with special
    (announced) entries in ``holidays``; for the others the rules are the schedule, and the
    caller's ``last_year`` is taken as published.
    """
    if country not in ANNOUNCED_YEARLY:
        return last_year
    special = getattr(h, "special_public_holidays", None) or {}
    found = max(special) if special else last_year
    return max(found, _PUBLISHED_WITHOUT_SPECIAL_ENTRIES.get(country, found))


def statutory_days(country: str, year: int) -> dict[str, tuple[dt.date, ...]]:
    """The statutory days of ``year`` by festival, as ``holidays``' rules state them (no 调休).

    ``"中秋节; 国庆节"`` (2028-10-03) counts for both festivals; 农历除夕 belongs to 春节.
    """
    h = _build(country, None, range(year, year + 1), "zh_CN", observed=False)
    out: dict[str, list[dt.date]] = {}
    for day, names in sorted(h.items()):
        for name in names.split("; "):
            key = "春节" if name == "农历除夕" else name
            out.setdefault(key, []).append(day)
    return {name: tuple(days) for name, days in out.items()}


@functools.lru_cache(maxsize=64)
def lunar_new_year(year: int) -> dt.date | None:
    """正月初一 of the lunar year that begins in ``year`` (the first day ``holidays`` names 春节),
    or ``None`` for a year the data does not reach."""
    h = _build("CN", None, range(year, year + 1), "zh_CN", observed=False)
    return min((day for day, names in h.items() if "春节" in names.split("; ")), default=None)
