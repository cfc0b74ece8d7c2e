"""blockinfile, ini_file, replace: the pure edits against tables recorded from ansible-core 2.19
(community.general 12 for ini_file), then each module end to end in-process: change made,
second run unchanged, check mode writes nothing."""

import os

import pytest

from corral.modules.blockinfile import edit_block
from corral.modules.ini_file import edit_ini
from corral.modules.replace import replace_text

from .conftest import run, snapshot

# Recorded from ansible-playbook runs on the same inputs (id, input, args, output, msg).
BLOCK_INPUTS = {'bi-base.txt': 'line1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nline2\nanchor here\nlast', 'bi-plain.txt': 'a\nanchor\nb\n'}
BLOCK_CASES = [
    ('replace', 'bi-base.txt', {'block': 'new1\nnew2'}, 'line1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew1\nnew2\n# END ANSIBLE MANAGED BLOCK\nline2\nanchor here\nlast', 'Block inserted'),
    ('same', 'bi-base.txt', {'block': 'old'}, 'line1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nline2\nanchor here\nlast', ''),
    ('remove', 'bi-base.txt', {'state': 'absent'}, 'line1\nline2\nanchor here\nlast', 'Block removed'),
    ('empty', 'bi-base.txt', {'block': ''}, 'line1\nline2\nanchor here\nlast', 'Block removed'),
    ('eof', 'bi-plain.txt', {'block': 'x'}, 'a\nanchor\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', 'Block inserted'),
    ('after', 'bi-plain.txt', {'block': 'x', 'insertafter': '^anchor'}, 'a\nanchor\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n', 'Block inserted'),
    ('before', 'bi-plain.txt', {'block': 'x', 'insertbefore': '^anchor'}, 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nanchor\nb\n', 'Block inserted'),
    ('bof', 'bi-plain.txt', {'block': 'x', 'insertbefore': 'BOF'}, '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\nanchor\nb\n', 'Block inserted'),
    ('nomatch', 'bi-plain.txt', {'block': 'x', 'insertafter': '^zzz'}, 'a\nanchor\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', 'Block inserted'),
    ('marker', 'bi-plain.txt', {'block': 'x\ny\n', 'marker': '<!-- {mark} -->'}, 'a\nanchor\nb\n<!-- BEGIN -->\nx\ny\n<!-- END -->\n', 'Block inserted'),
    ('nonl', 'bi-base.txt', {'block': 'z', 'insertafter': 'EOF', 'marker': '# {mark} other'}, 'line1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nline2\nanchor here\nlast\n# BEGIN other\nz\n# END other\n', 'Block inserted'),
    ('newlines', 'bi-plain.txt', {'block': 'x', 'insertafter': '^anchor', 'prepend_newline': True, 'append_newline': True}, 'a\nanchor\n\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n\nb\n', 'Block inserted'),
]
INI_BASE = '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n'
INI_CASES = [
    ('change', {'section': 'main', 'option': 'port', 'value': '80'}, '; top comment\nglobal=1\n\n[main]\nport = 80\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'option changed'),
    ('same', {'section': 'main', 'option': 'port', 'value': '22'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'OK'),
    ('add', {'section': 'main', 'option': 'new', 'value': '1'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\nnew = 1\n\n[other]\nkey = v\n', 'option added'),
    ('inactive', {'section': 'main', 'option': 'level', 'value': 'info'}, '; top comment\nglobal=1\n\n[main]\nport = 22\nlevel = info\nname=x\n\n[other]\nkey = v\n', 'option changed'),
    ('newsec', {'section': 'fresh', 'option': 'a', 'value': 'b'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n[fresh]\na = b\n', 'section and option added'),
    ('global', {'section': None, 'option': 'global', 'value': '2'}, '; top comment\nglobal = 2\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'option changed'),
    ('globaladd', {'section': None, 'option': 'g2', 'value': '3'}, '; top comment\nglobal=1\ng2 = 3\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'option added'),
    ('rmopt', {'section': 'main', 'option': 'name', 'state': 'absent'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\n\n[other]\nkey = v\n', 'option changed'),
    ('rmsec', {'section': 'other', 'state': 'absent'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\n\n', 'section removed'),
    ('nospace', {'section': 'main', 'option': 'port', 'value': '81', 'no_extra_spaces': True}, '; top comment\nglobal=1\n\n[main]\nport=81\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'option changed'),
    ('values', {'section': 'main', 'option': 'multi', 'values': ['a', 'b']}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\nmulti = a\nmulti = b\n\n[other]\nkey = v\n', 'option added'),
    ('rmmissing', {'section': 'main', 'option': 'nothere', 'state': 'absent'}, '; top comment\nglobal=1\n\n[main]\nport = 22\n# level = debug\nname=x\n\n[other]\nkey = v\n', 'OK'),
]

BLOCK_DEFAULTS = {"block": "", "marker": "# {mark} ANSIBLE MANAGED BLOCK", "marker_begin": "BEGIN",
                  "marker_end": "END", "state": "present", "insertafter": None,
                  "insertbefore": None, "prepend_newline": False, "append_newline": False}
INI_DEFAULTS = {"section": None, "option": None, "value": None, "values": None, "state": "present",
                "exclusive": True, "no_extra_spaces": False, "ignore_spaces": False,
                "allow_no_value": False, "modify_inactive_option": True}


@pytest.mark.parametrize(("case", "source", "args", "expected", "msg"), BLOCK_CASES,
                         ids=[c[0] for c in BLOCK_CASES])
def test_blockinfile_matches_ansible(case, source, args, expected, msg):
    assert edit_block(BLOCK_INPUTS[source], {**BLOCK_DEFAULTS, **args}) == (expected, msg)


@pytest.mark.parametrize(("case", "args", "expected", "msg"), INI_CASES,
                         ids=[c[0] for c in INI_CASES])
def test_ini_file_matches_ansible(case, args, expected, msg):
    assert edit_ini(INI_BASE, {**INI_DEFAULTS, **args}) == (expected, msg)


REPLACE_BASE = "a=1\nb=2\n[s]\na=3\nEND\na=4\nEND\n"


@pytest.mark.parametrize(("args", "expected", "count"), [
    ({"regexp": r"^a=(\d)", "replace": r"a=\1\1", "after": r"\[s\]", "before": None},
     "a=1\nb=2\n[s]\na=33\nEND\na=44\nEND\n", 2),
    ({"regexp": "^a=", "replace": "A=", "after": None, "before": "END"},  # up to the LAST END
     "A=1\nb=2\n[s]\nA=3\nEND\nA=4\nEND\n", 3),
    ({"regexp": "^a=", "replace": "A=", "after": r"\[s\]", "before": "END"},  # first END after
     "a=1\nb=2\n[s]\nA=3\nEND\na=4\nEND\n", 1),
    ({"regexp": "^a=", "replace": "A=", "after": "nomatch", "before": None}, REPLACE_BASE, 0),
    ({"regexp": "zzz", "replace": "y", "after": None, "before": None}, REPLACE_BASE, 0),
    ({"regexp": r"^(?P<k>\w)=", "replace": r"\g<k>:", "after": None, "before": None},
     "a:1\nb:2\n[s]\na:3\nEND\na:4\nEND\n", 4),
])
def test_replace_sections(args, expected, count):
    assert replace_text(REPLACE_BASE, args) == (expected, count)


# (module, args, message when it changes)
MODULES = [
    ("blockinfile", {"block": "x = 1\ny = 2", "insertafter": "^anchor"}, "Block inserted"),
    ("ini_file", {"section": "main", "option": "port", "value": "80"}, "option changed"),
    ("replace", {"regexp": r"^port = 22$", "replace": "port = 80"}, "1 replacements made"),
]
START = "anchor\n[main]\nport = 22\n"


@pytest.mark.parametrize(("module", "args", "msg"), MODULES, ids=[m[0] for m in MODULES])
def test_three_ways(tmp_path, module, args, msg):
    path = tmp_path / "f.conf"
    path.write_text(START)
    before = snapshot(tmp_path)
    checked = run(module, {"path": str(path), **args}, check=True, diff=True)
    assert checked["status"] == "changed" and snapshot(tmp_path) == before
    assert checked["diff"]["before"] == START
    done = run(module, {"path": str(path), **args, "mode": "0600"})
    assert done["status"] == "changed", done
    assert done["msg"] == msg
    assert path.read_text() != START and oct(os.stat(path).st_mode & 0o777) == "0o600"
    after = snapshot(tmp_path)
    again = run(module, {"path": str(path), **args, "mode": "0600"})
    assert again["status"] == "ok", again
    assert snapshot(tmp_path) == after


@pytest.mark.parametrize(("module", "args", "message"), [
    ("replace", {"regexp": "x"}, "does not exist !"),
    ("replace", {"regexp": "(", "path": "/etc/hostname"}, "invalid regular expression"),
    ("blockinfile", {"block": "x"}, "does not exist !"),
    ("blockinfile", {"block": "x", "marker": "# fixed"}, "must contain {mark}"),
    ("ini_file", {"section": "s", "option": "o"}, "value(s)' must be defined"),
    ("ini_file", {"section": "s", "option": "o", "value": "v", "create": False}, "does not exist!"),
])
def test_bad_input_fails_clearly(tmp_path, module, args, message):
    result = run(module, {"path": str(tmp_path / "missing.conf"), **args})
    assert result["status"] == "failed" and message in result["msg"], result


def test_create_and_absent_on_missing_files(tmp_path):
    path = tmp_path / "sub" / "new.ini"
    created = run("ini_file", {"path": str(path), "section": "a", "option": "b", "value": "c"})
    assert created["status"] == "changed" and path.read_text() == "[a]\nb = c\n"
    gone = run("blockinfile", {"path": str(tmp_path / "none"), "state": "absent"})
    assert gone["status"] == "ok"
    block = run("blockinfile", {"path": str(tmp_path / "b.txt"), "block": "x", "create": True})
    assert block["status"] == "changed"
    assert (tmp_path / "b.txt").read_text() == \
        "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n"
