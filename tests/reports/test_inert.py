"""Page text that would act on a reader, through every output errata renders.

The changes here hold escape sequences, BEL, backspace, CR and bidi controls
in every text field, as a database written before page text was cleaned on
entry may (today's parsers clean it: tests/parsers/test_sanitise.py). Each
format and channel must still show none of them: escape sequences and
controls gone, bidi controls shown as ``<U+202E>``, the words kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from errata.differ import KINDS, Change, Kind
from errata.parsers import Entry
from errata.reports import Report, render
from errata.reports.snapshot import SourceInfo, render_snapshot
from errata.reports.terminal import paint
from tests.parsers.test_sanitise import ACTIVE, TERMINAL
from tests.reports.test_kinds import OUTPUTS, SAMPLES

# Every field a page fills (source and exchange come from sources.toml).
TEXT_FIELDS = (
    "code", "new_code", "section", "old_section", "old_message", "new_message", "column",
    "old_detail", "new_detail",
)  # fmt: skip
# The visible form of U+202E in each output's own escaping (plain, Markdown, HTML/XML/Slack).
SHOWN = re.compile(r"(?:<|\\<|&lt;)U\+202E(?:>|&gt;)evil")
DATA = {"json", "webhook"}  # the contract's data: JSON escapes controls, values stay as stored


def hostile(kind: Kind) -> Change:
    change = SAMPLES[kind]
    texts = {name: getattr(change, name) for name in TEXT_FIELDS}
    return replace(
        change, **{name: f"{value} {TERMINAL}" for name, value in texts.items() if value}
    )


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("kind", KINDS)
def test_no_output_lets_page_text_act_on_its_reader(
    kind: Kind, output: str, request: pytest.FixtureRequest
) -> None:
    text = OUTPUTS[output](hostile(kind), request)
    if output == "email":
        text = text.replace("\r\n", "\n")  # SMTP's own line ends
    if output in DATA:
        assert re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) is None  # escaped as \u001b …
        return
    assert ACTIVE.search(text) is None, repr(text)
    assert SHOWN.search(text), text  # the override is shown, not obeyed
    assert "\x1b" not in text and "not found" in text  # a hyperlink's words stay, its target goes
    assert "evil.example" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_the_terminal_gets_only_errata_s_own_colours(kind: Kind) -> None:
    coloured = paint(render("text", Report([hostile(kind)], title="errata")))
    sequences = re.findall(r"\x1b[^m]*m", coloured)
    assert sequences and all(re.fullmatch(r"\x1b\[[0-9;]*m", s) for s in sequences)
    assert ACTIVE.search(re.sub(r"\x1b\[[0-9;]*m", "", coloured)) is None


def test_a_snapshot_file_shows_no_control_or_override() -> None:
    entries = [Entry(f"5{TERMINAL}", TERMINAL, f"Sec {TERMINAL}", extra={"Hint": TERMINAL})]
    text = render_snapshot(SourceInfo("evil-ws", "evil", "https://evil.example/#x"), entries, None)
    assert ACTIVE.search(text) is None and SHOWN.search(text)


def test_json_reports_carry_what_the_store_holds() -> None:
    change = hostile("reworded")
    assert json.loads(render("json", Report([change])))[0]["new_message"] == change.new_message
