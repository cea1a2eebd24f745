"""errata against urlwatch on the same pages (issue 16's peer benchmark).

50 real fixture pages (the golden cases of ``../shared/fixtures``, in turn),
each on its own loopback host (127.0.0.10 to 127.0.0.59) answering after
200 ms with an ETag and a Last-Modified, are watched by ``errata run`` and by
``urlwatch`` (from the bench extra) as real processes: the first night (fresh
state: every page fetched, and for errata parsed, archived and stored) and an
unchanged night (the same state again: every page answers 304 to the stored
ETag). Rounds interleave the two tools, alternating which goes first; the
figures are medians. Wall and CPU come from ``wait4`` on each process, peak
memory from the process's own VmHWM (see ``measure``).

Both tools run as installed: with their modules' bytecode cached. pip compiled
urlwatch's when it was installed, but errata is an editable install here, and
with ``PYTHONDONTWRITEBYTECODE`` set (as on this machine) it would compile its
own sources on every start. So every process of the benchmark gets one bytecode
cache of its own (``PYTHONPYCACHEPREFIX``), filled by an untimed warm-up round.

Targets: first night errata wall ≤ 0.8× urlwatch's and CPU ≤ 1.5× urlwatch's;
unchanged night wall ≤ 0.5× urlwatch's.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from errata.scraper.localserver import Page, PageServer
from tests.parsers.test_golden import CASES
from tests.support import FIXTURES

HOSTS = [f"127.0.0.{n}" for n in range(10, 60)]
DELAY = 0.2
ROUNDS = 3
LAST_MODIFIED = "Tue, 01 Dec 2026 00:00:00 GMT"


@dataclass(frozen=True, slots=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mib: float


@dataclass(frozen=True, slots=True)
class Site:
    host: str
    path: str  # served at this path on its host
    body: bytes
    parser: str
    fragment: str
    html: bool


PAGES = [case for case in CASES if case.count]  # a page without codes would be held back


def sites() -> list[Site]:
    """One fixture page per host, the golden cases in turn; each keeps its parser and fragment."""
    out = []
    for index, host in enumerate(HOSTS):
        case = PAGES[index % len(PAGES)]
        name = Path(case.fixture).name
        out.append(
            Site(
                host=host,
                path=f"/docs/{name}",
                body=(FIXTURES / case.fixture).read_bytes(),
                parser=case.parser,
                fragment=case.url.partition("#")[2],
                html=name.endswith(".html"),
            )
        )
    return out


def _content_type(site: Site) -> str:
    return "text/html; charset=utf-8" if site.html else "text/markdown; charset=utf-8"


def errata_config(sites: Sequence[Site], servers: Sequence[PageServer]) -> str:
    blocks = []
    for index, (site, server) in enumerate(zip(sites, servers, strict=True)):
        url = server.url(site.path) + (f"#{site.fragment}" if site.fragment else "")
        blocks.append(
            f'[[source]]\nid = "page-{index:02d}"\nexchange = "peer"\n'
            f'url = "{url}"\nparser = "{site.parser}"\n'
        )
    return "\n".join(blocks)


def urlwatch_jobs(sites: Sequence[Site], servers: Sequence[PageServer]) -> str:
    """urlwatch's jobs file (YAML documents; JSON is valid YAML): HTML pages reduced to text."""
    docs = []
    for site, server in zip(sites, servers, strict=True):
        job: dict[str, object] = {"name": site.path, "url": server.url(site.path)}
        if site.html:
            job["filter"] = [{"html2text": {"method": "re"}}]
        docs.append(json.dumps(job))
    return "\n---\n".join(docs) + "\n"


_URLWATCH_CONFIG = json.dumps(
    {"display": {"new": True, "error": True, "unchanged": False},
     "report": {"text": {"details": True, "footer": False, "line_length": 75},
                "stdout": {"enabled": True, "color": False}}}
)  # fmt: skip


# Run a console script (a Python file) as ``python -c HOOK script args…`` does: the same
# process, which reports the peak of its own address space (VmHWM) as it exits. ``ru_maxrss``
# from wait4 would not do: the child is vfork()ed from this benchmark's process, whose own
# resident memory (servers, pages) it is charged with until it execs.
_PEAK_HOOK = """
import atexit, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print(f"PEAK_KIB={kib}", file=sys.stderr, flush=True)
atexit.register(_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def measure(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Wall and CPU of one process from ``wait4``; its peak memory from its own VmHWM."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", _PEAK_HOOK, *argv],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if process.returncode not in (0,):
        raise RuntimeError(f"{argv[0]} exited {process.returncode}: {errors[-2000:].decode()}")
    peaks = [int(line[9:]) for line in errors.decode().splitlines() if line.startswith("PEAK_KIB=")]
    return Sample(wall, usage.ru_utime + usage.ru_stime, peaks[-1] / 1024)


def installed_env(pycache: Path) -> dict[str, str]:
    """The environment of every measured process: bytecode cached in ``pycache``, as installed."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def errata_night(state: Path, base: dict[str, str]) -> Sample:
    env = {**base, "ERRATA_DB": str(state / "errata.db"),
           "ERRATA_ARCHIVE": str(state / "snapshots"), "ERRATA_CONFIG": str(state / "sources.toml")}  # fmt: skip
    errata = Path(sys.executable).with_name("errata")
    return measure([str(errata), "--quiet", "run", "--no-notify"], env, state)


def urlwatch_night(state: Path, base: dict[str, str]) -> Sample:
    urlwatch = shutil.which("urlwatch", path=str(Path(sys.executable).parent))
    if urlwatch is None:
        raise RuntimeError("urlwatch is not installed: pip install -e '.[bench]'")
    argv = [urlwatch, "--urls", "jobs.yaml", "--config", "urlwatch.yaml",
            "--cache", "cache.db", "--hooks", "hooks.py"]  # fmt: skip
    return measure(argv, {**base, "HOME": str(state)}, state)


def fresh_state(root: Path, name: str, files: dict[str, str]) -> Path:
    state = root / name
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    for filename, text in files.items():
        (state / filename).write_text(text)
    return state


def run_rounds(config: str, jobs: str, root: Path) -> dict[tuple[str, str], list[Sample]]:
    tools = {
        "errata": (errata_night, {"sources.toml": config}),
        "urlwatch": (
            urlwatch_night,
            {"jobs.yaml": jobs, "urlwatch.yaml": _URLWATCH_CONFIG, "hooks.py": ""},
        ),
    }
    base = installed_env(root / "pycache")
    samples: dict[tuple[str, str], list[Sample]] = {}
    for round_no in range(-1, ROUNDS):  # round -1 warms the bytecode caches up, untimed
        order = list(tools) if round_no % 2 == 0 else list(reversed(tools))
        for name in order:
            night, files = tools[name]
            state = fresh_state(root, name, files)
            first, unchanged = night(state, base), night(state, base)
            if round_no >= 0:
                samples.setdefault((name, "first"), []).append(first)
                samples.setdefault((name, "unchanged"), []).append(unchanged)
    return samples


def _median(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(s, field) for s in samples)


def table(samples: dict[tuple[str, str], list[Sample]]) -> str:
    rows = []
    targets = {"first": ("≤ 0.8×", "≤ 1.5×"), "unchanged": ("≤ 0.5×", "–")}
    for night in ("first", "unchanged"):
        e, u = samples[("errata", night)], samples[("urlwatch", night)]
        wall = _median(e, "wall") / _median(u, "wall")
        cpu = _median(e, "cpu") / _median(u, "cpu")
        rows.append(
            f"| {night} | {_median(e, 'wall'):.2f} s, {_median(e, 'cpu'):.2f} s CPU, "
            f"{_median(e, 'peak_mib'):.0f} MiB | {_median(u, 'wall'):.2f} s, "
            f"{_median(u, 'cpu'):.2f} s CPU, {_median(u, 'peak_mib'):.0f} MiB | "
            f"{wall:.2f}× ({targets[night][0]}) | {cpu:.2f}× ({targets[night][1]}) |"
        )
    head = (
        "| night | errata (wall, CPU, peak) | urlwatch 2.29 | errata ÷ urlwatch wall | "
        "errata ÷ urlwatch CPU |\n|---|---|---|---:|---:|"
    )
    return head + "\n" + "\n".join(rows)


def main() -> str:
    chosen = sites()
    load = os.getloadavg()[0]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        servers = [stack.enter_context(PageServer(host=site.host)) for site in chosen]
        for site, server in zip(chosen, servers, strict=True):
            headers = {"Last-Modified": LAST_MODIFIED}
            server.pages[site.path] = Page(
                site.body, _content_type(site), delay=DELAY, headers=headers
            )
        samples = run_rounds(
            errata_config(chosen, servers), urlwatch_jobs(chosen, servers), Path(tmp)
        )
    intro = (
        f"{len(chosen)} fixture pages ({len(PAGES)} distinct golden cases with codes, in turn) on "
        f"{len(HOSTS)} loopback hosts, {DELAY * 1000:.0f} ms latency, ETag + Last-Modified; "
        f"{ROUNDS} interleaved rounds after a warm-up, medians, bytecode cached; "
        f"`python -m bench peer`; load average {load:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end; {time.strftime('%Y-%m-%d')}."
    )
    return intro + "\n\n" + table(samples)


if __name__ == "__main__":
    print(main())
