"""Roles, dynamic includes and include_vars on real agents through the local connection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.corral_cli import corral, write_playbook

INVENTORY = """
all:
  vars:
    ansible_connection: local
  children:
    web:
      hosts:
        w1: {color: red}
    db:
      hosts:
        d1: {color: green}
"""


def _files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    return tmp_path


def run(project: Path, playbook: str, *extra: str, env_roles: str | None = None):
    path = write_playbook(project, playbook)
    args = ["apply", path, "-i", project / "inventory.yml", *extra]
    if env_roles is None:
        return corral(*args)
    import os
    import subprocess
    import sys

    env = {**os.environ, "ANSIBLE_ROLES_PATH": env_roles}
    proc = subprocess.run([sys.executable, "-m", "corral", *map(str, args)], text=True,
                          capture_output=True, env=env, timeout=120)
    return proc


OS_ROLE = {
    "roles/svc/defaults/main.yml": "svc_port: 80\nsvc_out: OUT\n",
    "roles/svc/vars/Debian.yml": "svc_pkg: svc-deb\n",
    "roles/svc/vars/RedHat.yml": "svc_pkg: svc-rpm\n",
    "roles/svc/tasks/main.yml": """
- include_vars: "{{ ansible_os_family }}.yml"
- include_tasks: "setup-{{ ansible_os_family }}.yml"
- name: FreeBSD only, a module corral does not have
  pkgng: {name: "{{ svc_pkg }}"}
  when: ansible_os_family == 'FreeBSD'
- template: {src: svc.conf.j2, dest: "{{ svc_out }}/svc.conf", mode: "0640"}
  notify: reload svc
""",
    "roles/svc/tasks/setup-Debian.yml": "- copy: {content: \"{{ svc_pkg }}\\n\", dest: \"{{ svc_out }}/pkg\"}\n",
    "roles/svc/tasks/setup-RedHat.yml": """
- package: {name: "{{ svc_pkg }}", enablerepo: epel}
- ansible.posix.seport: {ports: "{{ svc_port }}", proto: tcp, setype: http_port_t}
""",
    "roles/svc/templates/svc.conf.j2": "# {{ ansible_managed }}\nport={{ svc_port }} role={{ role_name }}\n",
    "roles/svc/handlers/main.yml": "- name: reload svc\n  shell: echo reload >> {{ svc_out }}/reloads\n",
}


def test_os_branch_role_runs_unchanged_idempotent_and_honest_in_check(project: Path) -> None:
    out = project / "out"
    out.mkdir()
    _files(project, OS_ROLE)
    play = f"""
- hosts: w1
  roles:
    - role: svc
      svc_out: {out}
      svc_port: 8080
"""
    check = run(project, play, "--check")
    assert check.code == 2, check.stdout + check.stderr
    assert list(out.iterdir()) == []  # check mode wrote nothing
    assert "unknown module 'pkgng'" in check.stdout + check.stderr  # warned up front
    first = run(project, play)
    assert first.code == 0, first.stdout + first.stderr
    assert (out / "pkg").read_text() == "svc-deb\n"
    assert (out / "svc.conf").read_text() == "# Ansible managed\nport=8080 role=svc\n"
    assert (out / "reloads").read_text() == "reload\n"
    assert first.host("w1")["failed"] == 0
    second = run(project, play)
    assert second.code == 0 and second.changed("w1") == 0, second.stdout


def test_an_invalid_task_fails_only_where_it_runs(project: Path) -> None:
    result = run(project, """
- hosts: all
  gather_facts: false
  tasks:
    - name: only green hosts
      pkgng: {name: x}
      when: color == 'green'
    - debug: msg=after
""")
    assert result.code == 1
    assert result.statuses("w1") == ["skipped", "ok"]
    assert result.statuses("d1") == ["failed"]
    failed = result.host("d1")["tasks"][0]["msg"]
    assert "play.yml:6:7: unknown module 'pkgng'" in failed


def test_included_file_is_checked_when_reached(project: Path) -> None:
    _files(project, {"bad.yml": "- debug: msg=ok\n- fille: path=/x\n",
                     "good.yml": "- debug: msg=\"good {{ item }}\"\n"})
    result = run(project, """
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: bad.yml
      when: color == 'green'
    - include_tasks: good.yml
      loop: [1, 2]
""")
    assert result.code == 1
    assert result.statuses("d1") == ["failed"]
    assert "bad.yml:2:3: unknown module 'fille'; did you mean 'file'?" in \
        result.host("d1")["tasks"][0]["msg"]
    w1 = result.host("w1")["tasks"]
    assert [t["status"] for t in w1] == ["skipped", "ok", "ok", "ok", "ok"]
    assert [t["msg"] for t in w1 if t["module"] == "debug"] == ["good 1", "good 2"]


def test_missing_role_names_every_place_looked_in(project: Path) -> None:
    result = run(project, "- hosts: all\n  roles: [nowhere]\n", "--roles-path", "/opt/x")
    assert result.code == 4
    assert "role 'nowhere' not found (looked in: " in result.stderr
    assert f"{project}/roles" in result.stderr and "/opt/x" in result.stderr


def test_roles_path_option_and_environment(project: Path, tmp_path_factory) -> None:
    shelf = tmp_path_factory.mktemp("shelf")
    _files(shelf, {"far/tasks/main.yml": "- debug: msg=\"far {{ role_path }}\"\n"})
    play = "- hosts: w1\n  gather_facts: false\n  roles: [far]\n"
    by_option = run(project, play, "--roles-path", str(shelf))
    assert by_option.code == 0, by_option.stderr
    assert by_option.host("w1")["tasks"][0]["msg"] == f"far {shelf}/far"
    by_env = run(project, play, env_roles=str(shelf))
    assert by_env.returncode == 0, by_env.stderr


def test_include_vars_files_dirs_and_bad_files(project: Path) -> None:
    _files(project, {"vars/a.yml": "x: 1\ny: a\n", "vars/b.yml": "y: b\n",
                     "vars/list.yml": "- 1\n", "more/one.yml": "z: 1\n"})
    result = run(project, """
- hosts: w1
  gather_facts: false
  vars_files:
    - [missing.yml, vars/a.yml]
  tasks:
    - include_vars: {dir: vars, files_matching: '^[ab]', name: both}
    - include_vars: one.yml
      ignore_errors: true
    - include_vars: more/one.yml
    - debug: msg="{{ both.x }} {{ both.y }} {{ z }} {{ y }}"
    - include_vars: list.yml
""")
    tasks = result.host("w1")["tasks"]
    assert [t["status"] for t in tasks] == ["ok", "ignored", "ok", "ok", "failed"]
    assert tasks[3]["msg"] == "1 b 1 a"
    assert "include_vars: file 'one.yml' not found (looked in " in tasks[1]["msg"]
    assert "list.yml must hold a mapping of variables" in tasks[4]["msg"]


def test_vars_prompt_from_extra_vars_or_default_else_error(project: Path) -> None:
    play = """
- hosts: w1
  gather_facts: false
  vars_prompt:
    - name: who
      prompt: Who?
    - name: where
      default: here
  tasks:
    - debug: msg="{{ who }} {{ where }}"
"""
    given = run(project, play, "-e", "who=ann")
    assert given.code == 0 and given.host("w1")["tasks"][0]["msg"] == "ann here"
    missing = run(project, play)
    assert missing.code == 4
    assert "vars_prompt 'who' needs an answer but there is no terminal; pass it with -e who=VALUE" \
        in missing.stderr


def test_explain_shows_role_defaults_and_vars_with_file_and_line(project: Path) -> None:
    _files(project, {"roles/web/defaults/main.yml": "port: 80\nuser: www\n",
                     "roles/web/vars/main.yml": "user: web\n"})
    path = write_playbook(project, "- hosts: w1\n  roles: [web]\n")
    result = corral("explain", "user", "w1", "-i", project / "inventory.yml", path)
    assert result.code == 0, result.stderr
    assert f"from role vars (web) ({project}/roles/web/vars/main.yml:1)" in result.stdout
    assert f"from role defaults (web) ({project}/roles/web/defaults/main.yml:2)" in result.stdout


def test_public_include_role_vars_and_apply(project: Path) -> None:
    _files(project, {"roles/r/defaults/main.yml": "greeting: hello\n",
                     "roles/r/tasks/main.yml": "- debug: msg=\"{{ greeting }} {{ who }}\"\n"})
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - include_role: {name: r, public: true, apply: {tags: [t], vars: {who: applied}}}
    - debug: msg="{{ greeting }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert [t["msg"] for t in result.host("w1")["tasks"] if t["module"] == "debug"] == [
        "hello applied", "hello"]
    assert json.dumps(result.report)  # the report stays serialisable


def test_add_host_group_by_and_delegate_facts(project: Path) -> None:
    result = run(project, """
- hosts: all
  gather_facts: false
  tasks:
    - add_host:
        name: "extra{{ item }}"
        groups: [added]
        ansible_connection: local
        shade: "s{{ item }}"
      loop: [1, 2]
    - group_by: {key: "color_{{ color }}", parents: [colored]}
    - group_by: {key: "color_{{ color }}", parents: [colored]}
    - set_fact: {handed: "from {{ inventory_hostname }}"}
      delegate_to: extra1
      delegate_facts: true
      run_once: true
    - debug: msg="{{ groups['added'] }} {{ groups['colored'] | sort }} {{ hostvars['extra1'].handed }}"
      run_once: true
- hosts: added
  gather_facts: false
  tasks:
    - debug: msg="{{ shade }} {{ group_names }} {{ handed | default('-') }}"
- hosts: color_green
  gather_facts: false
  tasks:
    - debug: msg="{{ group_names }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert result.statuses("w1") == ["changed", "changed", "ok", "ok", "ok"]
    assert result.statuses("d1")[:2] == ["changed", "ok"]  # add_host ran once, on w1
    msgs = {host: [t["msg"] for t in result.host(host)["tasks"] if t["module"] == "debug"]
            for host in ("w1", "d1", "extra1", "extra2")}
    assert msgs["w1"] == ["['extra1', 'extra2'] ['d1', 'w1'] from w1"]
    assert msgs["extra1"] == ["s1 ['added'] from w1"]
    assert msgs["extra2"] == ["s2 ['added'] -"]
    assert json.loads(msgs["d1"][-1]) == ["color_green", "colored", "db"]


def test_a_handler_may_include_tasks(project: Path) -> None:
    _files(project, {"restart.yml": "- debug: msg=\"restarting {{ inventory_hostname }}\"\n"
                                    "- pkgng: {name: x}\n  when: false\n"})
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - command: "true"
      notify: restart
  handlers:
    - name: restart
      include_tasks: restart.yml
""")
    assert result.code == 0, result.stdout + result.stderr
    assert [t["msg"] for t in result.host("w1")["tasks"] if t["module"] == "debug"] == [
        "restarting w1"]
    assert "restart.yml:2:3: unknown module 'pkgng'" in result.stdout + result.stderr  # warned


def test_an_include_of_itself_is_bounded_and_role_files_resolve(project: Path) -> None:
    _files(project, {"self.yml": "- include_tasks: self.yml\n",
                     "roles/r/files/data.txt": "from the role\n",
                     "roles/r/tasks/main.yml": "- include_tasks: step.yml\n",
                     "roles/r/tasks/step.yml": "- copy: {src: data.txt, dest: \"{{ dest }}\"}\n"})
    dest = project / "copied.txt"
    result = run(project, f"""
- hosts: w1
  gather_facts: false
  tasks:
    - import_role: {{name: r}}
      vars: {{dest: {dest}}}
    - include_tasks: self.yml
""")
    assert result.code == 1
    assert dest.read_text() == "from the role\n"
    last = result.host("w1")["tasks"][-1]
    assert last["status"] == "failed" and "includes nested 64 deep" in last["msg"]
