"""The shared package-module logic: names, targets, messages, running, and the driver."""

import shutil
import sys
import types

import pytest

from corral.modules import _pkg_common as common
from corral.modules import _pkg_mgr, package, setup
from corral.modules._api import Context, ModuleError, run_module
from corral.modules._pkg_common import ABSENT, Installed


@pytest.mark.parametrize("given,expected", [
    (None, []),
    ("nginx", ["nginx"]),
    ("nginx, curl ,,vim", ["nginx", "curl", "vim"]),
    (["a", "b,c", "a"], ["a", "b", "c"]),
])
def test_split_names(given, expected):
    assert common.split_names(given) == expected


@pytest.mark.parametrize("state,installed,purge,expected", [
    ("present", {"a": Installed("a", "1.0"), "b": Installed("b")}, False, ["b"]),
    ("present", {"a=1.0": Installed("a", "2.0", "1.0")}, False, ["a=1.0"]),
    ("present", {"a=1.*": Installed("a", "1.4", "1.*")}, False, []),
    ("present", {"a=1.0": Installed("a", "1:1.0", "1.0")}, False, []),
    ("latest", {"a": Installed("a", "1.0"), "b": Installed("b")}, False, ["a", "b"]),
    ("absent", {"a": Installed("a", "1.0"), "b": Installed("b")}, False, ["a"]),
    ("absent", {"a=2.0": Installed("a", "1.0", "2.0")}, False, []),
    ("absent", {"a": Installed("a", residue=True)}, False, []),
    ("absent", {"a": Installed("a", residue=True)}, True, ["a"]),
    ("present", {"x-1.0": Installed("x", None, satisfied=False)}, False, ["x-1.0"]),
])
def test_pick_targets(state, installed, purge, expected):
    assert common.pick_targets(state, list(installed), installed, purge) == expected


def test_latest_with_a_pin_is_refused():
    with pytest.raises(ModuleError, match="state=latest cannot be combined with a version pin"):
        common.pick_targets("latest", ["a=1.0"], {"a=1.0": Installed("a", "1.0", "1.0")})


@pytest.mark.parametrize("transaction,now,past", [
    ([("a", ABSENT, "1.0"), ("b", ABSENT, "2.0")], ["install a 1.0, b 2.0"],
     ["installed a 1.0, b 2.0"]),
    ([("a", "1.0", "2.0")], ["upgrade a 1.0 -> 2.0"], ["upgraded a 1.0 -> 2.0"]),
    ([("a", "2.0", "1.0")], ["downgrade a 2.0 -> 1.0"], ["downgraded a 2.0 -> 1.0"]),
    ([("a", "installed", "2.0")], ["reinstall a 2.0"], ["reinstalled a 2.0"]),
    ([("a", "1.0", ABSENT), ("b", ABSENT, "1.0")], ["install b 1.0", "remove a 1.0"],
     ["installed b 1.0", "removed a 1.0"]),
    ([("a", "1.0", "purged"), ("b", ABSENT, "purged")], ["purge a 1.0, b"], ["purged a 1.0, b"]),
    ([("a", "1.9", "1.10")], ["upgrade a 1.9 -> 1.10"], ["upgraded a 1.9 -> 1.10"]),
])
def test_describe(transaction, now, past):
    assert common.describe(transaction) == now
    assert common.describe(transaction, past=True) == past


@pytest.mark.parametrize("state,specs,installed,targets,expected", [
    ("present", ["a"], {"a": Installed("a", "1.0")}, [], "a 1.0 already installed"),
    ("present", ["a", "b"], {"a": Installed("a", "1.0"), "b": Installed("b", "2")}, [],
     "a 1.0, b 2 already installed"),
    ("present", ["v"], {"v": Installed("v")}, ["v"],
     "v already installed (provided by installed packages)"),
    ("latest", ["a"], {"a": Installed("a", "2.0")}, ["a"], "a 2.0 is already the latest version"),
    ("latest", ["a", "b"], {"a": Installed("a", "2"), "b": Installed("b", "3")}, ["a", "b"],
     "a 2, b 3 are already the latest versions"),
    ("absent", ["a"], {"a": Installed("a")}, [], "a is not installed"),
    ("absent", ["a", "b"], {}, [], "a, b are not installed"),
])
def test_already_message(state, specs, installed, targets, expected):
    current = {"state": state, "specs": specs, "installed": installed, "targets": targets}
    assert common.already_message(current) == expected


@pytest.mark.parametrize("text,expected", [
    ("plain\n", "plain\n"),
    ("(Reading 5%\r(Reading 100%\r\nDone\n", "(Reading 100%\nDone\n"),
    ("a\r\nb\r\n", "a\nb\n"),
])
def test_drop_progress(text, expected):
    assert common.drop_progress(text) == expected


def _flaky(tmp_path, fails, marker="Could not get lock /var/lib/dpkg/lock-frontend"):
    counter = tmp_path / "count"
    counter.write_text("0")
    code = (f"import sys; p={str(counter)!r}; n=int(open(p).read()); open(p,'w').write(str(n+1)); "
            f"sys.stderr.write({marker!r} if n < {fails} else ''); sys.exit(1 if n < {fails} else 0)"
            )
    return [sys.executable, "-c", code], counter


def test_run_retries_while_the_lock_is_held(tmp_path):
    argv, counter = _flaky(tmp_path, 2)
    done = common.run(argv, lock_timeout=20, lock_markers=("Could not get lock",))
    assert (done.rc, counter.read_text()) == (0, "3")


def test_run_gives_up_after_lock_timeout_with_the_managers_words(tmp_path):
    argv, counter = _flaky(tmp_path, 100)
    with pytest.raises(ModuleError) as caught:
        common.run(argv, lock_timeout=0, lock_markers=("Could not get lock",))
    assert "the lock was still held after 0s" in caught.value.msg
    assert caught.value.msg.endswith("Could not get lock /var/lib/dpkg/lock-frontend")
    assert counter.read_text() == "1"


def test_run_does_not_retry_other_failures(tmp_path):
    argv, counter = _flaky(tmp_path, 100, marker="E: Unable to locate package nope")
    with pytest.raises(ModuleError, match="rc=1.*E: Unable to locate package nope"):
        common.run(argv, lock_timeout=30, lock_markers=("Could not get lock",))
    assert counter.read_text() == "1"


def test_run_timeout_and_missing_command():
    with pytest.raises(ModuleError, match="did not finish within 1s"):
        common.run([sys.executable, "-c", "import time; time.sleep(5)"], timeout=1)
    with pytest.raises(ModuleError, match="no-such-manager: command not found"):
        common.run(["no-such-manager", "install"])


def test_failure_keeps_the_last_lines():
    done = common.Ran(["apt-get", "install"], 100, "", "\n".join(f"line{i}" for i in range(20)))
    error = common.failure(done)
    assert error.msg == "apt-get failed (rc=100): " + "\n".join(
        f"line{i}" for i in range(14, 20))
    assert error.data["rc"] == 100 and error.data["cmd"] == "apt-get install"


# --- the driver, with a backend that records what it is asked ------------------------

class FakeBackend:
    name = "fake"

    def __init__(self, db, candidates, stale=False):
        self.db = dict(db)
        self.candidates = candidates
        self.stale = stale
        self.calls = []

    def query(self, specs, args):
        self.calls.append(("query", list(specs)))
        pins = dict((s, s.partition("=")) for s in specs)
        return dict((s, Installed(n, self.db.get(n), v or None)) for s, (n, _, v) in pins.items())

    def simulate(self, op, targets, installed, args):
        self.calls.append(("simulate", op, list(targets)))
        if op == "remove":
            return [(t, self.db[t], ABSENT) for t in targets]
        rows = [(t, self.db.get(t, ABSENT), self.candidates[t]) for t in targets]
        return [r for r in rows if r[1] != r[2]]

    def execute(self, op, targets, installed, args):
        self.calls.append(("execute", op, list(targets)))
        for name, _, after in self.simulate(op, targets, installed, args):
            if after == ABSENT:
                self.db.pop(name, None)
            else:
                self.db[name] = after
        return [common.Ran(["fake", op] + targets, 0, "done\n", "")]

    def cache_stale(self, args):
        return bool(args.get("update_cache")) and self.stale

    def update_cache(self, args):
        self.calls.append(("update",))
        self.candidates = dict((k, v + ".1") for k, v in self.candidates.items())
        return common.Ran(["fake", "update"], 0, "", "")


def _module(backend):
    inspect, plan, apply = common.entry_points(backend)
    return types.SimpleNamespace(__name__="fake", ARGS=common.common_args(),
                                 inspect=inspect, plan=plan, apply=apply)


def test_check_mode_plans_with_versions_and_never_executes():
    backend = FakeBackend({"a": "1.0"}, {"a": "1.0", "b": "2.0", "c": "3.0"})
    result = run_module(_module(backend), {"name": "a,b,c"}, Context(check=True))
    assert result["status"] == "changed"
    assert result["msg"] == "would install b 2.0, c 3.0"
    assert result["changes"] == [{"what": "b", "before": ABSENT, "after": "2.0"},
                                 {"what": "c", "before": ABSENT, "after": "3.0"}]
    assert result["data"]["commands"] == []
    assert backend.calls == [("query", ["a", "b", "c"]), ("simulate", "install", ["b", "c"])]


def test_apply_is_one_call_and_a_rerun_is_ok():
    backend = FakeBackend({}, {"a": "1.0", "b": "2.0"})
    first = run_module(_module(backend), {"name": ["a", "b"]}, Context())
    assert (first["status"], first["msg"]) == ("changed", "installed a 1.0, b 2.0")
    assert first["data"]["commands"] == ["fake install a b"]
    assert [c for c in backend.calls if c[0] == "execute"] == [("execute", "install", ["a", "b"])]
    again = run_module(_module(backend), {"name": ["a", "b"]}, Context())
    assert (again["status"], again["msg"]) == ("ok", "a 1.0, b 2.0 already installed")


def test_update_cache_then_replans_against_the_fresh_index():
    backend = FakeBackend({"a": "1.0"}, {"a": "1.0"}, stale=True)
    args = {"name": "a", "state": "latest", "update_cache": True}
    check = run_module(_module(backend), args, Context(check=True))
    assert (check["status"], check["msg"]) == ("ok", "a 1.0 is already the latest version")
    assert ("update",) not in backend.calls
    result = run_module(_module(backend), args, Context())
    assert (result["status"], result["msg"]) == (
        "changed", "updated the fake cache; upgraded a 1.0 -> 1.0.1")
    assert result["changes"] == [{"what": "a", "before": "1.0", "after": "1.0.1"}]
    assert result["data"]["cache_updated"] is True and "changed" not in result["data"]


def test_a_cache_refresh_with_packages_named_is_not_a_change():
    backend = FakeBackend({"a": "1.0"}, {"a": "1.0"}, stale=True)
    result = run_module(_module(backend), {"name": "a", "update_cache": True}, Context())
    assert (result["status"], result["msg"]) == ("ok", "updated the fake cache; a 1.0 already installed")
    assert result["changes"] == []
    assert ("update",) in backend.calls and result["data"]["cache_updated"] is True


def test_a_cache_refresh_alone_is_a_change_in_every_mode():
    backend = FakeBackend({}, {}, stale=True)
    check = run_module(_module(backend), {"update_cache": True}, Context(check=True))
    assert (check["status"], check["msg"]) == ("changed", "would update the fake cache")
    assert check["data"]["cache_updated"] is True and ("update",) not in backend.calls
    done = run_module(_module(backend), {"update_cache": True}, Context())
    assert (done["status"], done["data"]["cache_updated"]) == ("changed", True)


@pytest.mark.parametrize("args,message", [
    ({}, "nothing to do: give name"),
    ({"name": "-oAPT::x=1"}, "cannot start with '-'"),
    ({"name": "a=1.0", "state": "latest"}, "state=latest cannot be combined"),
])
def test_argument_errors(args, message):
    result = run_module(_module(FakeBackend({}, {})), args, Context())
    assert result["status"] == "failed" and message in result["msg"]


@pytest.mark.parametrize("on_path,expected", [
    ({"apt-get", "dnf"}, "apt"), ({"dnf", "yum"}, "dnf"), ({"yum"}, "yum"), ({"apk"}, "apk"),
    ({"pacman"}, "pacman"), ({"zypper"}, "zypper"), (set(), "unknown"),
])
def test_package_and_setup_agree_on_the_manager(monkeypatch, on_path, expected):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name if name in on_path else None)
    assert _pkg_mgr.pkg_mgr() == setup.pkg_mgr_facts()["pkg_mgr"] == expected
    if expected == "unknown":
        with pytest.raises(ModuleError, match="no supported package manager"):
            package._backend("auto")
    else:
        assert package._backend("auto").name == expected


class HouseworkBackend(FakeBackend):
    def housework(self, args):
        return [("fake archives", "3 package files", "cleaned", ["true", "clean"])] if args.get("clean") else []


def test_housework_is_a_change_and_survives_the_replan_after_a_refresh():
    backend = HouseworkBackend({"a": "1.0"}, {"a": "1.0"}, stale=True)
    module = _module(backend)
    module.ARGS["clean"] = common.Arg(bool, default=False)
    args = {"name": "a", "state": "latest", "update_cache": True, "clean": True}
    check = run_module(module, args, Context(check=True))
    assert (check["status"], check["msg"]) == ("changed", "would update the fake cache; run true clean")
    done = run_module(module, args, Context())
    assert done["msg"] == "updated the fake cache; upgraded a 1.0 -> 1.0.1; ran true clean"
    assert [c["what"] for c in done["changes"]] == ["a", "fake archives"]


# --- acting without a simulation: one transaction, read back from the database -----------

class DirectBackend(FakeBackend):
    """A backend with ``snapshot``: installing pulls in ``deps``; execute never simulates."""

    def __init__(self, db, candidates, deps=None, stale=False):
        super().__init__(db, candidates, stale)
        self.deps = deps or {}

    def snapshot(self):
        self.calls.append(("snapshot",))
        return dict(self.db)

    def execute(self, op, targets, installed, args):
        self.calls.append(("execute", op, list(targets)))
        for name in targets:
            name = name.partition("=")[0]
            if op == "remove":
                self.db.pop(name, None)
                continue
            for each in [name, *self.deps.get(name, [])]:
                self.db.setdefault(each, self.candidates[each])
        return [common.Ran(["fake", op] + targets, 0, "done\n", "")]


def test_missing_packages_are_installed_without_a_simulation_dependencies_read_back():
    backend = DirectBackend({"a": "1.0"}, {"a": "1.0", "b": "2.0", "lib": "0.5"}, {"b": ["lib"]})
    result = run_module(_module(backend), {"name": "a,b"}, Context())
    assert (result["status"], result["msg"]) == ("changed", "installed b 2.0, lib 0.5")
    assert result["changes"] == [{"what": "b", "before": ABSENT, "after": "2.0"},
                                 {"what": "lib", "before": ABSENT, "after": "0.5"}]
    assert result["data"]["packages"] == [{"name": "b", "before": ABSENT, "after": "2.0"},
                                          {"name": "lib", "before": ABSENT, "after": "0.5"}]
    assert result["data"]["commands"] == ["fake install b"]
    assert backend.calls == [("query", ["a", "b"]), ("snapshot",), ("execute", "install", ["b"]),
                             ("snapshot",)]
    again = run_module(_module(backend), {"name": "a,b"}, Context())
    assert (again["status"], again["msg"]) == ("ok", "a 1.0, b 2.0 already installed")


def test_check_mode_still_simulates_and_a_version_change_asks_the_resolver():
    backend = DirectBackend({"a": "1.0"}, {"a": "2.0", "b": "2.0"})
    check = run_module(_module(backend), {"name": "b"}, Context(check=True))
    assert (check["status"], check["msg"]) == ("changed", "would install b 2.0")
    assert ("simulate", "install", ["b"]) in backend.calls and ("snapshot",) not in backend.calls
    backend.calls.clear()
    run_module(_module(backend), {"name": "a", "state": "latest"}, Context())
    assert backend.calls[1] == ("simulate", "latest", ["a"])


def test_a_direct_transaction_that_changed_nothing_is_ok():
    backend = DirectBackend({}, {"vim": "9.0"})
    backend.execute = lambda *a: [common.Ran(["fake", "install", "editor"], 0, "", "")]
    result = run_module(_module(backend), {"name": "editor"}, Context())
    assert (result["status"], result["changes"]) == ("ok", [])
    assert result["msg"] == "editor already installed (provided by installed packages)"


def test_removal_is_direct_and_a_package_gone_from_the_database_was_purged_only_if_asked():
    backend = DirectBackend({"a": "1.0", "b": "2.0"}, {})
    module = _module(backend)
    module.ARGS["purge"] = common.Arg(bool, default=False)
    result = run_module(module, {"name": "a", "state": "absent"}, Context())
    assert (result["status"], result["msg"]) == ("changed", "removed a 1.0")
    assert ("simulate", "remove", ["a"]) not in backend.calls
    result = run_module(module, {"name": "b", "state": "absent", "purge": True}, Context())
    assert result["msg"] == "purged b 2.0"


def test_a_refresh_then_a_direct_install():
    backend = DirectBackend({}, {"a": "1.0"}, stale=True)
    result = run_module(_module(backend), {"name": "a", "update_cache": True}, Context())
    assert result["msg"] == "updated the fake cache; installed a 1.0.1"  # the fresh index
    assert [c for c in backend.calls if c[0] in ("update", "execute", "simulate")] == [
        ("update",), ("execute", "install", ["a"])]


@pytest.mark.parametrize("before,after,gone,rows", [
    ({"a": "1"}, {"a": "1", "b": "2"}, ABSENT, [("b", ABSENT, "2")]),
    ({"a": "1"}, {"a": "2"}, ABSENT, [("a", "1", "2")]),
    ({"a": "1"}, {"a": None}, "purged", [("a", "1", ABSENT)]),  # apt: config files remain
    ({"a": "1"}, {}, "purged", [("a", "1", "purged")]),
    ({"a": None}, {}, "purged", [("a", ABSENT, "purged")]),  # residue purged
    ({"a": None}, {"a": None}, "purged", []),
    ({"a": None}, {"a": "1"}, ABSENT, [("a", ABSENT, "1")]),
    ({"b": "1", "a": "1"}, {}, ABSENT, [("a", "1", ABSENT), ("b", "1", ABSENT)]),
])
def test_snapshot_changes(before, after, gone, rows):
    assert common.snapshot_changes(before, after, gone) == rows


def test_latest_of_a_package_at_the_newest_version_needs_no_simulation():
    backend = DirectBackend({"a": "1.0"}, {"a": "1.0"})
    backend.newest = lambda targets, installed, args: True
    for ctx in (Context(check=True), Context()):
        result = run_module(_module(backend), {"name": "a", "state": "latest"}, ctx)
        assert (result["status"], result["msg"]) == ("ok", "a 1.0 is already the latest version")
    assert [c[0] for c in backend.calls] == ["query", "query"]
    backend.newest = lambda targets, installed, args: False  # anything else: the resolver
    run_module(_module(backend), {"name": "a", "state": "latest"}, Context(check=True))
    assert backend.calls[-1] == ("simulate", "latest", ["a"])
