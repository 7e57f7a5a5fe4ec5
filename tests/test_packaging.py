"""The wheel ships everything `escalate triage` needs: a fresh venv runs it from another folder."""

from __future__ import annotations

import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(out)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("escalation_handler-*.whl")
    return built


def test_wheel_contains_prompts_schemas_and_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "agent/prompts/triage_system.j2",
        "agent/prompts/triage_user.j2",
        "agent/prompts/messages/acknowledgment.j2",
        "agent/json_schemas/engine_triage.json",
        "agent/examples/login-outage.txt",
        "agent/faces/cli.py",
    ):
        assert required in names


def test_installed_wheel_triages_an_example_offline(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    # Dependencies come from this environment's site-packages (no network); the project itself
    # comes only from the wheel.
    (site_dir,) = (venv / "lib").glob("python3.*/site-packages")
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (site_dir / "deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    proc = subprocess.run(
        [str(venv / "bin" / "escalate"), "--db", str(tmp_path / "x.db"), "triage", str(EXAMPLES / "login-outage.txt"),
         "--customer", "Acme", "--engine", "offline"],
        cwd=workdir, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ESC-1  SEV-1  technical  Acme")
    assert "Subject: [URGENT] We're on it - " in proc.stdout
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import agent.prompts as p; print(p.prompts_dir())"],
                           cwd=workdir, capture_output=True, text=True, check=True)
    assert str(venv) in where.stdout, "prompts must load from the installed wheel, not the checkout"
