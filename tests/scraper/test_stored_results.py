"""Speed never changes what is stored (issue 16): every golden page, through the pipeline.

Each golden case's page goes through ``pipeline.ingest`` (archive, section-first
reading, diff, store) into one store, and the entries stored for it must be
exactly the golden file's: the parsers' output pinned before any of the
performance work, compared by the store's own content digest and row by row.
The archive must give the page back byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from errata.db.store import Store, digest
from errata.parsers import Entry
from errata.scraper import pipeline
from errata.scraper.archive import Archive, sha256
from errata.scraper.config import parse as parse_config
from tests.parsers.test_golden import CASES, Case
from tests.support import fixture_bytes

pytestmark = pytest.mark.corpus
WITH_CODES = [case for case in CASES if case.count]  # a page without codes is held back


def golden_entries(case: Case) -> list[Entry]:
    rows = json.loads(case.golden.read_text(encoding="utf-8"))["entries"]
    return [Entry(r["code"], r["message"], r["section"], r["locale"], r["extra"]) for r in rows]


def test_every_golden_page_is_stored_as_its_golden_entries(tmp_path: Path) -> None:
    raw = {
        "source": [
            {"id": f"case-{n:02d}", "exchange": "golden", "parser": case.parser,
             "url": case.url or f"https://golden.test/{case.fixture}"}
            for n, case in enumerate(WITH_CODES)
        ]
    }  # fmt: skip
    config = parse_config(raw, tmp_path / "sources.toml")
    store = Store.open(tmp_path / "errata.db")
    archive = Archive(tmp_path / "snapshots")
    try:
        for case, source in zip(WITH_CODES, config.sources, strict=True):
            body = fixture_bytes(case.fixture)
            outcome = pipeline.ingest(store, archive, source, body, "2026-12-01T00:00:00Z")
            assert outcome.status == "baseline", (case.id, outcome.problem)
            stored = store.current(source.id)
            expected = golden_entries(case)
            assert digest(stored) == digest(expected), case.id
            assert [(e.code, e.message, e.section) for e in stored] == [
                (e.code, e.message, e.section) for e in expected
            ], case.id
            assert archive.get(sha256(body)) == body
    finally:
        store.close()
