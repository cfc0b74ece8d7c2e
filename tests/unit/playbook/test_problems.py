"""Every input mistake: one row per case, with the exact file:line:column and message."""

from __future__ import annotations

import pytest

from .conftest import Problems

# (id, playbook text, [(where, message substring), ...] in file order)
CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("yaml syntax", """
        - hosts: all
          tasks:
            - name: x
              debug: msg=hi
             when: x
        """, [("site.yml:5:6", "YAML syntax error: expected <block end>")]),
    ("unquoted braces", """
        - hosts: all
          tasks:
            - debug:
                msg: {{ greeting }}
        """, [("site.yml:4:", "must be quoted")]),
    ("tab indentation", "- hosts: all\n  tasks:\n\t- ping:\n",
     [("site.yml:3:1", "spaces, not tabs")]),
    ("duplicate key", """
        - hosts: all
          tasks:
            - ping:
              when: a
              when: b
        """, [("site.yml:5:7", "duplicate key 'when' (first at line 4, again at line 5)")]),
    ("top level not a list", """
        hosts: all
        tasks: []
        """, [("site.yml:1:1", "a playbook must be a list of plays")]),
    ("empty playbook", "# nothing\n", [("site.yml:1:1", "a playbook must be a list of plays")]),
    ("play is not a mapping", """
        - just a string
        """, [("site.yml:1:3", "a play must be a mapping")]),
    ("play without hosts", """
        - name: no hosts
          tasks: []
        """, [("site.yml:1:3", "a play needs 'hosts'")]),
    ("unknown play keyword", """
        - hosts: all
          taks: []
        """, [("site.yml:2:3", "unknown play keyword 'taks'; did you mean 'tasks'?")]),
    ("missing role", """
        - hosts: all
          roles: [web]
        """, [("site.yml:2:11", "role 'web' not found (looked in: ")]),
    ("vars_prompt without name", """
        - hosts: all
          vars_prompt:
            - prompt: Who?
        """, [("site.yml:3:7", "a vars_prompt entry needs 'name'")]),
    ("module at play level", """
        - hosts: all
          ping:
        """, [("site.yml:2:3", "'ping' is a module, not a play keyword")]),
    ("bad connection", """
        - hosts: all
          connection: winrm
        """, [("site.yml:2:3", "connection 'winrm' is not supported by corral")]),
    ("bad strategy", """
        - hosts: all
          strategy: host_pinned
        """, [("site.yml:2:3", "is not supported by corral; use linear or free")]),
    ("unknown task keyword", """
        - hosts: all
          tasks:
            - ping:
              whn: x
        """, [("site.yml:4:7", "unknown task keyword 'whn'; did you mean 'when'?")]),
    ("keyword typo without module", """
        - hosts: all
          tasks:
            - name: x
              regsiter: out
              ping:
        """, [("site.yml:4:7", "did you mean 'register'?")]),
    ("two modules", """
        - hosts: all
          tasks:
            - file: path=/a
              copy: dest=/b
        """, [("site.yml:4:7", "a task has one module; found file and copy")]),
    ("no module", """
        - hosts: all
          tasks:
            - name: nothing to do
              when: x
        """, [("site.yml:3:7", "a task needs a module")]),
    ("misspelt module", """
        - hosts: all
          tasks:
            - fille: path=/a
        """, [("site.yml:3:7", "unknown module 'fille'; did you mean 'file'?")]),
    ("other collection", """
        - hosts: all
          tasks:
            - community.general.ufw: rule=allow
        """, [("site.yml:3:7", "unsupported module 'community.general.ufw': corral does not implement")]),
    ("async needs a whole number", """
        - hosts: all
          tasks:
            - command: sleep 10
              async: soon
              poll: -1
        """, [("site.yml:4:7", "'async' must be a whole number"),
              ("site.yml:5:7", "'poll' must be a whole number")]),
    ("with_ of an unknown lookup", """
        - hosts: all
          tasks:
            - debug: var=item
              with_passwordstore: "db"
        """, [("site.yml:4:7", "'with_passwordstore': corral has no lookup 'passwordstore'")]),
    ("include_role without name", """
        - hosts: all
          tasks:
            - include_role:
                tasks_from: web
        """, [("site.yml:3:7", "include_role needs 'name'")]),
    ("become_method doas", """
        - hosts: all
          tasks:
            - ping:
              become_method: doas
        """, [("site.yml:4:7",
               "become_method 'doas' is not supported by corral; only 'sudo' and 'su'")]),
    ("listen outside handlers", """
        - hosts: all
          tasks:
            - ping:
              listen: x
        """, [("site.yml:4:7", "'listen' only applies to handlers")]),
    ("unknown module argument", """
        - hosts: all
          tasks:
            - file:
                path: /a
                mdoe: '0644'
        """, [("site.yml:5:9", "unknown argument 'mdoe' for module 'file'; did you mean 'mode'?")]),
    ("unknown argument in k=v text", """
        - hosts: all
          tasks:
            - file: path=/a stat=directory
        """, [("site.yml:3:7", "unknown argument 'stat' for module 'file'; did you mean 'state'?")]),
    ("missing required argument", """
        - hosts: all
          tasks:
            - copy:
                content: hi
        """, [("site.yml:3:7", "module 'copy' is missing required argument 'dest'")]),
    ("argument and its alias", """
        - hosts: all
          tasks:
            - file:
                path: /a
                dest: /b
        """, [("site.yml:5:9", "'path' and 'dest' are the same argument of file")]),
    ("bad choice", """
        - hosts: all
          tasks:
            - service: name=nginx state=restart
        """, [("site.yml:3:7", "argument 'state' of service must be one of")]),
    ("bad type", """
        - hosts: all
          tasks:
            - wait_for:
                port: eighty
        """, [("site.yml:4:9", "argument 'port' of wait_for must be a whole number")]),
    ("positional words for a k=v module", """
        - hosts: all
          tasks:
            - file: /tmp/x state=directory
        """, [("site.yml:3:7", "module 'file' takes key=value arguments; '/tmp/x' is not one")]),
    ("arguments not a mapping", """
        - hosts: all
          tasks:
            - file: [a, b]
        """, [("site.yml:3:7", "the arguments of 'file' must be a mapping or key=value text")]),
    ("when syntax error", """
        - hosts: all
          tasks:
            - ping:
              when: x ==
        """, [("site.yml:4:7", "'when': invalid expression 'x =='")]),
    ("when list item syntax error", """
        - hosts: all
          tasks:
            - ping:
              when:
                - a is defined
                - b ) c
        """, [("site.yml:6:11", "invalid expression 'b ) c'")]),
    ("changed_when / failed_when / until syntax", """
        - hosts: all
          tasks:
            - command: "true"
              changed_when: "rc =="
              failed_when: "{{ rc >> 1 }}"
              until: "(x"
        """, [("site.yml:4:7", "'changed_when': invalid expression 'rc =='"),
              ("site.yml:5:7", "'failed_when': invalid expression 'rc >> 1'"),
              ("site.yml:6:7", "'until': invalid expression '(x'")]),
    ("loop over a dict", """
        - hosts: all
          tasks:
            - debug: var=item
              loop: {a: 1}
        """, [("site.yml:4:7",
               "loop needs a list; to loop over a dict use `{{ d | dict2items }}`")]),
    ("loop over a number", """
        - hosts: all
          tasks:
            - debug: var=item
              loop: 3
        """, [("site.yml:4:7", "loop needs a list")]),
    ("with_dict over a list", """
        - hosts: all
          tasks:
            - debug: var=item
              with_dict: [1, 2]
        """, [("site.yml:4:7", "with_dict needs a mapping")]),
    ("two loops", """
        - hosts: all
          tasks:
            - debug: var=item
              loop: [1]
              with_items: [2]
        """, [("site.yml:5:7", "a task has one loop; found loop and with_items")]),
    ("loop_control typo", """
        - hosts: all
          tasks:
            - debug: var=x
              loop: [1]
              loop_control:
                loopvar: x
        """, [("site.yml:6:9", "unknown loop_control key 'loopvar'; did you mean 'loop_var'?")]),
    ("notify unknown handler", """
        - hosts: all
          tasks:
            - ping:
              notify: restart nginx
          handlers:
            - name: restart ngnix
              service: name=nginx state=restarted
        """, [("site.yml:4:7",
               "notify 'restart nginx': no handler of this play has that name or listens")]),
    ("notify list item", """
        - hosts: all
          tasks:
            - ping:
              notify:
                - reload web
                - nope
          handlers:
            - name: reload nginx
              listen: reload web
              service: name=nginx state=reloaded
        """, [("site.yml:6:11", "notify 'nope'")]),
    ("serial zero", """
        - hosts: all
          serial: 0
        """, [("site.yml:2:3", "serial must be a number of hosts, a percentage")]),
    ("serial bad percentage", """
        - hosts: all
          serial: [1, "150%"]
        """, [("site.yml:2:3", "got str '150%'")]),
    ("register not a name", """
        - hosts: all
          tasks:
            - ping:
              register: my-result
        """, [("site.yml:4:7", "'my-result' is not a valid variable name")]),
    ("become not a boolean", """
        - hosts: all
          tasks:
            - ping:
              become: maybe
        """, [("site.yml:4:7", "'become' must be yes or no")]),
    ("vars not a mapping", """
        - hosts: all
          vars: [a, b]
        """, [("site.yml:2:3", "'vars' must be a mapping")]),
    ("invalid variable name", """
        - hosts: all
          vars:
            my-var: 1
        """, [("site.yml:3:5", "'my-var' in 'vars' is not a valid variable name")]),
    ("task is a string", """
        - hosts: all
          tasks:
            - ping
        """, [("site.yml:3:7", "a task must be a mapping")]),
    ("tasks not a list", """
        - hosts: all
          tasks:
            ping:
        """, [("site.yml:2:3", "'tasks' must be a list of tasks")]),
    ("rescue without block", """
        - hosts: all
          tasks:
            - ping:
              rescue: []
        """, [("site.yml:4:7", "'rescue' needs a 'block' in the same task")]),
    ("module on a block", """
        - hosts: all
          tasks:
            - block:
                - ping:
              file: path=/x
        """, [("site.yml:5:7", "a block cannot have a module ('file')")]),
    ("block in handlers", """
        - hosts: all
          handlers:
            - block:
                - ping:
        """, [("site.yml:3:7", "'block' in handlers is not supported by corral")]),
    ("import_playbook inside tasks", """
        - hosts: all
          tasks:
            - import_playbook: other.yml
        """, [("site.yml:3:7", "only allowed at the top level")]),
    ("templated import_tasks", """
        - hosts: all
          tasks:
            - import_tasks: "{{ os }}.yml"
        """, [("site.yml:3:7", "templated file name is not supported by corral")]),
    ("missing import_tasks file", """
        - hosts: all
          tasks:
            - import_tasks: nowhere.yml
        """, [("site.yml:3:7", "import_tasks: file 'nowhere.yml' not found")]),
    ("loop on import_role", """
        - hosts: all
          tasks:
            - import_role: {name: web}
              loop: [1, 2]
        """, [("site.yml:3:7", "role 'web' not found (looked in: roles, "),
              ("site.yml:4:7", "'loop' on import_role is not supported (it is static: use "
                               "include_role for loops")]),
    ("vars_prompt encrypt", """
        - hosts: all
          vars_prompt:
            - {name: pw, encrypt: sha512_crypt}
        """, [("site.yml:3:7", "vars_prompt 'encrypt' (hashing the answer) is not supported")]),
    ("unknown keyword in apply", """
        - hosts: all
          tasks:
            - include_tasks:
                file: x.yml
                apply: {tagz: [a]}
        """, [("site.yml:3:7", "'tagz' in 'apply' of include_tasks is not a keyword corral")]),
    ("unknown option of include_tasks", """
        - hosts: all
          tasks:
            - include_tasks:
                file: x.yml
                flie: y.yml
        """, [("site.yml:3:7", "unknown option 'flie' for include_tasks (allowed: apply, file)")]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_problem(problems: Problems, text: str, expected: list[tuple[str, str]]) -> None:
    found = problems(text)
    assert len(found) == len(expected), found
    for line, (where, message) in zip(found, expected, strict=True):
        assert line.startswith(where), (line, where)
        assert message in line, (line, message)


# (id, how the mode is written, problem expected?)
MODES = [
    ("decimal 644", "644", "mode 644 is read by YAML as the decimal number 644; write it quoted as '0644'"),
    ("decimal 755 in k=v text is a string", None, None),
    ("decimal 1777", "1777", "write it quoted as '01777'"),
    ("octal 0644", "0644", None),
    ("quoted '0644'", "'0644'", None),
    ("quoted '644'", "'644'", None),
    ("zero", "0", None),
    ("symbolic", "u=rw,g=r,o=r", None),
    ("templated", '"{{ file_mode }}"', None),
]


@pytest.mark.parametrize(("written", "message"), [m[1:] for m in MODES], ids=[m[0] for m in MODES])
def test_mode_trap(problems: Problems, load_text: object, written: str | None,
                   message: str | None) -> None:
    if written is None:
        text = "- hosts: all\n  tasks:\n    - file: path=/a mode=755\n"
    else:
        text = f"- hosts: all\n  tasks:\n    - file:\n        path: /a\n        mode: {written}\n"
    if message is None:
        load_text(text)  # type: ignore[operator]
        return
    found = problems(text)
    assert len(found) == 1 and found[0].startswith("site.yml:5:9: mode "), found
    assert message in found[0]


def test_mode_trap_in_args_keyword(problems: Problems) -> None:
    found = problems("""
        - hosts: all
          tasks:
            - copy: content=x
              args:
                dest: /etc/x
                mode: 600
        """)
    assert found == ["site.yml:6:9: mode 600 is read by YAML as the decimal number 600; "
                     "write it quoted as '0600'"]


def test_every_problem_of_a_file_at_once(problems: Problems) -> None:
    found = problems("""
        - hosts: all
          roles: [web]
          tasks:
            - fille: path=/a
            - ping:
              whn: x
            - file:
                path: /a
                mode: 644
            - debug: var=x
              notify: nobody
        - name: second play
          tasks:
            - file: path=/a
              copy: dest=/b
        """)
    assert [f.split(": ", 1)[0] for f in found] == [
        "site.yml:2:11", "site.yml:4:7", "site.yml:6:7", "site.yml:9:9",
        "site.yml:11:7", "site.yml:12:3", "site.yml:15:7",
    ]


def test_problems_in_an_imported_file_name_that_file(problems: Problems) -> None:
    found = problems(
        """
        - hosts: all
          tasks:
            - import_tasks: tasks/setup.yml
            - fille: path=/x
        """,
        files={"tasks/setup.yml": """
        - ping:
          whn: x
        """},
    )
    assert found == [
        "site.yml:4:7: unknown module 'fille'; did you mean 'file'?",
        "tasks/setup.yml:2:3: unknown task keyword 'whn'; did you mean 'when'?",
    ]


def test_module_defaults_may_give_a_required_argument(load_text) -> None:
    """ansible-core accepts `copy: content=x` when module_defaults give dest."""
    load_text("""
        - hosts: all
          module_defaults:
            copy: {dest: /tmp/x}
          tasks:
            - copy: content=x
            - block:
                - file: state=directory
              module_defaults:
                file: {path: /tmp/d}
        """)
