"""user and group: database parsing, command building and planning, one row per case."""

import pytest

from corral.modules import _users as users
from corral.modules import group, user
from corral.modules._api import Context, ModuleError, validate_args
from corral.modules._user_extras import shadow_fields

PASSWD = """\
root:x:0:0:root:/root:/bin/bash
# a comment
+nisuser::::::
alice:x:1000:1000:Alice A,,,:/home/alice:/bin/bash
deploy:x:1001:1001::/home/deploy:/bin/sh
broken:line
"""
GROUP = """\
root:x:0:
sudo:x:27:alice
alice:x:1000:alice
deploy:x:1001:
devs:x:2000:alice,deploy
ops:x:2001:
"""
SHADOW = "root:*:19000:0:99999:7:::\nalice:$6$salt$hash:19000:0:99999:7:::\ndeploy:!:19000::::::\n"


def test_parse_passwd():
    parsed = users.parse_passwd(PASSWD)
    assert sorted(parsed) == ["alice", "deploy", "root"]
    assert parsed["alice"] == {"name": "alice", "uid": 1000, "gid": 1000, "comment": "Alice A,,,",
                               "home": "/home/alice", "shell": "/bin/bash"}
    assert users.parse_passwd(None) == {}


def test_parse_group_and_shadow():
    groups = users.parse_group(GROUP)
    assert groups["devs"] == {"name": "devs", "gid": 2000, "members": ["alice", "deploy"]}
    assert groups["ops"]["members"] == []
    assert users.parse_shadow(SHADOW) == {"root": "*", "alice": "$6$salt$hash", "deploy": "!"}


@pytest.mark.parametrize("value,expected", [
    ("devs", "devs"), ("2001", "ops"), ("27", "sudo"), ("nope", None), ("4242", None),
])
def test_resolve_group(value, expected):
    found = users.resolve_group(users.parse_group(GROUP), value)
    assert (found["name"] if found else None) == expected


@pytest.mark.parametrize("name,gid,expected", [
    ("alice", 1000, ["devs", "sudo"]), ("deploy", 1001, ["devs"]), ("alice", 2000, ["alice", "sudo"]),
])
def test_supplementary(name, gid, expected):
    assert users.supplementary(users.parse_group(GROUP), name, gid) == expected


@pytest.mark.parametrize("password,hashed", [
    ("$6$rounds=5000$salt$abc", True), ("$y$j9T$salt$hash", True), ("!$6$salt$hash", True),
    ("abcdefghijklm", True), ("!", True), ("*", True), ("", True),
    ("secret", False), ("correct horse battery", False), ("$nope", False),
])
def test_looks_hashed(password, hashed):
    assert users.looks_hashed(password) is hashed


@pytest.mark.parametrize("wanted,create_home,system,expected", [
    ({}, True, False, ["useradd", "-m", "bob"]),
    ({"uid": 1500, "group": "devs", "groups": ["ops", "sudo"], "shell": "/bin/bash",
      "home": "/srv/bob", "comment": "Bob B"}, False, True,
     ["useradd", "-u", "1500", "-g", "devs", "-G", "ops,sudo", "-s", "/bin/bash", "-d", "/srv/bob",
      "-c", "Bob B", "-M", "-r", "bob"]),
])
def test_useradd_argv(wanted, create_home, system, expected):
    assert users.useradd_argv("bob", wanted, create_home, system) == expected


@pytest.mark.parametrize("changed,append,expected", [
    ({"shell": "/bin/zsh"}, False, ["usermod", "-s", "/bin/zsh", "bob"]),
    ({"groups": ["ops"]}, True, ["usermod", "-a", "-G", "ops", "bob"]),
    ({"groups": []}, False, ["usermod", "-G", "", "bob"]),
    ({"uid": 7, "comment": ""}, False, ["usermod", "-u", "7", "-c", "", "bob"]),
])
def test_usermod_argv(changed, append, expected):
    assert users.usermod_argv("bob", changed, append) == expected


@pytest.mark.parametrize("build,expected", [
    (lambda: users.userdel_argv("bob", True, True), ["userdel", "-r", "-f", "bob"]),
    (lambda: users.userdel_argv("bob", False, False), ["userdel", "bob"]),
    (lambda: users.groupadd_argv("g", 3000, True), ["groupadd", "-g", "3000", "-r", "g"]),
    (lambda: users.groupadd_argv("g", None, False), ["groupadd", "g"]),
    (lambda: users.groupmod_argv("g", 3001), ["groupmod", "-g", "3001", "g"]),
    (lambda: users.groupdel_argv("g"), ["groupdel", "g"]),
    (lambda: users.chpasswd_input("bob", "$6$s$h"), "bob:$6$s$h\n"),
])
def test_commands(build, expected):
    assert build() == expected


def _current(name, shadow_read=True):
    hashes = users.parse_shadow(SHADOW)
    return {"user": users.parse_passwd(PASSWD).get(name), "groups": users.parse_group(GROUP),
            "hash": hashes.get(name) if shadow_read else None, "shadow_read": shadow_read,
            "shadow": shadow_fields(SHADOW, name) if shadow_read else None, "ssh_key": None}


def _summary(plan):
    steps = [(argv, stdin) for argv, stdin in (plan.state or {}).get("steps", [])]
    changes = [(c.what, c.before, c.after) for c in plan.changes]
    return changes, steps, plan.msg if plan.changed else plan.reason


# (id, args, (changes, [(argv, stdin)], message))
USER_PLANS = [
    ("create", dict(name="bob", groups="devs, ops", shell="/bin/bash", password="$6$s$h"),
     ([("state", "absent", "present"), ("groups", None, "devs,ops"), ("shell", None, "/bin/bash"),
       ("password", None, "(hash set)")],
      [(["useradd", "-G", "devs,ops", "-s", "/bin/bash", "-m", "bob"], None),
       (["chpasswd", "-e"], "bob:$6$s$h\n")], "created user bob")),
    ("create-system-no-home", dict(name="svc", system=True, create_home=False, group="2001"),
     ([("state", "absent", "present"), ("group", None, "ops")],
      [(["useradd", "-g", "ops", "-M", "-r", "svc"], None)], "created user svc")),
    ("unchanged", dict(name="alice", shell="/bin/bash", groups=["sudo", "devs"], uid=1000,
                       password="$6$salt$hash", comment="Alice A,,,"),
     ([], [], "user alice already exists as wanted")),
    ("modify", dict(name="alice", shell="/bin/zsh", home="/srv/alice", groups=["devs"]),
     ([("shell", "/bin/bash", "/bin/zsh"), ("home", "/home/alice", "/srv/alice"),
       ("groups", "devs,sudo", "devs")],
      [(["usermod", "-G", "devs", "-s", "/bin/zsh", "-d", "/srv/alice", "alice"], None)],
      "changed user alice: shell, home, groups")),
    ("append-adds-only-missing", dict(name="alice", groups=["ops", "sudo"], append=True),
     ([("groups", "devs,sudo", "devs,ops,sudo")],
      [(["usermod", "-a", "-G", "ops", "alice"], None)], "changed user alice: groups")),
    ("append-nothing-missing", dict(name="alice", groups="sudo", append=True),
     ([], [], "user alice already exists as wanted")),
    ("empty-groups-removes-all", dict(name="deploy", groups=""),
     ([("groups", "devs", "")], [(["usermod", "-G", "", "deploy"], None)],
      "changed user deploy: groups")),
    ("primary-group-is-not-supplementary", dict(name="alice", group="devs", groups=["devs", "sudo"]),
     ([("group", "alice", "devs")], [(["usermod", "-g", "devs", "alice"], None)],
      "changed user alice: group")),
    ("password-changed", dict(name="alice", password="$6$new$hash"),
     ([("password", "(hash)", "(hash changed)")], [(["chpasswd", "-e"], "alice:$6$new$hash\n")],
      "changed user alice: password")),
    ("password-on-create-only", dict(name="alice", password="$6$new$hash",
                                     update_password="on_create"),
     ([], [], "user alice already exists as wanted")),
    ("remove", dict(name="alice", state="absent", remove=True),
     ([("state", "present", "absent"), ("home", "/home/alice", "removed")],
      [(["userdel", "-r", "alice"], None)], "removed user alice and its home /home/alice")),
    ("already-absent", dict(name="bob", state="absent"), ([], [], "user bob is already absent")),
    ("create-with-useradd-options", dict(name="bob", uid=1000, non_unique=True, skeleton="/etc/sk",
                                         umask="0077", uid_min=2000, uid_max=3000, local=True),
     ([("state", "absent", "present"), ("uid", None, 1000)],
      [(["useradd", "-u", "1000", "-m", "-o", "-k", "/etc/sk", "-K", "UMASK=0077",
         "-K", "UID_MIN=2000", "-K", "UID_MAX=3000", "bob"], None)], "created user bob")),
    ("non-unique-uid-change", dict(name="alice", uid=0, non_unique=True),
     ([("uid", 1000, 0)], [(["usermod", "-o", "-u", "0", "alice"], None)],
      "changed user alice: uid")),
    ("ageing-expiry-lock", dict(name="alice", password_expire_max=90, password_expire_min=0,
                                password_expire_warn=7, expires=86400 * 20000, password_lock=True),
     ([("password_expire_max", 99999, 90), ("expires", "never", "2024-10-04"),
       ("password_lock", False, True)],
      [(["chage", "-M", "90", "alice"], None), (["usermod", "-e", "2024-10-04", "alice"], None),
       (["usermod", "-L", "alice"], None)],
      "changed user alice: password_expire_max, expires, password_lock")),
    ("ageing-as-wanted", dict(name="alice", password_expire_max=99999, password_expire_warn=7,
                              expires=-1, password_lock=False),
     ([], [], "user alice already exists as wanted")),
    ("unlock-and-expiry-set", dict(name="deploy", password_lock=False, expires=-1.0,
                                   password_expire_min=1),
     ([("password_expire_min", None, 1), ("password_lock", True, False)],
      [(["chage", "-m", "1", "deploy"], None), (["usermod", "-U", "deploy"], None)],
      "changed user deploy: password_expire_min, password_lock")),
    ("ssh-key-for-a-new-user", dict(name="bob", generate_ssh_key=True),
     ([("state", "absent", "present"), ("ssh_key", None, "~/.ssh/id_rsa")],
      [(["useradd", "-m", "bob"], None)], "created user bob")),
]


@pytest.mark.parametrize("args,expected", [p[1:] for p in USER_PLANS], ids=[p[0] for p in USER_PLANS])
def test_user_plan(args, expected):
    checked = validate_args(user.ARGS, args, "user")
    assert _summary(user.plan(Context(), checked, _current(checked["name"]))) == expected


USER_ERRORS = [
    ("missing-primary", dict(name="bob", group="nope", groups="nope"),
     "group nope does not exist; create it first (group module)"),
    ("missing-groups", dict(name="bob", groups="devs,x,y"),
     "groups x, y do not exist; create them first (group module)"),
    ("plain-password", dict(name="bob", password="hunter2"),
     "password for user bob is not a crypt hash; give a hash (openssl passwd -6, or the "
     "password_hash filter), never the plain text"),
]


@pytest.mark.parametrize("args,message", [e[1:] for e in USER_ERRORS], ids=[e[0] for e in USER_ERRORS])
def test_user_plan_errors(args, message):
    checked = validate_args(user.ARGS, args, "user")
    with pytest.raises(ModuleError) as err:
        user.plan(Context(), checked, _current(checked["name"]))
    assert err.value.msg == message


def test_check_mode_reports_groups_an_earlier_task_would_create():
    checked = validate_args(user.ARGS, dict(name="bob", group="web", groups="web,devs,x"), "user")
    plan = user.plan(Context(check=True), checked, _current("bob"))
    assert _summary(plan) == (
        [("state", "absent", "present"), ("group", None, "web"), ("groups", None, "devs,web,x")],
        [(["useradd", "-g", "web", "-G", "devs,web,x", "-m", "bob"], None)],
        "created user bob (check mode: groups web, x do not exist; create them first (group "
        "module))")


def test_password_needs_shadow():
    checked = validate_args(user.ARGS, dict(name="alice", password="$6$a$b"), "user")
    with pytest.raises(ModuleError) as err:
        user.plan(Context(), checked, _current("alice", shadow_read=False))
    assert err.value.msg == "cannot read /etc/shadow to compare the password of alice (become root)"


def test_password_is_never_in_changes_messages_or_data():
    for args in (dict(name="bob", password="$6$s$secret"), dict(name="alice", password="$6$s$secret")):
        checked = validate_args(user.ARGS, args, "user")
        plan = user.plan(Context(), checked, _current(checked["name"]))
        shown = repr([c.to_dict() for c in plan.changes]) + plan.msg + repr(plan.data)
        assert "secret" not in shown
    assert user.ARGS["password"].no_log


# (id, args, current group entry, (changes, argv, message))
GROUP_PLANS = [
    ("create", dict(name="web", gid=3000, system=True), None,
     ([("state", "absent", "present"), ("gid", None, 3000)], ["groupadd", "-g", "3000", "-r", "web"],
      "created group web")),
    ("exists", dict(name="devs"), "devs", ([], None, "group devs already exists (gid 2000)")),
    ("same-gid", dict(name="devs", gid=2000), "devs", ([], None, "group devs already exists (gid 2000)")),
    ("new-gid", dict(name="devs", gid=2100), "devs",
     ([("gid", 2000, 2100)], ["groupmod", "-g", "2100", "devs"], "changed the gid of group devs")),
    ("remove", dict(name="devs", state="absent"), "devs",
     ([("state", "present", "absent")], ["groupdel", "devs"], "removed group devs")),
    ("already-absent", dict(name="web", state="absent"), None, ([], None, "group web is already absent")),
    ("non-unique-create", dict(name="web", gid=2000, non_unique=True), None,
     ([("state", "absent", "present"), ("gid", None, 2000)], ["groupadd", "-o", "-g", "2000", "web"],
      "created group web")),
    ("non-unique-gid", dict(name="devs", gid=0, non_unique=True), "devs",
     ([("gid", 2000, 0)], ["groupmod", "-o", "-g", "0", "devs"], "changed the gid of group devs")),
]


@pytest.mark.parametrize("args,existing,expected", [p[1:] for p in GROUP_PLANS],
                         ids=[p[0] for p in GROUP_PLANS])
def test_group_plan(args, existing, expected):
    checked = validate_args(group.ARGS, args, "group")
    entry = users.parse_group(GROUP).get(existing) if existing else None
    plan = group.plan(None, checked, {"group": entry})
    changes = [(c.what, c.before, c.after) for c in plan.changes]
    argv = (plan.state or {}).get("argv")
    assert (changes, argv, plan.msg if plan.changed else plan.reason) == expected
