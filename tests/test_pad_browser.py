"""Lesson 8's drawing pad in a real JupyterLab, under headless Chromium: run a notebook that shows the pad, draw a digit
with mouse events, and check that every model's answers appear and change as the drawing changes.

The notebook is a small one written here, holding lesson 9's own call with quick models,
`digit_lab(augmented_models(quick=True))` (the pad with the net and cnn trained on augmented digits), so that the test
doesn't train the lessons' full models. A screenshot of the pad with the drawn digit is saved in
`_screenshots/pad.png` (git-ignored): look at it.
"""
import json, os, socket, subprocess, sys, time, urllib.request
import pytest

CELL = ("import torch; torch.set_num_threads(1)\n"
        "from mnist_course.your_digit import digit_lab\n"
        "from mnist_course.augmentation import augmented_models\n"
        "digit_lab(augmented_models(quick=True))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture(scope='module')
def lab(data_src, tmp_path_factory):
    "A JupyterLab server on 127.0.0.1 serving a folder with the pad's notebook; yields the notebook's URL."
    folder = tmp_path_factory.mktemp('lab')
    nb = {'cells': [{'cell_type': 'code', 'execution_count': None, 'metadata': {}, 'outputs': [], 'source': CELL}],
          'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}},
          'nbformat': 4, 'nbformat_minor': 5}
    (folder/'pad.ipynb').write_text(json.dumps(nb))
    port, token = free_port(), 'mnist-course-test'
    log = open(folder/'lab.log', 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', '--allow-root', f'--port={port}',
                             '--ServerApp.ip=127.0.0.1', f'--IdentityProvider.token={token}',
                             f'--ServerApp.root_dir={folder}', '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, 'MNIST_COURSE_DATA': str(data_src)})
    base = f'http://127.0.0.1:{port}'
    for _ in range(600):
        try:
            with urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=2): break
        except OSError: time.sleep(0.1)
    else:
        proc.kill(); pytest.fail(f"JupyterLab did not start: {(folder/'lab.log').read_text()[-2000:]}")
    yield f'{base}/lab/tree/pad.ipynb?token={token}'
    proc.terminate(); proc.wait(timeout=30); log.close()


def wait_for(drv, what, seconds=120):
    "Poll `what(drv)` until it is truthy; return it."
    t0 = time.time()
    while time.time() - t0 < seconds:
        try:
            if res := what(drv): return res
        except Exception: pass
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what.__doc__ or what}")


def answers(drv) -> str:
    "The text of the models' answers table, once it is there."
    return drv.execute_script("const t = document.querySelector('table.pad-answers'); return t ? t.innerText : ''")


def test_draw_a_digit_and_see_every_model_answer(lab, browser, root):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.set_window_size(1280, 1100)
    browser.get(lab)
    def kernel_idle(d):
        "JupyterLab's status bar says the kernel is connected and idle."
        return 'Idle' in d.find_element(By.CSS_SELECTOR, '.jp-StatusBar-Widget, #jp-main-statusbar').text
    def first_prompt(d) -> str:
        return d.find_element(By.CSS_SELECTOR, '.jp-Notebook .jp-Cell .jp-InputPrompt').text
    for attempt in range(3):  # a run asked for before the kernel's session is ready is dropped: ask again
        wait_for(browser, kernel_idle)
        def click_cell(d):
            "Click into the notebook's first cell, once JupyterLab has laid it out."
            d.find_element(By.CSS_SELECTOR, '.jp-Notebook .jp-Cell .cm-content').click(); return True
        wait_for(browser, click_cell)
        ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        try:
            wait_for(browser, lambda d: any(c in first_prompt(d) for c in '*0123456789'), 20); break
        except AssertionError: continue
    pad = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, 'canvas.mnist-pad'), 300)
    assert 'draw a digit first' in wait_for(browser, lambda d: d.execute_script(
        "const m = document.querySelector('.pad-message'); return m && m.innerText"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)

    def stroke(points):
        "Press at the first point (offsets from the pad's centre), move through the others, release."
        chain = ActionChains(browser).move_to_element_with_offset(pad, *points[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(points, points[1:]): chain.move_by_offset(x1 - x0, y1 - y0)
        chain.release().perform()

    stroke([(-60, -80), (0, -85), (60, -80), (20, 0), (-10, 90)])          # a 7, roughly: a bar and a slanted stem
    first = wait_for(browser, answers)
    for model in ('mean digits', 'linear', 'net', 'cnn', '3 or 7'): assert model in first
    stroke([(-40, 0), (40, 0)])                                             # a cross-bar: the answers change
    second = wait_for(browser, lambda d: (a := answers(d)) != first and a)
    assert second != first
    wait_for(browser, lambda d: d.execute_script(
        "const i = [...document.querySelectorAll('.jp-OutputArea img')].find(o => o.naturalWidth > 0); return !!i"))
    (root/'_screenshots').mkdir(exist_ok=True)
    browser.save_screenshot(str(root/'_screenshots'/'pad.png'))
    browser.find_element(By.CSS_SELECTOR, 'button.mnist-pad-clear').click()        # Clear: back to the message
    wait_for(browser, lambda d: d.execute_script(
        "const m = document.querySelector('.pad-message'); return m && m.innerText.includes('draw a digit first')"))
