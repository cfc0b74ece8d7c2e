"""Each lookup, table-driven: terms and options in, the list out (or the error message)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from corral.lookups import LOOKUPS, LookupContext, LookupFailed, run_lookup
from corral.templating import CorralEnvironment, Templar, UnsafeText, is_unsafe


@pytest.fixture
def play_dir(tmp_path: Path) -> Path:
    (tmp_path / "files" / "conf.d").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "files" / "a.txt").write_text("alpha\n\n")
    (tmp_path / "b.txt").write_text("  beta  \n")
    (tmp_path / "files" / "conf.d" / "x.conf").write_text("x")
    (tmp_path / "files" / "conf.d" / "y.conf").write_text("y")
    (tmp_path / "files" / "conf.d" / "sub.conf").mkdir()
    (tmp_path / "templates" / "t.j2").write_text("{{ greeting }} {{ name | default('you') }}\n")
    (tmp_path / "templates" / "block.j2").write_text("a\n{% if true %}b{% endif %}\n")
    (tmp_path / "templates" / "evil.j2").write_text("{{ '{{' }} x {{ '}}' }}")
    return tmp_path


def ctx_for(play_dir: Path, **variables: Any) -> LookupContext:
    scope = {"playbook_dir": str(play_dir), "greeting": "hi", "port": 80,
             "groups": {"all": ["w1", "w2", "d1"], "web": ["w1", "w2"], "db": ["d1"],
                        "ungrouped": []}, **variables}
    return LookupContext(scope, CorralEnvironment(cache_size=16))


def run(play_dir: Path, name: str, terms: list[Any], **kwargs: Any) -> list[Any]:
    return run_lookup(name, terms, kwargs, ctx_for(play_dir))


USERS = [{"name": "ann", "groups": ["wheel", "dev"], "k": {"ssh": ["k1"]}},
         {"name": "bob", "groups": ["dev"], "k": {"ssh": []}}, {"name": "cid"}]

CASES: list[tuple[str, str, list[Any], dict[str, Any], list[Any]]] = [
    ("file from files/, trailing blanks stripped", "file", ["a.txt"], {}, ["alpha"]),
    ("file beside the playbook", "file", ["b.txt"], {}, ["  beta"]),
    ("file lstrip and no rstrip", "file", ["b.txt"], {"lstrip": True, "rstrip": False}, ["beta  \n"]),
    ("items flattens one level", "items", [[1, [2, 3]], 4], {}, [1, [2, 3], 4]),
    ("list keeps lists", "list", [[1, 2], 3], {}, [[1, 2], 3]),
    ("indexed_items", "indexed_items", ["a", ["b", "c"]], {}, [[0, "a"], [1, "b"], [2, "c"]]),
    ("together pads with None", "together", [[1, 2], ["a"]], {}, [[1, "a"], [2, None]]),
    ("nested", "nested", [["a", "b"], [1, 2]], {}, [["a", 1], ["a", 2], ["b", 1], ["b", 2]]),
    ("nested flattens inner lists", "nested", [["x"], [[1, 2], 3]], {}, [["x", 1, 2], ["x", 3]]),
    ("dict", "dict", [{"a": 1, "b": 2}], {}, [{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
    ("subelements", "subelements", [USERS, "groups", {"skip_missing": True}], {},
     [[{"name": "ann", "k": {"ssh": ["k1"]}}, "wheel"], [{"name": "ann", "k": {"ssh": ["k1"]}}, "dev"],
      [{"name": "bob", "k": {"ssh": []}}, "dev"]]),
    ("subelements of a nested key", "subelements", [USERS, "k.ssh", {"skip_missing": True}], {},
     [[{"name": "ann", "groups": ["wheel", "dev"], "k": {}}, "k1"]]),
    ("subelements of a mapping", "subelements", [{"a": {"n": "a", "l": [1]}}, "l"], {},
     [[{"n": "a"}, 1]]),
    ("random_choice of one", "random_choice", ["only"], {}, ["only"]),
    ("random_choice of none", "random_choice", [], {}, []),
    ("sequence start/end", "sequence", ["start=1 end=3"], {}, ["1", "2", "3"]),
    ("sequence count and format", "sequence", ["start=5 count=3 stride=5 format=n%02d"], {},
     ["n05", "n10", "n15"]),
    ("sequence end only", "sequence", ["end=2"], {}, ["1", "2"]),
    ("sequence hex", "sequence", ["start=0x0a end=0x0c format=%x"], {}, ["a", "b", "c"]),
    ("sequence leading zeros are decimal", "sequence", ["start=08 end=010"], {}, ["8", "9", "10"]),
    ("sequence shorthand", "sequence", ["4-8/2:host%d"], {}, ["host4", "host6", "host8"]),
    ("sequence shorthand end only", "sequence", ["3"], {}, ["1", "2", "3"]),
    ("sequence counting down", "sequence", ["start=5 end=1 stride=-2"], {}, ["5", "3", "1"]),
    ("sequence count 0", "sequence", ["count=0"], {}, []),
    ("sequence options as keywords", "sequence", [""], {"start": 2, "end": 3}, ["2", "3"]),
    ("env", "env", ["CORRAL_TEST_LOOKUP_ENV"], {}, ["from-env"]),
    ("env default", "env", ["CORRAL_TEST_NOT_SET"], {"default": "d"}, ["d"]),
    ("vars", "vars", ["port", "greeting"], {}, [80, "hi"]),
    ("vars default", "vars", ["nope"], {"default": 1}, [1]),
    ("pipe", "pipe", ["echo one; echo two"], {}, ["one\ntwo"]),
    ("pipe runs in the playbook's folder", "pipe", ["cat b.txt"], {}, ["  beta"]),
    ("lines", "lines", ["printf 'a\\nb\\n'"], {}, ["a", "b"]),
    ("inventory_hostnames", "inventory_hostnames", ["all:!db"], {}, ["w1", "w2"]),
    ("inventory_hostnames union", "inventory_hostnames", ["db", "web[0]"], {}, ["d1", "w1"]),
    ("template", "template", ["t.j2"], {}, ["hi you\n"]),
    ("template with template_vars", "template", ["t.j2"], {"template_vars": {"name": "ann"}},
     ["hi ann\n"]),
    ("template keeps its last newline after a block", "template", ["block.j2"], {}, ["a\nb\n"]),
    ("password from /dev/null with a seed", "password", ["/dev/null length=6 chars=digits seed=1"],
     {}, ["770166"]),  # the same as ansible-core gives
]


@pytest.mark.parametrize(("name", "terms", "kwargs", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_lookup(play_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str, terms: list[Any],
                kwargs: dict[str, Any], expected: list[Any]) -> None:
    monkeypatch.setenv("CORRAL_TEST_LOOKUP_ENV", "from-env")
    assert run(play_dir, name, terms, **kwargs) == expected


def test_fileglob_gives_files_only_from_files_dir(play_dir: Path) -> None:
    found = run(play_dir, "fileglob", ["conf.d/*.conf"])
    assert sorted(found) == [str(play_dir / "files/conf.d/x.conf"), str(play_dir / "files/conf.d/y.conf")]
    assert run(play_dir, "fileglob", ["*.txt"]) == [str(play_dir / "files/a.txt")]
    assert run(play_dir, "fileglob", ["nothing-*"]) == []


FIRST_FOUND: list[tuple[str, list[Any], dict[str, Any], str | None]] = [
    ("first existing name", ["missing.txt", "b.txt", "a.txt"], {}, "b.txt"),
    ("files/ before the playbook folder", ["a.txt"], {}, "files/a.txt"),
    ("files and paths", [{"files": ["x.conf", "y.conf"], "paths": ["{d}/files/conf.d"]}], {},
     "files/conf.d/x.conf"),
    ("comma-separated names", ["missing.txt,a.txt"], {}, "files/a.txt"),
    ("options as keywords", [], {"files": ["nope", "b.txt"]}, "b.txt"),
    ("skip", [{"files": ["none.txt"], "skip": True}], {}, None),
]


@pytest.mark.parametrize(("terms", "kwargs", "expected"), [c[1:] for c in FIRST_FOUND],
                         ids=[c[0] for c in FIRST_FOUND])
def test_first_found(play_dir: Path, terms: list[Any], kwargs: dict[str, Any],
                     expected: str | None) -> None:
    terms = [{k: [p.format(d=play_dir) for p in v] if k == "paths" else v for k, v in t.items()}
             if isinstance(t, dict) else t for t in terms]
    found = run(play_dir, "first_found", terms, **kwargs)
    assert found == ([] if expected is None else [str(play_dir / expected)])


ERRORS: list[tuple[str, str, list[Any], dict[str, Any], str]] = [
    ("missing file", "file", ["nope.txt"], {}, "lookup 'file': could not find file 'nope.txt'"),
    ("missing template", "template", ["nope.j2"], {}, "could not find file 'nope.j2'"),
    ("first_found none", "first_found", ["a", "b"], {}, "none of these files was found: a, b"),
    ("vars missing", "vars", ["nope"], {}, "no variable named 'nope'"),
    ("pipe fails", "pipe", ["echo bad >&2; exit 3"], {}, "exited 3: bad"),
    ("sequence both", "sequence", ["count=2 end=3"], {}, "give count or end, not both"),
    ("sequence backwards", "sequence", ["start=5 end=1"], {}, "make stride negative"),
    ("sequence junk", "sequence", ["from=1"], {}, "unknown argument 'from=1'"),
    ("sequence no end", "sequence", ["start=3"], {}, "must give count or end"),
    ("sequence bad number", "sequence", ["end=x"], {}, "end='x' is not a number"),
    ("subelements missing key", "subelements", [USERS, "groups"], {}, "could not find 'groups' key"),
    ("subelements not a list", "subelements", [[{"a": 1}], "a"], {}, "should point to a list"),
    ("together needs lists", "together", ["abc"], {}, "needs lists"),
    ("password encrypt", "password", ["/dev/null encrypt=sha512_crypt"], {}, "encrypt="),
    ("password junk", "password", ["/dev/null colour=red"], {}, "unknown parameter 'colour=red'"),
    ("unknown lookup", "nosuch", [], {}, "lookup 'nosuch' is not supported by corral"),
    ("bad errors=", "file", ["a.txt"], {"errors": "loud"}, "errors must be one of"),
]


@pytest.mark.parametrize(("name", "terms", "kwargs", "message"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
def test_lookup_errors(play_dir: Path, name: str, terms: list[Any], kwargs: dict[str, Any],
                       message: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        run(play_dir, name, terms, **kwargs)
    assert message in str(caught.value)


@pytest.mark.parametrize("errors", ["ignore", "warn"])
def test_errors_ignore_and_warn_give_nothing(play_dir: Path, errors: str) -> None:
    assert run(play_dir, "file", ["nope.txt"], errors=errors) == []


def test_password_file_is_created_once_and_kept(play_dir: Path) -> None:
    first = run(play_dir, "password", ["creds/db length=16 chars=ascii_letters"])
    path = play_dir / "creds" / "db"
    assert len(first[0]) == 16 and first[0].isalpha()
    assert path.read_text() == first[0] + "\n"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert run(play_dir, "password", ["creds/db length=40"]) == first  # kept, not regenerated


def test_password_default_length_and_chars(play_dir: Path) -> None:
    value = run(play_dir, "password", ["/dev/null"])[0]
    assert len(value) == 20
    assert set(value) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_")
    assert not (play_dir / "dev").exists()


def test_results_are_unsafe(play_dir: Path) -> None:
    rendered = run(play_dir, "template", ["evil.j2"])
    assert rendered == ["{{ x }}"] and isinstance(rendered[0], UnsafeText)
    assert is_unsafe(run(play_dir, "items", [["a"]]))


def test_every_lookup_has_a_row() -> None:
    tested = {c[1] for c in CASES} | {"fileglob", "first_found"}
    assert set(LOOKUPS) == tested


TEMPLATES: list[tuple[str, str, Any]] = [
    ("lookup joins strings", "{{ lookup('items', ['a', 'b']) }}", "a,b"),
    ("lookup of one non-string gives it", "{{ lookup('items', [3]) }}", 3),
    ("lookup of numbers gives the list", "{{ lookup('items', [1, 2]) }}", [1, 2]),
    ("wantlist", "{{ lookup('items', 'a', wantlist=True) }}", ["a"]),
    ("query", "{{ query('items', 'a', 'b') }}", ["a", "b"]),
    ("q", "{{ q('sequence', 'end=2') }}", ["1", "2"]),
    ("terms as separate arguments", "{{ lookup('vars', 'port', 'greeting', wantlist=True) }}",
     [80, "hi"]),
    ("errors=ignore in lookup is None", "{{ lookup('file', 'nope', errors='ignore') is none }}", True),
    ("errors=ignore in query is []", "{{ query('file', 'nope', errors='ignore') }}", []),
    ("the data is never rendered again", "{{ lookup('template', 'evil.j2') }}", "{{ x }}"),
    ("ansible.builtin. names", "{{ lookup('ansible.builtin.vars', 'port') }}", 80),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TEMPLATES], ids=[c[0] for c in TEMPLATES])
def test_in_templates(play_dir: Path, text: str, expected: Any) -> None:
    ctx = ctx_for(play_dir, x="EVALUATED")
    assert Templar(ctx.env, ctx.variables).render(text) == expected


def test_search_path_given_by_the_caller_wins(play_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    role = tmp_path_factory.mktemp("role")
    (role / "files").mkdir()
    (role / "files" / "a.txt").write_text("from the role\n")
    base = ctx_for(play_dir)
    ctx = LookupContext(base.variables, base.env, (role, play_dir))
    assert run_lookup("file", ["a.txt"], {}, ctx) == ["from the role"]
    assert run_lookup("file", ["b.txt"], {}, ctx) == ["  beta"]  # then the playbook's folder
    by_variable = ctx_for(play_dir, ansible_search_path=[str(role)])
    assert run_lookup("file", ["a.txt"], {}, by_variable) == ["from the role"]
    by_role_path = ctx_for(play_dir, role_path=str(role))
    assert run_lookup("first_found", ["a.txt"], {}, by_role_path) == [str(role / "files" / "a.txt")]
