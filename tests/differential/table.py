"""The parity table: one row per case, one column per thing compared."""

from __future__ import annotations

from collections.abc import Mapping

from tests.differential.compare import ASPECTS
from tests.differential.intended import Intended
from tests.differential.suite import CaseResult

MATCH, DIFFERS, INTENDED, KNOWN, NOT_RUN = "=", "DIFF", "intended", "known", "-"


def _cell(result: CaseResult, aspect: str, check: bool) -> str:
    if check and "check" not in result.runs:
        return NOT_RUN
    judged = [j for j in result.judged
              if j.difference.aspect == aspect and j.difference.what.startswith("check.") == check]
    if not judged:
        return MATCH
    if any(j.entry is None for j in judged):
        return DIFFERS
    return KNOWN if any(j.entry and j.entry.temporary for j in judged) else INTENDED


def parity_table(results: Mapping[str, CaseResult]) -> str:
    heads = ["case", *ASPECTS, *(f"check {a}" for a in ASPECTS), "ansible s", "corral s"]
    rows = []
    for name in sorted(results):
        result = results[name]
        if result.error:
            rows.append([name, f"ERROR: {result.error}"])
            continue
        apply = result.runs.get("apply")
        times = [f"{apply[0].seconds:.1f}", f"{apply[1].seconds:.1f}"] if apply else ["", ""]
        rows.append([name, *(_cell(result, a, False) for a in ASPECTS),
                     *(_cell(result, a, True) for a in ASPECTS), *times])
    widths = [max(len(r[i]) for r in [heads, *rows] if i < len(r)) for i in range(len(heads))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in [heads, *rows]]
    counts = {"match": 0, "differs": 0}
    for result in results.values():
        counts["differs" if result.unlisted or result.error else "match"] += 1
    legend = (f"{MATCH} same result; {INTENDED}/{KNOWN}: differs as listed in "
              f"tests/differential/intended.yml; {DIFFERS}: an unlisted difference (the case fails)")
    summary = f"{counts['match']} cases at parity (or listed), {counts['differs']} with unlisted differences"
    return "\n".join(["PARITY WITH ANSIBLE-CORE", *lines, legend, summary])


def details(results: Mapping[str, CaseResult]) -> str:
    """Every unlisted difference in full; listed ones counted under the entry that allows them."""
    lines = []
    for name in sorted(results):
        listed: dict[str, tuple[str, int]] = {}
        for judged in results[name].judged:
            entry = judged.entry
            if entry is None:
                lines.append(f"{name}: {judged.difference.what}: {judged.difference.detail} [UNLISTED]")
                continue
            tag = "known" if entry.temporary else "intended"
            key = f"{tag}: {entry.reason}"
            listed[key] = (key, listed.get(key, (key, 0))[1] + 1)
        for key, count in listed.values():
            reason = key if len(key) <= 110 else key[:107] + "..."
            lines.append(f"{name}: {count} difference(s) listed ({reason})")
    return "\n".join(lines)


def unused_entries(results: Mapping[str, CaseResult], intended: Intended) -> str:
    """Entries of intended.yml no difference needed in this run (when every case ran):
    a known bug that is fixed now, to take out of the list."""
    used = {id(j.entry) for r in results.values() for j in r.judged if j.entry is not None}
    unused = [e for e in intended.entries if id(e) not in used]
    if not unused:
        return ""
    lines = ["intended.yml entries that matched no difference in this run (remove them?):"]
    lines += [f"  [{'known' if e.temporary else 'intended'}] case {', '.join(e.case)}, what {', '.join(e.what)}"
              for e in unused]
    return "\n".join(lines)
