"""The dependency direction of DESIGN.md §1, checked on the imports themselves.

``scraper`` is the application shell: it may import every other package, and
nothing outside it imports it (``cron`` gets its run handed in by the CLI), so
there is no cycle between packages. ``parsers`` and ``differ`` import nothing
else of errata but ``errata.errors``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO

ALLOWED = {  # package -> the errata packages it may import
    "cron": {"cron", "db", "errors"},
    "db": {"db", "parsers", "differ", "errors"},
    "differ": {"differ", "parsers", "errors"},
    "parsers": {"parsers", "errors"},
    "reports": {"reports", "differ", "parsers", "db", "errors"},
}


def errata_imports(path: Path) -> set[str]:
    """The errata packages a module imports (``errata.db.times`` → ``db``), at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = (
            [a.name for a in node.names] if isinstance(node, ast.Import)
            else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )  # fmt: skip
        found |= {n.split(".")[1] for n in names if n.startswith("errata.") and n.count(".") >= 1}
        if isinstance(node, ast.ImportFrom) and node.module == "errata":
            found |= {a.name for a in node.names}
    return found - {"__version__"}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_it_may(package: str) -> None:
    for module in sorted((REPO / package).rglob("*.py")):
        extra = errata_imports(module) - ALLOWED[package]
        assert not extra, (
            f"{module.relative_to(REPO)} imports errata.{', errata.'.join(sorted(extra))}"
        )


def test_the_scheduler_loads_without_the_application_shell() -> None:
    code = "import sys, errata.cron.daemon; print(sorted(m for m in sys.modules if m.startswith('errata.scraper')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
