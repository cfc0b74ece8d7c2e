"""`corral inventory`: show what an inventory resolves to."""

from __future__ import annotations

import sys

from corral.cli.exit_codes import ExitCode
from corral.errors import InputError


def show_inventory(sources: list[str], pattern: str, graph: bool, host: str | None,
                   as_json: bool) -> ExitCode:
    from corral.inventory import load_inventory
    from corral.inventory.show import render_graph, render_host, render_hosts, render_list

    if not sources:
        sys.stderr.write("ERROR: give at least one inventory with -i\n")
        return ExitCode.USAGE
    try:
        inventory = load_inventory(sources)
        if host is not None:
            if host not in inventory.hosts:
                sys.stderr.write(f"ERROR: no host named {host!r} in the inventory\n")
                return ExitCode.INVALID_INPUT
            text = render_host(inventory, host)
        elif graph:
            text = render_graph(inventory, pattern if pattern != "all" else "all")
        elif as_json:
            text = render_list(inventory)
        else:
            text = render_hosts(inventory, pattern)
    except InputError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"ERROR: {problem}\n")
        return ExitCode.INVALID_INPUT
    for warning in inventory.warnings:
        sys.stderr.write(f"[WARNING]: {warning}\n")
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    return ExitCode.SUCCESS


def show_shard(sources: list[str], pattern: str, shard_text: str) -> ExitCode:
    """The hosts of ``pattern`` that shard I/N runs on, one per line."""
    from corral.errors import UsageError
    from corral.inventory import load_inventory
    from corral.scale.shard import parse_shard

    try:
        shard = parse_shard(shard_text)
    except UsageError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return ExitCode.USAGE
    if not sources:
        sys.stderr.write("ERROR: give at least one inventory with -i\n")
        return ExitCode.USAGE
    try:
        inventory = load_inventory(sources)
        match = inventory.match(pattern)
    except InputError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"ERROR: {problem}\n")
        return ExitCode.INVALID_INPUT
    for warning in [*inventory.warnings, *match.warnings]:
        sys.stderr.write(f"[WARNING]: {warning}\n")
    selected = shard.select(match.hosts)
    sys.stdout.write(f"shard {shard}: {len(selected)} of {len(match.hosts)} hosts\n")
    sys.stdout.write("".join(f"  {host.name}\n" for host in selected))
    return ExitCode.SUCCESS
