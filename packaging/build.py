"""Builds the frozen app with PyInstaller, smoke-tests it, and (on request) makes the platform's installer.

Usage, from any folder, with the project installed: pip install -e '.[packaging]'
    python packaging/build.py               build dist/ and run the smoke test
    python packaging/build.py --installer   also make the Windows installer (Inno Setup) or the macOS .dmg
    python packaging/build.py --installer --unsigned-dmg   macOS: a .dmg without signing (for testing only)
    python packaging/build.py --no-smoke-test
Installs nothing itself; says what is missing and stops. Exit status 0 when everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "sister_city_records.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP_FOLDER = DIST / "sister-city-records"
APP_BUNDLE = DIST / "Sister City Records.app"
ICON_ICO = WORK / "icons" / "app.ico"  # rendered by the spec from resources/icons/app-emblem.svg
PINNED_PYINSTALLER = "6.22.3"


class BuildFailed(Exception):
    """A step of the build failed; the message says which and what to do."""


def say(text: str) -> None:
    print(f"[build] {text}", flush=True)


def project() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        data = tomllib.load(pyproject)["project"]
    return {"name": data["name"], "version": data["version"]}


def check_prerequisites() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildFailed(
            "PyInstaller is not installed in this Python. Install the build tools with: "
            f"{sys.executable} -m pip install -e '.[packaging]'"
        )
    from importlib import metadata

    installed = metadata.version("pyinstaller")
    if installed != PINNED_PYINSTALLER:
        say(
            f"warning: PyInstaller {installed} is installed; the project is built and tested with {PINNED_PYINSTALLER}."
        )
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        raise BuildFailed("PyInstaller needs objdump on Linux; install it with: apt-get install binutils")
    for module, package in (
        ("PIL", "pillow"),
        ("PySide6.QtSvg", "PySide6-Essentials"),
        ("pypdf", "pypdf"),
        ("pypdfium2", "pypdfium2"),
    ):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            raise BuildFailed(f"{package} is not installed; run: {sys.executable} -m pip install -e '.[packaging]'")


def run_step(title: str, command: list[str], **kwargs: object) -> float:
    say(f"{title}: {' '.join(command)}")
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    except OSError as exc:
        raise BuildFailed(f"{title} could not start: {exc}") from exc
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise BuildFailed(
            f"{title} failed (exit status {result.returncode}) after {elapsed:.0f} s; see the output above."
        )
    say(f"{title} done in {elapsed:.0f} s.")
    return elapsed


def build_app() -> float:
    # The environment's QT_QPA_PLATFORM is left alone for PyInstaller; the icon renderer sets offscreen itself.
    return run_step(
        "PyInstaller",
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(SPEC),
        ],
    )


def built_app() -> Path:
    app = APP_BUNDLE if sys.platform == "darwin" else APP_FOLDER
    if not app.exists():
        raise BuildFailed(f"PyInstaller finished but {app} is missing.")
    return app


def folder_size(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file() and not entry.is_symlink())


def make_installer(version: str, *, unsigned_dmg: bool) -> float:
    if sys.platform == "win32":
        iscc = find_iscc()
        if not ICON_ICO.is_file():
            raise BuildFailed(f"The installer's icon {ICON_ICO} is missing; it is made by the PyInstaller step.")
        return run_step(
            "Inno Setup",
            [
                iscc,
                f"/DAppVersion={version}",
                f"/DAppNumericVersion={numeric_version(version)}",
                f"/DIconFile={ICON_ICO}",
                f"/DSourceDir={APP_FOLDER}",
                f"/DOutputDir={DIST}",
                str(PACKAGING / "windows" / "installer.iss"),
            ],
        )
    if sys.platform == "darwin":
        script = ["bash", str(PACKAGING / "macos" / "sign_and_notarize.sh")]
        if unsigned_dmg:
            script.append("--unsigned")
        seconds = run_step("Disk image", [*script, str(APP_BUNDLE)])
        if not unsigned_dmg:
            # The hardened runtime can stop a signed app that ran unsigned; the signed app must pass as well.
            seconds += run_step(
                "Smoke test of the signed app",
                [sys.executable, str(PACKAGING / "smoke_test.py"), "--app", str(APP_BUNDLE)],
            )
        return seconds
    say("No installer is made on this platform; the folder dist/sister-city-records is the build.")
    return 0.0


def numeric_version(version: str) -> str:
    """The a.b.c.d form Windows' version resource needs, e.g. 1.2.0rc1 -> 1.2.0.0."""
    numbers = []
    for part in version.split("+")[0].split(".")[:4]:
        leading = re.match(r"\d+", part)
        numbers.append(str(int(leading.group())) if leading else "0")
    return ".".join([*numbers, "0", "0", "0", "0"][:4])


def find_iscc() -> str:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"), os.environ.get("LOCALAPPDATA")):
        if base:
            for candidate in (
                Path(base) / "Inno Setup 6" / "ISCC.exe",
                Path(base) / "Programs" / "Inno Setup 6" / "ISCC.exe",
            ):
                if candidate.is_file():
                    return str(candidate)
    raise BuildFailed("Inno Setup 6 is not installed (ISCC.exe not found); install it, e.g. choco install innosetup.")


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the frozen Sister City Records app and smoke-test it.")
    parser.add_argument("--no-smoke-test", action="store_true", help="build only")
    parser.add_argument("--installer", action="store_true", help="also make the Windows installer or the macOS .dmg")
    parser.add_argument(
        "--unsigned-dmg",
        action="store_true",
        help="macOS: make the .dmg without signing or notarising (for testing; clerks need the signed one)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    try:
        check_prerequisites()
        info = project()
        say(f"Building {info['name']} {info['version']} for {sys.platform} with Python {sys.version.split()[0]}.")
        build_seconds = build_app()
        app = built_app()
        say(f"Built {app} ({folder_size(app) / 1_048_576:.0f} MiB) in {build_seconds:.0f} s.")
        if args.no_smoke_test:
            say("Smoke test left out (--no-smoke-test).")
        else:
            run_step("Smoke test", [sys.executable, str(PACKAGING / "smoke_test.py"), "--app", str(app)])
        if args.installer:
            make_installer(info["version"], unsigned_dmg=args.unsigned_dmg)
    except BuildFailed as exc:
        print(f"[build] FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("[build] Stopped.", file=sys.stderr)
        return 1
    say(f"Everything passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
