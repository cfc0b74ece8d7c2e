"""The agent payload is cached on the controller, and a damaged cache is rebuilt."""

import hashlib
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


def _cached(fresh):
    return next((fresh / "corral").glob("agent-*.zlib"))


def test_a_changed_cache_file_is_never_sent(fresh):
    """A cache file that still decompresses, but is not what was built, is rebuilt."""
    good = bootstrap.agent_payload()
    path = _cached(fresh)
    path.write_bytes(zlib.compress(b"import os; os.system('echo not the agent')"))
    bootstrap.agent_payload.cache_clear()
    assert bootstrap.agent_payload() == good
    assert path.read_bytes() == good


@pytest.mark.parametrize("damage", ["digest missing", "digest wrong", "writable by others"])
def test_an_unverifiable_cache_file_is_rebuilt(fresh, damage):
    good = bootstrap.agent_payload()
    path = _cached(fresh)
    digest = path.with_suffix(".sha256")
    other = zlib.compress(b"print('other')")
    path.write_bytes(other)
    if damage == "digest missing":
        digest.unlink()
    elif damage == "digest wrong":
        digest.write_text("0" * 64)
    else:
        digest.write_text(hashlib.sha256(other).hexdigest())
        path.chmod(0o666)
    bootstrap.agent_payload.cache_clear()
    assert bootstrap.agent_payload() == good


def test_the_digest_is_recorded_beside_the_payload(fresh):
    good = bootstrap.agent_payload()
    digest = _cached(fresh).with_suffix(".sha256").read_text()
    assert digest == hashlib.sha256(good).hexdigest()
