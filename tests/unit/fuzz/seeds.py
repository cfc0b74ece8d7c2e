"""Seed inputs for the mutation fuzzer: the repository's examples plus small typical files.

Each kind of input has its own seeds; a case is one seed of a kind, mutated.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

KINDS = ("playbook", "tasks", "inventory_yaml", "inventory_ini", "vars_file", "extra_vars",
         "template", "playbook_expressions")
TEMPLATE_KINDS = ("template", "playbook_expressions")  # bounded by corral.templating

_PLAYBOOKS = [
    """\
- name: Web servers
  hosts: web
  gather_facts: false
  vars:
    port: 8080
    users: [alice, bob]
    settings: {a: 1, b: [x, y], c: {d: e}}
  vars_files:
    - vars.yml
  tasks:
    - name: A folder
      file: path=/tmp/corral-fuzz state=directory mode=0755
    - name: Lines
      lineinfile:
        path: /tmp/corral-fuzz/x
        line: "port={{ port }}"
        create: true
      when: port | int > 80
      loop: "{{ users }}"
      notify: restart
    - block:
        - debug: msg="{{ item }}"
          loop: [1, 2, 3]
      rescue:
        - debug: var=settings
    - import_tasks: tasks.yml
  handlers:
    - name: restart
      command: echo restart
""",
    """\
- hosts: all
  become: true
  serial: 2
  tasks:
    - command: uptime
      register: up
      changed_when: false
    - set_fact:
        answer: "{{ up.stdout | default('') }}"
    - template: src=app.conf.j2 dest=/tmp/corral-fuzz/app.conf
      tags: [config]
- import_playbook: other.yml
""",
    """\
- &play
  hosts: all
  gather_facts: false
  vars: &v {a: 1, b: [1, 2]}
  tasks:
    - debug: {msg: "{{ a }}"}
    - assert: {that: [a == 1, "b | length == 2"]}
""",
]

_TASKS = [
    """\
- name: From a tasks file
  debug:
    msg: "{{ port }}"
- name: Another
  file:
    path: /tmp/corral-fuzz/y
    state: touch
  when: settings.a == 1
""",
    """\
- shell: echo {{ item.name }}
  loop:
    - {name: a, n: 1}
    - {name: b, n: 2}
- include_tasks: more.yml
  when: false
""",
]

_INVENTORIES_YAML = [
    """\
all:
  vars:
    ntp: pool.ntp.org
  hosts:
    web1:
      ansible_host: 127.0.0.1
      ansible_port: 1
  children:
    web:
      hosts:
        web[01:03]:
          http_port: 80
        web1:
    db:
      hosts:
        db-[a:c]:
      vars: {role: db}
    prod:
      children:
        web:
        db:
""",
    """\
all:
  children:
    fleet:
      hosts:
        h1: {ansible_host: 127.0.0.1, ansible_port: 1, ansible_user: root}
        h2: &common {ansible_host: 127.0.0.1, ansible_port: 1}
        h3: *common
""",
]

_INVENTORIES_INI = [
    """\
web1 ansible_host=127.0.0.1 ansible_port=1

[web]
web[01:03] http_port=80
web1

[db]
db-[a:c] ansible_port=1

[prod:children]
web
db

[prod:vars]
ntp=pool.ntp.org
answer=42
items=[1, 2, 3]
""",
]

_VARS_FILES = [
    """\
port: 8080
users:
  - name: alice
    groups: [wheel, users]
  - name: bob
settings: &settings
  a: 1
  b: [x, y]
copy: *settings
merged:
  <<: *settings
  c: 3
when_true: yes
mode: 0644
text: |
  multi
  line
""",
    '{"port": 8080, "list": [1, 2, {"a": null}], "nested": {"x": {"y": true}}}\n',
]

_EXTRA_VARS = [
    "port=8080 name=web",
    "a=1 b='two words' c=\"x y\"",
    '{"port": 8080, "list": [1, 2]}',
    "{a: yes, b: [1, 2], c: {d: e}}",
]

_TEMPLATES = [
    "port={{ port }}\n{% for u in users %}user {{ u }}\n{% endfor %}",
    "{{ settings.b | join(',') }} {{ port | int + 1 }} {{ 'x' if port > 1 else 'y' }}",
    "{% if settings.a == 1 %}{{ users | length }}{% else %}{{ none }}{% endif %}",
    "{{ range(3) | list }} {{ 'ab' * 3 }} {{ users | map('upper') | list }}",
    "{% set x = [1, 2] %}{{ x | sum }} {{ port is number }} {{ settings.get('a') }}",
]


def _repo_seeds(folder: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / folder).glob("*.yml"))]


def seeds(kind: str) -> list[str]:
    """The seed texts of one kind of input."""
    table = {
        "playbook": _PLAYBOOKS + _repo_seeds("playbooks"),
        "playbook_expressions": [p for p in _PLAYBOOKS if "  tasks:\n" in p],
        "tasks": _TASKS,
        "inventory_yaml": _INVENTORIES_YAML + _repo_seeds("inventories"),
        "inventory_ini": _INVENTORIES_INI,
        "vars_file": _VARS_FILES,
        "extra_vars": _EXTRA_VARS,
        "template": _TEMPLATES + [
            p.read_text(encoding="utf-8")
            for p in sorted((REPO / "playbooks" / "templates").glob("*.j2"))
        ],
    }
    return table[kind]
