"""JSON for govops values and ledgers (cattrs), versioned by a ``"schema": "govops/1"`` field.

Kept out of the domain classes: a value does not know how it is stored.
"""

from ._json import SCHEMA as SCHEMA
from ._json import converter as converter
from ._json import from_json as from_json
from ._json import structure as structure
from ._json import to_json as to_json
from ._json import unstructure as unstructure

__all__ = ["SCHEMA", "converter", "from_json", "structure", "to_json", "unstructure"]
