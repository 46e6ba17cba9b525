"Shared fixtures: where the offline data is, and a helper to run the `mnist-course` command."
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='session')
def data_src() -> Path:
    "The folder named by MNIST_COURSE_DATA (holding mnist_sample.tgz and/or the MNIST .gz files)."
    src = os.environ.get('MNIST_COURSE_DATA')
    if not src or not Path(src).is_dir():
        pytest.skip('MNIST_COURSE_DATA is not set to a folder with mnist_sample.tgz: offline data tests need it')
    return Path(src)

def run_cli(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    "Run the installed `mnist-course` command (through this Python) with `env` merged over ours."
    cmd = [sys.executable, '-c', 'import sys; from mnist_course.cli import main; sys.exit(main())', *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})
