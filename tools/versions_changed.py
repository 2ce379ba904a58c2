"""Which installed distributions differ from the lock: what an upgrade would change.

    python tools/versions_changed.py requirements/lock.txt

Prints one line per installed package whose version is not the one locked for this interpreter
(or that the lock does not name), and exits 0; `make upgrade-check` runs it in its own environment.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# What `python -m venv` installs by itself, whatever the project asks for.
_BOOTSTRAP = {"setuptools", "wheel"}


def locked(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            pins[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return pins


def installed() -> dict[str, str]:
    return {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in metadata.distributions()
        if canonicalize_name(d.metadata["Name"]) != "govops"
    }


def main(argv: list[str]) -> int:
    old, new = locked(Path(argv[0])), installed()
    lines = [
        f"  {name}: {old.get(name, 'not locked')} -> {new[name]}"
        for name in sorted(new)
        if old.get(name) != new[name] and (name in old or name not in _BOOTSTRAP)
    ]
    print("Versions that differ from the lock:" if lines else "Every version is the locked one.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
