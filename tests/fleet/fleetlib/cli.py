"""`tests/fleet/fleet`: argument parsing and printing; the work is in fleet.py."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .config import DEFAULT_BASE_PORT, DEFAULT_CACHE, DEFAULT_STATE, FleetConfig, require_root_linux
from .errors import FleetError
from .flavour import FLAVOURS
from .fleet import Fleet


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("CORRAL_FLEET_STATE", DEFAULT_STATE)),
        help="where this fleet's state, known_hosts and host folders live "
        "(env CORRAL_FLEET_STATE; default %(default)s). One fleet per state dir.",
    )
    common.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("CORRAL_FLEET_CACHE", DEFAULT_CACHE)),
        help="image and key cache (env CORRAL_FLEET_CACHE; default %(default)s)",
    )
    common.add_argument(
        "--base-port",
        type=int,
        default=int(os.environ.get("CORRAL_FLEET_BASE_PORT", DEFAULT_BASE_PORT)),
        help="sshd port of host01; hostNN gets base+NN-1, its relay +1000 "
        "(env CORRAL_FLEET_BASE_PORT; default %(default)s)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fleet", description="corral's local fleet of Debian hosts (needs root, Linux)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    common = _common()
    up = sub.add_parser(
        "up", parents=[common], help="start hosts; returns when every host accepts ssh"
    )
    up.add_argument("--hosts", type=int, required=True, help="number of hosts (host01..hostNN)")
    up.add_argument(
        "--systemd", type=int, default=0, help="the first K hosts boot systemd as PID 1"
    )
    up.add_argument("--inventory", type=Path, help="write an Ansible-style YAML inventory here")
    up.add_argument(
        "--flavour",
        choices=FLAVOURS,
        default="base",
        help="image of every host: base (apt, systemd) or multi (also dnf, zypper, pacman "
        "with local repositories; light hosts boot OpenRC); default %(default)s",
    )
    up.add_argument(
        "--relay",
        action="append",
        default=[],
        metavar="HOST:SPEC",
        help="front HOST with a fault relay, e.g. host03:delay=10 (see relay.py); repeatable",
    )
    sub.add_parser(
        "down", parents=[common], help="stop every host and relay, unmount, remove host folders"
    )
    sub.add_parser("status", parents=[common], help="list hosts, ports, state")
    image = sub.add_parser(
        "image", parents=[common], help="build (or find) the cached image and print its path"
    )
    image.add_argument("--flavour", choices=FLAVOURS, default="base")
    for name, text in (
        ("stop", "stop a host, keep its changes"),
        ("start", "start a stopped host"),
        ("reset", "return a host to a clean copy of the image (and start it)"),
    ):
        sub.add_parser(name, parents=[common], help=text).add_argument("host")
    exec_ = sub.add_parser(
        "exec", parents=[common], help="run a command inside a host via nsenter (not ssh)"
    )
    exec_.add_argument("host")
    exec_.add_argument(
        "cmd", nargs="*", help="-- CMD ARGS... (exit status and output passed through)"
    )
    ssh = sub.add_parser(
        "ssh", parents=[common], help="ssh into a host with the fleet key and known_hosts"
    )
    ssh.add_argument("host")
    ssh.add_argument("--user", default="root")
    ssh.add_argument("cmd", nargs="*", help="-- CMD ARGS... (none: interactive shell)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command: list[str] = []
    if "--" in argv:  # everything after -- is the command for exec/ssh, untouched
        at = argv.index("--")
        argv, command = argv[:at], argv[at + 1 :]
    args = build_parser().parse_args(argv)
    args.cmd = [*getattr(args, "cmd", []), *command]
    config = FleetConfig(
        cache_dir=args.cache_dir, state_dir=args.state_dir, base_port=args.base_port
    )
    try:
        require_root_linux()
        return _dispatch(Fleet(config), args)
    except FleetError as exc:
        print(f"fleet: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fleet: interrupted", file=sys.stderr)
        return 130


def _dispatch(fleet: Fleet, args: argparse.Namespace) -> int:
    command = args.command
    if command == "up":
        started = time.monotonic()
        state = fleet.up(args.hosts, args.systemd, args.inventory, args.relay, args.flavour)
        print(
            f"fleet: {len(state.hosts)} hosts up in {time.monotonic() - started:.1f}s "
            f"(state {fleet.config.state_dir}"
            f"{', inventory ' + str(args.inventory) if args.inventory else ''})"
        )
    elif command == "down":
        stopped = fleet.down()
        print(f"fleet: down ({len(stopped)} hosts)" if stopped else "fleet: nothing was up")
    elif command == "status":
        _print_status(fleet)
    elif command == "image":
        from .flavour import ensure_flavour

        print(ensure_flavour(fleet.config, args.flavour).rootfs)
    elif command in ("stop", "start", "reset"):
        getattr(fleet, command)(args.host)
    elif command == "exec":
        cmd = args.cmd
        if not cmd:
            raise FleetError("fleet exec HOST -- CMD...: no command given")
        return fleet.exec(args.host, cmd).returncode
    elif command == "ssh":
        cmd = args.cmd
        argv = fleet.ssh_argv(args.host, args.user)
        os.execvp(argv[0], [*argv[:-1], "-t" if not cmd else "-T", argv[-1], *cmd])
    return 0


def _print_status(fleet: Fleet) -> None:
    state = fleet.status()
    if not state.hosts:
        print(f"fleet: nothing up in {fleet.config.state_dir}")
        return
    print(
        f"image {state.image} ({state.flavour})\nknown_hosts {fleet.config.known_hosts}\nkey {fleet.config.key_path}"
    )
    for host in state.hosts.values():
        kind = "systemd" if host.spec.systemd else "light"
        status = f"up (pid {host.running.pid1.pid})" if host.running and host.alive() else "stopped"
        relay = f"  relay :{host.relay.port} {host.relay.spec}" if host.relay else ""
        print(f"{host.name}  127.0.0.1:{host.spec.port}  {kind:7}  {status}{relay}")
