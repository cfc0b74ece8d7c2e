"""zypper backend: command lines, the XML install summary, error messages, pins."""

import pytest

from corral.modules._api import ModuleError
from corral.modules._pkg_common import ABSENT, Ran
from corral.modules._pkg_zypper import (
    Zypper,
    error_messages,
    parse_xml_summary,
    split_pin,
    zypper_failure,
)

SUMMARY = """\
<?xml version='1.0'?>
<stream>
<message type="info">Loading repository data...</message>
<message type="info">Reading installed packages...</message>
<install-summary download-size="1" space-usage-diff="2" packages-to-change="5">
<to-install>
<solvable type="package" name="tmux" edition="3.3a-1.1" arch="x86_64" summary="terminal multiplexer"/>
<solvable type="pattern" name="base" edition="20170319-1" arch="x86_64"/>
</to-install>
<to-upgrade>
<solvable type="package" name="curl" edition="8.0.1-1.1" edition-old="7.79.1-1.1" arch="x86_64"/>
</to-upgrade>
<to-downgrade>
<solvable type="package" name="vim" edition="9.0-1.1" edition-old="9.1-1.1" arch="x86_64"/>
</to-downgrade>
<to-reinstall>
<solvable type="package" name="bash" edition="5.2-1.1" arch="x86_64"/>
</to-reinstall>
<to-remove>
<solvable type="package" name="nano" edition="5.0-1.1" arch="x86_64"/>
</to-remove>
</install-summary>
</stream>
"""

FAILED = """\
<?xml version='1.0'?>
<stream>
<message type="info">Loading repository data...</message>
<message type="error">No provider of &apos;nosuch&apos; found.</message>
</stream>
"""


def test_parse_xml_summary():
    assert parse_xml_summary(SUMMARY) == [
        ("tmux", ABSENT, "3.3a-1.1"), ("curl", "7.79.1-1.1", "8.0.1-1.1"),
        ("vim", "9.1-1.1", "9.0-1.1"), ("bash", "5.2-1.1", "5.2-1.1"),
        ("nano", "5.0-1.1", ABSENT)]


@pytest.mark.parametrize("text", [
    "<?xml version='1.0'?>\n<stream>\n<message type=\"info\">Nothing to do.</message>\n</stream>\n",
    "not xml at all", ""])
def test_parse_xml_summary_nothing(text):
    assert parse_xml_summary(text) == []


def test_error_messages_become_the_failure():
    assert error_messages(FAILED) == ["No provider of 'nosuch' found."]
    error = zypper_failure(Ran(["zypper", "install", "nosuch"], 104, FAILED, ""))
    assert error.msg == "zypper failed (rc=104): No provider of 'nosuch' found."
    assert error.data["rc"] == 104


@pytest.mark.parametrize("op,targets,args,simulate,expected", [
    ("install", ["tmux", "vim=9.0"], {}, False,
     ["zypper", "--non-interactive", "--xmlout", "install", "--auto-agree-with-licenses",
      "--no-recommends", "--oldpackage", "tmux", "vim=9.0"]),
    ("latest", ["tmux"], {"disable_recommends": False, "force": True,
                          "disable_gpg_check": True}, True,
     ["zypper", "--non-interactive", "--xmlout", "--no-gpg-checks", "install",
      "--auto-agree-with-licenses", "--force", "--dry-run", "tmux"]),
    ("remove", ["tmux"], {"autoremove": True}, False,
     ["zypper", "--non-interactive", "--xmlout", "remove", "--clean-deps", "tmux"]),
])
def test_zypper_command(op, targets, args, simulate, expected):
    assert Zypper().command(op, targets, args, simulate=simulate) == expected


def test_split_pin():
    assert split_pin("vim=9.0") == ("vim", "9.0")
    assert split_pin("vim") == ("vim", None)
    with pytest.raises(ModuleError, match="only exact pins"):
        split_pin("vim>=9")
