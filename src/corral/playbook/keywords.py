"""The play, block and task keywords corral understands, with one line of doc each.

This is the single source of the README's language table (``keyword_rows``)
and of the loader's "unknown keyword" and "not supported" messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Keyword:
    """A supported keyword and what it does."""

    name: str
    doc: str


PLAY_KEYWORDS: tuple[Keyword, ...] = (
    Keyword("name", "The play's title in the output (defaults to its hosts)."),
    Keyword("hosts", "Host pattern: a group, a host, or a list/comma-joined patterns."),
    Keyword("vars", "Variables for this play."),
    Keyword("vars_files", "YAML files of variables, loaded at run time (names may be templated; "
            "an entry that is a list: the first file found)."),
    Keyword("vars_prompt", "Variables asked on the terminal (or given with -e; a default is "
            "used when there is no terminal)."),
    Keyword("roles", "Roles run after `pre_tasks` and before `tasks`: a name, or a mapping "
            "with `role`, params, `vars`, `tags`, `when`, `become`."),
    Keyword("pre_tasks", "Tasks run before `tasks`; their handlers run before `tasks`."),
    Keyword("tasks", "The tasks of the play, in order."),
    Keyword("post_tasks", "Tasks run after `tasks` and their handlers."),
    Keyword("handlers", "Tasks run once at the end of a section when notified."),
    Keyword("become", "Run tasks through sudo (yes/no)."),
    Keyword("become_user", "The user sudo switches to (default root)."),
    Keyword("become_method", "`sudo` (default) or `su` (the password on stdin, never in argv)."),
    Keyword("remote_user", "The SSH user (same as the `ansible_user` variable)."),
    Keyword("connection", "`ssh` (default) or `local` (run on the controller)."),
    Keyword("gather_facts", "Collect facts before the first task (default yes)."),
    Keyword("gather_subset", "Which facts gathering may collect, as Ansible's (`all`, `min`, "
            "`!hardware`, …); corral gathers only those the run reads."),
    Keyword("strategy", "`linear` (hosts in step, task by task) or `free` (may be a template)."),
    Keyword("order", "Host order: inventory, reverse_inventory, sorted, reverse_sorted, shuffle."),
    Keyword("tags", "Tags added to every task of the play."),
    Keyword("serial", "Rolling batches: a number, a percentage like '30%', or a list of them."),
    Keyword("max_fail_percentage", "Stop the play when more than this % of a batch failed."),
    Keyword("any_errors_fatal", "One failed host stops the play for all hosts."),
    Keyword("ignore_unreachable", "A host that becomes unreachable is not dropped from the play."),
    Keyword("check_mode", "Force check mode on (yes) or off (no) for the play."),
    Keyword("diff", "Force diff output on or off for the play."),
    Keyword("environment", "Environment variables for every task's process."),
    Keyword("module_defaults", "Default arguments per module (`file: {mode: '0644'}`); a task's own win."),
    Keyword("throttle", "At most this many hosts run each task at the same time."),
    Keyword("timeout", "Seconds after which a task fails (each task; the host goes on)."),
)

TASK_KEYWORDS: tuple[Keyword, ...] = (
    Keyword("name", "The task's title in the output."),
    Keyword("args", "Module arguments as a mapping, merged under those given inline."),
    Keyword("when", "Run only if every condition is true (Jinja expressions, no braces)."),
    Keyword("loop", "Run once per item of a list (or a template giving a list)."),
    Keyword("with_items", "Like `loop`, flattening nested lists one level; a single value is one item."),
    Keyword("with_list", "Like `loop`; a single value is one item."),
    Keyword("with_dict", "Loop over a mapping; each item has `key` and `value`."),
    Keyword("with_<lookup>", "Loop over a lookup's results, run on the controller: `with_sequence`, "
            "`with_nested`, `with_together`, `with_subelements`, `with_indexed_items`, `with_lines`, "
            "`with_first_found`, `with_fileglob`, `with_file`, `with_random_choice`, "
            "`with_inventory_hostnames`, ... (every lookup corral has)."),
    Keyword("loop_control", "`loop_var`, `index_var`, `label`, `pause`, `extended` (`ansible_loop`), "
                            "`extended_allitems`, `break_when` of a loop."),
    Keyword("register", "Save the result in this variable."),
    Keyword("changed_when", "Conditions that decide whether the task changed something."),
    Keyword("failed_when", "Conditions that decide whether the task failed."),
    Keyword("ignore_errors", "A failure does not stop the host."),
    Keyword("notify", "Handlers (by name or `listen` topic) to run if the task changed."),
    Keyword("become", "Run this task through sudo (yes/no)."),
    Keyword("become_user", "The user sudo switches to."),
    Keyword("become_method", "`sudo` (default) or `su` (the password on stdin, never in argv)."),
    Keyword("tags", "Tags for --tags/--skip-tags."),
    Keyword("check_mode", "Force check mode on or off for this task."),
    Keyword("diff", "Force diff output on or off for this task."),
    Keyword("no_log", "Hide arguments and results in the output."),
    Keyword("vars", "Variables for this task only."),
    Keyword("environment", "Environment variables for the module's process."),
    Keyword("run_once", "Run on the first host of the batch only; share the result."),
    Keyword("delegate_to", "Run on another host (or `localhost`) instead."),
    Keyword("delegate_facts", "With delegate_to: facts set by the task go to the delegated host."),
    Keyword("retries", "How many times `until` retries (default 3)."),
    Keyword("until", "Retry the task until these conditions are true."),
    Keyword("delay", "Seconds between retries (default 5)."),
    Keyword("any_errors_fatal", "A failure of this task stops the play for all hosts."),
    Keyword("ignore_unreachable", "If the host is unreachable for this task, carry on with the next one."),
    Keyword("action", "The module and its arguments: `copy src=a dest=b` or `{module: copy, src: a}`."),
    Keyword("local_action", "Like `action`, run on the controller (`delegate_to: localhost`)."),
    Keyword("module_defaults", "Default arguments per module for this task."),
    Keyword("throttle", "At most this many hosts run the task at the same time."),
    Keyword("timeout", "Fail the task (the host goes on) when it runs longer than this many seconds."),
    Keyword("async", "Run in the background on the host, for at most this many seconds."),
    Keyword("poll", "With async: seconds between checks; 0 starts the job and goes on (see async_status)."),
)

HANDLER_KEYWORDS: tuple[Keyword, ...] = (
    Keyword("listen", "Topics this handler also answers to in `notify`."),
)

BLOCK_KEYWORDS: tuple[Keyword, ...] = (
    Keyword("block", "Tasks grouped to share keywords."),
    Keyword("rescue", "Tasks run when a task of the block fails."),
    Keyword("always", "Tasks run after the block and rescue, whatever happened."),
    Keyword("name", "The block's title."),
    Keyword("when", "Conditions added to every task of the block."),
    Keyword("become", "Applies to every task of the block."),
    Keyword("become_user", "Applies to every task of the block."),
    Keyword("become_method", "`sudo` (default) or `su` (the password on stdin, never in argv)."),
    Keyword("tags", "Tags added to every task of the block."),
    Keyword("vars", "Variables for every task of the block."),
    Keyword("environment", "Environment variables for every task of the block."),
    Keyword("ignore_errors", "Applies to every task of the block."),
    Keyword("check_mode", "Applies to every task of the block."),
    Keyword("diff", "Applies to every task of the block."),
    Keyword("no_log", "Applies to every task of the block."),
    Keyword("any_errors_fatal", "Applies to every task of the block."),
    Keyword("ignore_unreachable", "Applies to every task of the block."),
    Keyword("module_defaults", "Default arguments per module, over the play's, under the task's."),
    Keyword("run_once", "Every task of the block runs on the first host only."),
    Keyword("throttle", "Applies to every task of the block."),
    Keyword("timeout", "Applies to every task of the block."),
)

# Keywords allowed next to import_tasks / include_tasks (they become a block's).
IMPORT_KEYWORDS: frozenset[str] = frozenset(
    k.name for k in BLOCK_KEYWORDS if k.name not in ("block", "rescue", "always")
)

_NOT_YET = "is not supported by corral yet"

UNSUPPORTED_PLAY_KEYWORDS: Mapping[str, str] = MappingProxyType({
    "collections": _NOT_YET + "; corral modules need no collection",
    "force_handlers": _NOT_YET,
    "fact_path": _NOT_YET,
    "gather_timeout": _NOT_YET,
    "debugger": _NOT_YET,
    "run_once": _NOT_YET + " on a play; put it on the tasks",
    "ignore_errors": _NOT_YET + " on a play; put it on the tasks or a block",
    "no_log": _NOT_YET + " on a play; put it on the tasks or a block",
    "become_flags": _NOT_YET,
    "become_exe": _NOT_YET,
    "port": _NOT_YET + "; set the ansible_port variable in the inventory",
})

UNSUPPORTED_TASK_KEYWORDS: Mapping[str, str] = MappingProxyType({
    "collections": "is not supported by corral",
    "become_flags": "is not supported by corral",
    "become_exe": "is not supported by corral",
    "debugger": "is not supported by corral",
    "connection": "is not supported on a task by corral; set it on the play",
    "remote_user": "is not supported on a task by corral; set it on the play",
    "port": "is not supported by corral",
    "include": "was removed from Ansible; use import_tasks",
    "import_playbook": "is only allowed at the top level of a playbook, not in a task list",
})


def keyword_names(keywords: tuple[Keyword, ...]) -> frozenset[str]:
    """The names of ``keywords``, for membership tests."""
    return frozenset(k.name for k in keywords)


def keyword_rows() -> list[tuple[str, str, str]]:
    """(where, keyword, doc) rows for the README's language table."""
    rows = [("play", k.name, k.doc) for k in PLAY_KEYWORDS]
    rows += [("task", k.name, k.doc) for k in TASK_KEYWORDS]
    rows += [("handler", k.name, k.doc) for k in HANDLER_KEYWORDS]
    rows += [("block", k.name, k.doc) for k in BLOCK_KEYWORDS]
    rows.append(("task", "import_tasks", "Inline a static tasks file (relative to this file)."))
    rows.append(("task", "include_tasks", "Load a tasks file when a host reaches it: templated "
                 "names, `loop`, `when`, `apply` (keywords for the included tasks)."))
    rows.append(("task", "import_role", "Inline a role (`name`, `tasks_from`, `vars_from`, "
                 "`defaults_from`, `handlers_from`)."))
    rows.append(("task", "include_role", "Load a role when a host reaches it (options of "
                 "import_role, `public`, `apply`; `loop`, `when`)."))
    rows.append(("task", "include_vars", "Load variables from a file or a `dir` "
                 "(`files_matching`, `ignore_files`, `extensions`, `depth`, `name`)."))
    rows.append(("top level", "import_playbook", "Inline another playbook's plays."))
    return rows
