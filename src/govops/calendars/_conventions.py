"""How a calendar reads its arguments: roll conventions and whole numbers of days."""

from __future__ import annotations

import enum
import operator

from ..exceptions import InvalidInputError, InvalidTypeError

__all__ = ["Roll", "as_int", "coerce_roll"]


class Roll(str, enum.Enum):
    """How a date that falls on a rest day is moved (see ``docs/explanation/counting.md``)."""

    FOLLOWING = "following"
    """To the next working day (顺延)."""
    PRECEDING = "preceding"
    """To the previous working day (提前)."""
    MODIFIED_FOLLOWING = "modified_following"
    """To the next working day unless that leaves the month, then to the previous one."""
    NONE = "none"
    """Not moved."""

    def __str__(self) -> str:
        return self.value


def coerce_roll(convention: Roll | str) -> Roll:
    try:
        return Roll(convention)
    except ValueError:
        allowed = ", ".join(repr(r.value) for r in Roll)
        raise InvalidInputError(f"roll convention {convention!r} is not one of {allowed}") from None


def as_int(n: object, name: str = "n") -> int:
    # Any exact integer (numpy's int64 too, via __index__), but not a bool and not 1.0.
    if not isinstance(n, bool) and hasattr(type(n), "__index__"):
        try:
            return operator.index(n)  # type: ignore[arg-type]
        except TypeError:
            pass
    raise InvalidTypeError(f"{name}={n!r} is a {type(n).__name__}; expected an int")
