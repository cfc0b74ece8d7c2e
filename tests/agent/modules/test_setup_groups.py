"""setup: fact groups, gather_subset with ansible-core's meaning, the controller's exact groups.

The subset rows were recorded from ansible-core 2.19 (`ansible localhost -m setup -a
gather_subset=...`): which of the facts corral gathers each subset returned.
"""

import socket

import pytest

from corral.modules import setup
from corral.modules._api import ArgumentError

from .conftest import run

MIN = ["platform", "fqdn", "distribution", "pkg_mgr", "service_mgr", "python", "user", "env"]
EVERY = list(setup.GROUPS)


@pytest.mark.parametrize("subset,groups", [
    (["all"], EVERY),
    (["!all"], MIN),
    (["!hardware"], MIN),
    (["network"], MIN[:3] + ["network"] + MIN[3:]),
    (["!all", "!min"], []),
    (["!min"], []),
    (["!all", "!min", "network"], ["platform", "fqdn", "distribution", "network"]),
    (["!all", "!min", "hardware"], ["platform", "fqdn", "hardware"]),
    (["!all", "!min", "pkg_mgr"], ["distribution", "pkg_mgr"]),
    (["!all", "!min", "service_mgr"], ["platform", "fqdn", "distribution", "service_mgr"]),
    (["!all", "!min", "distribution"], ["distribution"]),
    (["!all", "!min", "python"], ["python"]),
    (["!all", "!min", "env"], ["env"]),
    (["!all", "!min", "user"], ["user"]),
    (["!all", "!min", "platform"], ["platform", "fqdn"]),
    (["!all", "!min", "dns"], []),              # valid in ansible-core, no fact in corral
    (["min", "!platform"], MIN),                # service_mgr's collector needs platform
    (["!all", "!min", "kernel"], ["platform"]),  # a fact's name selects its group
    (["!all", "!bogus"], MIN),                  # leaving out an unknown name is ignored
    (["!all", "!min", "network", "!network"], ["platform", "fqdn", "distribution", "network"]),
    (["all", "!network"], [g for g in EVERY if g != "network"]),  # named ones win, all loses
])
def test_subset_groups_as_ansible_core(subset, groups):
    assert setup.subset_groups(subset) == groups


def test_unknown_subset_is_an_error_naming_the_allowed():
    with pytest.raises(ArgumentError, match="Bad subset 'bogus'.*hardware"):
        setup.subset_groups(["bogus"])


def test_every_group_gathers_exactly_its_facts():
    for group, names in setup.GROUPS.items():
        assert sorted(setup.gather([group])) == sorted(names), group


def test_groups_give_the_same_values_as_a_full_gather():
    full = setup.gather()
    assert sorted(full) == sorted(n for names in setup.GROUPS.values() for n in names)
    for group in setup.GROUPS:
        part = setup.gather([group])
        assert {k: full[k] for k in part} == part, group


def test_exact_groups_from_the_controller():
    result = run("setup", {"_groups": ["distribution"]})
    assert result["status"] == "ok"
    assert sorted(result["data"]["ansible_facts"]) == sorted(setup.GROUPS["distribution"])


def test_unknown_group_fails():
    result = run("setup", {"_groups": ["nope"]})
    assert result["status"] == "failed" and "unknown fact groups" in result["msg"]


def test_gather_subset_and_filter(monkeypatch):
    called = []
    monkeypatch.setattr(socket, "getfqdn", lambda *a: called.append(1) or "x.example")
    result = run("setup", {"gather_subset": "!all,!min,hardware", "filter": ["ansible_mem*"]})
    assert result["data"]["ansible_facts"] == {"memtotal_mb": setup.gather(["hardware"])[
        "memtotal_mb"]}
    assert called == [1]  # hardware's collector needs platform (with the fqdn) in ansible-core
    called.clear()
    run("setup", {"gather_subset": ["!all", "!min", "distribution"]})
    assert called == []  # no DNS question for a play that asks only the distribution


def test_default_gathers_every_group():
    facts = run("setup", {})["data"]["ansible_facts"]
    assert sorted(facts) == sorted(setup.gather())
