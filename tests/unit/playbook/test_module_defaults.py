"""module_defaults: which arguments a module gets, and what static checks then allow."""

from __future__ import annotations

from corral.playbook.module_defaults import defaulted_modules, defaults_for


def test_inner_levels_win_per_argument_and_names_may_be_fully_qualified() -> None:
    entries = [{"ansible.builtin.copy": {"mode": "0600", "dest": "/a"}, "debug": {"msg": "x"}},
               {"copy": {"mode": "0640"}}, {"group/aws": {"region": "r"}}]
    assert defaults_for("copy", entries) == {"mode": "0640", "dest": "/a"}
    assert defaults_for("debug", entries) == {"msg": "x"}
    assert defaults_for("file", entries) == {}


def test_defaulted_modules() -> None:
    assert defaulted_modules([{"ansible.builtin.copy": {}, "group/aws": {}}]) == {"copy"}
    assert defaulted_modules(["{{ defaults }}"]) == {"*"}
