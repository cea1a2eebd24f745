"""Where the real-page corpus lives: ``$ERRATA_SHARED/fixtures``, by default ``../shared`` beside the checkout.

The corpus (real copies of the exchanges' pages) is not in the repository, so
a bare clone has none. Tests that need it carry ``@pytest.mark.corpus`` and are
skipped there; ``bench/`` reads the same setting. Nothing here imports pytest.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ERRATA_SHARED") or REPO.parent / "shared")
FIXTURES = SHARED / "fixtures"
REQUIRED = os.environ.get("ERRATA_REQUIRE_CORPUS", "") not in ("", "0")  # CI: a skip is a failure
SKIP_REASON = f"needs the real-page corpus: no {FIXTURES}"
HOW_TO_RUN = (
    "set ERRATA_SHARED to the folder that holds fixtures/ (e.g. ERRATA_SHARED=../shared make test)"
)


def available() -> bool:
    return FIXTURES.is_dir()


def fixture(name: str) -> Path:
    """A corpus file for the benchmarks; a missing corpus is one clear error, not a traceback."""
    path = FIXTURES / name
    if not path.exists():
        raise SystemExit(f"bench: {path} not found; {HOW_TO_RUN}")
    return path
