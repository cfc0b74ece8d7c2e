"""Send one module call to a host's agent, after its controller-side step."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from corral.errors import PlaybookError
from corral.executor.connections import ConnectionPool
from corral.executor.play_context import PlayContext
from corral.executor.raw_call import controller_step, run_raw
from corral.executor.reboot_call import run_reboot
from corral.executor.template_vars import template_templar
from corral.executor.wire_args import wire_args
from corral.modules._api import validate_args
from corral.modules.registry import BUILTIN_DIR, ModuleInfo, ModuleRegistry
from corral.playbook.model import Task
from corral.prepare import PrepareContext, prepare
from corral.prepare.fetch import receive_fetch
from corral.templating import Templar
from corral.templating.omit import strip_omitted
from corral.transport.become import Become

# Inventory variables that decide how to reach a host (rendered on first connect).
CONNECTION_VARS = (
    "ansible_host", "ansible_ssh_host", "ansible_port", "ansible_ssh_port", "ansible_user",
    "ansible_ssh_user", "ansible_ssh_private_key_file", "ansible_connection",
    "ansible_python_interpreter", "ansible_become", "ansible_become_user",
    "ansible_become_password", "ansible_become_pass", "ansible_become_method", "corral_known_hosts",
    "corral_host_key_policy", "ansible_host_key_checking",
)


def connection_vars(templar: Templar) -> dict[str, Any]:
    """The connection variables that are defined for this host, rendered.

    Read through the lazily templated variables: only values that are
    templates get compiled, and none that the host does not define.
    """
    variables = templar.variables
    values = {name: variables[name] for name in CONNECTION_VARS if name in variables}
    return {k: v for k, v in values.items() if v is not None}


class RemoteCaller:
    """Runs host modules through the connection pool."""

    def __init__(self, pool: ConnectionPool, registry: ModuleRegistry) -> None:
        self.pool = pool
        self.registry = registry
        # host -> its connection variables for this play (rendered once, not per task)
        self._connection_vars: dict[str, dict[str, Any]] = {}

    def _vars_for(self, host: str, task: Task, templar: Templar) -> dict[str, Any]:
        if any(name in task.vars for name in CONNECTION_VARS):
            return connection_vars(templar)  # the task overrides one: render for it
        cached = self._connection_vars.get(host)
        if cached is None:
            cached = self._connection_vars[host] = connection_vars(templar)
        return dict(cached)

    async def call(self, host: str, task: Task, play: PlayContext, templar: Templar,
                   args: Mapping[str, Any], check: bool, diff: bool,
                   job: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run the task's module; with ``job`` (jid, timeout) start it in the background."""
        info = self.registry.find(task.module)
        if info is None:
            raise PlaybookError(f"unknown module {task.module!r}")
        host_vars = self._vars_for(host, task, templar)
        # Play keywords lose to the inventory's own connection variables, as in Ansible.
        if play.play.remote_user and "ansible_user" not in host_vars:
            host_vars["ansible_user"] = templar.render(play.play.remote_user)
        if play.play.connection and "ansible_connection" not in host_vars:
            host_vars["ansible_connection"] = play.play.connection
        target = host
        if task.delegate_to is not None:
            target = str(templar.render(task.delegate_to))
            if target not in ("localhost", "127.0.0.1"):
                raise PlaybookError("delegate_to supports only localhost for now")
            host_vars = {"ansible_connection": "local"}
        if controller_step(info) in ("raw", "reboot"):
            return await self._over_connection(info, task, play, target, host_vars, args, check)
        become, become_user = self._become(task, play, host_vars)
        method = task.become_method or play.play.become_method or host_vars.get(
            "ansible_become_method") or "sudo"
        method = str(templar.render(method)).strip()
        if become and method not in ("sudo", "su"):
            raise PlaybookError(f"become_method {method!r} is not supported by corral; "
                                "only 'sudo' and 'su' are")
        session = await self.pool.agent(target, host_vars, become, become_user, method)
        if info.name == "setup" and args.get("_groups") == []:
            # no fact to gather (see fact_gathering): the agent answering is all it checks
            return {"status": "ok", "msg": "facts gathered", "diff": None, "changes": [],
                    "data": {"ansible_facts": {}}}
        clean = strip_omitted(wire_args(args))
        upload = None
        if info.prepare is not None:
            in_template = template_templar(templar)
            context = PrepareContext(playbook_dir=play.playbook_dir, host=host,
                                     role_dir=task.role.path if task.role else None,
                                     render=in_template.render_text)
            prepared = prepare(info.prepare, clean, context)
            clean, upload = dict(prepared.args), prepared.upload
        *support, (_, source) = info.sources
        environment = self._environment(task, play, templar)
        if job is not None:
            support = [*[s for s in support if s[0] != "_jobs"], ("_jobs", _jobs_source())]
            if upload is not None:  # a background job cannot ask for it: stage it first
                clean = {**clean, "_staged_src": await session.put_file(upload)}
        result: dict[str, Any] = await session.run(info.name, source, clean, check, diff,
                                                   requires=support, environment=environment,
                                                   job=job, site=not info.builtin)
        if result.get("status") == "needs_upload" and upload is not None:
            staged = await session.put_file(upload)
            argument = str((result.get("data") or {}).get("arg") or "_staged_src")
            result = await session.run(info.name, source, {**clean, argument: staged}, check,
                                       diff, requires=support, environment=environment,
                                       site=not info.builtin)
        if controller_step(info) == "fetch":

            async def next_piece(offset: int) -> dict[str, Any]:
                piece: dict[str, Any] = await session.run(
                    info.name, source, {**clean, "_offset": offset, "_remote_checksum": (
                        result.get("data") or {}).get("remote_checksum")},
                    check, diff, requires=support, environment=environment,
                    site=not info.builtin)
                return piece

            result = await receive_fetch(result, next_piece,
                                         _truthy(clean.get("validate_checksum", True)))
        return result

    async def _over_connection(self, info: ModuleInfo, task: Task, play: PlayContext,
                               target: str, host_vars: dict[str, Any], args: Mapping[str, Any],
                               check: bool) -> dict[str, Any]:
        """raw and reboot: run over the connection itself, without the agent (or Python)."""
        checked = validate_args(info.args_spec, strip_omitted(wire_args(args)), info.name)
        become, become_user = self._become(task, play, host_vars)
        sudo = Become(become_user or "root", self.pool.become_password(host_vars)) \
            if become else None
        connection = await self.pool.connection(target, host_vars)
        if controller_step(info) == "raw":
            return await run_raw(connection, checked, check, sudo)
        return await run_reboot(connection, lambda: self.pool.connection(target, host_vars),
                                lambda: self.pool.forget(target), checked, check, sudo)

    def _environment(self, task: Task, play: PlayContext, templar: Templar) -> dict[str, Any]:
        """The play's `environment`, then the task's (block's) on top, rendered."""
        merged = {**play.play.environment, **task.environment}
        if not merged:
            return {}
        rendered = templar.render(merged)
        if not isinstance(rendered, dict):
            raise PlaybookError("environment must be a mapping of variable names to values")
        return rendered

    def _become(self, task: Task, play: PlayContext, host_vars: Mapping[str, Any]) -> tuple[bool, str | None]:
        become = task.become
        if become is None:
            become = play.play.become
        defaults = self.pool.options.defaults
        if become is None:
            become = _truthy(host_vars.get("ansible_become", defaults.become))
        user = (task.become_user or play.play.become_user or host_vars.get("ansible_become_user")
                or defaults.become_user)
        return bool(become), (str(user) if user else None)


@functools.lru_cache(maxsize=1)
def _jobs_source() -> str:
    """The host-side support file that runs background jobs (modules/_jobs.py)."""
    return (BUILTIN_DIR / "_jobs.py").read_text(encoding="utf-8")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true", "1", "on", "y")
    return bool(value)


