"""Which fact groups a playbook reads (fact_needs): one row per construct, with the fallbacks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corral.executor.catalog import ModuleCatalog
from corral.executor.fact_needs import (
    ALL,
    play_gathers,
    play_needs,
    read_include,
    text_reads,
)
from corral.executor.include_loader import IncludeLoader
from corral.modules.registry import ModuleRegistry
from corral.playbook import load_playbook
from corral.playbook.model import Playbook
from corral.templating import check_condition_syntax


def _load(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Playbook:
    for name, body in {"site.yml": text, **(files or {})}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return load_playbook(tmp_path / "site.yml", ModuleCatalog(ModuleRegistry()),
                         check_condition_syntax)


def _needs(tmp_path: Path, text: str, files: dict[str, str] | None = None
           ) -> list[set[str] | str]:
    book = _load(tmp_path, text, files)
    registry = ModuleRegistry()

    def reader(task, play):  # type: ignore[no-untyped-def]
        loader = IncludeLoader(ModuleCatalog(registry), check_condition_syntax, (),
                               play.path.parent, play.role_keys)
        return read_include(loader, task)

    needs = play_needs(book.plays, lambda p: play_gathers(p, True), reader)
    return ["all" if groups == ALL else set(groups) for groups in needs]


def _one(tasks: str) -> str:
    """A one-play playbook with these tasks."""
    body = textwrap.indent(textwrap.dedent(tasks).strip("\n"), "    ")
    return f"- hosts: all\n  tasks:\n{body}\n"


# -- one string: table -----------------------------------------------------------------
@pytest.mark.parametrize("text,expression,expected", [
    ("plain text with ansible_os_family", False, set()),       # not a template: reads nothing
    ("{{ ansible_os_family }}", False, {"distribution"}),
    ("{{ ansible_facts.os_family }}", False, {"distribution"}),
    ("{{ ansible_facts['memtotal_mb'] }}", False, {"hardware"}),
    ("{{ ansible_facts.default_ipv4.address }}", False, {"network"}),
    ("{{ ansible_hostname }}-{{ ansible_fqdn }}", False, {"platform", "fqdn"}),
    ("{{ ansible_env.HOME }}", False, {"env"}),
    ("{{ ansible_python.version.major }}", False, {"python"}),
    ("{{ ansible_user_id }}", False, {"user"}),
    ("{{ ansible_facts.pkg_mgr }} {{ ansible_service_mgr }}", False, {"pkg_mgr", "service_mgr"}),
    ("ansible_os_family == 'Debian'", True, {"distribution"}),
    ("ansible_facts['distribution'] is defined", True, {"distribution"}),
    ("{{ ansible_host }} {{ ansible_port }} {{ ansible_check_mode }}", False, set()),  # not facts
    ("{{ ansible_facts.getent_passwd }}", False, set()),         # set by a module, not gathered
    ("{{ vars['ansible_os_family'] }}", False, {"distribution"}),
    ("{{ vars.ansible_facts.kernel }}", False, {"platform"}),
    ("{{ lookup('vars', 'ansible_memtotal_mb') }}", False, {"hardware"}),
    ("{{ hostvars[inventory_hostname].ansible_os_family }}", False, {"distribution"}),
    ("{{ hostvars['web1']['ansible_facts']['pkg_mgr'] }}", False, {"pkg_mgr"}),
    ("{{ hostvars[h]['some_var'] }}", False, set()),
    ("{{ groups.all | map('extract', hostvars, 'ansible_os_family') | list }}", False, "all"),
    ("{% for h in groups.all %}{{ hostvars[h].ansible_hostname }}{% endfor %}", False,
     {"platform"}),
    # what cannot be followed: every group
    ("{{ ansible_facts | to_json }}", False, "all"),
    ("{{ ansible_facts.keys() | list }}", False, "all"),
    ("{{ ansible_facts[name] }}", False, "all"),
    ("{{ hostvars[inventory_hostname] | to_nice_json }}", False, "all"),
    ("{{ vars[name] }}", False, "all"),
    ("{{ lookup('vars', 'ansible_' + x) }}", False, "all"),
    ("{{ lookup('template', 'x.j2') }}", False, "all"),
    ("{{ ansible_facts.get('os_family') }}", False, "all"),
    ("{{ broken ansible_os_family", False, {"distribution"}),  # does not parse: words
    ("{{ items | map(attribute='ansible_os_family') }}", False, {"distribution"}),
])
def test_text_reads(text: str, expression: bool, expected: set[str] | str) -> None:
    reads = text_reads(text, expression)
    groups = reads.own | reads.others
    assert ("all" if groups == ALL else set(groups)) == expected


# -- playbooks: table -------------------------------------------------------------------
PLAYS = [
    ("no fact read", _one("- debug: msg=hello\n- command: echo {{ inventory_hostname }}"), [set()]),
    ("when", _one("- debug: msg=x\n  when: ansible_os_family == 'Debian'"), [{"distribution"}]),
    ("changed_when/failed_when/until",
     _one("- command: 'true'\n  register: r\n  changed_when: ansible_kernel != ''\n"
          "  failed_when: ansible_memtotal_mb < 1\n  until: ansible_pkg_mgr != ''"),
     [{"platform", "hardware", "pkg_mgr"}]),
    ("loop", _one("- debug: msg={{ item }}\n  loop: \"{{ ansible_facts.python.version | list }}\""),
     [{"python"}]),
    ("task vars", _one("- debug: msg={{ x }}\n  vars:\n    x: '{{ ansible_user_id }}'"), [{"user"}]),
    ("debug var", _one("- debug: var=ansible_default_ipv4"), [{"network"}]),
    ("assert that", _one("- assert:\n    that: [ansible_service_mgr == 'systemd']"),
     [{"service_mgr"}]),
    ("block when", _one("- block:\n    - debug: msg=x\n  when: ansible_env.HOME is defined"),
     [{"env"}]),
    ("handler", "- hosts: all\n  tasks: [{debug: msg=x}]\n  handlers:\n"
                "    - name: h\n      debug: msg={{ ansible_fqdn }}\n", [{"fqdn"}]),
    ("play vars", "- hosts: all\n  vars:\n    v: '{{ ansible_hostname }}'\n  tasks: [{debug: msg=x}]\n",
     [{"platform"}]),
    ("explicit setup", _one("- setup:\n    filter: ansible_os_family"), ["all"]),
    ("whole facts", _one("- copy: {content: '{{ ansible_facts | to_json }}', dest: /tmp/f}"),
     ["all"]),
    ("templated include matching no file", _one("- include_tasks: 'os/{{ name }}.yml'"),
     ["all"]),
    ("templated include_role", _one("- include_role: {name: '{{ role }}'}"), ["all"]),
    ("vars_files named by a fact",
     "- hosts: all\n  vars_files: ['vars/{{ ansible_os_family }}.yml']\n  tasks: [{debug: msg=x}]\n",
     ["all"]),
    ("gather_facts false", "- hosts: all\n  gather_facts: false\n  tasks:\n"
                           "    - debug: msg={{ ansible_os_family }}\n", [set()]),
]


@pytest.mark.parametrize("text,expected", [(t, e) for _, t, e in PLAYS],
                         ids=[name for name, _, _ in PLAYS])
def test_play_needs(tmp_path: Path, text: str, expected: list[set[str] | str]) -> None:
    assert _needs(tmp_path, text) == expected


def test_template_file_is_read(tmp_path: Path) -> None:
    text = _one("- template: {src: motd.j2, dest: /tmp/motd}")
    files = {"templates/motd.j2": "Welcome to {{ ansible_distribution }} {{ ansible_kernel }}\n"}
    assert _needs(tmp_path, text, files) == [{"distribution", "platform"}]


def test_vars_files_are_read(tmp_path: Path) -> None:
    text = "- hosts: all\n  vars_files: [vars/main.yml, vars/missing.yml]\n  tasks: [{debug: msg=x}]\n"
    files = {"vars/main.yml": "motd: 'on {{ ansible_distribution }}'\n"}
    assert _needs(tmp_path, text, files) == [{"distribution"}]


def test_templated_template_src_is_all(tmp_path: Path) -> None:
    assert _needs(tmp_path, _one("- template: {src: '{{ t }}', dest: /tmp/x}")) == ["all"]


def test_static_include_and_import_are_read(tmp_path: Path) -> None:
    text = _one("- include_tasks: more.yml\n- import_tasks: other.yml")
    files = {"more.yml": "- debug: msg={{ ansible_pkg_mgr }}\n",
             "other.yml": "- debug: msg={{ ansible_memtotal_mb }}\n"}
    assert _needs(tmp_path, text, files) == [{"pkg_mgr", "hardware"}]


def test_templated_include_reads_every_file_it_may_name(tmp_path: Path) -> None:
    text = _one("- include_tasks: 'setup-{{ ansible_os_family }}.yml'\n  when: x is defined")
    files = {"setup-Debian.yml": "- debug: msg={{ ansible_pkg_mgr }}\n",
             "setup-RedHat.yml": "- debug: msg={{ ansible_memtotal_mb }}\n",
             "setup-FreeBSD.yml": "- pkgng: {name: x}\n",  # not loadable here: skipped
             "other.yml": "- debug: msg={{ ansible_env }}\n"}
    assert _needs(tmp_path, text, files) == [{"distribution", "pkg_mgr", "hardware"}]


def test_include_that_cannot_be_read_is_all(tmp_path: Path) -> None:
    assert _needs(tmp_path, _one("- include_tasks: missing.yml")) == ["all"]


def test_roles_defaults_tasks_and_include_role(tmp_path: Path) -> None:
    text = "- hosts: all\n  roles: [web]\n  tasks:\n    - include_role: {name: db}\n"
    files = {
        "roles/web/defaults/main.yml": "port_name: '{{ ansible_hostname }}'\n",
        "roles/web/tasks/main.yml": "- debug: msg=x\n",
        "roles/db/tasks/main.yml": "- debug: msg={{ ansible_os_family }}\n",
        "roles/db/handlers/main.yml": "- name: h\n  debug: msg={{ ansible_env.PATH }}\n",
    }
    assert _needs(tmp_path, text, files) == [{"platform", "distribution", "env"}]


def test_facts_read_by_a_later_play_that_does_not_gather(tmp_path: Path) -> None:
    text = """
    - hosts: all
      tasks: [{debug: msg=x}]
    - hosts: all
      gather_facts: false
      tasks:
        - debug: msg={{ ansible_os_family }}
    - hosts: all
      tasks:
        - debug: msg={{ ansible_kernel }}
    - hosts: all
      tasks:
        - debug: msg={{ hostvars['other'].ansible_pkg_mgr }}
    """
    # play 1 brings play 2's (no gathering of its own) and play 4's other-host read;
    # play 3 gathers its own, and play 4's other-host read too
    assert _needs(tmp_path, text) == [{"distribution", "pkg_mgr"}, set(),
                                      {"platform", "pkg_mgr"}, {"pkg_mgr"}]


def test_gathering_explicit_in_ansible_cfg(tmp_path: Path) -> None:
    book = _load(tmp_path, "- hosts: all\n  tasks: [{debug: 'msg={{ ansible_os_family }}'}]\n"
                           "- hosts: all\n  gather_facts: true\n  tasks: [{debug: msg=x}]\n")
    assert play_needs(book.plays, lambda p: play_gathers(p, False)) == [
        frozenset(), frozenset()]


@pytest.mark.parametrize("written,expected", [
    ("", None),
    ("  gather_subset: '!all,network'\n", ["!all", "network"]),
    ("  gather_subset: [min, '!env']\n", ["min", "!env"]),
    ("  gather_subset: '{{ subset }}'\n", ["{{ subset }}"]),  # rendered per host at gathering
])
def test_play_gather_subset_keyword(tmp_path: Path, written: str,
                                    expected: list[str] | None) -> None:
    book = _load(tmp_path, f"- hosts: all\n{written}  tasks: [{{debug: msg=x}}]\n")
    assert book.plays[0].gather_subset == expected
