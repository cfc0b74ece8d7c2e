"""yum_repository against a .repo file recorded from ansible-core 2.19, and rpm_key's key id
read from a key made by gpg 2.2 (its fingerprint as gpg printed it)."""

import pytest

from corral.modules.rpm_key import dearmor, fingerprint
from corral.modules.yum_repository import render

from .conftest import run, snapshot

TEST_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mQENBGsM7HwBCADgKEjVQNdkAq250FDt+eSw+boQ0U7wq6rntSpGdrNkVljE7Iov
g8T4gl/jBQGAR1gWJ+qG96JQj5a60Nyw5mhMiPq0fxBKMohfj3DAnQeZixXXwpxL
YFt69yhG47py5kTDyihnLqGr5zhAd5IRCcQQgplFjbRuxw+hlO5FPuEQCDuI8CNH
z0fxbKi2WPzwsAPbDRehjwQisjuZ9U6ibAzJsBniUPZpx25Kfjg0hSjMlvvwa878
T+5dlkfF66o4cI5tn9F5V3XTTTBTb392TGO82J3/WFrIij+oxOrEKKbiDwPUrpal
BIrW+apQEhQDOW6fHmm8tGW4oZw84/blLS7dABEBAAG0IWNvcnJhbCB0ZXN0IDx0
ZXN0QGNvcnJhbC5pbnZhbGlkPokBTgQTAQoAOBYhBL8Nm4u7RstO6gjslC/35bGo
EBDTBQJrDOx8AhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEC/35bGoEBDT
j9AH/jy023WxxHf7psV4V9GZXWtoqtBoX3DD6QJY9BDY7SLMudshRt4YhcxpcwVo
d0KvnREUSsJFMcexrGjnlgwD8PvKHfuzgqjTpMXDOY3I7QPc8TEU9L8E6JoC5HRx
F+eEFs4uPeRtUQiMzf67nmQOTXOjthH4YhqcPn2cshUogl1D79cw5EhVL707rf91
JqoiW6qajbYiM//UG5MS/Ih6nWcbWMHGb7oSZr9yzc5C32djiiRJpHorJWR0PnLX
t2w9JxFh/14y5scWuD8tZfKutx5nNvVOdJClKFCJWe4QyaKv4XmId3h2LndOdhhg
V4pcRQRgo+3LDmHjZaCCMX4G1Fg=
=DJgl
-----END PGP PUBLIC KEY BLOCK-----
"""
TEST_KEY_FPR = "BF0D9B8BBB46CB4EEA08EC942FF7E5B1A81010D3"

# written by ansible-core's yum_repository for the two tasks below, in this order
ANSIBLE_REPO = (
    "[epel]\nbaseurl = https://a.example/epel/$releasever/\n\thttps://b.example/epel/\n"
    "enabled = 1\nexclude = kernel* foo\ngpgcheck = 1\ngpgkey = https://a.example/RPM-GPG-KEY\n"
    "name = EPEL YUM repo\npriority = 10\n\n[second]\nbaseurl = https://c.example/\n"
    "enabled = 0\nname = Second\n\n")
EPEL = {"name": "epel", "description": "EPEL YUM repo", "gpgcheck": True, "enabled": True,
        "baseurl": ["https://a.example/epel/$releasever/", "https://b.example/epel/"],
        "gpgkey": ["https://a.example/RPM-GPG-KEY"], "priority": "10",
        "exclude": ["kernel*", "foo"]}
SECOND = {"name": "second", "description": "Second", "baseurl": ["https://c.example/"],
          "file": "epel", "enabled": False}


def test_yum_repository_writes_what_ansible_writes(tmp_path):
    assert render(render("", {**EPEL, "state": "present"}), {**SECOND, "state": "present"}) == ANSIBLE_REPO
    folder = str(tmp_path)
    before = snapshot(tmp_path)
    assert run("yum_repository", {**EPEL, "reposdir": folder}, check=True)["status"] == "changed"
    assert snapshot(tmp_path) == before
    assert run("yum_repository", {**EPEL, "reposdir": folder})["status"] == "changed"
    assert run("yum_repository", {**SECOND, "reposdir": folder})["status"] == "changed"
    assert (tmp_path / "epel.repo").read_text() == ANSIBLE_REPO
    assert run("yum_repository", {**EPEL, "reposdir": folder})["status"] == "ok"
    gone = run("yum_repository", {"name": "epel", "state": "absent", "reposdir": folder})
    assert gone["status"] == "changed"
    run("yum_repository", {"name": "second", "file": "epel", "state": "absent", "reposdir": folder})
    assert not (tmp_path / "epel.repo").exists()  # no section left: the file goes


def test_yum_repository_needs_a_url(tmp_path):
    result = run("yum_repository", {"name": "x", "reposdir": str(tmp_path)})
    assert result["status"] == "failed" and "'baseurl', 'metalink' or 'mirrorlist'" in result["msg"]


def test_rpm_key_reads_the_fingerprint_without_gpg():
    assert fingerprint(dearmor(TEST_KEY)) == TEST_KEY_FPR


@pytest.mark.parametrize(("text", "message"), [
    ("hello", "not an armored OpenPGP public key"),
    ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----", "not"),
])
def test_rpm_key_bad_keys(tmp_path, text, message):
    path = tmp_path / "k.asc"
    path.write_text(text)
    result = run("rpm_key", {"key": str(path)})
    assert result["status"] == "failed" and message in result["msg"]
