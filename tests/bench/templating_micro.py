"""Micro-benchmark of template rendering (sandbox hooks, taint, bounds), before/after a change.

    .venv/bin/python tests/bench/templating_micro.py

Typical task arguments, a template file, a condition and a 5000-line loop, with a
warm compile cache. CPU time (process_time), best of 7 rounds: the machine may be
shared. To compare with another commit, put its ``src`` first on PYTHONPATH.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from corral.templating import CorralEnvironment, Templar, mark_unsafe

ENV = CorralEnvironment()
VARIABLES: dict[str, Any] = {
    "port": 8080,
    "name": "app",
    "users": [{"name": f"u{i}", "uid": 1000 + i} for i in range(20)],
    "facts": mark_unsafe({"ansible_hostname": "web1",
                          "ansible_default_ipv4": {"address": "10.0.0.1"}}),
    "r": mark_unsafe({"stdout": " hello world ", "rc": 0}),
}
ARGS = {
    "dest": "/srv/{{ name }}/conf",
    "mode": "0644",
    "content": "port={{ port + 1 }} host={{ facts.ansible_hostname }}",
    "line": "{{ r.stdout.strip().split()[0] ~ '-' ~ name }}",
    "list": "{{ users | map(attribute='name') | join(',') }}",
}
TEMPLATE = """# {{ name }}
{% for u in users %}
user {{ u.name }} uid={{ u.uid }} home=/home/{{ u.name | upper }}
{% endfor %}
{% if port > 1000 %}high {{ port * 2 }}{% endif %}
ip={{ facts.ansible_default_ipv4.address }}
"""
BIG = "{% for i in range(5000) %}{{ i }} {{ (i * 2) ~ 'x' }}\n{% endfor %}"


def bench(label: str, work: Callable[[], object], rounds: int) -> None:
    work()
    best = float("inf")
    for _ in range(7):
        started = time.process_time()
        for _ in range(rounds):
            work()
        best = min(best, (time.process_time() - started) / rounds * 1e6)
    print(f"{label}: {best:.1f} us")


def main() -> None:
    bench("task args (5 fields)", lambda: Templar(ENV, VARIABLES).render(ARGS), 2000)
    bench("template file (20-user loop)", lambda: Templar(ENV, VARIABLES).render_text(TEMPLATE), 1000)
    bench("condition", lambda: Templar(ENV, VARIABLES).condition("port > 1000 and name == 'app'"), 5000)
    bench("5000-line loop with * and ~", lambda: Templar(ENV, VARIABLES).render_text(BIG), 10)


if __name__ == "__main__":
    main()
