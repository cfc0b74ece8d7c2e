"""Content never exists under a wider mode, or another owner or group, than the file ends
with: every state the temp file passes through while it holds content is observed.

The observer stats the temp files (and backups) before and after every chmod, chown
and rename (by path or descriptor), and before every chunk of a streamed source.
"""

import os
import stat

import pytest

from corral.modules import _api
from corral.modules import copy as copy_module
from corral.modules._fileattrs import wanted_attrs, written_mode

from .conftest import run

SECRET = b"s3cret\n" * 1000


class Observer:
    """Records (size, mode, uid, gid) of every temp file in ``folder`` when poked."""

    def __init__(self, folder):
        self.folder = folder
        self.states = []

    def poke(self):
        for name in os.listdir(self.folder):
            if name.startswith(".corral-") or name.endswith("~"):  # temp files, backups
                st = os.stat(os.path.join(self.folder, name))
                self.states.append((st.st_size, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid))

    def with_content(self):
        return [s for s in self.states if s[0] > 0]


class SpyReader:
    """A binary source that pokes the observer before handing out each chunk."""

    def __init__(self, data, observer):
        self.data = data
        self.observer = observer

    def read(self, n=-1):
        self.observer.poke()
        chunk, self.data = (self.data, b"") if n < 0 else (self.data[:n], self.data[n:])
        return chunk


@pytest.fixture
def observer(tmp_path, monkeypatch):
    seen = Observer(str(tmp_path))
    for name in ("chmod", "fchmod", "chown", "fchown", "rename"):
        real = getattr(os, name)

        def spy(*args, _real=real, **kwargs):
            seen.poke()  # before: the state this call ends
            result = _real(*args, **kwargs)
            seen.poke()
            return result
        monkeypatch.setattr(os, name, spy)
    return seen


def _existing(path, mode, uid=0, gid=0):
    path.write_bytes(b"old\n")
    os.chown(str(path), uid, gid)
    os.chmod(str(path), mode)


# (what exists before, the task's mode/owner/group, the final mode, uid, gid)
CASES = [
    pytest.param(None, {"mode": "0600"}, (0o600, 0, 0), id="new-0600"),
    pytest.param(0o644, {"mode": "0600"}, (0o600, 0, 0), id="0644-to-0600"),
    pytest.param(0o666, {"mode": "0400"}, (0o400, 0, 0), id="0666-to-0400"),
    pytest.param(0o640, {}, (0o640, 0, 0), id="keeps-0640"),
    pytest.param(0o644, {"mode": "go-rwx"}, (0o600, 0, 0), id="symbolic"),
    pytest.param(0o644, {"mode": "0640", "group": "65534"}, (0o640, 0, 65534), id="group"),
    pytest.param((0o644, 65534), {"mode": "0600", "owner": "root"}, (0o600, 0, 0),
                 id="nobody's-0644-to-root-0600"),
    pytest.param((0o600, 65534), {}, (0o600, 65534, 0), id="keeps-nobody's-owner"),
]


def _check(dest, observer, final):
    mode, uid, gid = final
    st = os.stat(str(dest))
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == final
    states = observer.with_content()
    assert states, "the observer saw no temp file with content"
    for _size, seen_mode, seen_uid, seen_gid in states:
        assert seen_mode & ~mode == 0, f"content under mode {seen_mode:04o} (final {mode:04o})"
        assert (seen_uid, seen_gid) == (uid, gid), f"content owned by {seen_uid}:{seen_gid}"


def _prepare(dest, before):
    if before is None:
        return
    mode, uid = before if isinstance(before, tuple) else (before, 0)
    _existing(dest, mode, uid=uid)


@pytest.mark.parametrize("before,args,final", CASES)
def test_copy_content(tmp_path, observer, before, args, final):
    dest = tmp_path / "secret"
    _prepare(dest, before)
    result = run("copy", {"dest": str(dest), "content": SECRET.decode(), **args})
    assert result["status"] == "changed", result
    _check(dest, observer, final)
    assert dest.read_bytes() == SECRET


@pytest.mark.parametrize("before,args,final", CASES)
def test_streamed_data(tmp_path, observer, before, args, final):
    """atomic_write from a file object (a staged upload): poked before every chunk."""
    dest = tmp_path / "secret"
    _prepare(dest, before)
    wanted = wanted_attrs(_api.validate_args(copy_module.ARGS, {"dest": str(dest), "content": "", **args}))
    _api.atomic_write(str(dest), SpyReader(SECRET, observer), mode=written_mode(str(dest), wanted),
                      uid=wanted.uid, gid=wanted.gid)
    _check(dest, observer, final)


def test_lineinfile_keeps_a_private_file_private(tmp_path, observer):
    dest = tmp_path / "secret"
    _existing(dest, 0o600)
    result = run("lineinfile", {"path": str(dest), "line": "token=abc"})
    assert result["status"] == "changed", result
    _check(dest, observer, (0o600, 0, 0))


def test_a_backup_is_as_private_as_the_file(tmp_path, observer):
    dest = tmp_path / "secret"
    _existing(dest, 0o600, uid=65534)
    result = run("copy", {"dest": str(dest), "content": "new\n", "backup": True})
    backup = result["data"]["backup_file"]
    st = os.stat(backup)
    assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o600, 65534)
    assert open(backup, "rb").read() == b"old\n"
    _check(dest, observer, (0o600, 65534, 0))
