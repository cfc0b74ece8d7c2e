"""A shape check of JUnit XML, after the common JUnit schema (Jenkins' junit-10.xsd).

The stdlib has no XSD validator and we add no dependency, so the schema's rules that
CI tools rely on are written out here: the element tree, the required attributes,
numeric counts and times, one outcome per testcase, and counts that add up.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

SUITE_REQUIRED = ("name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname")
CASE_REQUIRED = ("name", "classname", "time")
OUTCOMES = ("failure", "error", "skipped")


def _number(element: ET.Element, attribute: str, kind: type = int) -> float:
    value = element.get(attribute)
    assert value is not None, f"<{element.tag}> lacks {attribute}"
    return kind(value)  # raises on a non-number


def check_junit(text: str) -> ET.Element:
    """Raises AssertionError (or ValueError) when ``text`` is not JUnit XML as CI reads it."""
    root = ET.fromstring(text)
    assert root.tag == "testsuites", root.tag
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite", suite.tag
        for attribute in SUITE_REQUIRED:
            assert suite.get(attribute) is not None, f"testsuite lacks {attribute}"
        _number(suite, "time", float)
        counts = dict.fromkeys(totals, 0)
        for case in suite:
            assert case.tag in ("testcase", "properties", "system-out", "system-err"), case.tag
            if case.tag != "testcase":
                continue
            for attribute in CASE_REQUIRED:
                assert case.get(attribute) is not None, f"testcase lacks {attribute}"
            _number(case, "time", float)
            outcomes = [child for child in case if child.tag in OUTCOMES]
            assert len(outcomes) <= 1, "a testcase has at most one outcome"
            counts["tests"] += 1
            for outcome in outcomes:
                if outcome.tag in ("failure", "error"):
                    assert outcome.get("message") is not None and outcome.get("type") is not None
                counts["failures" if outcome.tag == "failure" else
                       "errors" if outcome.tag == "error" else "skipped"] += 1
        for key, value in counts.items():
            assert _number(suite, key) == value, f"testsuite {key}={suite.get(key)}, found {value}"
            totals[key] += value
    for key, value in totals.items():
        assert _number(root, key) == value, f"testsuites {key}"
    return root
