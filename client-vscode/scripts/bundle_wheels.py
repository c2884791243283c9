"""Collect the wheels the .vsix carries: heapscope, every dependency for each supported CPython
on the target platform, and pip itself; then write bundle.json.

`pip download --python-version` picks wheels by tag for another Python but evaluates environment
markers for the Python running it (a 3.11 build would leave out `exceptiongroup; python_version <
"3.11"`, which 3.10 needs). So after pip's pass, each version's requirements are walked again with
the markers of that version and platform, and whatever is missing is downloaded on its own.

Usage: python bundle_wheels.py --target linux-x64 --dest client-vscode/bundled HEAPSCOPE_WHEEL
Needs `packaging` (pip and pytest depend on it) and the package index pip is configured for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

# Per vsce target: the pip platform tags to download for, and the environment markers there.
TARGETS: dict[str, tuple[list[str], dict[str, str]]] = {
    "linux-x64": (
        ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"],
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "x86_64",
        },
    ),
    "linux-arm64": (
        ["manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64"],
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "aarch64",
        },
    ),
    "darwin-x64": (
        list(mac_platforms((11, 0), "x86_64")),
        {
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "os_name": "posix",
            "platform_machine": "x86_64",
        },
    ),
    "darwin-arm64": (
        list(mac_platforms((11, 0), "arm64")),
        {
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "os_name": "posix",
            "platform_machine": "arm64",
        },
    ),
    "win32-x64": (
        ["win_amd64"],
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    ),
}


def metadata(wheel: Path) -> tuple[str, str, list[str]]:
    """(name, version, Requires-Dist lines) from a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(name).decode("utf-8"))
    return message["Name"], message["Version"], message.get_all("Requires-Dist") or []


def markers_for(version: str, target: str) -> dict[str, str]:
    return {
        **TARGETS[target][1],
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def supported_tags(version: str, target: str) -> set[Tag]:
    major, minor = (int(part) for part in version.split("."))
    platforms = TARGETS[target][0]
    return {
        *cpython_tags((major, minor), platforms=platforms),
        *compatible_tags((major, minor), f"cp{major}{minor}", platforms=platforms),
    }


def find_wheel(dest: Path, requirement: Requirement, tags: set[Tag]) -> Path | None:
    """The newest wheel in ``dest`` that satisfies ``requirement`` for these tags."""
    best: tuple[Version, Path] | None = None
    for wheel in dest.glob("*.whl"):
        name, found, _, wheel_tags = parse_wheel_filename(wheel.name)
        if name != canonicalize_name(requirement.name) or not wheel_tags & tags:
            continue
        if requirement.specifier and not requirement.specifier.contains(found, prereleases=True):
            continue
        if best is None or found > best[0]:
            best = (found, wheel)
    return best[1] if best else None


def pip_download(args: list[str]) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*command, *args], check=True)


def collect(heapscope: Path, dest: Path, target: str) -> None:
    platform_args = [arg for tag in TARGETS[target][0] for arg in ("--platform", tag)]
    _, _, requires = metadata(heapscope)
    for version in PYTHONS:
        print(f"[bundle] CPython {version} on {target}", flush=True)
        common = ["--only-binary=:all:", "--implementation", "cp", "--python-version", version]
        common += platform_args
        pip_download([*common, "--dest", str(dest), *requires])
        tags, markers = supported_tags(version, target), markers_for(version, target)
        pending = [Requirement(line) for line in requires]
        seen: set[str] = set()
        while pending:
            requirement = pending.pop()
            if requirement.marker and not requirement.marker.evaluate(markers):
                continue
            key = canonicalize_name(requirement.name)
            if key in seen:
                continue
            seen.add(key)
            wheel = find_wheel(dest, requirement, tags)
            if wheel is None:
                print(f"[bundle]   + {requirement} (for {version} only)", flush=True)
                # Without its marker, which pip would evaluate for the Python running it.
                bare = f"{requirement.name}{requirement.specifier}"
                pip_download([*common, "--no-deps", "--dest", str(dest), bare])
                wheel = find_wheel(dest, requirement, tags)
                if wheel is None:
                    raise SystemExit(
                        f"bundle_wheels.py: no wheel of {bare} for CPython {version} on {target}"
                    )
            pending.extend(Requirement(line) for line in metadata(wheel)[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, choices=sorted(TARGETS))
    parser.add_argument("--dest", required=True, type=Path)
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args()
    shutil.rmtree(args.dest, ignore_errors=True)
    wheels = args.dest / "wheels"
    wheels.mkdir(parents=True)
    shutil.copy2(args.wheel, wheels / args.wheel.name)
    collect(wheels / args.wheel.name, wheels, args.target)
    pip_download(["--only-binary=:all:", "--no-deps", "--dest", str(args.dest), "pip"])
    (pip_wheel,) = args.dest.glob("pip-*.whl")
    digest = hashlib.sha256()
    for wheel in sorted(wheels.glob("*.whl")):
        digest.update(wheel.name.encode())
        digest.update(wheel.read_bytes())
    _, version, _ = metadata(args.wheel)
    bundle = {
        "heapscope": version,
        "pip": pip_wheel.name,
        "pythons": PYTHONS,
        "target": args.target,
        "id": digest.hexdigest()[:16],
    }
    (args.dest / "bundle.json").write_text(json.dumps(bundle, indent=2) + "\n")
    print(f"[bundle] {len(list(wheels.glob('*.whl')))} wheels and {pip_wheel.name}, id {bundle['id']}")


if __name__ == "__main__":
    main()
