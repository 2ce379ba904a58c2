"""Checks every value class shares: text that can be written, numbers that are finite, and values
shown in messages at a bounded length.

Everything govops records is hashed and stored as UTF-8, so a ``str`` holding a lone surrogate
(``"T\\ud800"``, which Python allows and UTF-8 cannot encode) is refused when a value is built, never
half-way through a write. Numbers are refused the same way when they are not finite or do not fit
a float (``10**400``).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from .exceptions import InvalidInputError, InvalidTypeError

__all__ = [
    "MAX_INT",
    "boolean",
    "check_number",
    "check_text",
    "instance_of",
    "shown",
    "text",
    "texts",
    "to_enum",
    "to_finite",
    "to_float",
    "to_tuple",
]

E = TypeVar("E", bound=enum.Enum)

MAX_INT = 2**63 - 1
"""The largest integer a record holds (JSON as govops reads it, SQLite): a count or a sequence
number beyond it is refused when a value is built, not when it is written."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_MAX = 120  # characters of a repr kept in a message


def shown(value: object) -> str:
    """``repr(value)`` cut to a readable length; a huge int is described, not written out.

    >>> shown(10**400)
    'an int of about 400 digits'
    >>> shown("x" * 500).endswith("… (502 characters)")
    True
    """
    if type(value) is int and value.bit_length() > 128:
        # repr() of an int past 4300 digits raises ValueError; the digits tell a reader nothing.
        return f"an int of about {round(value.bit_length() * math.log10(2))} digits"
    try:
        text = repr(value)
    except Exception:  # a repr that fails must not hide the error being reported
        return f"a {type(value).__name__}"
    if len(text) > _SHOWN_MAX:
        return f"{text[: _SHOWN_MAX - 12]}… ({len(text)} characters)"
    return text


def check_text(value: object, name: str, *, empty: bool = True) -> str:
    """``value`` if it is a ``str`` that UTF-8 can encode (and, unless ``empty``, not blank);
    messages name it ``name`` (``""`` when the caller names it).

    >>> check_text("T\\ud800", "task_id")
    Traceback (most recent call last):
    ...
    govops.exceptions.InvalidInputError: task_id='T\\ud800' holds the lone surrogate '\\ud800' at index 1; expected text that UTF-8 can encode
    """
    if type(value) is str and value.isascii() and (empty or value.strip()):
        return value  # the common case, decided without a call: ASCII holds no surrogate
    if not isinstance(value, str):
        raise InvalidTypeError(f"{name}={shown(value)} is a {type(value).__name__}; expected a str")
    if not empty and not value.strip():
        raise InvalidInputError(f"{name}={value!r} is empty; expected a non-empty str")
    if not value.isascii():
        bad = _SURROGATE.search(value)
        if bad is not None:
            label = f"{name}={shown(value)}" if name else shown(value)
            raise InvalidInputError(
                f"{label} holds the lone surrogate {bad.group()!r} at index "
                f"{bad.start()}; expected text that UTF-8 can encode"
            )
    return value


def text(*, empty: bool = True, optional: bool = False) -> Any:
    """An attrs validator: a ``str`` UTF-8 can encode, named by its field (see :func:`check_text`);
    ``empty=False`` refuses blank text, ``optional=True`` lets ``None`` through."""

    def check(_instance: object, attribute: Any, value: object) -> None:
        if value is None and optional:
            return
        check_text(value, attribute.name, empty=empty)

    return check


def texts(_instance: object, attribute: Any, value: tuple[object, ...]) -> None:
    """An attrs validator: every item of a tuple is a ``str`` UTF-8 can encode."""
    for i, item in enumerate(value):
        check_text(item, f"{attribute.name}[{i}]")


def to_float(value: Any) -> Any:
    """An attrs converter: a number becomes a ``float``; anything else, and an int too large for
    a float, is left for the validator, which names it (a converter does not know the field)."""
    if type(value) is float:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except OverflowError:
        return value


def to_finite(value: object) -> float:
    """An attrs converter where ``float`` was one: a finite number as a ``float``, else an
    error (``float("12")`` and ``float(True)`` would accept a string and a bool)."""
    return check_number(value, "")


def check_number(
    value: object, name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` as a finite ``float`` within the bounds given (inclusive), or a clear error.

    Booleans and strings are not numbers here, and an int too large for a float is refused.

    >>> check_number(10**400, "quantity")
    Traceback (most recent call last):
    ...
    govops.exceptions.InvalidInputError: quantity=an int of about 400 digits is too large; expected a finite number
    """
    label = f"{name}={shown(value)}" if name else shown(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidTypeError(f"{label} is a {type(value).__name__}; expected a number")
    try:
        result = float(value)
    except OverflowError:
        raise InvalidInputError(f"{label} is too large; expected a finite number") from None
    if not math.isfinite(result):
        raise InvalidInputError(f"{label} is not finite; expected a finite number")
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        low = "" if minimum is None else f" >= {minimum:g}"
        high = "" if maximum is None else f" <= {maximum:g}"
        both = " and" if low and high else ""
        raise InvalidInputError(f"{label} is out of range; expected a number{low}{both}{high}")
    return result


def boolean(_instance: object, attribute: Any, value: object) -> None:
    """An attrs validator: ``True`` or ``False`` (not 1, not ``"yes"``)."""
    if not isinstance(value, bool):
        raise InvalidTypeError(
            f"{attribute.name}={shown(value)} is a {type(value).__name__}; expected True or False"
        )


def instance_of(kind: type, *, optional: bool = False) -> Any:
    """An attrs validator: an instance of ``kind`` (or ``None`` when ``optional``), else an
    ``InvalidTypeError`` naming the field (attrs' own raises a bare ``TypeError``)."""

    def check(_instance: object, attribute: Any, value: object) -> None:
        if not isinstance(value, kind) and not (optional and value is None):
            raise InvalidTypeError(
                f"{attribute.name}={shown(value)} is a {type(value).__name__}; "
                f"expected a {kind.__name__}" + (" or None" if optional else "")
            )

    return check


def to_enum(kind: type[E], value: object) -> E:
    """The member of ``kind`` that ``value`` is or names, else an error naming the values
    allowed (``kind(value)`` would raise a bare ``ValueError``). For attrs converters."""
    if isinstance(value, kind):
        return value
    try:
        member = kind(value)
    except (TypeError, ValueError):
        pass
    else:
        if type(member.value) is type(value):  # 1 is not True, 1.0 is not 1
            return member
    raise InvalidInputError(
        f"{shown(value)} is not a {kind.__name__}; expected one of {[m.value for m in kind]!r}"
    )


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """An attrs converter: an iterable (not a string) as a tuple, else an ``InvalidTypeError``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidTypeError(
            f"{shown(value)} is a {type(value).__name__}; expected a tuple or list of values"
        )
    return tuple(value)
