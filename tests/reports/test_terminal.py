"""Colour on a terminal: severities, and the changed words of every kind with a before and after."""

from __future__ import annotations

import re

import pytest

from errata.differ import KINDS, Kind
from errata.reports import Report, render
from errata.reports.terminal import WORDS, paint
from errata.reports.text import render_text
from tests.reports.test_kinds import SAMPLES

SGR = re.compile(r"\x1b\[[0-9;]*m")
# The words each kind's before/after pair changes (kinds without one mark nothing).
CHANGED = {"reworded": ("failure", "outage"), "detail_changed": ("Kilo", "Lima")}


@pytest.mark.parametrize("kind", KINDS)
def test_colour_adds_nothing_but_colour(kind: Kind) -> None:
    report = Report([SAMPLES[kind]], title="errata", generated_at="2026-02-01T02:00:00Z")
    coloured = paint(render_text(report, marks=WORDS))
    assert SGR.sub("", coloured) == render("text", report)  # the same text, only coloured
    marked = re.findall(r"\x1b\[9;31m(.*?)\x1b\[0m|\x1b\[1;32m(.*?)\x1b\[0m", coloured)
    old, new = CHANGED.get(kind, (None, None))
    assert marked == ([(old, ""), ("", new)] if old else [])


def test_a_changed_word_on_a_continuation_line_keeps_its_indent() -> None:
    from dataclasses import replace

    change = replace(SAMPLES["reworded"], old_message="one\ntwo three", new_message="one\ntwo four")
    text = render_text(Report([change]), marks=WORDS)
    assert "\n                  two \x1b[1;32mfour\x1b[0m" in text
