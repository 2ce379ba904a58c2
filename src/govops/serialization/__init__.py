"""JSON for govops values and ledgers (cattrs), versioned by a ``"schema": "govops/1"`` field.

Every value a public package exports (a task, a decision, a notice, a rule, an explanation, a day's
description, a bulletin, a policy, …), every computed value and whole ledgers; :func:`json_schema`
describes the documents for API docs. Kept out of the domain classes: a value does not know how it
is stored.

Reading is strict, and only :class:`~govops.exceptions.GovopsError` comes out of it: a document
must be UTF-8 JSON; a field holds exactly its type (``"seq": 2.5``, ``"seq": true`` and
``"id": 5`` are refused, not coerced); numbers are finite (``NaN``, ``Infinity``, ``1e999`` are
refused) and integers fit in 64 bits; text has no lone surrogates; an object holds only the fields
of its type. A document therefore nests only as deep as the values it holds (a ledger about a
dozen levels); nesting past what Python's decoder reads (about a thousand levels) is refused as
too deep. The message says where (``$.entries[3].seq``), what was found and what was expected:

>>> from govops.serialization import from_json
>>> from_json('{"schema": "govops/1", "type": "Unit", "data": {"id": "econ", "name": 5}}')
Traceback (most recent call last):
...
govops.exceptions.InvalidTypeError: cannot read a Unit: 5 is an integer; expected a string @ $.name
"""

from ._json import SCHEMA as SCHEMA
from ._json import converter as converter
from ._json import from_json as from_json
from ._json import public_types as public_types
from ._json import structure as structure
from ._json import to_json as to_json
from ._json import unstructure as unstructure
from ._schema import json_schema as json_schema

__all__ = [
    "SCHEMA",
    "converter",
    "from_json",
    "json_schema",
    "public_types",
    "structure",
    "to_json",
    "unstructure",
]
