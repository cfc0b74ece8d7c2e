"""user: local user accounts (useradd, usermod, userdel; chpasswd for the password hash)."""

import os

from corral.modules._api import Arg, Change, ModuleError, Plan
from corral.modules._api import missing as lacking
from corral.modules._svc_run import run_ok
from corral.modules._user_extras import ARGS as EXTRA_ARGS
from corral.modules._user_extras import (
    make_ssh_key,
    needs_shadow,
    plan_shadow,
    plan_ssh_key,
    shadow_fields,
    ssh_key_data,
    ssh_key_path,
)
from corral.modules._users import (
    CHPASSWD_ARGV,
    GROUP,
    PASSWD,
    SHADOW,
    chpasswd_input,
    group_name,
    looks_hashed,
    parse_group,
    parse_passwd,
    parse_shadow,
    read_text,
    resolve_group,
    supplementary,
    useradd_argv,
    userdel_argv,
    usermod_argv,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

DOC = "Manage local user accounts: uid, groups, shell, home, password hash; or remove them."
REQUIRES = ("_svc_run", "_users", "_user_extras")

ARGS = {
    "name": Arg(str, required=True, aliases=("user",), doc="User name."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: create or update the account; absent: remove it."),
    "uid": Arg(int, doc="User id."),
    "group": Arg(str, doc="Primary group (name or gid); it must exist."),
    "groups": Arg(list, elements=str,
                  doc="Supplementary groups (a list or a comma-separated string); they must "
                      "exist. Without append the user ends up in exactly these; [] or '' "
                      "removes every supplementary group."),
    "append": Arg(bool, default=False, doc="Add the user to groups, leaving its other groups."),
    "shell": Arg(str, doc="Login shell."),
    "home": Arg("path", doc="Home directory (changing it does not move the files)."),
    "create_home": Arg(bool, default=True, aliases=("createhome",),
                       doc="Create the home directory when the user is created."),
    "system": Arg(bool, default=False, doc="Create a system account (only when creating)."),
    "comment": Arg(str, doc="The GECOS field (full name)."),
    "password": Arg(str, no_log=True,
                    doc="The password as a crypt hash (openssl passwd -6, or the password_hash "
                        "filter), never plain text; never shown in diffs."),
    "update_password": Arg(str, default="always", choices=("always", "on_create"),
                           doc="on_create: set the password only for a new user."),
    "remove": Arg(bool, default=False, doc="state=absent: also remove the home directory and "
                                            "mail spool."),
    "force": Arg(bool, default=False, doc="state=absent: remove the user even if logged in."),
    "non_unique": Arg(bool, default=False, doc="Allow a uid another user already has "
                                               "(useradd/usermod -o)."),
    "skeleton": Arg("path", doc="Folder whose files are copied into a new home "
                                "(useradd -k; with create_home)."),
    "umask": Arg(str, doc="Umask of a new home directory (useradd -K UMASK=)."),
    "uid_min": Arg(int, doc="Lowest uid a new user may get (useradd -K UID_MIN=)."),
    "uid_max": Arg(int, doc="Highest uid a new user may get (useradd -K UID_MAX=)."),
    "local": Arg(bool, default=False, doc="Manage the local account files: corral always does "
                                          "(it reads /etc/passwd and runs useradd)."),
}
ARGS.update(EXTRA_ARGS)

_SHOWN = ("uid", "group", "groups", "shell", "home", "comment")


# --- inspect -----------------------------------------------------------------------

def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name = str(args["name"])
    wants_shadow = args.get("password") is not None or needs_shadow(args)
    shadow = read_text(SHADOW) if wants_shadow else None
    if needs_shadow(args) and shadow is None and args["state"] == "present":
        raise ModuleError("cannot read %s to compare the password attributes of %s "
                          "(become root)" % (SHADOW, name))
    user = parse_passwd(read_text(PASSWD)).get(name)
    key = None
    if user is not None and args["generate_ssh_key"]:
        path = ssh_key_path(args, user["home"])
        key = ssh_key_data(path) if os.path.exists(path) else None
    return {
        "user": user,
        "groups": parse_group(read_text(GROUP)),
        "hash": parse_shadow(shadow).get(name) if shadow is not None else None,
        "shadow": shadow_fields(shadow, name) if shadow is not None else None,
        "shadow_read": shadow is not None,
        "ssh_key": key,
    }


# --- plan --------------------------------------------------------------------------

def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name, entry = str(args["name"]), current["user"]
    if args["state"] == "absent":
        return _plan_absent(name, args, entry)
    missing = []  # type: List[str]
    wanted = _wanted(name, args, current, missing)
    one = lacking("group", missing[0]) if len(missing) == 1 else None
    if missing and not ctx.check:
        raise ModuleError(_missing_message(missing), one)
    result = _plan_create(name, args, wanted) if entry is None else _plan_modify(
        name, args, wanted, entry, current)
    if missing and result.changed:  # check mode: an earlier task may create them
        result.msg += " (check mode: %s)" % _missing_message(missing)
        result.missing = one
    return result


def _missing_message(missing):
    # type: (List[str]) -> str
    if len(missing) == 1:
        return "group %s does not exist; create it first (group module)" % missing[0]
    return "groups %s do not exist; create them first (group module)" % ", ".join(missing)


def _wanted(name, args, current, missing):
    # type: (str, Mapping[str, Any], Dict[str, Any], List[str]) -> Dict[str, Any]
    """The attributes asked for, with group names resolved (the unknown ones go to
    ``missing``); a password must be a hash."""
    groups = current["groups"]
    wanted = dict((k, args[k]) for k in ("uid", "shell", "home", "comment") if args.get(k) is not None)
    if args.get("group") is not None:
        primary = resolve_group(groups, str(args["group"]))
        if primary is None:
            missing.append(str(args["group"]))
        wanted["group"] = primary["name"] if primary else str(args["group"])
    if args.get("groups") is not None:
        names = set()
        for given in (str(g).strip() for g in args["groups"] if str(g).strip()):
            found = resolve_group(groups, given)
            if found is None and given not in missing:
                missing.append(given)
            names.add(found["name"] if found else given)
        wanted["groups"] = sorted(names)
    password = args.get("password")
    if password is not None and not looks_hashed(password):
        raise ModuleError("password for user %s is not a crypt hash; give a hash (openssl passwd "
                          "-6, or the password_hash filter), never the plain text" % name)
    return wanted


def _plan_absent(name, args, entry):
    # type: (str, Mapping[str, Any], Optional[Dict[str, Any]]) -> Plan
    data = {"name": name, "state": "absent", "force": args["force"], "remove": args["remove"]}
    if entry is None:
        return Plan(reason="user %s is already absent" % name, data=data)
    changes = [Change("state", "present", "absent")]
    if args["remove"]:
        changes.append(Change("home", entry["home"], "removed"))
    steps = [(userdel_argv(name, args["remove"], args["force"]), None)]
    removed = " and its home %s" % entry["home"] if args["remove"] else ""
    return Plan(changes, msg="removed user %s%s" % (name, removed),
                data=data, state={"steps": steps})


def _plan_create(name, args, wanted):
    # type: (str, Mapping[str, Any], Dict[str, Any]) -> Plan
    changes = [Change("state", "absent", "present")]
    changes += [Change(k, None, _show(wanted[k])) for k in _SHOWN if k in wanted]
    argv = useradd_argv(name, wanted, args["create_home"], args["system"])
    argv[-1:-1] = _useradd_extras(args)
    steps = [(argv, None)]  # type: List[Tuple[List[str], Optional[str]]]
    if args.get("password") is not None:
        changes.append(Change("password", None, "(hash set)"))
        steps.append((list(CHPASSWD_ARGV), chpasswd_input(name, args["password"])))
    shadow_changes, shadow_steps = plan_shadow(name, args, None)
    changes += shadow_changes + plan_ssh_key(args, None)
    steps += shadow_steps
    data = dict(_registered(wanted, args), name=name, state="present", system=args["system"],
                create_home=args["create_home"])
    return Plan(changes, msg="created user %s" % name, data=data, state={"steps": steps})


def _plan_modify(name, args, wanted, entry, current):
    # type: (str, Mapping[str, Any], Dict[str, Any], Dict[str, Any], Dict[str, Any]) -> Plan
    groups = current["groups"]
    have = dict(entry, group=group_name(groups, entry["gid"]),
                groups=supplementary(groups, name, entry["gid"]))
    changes, usermod = [], {}  # type: List[Change], Dict[str, Any]
    for key in ("uid", "group", "shell", "home", "comment"):
        if key in wanted and wanted[key] != have[key]:
            changes.append(Change(key, have[key], wanted[key]))
            usermod[key] = wanted[key]
    _plan_groups(wanted, have, args["append"], changes, usermod)
    steps = []  # type: List[Tuple[List[str], Optional[str]]]
    if usermod:
        argv = usermod_argv(name, usermod, args["append"])
        if args["non_unique"] and "uid" in usermod:
            argv.insert(1, "-o")
        steps.append((argv, None))
    if _password_differs(name, args, current):
        changes.append(Change("password", "(hash)", "(hash changed)"))
        steps.append((list(CHPASSWD_ARGV), chpasswd_input(name, args["password"])))
    shadow_changes, shadow_steps = plan_shadow(name, args, current["shadow"])
    changes += shadow_changes + plan_ssh_key(args, entry["home"])
    steps += shadow_steps
    data = _registered(dict(have, group=entry["gid"]), args)
    data.update(name=name, state="present", append=args["append"], move_home=False)
    data.update(current["ssh_key"] or {})
    if not changes:
        return Plan(reason="user %s already exists as wanted" % name, data=data)
    return Plan(changes, msg="changed user %s: %s" % (name, ", ".join(c.what for c in changes)),
                data=data, state={"steps": steps})


def _plan_groups(wanted, have, append, changes, usermod):
    # type: (Dict[str, Any], Dict[str, Any], bool, List[Change], Dict[str, Any]) -> None
    if "groups" not in wanted:
        return
    primary = wanted.get("group", have["group"])
    want = set(g for g in wanted["groups"] if g != primary)
    current = set(g for g in have["groups"] if g != primary)
    if append:
        missing = sorted(want - current)
        if missing:
            changes.append(Change("groups", _show(sorted(current)), _show(sorted(current | want))))
            usermod["groups"] = missing
    elif want != current:
        changes.append(Change("groups", _show(sorted(current)), _show(sorted(want))))
        usermod["groups"] = sorted(want)


def _password_differs(name, args, current):
    # type: (str, Mapping[str, Any], Dict[str, Any]) -> bool
    if args.get("password") is None or args["update_password"] != "always":
        return False
    if not current["shadow_read"]:
        raise ModuleError("cannot read %s to compare the password of %s (become root)" % (SHADOW, name))
    return bool(current["hash"] != args["password"])


def _show(value):
    # type: (Any) -> Any
    return ",".join(value) if isinstance(value, list) else value


def _useradd_extras(args):
    # type: (Mapping[str, Any]) -> List[str]
    """useradd options of non_unique, skeleton, umask, uid_min and uid_max."""
    extra = ["-o"] if args["non_unique"] and args.get("uid") is not None else []
    if args.get("skeleton") and args["create_home"]:
        extra += ["-k", str(args["skeleton"])]
    for key, name in (("umask", "UMASK"), ("uid_min", "UID_MIN"), ("uid_max", "UID_MAX")):
        if args.get(key) is not None:
            extra += ["-K", "%s=%s" % (name, args[key])]
    return extra


def _registered(values, args):
    # type: (Mapping[str, Any], Mapping[str, Any]) -> Dict[str, Any]
    """Ansible's keys: uid, group (the primary gid), home, shell, comment, and groups
    (comma-joined) only when the task names groups; a password never, only a marker."""
    data = dict((k, _show(values[k])) for k in _SHOWN if k in values and k != "groups")
    if args.get("groups") is not None and "groups" in values:
        data["groups"] = _show(values["groups"])
    if args.get("password") is not None:
        data["password"] = "NOT_LOGGING_PASSWORD"
    return data


# --- apply -------------------------------------------------------------------------

def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    name = str(args["name"])
    output = {}  # type: Dict[str, str]
    for argv, stdin_text in plan.state["steps"]:
        doing = "setting the password of %s" % name if stdin_text is not None else argv[0]
        ran = run_ok(argv, doing, stdin_text)
        for key, text in (("stdout", ran.out), ("stderr", ran.err)):
            if text:  # Ansible returns the tools' output only when there is some
                output[key] = output.get(key, "") + text
    data = dict(output)  # type: Dict[str, Any]
    data.update(("%s_lines" % k, v.splitlines()) for k, v in output.items())
    entry = parse_passwd(read_text(PASSWD)).get(name)
    if entry is None:
        return data
    groups = parse_group(read_text(GROUP))
    have = dict(entry, group=entry["gid"], groups=supplementary(groups, name, entry["gid"]))
    data.update(_registered(have, args))
    if args["generate_ssh_key"]:
        data.update(make_ssh_key(name, args, entry["home"], entry["uid"], entry["gid"]))
    return data
