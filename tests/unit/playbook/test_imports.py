"""import_playbook and import_tasks: inlined, relative, cycle-safe; include_tasks stays a task."""

from __future__ import annotations

from pathlib import Path

from corral.playbook import Block, Task, walk_tasks

from .conftest import LoadText, Problems


def test_import_playbook_relative_and_recursive(load_text: LoadText, tmp_path: Path) -> None:
    book = load_text(
        """
        - hosts: all
          tasks: [{ping: }]
        - import_playbook: plays/web.yml
          tags: web
        - ansible.builtin.import_playbook: plays/db.yml
        """,
        {
            "plays/web.yml": """
            - hosts: web
              tags: [nginx]
            - import_playbook: nested/more.yml
            """,
            "plays/nested/more.yml": "- hosts: more\n",
            "plays/db.yml": "- hosts: db\n",
        },
    )
    assert [(p.hosts, p.tags) for p in book.plays] == [
        ("all", []), ("web", ["web", "nginx"]), ("more", ["web"]), ("db", [])]
    assert book.plays[2].path == tmp_path / "plays/nested/more.yml"
    assert book.plays[2].playbook_dir == tmp_path / "plays/nested"


def test_import_playbook_cycle(problems: Problems) -> None:
    found = problems(
        "- hosts: all\n- import_playbook: a.yml\n",
        {"a.yml": "- import_playbook: site.yml\n"},
    )
    assert found == ["a.yml:1:3: import_playbook cycle: site.yml -> a.yml -> site.yml"]


def test_import_playbook_with_hosts(problems: Problems) -> None:
    found = problems("- import_playbook: a.yml\n  hosts: all\n", {"a.yml": "- hosts: x\n"})
    assert len(found) == 1
    assert found[0].startswith("site.yml:2:3: 'hosts' on import_playbook is not supported")


def test_import_tasks_inlines_relative_to_the_including_file(load_text: LoadText,
                                                             tmp_path: Path) -> None:
    play = load_text(
        """
        - hosts: all
          tasks:
            - import_tasks: tasks/main.yml
            - ansible.builtin.include_tasks:
                file: tasks/other.yml
          handlers:
            - import_tasks: handlers.yml
        """,
        {
            "tasks/main.yml": """
            - ping:
            - import_tasks: sub.yml
            """,
            "tasks/sub.yml": "- debug: msg=sub\n",
            "tasks/other.yml": "- file: path=/x state=touch\n  notify: h\n",
            "handlers.yml": "- name: h\n  ping:\n",
        },
    ).plays[0]
    # include_tasks is dynamic (as in ansible-core): loaded when a host reaches it.
    assert [t.module for t in play.tasks if isinstance(t, Task)] == ["ping", "debug",
                                                                     "include_tasks"]
    assert play.tasks[2].args == {"file": "tasks/other.yml"}
    assert play.tasks[1].position.file == str(tmp_path / "tasks/sub.yml")
    assert [h.name for h in play.handlers] == ["h"]


def test_import_tasks_keywords_become_a_block(load_text: LoadText) -> None:
    play = load_text(
        """
        - hosts: all
          tasks:
            - import_tasks: setup.yml
              when: ansible_os_family == 'Debian'
              tags: setup
              become: yes
        """,
        {"setup.yml": "- ping:\n- debug: msg=x\n"},
    ).plays[0]
    (block,) = play.tasks
    assert isinstance(block, Block)
    assert (block.when, block.tags, block.become) == (["ansible_os_family == 'Debian'"],
                                                       ["setup"], True)
    assert [t.module for t in walk_tasks([block])] == ["ping", "debug"]


def test_import_tasks_cycle(problems: Problems) -> None:
    found = problems(
        "- hosts: all\n  tasks:\n    - import_tasks: a.yml\n",
        {"a.yml": "- import_tasks: b.yml\n", "b.yml": "- ping:\n- import_tasks: a.yml\n"},
    )
    assert found == ["b.yml:2:3: import_tasks cycle: a.yml -> b.yml -> a.yml"]


def test_tasks_file_not_a_list(problems: Problems) -> None:
    found = problems("- hosts: all\n  tasks:\n    - import_tasks: a.yml\n",
                     {"a.yml": "ping:\n"})
    assert found == ["a.yml:1:1: a tasks file must be a list of tasks; got a mapping"]


def test_yaml_error_in_imported_playbook(problems: Problems) -> None:
    found = problems("- hosts: all\n- import_playbook: a.yml\n", {"a.yml": "- hosts: [x\n"})
    assert len(found) == 1 and found[0].startswith("a.yml:2:1: YAML syntax error"), found
