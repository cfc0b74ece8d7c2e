"""`--list-hosts` and `--list-tasks`: what a run would touch, without touching it."""

from __future__ import annotations

import sys

from corral.cli.exit_codes import ExitCode
from corral.cli.loading import RunInput
from corral.executor.options import RunOptions
from corral.executor.tags import task_selected
from corral.playbook.model import Block, Task, TaskNode


def _tasks(nodes: list[TaskNode], inherited: list[str]) -> list[tuple[Task, list[str]]]:
    out: list[tuple[Task, list[str]]] = []
    for node in nodes:
        if isinstance(node, Block):
            tags = inherited + list(node.tags)
            out += _tasks(node.block + node.rescue + node.always, tags)
        else:
            out.append((node, inherited + list(node.tags)))
    return out


def list_playbook(loaded: RunInput, options: RunOptions, hosts: bool, tasks: bool) -> ExitCode:
    write = sys.stdout.write
    write(f"\nplaybook: {loaded.playbook.path}\n")
    for index, play in enumerate(loaded.playbook.plays, start=1):
        write(f"\n  play #{index} ({play.hosts}): {play.name or play.hosts}\tTAGS: [{','.join(play.tags)}]\n")
        if hosts:
            selected = loaded.inventory.limit(loaded.inventory.select(play.hosts), options.limit)
            if options.shard is not None:
                selected = options.shard.select(selected)
            write(f"    pattern: {play.hosts!r}\n    hosts ({len(selected)}):\n")
            for host in selected:
                write(f"      {host.name}\n")
        if tasks:
            write("    tasks:\n")
            for task, tags in _tasks(play.pre_tasks + play.tasks + play.post_tasks, list(play.tags)):
                if task_selected(tags, options.tags, options.skip_tags):
                    write(f"      {task.name or task.module}\tTAGS: [{','.join(tags)}]\n")
    return ExitCode.SUCCESS
