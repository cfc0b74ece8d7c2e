"""Ansible-compatible inventories: YAML and INI files, folders, host ranges,
host_vars/ and group_vars/, host patterns, and each host's layers of variables.

    inventory = load_inventory(["hosts.yml"], playbook_dir=Path("site"))
    hosts = inventory.limit(inventory.select("web:&prod"), "web0*")
    layers = inventory.var_layers("web01")      # lowest precedence first
"""

from corral.inventory.connection import ConnectionSpec, connection_spec
from corral.inventory.inventory import Inventory
from corral.inventory.load import load_inventory
from corral.inventory.model import Group, Host, LayerKind, PatternMatch, VarLayer

__all__ = [
    "ConnectionSpec",
    "Group",
    "Host",
    "Inventory",
    "LayerKind",
    "PatternMatch",
    "VarLayer",
    "connection_spec",
    "load_inventory",
]
