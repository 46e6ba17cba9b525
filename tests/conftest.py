"Shared fixtures: the repository, the offline data, the `mnist-course` command, and the repository's tools (tools/)."
import importlib.util, os, shutil, subprocess, sys
from pathlib import Path
from types import SimpleNamespace
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='session')
def root() -> Path:
    "The course repository (the folder holding settings.ini)."
    return ROOT


@pytest.fixture(scope='session')
def data_src() -> Path:
    "The folder named by MNIST_COURSE_DATA (holding mnist_sample.tgz and/or the MNIST .gz files)."
    src = os.environ.get('MNIST_COURSE_DATA')
    if not src or not Path(src).is_dir():
        pytest.skip('MNIST_COURSE_DATA is not set to a folder with mnist_sample.tgz: offline data tests need it')
    return Path(src)


@pytest.fixture(scope='session')
def run_cli(root):
    "A function that runs the installed `mnist-course` command (through this Python) with `env` merged over ours."
    def run(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
        cmd = [sys.executable, '-c', 'import sys; from mnist_course.cli import main; sys.exit(main())', *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=root,
                              env={**os.environ, **(env or {})})
    return run


@pytest.fixture(scope='session')
def tools(root) -> SimpleNamespace:
    """The scripts in tools/ as modules: `tools.site`, `tools.readme` and `tools.manifest`. They are plain files, not a package, and
    are loaded by path: `tools/site.py` could not be imported by name, since `site` is Python's own module."""
    def load(name):
        spec = importlib.util.spec_from_file_location(f'mnist_course_tools_{name}', root/'tools'/f'{name}.py')
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    return SimpleNamespace(site=load('site'), readme=load('readme'), manifest=load('manifest'))


def _find(env: str, *names: str) -> Path | None:
    "The program named by $`env`, else the first of `names` on PATH."
    if os.environ.get(env): return Path(os.environ[env])
    return next((Path(p) for n in names if (p := shutil.which(n))), None)


@pytest.fixture(scope='session')
def browser(tmp_path_factory):
    "Headless Chromium driven by Selenium (skips, saying why, where Chromium or its driver is missing)."
    chromium, driver = _find('CHROMIUM', 'chromium', 'google-chrome', 'chromium-browser'), _find('CHROMEDRIVER', 'chromedriver')
    if chromium is None or driver is None or not (chromium.exists() and driver.exists()):
        pytest.skip(f"headless Chromium is not installed (browser: {chromium}, driver: {driver}): "
                    "apt-get install -y chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    opts.binary_location = str(chromium)
    for arg in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--window-size=1280,1400',
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(service=Service(str(driver)), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()
