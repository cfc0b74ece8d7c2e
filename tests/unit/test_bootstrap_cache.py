"""The agent payload is cached on the controller, and a damaged cache is rebuilt."""

import zlib

import pytest

from corral.transport import bootstrap


@pytest.fixture()
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bootstrap.agent_payload.cache_clear()
    yield tmp_path
    bootstrap.agent_payload.cache_clear()


def test_payload_is_cached_and_reused(fresh):
    first = bootstrap.agent_payload()
    files = list((fresh / "corral").glob("agent-*.zlib"))
    assert len(files) == 1 and files[0].read_bytes() == first
    assert zlib.decompress(first).decode() == bootstrap.agent_program()
    bootstrap.agent_payload.cache_clear()
    assert bootstrap.agent_payload() == first


def test_damaged_cache_file_is_rebuilt(fresh):
    good = bootstrap.agent_payload()
    path = next((fresh / "corral").glob("agent-*.zlib"))
    path.write_bytes(b"garbage")
    bootstrap.agent_payload.cache_clear()
    assert bootstrap.agent_payload() == good
    assert path.read_bytes() == good
