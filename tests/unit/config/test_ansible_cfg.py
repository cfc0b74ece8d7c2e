"""ansible.cfg and ANSIBLE_* variables: where they are read from, what wins, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from corral.cli.settings import CliSettings, resolve_settings
from corral.config import load_ansible_config
from corral.config.ansible_cfg import find_config_file
from corral.errors import InputError, UsageError

CFG = """\
[defaults]
inventory = hosts.yml, more.ini   ; two inventories
roles_path = roles:~/shared-roles
forks = 7
remote_user = deploy
private_key_file = keys/id_ed25519
host_key_checking = False
timeout = 33
vault_password_file = ~/.vault-pw
gathering = explicit
stdout_callback = yaml
retry_files_enabled = False

[privilege_escalation]
become = True
become_user = app
become_method = sudo

[ssh_connection]
pipelining = True
"""


def _write(folder: Path, text: str = CFG) -> Path:
    path = folder / "ansible.cfg"
    path.write_text(text)
    return path


def test_every_setting_corral_uses(tmp_path: Path) -> None:
    _write(tmp_path)
    cfg = load_ansible_config(environ={}, cwd=tmp_path, home=tmp_path / "home")
    assert cfg.path == tmp_path / "ansible.cfg"
    assert cfg.inventory == [str(tmp_path / "hosts.yml"), str(tmp_path / "more.ini")]
    assert cfg.roles_path == [str(tmp_path / "roles"), str(Path("~/shared-roles").expanduser())]
    assert (cfg.forks, cfg.remote_user, cfg.timeout, cfg.gathering) == (7, "deploy", 33.0, "explicit")
    assert cfg.private_key_file == str(tmp_path / "keys/id_ed25519")
    assert cfg.host_key_policy == "off"
    assert cfg.vault_password_file == str(Path("~/.vault-pw").expanduser())
    assert (cfg.become, cfg.become_user, cfg.become_method) == (True, "app", "sudo")
    assert cfg.ignored == ["[defaults] stdout_callback", "[defaults] retry_files_enabled",
                           "[ssh_connection] pipelining"]


def test_environment_beats_the_file(tmp_path: Path) -> None:
    _write(tmp_path)
    env = {"ANSIBLE_FORKS": "3", "ANSIBLE_REMOTE_USER": "root", "ANSIBLE_BECOME": "no",
           "ANSIBLE_INVENTORY": "/x/inv.yml", "ANSIBLE_HOST_KEY_CHECKING": "true"}
    cfg = load_ansible_config(environ=env, cwd=tmp_path, home=tmp_path)
    assert (cfg.forks, cfg.remote_user, cfg.become, cfg.inventory) == (3, "root", False, ["/x/inv.yml"])
    assert cfg.host_key_policy == "strict"


def test_search_order(tmp_path: Path) -> None:
    home, cwd, explicit = tmp_path / "home", tmp_path / "cwd", tmp_path / "elsewhere"
    for folder in (home, cwd, explicit):
        folder.mkdir()
    (home / ".ansible.cfg").write_text("[defaults]\n")
    assert find_config_file({}, cwd, home) == home / ".ansible.cfg"
    _write(cwd, "[defaults]\n")
    assert find_config_file({}, cwd, home) == cwd / "ansible.cfg"
    _write(explicit, "[defaults]\n")
    assert find_config_file({"ANSIBLE_CONFIG": str(explicit / "ansible.cfg")}, cwd, home) == \
        explicit / "ansible.cfg"
    assert find_config_file({"ANSIBLE_CONFIG": str(explicit)}, cwd, home) == explicit / "ansible.cfg"


@pytest.mark.parametrize(("text", "message"), [
    ("[defaults]\nforks = many\n", "forks = 'many'"),
    ("[defaults]\nhost_key_checking = maybe\n", "not a boolean"),
    ("[defaults]\ngathering = sometimes\n", "use one of implicit, explicit, smart"),
    ("forks = 3\n", "not a valid INI file"),
    ("[defaults]\nforks = 3\n[defaults\n", "not a valid INI file"),
])
def test_bad_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as caught:
        load_ansible_config(environ={}, cwd=tmp_path, home=tmp_path)
    assert str(tmp_path / "ansible.cfg") in str(caught.value)


def test_command_line_beats_config(tmp_path: Path) -> None:
    _write(tmp_path)
    cfg = load_ansible_config(environ={}, cwd=tmp_path, home=tmp_path)
    plain = resolve_settings(CliSettings(), cfg)
    assert plain.inventory == cfg.inventory
    assert plain.options["forks"] == 7 and plain.options["timeout"] == 33.0
    assert plain.options["host_key_checking"] == "off"
    assert plain.options["gather_implicit"] is False
    assert plain.options["defaults"].remote_user == "deploy"
    assert plain.options["defaults"].become is True
    assert plain.vault_password_files == [cfg.vault_password_file]
    given = resolve_settings(CliSettings(inventory=["i.yml"], forks=2, timeout=1.0, user="bob",
                                         become_user="root", host_key_checking="strict",
                                         vault_ids=["dev@pw"], private_key="~/.ssh/k"), cfg)
    assert given.inventory == ["i.yml"]
    assert (given.options["forks"], given.options["timeout"]) == (2, 1.0)
    assert given.options["defaults"].remote_user == "bob"
    assert given.options["defaults"].become_user == "root"
    assert given.options["defaults"].private_key_file == str(Path("~/.ssh/k").expanduser())
    assert given.options["host_key_checking"] == "strict"
    assert (given.vault_password_files, given.vault_ids) == ([], ["dev@pw"])


def test_no_inventory_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    cfg = load_ansible_config(environ={}, cwd=tmp_path, home=tmp_path)
    with pytest.raises(UsageError, match="give an inventory with -i"):
        resolve_settings(CliSettings(), cfg)
