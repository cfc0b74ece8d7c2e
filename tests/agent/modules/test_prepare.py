"""Controller-side steps: copy reads local files, template renders."""

import base64
import hashlib
import os

import jinja2
import pytest

from corral.errors import PlaybookError, TemplateError
from corral.prepare import PrepareContext, prepare
from corral.prepare.copy import INLINE_LIMIT

from .conftest import run


def _render(variables):
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return lambda text, path, options: env.overlay(**options).from_string(text).render(variables)


def test_copy_small_file_inline(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.cfg").write_bytes(b"\x00bin")
    (tmp_path / "a.cfg").write_bytes(b"other")
    prepared = prepare("copy", {"src": "a.cfg", "dest": "/x"}, PrepareContext(tmp_path))
    assert prepared.upload is None
    assert base64.b64decode(prepared.args["_content_b64"]) == b"\x00bin"
    assert prepared.args["src"] == "a.cfg"


def test_copy_role_files_first(tmp_path):
    role = tmp_path / "roles" / "web"
    (role / "files").mkdir(parents=True)
    (role / "files" / "a").write_text("role")
    (tmp_path / "a").write_text("playbook")
    prepared = prepare("copy", {"src": "a", "dest": "/x"}, PrepareContext(tmp_path, role))
    assert base64.b64decode(prepared.args["_content_b64"]) == b"role"


def test_copy_big_file_is_streamed(tmp_path):
    data = b"y" * (INLINE_LIMIT + 1)
    (tmp_path / "big").write_bytes(data)
    prepared = prepare("copy", {"src": "big", "dest": "/x"}, PrepareContext(tmp_path))
    assert prepared.upload == tmp_path / "big"
    assert prepared.args["_checksum"] == hashlib.sha1(data).hexdigest()
    assert "_content_b64" not in prepared.args


def test_copy_errors(tmp_path):
    with pytest.raises(PlaybookError) as err:
        prepare("copy", {"src": "nope", "dest": "/x"}, PrepareContext(tmp_path))
    assert str(err.value) == f"copy: src file 'nope' not found; looked in: {tmp_path}/files, {tmp_path}"
    (tmp_path / "file").write_text("x")
    with pytest.raises(PlaybookError, match="ends with / but .* is not a directory"):
        prepare("copy", {"src": "file/", "dest": "/x"}, PrepareContext(tmp_path))


@pytest.mark.parametrize(("src", "dirs", "files"), [
    ("app/", ["conf"], ["run.sh", "conf/a.ini"]),
    ("app", ["app", "app/conf"], ["app/run.sh", "app/conf/a.ini"]),
])
def test_copy_directory_manifest(tmp_path, src, dirs, files):
    (tmp_path / "files" / "app" / "conf").mkdir(parents=True)
    (tmp_path / "files" / "app" / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "files" / "app" / "conf" / "a.ini").write_text("[a]\n")
    tree = prepare("copy", {"src": src, "dest": "/x"}, PrepareContext(tmp_path)).args["_tree"]
    assert tree["dirs"] == dirs
    assert [rel for rel, _ in tree["files"]] == files
    assert base64.b64decode(tree["files"][0][1]) == b"#!/bin/sh\n"


def test_copy_remote_src_is_not_read_here(tmp_path):
    args = {"src": "/etc/hosts", "dest": "/x", "remote_src": True}
    assert prepare("copy", args, PrepareContext(tmp_path)).args == args


def test_copy_with_content_is_unchanged(tmp_path):
    prepared = prepare("copy", {"content": "x", "dest": "/x"}, PrepareContext(tmp_path))
    assert prepared.args == {"content": "x", "dest": "/x"}


def test_template_render_then_module(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "app.conf.j2").write_text("port={{ port }}\n")
    ctx = PrepareContext(tmp_path, render=_render({"port": 8080}))
    dest = tmp_path / "app.conf"
    prepared = prepare("template", {"src": "app.conf.j2", "dest": str(dest)}, ctx)
    assert prepared.args["_content"] == "port=8080\n"
    result = run("template", dict(prepared.args), diff=True)
    assert result["status"] == "changed" and dest.read_text() == "port=8080\n"
    assert result["diff"]["after_header"] == "app.conf.j2"
    assert run("template", dict(prepared.args))["status"] == "ok"


def test_template_not_found_and_undefined(tmp_path):
    ctx = PrepareContext(tmp_path, render=_render({}))
    with pytest.raises(TemplateError) as err:
        prepare("template", {"src": "app.conf.j2", "dest": "/x"}, ctx)
    assert str(err.value) == (f"template 'app.conf.j2' not found; looked in: {tmp_path}/templates, {tmp_path}")
    (tmp_path / "t.j2").write_text("{{ missing }}")
    with pytest.raises(jinja2.UndefinedError):
        prepare("template", {"src": "t.j2", "dest": "/x"}, ctx)


@pytest.mark.parametrize("content,written", [
    ({"a": 1, "b": ["x"]}, '{"a": 1, "b": ["x"]}'),
    (["b", "a"], '["b", "a"]'),
    ("text", "text"),
])
def test_copy_structured_content_is_json_as_in_ansible(tmp_path, content, written):
    prepared = prepare("copy", {"content": content, "dest": "/x"}, PrepareContext(tmp_path))
    assert prepared.args["content"] == written


def _templar_context(tmp_path, variables):
    from corral.templating import CorralEnvironment, Templar

    templar = Templar(CorralEnvironment(), variables)
    return PrepareContext(tmp_path, render=templar.render_text)


@pytest.mark.parametrize("options,text,expected", [
    ({}, "{% if x %}\n  a\n{% endif %}\n", "  a\n"),
    ({"trim_blocks": False}, "{% if x %}\na\n{% endif %}\n", "\na\n"),  # ansible-core 2.19
    ({"lstrip_blocks": "yes"}, "  {% if x %}\na\n  {% endif %}\n", "a\n"),
    ({"variable_start_string": "[[", "variable_end_string": "]]"}, "[[ x ]] {{ x }}\n",
     "1 {{ x }}\n"),
    ({"block_start_string": "<%", "block_end_string": "%>"}, "<% if x %>y<% endif %>\n", "y\n"),
    ({"comment_start_string": "<#", "comment_end_string": "#>"}, "a<# c #>{# k #}\n",
     "a{# k #}\n"),
    ({"newline_sequence": "\\r\\n"}, "a\nb\n", "a\r\nb\r\n"),
    ({}, "{% if x %}y{% endif %}\n", "y\n"),
    ({}, "{% for i in [1] %}{{ i }}{% endfor %}\n\n", "1\n\n"),
    ({"newline_sequence": "\r\n"}, "{% if x %}y{% endif %}\n", "y\r\n"),
])
def test_template_jinja_options(tmp_path, options, text, expected):
    (tmp_path / "t.j2").write_text(text)
    prepared = prepare("template", dict(options, src="t.j2", dest="/x"),
                       _templar_context(tmp_path, {"x": 1}))
    assert prepared.args["_content"] == expected


def test_template_output_encoding_and_mode_preserve(tmp_path):
    (tmp_path / "t.j2").write_text("caf\u00e9 {{ x }}\n")
    os.chmod(str(tmp_path / "t.j2"), 0o640)
    dest = tmp_path / "out"
    prepared = prepare("template", {"src": "t.j2", "dest": str(dest), "mode": "preserve",
                                    "output_encoding": "latin-1"},
                       _templar_context(tmp_path, {"x": 1}))
    assert prepared.args["mode"] == "0640" and "_content" not in prepared.args
    assert run("template", dict(prepared.args))["status"] == "changed"
    assert dest.read_bytes() == "caf\u00e9 1\n".encode("latin-1")
    assert oct(os.stat(str(dest)).st_mode & 0o777) == "0o640"
    assert run("template", dict(prepared.args))["status"] == "ok"


def test_copy_remote_src_mode_preserve_and_directory_mode(tmp_path):
    src = tmp_path / "on-host"
    src.write_text("data\n")
    os.chmod(str(src), 0o600)
    args = {"src": str(src), "dest": str(tmp_path / "new/dir") + "/", "remote_src": True,
            "mode": "preserve", "directory_mode": "0750", "decrypt": True}
    prepared = prepare("copy", args, PrepareContext(tmp_path))
    assert dict(prepared.args) == args
    check = run("copy", dict(prepared.args), check=True)
    assert check["status"] == "changed" and not (tmp_path / "new").exists()
    done = run("copy", dict(prepared.args))
    dest = tmp_path / "new/dir/on-host"
    assert done["status"] == "changed" and dest.read_text() == "data\n"
    assert oct(os.stat(str(dest)).st_mode & 0o777) == "0o600"
    assert oct(os.stat(str(tmp_path / "new/dir")).st_mode & 0o777) == "0o750"
    assert done["data"]["mode"] == "0600" and done["data"]["md5sum"]
    assert run("copy", dict(prepared.args))["status"] == "ok"


def test_copy_local_mode_preserve_and_local_follow(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a").write_text("x")
    os.chmod(str(tmp_path / "files" / "a"), 0o751)
    (tmp_path / "files" / "l").symlink_to("a")
    ctx = PrepareContext(tmp_path)
    prepared = prepare("copy", {"src": "a", "dest": "/x", "mode": "preserve"}, ctx)
    assert prepared.args["mode"] == "0751"
    assert prepare("copy", {"src": "l", "dest": "/x"}, ctx).args["_content_b64"] == "eA=="
    with pytest.raises(PlaybookError, match="is a symlink and local_follow is no"):
        prepare("copy", {"src": "l", "dest": "/x", "local_follow": False}, ctx)
