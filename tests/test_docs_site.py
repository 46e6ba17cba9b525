"""The docs site, checked as a reader sees it: built with `build_site()`, served on 127.0.0.1, loaded in headless Chromium.

Run: `pytest -q tests/test_docs_site.py` (about a minute; Chromium from `apt-get install chromium chromium-driver`).
Screenshots of the home page and of one lesson are saved in `_screenshots/` (git-ignored): look at them.
"""
import json, re, threading, time, urllib.error, urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse, unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = Path('/usr/bin/chromium'), Path('/usr/bin/chromedriver')
SHOTS = ROOT/'_screenshots'
BROWSER_BUDGET_S = 120


@pytest.fixture(scope='module')
def site():
    "Build the site once for this module; returns `_docs/index.html`."
    from mnist_course.docs import build_site
    return build_site(ROOT)


@pytest.fixture(scope='module')
def pages(site):
    "Notebook -> its page file, in course order."
    from mnist_course.docs import site_notebooks, page_name
    return {nb: site.parent/f"{page_name(nb)}.html" for nb in site_notebooks(ROOT/'nbs')}


def _modidx():
    g = {}
    exec((ROOT/'mnist_course'/'_modidx.py').read_text(), g)
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


# ------------------------------------------------------------------ fast checks (no browser)
def test_every_notebook_has_a_page_in_course_order(site, pages):
    assert site.name == 'index.html' and site.exists()
    missing = [nb.name for nb, page in pages.items() if not page.exists()]
    assert not missing, f"notebooks without a page: {missing}"
    order = [p.name for p in pages.values() if p.name != 'index.html']
    for prev, nxt in zip(['index.html'] + order, order + ['reference.html']):   # the "next" button follows filename order
        m = re.search(r'<a class="right-next"\s+href="([^"]+)"', (site.parent/prev).read_text())
        assert m and m[1] == nxt, f"{prev}: next button goes to {m and m[1]}, expected {nxt}"


def test_api_page_lists_every_export_with_its_lesson(site):
    ref = site.parent/'reference.html'
    parsed = _parse(ref)
    syms = [s for mod in _modidx().values() for s in mod]
    assert syms, "_modidx.py lists no symbols: run nbdev_export"
    missing = [s for s in syms if s not in parsed.ids]
    assert not missing, f"exported but not on the API page: {missing}"
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
def server(site):
    from mnist_course.docs import site_server
    srv = site_server(site.parent, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown(); srv.server_close()


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"headless Chromium is not installed ({', '.join(missing)} missing): "
                    "apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for arg in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--window-size=1280,1400',
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()


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


def test_site_in_browser(site, pages, server, browser):
    t0 = time.perf_counter()
    SHOTS.mkdir(exist_ok=True)
    html_pages = sorted(p.name for p in site.parent.glob('*.html'))
    expected = {p.name for p in pages.values()} | {'reference.html', 'search.html', 'genindex.html'}
    assert expected <= set(html_pages), f"missing pages: {expected - set(html_pages)}"
    problems, links, ids = [], set(), {}
    for name in html_pages:
        browser.get(server + name)
        if not browser.find_elements('css selector', 'main h1, article h1, h1'):
            problems.append(f"{name}: no title (empty or error page)")
        for src in browser.execute_async_script(_IMAGES_JS):
            problems.append(f"{name}: image did not load: {src}")
        for msg in _severe(browser): problems.append(f"{name}: JavaScript/console error: {msg}")
        ids[name] = set(browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
        for href in browser.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if urlparse(href).netloc == urlparse(server).netloc: links.add((name, href))
        if name == 'index.html': browser.save_screenshot(str(SHOTS/'home.png'))
    for name, href in sorted(links):
        url, frag = urldefrag(href)
        target = urlparse(url).path.lstrip('/') or 'index.html'
        if target not in ids:
            if _status(url) != 200: problems.append(f"{name}: broken link {href}")
        elif frag and unquote(frag) not in ids[target]:
            problems.append(f"{name}: link to a missing anchor {href}")
    # one lesson: the first with a plot in its outputs (scrolled into view), else the first lesson
    lessons = [p.name for p in pages.values() if p.name != 'index.html']
    with_img = [n for n in lessons if 'src="_images/' in (site.parent/n).read_text()]
    browser.get(server + (with_img or lessons)[0])
    browser.execute_script("const i = document.querySelector('.cell_output img'); if (i) i.scrollIntoView({block: 'center'});")
    browser.save_screenshot(str(SHOTS/'lesson.png'))
    assert not problems, '\n'.join(problems)
    elapsed = time.perf_counter() - t0
    print(f"browser checked {len(html_pages)} pages and {len(links)} links in {elapsed:.1f} s")
    assert elapsed < BROWSER_BUDGET_S, f"browser check took {elapsed:.0f} s (budget {BROWSER_BUDGET_S} s)"


def _search(browser, server, query):
    "Titles and links of the results the site's own search page gives for `query`."
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(f"{server}search.html?q={query}")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "const s = document.querySelector('#search-results'); return s && /found|no matches|did not match/i.test(s.innerText)"))
    return browser.execute_script(
        "return [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'))")


def test_search_finds_a_function_and_a_concept(site, server, browser):
    names = sorted(s.rsplit('.', 1)[-1] for mod in _modidx().values() for s in mod if not s.rsplit('.', 1)[-1].startswith('_'))
    fn = 'load_sample' if 'load_sample' in names else names[0]
    hits = _search(browser, server, fn)
    assert any(h.startswith('reference.html') for h in hits), f"search for {fn!r} found {hits}"
    hits = _search(browser, server, 'broadcasting')
    assert hits, "search for 'broadcasting' found nothing"
    assert not _severe(browser)
