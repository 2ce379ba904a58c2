"""Building frozen attrs values slot by slot, exactly as their ``__init__`` would.

attrs' ``__init__`` for a frozen slotted class sets every field through ``object.__setattr__``, a
detour to the slot's own setter that costs as much again as everything else the ``__init__`` does.
Where govops builds values by the thousand (a replay's events, a query's task states and warning
lights), it generates code that calls the slot setters directly and runs every converter,
validator and post-init hook the ``__init__`` would, in the same order: the same values are
accepted, built and refused.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import attrs

from ._events import INLINE
from ._generated import generated_function

__all__ = ["init_lines", "positional_builder"]


@attrs.frozen
class _Frozen:
    """Only here to find the ``__setattr__`` attrs gives frozen classes."""


_FROZEN_SETATTR = _Frozen.__setattr__


def init_lines(cls: type, namespace: dict[str, Any]) -> list[str] | None:
    """Lines of Python that build ``self``, a ``cls``, from the locals ``v_<field>`` exactly as its
    attrs ``__init__`` would, slot by slot (what they need is added to ``namespace``).

    They run every converter, every validator and the post-init hook, in the order the generated
    ``__init__`` runs them, with the same arguments, so they accept, build and refuse exactly what
    ``cls(**fields)`` does; they only skip ``object.__setattr__``, which for a frozen slotted class
    is a detour to the slot's own setter (half the cost of a small event). Afterwards each
    ``v_<field>`` holds the value set. ``None`` when the class is not a frozen, slotted attrs class
    whose fields are exactly its slots, all set by ``__init__`` under their own names, with plain
    converters and no pre-init hook. The caller must also see validators enabled
    (``attrs.validators.get_disabled()``), since the lines always run them.
    """
    if (
        "__attrs_attrs__" not in cls.__dict__
        or getattr(cls, "__setattr__", None) is not _FROZEN_SETATTR
        or hasattr(cls, "__attrs_pre_init__")
    ):
        return None
    fields = attrs.fields(cls)
    slots: set[str] = set()
    for base in cls.__mro__:
        declared = base.__dict__.get("__slots__", ())
        slots.update((declared,) if isinstance(declared, str) else declared)
    slots.discard("__weakref__")
    if slots != {a.name for a in fields}:
        return None
    namespace.update(new=object.__new__, cls=cls)
    lines = ["    self = new(cls)"]
    checks = []
    for a in fields:
        setter = inspect.getattr_static(cls, a.name, None)
        if (
            not a.init
            or a.alias != a.name
            or not isinstance(setter, types.MemberDescriptorType)
            or isinstance(a.converter, attrs.Converter)
        ):
            return None
        namespace[f"set_{a.name}"] = setter.__set__
        v = f"v_{a.name}"
        if a.converter is not None:
            namespace[f"convert_{a.name}"] = a.converter
            convert = f"convert_{a.name}({v})"
            when = getattr(a.converter, INLINE, None)
            if when is None:
                lines.append(f"    {v} = {convert}")
            else:  # see govops.tasks._events.inline
                test, value = (part.format(v=v) for part in when)
                lines.append(f"    {v} = ({value}) if ({test}) else {convert}")
        lines.append(f"    set_{a.name}(self, {v})")
        if a.validator is not None:
            namespace[f"validate_{a.name}"] = a.validator
            namespace[f"field_{a.name}"] = a
            validate = f"validate_{a.name}(self, field_{a.name}, {v})"
            when = getattr(a.validator, INLINE, None)
            if when is None:
                checks.append(f"    {validate}")
            else:
                checks += [f"    if not ({when[0].format(v=v)}):", f"        {validate}"]
    lines.extend(checks)
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    self.__attrs_post_init__()")
    return lines


def positional_builder(cls: type) -> Callable[..., Any]:
    """A function that takes the value of every field of the attrs class ``cls``, positionally in
    field order, and returns ``cls(**fields)``: slot by slot (:func:`init_lines`) when it can,
    else through ``__init__``.

    For values a query makes by the thousand from parts already checked (a
    :class:`~govops.tasks.WarningLight` costs about a third of a call through ``__init__``).
    Every field must be an argument of ``__init__``. When validators are disabled
    (``attrs.validators.set_disabled``) a class that has some is built through ``__init__``,
    which skips them as attrs says.
    """
    fields = attrs.fields(cls)
    names = tuple(a.name for a in fields)
    arguments = ", ".join(f"v_{name}" for name in names)
    namespace: dict[str, Any] = {"disabled": attrs.validators.get_disabled, "target": cls}
    init = init_lines(cls, namespace)
    keywords = ", ".join(f"{name}=v_{name}" for name in names)
    lines = [f"def build({arguments}):"]
    if init is None:
        lines.append(f"    return target({keywords})")
    else:
        if any(a.validator is not None for a in fields):
            lines += ["    if disabled():", f"        return target({keywords})"]
        lines += [*init, "    return self"]
    build: Callable[..., Any] = generated_function(
        lines, "build", namespace, what=f"builder of {cls.__qualname__}"
    )
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"
    return build
