"""``add_host`` and ``group_by``: tasks that change the run's inventory.

``add_host`` runs once per play (on the first host, once per loop item), as in
ansible-core; ``group_by`` runs on every host. The task returns the edit; the
engine applies it, so later plays and the ``groups`` variable see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corral.errors import CorralError
from corral.modules._api import Arg

ADD_HOST_ARGS: Mapping[str, Arg] = {
    "name": Arg(str, required=True, aliases=("host", "hostname"),
                doc="The host to add (host:port sets ansible_port)."),
    "groups": Arg("str_or_list", aliases=("group", "groupname"),
                  doc="Groups to put the host in (a list or comma-separated)."),
}
GROUP_BY_ARGS: Mapping[str, Arg] = {
    "key": Arg(str, required=True, doc="The group to put the host in (made if new)."),
    "parents": Arg("str_or_list", doc="Parent groups of a new group (default all)."),
}
VALIDATE_ARGS: Mapping[str, Arg] = {
    "argument_spec": Arg(dict, required=True, doc="The options, as in meta/argument_specs.yml."),
    "provided_arguments": Arg(dict, doc="Values to check (variables of the same names too)."),
    "validate_args_context": Arg(dict, doc="Accepted for compatibility."),
}
INVENTORY_MODULES = {"add_host": ADD_HOST_ARGS, "group_by": GROUP_BY_ARGS}
# Controller tasks the executor runs itself (the playbook loader's view of them).
SPECIAL_MODULES = {**INVENTORY_MODULES, "validate_argument_spec": VALIDATE_ARGS}
DOCS = {"add_host": "Add a host (and its groups and variables) to the run's inventory.",
        "group_by": "Put the host in a group named from its variables (made if new).",
        "validate_argument_spec": "Check arguments against a role's argument specs."}


@dataclass(frozen=True)
class InventoryEdit:
    """One change to the inventory: a host added, or a host put in a group."""

    kind: str  # "add_host" | "group_by"
    host: str
    groups: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    host_vars: dict[str, Any] = field(default_factory=dict)


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def inventory_edit(module: str, host: str, args: Mapping[str, Any]) -> InventoryEdit:
    """The edit ``args`` (rendered) ask for; a missing name or key is a task failure."""
    if module == "group_by":
        key = str(args.get("key") or "").strip()
        if not key:
            raise CorralError("group_by needs 'key': the group to put the host in")
        return InventoryEdit("group_by", host, [key.replace(" ", "_")], _names(args.get("parents")))
    aliases = ("name", "host", "hostname", "groups", "group", "groupname")
    name = str(args.get("name") or args.get("host") or args.get("hostname") or "").strip()
    if not name:
        raise CorralError("add_host needs 'name': the host to add")
    extra = {k: v for k, v in args.items() if k not in aliases and not k.startswith("_")}
    if ":" in name and name.count(":") == 1 and name.rsplit(":", 1)[1].isdigit():
        name, port = name.rsplit(":", 1)
        extra.setdefault("ansible_port", int(port))
    groups = _names(args.get("groups") or args.get("group") or args.get("groupname"))
    return InventoryEdit("add_host", name, groups, host_vars=extra)
