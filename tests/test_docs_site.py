"""The docs site, checked as a reader sees it: built with `tools/site.py`, served on 127.0.0.1, loaded in headless Chromium.

Run: `pytest -q tests/test_docs_site.py` (about a minute; Chromium from `apt-get install chromium chromium-driver`,
or set CHROMIUM and CHROMEDRIVER to the browser and its driver). Screenshots of the home page and of one lesson are
saved in `_screenshots/` (git-ignored): look at them.
"""
import re, threading, time, urllib.error, urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse, unquote

import pytest


@pytest.fixture(scope='module')
def site(tools, root):
    "Build the site once for this module; returns `_docs/index.html`."
    return tools.site.build_site(root)


@pytest.fixture(scope='module')
def order(tools, root, site) -> list[str]:
    "Every page, in the sidebar's order (which the prev/next buttons follow): home, lessons, the rest, API reference."
    groups = tools.site.site_order(tools.site.site_notebooks(root/'nbs'))
    return ['index'] + [tools.site.page_name(nb) for group in groups.values() for nb in group] + [tools.site.API_PAGE]


@pytest.fixture(scope='module')
def pages(tools, root, site) -> dict:
    "Notebook -> its page file."
    return {nb: site.parent/f"{tools.site.page_name(nb)}.html" for nb in tools.site.site_notebooks(root/'nbs')}


def _modidx(root):
    g = {}
    exec((root/'mnist_course'/'_modidx.py').read_text(), g)
    return g['d']['syms']


class _Ids(HTMLParser):
    "Every id and every link of an HTML page."
    def __init__(self):
        super().__init__(); self.ids, self.links = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.links.append(a['href'])


def _parse(fn):
    p = _Ids(); p.feed(Path(fn).read_text()); return p


def _sidebar(index_html: str) -> dict[str, list[str]]:
    "The sidebar of the home page: caption -> the pages it links, in order."
    nav = index_html[index_html.index('bd-docs-nav'):]
    nav = nav[:nav.index('</nav>')]
    return {cap: re.findall(r'<a class="reference internal" href="([^"#]+)\.html"', ul)
            for cap, ul in re.findall(r'<span class="caption-text">([^<]+)</span></p>\s*<ul[^>]*>(.*?)</ul>', nav, re.S)}


# ------------------------------------------------------------------ fast checks (no browser)
def test_every_notebook_has_a_page(site, pages):
    assert site.name == 'index.html' and site.exists()
    missing = [nb.name for nb, page in pages.items() if not page.exists()]
    assert not missing, f"notebooks without a page: {missing}"


def test_sidebar_follows_the_rule(tools, root, site, order):
    "Lessons (NN < 90, by number), then questionnaire, glossary, 9N notebooks, the others by name, the API page."
    bar = _sidebar(site.read_text())
    lessons = [tools.site.page_name(nb) for nb in tools.site.site_order(tools.site.site_notebooks(root/'nbs'))['Lessons']]
    assert list(bar) == ['Lessons', 'Check yourself and reference'], bar
    assert bar['Lessons'] == lessons
    assert bar['Lessons'] + bar['Check yourself and reference'] == order[1:]
    assert bar['Check yourself and reference'][-1] == 'reference'


def test_prev_next_follow_the_sidebar(site, order):
    for prev, nxt in zip(order, order[1:]):
        m = re.search(r'<a class="right-next"\s+href="([^"]+)"', (site.parent/f'{prev}.html').read_text())
        assert m and m[1] == f'{nxt}.html', f"{prev}.html: next button goes to {m and m[1]}, expected {nxt}.html"
        m = re.search(r'<a class="left-prev"\s+href="([^"]+)"', (site.parent/f'{nxt}.html').read_text())
        assert m and m[1] == f'{prev}.html', f"{nxt}.html: previous button goes to {m and m[1]}, expected {prev}.html"
    assert 'class="right-next"' not in (site.parent/f'{order[-1]}.html').read_text()


def test_api_page_lists_every_public_export_with_its_lesson(root, site):
    ref = site.parent/'reference.html'
    parsed = _parse(ref)
    syms = [s for mod in _modidx(root).values() for s in mod]
    public = [s for s in syms if not s.rsplit('.', 1)[-1].startswith('_')]
    assert public, "_modidx.py lists no symbols: run nbdev_export"
    missing = [s for s in public if s not in parsed.ids]
    assert not missing, f"exported but not on the API page: {missing}"
    private = sorted((set(syms) - set(public)) & parsed.ids)
    assert not private, f"private names on the API page: {private}"
    entries = re.findall(r'<dl class="py (?:function|class|method)">', ref.read_text())
    assert len(entries) == len(public)
    print(f"API reference: {len(entries)} entries ({len(syms) - len(public)} private names left out)")
    for href in {h for h in parsed.links if re.match(r'^[\w.-]+\.html(#.*)?$', h)}:
        page, frag = urldefrag(href)
        assert (site.parent/page).exists(), f"API page links to missing {page}"
        if frag: assert unquote(frag) in _parse(site.parent/page).ids, f"API page links to missing anchor {href}"


def test_no_dead_widget_views(site):
    "Slider outputs are replaced by a note: no page asks for widget JavaScript that can't load offline."
    for page in site.parent.glob('*.html'):
        text = page.read_text()
        assert 'application/vnd.jupyter.widget-view+json' not in text, page.name
        assert 'cdn.jsdelivr.net' not in text and 'unpkg.com' not in text, page.name


# ------------------------------------------------------------------ in a real browser
@pytest.fixture(scope='module')
def server(tools, site):
    srv = tools.site.site_server(site.parent, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown(); srv.server_close()


_IMAGES_JS = """
const done = arguments[arguments.length - 1];
const imgs = [...document.images];
imgs.forEach(i => i.loading = 'eager');
Promise.all(imgs.map(i => i.decode().then(() => null, () => null))).then(() =>
  done(imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src)));
"""


def _severe(drv):
    return [e['message'] for e in drv.get_log('browser') if e['level'] == 'SEVERE']


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.status
    except urllib.error.HTTPError as e: return e.code


def test_site_in_browser(root, site, order, server, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait
    t0 = time.perf_counter()
    shots = root/'_screenshots'
    shots.mkdir(exist_ok=True)
    html_pages = sorted(p.name for p in site.parent.glob('*.html'))
    expected = {f'{n}.html' for n in order} | {'search.html', 'genindex.html'}
    assert expected <= set(html_pages), f"missing pages: {expected - set(html_pages)}"
    problems, links, ids = [], set(), {}
    for name in html_pages:
        browser.get(server + name)
        try: WebDriverWait(browser, 10).until(lambda d: d.find_elements('css selector', 'main h1, article h1, h1'))
        except TimeoutException: problems.append(f"{name}: no title (empty or error page)")
        for src in browser.execute_async_script(_IMAGES_JS):
            problems.append(f"{name}: image did not load: {src}")
        for msg in _severe(browser): problems.append(f"{name}: JavaScript/console error: {msg}")
        ids[name] = set(browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
        for href in browser.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if urlparse(href).netloc == urlparse(server).netloc: links.add((name, href))
        if name == 'index.html': browser.save_screenshot(str(shots/'home.png'))
    for name, href in sorted(links):
        url, frag = urldefrag(href)
        target = urlparse(url).path.lstrip('/') or 'index.html'
        if target not in ids:
            if _status(url) != 200: problems.append(f"{name}: broken link {href}")
        elif frag and unquote(frag) not in ids[target]:
            problems.append(f"{name}: link to a missing anchor {href}")
    # one lesson: the first with a plot in its outputs (scrolled into view), else the first lesson
    lessons = [f'{n}.html' for n in order[1:-1]]
    with_img = [n for n in lessons if 'src="_images/' in (site.parent/n).read_text()]
    browser.get(server + (with_img or lessons)[0])
    browser.execute_script("const i = document.querySelector('.cell_output img'); if (i) i.scrollIntoView({block: 'center'});")
    browser.save_screenshot(str(shots/'lesson.png'))
    assert not problems, '\n'.join(problems)
    print(f"browser checked {len(html_pages)} pages and {len(links)} links in {time.perf_counter() - t0:.1f} s")


def _search(browser, server, query):
    "Titles and links of the results the site's own search page gives for `query`."
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(f"{server}search.html?q={query}")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "const s = document.querySelector('#search-results'); return s && /found|no matches|did not match/i.test(s.innerText)"))
    return browser.execute_script(
        "return [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'))")


def test_search_finds_a_function_and_a_concept(root, site, server, browser):
    names = sorted(s.rsplit('.', 1)[-1] for mod in _modidx(root).values() for s in mod if not s.rsplit('.', 1)[-1].startswith('_'))
    fn = 'load_sample' if 'load_sample' in names else names[0]
    hits = _search(browser, server, fn)
    assert any(h.startswith('reference.html') for h in hits), f"search for {fn!r} found {hits}"
    hits = _search(browser, server, 'broadcasting')
    assert hits, "search for 'broadcasting' found nothing"
    assert not _severe(browser)


# ------------------------------------------------------------------ last: building again
def test_second_build_rereads_nothing(tools, root, site):
    "Nothing changed, so Sphinx re-reads no page: an unchanged build is incremental; a script of a pad no page holds any more is removed."
    doctrees = root/'_build'/'site'/'doctrees'
    before = {p.name: p.stat().st_mtime_ns for p in doctrees.glob('*.doctree')}
    stale = [root/'_build'/'site'/d/'_static'/tools.site.weights_file('pad-gone') for d in ('src', 'html')]
    for f in stale: f.write_text('// from a pad that was removed')
    assert tools.site.build_site(root) == site
    after = {p.name: p.stat().st_mtime_ns for p in doctrees.glob('*.doctree')}
    assert before and after == before, "an unchanged build rewrote pages"
    assert not any(f.exists() for f in stale) and not (site.parent/'_static'/stale[0].name).exists()


# ------------------------------------------------------------------ the live figures (tools/live.js)
def _live(browser, server, page, name):
    "Open `page` and return its live figure `name` (a WebElement), once live.js has drawn it."
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + page)
    return WebDriverWait(browser, 20).until(lambda d: d.find_element(
        'css selector', f'.mc-live.mc-live-ready[data-live="{name}"]'))


def _set(browser, slider, value):
    "Move a range input to `value` as a drag would: set it, then fire the input event."
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", slider, str(value))


def test_live_sliders_match_python(site, server, browser):
    "Lesson 2's sliders on the page: each position's curve and MAE, computed by the browser, equal the package's in Python."
    import json, torch
    from selenium.webdriver.common.keys import Keys
    from mnist_course.quadratic_sgd import measurements, mae, quad, rectified_linear, double_relu
    x, y = (t.double() for t in measurements())
    xs = torch.linspace(-2.1, 2.1, 100, dtype=torch.float64)
    fns = {'quadratic': lambda p, x: quad(p['a'], p['b'], p['c'], x), 'quadratic-mae': lambda p, x: quad(p['a'], p['b'], p['c'], x),
           'relu': lambda p, x: rectified_linear(p['m'], p['b'], x),
           'double-relu': lambda p, x: double_relu(p['m1'], p['b1'], p['m2'], p['b2'], x)}
    page = 'quadratic_sgd.html'
    assert (site.parent/page).read_text().count('class="mc-live"') == 4
    for name, fn in fns.items():
        box = _live(browser, server, page, name)
        sliders = box.find_elements('css selector', 'input[type=range]')
        assert len(sliders) == {'quadratic': 3, 'quadratic-mae': 3, 'relu': 2, 'double-relu': 4}[name]
        path = lambda: box.find_element('css selector', 'path.mc-curve').get_attribute('d')
        seen, prev = [], None
        moves = [None, ('keys', 0, Keys.ARROW_RIGHT * 3), ('keys', 1, Keys.ARROW_LEFT * 5)] + \
                [('set', i, v) for i, v in [(0, 3.0), (1, 2.0), (len(sliders) - 1, 0.7), (0, -1.1)]]
        for move in moves:
            if move and move[0] == 'keys': sliders[move[1]].click(); sliders[move[1]].send_keys(move[2])
            elif move: _set(browser, sliders[move[1]], move[2])
            p = json.loads(box.get_attribute('data-params'))
            want = fn(p, xs)
            got = torch.tensor(json.loads(box.get_attribute('data-curve')), dtype=torch.float64)
            assert torch.allclose(got, want, atol=1e-9), (name, p)
            title = box.find_element('css selector', 'text.mc-title').text if name in ('quadratic-mae', 'relu') else None
            if name == 'quadratic-mae':
                page_mae = float(box.find_element('css selector', 'output.mc-result').get_attribute('data-value'))
                want_mae = mae(fn(p, x), y).item()
                assert abs(page_mae - want_mae) < 1e-6, (p, page_mae, want_mae)
                assert title == f"MAE: {want_mae:.2f}"
            if name == 'relu': assert title == f"max(0, {p['m']:.2f}x + {p['b']:.2f})"
            if prev is not None and p != prev[0]: assert path() != prev[1], f"{name}: the curve did not change when {prev[0]} became {p}"
            prev = (p, path()); seen.append(p)
        assert len({json.dumps(p) for p in seen}) == len(moves), f"{name}: a move did not move a slider: {seen}"
    assert not _severe(browser)


def test_live_rollercoaster_matches_apply_step(site, server, browser):
    "Lesson 3's stepper: every step's loss, taken by the browser, equals `apply_step`'s in Python; Next, Back and the keys move it."
    import torch
    from selenium.webdriver.common.keys import Keys
    from mnist_course.rollercoaster import rollercoaster, apply_step
    gen = torch.Generator().manual_seed(42)
    t, speed = rollercoaster(gen)
    params = torch.randn(3, generator=gen).double().requires_grad_()
    want = [apply_step(params, t.double(), speed.double())[1] for _ in range(10)]
    box = _live(browser, server, 'rollercoaster.html', 'rollercoaster')
    back, nxt = box.find_elements('css selector', 'button')
    out = lambda: box.find_element('css selector', 'output.mc-result')
    title = lambda: box.find_element('css selector', 'text.mc-title').text
    assert back.get_attribute('disabled') and title() == 'step 1: MSE 25,824'   # the notebook's first panel
    for k in range(1, 11):
        assert int(out().get_attribute('data-step')) == k
        assert abs(float(out().get_attribute('data-value')) - want[k - 1]) <= 1e-9 * want[k - 1], k
        if k < 10: nxt.click()
    assert nxt.get_attribute('disabled')
    assert [title() for _ in [back.click()]] == [f'step 9: MSE {round(want[8]):,}']
    slider = box.find_element('css selector', 'input[type=range]')
    slider.click(); slider.send_keys(Keys.HOME, Keys.ARROW_RIGHT)
    assert int(out().get_attribute('data-step')) == 2 and title() == 'step 2: MSE 5,436'
    assert not _severe(browser)


def test_live_figures_say_what_to_do(site):
    "Each live figure has a one-line hint, and a note for readers without JavaScript; live.js ships inside the site."
    for page, n in (('quadratic_sgd.html', 4), ('rollercoaster.html', 1), *((p, 1) for p in PAD_PAGES.values())):
        text = (site.parent/page).read_text()
        assert text.count('class="mc-live-hint"') == n and text.count('<noscript><p class="mc-live-off">') == n, page
        assert 'src="_static/live.js' in text
    assert (site.parent/'_static'/'live.js').stat().st_size < 20_000


# ------------------------------------------------------------------ the live drawing pads (tools/pad.js)
PAD_PAGES = {'pad': 'your_digit.html', 'pad-augmented': 'augmentation.html'}


@pytest.fixture(scope='module')
def pad_models(tools, site):
    "Each live pad's models, as the site builder got them (trained once by the build, then loaded)."
    return {name: tools.site.pad_models_of(name) for name in PAD_PAGES}


def _drawings() -> dict:
    "Drawings as the pad gives them (280x280 bytes, ink high): strokes of many widths and places, and MNIST test digits blown up tenfold."
    import numpy as np
    from mnist_course.your_digit import draw_strokes
    from mnist_course.augmentation import STROKES, slanted
    from mnist_course.data import load_mnist
    res = {'seven': draw_strokes([[(70, 60), (215, 60), (150, 240)], [(110, 150), (200, 150)]]),
           'thin one': draw_strokes([[(140, 30), (140, 250)]], pen=6),
           'thick zero': draw_strokes(slanted(STROKES[0]['oval'], 150, 50, 40), pen=90),
           'small four in a corner': draw_strokes(slanted(STROKES[4]['closed'], 40, 5, 5), pen=10),
           'slanted bar at the edge': draw_strokes(slanted([[(0, 0), (0, 1)]], 250, 250, 15, slant=0.2), pen=24),
           'loop': draw_strokes([[(140 + 80 * np.cos(t), 140 + 100 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 30)]]),
           'two dots': draw_strokes([[(100, 100)], [(180, 200)]], pen=30)}
    valid_x = load_mnist()[2]
    res |= {f'MNIST test digit {i}': np.kron(valid_x[i].numpy(), np.ones((10, 10), np.uint8)) for i in range(10)}
    return res


def _run_on_page(browser, box, ink) -> dict:
    "What the page's pad computes for the pad pixels `ink` (bytes, ink high), through the same path as a drawing."
    import base64
    return browser.execute_script("return arguments[0].mcPadRun(arguments[1])", box, base64.b64encode(ink.tobytes()).decode())


def _assert_as_python(res: dict, ink, models):
    "The page's digit equals `to_mnist`'s byte for byte; its answers, table, evidence and occlusion maps equal the package's."
    import numpy as np, torch
    from mnist_course.your_digit import to_mnist, predict, answers_html, evidence, occlusion
    digit = to_mnist(ink)
    assert res['digit'] == digit.flatten().tolist(), "the page's 28x28 digit differs from to_mnist's"
    want = predict(models, digit)
    for name, v in want.items():
        assert torch.allclose(torch.tensor(res['answers'][name], dtype=torch.float64).view(-1), v.double().view(-1), atol=1e-4), name
    page_table = re.sub(r'\s+', ' ', res['table'])
    assert page_table == re.sub(r'\s+', ' ', answers_html(want)), (page_table, answers_html(want))
    ev, win, second = evidence(models['linear'], digit)
    assert (res['evidence']['win'], res['evidence']['second']) == (win, second)
    assert np.allclose(res['evidence']['map'], ev.flatten().numpy(), atol=1e-5)
    for name in ('net', 'cnn'):
        drop, answer = occlusion(models[name], digit)
        assert res['occlusion'][name]['answer'] == answer
        assert np.allclose(res['occlusion'][name]['map'], drop.flatten().numpy(), atol=1e-4), name


@pytest.mark.parametrize('name', PAD_PAGES)
def test_live_pad_matches_the_package(name, site, server, browser, pad_models):
    "For drawings of many kinds, the page's 28x28 digit is to_mnist's byte for byte, and its answers are predict's (1e-4)."
    box = _live(browser, server, PAD_PAGES[name], name)
    assert 'draw a digit first' in box.find_element('css selector', '.pad-message').text   # nothing drawn yet
    times = []
    for what, ink in _drawings().items():
        res = _run_on_page(browser, box, ink)
        assert 'message' not in res, (what, res.get('message'))
        _assert_as_python(res, ink, pad_models[name])
        times.append(res['ms'])
    print(f"{name}: {len(times)} drawings match the package; the page took {min(times):.1f} to {max(times):.1f} ms per drawing")
    assert not _severe(browser)


@pytest.mark.parametrize('name', PAD_PAGES)
def test_live_pad_draw_with_the_mouse(name, root, site, server, browser, pad_models):
    "Draw a 7 with mouse events: every model answers as Python does for the pad's own pixels; a cross-bar changes the answers, Undo brings them back, Clear empties the pad."
    import base64, numpy as np
    from selenium.webdriver.common.action_chains import ActionChains
    box = _live(browser, server, PAD_PAGES[name], name)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", box)
    pad = box.find_element('css selector', 'canvas.mnist-pad')
    def stroke(points):
        "Press at the first point (offsets from the pad's centre), move through the others, release."
        chain = ActionChains(browser).move_to_element_with_offset(pad, *points[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(points, points[1:]): chain.move_by_offset(x1 - x0, y1 - y0)
        chain.release().perform()
    result = lambda: browser.execute_script("return arguments[0].mcPadResult", box)
    table = lambda: box.find_element('css selector', '.mc-pad-answers').text
    stroke([(-60, -80), (0, -85), (60, -80), (20, 0), (-10, 90)])          # a 7: a bar and a slanted stem
    first, first_table = result(), table()
    for model in ('mean digits', 'linear', 'net', 'cnn', '3 or 7'): assert model in first_table
    ink = np.frombuffer(base64.b64decode(first['ink']), np.uint8).reshape(280, 280)
    _assert_as_python(first, ink, pad_models[name])                       # the pad's own pixels, read back
    assert int(np.argmax(first['answers']['cnn'])) == 7
    assert len(box.find_elements('css selector', '.mc-pad-figure canvas')) == 5
    stroke([(-40, 0), (40, 0)])                                             # a cross-bar: the answers change
    second = result()
    assert second['answers'] != first['answers'] and second['ink'] != first['ink']
    (root/'_screenshots').mkdir(exist_ok=True)
    browser.save_screenshot(str(root/'_screenshots'/f'{name}_site.png'))
    box.find_element('css selector', 'button.mnist-pad-undo').click()      # Undo: the first answers again
    assert result()['answers'] == first['answers'] and table() == first_table
    box.find_element('css selector', 'button.mnist-pad-clear').click()     # Clear: back to the message
    assert 'draw a digit first' in table()
    assert not box.find_elements('css selector', '.mc-pad-figure')
    assert not _severe(browser)


def test_live_pad_works_from_files(site, browser, pad_models):
    "Opened as a file (no server), the pad page loads its scripts and weights and answers a drawing."
    from mnist_course.your_digit import draw_strokes
    browser.get(site.parent.joinpath(PAD_PAGES['pad']).resolve().as_uri())
    from selenium.webdriver.support.ui import WebDriverWait
    box = WebDriverWait(browser, 20).until(lambda d: d.find_element('css selector', '.mc-live.mc-live-ready[data-live="pad"]'))
    ink = draw_strokes([[(70, 60), (215, 60), (150, 240)]])
    _assert_as_python(_run_on_page(browser, box, ink), ink, pad_models['pad'])
    assert not _severe(browser)


def test_pad_scripts_load_only_on_pad_pages(tools, site):
    "The pad's code and its 1.8 MB of weights are loaded by the two pad pages only; each names its own weights; nothing comes from another host."
    static = site.parent/'_static'
    for page in site.parent.glob('*.html'):
        text = page.read_text()
        name = next((n for n, p in PAD_PAGES.items() if p == page.name), None)
        assert ('_static/pad.js' in text) == (name is not None), page.name
        if name: assert all(f'src="_static/{f}"' in text for f in tools.site.pad_files(name)), page.name
    sizes = {f.name: f.stat().st_size for f in static.glob('*.js') if f.name.startswith(('pad', 'mc_', 'live'))}
    print('pad and live scripts (bytes):', sizes)
    assert sizes['pad.js'] < 20_000 and sizes['live.js'] < 20_000 and sizes['mc_pad_widget.js'] < 5_000
    for name in PAD_PAGES: assert sizes[tools.site.weights_file(name)] < 2_000_000


def test_live_pad_draws_with_a_finger_on_a_phone(site, server, browser, pad_models):
    "On a phone-sized page, a 7 drawn with touch events draws (the page does not scroll instead) and every model answers as Python does."
    import base64, numpy as np
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    browser.set_window_size(390, 844)
    try:
        box = _live(browser, server, PAD_PAGES['pad'], 'pad')
        pad = box.find_element('css selector', 'canvas.mnist-pad')
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
        scrolled = browser.execute_script("return window.scrollY")
        finger = ActionBuilder(browser, mouse=PointerInput(interaction.POINTER_TOUCH, 'finger'))
        points = [(-50, -70), (0, -75), (50, -70), (15, 0), (-10, 80)]   # offsets from the pad's centre
        finger.pointer_action.move_to(pad, *points[0]).pointer_down()
        for p in points[1:]: finger.pointer_action.move_to(pad, *p)
        finger.pointer_action.pointer_up()
        finger.perform()
        res = browser.execute_script("return arguments[0].mcPadResult", box)
        assert 'message' not in res, res.get('message')
        ink = np.frombuffer(base64.b64decode(res['ink']), np.uint8).reshape(280, 280)
        _assert_as_python(res, ink, pad_models['pad'])
        assert int(np.argmax(res['answers']['cnn'])) == 7
        assert browser.execute_script("return window.scrollY") == scrolled, "the page scrolled instead of drawing"
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page is wider than the phone"
        assert browser.execute_script("const t = arguments[0].querySelector('table.pad-answers');"
                                      "return t.getBoundingClientRect().right <= arguments[0].getBoundingClientRect().right + 1", box), \
            "the answers table is wider than the pad's box"
    finally: browser.set_window_size(1280, 1400)
    assert not _severe(browser)
