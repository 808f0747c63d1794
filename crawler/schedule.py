"""`govaudit schedule`: crontab lines or systemd units for the nightly run and the probes."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path


class ScheduleError(ValueError):
    """The schedule cannot be made or installed."""


def _hhmm(at: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ScheduleError(f"--at: not a time of day (HH:MM): {at!r}")
    return int(m.group(1)), int(m.group(2))


def govaudit_command() -> list[str]:
    """The absolute command that runs this govaudit (the venv's script, else python -m)."""
    script = Path(sys.executable).parent / "govaudit"
    if script.exists():
        return [str(script)]
    found = shutil.which("govaudit")
    return [found] if found else [sys.executable, "-m", "crawler.cli"]


def _commands(config: Path, fail_on: str) -> tuple[str, str]:
    cfg = str(config.resolve())
    base = govaudit_command()
    run = shlex.join([*base, "run", "--config", cfg, "--fail-on", fail_on, "--no-progress"])
    probe = shlex.join([*base, "probe", "--config", cfg, "--quiet"])
    return run, probe


def marker(config: Path) -> str:
    return f"# govaudit: {config.resolve()}"


def cron_lines(config: Path, at: str, probe_every: int, fail_on: str) -> str:
    hour, minute = _hhmm(at)
    run, probe = _commands(config, fail_on)
    workdir = shlex.quote(str(config.resolve().parent))
    tag = marker(config)
    lines = [
        f"{tag} — nightly run (summary mailed by cron; details in the [run] log file)",
        f"{minute} {hour} * * * cd {workdir} && {run}  {tag}",
    ]
    if probe_every:
        step = f"*/{probe_every}" if probe_every < 60 else "0"
        hours = "*" if probe_every <= 60 else f"*/{probe_every // 60}"
        lines.append(f"{step} {hours} * * * cd {workdir} && {probe}  {tag}")
    return "\n".join(lines) + "\n"


def install_cron(text: str) -> None:
    """Replace this config's lines in the user's crontab (idempotent)."""
    crontab = shutil.which("crontab")
    if not crontab:
        raise ScheduleError("crontab not found (install the 'cron' package), or use --systemd")
    current = subprocess.run([crontab, "-l"], capture_output=True, text=True)
    tag = text.splitlines()[0].split(" — ")[0]
    kept = [ln for ln in (current.stdout.splitlines() if current.returncode == 0 else []) if tag not in ln]
    new = "\n".join([*kept, *text.splitlines()]) + "\n"
    done = subprocess.run([crontab, "-"], input=new, capture_output=True, text=True)
    if done.returncode != 0:
        raise ScheduleError(f"crontab refused the new table: {done.stderr.strip()}")


def systemd_units(config: Path, at: str, probe_every: int, fail_on: str) -> dict[str, str]:
    hour, minute = _hhmm(at)
    run, probe = _commands(config, fail_on)
    workdir = config.resolve().parent
    units = {
        "govaudit.service": (
            "[Unit]\nDescription=govaudit nightly run (crawl, audit, report)\n"
            "After=network-online.target\nWants=network-online.target\n\n"
            f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\nExecStart={run}\n"
            "# exit 1: --fail-on matched (the run itself worked); 2: could not run\n"
            "SuccessExitStatus=1\nNice=10\n"
        ),
        "govaudit.timer": (
            "[Unit]\nDescription=govaudit nightly run\n\n"
            f"[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\nPersistent=true\n"
            "RandomizedDelaySec=300\n\n[Install]\nWantedBy=timers.target\n"
        ),
    }
    if probe_every:
        units["govaudit-probe.service"] = (
            "[Unit]\nDescription=govaudit availability probes (home pages)\n\n"
            f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\nExecStart={probe}\nTimeoutStartSec=120\n"
        )
        units["govaudit-probe.timer"] = (
            "[Unit]\nDescription=govaudit availability probes\n\n"
            f"[Timer]\nOnBootSec=5min\nOnUnitActiveSec={probe_every}min\nAccuracySec=1min\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )
    return units


def install_systemd(units: dict[str, str], unit_dir: Path | None = None) -> list[Path]:
    """Write the units; with the default directory also enable and start the timers."""
    default = unit_dir is None
    if unit_dir is None:
        unit_dir = Path("/etc/systemd/system") if os.geteuid() == 0 else Path.home() / ".config/systemd/user"
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in units.items():
            path = unit_dir / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise ScheduleError(f"{unit_dir}: cannot write units: {exc}") from None
    if default:
        systemctl = shutil.which("systemctl")
        if not systemctl:
            raise ScheduleError("systemctl not found; units written, enable the timers by hand")
        user = [] if os.geteuid() == 0 else ["--user"]
        timers = [n for n in units if n.endswith(".timer")]
        for cmd in ([systemctl, *user, "daemon-reload"], [systemctl, *user, "enable", "--now", *timers]):
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                raise ScheduleError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return paths
