"""One copy of the program per data folder: a second copy is told so in a sentence; a killed copy frees the folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.errors import UserError
from desktop_app.core.safekeeping.instance_lock import AlreadyOpenError, acquire_instance_lock

HOLD = """
import sys, time
from pathlib import Path
from desktop_app.core.safekeeping.instance_lock import acquire_instance_lock
lock = acquire_instance_lock(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(120)
"""
REPO_ROOT = Path(__file__).resolve().parents[2]


def holder(data_dir: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_second_copy_gets_a_plain_sentence_and_a_killed_copy_frees_the_folder(tmp_path: Path) -> None:
    child = holder(tmp_path)
    try:
        with pytest.raises(AlreadyOpenError) as raised:
            acquire_instance_lock(tmp_path)
        message = raised.value.message
        assert "already open in another copy" in message and f"process {child.pid}" in message
        assert isinstance(raised.value, UserError)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with acquire_instance_lock(tmp_path) as lock:
        assert lock.held
    assert not lock.held


def test_the_same_process_cannot_take_the_folder_twice_until_it_lets_go(tmp_path: Path) -> None:
    first = acquire_instance_lock(tmp_path / "data")
    with pytest.raises(AlreadyOpenError):
        acquire_instance_lock(tmp_path / "data")
    first.release()
    first.release()  # harmless
    acquire_instance_lock(tmp_path / "data").release()


def test_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError):
        acquire_instance_lock(tmp_path / "file")
