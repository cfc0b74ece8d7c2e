#!/usr/bin/env python3
"""Benchmark: one controller loads a 100,000-host inventory and resolves a pattern.

    .venv/bin/python tests/bench/scale/inventory_100k.py [--hosts 100000] [--work DIR]

Builds, in a temporary folder, the same fleet three ways -- a YAML file, a
dynamic inventory script (``--list`` with ``_meta.hostvars``) and a script-shaped
JSON file -- each with ``group_vars/`` beside it, then, for each, in a fresh
process: loads it, matches ``web:&dc1:!canary``, and resolves the merged vars of
every selected host (what a run does before it connects). Prints wall time (and
the load's CPU time, which other work on the machine does not stretch) and peak RSS
of each step. Targets: ≤ 5 s and ≤ 1 GB per source. Not a test: numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

ROLES = ("web", "db", "cache", "queue")
DCS = 4
PATTERN = "web:&dc1:!canary"

CHILD = r"""
import json, resource, sys, time
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
t0 = time.perf_counter()
from corral.inventory import load_inventory
t_import, c_import = time.perf_counter(), cpu()
inventory = load_inventory([sys.argv[1]])
t_load, c_load = time.perf_counter(), cpu()
hosts = inventory.select(sys.argv[2])
t_match = time.perf_counter()
resolved = [inventory.host_vars(h.name) for h in hosts]
t_vars = time.perf_counter()
assert all(v["role"] == "web" and v["dc"] == "dc1" for v in resolved), resolved[:1]
print(json.dumps({
    "hosts": len(inventory.hosts), "selected": len(hosts),
    "import_s": round(t_import - t0, 2), "load_s": round(t_load - t_import, 2),
    "load_cpu_s": round(c_load - c_import, 2),
    "match_s": round(t_match - t_load, 3), "vars_s": round(t_vars - t_match, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}))
"""


def host_name(i: int) -> str:
    return f"{ROLES[i % len(ROLES)]}-{i:06d}.dc{i // len(ROLES) % DCS}.example.net"


def groups_of(i: int) -> list[str]:
    groups = [ROLES[i % len(ROLES)], f"dc{i // len(ROLES) % DCS}"]
    if i % 100 == 0:
        groups.append("canary")
    return groups


def host_vars(i: int) -> dict[str, object]:
    return {"ansible_host": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", "rack": i % 40}


def write_group_vars(folder: Path) -> None:
    (folder / "group_vars").mkdir()
    for role in ROLES:
        (folder / "group_vars" / f"{role}.yml").write_text(f"role: {role}\nport: 8080\n")
    for dc in range(DCS):
        (folder / "group_vars" / f"dc{dc}.yml").write_text(f"dc: dc{dc}\nntp: ntp.dc{dc}\n")
    (folder / "group_vars" / "all.yml").write_text("ansible_user: deploy\n")


def listing(count: int) -> dict[str, object]:
    groups: dict[str, list[str]] = {}
    for i in range(count):
        for group in groups_of(i):
            groups.setdefault(group, []).append(host_name(i))
    data: dict[str, object] = {g: {"hosts": members} for g, members in groups.items()}
    data["_meta"] = {"hostvars": {host_name(i): host_vars(i) for i in range(count)}}
    return data


def write_yaml(folder: Path, count: int) -> Path:
    groups: dict[str, list[int]] = {}
    for i in range(count):
        for group in groups_of(i):
            groups.setdefault(group, []).append(i)
    lines = ["all:", "  children:"]
    for group, members in groups.items():
        lines += [f"    {group}:", "      hosts:"]
        for i in members:
            if group == ROLES[i % len(ROLES)]:
                v = host_vars(i)
                lines.append(f"        {host_name(i)}: {{ansible_host: {v['ansible_host']}, "
                             f"rack: {v['rack']}}}")
            else:
                lines.append(f"        {host_name(i)}:")
    path = folder / "hosts.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_script(folder: Path, data_file: Path) -> Path:
    path = folder / "inventory.py"
    path.write_text(f"#!{sys.executable}\nimport sys\n"
                    f"if sys.argv[1] == '--list':\n"
                    f"    sys.stdout.write(open({str(data_file)!r}).read())\n"
                    f"else:\n    print('{{}}')\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def measure(source: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(source), PATTERN],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="corral-inv-bench-"))
    sources = {}
    for kind in ("yaml", "script", "json"):
        folder = work / kind
        folder.mkdir(parents=True, exist_ok=True)
        write_group_vars(folder)
        if kind == "yaml":
            sources[kind] = write_yaml(folder, args.hosts)
        else:
            data = folder / ("fleet.json" if kind == "json" else "listing.data")
            data.write_text(json.dumps(listing(args.hosts)))
            sources[kind] = data if kind == "json" else write_script(folder, data)
    print(f"{args.hosts} hosts, pattern {PATTERN!r}, files in {work}")
    for kind, source in sources.items():
        size = os.path.getsize(source if kind != "script" else work / kind / "listing.data")
        print(f"{kind:6} ({size / 1e6:.1f} MB): {json.dumps(measure(source))}", flush=True)


if __name__ == "__main__":
    main()
