"""The module registry, the generated reference, and the Python 3.8 rule for module files."""

import ast
import hashlib
from pathlib import Path

import pytest

from corral.errors import PlaybookError
from corral.modules import doc
from corral.modules._api import Arg, Context, run_module
from corral.modules.registry import BUILTIN_DIR, ModuleRegistry, split_name

REPO = Path(__file__).resolve().parents[3]
BUILTINS = ["command", "copy", "file", "lineinfile", "ping", "shell", "stat", "template"]


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("_*.py")) + sorted(
    p for p in BUILTIN_DIR.glob("*.py") if p.stem not in ("registry", "doc")) + sorted(
    (REPO / "modules").glob("*.py")), ids=lambda p: p.name)
def test_module_files_are_python38(path):
    ast.parse(path.read_text(), filename=str(path), feature_version=(3, 8))


def test_builtins_and_names():
    registry = ModuleRegistry()
    assert set(BUILTINS) <= set(registry.names())
    assert not {"registry", "doc", "_api", "_fileattrs"} & set(registry.names())
    assert [i.name for i in registry.builtins()] == registry.names()


@pytest.mark.parametrize("given,expected", [
    ("file", ("file", False)), ("ansible.builtin.file", ("file", True)),
    ("ansible.legacy.file", ("file", False)), ("corral.copy", ("copy", True)),
])
def test_split_name(given, expected):
    assert split_name(given) == expected


def test_module_info_sources_requires_first():
    info = ModuleRegistry().get("ansible.builtin.template")
    assert [name for name, _ in info.sources] == ["_fileattrs", "_filecontent", "template"]
    assert info.sources[-1][1] == (BUILTIN_DIR / "template.py").read_text()
    assert info.prepare == "template" and info.builtin
    assert isinstance(info.args_spec["dest"], Arg) and info.args_spec["dest"].required
    assert len(info.sha) == 64
    assert ModuleRegistry().get("ping").sources == (("ping", (BUILTIN_DIR / "ping.py").read_text()),)


def test_unknown_module_suggests():
    registry = ModuleRegistry()
    assert registry.find("fiel") is None and registry.find("_api") is None
    assert registry.find("registry") is None
    with pytest.raises(PlaybookError) as err:
        registry.get("ansible.builtin.lineinfle")
    assert str(err.value) == ("unknown module 'ansible.builtin.lineinfle'; did you mean "
                              "lineinfile or ini_file or blockinfile? (corral modules lists them)")


def test_user_modules_next_to_the_playbook(tmp_path):
    (tmp_path / "modules").mkdir()
    example = (REPO / "modules" / "motd.py").read_text()
    (tmp_path / "modules" / "motd.py").write_text(example)
    (tmp_path / "modules" / "ping.py").write_text(example)  # a user file overrides a built-in
    registry = ModuleRegistry.for_playbook(tmp_path / "site.yml")
    info = registry.get("motd")
    assert not info.builtin and info.doc.startswith("Set the message of the day")
    assert info.sha == hashlib.sha256(f"motd\0{len(example)}\0{example}".encode()).hexdigest()
    assert registry.get("ping").path == (tmp_path / "modules" / "ping.py").resolve()
    assert registry.get("ansible.builtin.ping").builtin
    assert registry.get("motd") is info  # cached
    assert "motd" in registry.names()


def test_user_module_errors_name_the_file(tmp_path):
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "broken.py").write_text("def oops(:\n")
    (tmp_path / "modules" / "empty.py").write_text("X = 1\n")
    (tmp_path / "modules" / "needs.py").write_text("REQUIRES = ('_nowhere',)\n")
    registry = ModuleRegistry.for_playbook(tmp_path / "site.yml")
    with pytest.raises(PlaybookError, match=r"broken.py:1: syntax error"):
        registry.get("broken")
    with pytest.raises(PlaybookError, match=r"does not define inspect, plan, apply, ARGS"):
        registry.get("empty")
    with pytest.raises(PlaybookError, match=r"support file _nowhere.py required"):
        registry.get("needs")


def test_example_module_triple(tmp_path):
    info = ModuleRegistry([REPO / "modules"]).get("motd")
    import importlib.util
    spec = importlib.util.spec_from_file_location("motd_example", str(info.path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = {"text": "hi", "path": str(tmp_path / "motd")}
    assert run_module(module, args, Context(check=True))["status"] == "changed"
    assert not (tmp_path / "motd").exists()
    assert run_module(module, args, Context())["status"] == "changed"
    again = run_module(module, args, Context())
    assert (again["status"], again["msg"]) == ("ok", "%s already shows this message"
                                               % (tmp_path / "motd"))


def test_doc_rows_and_markdown():
    info = ModuleRegistry().get("file")
    rows = doc.arg_rows(info)
    assert rows[0].name == "path" and rows[0].required and rows[0].aliases == "dest, name"
    state = next(r for r in rows if r.name == "state")
    assert state.choices == "file, directory, absent, touch, link, hard"
    assert next(r for r in rows if r.name == "recurse").default == "no"
    table = doc.markdown([info])
    assert table.startswith("### file\n\nManage files")
    assert "| path (aliases: dest, name) | path | yes |  |  | Path to manage. |" in table
    assert all(spec.doc for i in ModuleRegistry().builtins() for spec in i.args_spec.values())
