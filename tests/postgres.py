"""Start a private PostgreSQL server for the tests (initdb in a temp dir, loopback port)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def running_server(password: str | None = None):
    """A private server; with `password`, connections over TCP need it (scram-sha-256), as on an office's server."""
    existing = os.environ.get("MH_TEST_POSTGRES_URL")
    if existing and password is None:
        yield existing
        return
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL n'est pas installé sur cette machine")
    base = Path(tempfile.mkdtemp(prefix="mh-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    authentication = ["-A", "trust"]
    if password is not None:
        secret = base / "motdepasse"
        secret.write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(secret, "postgres", "postgres")
        authentication = ["--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile", str(secret)]
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", *authentication,
                                 "-E", "UTF8", "--no-sync", "--locale", "C"]), check=True, capture_output=True)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
                                 "-w", "start"]), check=True, capture_output=True)
    try:
        login = "postgres" if password is None else f"postgres:{password}"
        yield f"postgresql+psycopg://{login}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str):
    import psycopg

    name = "mh_test_" + uuid.uuid4().hex[:12]
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
