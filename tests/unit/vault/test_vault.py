"""ansible-vault's format: round trips, labels, wrong passwords, damaged data, password sources."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corral.errors import VaultError
from corral.vault import Keyring, VaultSecret, is_vault_text
from corral.vault.aes256 import encrypt
from corral.vault.envelope import format_envelope, parse_envelope
from corral.vault.redact import MASK, RedactingWriter, redact_data, redact_text
from corral.vault.sources import build_keyring

# Made by ansible-vault 2.19 (`ansible-vault encrypt_string --vault-password-file pw 'secret'`
# with pw holding "pw"): fixed vectors prove the format, not only our own round trip.
ANSIBLE_MADE_11 = """$ANSIBLE_VAULT;1.1;AES256
32626362653430323032363131613163616561396666646635353837353038623030376565373665
6363383332626535633132386130643239323261323163350a316435373838336337633063383564
63366338336236376339633936346632396630346632636239623237666631346234623036343138
3732306136653637620a366637646464393638363837353136663565393963353363373830373232
3362
"""
ANSIBLE_MADE_12_DEV = """$ANSIBLE_VAULT;1.2;AES256;dev
33316664323861373232633736336339613531653633333335653438353163363031313138313030
6638313738313131613062653562356234373832323738330a303036656232386239393763323133
37613236343734646636376232373536666534316537656334303839353461626631323361633831
3366303930333561340a393234383336366530376237333166653363303561353333313961653765
6432
"""


def ring(*pairs: tuple[str, bytes]) -> Keyring:
    return Keyring([VaultSecret(label, pw, "test") for label, pw in pairs])


@pytest.mark.parametrize(("text", "keyring", "plain"), [
    (ANSIBLE_MADE_11, ring(("default", b"pw")), "hello: world\n"),
    (ANSIBLE_MADE_12_DEV, ring(("dev", b"pw")), "secret"),
    # the label names the id to try first, but any id's password may open it
    (ANSIBLE_MADE_12_DEV, ring(("prod", b"other"), ("x", b"pw")), "secret"),
    # leading whitespace and CRLF line ends, as an indented !vault block keeps them
    ("   " + ANSIBLE_MADE_11.replace("\n", "\r\n"), ring(("default", b"pw")), "hello: world\n"),
])
def test_decrypts_ansible_made_vaults(text: str, keyring: Keyring, plain: str) -> None:
    assert keyring.decrypt_text(text, "f.yml") == plain


@pytest.mark.parametrize("plain", ["", "x", "a" * 15, "b" * 16, "c" * 17, "ünïcode ✓\n" * 50])
@pytest.mark.parametrize("label", ["default", "prod"])
def test_round_trip(plain: str, label: str) -> None:
    keyring = ring((label, b"s3cret"))
    text = keyring.encrypt_text(plain)
    assert is_vault_text(text)
    assert text.splitlines()[0] == ("$ANSIBLE_VAULT;1.1;AES256" if label == "default"
                                    else f"$ANSIBLE_VAULT;1.2;AES256;{label}")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert keyring.decrypt_text(text, "f") == plain


def _damage_hmac(text: str) -> str:
    env = parse_envelope(text)
    bad = env.__class__(env.version, env.label, env.salt, bytes(32), env.ciphertext)
    return format_envelope(bad)


def _damage_ciphertext(text: str) -> str:
    env = parse_envelope(text)
    flipped = bytes([env.ciphertext[0] ^ 1]) + env.ciphertext[1:]
    return format_envelope(env.__class__(env.version, env.label, env.salt, env.hmac, flipped))


@pytest.mark.parametrize(("text", "keyring", "message"), [
    (ANSIBLE_MADE_11, ring(("default", b"badpass1")), "no password of the vault ids tried (default)"),
    (ANSIBLE_MADE_12_DEV, ring(("a", b"xpass-1"), ("b", b"ypass-2")), "made for vault id 'dev'"),
    (_damage_hmac(ANSIBLE_MADE_11), ring(("default", b"pw")), "data changed after it was encrypted"),
    (_damage_ciphertext(ANSIBLE_MADE_11), ring(("default", b"pw")), "data changed after"),
    (ANSIBLE_MADE_11[:60], ring(("default", b"pw")), "damaged vault data"),
    ("$ANSIBLE_VAULT;1.1;AES256\nzz\n", ring(("default", b"pw")), "not valid hex"),
    ("$ANSIBLE_VAULT;9.9;AES256\n00\n", ring(("default", b"pw")), "version '9.9' is not supported"),
    ("$ANSIBLE_VAULT;1.1;DES\n00\n", ring(("default", b"pw")), "cipher 'DES' is not supported"),
    (ANSIBLE_MADE_11, Keyring(), "no vault password was given"),
])
def test_bad_vaults_name_the_file_and_never_the_password(
        text: str, keyring: Keyring, message: str) -> None:
    with pytest.raises(VaultError) as caught:
        keyring.decrypt_text(text, "group_vars/all.yml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("group_vars/all.yml")
    for secret in keyring.secrets:
        assert secret.password.decode() not in str(caught.value)


def test_fixed_salt_gives_ansible_compatible_layout() -> None:
    env = encrypt(b"abc", b"pw", salt=b"\0" * 32)
    assert len(env.ciphertext) == 16 and len(env.hmac) == 32


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_password_sources(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("from-file\n")
    plain = _script(tmp_path, "pw.sh", "echo from-script\n")
    client = _script(tmp_path, "vault-client", 'echo "id=$2"\n')
    env = {"ANSIBLE_VAULT_IDENTITY_LIST": f"envid@{tmp_path / 'pw'}"}
    keyring = build_keyring([str(tmp_path / "pw")],
                            [f"s@{plain}", f"c@{client}", "p@prompt"],
                            environ=env, prompt=lambda text: "typed")
    got = [(s.vault_id, s.password) for s in keyring.secrets]
    assert got == [("envid", b"from-file"), ("default", b"from-file"),
                   ("s", b"from-script"), ("c", b"id=c"), ("p", b"typed")]


@pytest.mark.parametrize(("files", "ids", "env", "message"), [
    (["/nonexistent/pw"], [], {}, "vault password file not found"),
    ([], ["@x"], {}, "write LABEL@SOURCE"),
    ([], [], {"ANSIBLE_VAULT_PASSWORD_FILE": "/nonexistent/env-pw"}, "not found"),
])
def test_bad_password_sources(files: list[str], ids: list[str], env: dict[str, str],
                              message: str) -> None:
    with pytest.raises(VaultError, match=message):
        build_keyring(files, ids, environ=env)


def test_failing_script_and_empty_password(tmp_path: Path) -> None:
    failing = _script(tmp_path, "bad.sh", "echo oops >&2; exit 3\n")
    with pytest.raises(VaultError, match="exited 3: oops"):
        build_keyring([str(failing)], environ={})
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(VaultError, match="is empty"):
        build_keyring([str(tmp_path / "empty")], environ={})


def test_prompt_without_terminal_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    read, write = os.pipe()
    os.close(write)
    with os.fdopen(read) as not_a_tty:
        monkeypatch.setattr("sys.stdin", not_a_tty)
        with pytest.raises(VaultError, match="needs a terminal"):
            build_keyring(ask_vault_pass=True, environ={})


def test_decrypted_values_are_remembered_for_redaction() -> None:
    keyring = ring(("default", b"pw"))
    vars_text = keyring.encrypt_text("db_password: hunter2hunter2\nuser: root\nport: 5432\n")
    keyring.decrypt_text(vars_text, "f")
    assert "hunter2hunter2" in keyring.revealed
    assert "root" not in keyring.revealed  # short values would mask too much output
    assert redact_text("pw is hunter2hunter2.", keyring.revealed) == f"pw is {MASK}."
    assert redact_data({"a": ["x hunter2hunter2"]}, frozenset(keyring.revealed)) == {"a": [f"x {MASK}"]}


def test_redacting_writer(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    writer = RedactingWriter(sys.stdout, lambda: frozenset({"topsecret"}))
    writer.write("a topsecret b\n")
    assert capsys.readouterr().out == f"a {MASK} b\n"
