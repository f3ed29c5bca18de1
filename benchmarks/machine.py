"""Describe the machine and software a benchmark ran on."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["describe_machine"]

#: Packages whose versions are recorded: the project and what its hot paths use.
KEY_PACKAGES = ("framing", "pandas", "numpy", "nltk", "PyYAML", "scikit-learn", "scipy")


def _cpuinfo() -> dict[str, str]:
    """The first processor block of /proc/cpuinfo (empty off Linux)."""
    info: dict[str, str] = {}
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return info
    for line in lines:
        if not line.strip():
            if info:
                break
            continue
        key, _, value = line.partition(":")
        info.setdefault(key.strip(), value.strip())
    return info


def _memory_total_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _tool_version(command: str) -> str | None:
    """First line of ``COMMAND --version``, or None when the tool is missing."""
    if shutil.which(command) is None:
        return None
    try:
        output = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return output.splitlines()[0].strip() if output else None


def _git_commit(repo: Path) -> str | None:
    """The commit checked out in ``repo``, read from .git without running git."""
    git = repo / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        ref_file = git / ref
        if ref_file.exists():
            return ref_file.read_text(encoding="utf-8").strip()
        for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except (OSError, IndexError):
        pass
    return None


def _source_digest(package: Path) -> str | None:
    """SHA-256 of the package's .py files (names and contents), to tell uncommitted edits apart."""
    digest = hashlib.sha256()
    files = sorted(package.glob("*.py"))
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16] if files else None


def describe_machine(repo: Path) -> dict:
    """CPU, cores, memory, OS, Python, key package versions and the date.

    Parameters
    ----------
    repo : Path
        The repository root, for the checked-out commit.

    Returns
    -------
    dict
        JSON-serialisable; ``None`` marks what could not be found.
    """
    cpu = _cpuinfo()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {}
    for package in KEY_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        load = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": cpu.get("model name") or platform.processor() or None,
        "cpu_mhz": cpu.get("cpu MHz"),
        "cpu_cache": cpu.get("cache size"),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "memory_bytes": _memory_total_bytes(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "packages": versions,
        "grep": _tool_version("grep"),
        "git_commit": _git_commit(repo),
        "framing_source_sha256": _source_digest(repo / "framing"),
        "load_average_at_start": load,
    }
