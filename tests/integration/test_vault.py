"""Vault end to end: files both ways with ansible-vault, and a run that uses vaulted data."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from ansible_oracle import ansible_bin
from corral_cli import corral, write_playbook

SECRET = "s3cr3t-value-42"


def _vault(tool_args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ansible_bin("ansible-vault")), *tool_args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


def test_files_round_trip_both_ways(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("correct horse\n")
    (tmp_path / "a.yml").write_text(f"password: {SECRET}\n")
    run = corral("vault", "encrypt", "a.yml", "--vault-id", "prod@pw", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "a.yml").read_text().startswith("$ANSIBLE_VAULT;1.2;AES256;prod\n")
    seen = _vault(["view", "--vault-id", "prod@pw", "a.yml"], tmp_path)
    assert seen.returncode == 0 and seen.stdout == f"password: {SECRET}\n", seen.stderr
    # and back: ansible-vault encrypts, corral views, decrypts, rekeys
    (tmp_path / "b.yml").write_text("x: 1\n")
    assert _vault(["encrypt", "--vault-password-file", "pw", "b.yml"], tmp_path).returncode == 0
    view = corral("vault", "view", "b.yml", "--vault-password-file", "pw", cwd=tmp_path)
    assert view.code == 0 and view.stdout == "x: 1\n"
    (tmp_path / "pw2").write_text("new password\n")
    rekey = corral("vault", "rekey", "b.yml", "--vault-password-file", "pw",
                   "--new-vault-password-file", "pw2", cwd=tmp_path)
    assert rekey.code == 0, rekey.stderr
    assert _vault(["view", "--vault-password-file", "pw2", "b.yml"], tmp_path).stdout == "x: 1\n"
    assert corral("vault", "decrypt", "b.yml", "--vault-password-file", "pw2",
                  cwd=tmp_path).code == 0
    assert (tmp_path / "b.yml").read_text() == "x: 1\n"


def test_encrypt_string_is_read_by_ansible(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("pw-one\n")
    out = corral("vault", "encrypt-string", SECRET, "--name", "token",
                 "--vault-password-file", "pw", cwd=tmp_path)
    assert out.code == 0, out.stderr
    (tmp_path / "vars.yml").write_text(out.stdout)
    play = tmp_path / "p.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  vars_files: [vars.yml]\n"
                    "  tasks:\n    - debug: {msg: 'tok={{ token }}'}\n")
    done = subprocess.run([str(ansible_bin("ansible-playbook")), "-i", "localhost,", "-c", "local",
                           "--vault-password-file", "pw", "p.yml"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120)
    assert f"tok={SECRET}" in done.stdout, done.stdout + done.stderr


def _project(tmp_path: Path) -> Path:
    """A play using vaulted group_vars, vars_files, an inline !vault value and a vaulted copy src."""
    (tmp_path / "pw").write_text("pw-one\n")
    for folder in ("group_vars", "files"):
        (tmp_path / folder).mkdir()
    (tmp_path / "group_vars/all.yml").write_text(f"gv_secret: {SECRET}-gv\n")
    (tmp_path / "vf.yml").write_text(f"vf_secret: {SECRET}-vf\n")
    (tmp_path / "files/secret.txt").write_text(f"{SECRET}-file\n")
    for name in ("group_vars/all.yml", "vf.yml", "files/secret.txt"):
        assert _vault(["encrypt", "--vault-password-file", "pw", name], tmp_path).returncode == 0
    inline = _vault(["encrypt_string", "--vault-password-file", "pw", f"{SECRET}-inline",
                     "--name", "inline_secret"], tmp_path).stdout
    (tmp_path / "inv.yml").write_text(
        "all:\n  hosts:\n    localhost: {ansible_connection: local}\n")
    out = tmp_path / "out"
    return write_playbook(tmp_path, f"""\
- hosts: all
  gather_facts: false
  vars_files: [vf.yml]
  vars:
{textwrap.indent(inline, "    ")}
  tasks:
    - copy: {{src: secret.txt, dest: {out}/file.txt}}
    - copy: {{content: "{{{{ gv_secret }}}} {{{{ vf_secret }}}} {{{{ inline_secret }}}}", dest: {out}/vars.txt}}
    - debug: {{msg: "the secret is {{{{ vf_secret }}}}"}}
""")


def test_a_run_uses_vaulted_data_and_never_prints_it(tmp_path: Path) -> None:
    play = _project(tmp_path)
    (tmp_path / "out").mkdir()
    run = corral("apply", play, "-i", tmp_path / "inv.yml", "--vault-password-file",
                 tmp_path / "pw", "--diff", "-v", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert (tmp_path / "out/file.txt").read_text() == f"{SECRET}-file\n"
    assert (tmp_path / "out/vars.txt").read_text() == f"{SECRET}-gv {SECRET}-vf {SECRET}-inline"
    assert SECRET not in run.stdout + run.stderr
    assert SECRET not in json.dumps(run.report)
    assert "the secret is ********" in run.stdout
    again = corral("apply", play, "-i", tmp_path / "inv.yml", "--vault-id",
                   f"default@{tmp_path / 'pw'}", cwd=tmp_path)
    assert again.code == 0 and again.changed("localhost") == 0


def test_wrong_or_missing_password_is_exit_4_naming_each_file(tmp_path: Path) -> None:
    play = _project(tmp_path)
    (tmp_path / "bad").write_text("not it\n")
    for extra in ([], ["--vault-password-file", str(tmp_path / "bad")]):
        run = corral("apply", play, "-i", tmp_path / "inv.yml", *extra, cwd=tmp_path)
        assert run.code == 4, run.stdout + run.stderr
        assert "group_vars/all.yml" in run.stderr
        assert "play.yml:5:" in run.stderr  # the inline value, with its line
        assert "not it" not in run.stderr
    assert not (tmp_path / "out").exists()
