"""The deployment files in cron/: systemd units, the crontab and the CI workflow.

Each file is parsed and checked for what it must say, `systemd-analyze verify`
checks the units where it exists, and the crontab lines and the workflow's shell
steps are run for real against a temporary install (errata itself, or a stand-in
when the test is about the exit code).
"""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO

CRON = REPO / "cron"
SERVICES = sorted(CRON.glob("*.service"))
TIMERS = sorted(CRON.glob("*.timer"))
UNITS = SERVICES + TIMERS
CRONTAB = CRON / "errata.crontab"
WORKFLOW = CRON / "git-scraping.yml"

INSTALL = "/srv/errata"
ERRATA_BIN = f"{INSTALL}/.venv/bin/errata"
ENV_FILE = "/etc/errata/errata.env"
SECRET_NAME = re.compile(r"WEBHOOK|PASSWORD|PASSWD|TOKEN|SECRET|API_KEY", re.IGNORECASE)
# The commands the deployment files may run, and which unit runs which.
EXPECTED_COMMAND = {"errata-run.service": "run", "errata-schedule.service": "schedule"}
KNOWN_COMMANDS = {"run", "schedule", "health"}


def ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


# --- a systemd unit file reader -------------------------------------------------------


Unit = dict[str, dict[str, list[str]]]


def parse_unit(text: str) -> Unit:
    """Sections → key → every value (keys like Environment= repeat); continuation lines joined."""
    unit: Unit = {}
    section: dict[str, list[str]] | None = None
    pending = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = pending + raw.strip() if pending else raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = unit.setdefault(line[1:-1], {})
            continue
        key, equals, value = line.partition("=")
        assert equals and section is not None, f"line {number}: not a key=value in a section"
        section.setdefault(key.strip(), []).append(value.strip())
    return unit


def values(unit: Unit, section: str, key: str) -> list[str]:
    return unit.get(section, {}).get(key, [])


def one(unit: Unit, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert found, f"[{section}] {key}= is missing"
    return found[-1]


def environment(unit: Unit) -> dict[str, str]:
    env: dict[str, str] = {}
    for value in values(unit, "Service", "Environment"):
        for assignment in shlex.split(value):
            name, _, setting = assignment.partition("=")
            env[name] = setting
    return env


def timespan_seconds(text: str) -> float:
    """systemd's time span syntax: "5min", "1h 30s", "300" (seconds)."""
    scale = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
    total = 0.0
    for number, suffix in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text):
        assert suffix in scale, f"unknown time unit {suffix!r} in {text!r}"
        total += float(number) * scale[suffix]
    return total


def exec_start(unit: Unit) -> list[str]:
    argv = shlex.split(one(unit, "Service", "ExecStart").lstrip("-@:+!"))
    assert argv, "ExecStart= is empty"
    return argv


def test_unit_reader_handles_repeats_continuations_and_comments() -> None:
    unit = parse_unit(
        "# comment\n[Service]\nEnvironment=A=1\nEnvironment=B=2 C=3\n; other\n"
        "ExecStart=/bin/errata \\\n  run --only x\n"
    )
    assert environment(unit) == {"A": "1", "B": "2", "C": "3"}
    assert exec_start(unit) == ["/bin/errata", "run", "--only", "x"]
    assert timespan_seconds("5min") == 300 and timespan_seconds("1h 30s") == 3630


# --- every unit -----------------------------------------------------------------------


def test_the_expected_units_exist() -> None:
    assert {path.name for path in UNITS} >= {
        "errata-run.service",
        "errata-run.timer",
        "errata-schedule.service",
    }


@pytest.mark.parametrize("path", UNITS, ids=ids(UNITS))
def test_unit_has_only_known_sections_and_a_description(path: Path) -> None:
    unit = parse_unit(path.read_text())
    kind = "Service" if path.suffix == ".service" else "Timer"
    assert set(unit) <= {"Unit", kind, "Install"}, f"unexpected sections {set(unit)}"
    assert kind in unit
    assert one(unit, "Unit", "Description")


@pytest.mark.parametrize("path", SERVICES, ids=ids(SERVICES))
def test_service_runs_the_venv_errata_with_the_expected_command(path: Path) -> None:
    argv = exec_start(parse_unit(path.read_text()))
    assert argv[0] == ERRATA_BIN
    assert argv[1] == EXPECTED_COMMAND.get(path.name, argv[1])
    assert argv[1] in KNOWN_COMMANDS


@pytest.mark.parametrize("path", SERVICES, ids=ids(SERVICES))
def test_service_runs_as_errata_in_the_install_with_its_paths(path: Path) -> None:
    unit = parse_unit(path.read_text())
    assert one(unit, "Service", "User") == "errata"
    assert one(unit, "Service", "WorkingDirectory") == INSTALL
    env = environment(unit)
    assert env["ERRATA_DB"] == f"{INSTALL}/errata.db"
    assert env["ERRATA_CONFIG"] == f"{INSTALL}/sources.toml"
    assert env["ERRATA_ARCHIVE"] == f"{INSTALL}/snapshots"


@pytest.mark.parametrize("path", SERVICES, ids=ids(SERVICES))
def test_service_takes_secrets_from_the_environment_file_only(path: Path) -> None:
    text = path.read_text()
    unit = parse_unit(text)
    assert [v.lstrip("-") for v in values(unit, "Service", "EnvironmentFile")] == [ENV_FILE]
    leaked = [name for name in environment(unit) if SECRET_NAME.search(name)]
    assert not leaked, f"secrets inline: {leaked}"
    assert "hooks.slack.com" not in text


@pytest.mark.parametrize("path", SERVICES, ids=ids(SERVICES))
def test_service_can_write_everything_errata_writes(path: Path) -> None:
    """Under ProtectSystem=strict only ReadWritePaths are writable: the DB (with its
    -wal, -shm and .lock files beside it), the archive and the working directory."""
    unit = parse_unit(path.read_text())
    assert one(unit, "Service", "ProtectSystem") == "strict"
    assert one(unit, "Service", "NoNewPrivileges") == "yes"
    assert one(unit, "Service", "PrivateTmp") == "yes"
    writable = [
        Path(p.lstrip("-"))
        for value in values(unit, "Service", "ReadWritePaths")
        for p in value.split()
    ]
    env = environment(unit)
    for needed in (
        Path(env["ERRATA_DB"]).parent,
        Path(env["ERRATA_ARCHIVE"]),
        Path(one(unit, "Service", "WorkingDirectory")),
    ):
        assert any(needed.is_relative_to(root) for root in writable), f"{needed} is read-only"


def test_run_service_is_oneshot_and_a_lock_skip_is_not_a_failure() -> None:
    unit = parse_unit((CRON / "errata-run.service").read_text())
    assert one(unit, "Service", "Type") == "oneshot"
    success = " ".join(values(unit, "Service", "SuccessExitStatus")).split()
    assert "75" in success
    assert "1" not in success, "exit 1 (some sources failed) should show as a failed unit"
    assert values(unit, "Service", "Restart") in ([], ["no"])
    assert timespan_seconds(one(unit, "Service", "TimeoutStartSec")) > 0
    assert "Install" not in unit, "the timer starts this service; it is not enabled itself"


def test_schedule_service_restarts_on_failure_and_stops_gracefully() -> None:
    unit = parse_unit((CRON / "errata-schedule.service").read_text())
    assert one(unit, "Service", "Restart") == "on-failure"
    assert "2" in " ".join(values(unit, "Service", "RestartPreventExitStatus")).split()
    assert values(unit, "Service", "KillSignal") in ([], ["SIGTERM"])
    assert 60 <= timespan_seconds(one(unit, "Service", "TimeoutStopSec")) <= 900
    assert "errata-run.timer" in " ".join(values(unit, "Unit", "Conflicts")).split()
    assert one(unit, "Install", "WantedBy") == "multi-user.target"


@pytest.mark.parametrize("path", TIMERS, ids=ids(TIMERS))
def test_timer_is_daily_in_utc_and_starts_an_existing_service(path: Path) -> None:
    unit = parse_unit(path.read_text())
    target = one(unit, "Timer", "Unit")
    assert (CRON / target).is_file(), f"Unit={target} is not in cron/"
    assert target == path.with_suffix(".service").name
    calendar = one(unit, "Timer", "OnCalendar")
    assert calendar.endswith(" UTC") or calendar.endswith(" Etc/UTC"), calendar
    assert re.fullmatch(r"(\*-\*-\* \d\d:\d\d(:\d\d)?|daily) (Etc/)?UTC", calendar), calendar
    assert one(unit, "Timer", "Persistent") in {"true", "yes"}
    assert timespan_seconds(one(unit, "Timer", "RandomizedDelaySec")) > 0
    assert one(unit, "Install", "WantedBy") == "timers.target"


# --- systemd-analyze verify -----------------------------------------------------------


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.skip("systemd-analyze is not installed; the parser tests above still ran")
    return found


def verify(tmp_path: Path, units: dict[str, str]) -> str:
    """Run `systemd-analyze verify` on these unit texts, with ExecStart made to exist."""
    errata = tmp_path / "bin" / "errata"
    errata.parent.mkdir(parents=True, exist_ok=True)
    errata.write_text("#!/bin/sh\nexit 0\n")
    errata.chmod(0o755)
    folder = tmp_path / "units"
    folder.mkdir(exist_ok=True)
    for name, text in units.items():
        (folder / name).write_text(text.replace(ERRATA_BIN, str(errata)))
    result = subprocess.run(
        [systemd_analyze(), "verify", *sorted(str(folder / name) for name in units)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def problems(output: str, units: dict[str, str]) -> list[str]:
    """Lines of verify's output about our units or about keys it did not accept."""
    markers = (*units, "Unknown", "ignoring", "Failed", "Invalid", "not executable")
    return [line for line in output.splitlines() if any(m in line for m in markers)]


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    units = {path.name: path.read_text() for path in UNITS}
    output = verify(tmp_path, units)
    assert problems(output, units) == [], output


def test_systemd_analyze_verify_would_report_an_unknown_key(tmp_path: Path) -> None:
    """The check above is not vacuous: the same harness reports a misspelt option."""
    text = (CRON / "errata-run.service").read_text()
    units = {"errata-run.service": text.replace("PrivateTmp=", "PrivateTemp=")}
    assert any("PrivateTemp" in line for line in problems(verify(tmp_path, units), units))


# --- crontab --------------------------------------------------------------------------

FIELDS = [  # name, low, high, names
    ("minute", 0, 59, []),
    ("hour", 0, 23, []),
    ("day of month", 1, 31, []),
    (
        "month",
        1,
        12,
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    ),
    ("day of week", 0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
]
MACROS = {
    "@reboot",
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
}
VARIABLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def cron_field_errors(field: str, low: int, high: int, names: list[str]) -> list[str]:
    """Why one schedule field is invalid (empty list when valid): *, n, a-b, with /step, lists."""

    def number(text: str, base: int) -> int | None:
        if text.isdigit():
            return int(text)
        if text.lower() in names:
            return names.index(text.lower()) + base
        return None

    errors = []
    for item in field.split(","):
        spec, slash, step = item.partition("/")
        if slash and not (step.isdigit() and int(step) >= 1):
            errors.append(f"bad step in {item!r}")
        if spec == "*":
            continue
        first, dash, last = spec.partition("-")
        start, end = number(first, low), number(last, low) if dash else None
        if start is None or (dash and end is None):
            errors.append(f"{item!r} is not a number, range or name")
        elif slash and not dash:
            errors.append(f"{item!r}: a step needs * or a range")
        elif not low <= start <= high or (end is not None and not low <= end <= high):
            errors.append(f"{item!r} is outside {low}-{high}")
        elif end is not None and end < start:
            errors.append(f"{item!r} is a descending range")
    return errors


def cron_schedule_errors(schedule: str) -> list[str]:
    if schedule in MACROS:
        return []
    fields = schedule.split()
    if len(fields) != 5:
        return [f"{len(fields)} fields, not 5"]
    return [
        f"{name}: {error}"
        for field, (name, low, high, names) in zip(fields, FIELDS, strict=True)
        for error in cron_field_errors(field, low, high, names)
    ]


@pytest.mark.parametrize(
    "schedule",
    ["15 2 * * *", "*/5 * * * *", "0 0-23/2 1,15 * mon-fri", "0 9 * jan-mar 0,7", "@daily"],
)
def test_cron_validator_accepts(schedule: str) -> None:
    assert cron_schedule_errors(schedule) == []


@pytest.mark.parametrize(
    "schedule",
    [
        "60 2 * * *",
        "15 24 * * *",
        "0 0 0 * *",
        "0 0 * 13 *",
        "0 0 * * 8",
        "*/0 * * * *",
        "5/2 * * * *",
        "10-5 * * * *",
        "15 2 * *",
        "a 2 * * *",
        "1,,2 * * * *",
        "@sometimes",
    ],
)
def test_cron_validator_rejects(schedule: str) -> None:
    assert cron_schedule_errors(schedule) != []


def crontab() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The crontab's variables and its (schedule, command) jobs."""
    variables: dict[str, str] = {}
    jobs: list[tuple[str, str]] = []
    for line in CRONTAB.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            macro, command = line.split(None, 1)
            jobs.append((macro, command))
        elif match := VARIABLE.match(line):
            variables[match[1]] = match[2].strip().strip("\"'")
        else:
            parts = line.split(None, 5)
            assert len(parts) == 6, f"not a crontab job line: {line!r}"
            jobs.append((" ".join(parts[:5]), parts[5]))
    return variables, jobs


JOBS = crontab()[1]
JOB_IDS = [f"{schedule} {'run' if ' run' in command else 'health'}" for schedule, command in JOBS]


def nightly_job() -> str:
    runs = [command for _, command in JOBS if re.search(r"\berrata\b.*\brun\b", command)]
    assert len(runs) == 1, f"expected one `errata run` job, found {len(runs)}"
    return runs[0]


@pytest.mark.parametrize(("schedule", "command"), JOBS, ids=JOB_IDS)
def test_crontab_job_has_a_valid_schedule_and_a_cron_safe_command(
    schedule: str, command: str
) -> None:
    assert cron_schedule_errors(schedule) == []
    # cron turns an unescaped % into a newline (the rest becomes the command's stdin).
    assert not re.search(r"(?<!\\)%", command), "unescaped % in a crontab command"
    assert "errata" in command


FLOCK = re.compile(r"\bflock\s+((?:-[A-Za-z]+(?:\s+\d+)?\s+)*)(\S+)\s+(\S+)\s+(.*)")


def test_crontab_nightly_job_runs_errata_under_flock_with_its_own_lock_file() -> None:
    variables, _ = crontab()
    flock = FLOCK.search(nightly_job())
    assert flock, "the nightly job does not run under flock"
    options, lock_file, program, arguments = flock.groups()
    assert re.search(r"-\w*[nw]", options), "flock should skip (-n) or bound its wait (-w)"
    assert program == "errata" or program.endswith("/bin/errata"), program
    assert re.match(r"(-\S+\s+)*run\b", arguments), arguments
    db = variables.get("ERRATA_DB", f"{INSTALL}/errata.db")
    assert lock_file not in {f"{db}.lock", "errata.db.lock"}, (
        "errata takes <db>.lock itself and would wait for its own parent"
    )


def test_crontab_sets_utc_a_venv_path_and_the_errata_paths_but_no_secrets() -> None:
    variables, _ = crontab()
    assert variables.get("CRON_TZ") == "UTC"
    assert variables["PATH"].split(":")[0] == f"{INSTALL}/.venv/bin"
    assert {"/usr/bin", "/bin"} <= set(variables["PATH"].split(":"))
    assert variables["ERRATA_DB"] == f"{INSTALL}/errata.db"
    assert variables["ERRATA_CONFIG"] == f"{INSTALL}/sources.toml"
    assert not [name for name in variables if SECRET_NAME.search(name)]
    assert ENV_FILE in nightly_job(), "the nightly job should read the secrets file"


# --- the crontab lines, run for real --------------------------------------------------


class CronInstall:
    """A copy of the /srv/errata layout in a temporary folder, where crontab lines run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.install = root / "srv" / "errata"
        self.env_file = root / "etc" / "errata.env"
        (self.install / ".venv" / "bin").mkdir(parents=True)
        self.env_file.parent.mkdir(parents=True)
        self.use_errata(Path(sys.executable).parent / "errata")
        (self.install / "sources.toml").write_text("[fetch]\ntimeout = 5\n")

    def use_errata(self, program: Path) -> None:
        target = self.install / ".venv" / "bin" / "errata"
        target.unlink(missing_ok=True)
        target.symlink_to(program)

    def localise(self, text: str) -> str:
        return text.replace(ENV_FILE, str(self.env_file)).replace(INSTALL, str(self.install))

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        """Run one crontab command the way cron does: /bin/sh -c, the crontab's variables."""
        variables, _ = crontab()
        env = {name: self.localise(value) for name, value in variables.items()}
        env |= {"HOME": str(self.root), "LOGNAME": "errata"}
        # Only so that a broken line fails in seconds rather than after 300 s of waiting.
        env["ERRATA_LOCK_TIMEOUT"] = "2"
        return subprocess.run(
            [env.get("SHELL", "/bin/sh"), "-c", self.localise(command)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def lock_file(self) -> Path:
        flock = FLOCK.search(nightly_job())
        assert flock
        return Path(self.localise(flock[2]))


@pytest.fixture
def cron_install(tmp_path: Path) -> CronInstall:
    if shutil.which("flock") is None:
        pytest.skip("flock (util-linux) is not installed")
    if not (Path(sys.executable).parent / "errata").exists():
        pytest.skip("errata is not installed in this venv")
    return CronInstall(tmp_path)


@pytest.fixture
def held(cron_install: CronInstall) -> Iterator[Path]:
    """Hold the cron job's flock lock file, as a still-running previous night would."""
    path = cron_install.lock_file()
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield path


def test_crontab_nightly_line_runs_errata(cron_install: CronInstall) -> None:
    result = cron_install.run(nightly_job())
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout == result.stderr == "", "cron would mail this output"
    assert (cron_install.install / "errata.db").is_file()
    log = (cron_install.install / "errata.log").read_text()
    assert "No changes" in log


def test_crontab_nightly_line_skips_with_75_while_the_previous_run_holds_the_lock(
    cron_install: CronInstall, held: Path
) -> None:
    result = cron_install.run(nightly_job())
    assert result.returncode == 75
    assert not (cron_install.install / "errata.db").exists(), "errata ran anyway"


def test_crontab_nightly_line_exports_the_secrets_file(
    cron_install: CronInstall, tmp_path: Path
) -> None:
    seen = tmp_path / "seen-env"
    fake = tmp_path / "fake-errata"
    fake.write_text(f'#!/bin/sh\necho "$@" > {seen}.argv\nenv > {seen}\n')
    fake.chmod(0o755)
    cron_install.use_errata(fake)
    cron_install.env_file.write_text("ERRATA_SLACK_WEBHOOK=https://example.invalid/hook\n")
    assert cron_install.run(nightly_job()).returncode == 0
    env = dict(line.split("=", 1) for line in seen.read_text().splitlines() if "=" in line)
    assert env["ERRATA_SLACK_WEBHOOK"] == "https://example.invalid/hook"
    assert env["ERRATA_DB"] == str(cron_install.install / "errata.db")
    assert Path(f"{seen}.argv").read_text().split()[-1] == "run"


def test_crontab_nightly_line_runs_without_a_secrets_file(cron_install: CronInstall) -> None:
    assert not cron_install.env_file.exists()
    assert cron_install.run(nightly_job()).returncode == 0


def test_crontab_health_line_is_silent_when_fresh_and_prints_when_stale(
    cron_install: CronInstall,
) -> None:
    (health,) = [command for _, command in JOBS if "health" in command]
    cron_install.run(nightly_job())
    quiet = cron_install.run(health)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    # A source that cannot be fetched (nothing listens on port 9) has no success yet.
    (cron_install.install / "sources.toml").write_text(
        '[fetch]\nretries = 0\ntimeout = 2\n[[source]]\nid = "gone"\nexchange = "x"\n'
        'url = "http://127.0.0.1:9/errors"\nparser = "auto"\n'
    )
    assert cron_install.run(nightly_job()).returncode == 1  # some sources failed
    loud = cron_install.run(health)
    assert "gone" in loud.stdout, "cron would not mail the stale source"


# --- the errata commands in all the files parse with the real CLI ---------------------


def errata_commands() -> list[tuple[str, list[str]]]:
    """(file, argv after `errata`) for every errata invocation in the deployment files."""
    invocation = re.compile(r"(?:^|(?<=[\s(]))(?:\S*/bin/)?errata\s+(.*)$", re.MULTILINE)
    found = []
    for path in [*UNITS, CRONTAB, WORKFLOW]:
        text = path.read_text()
        if path == WORKFLOW:  # only the shell scripts, not names and comments
            try:
                import yaml
            except ImportError:  # the workflow tests below skip themselves
                continue
            (job,) = yaml.safe_load(text)["jobs"].values()
            text = "\n".join(step.get("run", "") for step in job["steps"])
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                continue
            for match in invocation.finditer(line):
                argv: list[str] = []
                for token in match[1].split():
                    end = token.rstrip(");")
                    if not re.fullmatch(r"[-\w.=]+", end) or re.match(r"\d*[<>]", end):
                        break
                    argv.append(end)
                    if end != token:
                        break
                if argv:
                    found.append((path.name, argv))
    return found


COMMANDS = errata_commands()


def test_every_deployment_file_runs_errata() -> None:
    files = {name for name, _ in COMMANDS}
    assert files >= {path.name for path in SERVICES} | {CRONTAB.name, WORKFLOW.name}


@pytest.mark.parametrize(
    ("name", "argv"), COMMANDS, ids=[f"{name}: errata {' '.join(a)}" for name, a in COMMANDS]
)
def test_errata_command_line_is_accepted_by_the_cli(name: str, argv: list[str]) -> None:
    from errata.scraper.cli import cli

    command = next(arg for arg in argv if not arg.startswith("-"))
    assert command in KNOWN_COMMANDS, f"{name} runs an unexpected command: {argv}"
    if command not in cli.list_commands(None):  # type: ignore[arg-type]
        pytest.skip(f"`errata {command}` is not implemented yet")
    result = subprocess.run(
        [sys.executable, "-m", "errata", *argv, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# --- the GitHub Actions workflow ------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(loaded, dict)
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict), "the workflow has no `on:` mapping"
    return found


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return list(job["steps"])


def step(workflow: dict[Any, Any], pattern: str) -> dict[str, Any]:
    matching = [s for s in steps(workflow) if re.search(pattern, s.get("run", ""))]
    assert len(matching) == 1, f"expected one step running /{pattern}/, found {len(matching)}"
    return matching[0]


def commit_step(workflow: dict[Any, Any]) -> dict[str, Any]:
    return step(workflow, r"\bgit add\b")


def run_step(workflow: dict[Any, Any]) -> dict[str, Any]:
    return step(workflow, r"\berrata run\b")


def test_workflow_runs_daily_and_on_demand(workflow: dict[Any, Any]) -> None:
    on = triggers(workflow)
    assert "workflow_dispatch" in on
    schedules = [entry["cron"] for entry in on["schedule"]]
    assert schedules
    for schedule in schedules:
        assert cron_schedule_errors(schedule) == [], schedule


def test_workflow_can_push_and_never_overlaps(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "write"}
    concurrency = workflow["concurrency"]
    assert isinstance(concurrency, dict) and concurrency["group"]
    # Cancelling a run could cut it off between its commit and its push.
    assert concurrency.get("cancel-in-progress", False) is False


def test_workflow_installs_errata_with_python_311(workflow: dict[Any, Any]) -> None:
    (setup,) = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python")]
    assert str(setup["with"]["python-version"]) == "3.11"
    assert any(s.get("run", "").startswith("make ") for s in steps(workflow))
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert uses[0].startswith("actions/checkout@")


def test_workflow_restores_and_saves_the_same_database_cache(workflow: dict[Any, Any]) -> None:
    caches = {s["uses"].split("@")[0]: s for s in steps(workflow) if "cache" in s.get("uses", "")}
    restore, save = caches["actions/cache/restore"], caches["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"]
    assert "errata.db" in restore["with"]["path"].split()
    assert restore["with"]["key"] == save["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "always()" in save["if"], "the database should be saved even when a step failed"
    order = steps(workflow)
    assert order.index(restore) < order.index(run_step(workflow)) < order.index(save)


def test_workflow_secrets_come_from_actions_secrets(workflow: dict[Any, Any]) -> None:
    (job,) = workflow["jobs"].values()
    for scope in [workflow, job, *steps(workflow)]:
        for name, value in (scope.get("env") or {}).items():
            if SECRET_NAME.search(name):
                assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", str(value)), name


def test_workflow_commits_only_the_normalised_outputs(workflow: dict[Any, Any]) -> None:
    commit = commit_step(workflow)
    assert commit["env"]["COMMIT_PATHS"].split() == ["snapshots/*.md", "changelog", "changes.atom"]
    script = commit["run"]
    added = re.findall(r"\bgit add\b(.*)", script)
    assert added, "the commit step adds nothing"
    for arguments in added:
        assert not re.search(r"(^|\s)(-A|--all|\.|snapshots/?)(\s|$)", arguments), arguments
        assert ".gz" not in arguments
    assert "[bot]" in script, "commits should be made by a bot identity"


# --- the workflow's shell steps, run for real -----------------------------------------


def bash_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a `run:` step as GitHub runs it on Linux: bash -e with pipefail."""
    assert "${{" not in script, "a run: script should read values from env, not ${{ }}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def scraping_repo(tmp_path: Path) -> Path:
    """A clone of a bare 'origin' with the project's .gitignore and a venv python."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    origin, repo = tmp_path / "origin.git", tmp_path / "repo"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(repo))
    shutil.copy(REPO / ".gitignore", repo / ".gitignore")
    (repo / "snapshots").mkdir()
    (repo / "snapshots" / "README.md").write_text("the archive\n")
    git(repo, "add", ".gitignore", "snapshots/README.md")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    git(repo, "push", "--quiet", "origin", "HEAD:main")
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return repo


def write_night(repo: Path, message: str) -> None:
    """What an errata run leaves in the working directory."""
    import sqlite3

    (repo / "snapshots" / "ab").mkdir(exist_ok=True)
    (repo / "snapshots" / "ab" / "ab12.gz").write_bytes(b"\x1f\x8b raw page")
    (repo / "snapshots" / "okx-ws.md").write_text(f"| code | message |\n| 1 | {message} |\n")
    (repo / "changelog" / "okx").mkdir(parents=True, exist_ok=True)
    (repo / "changelog" / "okx" / "CHANGELOG.md").write_text(f"# okx\n- {message}\n")
    (repo / "changes.atom").write_text(f"<feed>{message}</feed>\n")
    with sqlite3.connect(repo / "errata.db") as db:
        db.execute("create table if not exists night (message text)")
        db.execute("insert into night values (?)", (message,))
    (repo / "errata.db.lock").write_text("errata pid 1")


def committed_files(repo: Path) -> set[str]:
    return set(git(repo, "show", "--name-only", "--format=", "origin/main").split())


def test_workflow_commit_step_commits_the_snapshots_but_not_the_archive(
    workflow: dict[Any, Any], scraping_repo: Path
) -> None:
    commit = commit_step(workflow)
    env = {**commit["env"], "GITHUB_REF_NAME": "main"}
    write_night(scraping_repo, "first")
    result = bash_step(commit["run"], scraping_repo, env)
    assert result.returncode == 0, result.stderr
    git(scraping_repo, "fetch", "--quiet", "origin")
    assert committed_files(scraping_repo) == {
        "snapshots/okx-ws.md",
        "changelog/okx/CHANGELOG.md",
        "changes.atom",
        "errata.db",
    }
    author = git(scraping_repo, "log", "-1", "--format=%an <%ae>", "origin/main")
    assert "[bot]" in author


def test_workflow_commit_step_makes_no_commit_when_nothing_changed(
    workflow: dict[Any, Any], scraping_repo: Path
) -> None:
    commit = commit_step(workflow)
    env = {**commit["env"], "GITHUB_REF_NAME": "main"}
    write_night(scraping_repo, "same")
    assert bash_step(commit["run"], scraping_repo, env).returncode == 0
    first = git(scraping_repo, "rev-parse", "HEAD")
    # The next night: the page is the same, only the database recorded another fetch.
    write_night(scraping_repo, "same")
    result = bash_step(commit["run"], scraping_repo, env)
    assert result.returncode == 0, result.stderr
    assert git(scraping_repo, "rev-parse", "HEAD") == first


def test_workflow_commit_step_is_quiet_before_errata_wrote_anything(
    workflow: dict[Any, Any], scraping_repo: Path
) -> None:
    commit = commit_step(workflow)
    result = bash_step(commit["run"], scraping_repo, {**commit["env"], "GITHUB_REF_NAME": "main"})
    assert result.returncode == 0, result.stderr
    assert git(scraping_repo, "rev-list", "--count", "HEAD").strip() == "1"


@pytest.mark.parametrize(
    ("exit_code", "step_fails", "commits"),
    [(0, False, True), (1, False, True), (4, False, True), (75, False, False), (2, True, False)],
    ids=["ok", "some-sources-failed", "held-back", "locked", "bad-config"],
)
def test_workflow_run_step_reports_the_exit_code_and_commits_when_useful(
    workflow: dict[Any, Any], tmp_path: Path, exit_code: int, step_fails: bool, commits: bool
) -> None:
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake = tmp_path / ".venv" / "bin" / "errata"
    fake.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    fake.chmod(0o755)
    output = tmp_path / "github-output"
    output.touch()
    result = bash_step(run_step(workflow)["run"], tmp_path, {"GITHUB_OUTPUT": str(output)})
    assert (result.returncode != 0) is step_fails
    assert f"code={exit_code}" in output.read_text().split()
    # The commit step's condition, evaluated the way Actions would for this output.
    condition = commit_step(workflow)["if"]
    codes = set(re.findall(r"steps\.run\.outputs\.code == '(\d+)'", condition))
    assert (str(exit_code) in codes) is commits
    if exit_code == 1:
        failing = [
            s
            for s in steps(workflow)
            if "== '1'" in str(s.get("if", "")) and s is not commit_step(workflow)
        ]
        assert failing and "exit 1" in failing[0]["run"], (
            "a night with failed sources should fail the job"
        )
