"""Version agreement, and pakrus working from a wheel, an editable install and a plain checkout."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import CHECKOUT

import pakrus

needs_checkout = pytest.mark.skipif(
    not (CHECKOUT / "pyproject.toml").is_file(), reason="needs the repository checkout beside the tests"
)


def newest_changelog_entry() -> tuple[str, str]:
    text = (CHECKOUT / "CHANGELOG.md").read_text(encoding="utf-8")
    version, date = re.search(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M).groups()
    return version, date


@needs_checkout
def test_version_lives_in_the_descriptor_and_everything_agrees():
    version = pakrus.package()["version"]
    citation = yaml.safe_load((CHECKOUT / "CITATION.cff").read_text(encoding="utf-8"))
    assert pakrus.__version__ == version
    assert importlib.metadata.version("pakrus") == version
    assert str(citation["version"]) == version
    assert newest_changelog_entry()[0] == version


@needs_checkout
def test_release_dates_agree():
    citation = yaml.safe_load((CHECKOUT / "CITATION.cff").read_text(encoding="utf-8"))
    created = pakrus.package()["created"][:10]
    assert str(citation["date-released"]) == created == newest_changelog_entry()[1]


@needs_checkout
def test_checkout_and_installed_package_are_the_same_data():
    installed = pakrus.package()
    checkout = json.loads((CHECKOUT / "datapackage.json").read_text(encoding="utf-8"))
    assert installed == checkout


# Installs

CHECK = (
    "import json, pakrus, pakrus._files as f; "
    "print(json.dumps({'root': str(f.default_root()), 'rows': {k: len(v) for k, v in pakrus.load_all().items()}, "
    "'valid': pakrus.validate().valid}))"
)


def _venv(tmp_path: Path) -> Path:
    """A new virtual environment that sees this one's dependencies but not its pakrus first."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "zzz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _pip(venv: Path, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--ignore-installed",
            *args,
        ],
        check=True,
    )


def _check(python: Path, cwd: Path, **env) -> dict:
    out = subprocess.run(
        [str(python), "-c", CHECK],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(CHECKOUT),
        ],
        check=True,
    )
    return next(out.glob("pakrus-*.whl"))


@needs_checkout
def test_wheel_carries_the_data_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "pakrus/_package/datapackage.json",
        "pakrus/_package/CITATION.cff",
        "pakrus/_package/validation/checks.json",
    }
    for part in ("data", "schemas"):
        expected |= {f"pakrus/_package/{p.relative_to(CHECKOUT).as_posix()}" for p in (CHECKOUT / part).iterdir()}
    assert expected <= names


@needs_checkout
def test_wheel_works_with_no_checkout_around(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    result = _check(Path(sys.executable), tmp_path, PYTHONPATH=str(target))
    assert result["root"] == str(target / "pakrus" / "_package") and result["valid"]
    assert result["rows"] == {k: len(v) for k, v in pakrus.load_all().items()}
    cli = subprocess.run(
        [str(target / "bin" / "pakrus"), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(target)},
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr


@needs_checkout
def test_editable_install_reads_the_checkout(tmp_path):
    venv = _venv(tmp_path)
    _pip(venv, "--editable", str(CHECKOUT))
    result = _check(venv / "bin" / "python", tmp_path)
    assert Path(result["root"]) == CHECKOUT and result["valid"]


@needs_checkout
def test_plain_checkout_reads_the_checkout(tmp_path):
    result = _check(Path(sys.executable), tmp_path, PYTHONPATH=str(CHECKOUT / "src"))
    assert Path(result["root"]) == CHECKOUT and result["valid"]
