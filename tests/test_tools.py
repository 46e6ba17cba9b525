"""The repository's tools (tools/site.py, tools/readme.py), piece by piece; the whole site build is in test_docs_site.py."""
import ast, json, subprocess, sys, threading, urllib.request
from pathlib import Path
import pytest

BASE = 'https://mnist-course.github.io/mnist_course'


def touch_nbs(folder: Path, *names: str) -> list[Path]:
    "Empty notebooks called `names` in `folder`."
    folder.mkdir(parents=True, exist_ok=True)
    for n in names: (folder/n).write_text('{}')
    return [folder/n for n in names]


def run_tool(root: Path, tool: str, *args, cwd=None) -> subprocess.CompletedProcess:
    "Run `python tools/TOOL.py ARGS` as a user would."
    return subprocess.run([sys.executable, str(root/'tools'/f'{tool}.py'), *args], capture_output=True, text=True,
                          cwd=cwd or root, timeout=120)


# ------------------------------------------------------------------ which project, which notebooks, which order
def test_find_root(tools, root, tmp_path):
    assert tools.site.find_root() == root
    assert tools.site.find_root(root/'.') == root
    with pytest.raises(ValueError, match='has no settings.ini'): tools.site.find_root(tmp_path)


def test_settings_are_read_like_nbdev(tools, root):
    cfg = tools.site.settings(root)
    assert cfg['doc_path'] == '_docs' and cfg['lib_path'] == 'mnist_course'
    assert cfg['doc_host'] + cfg['doc_baseurl'] == BASE   # %(user)s and %(repo)s filled in


def test_page_names(tools):
    assert tools.site.page_name('nbs/04_mnist_linear.ipynb') == 'mnist_linear'
    assert tools.site.page_name('index.ipynb') == 'index'
    assert tools.site.page_name('glossary.ipynb') == 'glossary'


def test_site_notebooks(tools, tmp_path):
    with pytest.raises(ValueError, match='No notebooks folder'): tools.site.site_notebooks(tmp_path/'nbs')
    touch_nbs(tmp_path, '01_a.ipynb', '_skip.ipynb', '.hidden.ipynb')
    with pytest.raises(ValueError, match='No index.ipynb'): tools.site.site_notebooks(tmp_path)
    touch_nbs(tmp_path, 'index.ipynb')
    assert [p.name for p in tools.site.site_notebooks(tmp_path)] == ['01_a.ipynb', 'index.ipynb']


def test_site_order_is_a_rule_not_a_list(tools, tmp_path):
    nbs = touch_nbs(tmp_path, 'index.ipynb', '10_later.ipynb', '02_b.ipynb', '00_tensors.ipynb', '00_data.ipynb',
                    '89_last.ipynb', '95_x.ipynb', '90_cli.ipynb', '91_data.ipynb', 'about.ipynb', 'glossary.ipynb',
                    'questionnaire.ipynb', 'extras.ipynb')
    order = tools.site.site_order(nbs)
    assert list(order) == ['Lessons', 'Check yourself and reference']
    assert [p.name for p in order['Lessons']] == ['00_data.ipynb', '00_tensors.ipynb', '02_b.ipynb', '10_later.ipynb',
                                                  '89_last.ipynb']
    assert [p.name for p in order['Check yourself and reference']] == [
        'questionnaire.ipynb', 'glossary.ipynb', '90_cli.ipynb', '91_data.ipynb', '95_x.ipynb', 'about.ipynb', 'extras.ipynb']
    only = tools.site.site_order(touch_nbs(tmp_path/'b', 'index.ipynb', '90_cli.ipynb'))   # no questionnaire, no glossary
    assert [p.name for p in only['Check yourself and reference']] == ['90_cli.ipynb'] and only['Lessons'] == []


def test_site_pages_follow_the_order_and_refuse_clashes(tools, tmp_path):
    (tmp_path/'settings.ini').write_text('[DEFAULT]\nnbs_path = nbs\n')
    touch_nbs(tmp_path/'nbs', 'index.ipynb', '90_cli.ipynb', '01_a.ipynb', 'glossary.ipynb')
    cfg = tools.site.settings(tmp_path)
    pages = tools.site.site_pages(tmp_path, cfg)
    assert [(p['name'], p['caption']) for p in pages] == [
        ('index', None), ('a', 'Lessons'), ('glossary', 'Check yourself and reference'), ('cli', 'Check yourself and reference')]
    touch_nbs(tmp_path/'nbs', '02_a.ipynb')
    with pytest.raises(ValueError, match='same page name'): tools.site.site_pages(tmp_path, cfg)
    (tmp_path/'nbs'/'02_a.ipynb').unlink(); touch_nbs(tmp_path/'nbs', 'reference.ipynb')
    with pytest.raises(ValueError, match='Rename one'): tools.site.site_pages(tmp_path, cfg)


def test_proc_notebooks_needs_a_project(tools, tmp_path):
    with pytest.raises(ValueError, match='has no settings.ini'): tools.site.proc_notebooks(tmp_path)


# ------------------------------------------------------------------ from nbdev's notebook to a page
def test_directives_and_anchors(tools):
    s = tools.site
    assert s.split_directives('#| echo: false\n#| output: asis\nshow_doc(f)') == ({'echo': 'false', 'output': 'asis'}, 'show_doc(f)')
    assert s.split_directives('x = 1\n#| not a directive here') == ({}, 'x = 1\n#| not a directive here')
    assert s.anchor_id('load_sample') == 'load_sample'
    assert s.anchor_id('Learner.fit') == 'learner.fit'


def test_show_doc_becomes_a_heading_with_nbdevs_anchor(tools):
    sd = ('---\n\n[source](https://github.com/x/y/blob/main/mnist_course/data.py#L9){target="_blank" style="float:right"}\n\n'
          '### load_sample\n\n```python\ndef load_sample(path:Path)->dict:\n```\n\n*All four folders, as tensors.*')
    md, aid = tools.site.show_doc_md(sd)
    assert aid == 'load_sample'
    assert md.startswith('<div id="load_sample" class="nbdev-anchor"></div>')
    assert '[source](https://github.com/x/y/blob/main/mnist_course/data.py#L9){.nbdev-source}' in md
    assert '{target=' not in md and '---' not in md
    assert tools.site.show_doc_md('---\n\n### DataError\n\n*Bad data.*') == ('### DataError\n\n*Bad data.*', 'dataerror')


def test_links_point_at_this_site(tools):
    pages = {'91_data': 'data', '04_mnist_linear': 'mnist_linear'}
    ll = tools.site.local_links
    assert ll(f'[`x`]({BASE}/data.html#x)', BASE, pages) == '[`x`](data.html#x)'
    assert ll(f'<a href="{BASE}/data.html">d</a>', BASE, pages) == '<a href="data.html">d</a>'
    assert ll('see [lesson 4](04_mnist_linear.ipynb#where) and [other](99_none.ipynb)', BASE, pages) == \
        'see [lesson 4](mnist_linear.html#where) and [other](99_none.ipynb)'
    # JupyterLab's heading anchors (case and punctuation kept) become Sphinx's section ids
    assert ll("[q](04_mnist_linear.ipynb#Why-accuracy-can't-be-the-loss)", BASE, pages) == \
        '[q](mnist_linear.html#why-accuracy-can-t-be-the-loss)'
    assert ll('[q](04_mnist_linear.ipynb#The-`Learner`)', BASE, pages) == '[q](mnist_linear.html#the-learner)'


def code(src, *outs): return {'cell_type': 'code', 'source': src, 'outputs': list(outs), 'metadata': {}}
def out(mime, val): return {'output_type': 'display_data', 'metadata': {}, 'data': {mime: val}}


def test_site_notebook(tools):
    "Front matter, a show_doc, a slider and a hidden-source cell, as Sphinx gets them."
    s = tools.site
    pnb = {'metadata': {'widgets': {'state': {}}, 'kernelspec': {'name': 'python3'}}, 'cells': [
        {'cell_type': 'raw', 'metadata': {}, 'source': '---\ntitle: "Lesson 2: a quadratic"\ndescription: Sliders.\n---\n'},
        code('#| echo: false\n#| output: asis\nshow_doc(plot_quad)', out('text/markdown', '---\n\n### plot_quad\n\n*Draw it.*')),
        code('interact(plot_quad, a=(0, 3));', out(s.WIDGET_VIEW, {'model_id': 'abc'}), out('text/plain', 'interactive(...)')),
        code('#| echo: false\nprint("hi")', {'output_type': 'stream', 'name': 'stdout', 'text': 'hi\n'}),
        code('#| hide\n'),
        {'cell_type': 'markdown', 'metadata': {}, 'source': ['See [the data](91_data.ipynb).']}]}
    snb, anchors = s.site_notebook(pnb, '02_quadratic_sgd.ipynb', BASE, {'91_data': 'data'})
    cells = snb['cells']
    assert cells[0]['source'] == '# Lesson 2: a quadratic\n\n{.lead}\nSliders.'
    assert cells[1]['cell_type'] == 'markdown' and '### plot_quad' in cells[1]['source']
    assert anchors == {'plot_quad'}
    assert cells[2]['outputs'] == [s.widget_note('02_quadratic_sgd.ipynb')]
    assert 'nbs/02_quadratic_sgd.ipynb' in cells[2]['outputs'][0]['data']['text/markdown']
    assert (cells[3]['source'], cells[3]['metadata']) == ('print("hi")', {'tags': ['remove-input']})
    assert cells[4]['source'] == 'See [the data](data.html).'   # the empty cell is gone
    assert len(cells) == 5
    assert snb['metadata'] == {'kernelspec': {'name': 'python3'}}   # no widget state


def test_front_matter(tools):
    assert tools.site.front_matter({'cell_type': 'raw', 'source': ['---\n', 'title: T\n', '---\n']}) == {'title': 'T'}
    assert tools.site.front_matter({'cell_type': 'markdown', 'source': '---\ntitle: T\n---'}) == {}


# ------------------------------------------------------------------ the API reference
def test_signatures(tools):
    s = tools.site
    defs = s.module_defs(s.TOOL)
    assert s.signature(defs['build_site'], 'build_site') == \
        'build_site(root: str | Path | None=None, out: str | Path | None=None) -> Path'
    tree = ast.parse('class A:\n    def __init__(self, n: int = 1): pass\n    def f(self, x): "Doc."\nclass B: pass')
    assert s.signature(tree.body[0], 'A') == 'A(n: int=1)'
    assert s.signature(tree.body[0].body[1], 'A.f') == 'A.f(x)'
    assert s.signature(tree.body[1], 'B') == 'B'
    assert s.signature(None, 'CONST') == 'CONST(...)'


def test_patched_methods_are_found(tools, tmp_path):
    (tmp_path/'m.py').write_text('@patch\ndef fit(self: Learner, n: int):\n    "Fit."\n')
    defs = tools.site.module_defs(tmp_path/'m.py')
    assert set(defs) == {'fit', 'Learner.fit'}
    assert tools.site.signature(defs['Learner.fit'], 'Learner.fit') == 'Learner.fit(n: int)'


def test_private_names(tools):
    assert tools.site.is_private('_install') and tools.site.is_private('Learner.__init__')
    assert not tools.site.is_private('Learner.fit') and not tools.site.is_private('load_sample')


def test_api_entries_are_the_public_exports(tools, root):
    s = tools.site
    entries = s.api_entries(root, root/'mnist_course')
    syms = [sym for mod in s.load_modidx(root/'mnist_course').values() for sym in mod]
    public = sorted(sym for sym in syms if not sym.rsplit('.', 1)[-1].startswith('_'))
    assert sorted(e['full'] for e in entries) == public
    assert len(public) < len(syms)   # some private names exist, and are left out
    assert not any(e['module'] == 'mnist_course.docs' for e in entries)   # the builder is not in the package
    md = s.api_page(entries, [{'name': 'cli', 'title': 'The course in one command'}], {'cli': {'main'}})
    assert all(f" {e['sig']}\n:module: {e['module']}" in md for e in entries)
    assert 'Lesson: [The course in one command](cli.html#main)' in md
    assert '(no docstring)' not in md
    with pytest.raises(ValueError, match='run `nbdev_export` first'): s.api_entries(root, root/'nbs')


# ------------------------------------------------------------------ Sphinx: conf.py and MathML
def test_mathml(tools):
    assert '<msup><mi>x</mi><mn>2</mn></msup>' in tools.site.mathml('ax^2 + bx + c', False)
    assert 'display="block"' in tools.site.mathml('x', True)


def test_conf_takes_its_setup_hook_from_tools_site(tools, root):
    class FakeApp:
        def add_html_math_renderer(self, name, inline, block): self.renderer = name
    ns = {'__file__': 'conf.py'}
    exec(compile(tools.site.conf(tools.site.settings(root)), 'conf.py', 'exec'), ns)
    assert ns['html_math_renderer'] == 'mathml' and ns['project'].startswith('MNIST course')
    assert ns['setup'].__code__.co_filename == str(root/'tools'/'site.py')
    app = FakeApp()
    assert ns['setup'](app) == {'parallel_read_safe': True} and app.renderer == 'mathml'


# ------------------------------------------------------------------ the build's plumbing
def test_write_if_changed_keeps_unchanged_files(tools, tmp_path):
    fn = tmp_path/'a'/'b.txt'
    assert tools.site.write_if_changed(fn, 'x')
    t = fn.stat().st_mtime_ns
    assert not tools.site.write_if_changed(fn, 'x') and fn.stat().st_mtime_ns == t
    assert tools.site.write_if_changed(fn, 'y') and fn.read_text() == 'y'


def test_full_rebuild_when_the_sidebar_changes(tools, tmp_path):
    s = tools.site
    assert s.nav_changed(tmp_path, '[1]')   # first build
    (tmp_path/'nav.json').write_text('[1]')
    assert not s.nav_changed(tmp_path, '[1]') and s.nav_changed(tmp_path, '[1, 2]')
    assert s.sphinx_args(tmp_path, True)[:5] == ['-b', 'html', '-q', '-E', '-a']
    assert '-E' not in s.sphinx_args(tmp_path, False)


def test_toctree(tools):
    assert tools.site.toctree('Lessons', ['a', 'b']) == '```{toctree}\n:caption: Lessons\n:hidden:\n\na\nb\n```'


def test_publish_refuses_the_project(tools, tmp_path):
    (tmp_path/'settings.ini').write_text('[DEFAULT]\n')
    with pytest.raises(ValueError, match='Refusing to replace'): tools.site.publish(tmp_path, tmp_path, tmp_path)
    (tmp_path/'html').mkdir(); (tmp_path/'html'/'index.html').write_text('hi')
    (tmp_path/'_docs').mkdir(); (tmp_path/'_docs'/'stale.html').write_text('old')
    tools.site.publish(tmp_path/'html', tmp_path/'_docs', tmp_path)
    assert sorted(o.name for o in (tmp_path/'_docs').iterdir()) == ['.nojekyll', 'index.html']


def test_server(tools, tmp_path):
    with pytest.raises(ValueError, match='build the site first'): tools.site.site_server(tmp_path)
    (tmp_path/'index.html').write_text('<h1>home</h1>')
    with tools.site.site_server(tmp_path/'index.html', port=0) as srv:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        host, port = srv.server_address
        assert host == '127.0.0.1'
        assert urllib.request.urlopen(f'http://127.0.0.1:{port}/').read() == b'<h1>home</h1>'
        with pytest.raises(ValueError, match='pass another --port'): tools.site.site_server(tmp_path, port=port)
        srv.shutdown()


def test_site_command_line(root, tmp_path):
    r = run_tool(root, 'site', '--help', cwd=tmp_path)   # runs from anywhere: the script is a plain file
    assert r.returncode == 0 and 'build' in r.stdout and 'serve' in r.stdout
    r = run_tool(root, 'site', 'build', '--help')
    assert r.returncode == 0 and '--serve' in r.stdout and '--port' in r.stdout
    assert run_tool(root, 'site').returncode == 2   # no command: argparse's usage error


def test_serve_without_a_build_says_what_to_do(tools, root, tmp_path, monkeypatch, capsys):
    (tmp_path/'settings.ini').write_text('[DEFAULT]\ndoc_path = _docs\n')
    monkeypatch.setattr(tools.site, 'TOOL', tmp_path/'tools'/'site.py')   # as if the script lived in tmp_path
    assert tools.site.main(['serve', '--port', '0']) == 1
    err = capsys.readouterr().err
    assert err.startswith('site.py: error: No index.html in') and 'python tools/site.py build' in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ README.md
def test_render_readme(tools, tmp_path):
    nb = {'cells': [{'cell_type': 'markdown', 'source': ['# T\n', '\n', 'Text.']},
                    {'cell_type': 'code', 'source': 'x = 1', 'outputs': []},
                    {'cell_type': 'code', 'source': '#| hide\nsecret()', 'outputs': []},
                    {'cell_type': 'raw', 'source': 'raw'},
                    {'cell_type': 'markdown', 'source': '  '}]}
    (tmp_path/'index.ipynb').write_text(json.dumps(nb))
    assert tools.readme.render_readme(tmp_path/'index.ipynb') == '# T\n\nText.\n\n```python\nx = 1\n```\n'


def test_readme_is_in_sync_with_index_notebook(tools, root):
    nb, readme = tools.readme.readme_paths(root)
    assert nb == root/'nbs'/'index.ipynb'
    assert readme.read_text() == tools.readme.render_readme(nb), "README.md is stale: run `python tools/readme.py`"
    text = readme.read_text()
    assert text.splitlines()[0] == '# mnist_course'
    assert 'pip install -e ".[dev]"' in text and 'nbdev_test && pytest' in text and 'python tools/site.py build' in text
    assert run_tool(root, 'readme', '--check').returncode == 0


def test_readme_check_and_write(tools, root, tmp_path):
    (tmp_path/'settings.ini').write_text('[DEFAULT]\nnbs_path = nbs\nreadme_nb = index.ipynb\n')
    (tmp_path/'nbs').mkdir()
    (tmp_path/'nbs'/'index.ipynb').write_text(json.dumps({'cells': [{'cell_type': 'markdown', 'source': '# New'}]}))
    (tmp_path/'README.md').write_text('# Old\n')
    assert tools.readme.is_stale(tmp_path)
    r = subprocess.run([sys.executable, '-c', 'import sys, importlib.util as u; s = u.spec_from_file_location("r", sys.argv[1]); '
                        'm = u.module_from_spec(s); s.loader.exec_module(m); sys.exit(m.main(["--check"], root=sys.argv[2]))',
                        str(root/'tools'/'readme.py'), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout == ''
    assert r.stderr.strip().splitlines() == ["README.md is stale: run `python tools/readme.py` (it is written from nbs/index.ipynb)."]
    assert tools.readme.main([], root=tmp_path) == 0
    assert (tmp_path/'README.md').read_text() == '# New\n' and not tools.readme.is_stale(tmp_path)
    with pytest.raises(ValueError, match='no settings.ini'): tools.readme.readme_paths(tmp_path/'nbs')
