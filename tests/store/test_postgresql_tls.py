"""A hosted server's connection options are honoured: `sslmode` in the address decides
whether the connection is encrypted and whether the server's certificate is checked."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from kentcard.core.errors import KentcardError
from kentcard.store.engine import make_engine, url_for
from tests import pgserver


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server(pg_server: pgserver.Server) -> Iterator[pgserver.Server]:
    """A second throwaway server, listening on loopback with TLS only (the shared one
    proves PostgreSQL can start here)."""
    with pgserver.running(tls_port=_free_port()) as server:
        server.sql(f"CREATE DATABASE tls OWNER {pgserver.OWNER}")
        yield server


def _address(server: pgserver.Server, options: str) -> str:
    return url_for(f"postgresql://{pgserver.OWNER}@localhost:{server.port}/tls?{options}")


def _encrypted(address: str) -> bool:
    engine = make_engine(address)
    try:
        with engine.connect() as connection:
            return bool(
                connection.execute(
                    text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                ).scalar()
            )
    finally:
        engine.dispose()


def test_sslmode_require_gives_an_encrypted_connection(tls_server: pgserver.Server) -> None:
    assert _encrypted(_address(tls_server, "sslmode=require"))


def test_sslmode_verify_full_checks_the_certificate(
    tls_server: pgserver.Server, tmp_path: Path
) -> None:
    certificate = tls_server.folder / "data" / "server.crt"
    trusted = tmp_path / "root.crt"
    trusted.write_bytes(certificate.read_bytes())
    assert _encrypted(_address(tls_server, f"sslmode=verify-full&sslrootcert={trusted}"))
    stranger = tmp_path / "other.crt"
    pgserver.self_signed_certificate(tmp_path)  # another certificate, not the server's
    stranger.write_bytes((tmp_path / "server.crt").read_bytes())
    with pytest.raises(KentcardError, match=r"cannot connect to the database: .*certificate"):
        _encrypted(_address(tls_server, f"sslmode=verify-full&sslrootcert={stranger}"))


def test_a_server_that_insists_on_tls_refuses_sslmode_disable(
    tls_server: pgserver.Server,
) -> None:
    with pytest.raises(KentcardError, match=r"cannot connect to the database: .*no encryption"):
        _encrypted(_address(tls_server, "sslmode=disable"))
