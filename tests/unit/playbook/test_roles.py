"""Roles when the playbook is read: search, dependencies, dedup, handlers, validate when reached."""

from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import PlaybookError
from corral.playbook import Block, walk_tasks
from corral.playbook.loader import load_playbook
from corral.playbook.model import TaskNode
from corral.playbook.role_search import find_role, roles_path_from_env
from corral.templating import check_condition_syntax

from .conftest import LoadText, Problems
from .fake_modules import FakeRegistry


def _roles(files: dict[str, str]) -> dict[str, str]:
    """Role files given as 'role/folder/file': content, placed under roles/."""
    return {f"roles/{name}": text for name, text in files.items()}


def _run_order(nodes: list[TaskNode]) -> list[str]:
    """(role name or '-') : module args summary of every task, in run order."""
    return [f"{t.role.name if t.role else '-'}:{t.args.get('msg', t.module)}"
            for t in walk_tasks(_pushed(nodes))]


def _role_blocks(nodes: list[TaskNode]) -> list[Block]:
    """Every block that is a role, a role before its dependencies (pre-order)."""
    found: list[Block] = []
    for node in nodes:
        if isinstance(node, Block):
            found += ([node] if node.role is not None else []) + _role_blocks(node.block)
    return found


def _pushed(nodes: list[TaskNode]) -> list[TaskNode]:
    from corral.executor.blocks import prepared_block

    return [prepared_block(n) if isinstance(n, Block) else n for n in nodes]


def test_roles_run_after_pre_tasks_before_tasks_with_dependencies_once(load_text: LoadText) -> None:
    book = load_text(
        """
        - hosts: all
          pre_tasks: [{debug: {msg: pre}}]
          roles:
            - web
            - db
            - role: common
              port: 1
          tasks: [{debug: {msg: task}}]
        """,
        _roles({
            "common/tasks/main.yml": "- debug: {msg: common}\n",
            "web/meta/main.yml": "dependencies: [common]\n",
            "web/tasks/main.yml": "- debug: {msg: web}\n",
            "db/meta/main.yml": "dependencies: [common, {role: dup, who: db}, {role: dup, who: db}]\n",
            "db/tasks/main.yml": "- debug: {msg: db}\n",
            "dup/meta/main.yml": "allow_duplicates: true\n",
            "dup/tasks/main.yml": "- debug: {msg: dup}\n",
        }),
    )
    play = book.plays[0]
    assert _run_order(play.pre_tasks) == ["-:pre"]
    assert _run_order(play.tasks) == [
        "common:common", "web:web",  # a dependency before the role that needs it
        "common:common", "dup:dup", "dup:dup", "db:db",
        "common:common",  # other params: another role
        "-:task",
    ]
    blocks = _role_blocks(play.tasks)
    assert [b.role.name for b in blocks if b.role] == [
        "web", "common", "db", "common", "dup", "dup", "common"]
    keys = [b.once_key for b in blocks]
    # Same role, same params: one key, so a host runs it once (decided when reached);
    # allow_duplicates: no key, it runs every time.
    assert keys[1] == keys[3] and keys[1] is not None and keys[4] is None and keys[5] is None
    assert keys[6] not in (None, keys[1])
    assert [r.name for r in play.roles] == ["common", "web", "common", "dup", "dup", "db",
                                            "common"]


def test_role_params_vars_and_main_variants(load_text: LoadText, tmp_path: Path) -> None:
    book = load_text(
        """
        - hosts: all
          roles:
            - role: app
              port: 8080
              vars: {entry: yes}
              tags: [app]
              when: run_app
        """,
        _roles({
            "app/tasks/main.yaml": "- debug: {msg: app}\n",
            "app/defaults/main/a.yml": "port: 80\nname: app\n",
            "app/defaults/main/b.yml": "name: app-b\n",
            "app/vars/main.yml": "first: 1\nuser: app\n",
        }),
    )
    play = book.plays[0]
    ref = play.roles[0]
    assert ref.params == {"port": 8080}
    assert [s.vars for s in ref.defaults] == [{"port": 80, "name": "app"}, {"name": "app-b"}]
    assert ref.vars[0].lines["user"] == 2
    assert ref.vars[0].path == str(tmp_path / "roles/app/vars/main.yml")
    task = next(walk_tasks(_pushed(play.tasks)))
    assert task.when == ["run_app"] and task.tags == ["app"] and task.vars == {"entry": True}


def test_role_handlers_join_the_play(load_text: LoadText) -> None:
    play = load_text(
        """
        - hosts: all
          roles: [web]
          tasks:
            - copy: {dest: /x, content: x}
              notify: ["web : restart web", reload]
          handlers:
            - name: reload
              debug: {msg: reload}
        """,
        _roles({
            "web/tasks/main.yml": "- copy: {dest: /y, content: y}\n  notify: restart web\n",
            "web/handlers/main.yml": "- name: restart web\n  debug: {msg: restart}\n",
        }),
    ).plays[0]
    assert [(h.name, h.role.name if h.role else None) for h in play.handlers] == [
        ("restart web", "web"), ("reload", None)]


def test_import_role_with_tasks_from_and_keywords(load_text: LoadText) -> None:
    play = load_text(
        """
        - hosts: all
          tasks:
            - import_role:
                name: web
                tasks_from: install
                vars_from: other
              when: ok
        """,
        _roles({
            "web/tasks/install.yml": "- debug: {msg: install}\n",
            "web/vars/other.yml": "x: 1\n",
        }),
    ).plays[0]
    assert _run_order(play.tasks) == ["web:install"]
    assert play.roles[0].vars[0].vars == {"x": 1}
    assert next(walk_tasks(_pushed(play.tasks))).when == ["ok"]


def test_include_role_and_include_tasks_stay_tasks(load_text: LoadText) -> None:
    play = load_text(
        """
        - hosts: all
          tasks:
            - include_role: {name: "{{ which }}", tasks_from: x}
              loop: [a, b]
            - include_tasks: "setup-{{ ansible_os_family }}.yml"
            - include_vars: "{{ ansible_os_family }}.yml"
        """,
    ).plays[0]
    assert [(t.module, t.args) for t in walk_tasks(play.tasks)] == [
        ("include_role", {"name": "{{ which }}", "tasks_from": "x"}),
        ("include_tasks", {"file": "setup-{{ ansible_os_family }}.yml"}),
        ("include_vars", {"file": "{{ ansible_os_family }}.yml"}),
    ]


@pytest.mark.parametrize(("files", "expected"), [
    ({"site.yml": "- hosts: all\n  roles: [nowhere]\n"},
     ["site.yml:2:11: role 'nowhere' not found (looked in: "]),
    ({"site.yml": "- hosts: all\n  roles: [a]\n", "roles/a/meta/main.yml": "dependencies: [b]\n",
      "roles/b/meta/main.yml": "dependencies:\n  - a\n"},
     ["roles/b/meta/main.yml:2:5: role dependency cycle: a -> b -> a"]),
    ({"site.yml": "- hosts: all\n  roles: [a]\n", "roles/a/vars/main.yml": "- not a mapping\n"},
     ["roles/a/vars/main.yml:1:1: main.yml must hold a mapping of variables; got a list"]),
    ({"site.yml": "- hosts: all\n  roles: [{role: a, tasks_from: nope}]\n",
      "roles/a/tasks/main.yml": "- ping:\n"},
     []),  # tasks_from is not a roles: keyword: it is a role param there, as in Ansible
    ({"site.yml": "- hosts: all\n  tasks:\n    - import_role: {name: a, tasks_from: nope}\n",
      "roles/a/tasks/main.yml": "- ping:\n"},
     ["site.yml:3:7: role 'a': tasks_from file 'nope' not found in "]),
], ids=["missing role", "dependency cycle", "vars not a mapping", "tasks_from as param",
        "missing tasks_from"])
def test_role_problems(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    try:
        load_playbook(tmp_path / "site.yml", FakeRegistry(), check_condition_syntax)
        found: list[str] = []
    except PlaybookError as exc:
        found = [str(p).replace(f"{tmp_path}/", "") for p in exc.problems]
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), (line, start)


def test_module_problems_under_when_are_warnings(load_text: LoadText) -> None:
    book = load_text(
        """
        - hosts: all
          tasks:
            - pkgng: {name: x}
              when: ansible_os_family == 'FreeBSD'
            - block:
                - package: {name: x, enablerepo: epel}
              when: ansible_os_family == 'RedHat'
            - ansible.posix.seport: {ports: 1}
              when: selinux
        """,
    )
    tasks = list(walk_tasks(book.plays[0].tasks))
    assert [t.module for t in tasks] == ["pkgng", "package", "ansible.posix.seport"]
    assert all(t.invalid for t in tasks)
    assert "unknown module 'pkgng'" in str(tasks[0].invalid)
    assert "unknown argument 'enablerepo' for module 'package'" in str(tasks[1].invalid)
    assert "site.yml:6:30:" in str(tasks[1].invalid)
    messages = [str(w) for w in book.warnings]
    assert "reached only when ansible_os_family == 'FreeBSD'" in messages[0]
    assert "unsupported module 'ansible.posix.seport'" in messages[2]


def test_module_problems_always_reached_fail_up_front(problems: Problems) -> None:
    assert problems("- hosts: all\n  tasks:\n    - pkgng: {name: x}\n") == [
        "site.yml:3:7: unknown module 'pkgng' (`corral modules` lists them; your own go in a "
        "modules/ folder next to the playbook)"]


def test_collection_names_of_implemented_modules() -> None:
    from corral.playbook.task_keys import short_name

    assert short_name("community.general.pacman") == "pacman"
    assert short_name("ansible.builtin.copy") == "copy"
    assert short_name("ansible.posix.seport") == "ansible.posix.seport"


def test_every_collection_name_maps_to_a_module_corral_has() -> None:
    from corral.modules.registry import ModuleRegistry
    from corral.playbook.task_keys import COLLECTION_MODULES, short_name

    registry = ModuleRegistry()
    for name, short in COLLECTION_MODULES.items():
        assert short_name(name) == short and registry.find(short) is not None, name


def test_role_search_order(tmp_path: Path) -> None:
    for folder in ("pb/roles/a", "extra/a", "extra/b", "pb/c", "deps/d"):
        (tmp_path / folder).mkdir(parents=True)
    pb, extra = tmp_path / "pb", tmp_path / "extra"
    assert find_role("a", pb, [extra]).path == pb / "roles/a"  # roles/ beside the playbook first
    assert find_role("b", pb, [extra]).path == extra / "b"
    assert find_role("c", pb, [extra]).path == pb / "c"  # the playbook's own folder last
    assert find_role("d", pb, [], parent_dir=tmp_path / "deps").path == tmp_path / "deps/d"
    assert find_role("../extra/a", pb).path == pb / "../extra/a"  # a path
    missing = find_role("zz", pb, [extra])
    assert missing.path is None and missing.looked[:2] == (pb / "roles", extra)
    assert roles_path_from_env({"ANSIBLE_ROLES_PATH": "/x::/y"}) == (Path("/x"), Path("/y"))


def test_argument_specs_put_a_validation_task_first(load_text: LoadText) -> None:
    play = load_text(
        """
        - hosts: all
          roles: [{role: svc, port: 80}]
          tasks:
            - import_role: {name: svc, tasks_from: other}
            - import_role: {name: svc, tasks_from: plain}
            - import_role: {name: svc, rolespec_validate: false}
        """,
        _roles({
            "svc/meta/argument_specs.yml": "argument_specs:\n  main:\n    short_description: Svc\n"
                                           "    options: {port: {type: int, required: true}}\n"
                                           "  other:\n    options: {}\n",
            "svc/tasks/main.yml": "- debug: {msg: main}\n",
            "svc/tasks/other.yml": "- debug: {msg: other}\n",
            "svc/tasks/plain.yml": "- debug: {msg: plain}\n",
        }),
    ).plays[0]
    tasks = list(walk_tasks(play.tasks))
    assert [(t.module, t.name) for t in tasks] == [
        ("validate_argument_spec", "Validating arguments against arg spec 'main' - Svc"),
        ("debug", None),
        ("validate_argument_spec", "Validating arguments against arg spec 'other'"),
        ("debug", None),
        ("debug", None),  # no spec for the 'plain' entry point: no validation
        ("debug", None),  # rolespec_validate: false
    ]
    assert tasks[0].args["provided_arguments"] == {"port": 80} and tasks[0].tags == ["always"]
