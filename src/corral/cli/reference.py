"""The README's reference sections, generated from the code (never written by hand).

    python -m corral.cli.reference README.md     # rewrite the generated sections
    python -m corral.cli.reference --check README.md

Modules come from each module's ARGS, keywords from ``playbook.keywords``,
filters and tests from the templating environment.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_SECTION = re.compile(r"(<!-- BEGIN GENERATED: (\w+) -->\n)(.*?)(<!-- END GENERATED: \2 -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def keywords_section() -> str:
    from corral.playbook.keywords import (
        UNSUPPORTED_PLAY_KEYWORDS,
        UNSUPPORTED_TASK_KEYWORDS,
        keyword_rows,
    )

    lines = ["| where | keyword | meaning |", "|---|---|---|"]
    lines += [f"| {w} | `{k}` | {_cell(d)} |" for w, k, d in keyword_rows()]
    lines += ["", "Not supported (fails loudly with file and line when used):", ""]
    for where, table in (("play", UNSUPPORTED_PLAY_KEYWORDS), ("task", UNSUPPORTED_TASK_KEYWORDS)):
        lines.append(f"- {where}: " + ", ".join(f"`{k}`" for k in sorted(table)))
    return "\n".join(lines) + "\n"


def modules_section() -> str:
    from corral.executor.catalog import ModuleCatalog
    from corral.modules import doc
    from corral.modules.registry import ModuleRegistry

    catalog = ModuleCatalog(ModuleRegistry())
    names = sorted(set(catalog.registry.names()) | set(_actions()))
    entries = [e for e in (catalog.lookup(n) for n in names) if e is not None]
    summary = ["| module | runs on | what it does |", "|---|---|---|"]
    summary += [f"| `{e.name}` | {'controller' if e.on_controller else 'host'} | {_cell(e.doc)} |"
                for e in entries]
    return "\n".join(summary) + "\n\n" + doc.markdown(entries)


def _actions() -> list[str]:
    from corral.executor.actions import ACTIONS

    return list(ACTIONS)


def filters_section() -> str:
    import jinja2

    from corral.templating import CorralEnvironment

    env, base = CorralEnvironment(), jinja2.Environment()
    ours_filters = sorted(set(env.filters) - set(base.filters))
    ours_tests = sorted(set(env.tests) - set(base.tests))
    return ("Filters added to Jinja2's own: " + ", ".join(f"`{f}`" for f in ours_filters) + ".\n\n"
            "Tests added to Jinja2's own: " + ", ".join(f"`{t}`" for t in ours_tests) + ".\n")


GENERATORS = {"keywords": keywords_section, "modules": modules_section, "filters": filters_section}


def render(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        generator = GENERATORS[match.group(2)]
        return match.group(1) + generator() + match.group(4)

    return _SECTION.sub(replace, text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fresh = render(text)
        if fresh != text:
            if check:
                stale.append(str(path))
            else:
                path.write_text(fresh, encoding="utf-8")
    if stale:
        sys.stderr.write("generated sections are stale in: " + ", ".join(stale)
                         + "; run python -m corral.cli.reference " + " ".join(stale) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
