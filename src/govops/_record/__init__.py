"""The record kernel, private and shared by the packages that keep records (like trio's ``_core``).

Today it holds the one way govops generates code (:func:`generated_function`); the record's event
base, hash and replay are moving here from :mod:`govops.tasks`.
"""

from ._generated import generated_function as generated_function

__all__ = ["generated_function"]
