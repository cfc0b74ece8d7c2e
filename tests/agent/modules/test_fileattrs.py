"""Modes (numeric and symbolic), owners and groups, checksums."""

import os

import pytest

from corral.modules._api import ArgumentError, ModuleError, parse_mode_arg
from corral.modules._fileattrs import (
    checksum_bytes,
    checksum_file,
    format_mode,
    lookup_gid,
    lookup_uid,
    resolve_mode,
)

from .conftest import run

# (given in the playbook, what the argument parser returns)
PARSED = [
    (0o644, 0o644),     # YAML 1.1 reads 0644 as octal
    ("0644", 0o644),
    ("644", 0o644),     # a string is always octal, as in Ansible
    ("01777", 0o1777),
    ("u=rw,g=r,o=r", "u=rw,g=r,o=r"),
    ("u+x", "u+x"),
]


@pytest.mark.parametrize("given,expected", PARSED)
def test_parse_mode_arg(given, expected):
    assert parse_mode_arg("mode", given) == expected


@pytest.mark.parametrize("given,message", [
    ("rwxr-xr-x", "mode: 'rwxr-xr-x' is not a file mode; write it as a quoted octal string"),
    ("0999", "mode: '0999' is not a file mode"),
    (0o17777, "out of range"),
    (True, "True is not a file mode"),
])
def test_parse_mode_arg_rejects(given, message):
    with pytest.raises(ArgumentError) as err:
        parse_mode_arg("mode", given)
    assert message in err.value.msg


# (symbolic, current mode, is a directory, result)
SYMBOLIC = [
    ("u=rw,g=r,o=r", 0o777, False, 0o644),
    ("u+x", 0o644, False, 0o744),
    ("a-w", 0o664, False, 0o444),
    ("go-rwx", 0o755, False, 0o700),
    ("a+X", 0o644, True, 0o755),      # X: directories get x
    ("a+X", 0o644, False, 0o644),     # plain files without any x do not
    ("a+X", 0o744, False, 0o755),     # files with some x do
    ("u=rwx,g=rx,o=", 0o000, True, 0o750),
    ("g=u", 0o640, False, 0o660),
    ("u+s,o+t", 0o755, True, 0o5755),
    ("+x", 0o644, False, 0o755),      # no who = a
    ("o=", 0o1777, True, 0o770),      # = clears that class, sticky included
]


@pytest.mark.parametrize("spec,current,is_dir,expected", SYMBOLIC)
def test_resolve_symbolic(spec, current, is_dir, expected):
    assert format_mode(resolve_mode(spec, current, is_dir)) == format_mode(expected)


def test_resolve_bad_clause():
    with pytest.raises(ModuleError) as err:
        resolve_mode("u+rw,z=x", 0o644, False)
    assert err.value.msg == ("mode 'u+rw,z=x': clause 'z=x' is not symbolic mode syntax "
                             "(like u+rwx, g-w, o=r, a+X)")


def test_lookup_owner_and_group():
    assert lookup_uid("nobody") == 65534 and lookup_gid("nogroup") == 65534
    assert lookup_uid("1234") == 1234 and lookup_uid(None) is None
    with pytest.raises(ModuleError) as err:
        lookup_uid("no-such-user-x")
    assert err.value.msg == "owner 'no-such-user-x': no such user on this host"


def test_checksum_is_sha1():
    assert checksum_bytes(b"abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"


@pytest.mark.parametrize("module,key", [("file", "path"), ("copy", "dest"),
                                        ("lineinfile", "path")])
def test_owner_group_change(tmp_path, module, key):
    target = tmp_path / "f"
    target.write_text("x\n")
    args = {key: str(target), "owner": "nobody", "group": "nogroup"}
    if module == "copy":
        args["content"] = "x\n"
    if module == "lineinfile":
        args["line"] = "x"
    result = run(module, args)
    assert result["status"] == "changed", result
    assert {"what": "owner", "before": "root", "after": "nobody"} in result["changes"]
    assert {"what": "group", "before": "root", "after": "nogroup"} in result["changes"]
    st = os.stat(str(target))
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert run(module, args)["status"] == "ok"


def test_unknown_owner_fails_in_check_mode_too(tmp_path):
    result = run("file", {"path": str(tmp_path), "owner": "no-such-user-x"}, check=True)
    assert (result["status"], result["msg"]) == ("failed",
                                                 "owner 'no-such-user-x': no such user on this host")


@pytest.mark.parametrize("algorithm", ["sha1", "md5", "sha256", "sha512"])
@pytest.mark.parametrize("size", [0, 100, 1024 * 1024, 1024 * 1024 + 1])
def test_checksums_match_hashlib_below_and_above_the_small_file_size(algorithm, size, tmp_path):
    """Small data is hashed without loading OpenSSL; the digest is the same either way."""
    import hashlib

    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    expected = hashlib.new(algorithm, data).hexdigest()
    assert checksum_bytes(data, algorithm) == expected
    assert checksum_file(str(path), algorithm) == expected
