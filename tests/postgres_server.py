"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temporary folder.
``benchmarks/bench_stores.py`` starts one too, loading this file by path (it is test support,
not part of the library).

The server is the machine's own PostgreSQL (found on ``PATH``, in ``/usr/lib/postgresql/*/bin``
or ``/usr/local/bin``), else the one the ``pgserver`` wheel of the test dependencies brings,
listening on 127.0.0.1 at a free port, with its socket in its folder so
that it meets no other server. PostgreSQL refuses to run as root, and CI runs as root: there the
server runs as the unprivileged user ``nobody``, its folder given to that user.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_PLACES = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/local/bin")


def bundled() -> Path | None:
    """The binaries the ``pgserver`` wheel brings (a test dependency on Linux x86_64)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: the machine's own, else those
    of the ``pgserver`` wheel; ``None`` when there are none."""
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []
    for pattern in _PLACES:
        candidates += sorted((Path(p) for p in glob.glob(pattern)), reverse=True)
    candidates.append(bundled() or Path("/nonexistent"))
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A PostgreSQL server of its own in a temporary folder; :meth:`stop` removes it all."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="govops-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        user = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        self.user = user.pw_name
        # Run as that user when root (subprocess drops root in the child, before exec).
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            self._as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
            os.chown(self.root, user.pw_uid, user.pw_gid)
        os.chmod(self.root, 0o700)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                # A throwaway server: no fsync (its durability is not what is tested here),
                # small shared memory so that several test runs fit on one machine.
                "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "max_connections = 150\n"
            )
        self.start()

    @property
    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin / tool), *args],
            **self._as,
            capture_output=True,
            text=True,
            cwd=self.root,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{tool} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        """Stop the server at once (``immediate``: a crash, as far as clients can tell) and start
        it again."""
        self.stop("immediate")
        self.start()

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running(found: Path | None = None) -> Iterator[PostgresServer]:
    """A server (of the binaries in ``found``, by default those :func:`binaries` finds) for the
    time of the block; ``RuntimeError`` when no PostgreSQL is installed."""
    found = found or binaries()
    if found is None:
        raise RuntimeError(
            "the PostgreSQL store is tested against a real server, and none is installed: "
            "install PostgreSQL (initdb, pg_ctl and postgres on PATH or in "
            "/usr/lib/postgresql/<version>/bin), e.g. `apt-get install postgresql`, or the "
            "pgserver wheel of the test dependencies (Linux x86_64)"
        )
    server = PostgresServer(found)
    try:
        yield server
    finally:
        server.close()
