"""-e values of secret-looking variables never reach the history."""

from __future__ import annotations

import pytest

from corral.history.secrets_filter import looks_secret, redact_argv, secret_values
from corral.vault.redact import MASK


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-e", "db_password=s3cret"], ["-e", f"db_password={MASK}"]),
        (["-e", "user=bob api_token=x1"], ["-e", f"user=bob api_token={MASK}"]),
        (["--extra-vars=secret=1"], [f"--extra-vars=secret={MASK}"]),
        (["-eadmin_pass=x"], [f"-eadmin_pass={MASK}"]),
        (["-e", '{"ssh_key": "k", "port": 22}'], ["-e", f'{{"ssh_key": "{MASK}", "port": 22}}']),
        (["-e", "{not json"], ["-e", MASK]),
        (["-e", "@secrets.yml"], ["-e", "@secrets.yml"]),
        (["-e", "app_root=/srv"], ["-e", "app_root=/srv"]),
        (["--limit", "password=web1"], ["--limit", "password=web1"]),  # not an -e value
        (["--vault-password-file", "pw.txt"], ["--vault-password-file", "pw.txt"]),
        (["-m", "user", "-a", "name=bob password=x"], ["-m", "user", "-a", f"name=bob password={MASK}"]),
        (["--args=token=abc"], [f"--args=token={MASK}"]),
    ],
)
def test_redact_argv(argv, expected):
    assert redact_argv(["apply", "site.yml", *argv]) == ["apply", "site.yml", *expected]


@pytest.mark.parametrize(("name", "secret"), [
    ("password", True), ("db_passwd", True), ("api_key", True), ("ssh_private_key", True),
    ("github_token", True), ("admin_pass", True), ("app_root", False), ("port", False),
    ("keyboard_layout", False)])
def test_looks_secret(name, secret):
    assert looks_secret(name) is secret


def test_secret_values_are_collected_from_nested_extra_vars():
    found = secret_values({"db": {"password": "hunter22"}, "app_root": "/srv", "token": "abc"})
    assert found == frozenset({"hunter22"})  # "abc" is too short to redact safely
