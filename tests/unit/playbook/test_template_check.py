"""Jinja errors found up front: every template of the always-reached tasks, with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corral.errors import PlaybookError
from corral.executor.catalog import ModuleCatalog
from corral.modules.registry import ModuleRegistry
from corral.playbook import load_playbook
from corral.templating import CorralEnvironment, check_condition_syntax, template_syntax_error

ENV = CorralEnvironment(cache_size=64)


def _load(root: Path, text: str, files: dict[str, str] | None = None) -> None:
    for name, body in {"site.yml": text, **(files or {})}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    catalog = ModuleCatalog(ModuleRegistry.for_playbook(root / "site.yml"))
    load_playbook(root / "site.yml", catalog, check_condition_syntax,
                  lambda text: template_syntax_error(text, ENV))


def _problems(root: Path, text: str, files: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        _load(root, text, files)
    return [str(p).replace(f"{root}/", "") for p in caught.value.problems]


# (id, playbook, other files, [(where, message part)] in file order)
CASES: list[tuple[str, str, dict[str, str], list[tuple[str, str]]]] = [
    ("module argument", """
        - hosts: all
          tasks:
            - debug: {msg: "{{ x | }}"}
        """, {}, [("site.yml:3:15", "argument 'msg' of debug: invalid template '{{ x | }}'")]),
    ("nested argument and key", """
        - hosts: all
          tasks:
            - debug:
                msg:
                  - "{{ ok }}"
                  - {"{{ k ( }}": fine}
        """, {}, [("site.yml:4:9", "argument 'msg' of debug: invalid template '{{ k ( }}'")]),
    ("unknown filter", """
        - hosts: all
          tasks:
            - debug: {msg: "{{ x | no_such_filter }}"}
        """, {}, [("site.yml:3:15", "No filter named 'no_such_filter'")]),
    ("loop", """
        - hosts: all
          tasks:
            - debug: {msg: hi}
              loop: "{{ [1, 2 }}"
        """, {}, [("site.yml:4:7", "'loop': invalid template")]),
    ("loop under when is still compiled (evaluated before when)", """
        - hosts: all
          tasks:
            - debug: {msg: hi}
              loop: "{{ [1, 2 }}"
              when: item > 1
        """, {}, [("site.yml:4:7", "'loop': invalid template")]),
    ("notify", """
        - hosts: all
          tasks:
            - debug: {msg: hi}
              notify: "restart {{ 'x' ~ }}"
          handlers:
            - name: restart x
              debug: {msg: hi}
        """, {}, [("site.yml:4:7", "'notify': invalid template")]),
    ("loop_control label, environment, become_user", """
        - hosts: all
          tasks:
            - debug: {msg: hi}
              loop: [1]
              loop_control: {label: "{{ item ) }}"}
              environment: {A: "{{ a | }}"}
              become_user: "{{ u ( }}"
        """, {}, [("site.yml:5:7", "'loop_control.label'"), ("site.yml:6:7", "'environment'"),
                  ("site.yml:7:7", "'become_user'")]),
    ("debug var and assert that are expressions", """
        - hosts: all
          tasks:
            - debug: {var: "x |"}
            - assert: {that: ["x ==", "y is defined"]}
        """, {}, [("site.yml:3:15", "argument 'var' of debug: invalid expression 'x |'"),
                  ("site.yml:4:16", "argument 'that' of assert: invalid expression 'x =='")]),
    ("handler, block, always, imported file: all reached", """
        - hosts: all
          tasks:
            - block:
                - debug: {msg: "{{ a | }}"}
              always:
                - debug: {msg: "{{ b | }}"}
            - import_tasks: more.yml
          handlers:
            - name: h
              debug: {msg: "{{ c | }}"}
        """, {"more.yml": """
        - debug: {msg: "{{ d | }}"}
        """}, [("site.yml:4:19", "'{{ a | }}'"), ("site.yml:6:19", "'{{ b | }}'"),
               ("site.yml:10:15", "'{{ c | }}'"), ("more.yml:1:11", "'{{ d | }}'")]),
    ("template file, with its own line", """
        - hosts: all
          tasks:
            - template: {src: page.j2, dest: /tmp/page}
        """, {"templates/page.j2": "line one\n{{ title }}\n{% for x in %}\n"},
     [("templates/page.j2:3", "template syntax error: Expected an expression, got 'end of "
                              "statement block' (template of the task at site.yml:3:7)")]),
    ("every problem at once", """
        - hosts: all
          tasks:
            - debug: {msg: "{{ a | }}"}
            - debug: {msg: fine}
            - debug: {msg: "{{ b | }}"}
        """, {}, [("site.yml:3:15", "'{{ a | }}'"), ("site.yml:5:15", "'{{ b | }}'")]),
]


@pytest.mark.parametrize(("text", "files", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_broken_template_is_found_before_anything_runs(
    tmp_path: Path, text: str, files: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    found = _problems(tmp_path, text, files)
    assert len(found) == len(expected), found
    for problem, (where, part) in zip(found, expected, strict=True):
        assert problem.startswith(where + ":"), problem
        assert part in problem, problem


# What ansible-core evaluates only when reached stays a run-time check.
ACCEPTED: list[tuple[str, str, dict[str, str]]] = [
    ("a task under when", """
        - hosts: all
          tasks:
            - debug: {msg: "{{ x | }}"}
              when: false
        """, {}),
    ("a block under when", """
        - hosts: all
          tasks:
            - block:
                - debug: {msg: "{{ x | no_such_filter }}"}
              when: false
        """, {}),
    ("rescue", """
        - hosts: all
          tasks:
            - block:
                - debug: {msg: fine}
              rescue:
                - debug: {msg: "{{ x | }}"}
        """, {}),
    ("variables, used lazily", """
        - hosts: all
          vars: {unused: "{{ x | }}"}
          tasks:
            - debug: {msg: fine}
              vars: {also: "{% if %}"}
        """, {}),
    ("task names (never rendered)", """
        - hosts: all
          tasks:
            - name: "hello {{ x | }}"
              debug: {msg: fine}
        """, {}),
    ("a templated or missing template src", """
        - hosts: all
          tasks:
            - template: {src: "{{ name }}.j2", dest: /tmp/a}
            - template: {src: missing.j2, dest: /tmp/b}
        """, {}),
    ("raw blocks and good templates", """
        - hosts: all
          tasks:
            - debug: {msg: "{% raw %}{{ x | }}{% endraw %} {{ y | default('z') }}"}
            - template: {src: good.j2, dest: /tmp/g}
        """, {"templates/good.j2": "{% for x in xs %}{{ x }}\n{% endfor %}"}),
]


@pytest.mark.parametrize(("text", "files"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_what_may_never_be_reached_is_checked_when_reached(
    tmp_path: Path, text: str, files: dict[str, str]
) -> None:
    _load(tmp_path, text, files)
