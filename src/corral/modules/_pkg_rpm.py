"""Ask the rpm database about packages (dnf, yum and zypper hosts): one ``rpm -q`` for all.

Stdlib only, Python 3.8 syntax.
"""

from corral.modules._pkg_common import run

REQUIRES = ('_pkg_common',)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Dict, List, Optional, Set, Tuple  # noqa: F401 (type comments)

QUERY_FORMAT = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"


def rpm_query(queries):
    # type: (List[str]) -> Dict[str, Optional[Tuple[str, str, str]]]
    """{query: (name, [epoch:]version-release, arch) or None}; queries are names or name-version."""
    if not queries:
        return {}
    done = run(["rpm", "-q", "--qf", QUERY_FORMAT] + list(queries), ok_codes=range(0, 256))
    return parse_rpm_query(queries, done.stdout)


def rpm_snapshot():
    # type: () -> Dict[str, Optional[str]]
    """Every installed package (``_pkg_common``'s ``snapshot``): {name: [epoch:]version-release}."""
    return parse_rpm_snapshot(run(["rpm", "-qa", "--qf", QUERY_FORMAT]).stdout)


def parse_rpm_snapshot(text):
    # type: (str) -> Dict[str, Optional[str]]
    """{name: version} from ``rpm -qa`` lines; a name installed more than once (kernels,
    gpg-pubkey) has its versions sorted and joined by ", "."""
    found = {}  # type: Dict[str, Set[str]]
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[0] and fields[1]:
            found.setdefault(fields[0], set()).add(fields[1])
    return dict((name, ", ".join(sorted(versions))) for name, versions in found.items())


def parse_rpm_query(queries, text):
    # type: (List[str], str) -> Dict[str, Optional[Tuple[str, str, str]]]
    """rpm answers in the order asked: one or more lines per query, or "is not installed".

    A query matching several installed packages (kernel) prints several
    lines; the last one is kept.
    """
    found = dict((q, None) for q in queries)  # type: Dict[str, Optional[Tuple[str, str, str]]]
    index, answered = 0, False
    for line in text.splitlines():
        missing = _not_installed(line)
        if missing is not None:
            if missing in queries[index:]:
                index, answered = queries.index(missing, index) + 1, False
            continue
        fields = line.split("\t")
        if len(fields) != 3 or index >= len(queries):
            continue
        index = _owner(queries, index + 1 if answered else index, fields, index)
        found[queries[index]] = (fields[0], fields[1], fields[2])
        answered = True
    return found


def _not_installed(line):
    # type: (str) -> Optional[str]
    text = line.strip()
    if text.startswith("package ") and text.endswith(" is not installed"):
        return text[len("package "):-len(" is not installed")]
    return None


def _owner(queries, start, fields, fallback):
    # type: (List[str], int, List[str], int) -> int
    """The first query from ``start`` this line answers; else the query being answered."""
    for index in range(start, len(queries)):
        if spec_matches(queries[index], fields[0], fields[1], fields[2]):
            return index
    return fallback


def spec_matches(spec, name, evr, arch):
    # type: (str, str, str, str) -> bool
    """Whether an installed NAME/EVR/ARCH answers the query ``spec`` (name, name-ver, …)."""
    version_release = evr.split(":", 1)[-1]
    version = version_release.rsplit("-", 1)[0]
    forms = set()  # type: Set[str]
    for ver in (version, version_release, evr):
        forms.update(("%s-%s" % (name, ver), "%s-%s.%s" % (name, ver, arch)))
    forms.update((name, "%s.%s" % (name, arch)))
    return spec in forms


def installed_fields(spec, answer):
    # type: (str, Optional[Tuple[str, str, str]]) -> Tuple[str, Optional[str], Optional[str]]
    """(name, version, pin) for Installed: the pin is the spec when it names a version."""
    if answer is None:
        return spec, None, None
    name, evr, arch = answer
    pinned = spec not in (name, "%s.%s" % (name, arch))
    return name, evr, (spec if pinned else None)


def pin_names(spec):
    # type: (str) -> List[str]
    """The names a pinned spec may stand for, longest first: ``a-b-1.0-1`` -> [a-b-1.0, a-b].

    A dash followed by a version (digits, and a dot unless it is only digits) may start
    the version, as ``rpm -q`` reads it; ``python3-3to2`` is a name, not a pin.
    """
    names = []  # type: List[str]
    for i in range(len(spec) - 1, 0, -1):
        rest = spec[i + 1:]
        if spec[i] == "-" and rest[:1].isdigit() and ("." in rest or rest.isdigit()):
            names.append(spec[:i])
    return names

