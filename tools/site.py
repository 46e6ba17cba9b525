"""Build the course's docs site offline: every lesson with its committed outputs, and an API reference.

    python tools/site.py build                   # into settings.ini's doc_path (_docs/)
    python tools/site.py build --serve [--port N] # build, then serve on http://127.0.0.1:N/
    python tools/site.py serve [--port N]         # serve an existing build

Two steps. nbdev's own processing (`nbdev.serve.proc_nbs`, what `nbdev_proc_nbs` runs, without its Quarto
install) turns `nbs/` into `_proc/`: `show_doc` rendered, directives applied, hidden cells removed. Then Sphinx
with myst-nb and sphinx-book-theme renders those notebooks with their committed outputs (nothing is executed),
giving the sidebar, prev/next buttons and search. Nothing is fetched from the network, at build time or when a
page is read: math becomes MathML, and no JavaScript comes from a CDN. A cell marked `#| live: NAME` gets a live
figure that our own `tools/live.js` computes in the browser from data this builder exports (lesson 2's sliders,
lesson 3's rollercoaster), or a live drawing pad (`#| live: pad`, lessons 8 and 9) that `tools/pad.js` runs on the
lesson's trained weights, which the first build trains once (saying so); any other widget becomes a note.

The Sphinx project lives in `_build/site/` (git-ignored); files there are only rewritten when they change, so a
second build re-reads only the changed pages, and every page is rebuilt when the page list (sidebar) changes.
It needs the dev install (`pip install -e ".[dev]"`: nbdev, Sphinx, myst-nb, sphinx-book-theme, latex2mathml).
"""
from __future__ import annotations
import argparse, ast, configparser, contextlib, copy, functools, html, http.server, io, json, re, shutil, sys, time
from pathlib import Path
from urllib.parse import unquote

TOOL = Path(__file__).resolve()
API_PAGE = 'reference'
RESERVED = (API_PAGE, 'search', 'genindex')   # pages Sphinx or this builder write themselves
WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'
LESSONS, REFERENCE = 'Lessons', 'Check yourself and reference'


# ------------------------------------------------------------------ which project, which notebooks, which order
def find_root(root: str | Path | None = None) -> Path:
    "The course repository: `root` if given, else the one this file lives in; it must hold settings.ini."
    root = Path(root).expanduser().resolve() if root is not None else TOOL.parents[1]
    if not (root/'settings.ini').is_file():
        raise ValueError(f"{root} has no settings.ini: pass the course repository's folder (the one with settings.ini).")
    return root


def settings(root: Path) -> configparser.SectionProxy:
    "The `[DEFAULT]` section of `root/settings.ini`, as nbdev reads it (`%(name)s` interpolation)."
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(Path(root)/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']


def site_notebooks(nbs: str | Path) -> list[Path]:
    "The notebooks the site shows, in filename order (like nbdev, skipping names that start with `_` or `.`)."
    nbs = Path(nbs)
    if not nbs.is_dir(): raise ValueError(f"No notebooks folder at {nbs}: check nbs_path in settings.ini.")
    res = sorted(p for p in nbs.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    if not any(p.name == 'index.ipynb' for p in res):
        raise ValueError(f"No index.ipynb in {nbs}: the site's home page (and README.md) come from it.")
    return res


def page_name(nb: str | Path) -> str:
    "The page a notebook becomes, as nbdev and Quarto name it: `04_mnist_linear.ipynb` -> 'mnist_linear'."
    return re.sub(r'^\d+_', '', Path(nb).stem)


def _number(nb: Path) -> int | None:
    "The number prefix of `NN_name.ipynb`, else None."
    m = re.match(r'^(\d+)_', nb.name)
    return int(m[1]) if m else None


def site_order(nbs: list[Path]) -> dict[str, list[Path]]:
    """The sidebar, which is also the prev/next order, after the home page (index.ipynb):
    'Lessons': `NN_*.ipynb` with NN < 90, in number order (then name);
    'Check yourself and reference': questionnaire.ipynb, glossary.ipynb, the numbered notebooks from 90 on
    (`9N_*.ipynb`) in number order, then the un-numbered ones in name order. The API reference page comes last."""
    nbs = [Path(p) for p in nbs if Path(p).name != 'index.ipynb']
    lessons = sorted((p for p in nbs if _number(p) is not None and _number(p) < 90), key=lambda p: (_number(p), p.name))
    first = [p for name in ('questionnaire.ipynb', 'glossary.ipynb') for p in nbs if p.name == name]
    numbered = sorted((p for p in nbs if _number(p) is not None and _number(p) >= 90), key=lambda p: (_number(p), p.name))
    others = sorted((p for p in nbs if _number(p) is None and p not in first), key=lambda p: p.name)
    return {LESSONS: lessons, REFERENCE: first + numbered + others}


def proc_notebooks(root: str | Path) -> Path:
    "Run nbdev's docs processing (`nbdev_proc_nbs` without its Quarto install) for the project at `root`; returns `_proc/`."
    from nbdev.serve import proc_nbs
    from fastcore.xtras import working_directory
    with working_directory(find_root(root)):
        try: return Path(proc_nbs(n_workers=1))
        except Exception as e:
            cause = e
            while cause.__cause__ is not None: cause = cause.__cause__  # the worker's traceback, as text
            first = re.findall(r'^(\w+(?:Error|Exception)\b.*)$', str(cause), re.M)[:1]
            raise RuntimeError(f"nbdev could not process the notebooks for the docs: {e}\n{''.join(first)}\nnbdev runs the exported "
                               "cells, and every cell that imports something, to render show_doc: keep imports in "
                               "cells of their own (nbdev FAQ).") from e


# ------------------------------------------------------------------ from nbdev's processed notebook to a page
_DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')
_TAGS = {('echo', 'false'): 'remove-input', ('output', 'false'): 'remove-output',
         ('include', 'false'): 'remove-cell', ('code-fold', 'true'): 'hide-input'}
_SRC_LINK = re.compile(r'\[source\]\((\S+?)\)(\{[^}]*\})?')
_HEADING = re.compile(r'^(#{2,6})\s+(.+?)\s*$', re.M)


def split_directives(src: str) -> tuple[dict, str]:
    "Split a code cell's leading `#| key: value` lines (Quarto cell options) from the code a reader sees."
    lines, opts = src.splitlines(), {}
    while lines and (m := _DIRECTIVE.match(lines[0])):
        opts[m[1]] = m[2].lower(); lines.pop(0)
    return opts, '\n'.join(lines)


def anchor_id(name: str) -> str:
    "The id Quarto gives a show_doc heading, where nbdev's links point: `Learner.fit` -> 'learner.fit'."
    return re.sub(r'[^\w.-]', '', name.strip().lower().replace(' ', '-'))


def show_doc_md(md: str) -> tuple[str, str | None]:
    "nbdev's rendered `show_doc` markdown as plain MyST with the anchor nbdev links to; returns (markdown, anchor)."
    from docutils.nodes import make_id
    md = re.sub(r'^\s*---\s*\n', '', md)
    src = _SRC_LINK.search(md)
    md = _SRC_LINK.sub('', md).strip()
    h = _HEADING.search(md)
    if not h: return md, None
    aid = anchor_id(h[2])
    pre = '' if aid == make_id(h[2]) else f'<div id="{aid}" class="nbdev-anchor"></div>\n\n'  # Sphinx's own id differs
    link = f'[source]({src[1]}){{.nbdev-source}}\n\n' if src else ''
    return md[:h.start()] + pre + link + md[h.start():], aid


def local_links(md: str, base_url: str, pages: dict[str, str]) -> str:
    "Point links at this site: nbdev's absolute links to the published docs, and links to `NN_name.ipynb#Heading`, become `name.html#heading`."
    base = base_url.rstrip('/') + '/'
    md = md.replace(f']({base}', '](').replace(f'href="{base}', 'href="')
    from docutils.nodes import make_id
    def nb_link(m):
        "`NN_name.ipynb#Heading-Text` -> `name.html#heading-text`: JupyterLab's heading anchor, as Sphinx spells it."
        page = pages.get(m[2])
        frag = f'#{make_id(unquote(m[3][1:]))}' if m[3] else ''
        return f'{m[1]}{page}.html{frag}' if page else m[0]
    return re.sub(r'(\]\(|href=")(?:\./)?([\w.-]+)\.ipynb(#[^)"\s]*)?', nb_link, md)


def widget_note(nb_file: str) -> dict:
    "The one-line output that replaces a widget (sliders, the drawing pad): a static page cannot run it."
    return {'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown':
            f'*A live widget goes here (sliders, or a drawing pad): it needs a running notebook. Open `nbs/{nb_file}` '
            f'in JupyterLab to use it; the picture below shows what it draws.*'}}


def md_cell(src: str) -> dict:
    "A markdown cell holding `src`."
    return {'cell_type': 'markdown', 'metadata': {}, 'source': src}


def front_matter(cell: dict) -> dict:
    "The YAML front matter nbdev puts in a notebook's first (raw) cell, else {}."
    import yaml
    src = ''.join(cell['source']) if cell['cell_type'] == 'raw' else ''
    return (yaml.safe_load(src.strip().strip('-')) or {}) if src.lstrip().startswith('---') else {}


# ------------------------------------------------------------------ live figures
LIVE_JS, PAD_JS = TOOL.parent/'live.js', TOOL.parent/'pad.js'
LIVE_FUNCTIONS = {'quadratic': 'quad', 'quadratic-mae': 'quad', 'relu': 'relu', 'double-relu': 'double-relu'}


def interact_sliders(code: str) -> list[dict]:
    "The sliders that `@interact(name=default, ...)` in `code` makes, as ipywidgets makes them: name, min, max, step, value."
    from ipywidgets import interactive
    call = next((n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and getattr(n.func, 'id', None) == 'interact'), None)
    if call is None: raise ValueError("a `#| live` slider cell needs an `@interact(name=default, ...)`")
    sliders = []
    for k in call.keywords:
        w = interactive.widget_from_abbrev(ast.literal_eval(k.value))
        sliders.append(dict(name=k.arg, min=w.min, max=w.max, step=w.step, value=w.value))
    return sliders


def keyword(code: str, name: str, default=None):
    "The literal value of the first `name=...` keyword argument in `code`, else `default`."
    return next((ast.literal_eval(k.value) for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)
                 for k in n.keywords if k.arg == name), default)


def live_spec(name: str, code: str) -> dict:
    "What the live figure `name` needs, from the package's own functions and the cell's own code."
    import inspect
    if name in LIVE_FUNCTIONS:
        from mnist_course.quadratic_sgd import measurements, plot_function
        spec = dict(kind='sliders', fn=LIVE_FUNCTIONS[name], params=interact_sliders(code), ylim=keyword(code, 'ylim'),
                    xlim=[inspect.signature(plot_function).parameters[k].default for k in ('min', 'max')],
                    mae=name == 'quadratic-mae', points=None)
        if name.startswith('quadratic'):
            x, y = measurements()
            spec['points'] = dict(x=x.flatten().tolist(), y=y.flatten().tolist())
        return spec
    if name == 'rollercoaster':
        import torch
        from mnist_course.rollercoaster import rollercoaster, apply_step, train_steps, show_preds
        gen = torch.Generator().manual_seed(42)    # lesson 3's readings and starting parameters
        time_, speed = rollercoaster(gen)
        start = torch.randn(3, generator=gen)
        default = lambda fn, k: inspect.signature(fn).parameters[k].default
        return dict(kind='rollercoaster', time=time_.tolist(), speed=speed.tolist(), start=start.tolist(),
                    lr=default(apply_step, 'lr'), steps=default(train_steps, 'steps'), ylim=list(default(show_preds, 'ylim')))
    if name in PADS:
        from mnist_course.your_digit import DrawingPad
        pad = DrawingPad()
        return dict(kind='pad', weights=name, size=pad.size, pen=pad.pen, caption=PADS[name][2])
    raise ValueError(f"unknown live figure {name!r}: tools/site.py knows {sorted([*LIVE_FUNCTIONS, 'rollercoaster', *PADS])}")


LIVE_HINT = {'sliders': 'Drag a slider, or click one and press the arrow keys: your browser redraws the figure',
             'rollercoaster': 'Step with Next and Back, the slider, or the arrow keys: your browser takes each SGD step',
             'pad': 'Draw a digit with the mouse or a finger (Undo and Clear are under the pad): your browser asks every model'}


def live_output(name: str, code: str, nb_file: str) -> dict:
    "The HTML output that holds the live figure `name`: a one-line hint, its data as JSON, and a note for readers without JavaScript."
    spec = live_spec(name, code) | {'notebook': nb_file}
    data = json.dumps(spec, separators=(',', ':')).replace('</', '<\\/')
    scripts = ''.join(f'<script src="_static/{f}"></script>' for f in pad_files(name)) if spec['kind'] == 'pad' else ''
    tool = 'tools/pad.js' if spec['kind'] == 'pad' else 'tools/live.js'
    return {'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': (
        f'<div class="mc-live" data-live="{name}"><p class="mc-live-hint">{LIVE_HINT[spec["kind"]]} '
        f'(no Python needed: the page computes it, with {tool}).</p>'
        f'<script type="application/json" class="mc-live-spec">{data}</script>{scripts}'
        f'<noscript><p class="mc-live-off">JavaScript is off, so this figure can\'t move here. Open '
        f'<code>nbs/{nb_file}</code> in JupyterLab to use it.</p></noscript></div>')}}


# ------------------------------------------------------------------ the live drawing pads (lessons 8 and 9)
PADS = {  # live pad: (module, function that gives its models, the line that says whose models answer)
    'pad': ('mnist_course.your_digit', 'pad_models', "Lesson 8's models, trained as the lesson trains them"),
    'pad-augmented': ('mnist_course.augmentation', 'augmented_models',
                      'The net and the cnn trained on augmented digits; the others as in lesson 8'),
}
PAD_CMAPS = ('Greys', 'RdBu_r', 'Reds')  # the matplotlib colour maps of lesson 8's pad_figure


def weights_file(name: str) -> str:
    "The script in `_static/` that holds the trained weights of the live pad `name`."
    return f'mc_{name}_weights.js'


def pad_files(name: str) -> list[str]:
    "The scripts a page with the live pad `name` loads from `_static/`: the pad's page code, the lesson's widget, the weights."
    return ['pad.js', 'mc_pad_widget.js', weights_file(name)]


def pad_models_of(name: str) -> dict:
    "The models of the live pad `name`, as its lesson makes them: loaded if trained already, else trained once (one thread, as in the lesson), saying so."
    import importlib
    from mnist_course.training import one_thread
    module, fn, _ = PADS[name]
    with one_thread(): return getattr(importlib.import_module(module), fn)()


def b64(t) -> str:
    "A tensor's values as float32 bytes in base64, row by row (as tools/pad.js reads them into a Float32Array)."
    import base64
    return base64.b64encode(t.detach().float().contiguous().numpy().tobytes()).decode()


def layer_specs(model) -> list[dict]:
    "The layers of a pad model (`nn.Sequential`s of Flatten, Linear, ReLU, Conv2d and BatchNorm2d) as tools/pad.js runs them, weights as base64 float32."
    from torch import nn
    res = []
    for m in (model if isinstance(model, nn.Sequential) else [model]):
        if isinstance(m, nn.Sequential): res += layer_specs(m)
        elif isinstance(m, nn.Flatten): res.append({'type': 'flatten'})
        elif isinstance(m, nn.ReLU): res.append({'type': 'relu'})
        elif isinstance(m, nn.Linear): res.append({'type': 'linear', 'shape': list(m.weight.shape), 'weight': b64(m.weight), 'bias': b64(m.bias)})
        elif (isinstance(m, nn.Conv2d) and m.groups == 1 and m.dilation == (1, 1) and m.padding_mode == 'zeros' and m.bias is not None
              and len(set(m.stride)) == 1 and isinstance(m.padding, tuple) and len(set(m.padding)) == 1):
            res.append({'type': 'conv', 'shape': list(m.weight.shape), 'stride': m.stride[0], 'padding': m.padding[0],
                        'weight': b64(m.weight), 'bias': b64(m.bias)})
        elif isinstance(m, nn.BatchNorm2d) and m.track_running_stats and m.affine:
            res.append({'type': 'batchnorm', 'eps': m.eps, 'mean': b64(m.running_mean), 'var': b64(m.running_var),
                        'weight': b64(m.weight), 'bias': b64(m.bias)})
        else: raise ValueError(f"tools/pad.js can't run the layer {m}: teach it that layer, or keep it out of the pad's models")
    return res


def pad_weights(name: str) -> dict:
    "What the page needs to run the live pad `name`: each model as `predict` reads it (layers and weights), and pad_figure's colour maps."
    import numpy as np, matplotlib
    models = {}
    for model_name, m in pad_models_of(name).items():  # predict: distances for the mean digits, P(3) for '3 or 7', else softmax
        if model_name == 'mean digits': models[model_name] = {'kind': 'distance', 'means': b64(m.means)}
        else: models[model_name] = {'kind': 'sigmoid' if model_name == '3 or 7' else 'softmax', 'layers': layer_specs(m)}
    cmaps = {c: (matplotlib.colormaps[c](np.arange(256))[:, :3] * 255).round().astype(int).tolist() for c in PAD_CMAPS}
    return {'models': models, 'cmaps': cmaps}


def pad_weights_js(name: str) -> str:
    "The weights file of the live pad `name`: a plain script (it loads from a file:// page too) that files them under its name."
    return (f'// Written by tools/site.py: the trained weights of the live pad {name!r}, float32 in base64.\n'
            f'window.MC_PAD_WEIGHTS = window.MC_PAD_WEIGHTS || {{}};\n'
            f'window.MC_PAD_WEIGHTS[{json.dumps(name)}] = {json.dumps(pad_weights(name), separators=(",", ":"))};\n')


def pad_widget_js() -> str:
    "Lesson 8's pad, the anywidget module `PAD_JS`, as a plain script for the site: its `render` becomes `window.MC_PAD_RENDER`."
    from mnist_course.your_digit import PAD_JS as widget
    export = 'export default { render };'
    if export not in widget: raise ValueError(f"PAD_JS no longer ends with `{export}`: update tools/site.py's pad_widget_js")
    return ('// Written by tools/site.py: lesson 8\'s PAD_JS (mnist_course.your_digit), as a plain script.\n"use strict";\n'
            '(function () {' + widget.replace(export, 'window.MC_PAD_RENDER = render;') + '})();\n')


def used_pads(snbs: list[dict]) -> set[str]:
    "The live pads that the pages `snbs` hold (their `data-live` names)."
    return {m for snb in snbs for m in re.findall(r'data-live=\\?"(pad[\w-]*)\\?"', json.dumps(snb)) if m in PADS}


def _code_cell(c: dict, nb_file: str, base_url: str, pages: dict[str, str]) -> dict | None:
    "The page's version of an ordinary code cell: directives as myst-nb tags, live figures, other widgets as a note; None if empty."
    opts, code = split_directives(''.join(c['source']))
    outs = c.get('outputs', [])
    widget = any(WIDGET_VIEW in o.get('data', {}) for o in outs)
    if 'live' in opts:  # a slider cell's widget is replaced by the live figure; a plain figure keeps its picture above it
        outs = ([] if widget else outs) + [live_output(opts['live'], code, nb_file)]
    elif widget: outs = [widget_note(nb_file)]
    outs = [{**o, 'data': {**o['data'], 'text/markdown': local_links(''.join(o['data']['text/markdown']), base_url, pages)}}
            if 'text/markdown' in o.get('data', {}) else o for o in outs]
    if not code.strip() and not outs: return None
    tags = [t for k, v in opts.items() if (t := _TAGS.get((k, v)))]
    return {'cell_type': 'code', 'execution_count': c.get('execution_count'),
            'metadata': {'tags': tags} if tags else {}, 'source': code, 'outputs': outs}


def site_notebook(nb: dict, nb_file: str, base_url: str, pages: dict[str, str]) -> tuple[dict, set[str]]:
    "Turn one of nbdev's processed notebooks into the notebook Sphinx renders; also returns the nbdev anchors it holds."
    fm = front_matter(nb['cells'][0]) if nb['cells'] else {}
    desc = f"\n\n{{.lead}}\n{fm['description']}" if fm.get('description') else ''
    cells, anchors = [md_cell(f"# {fm.get('title') or Path(nb_file).stem}{desc}")], set()
    for c in nb['cells'][1 if fm else 0:]:
        if c['cell_type'] == 'markdown': cells.append(md_cell(local_links(''.join(c['source']), base_url, pages)))
        if c['cell_type'] != 'code': continue
        mds = [''.join(o['data']['text/markdown']) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
        if split_directives(''.join(c['source']))[1].lstrip().startswith('show_doc(') and mds:
            md, aid = show_doc_md(mds[0])   # a real heading: in the page's contents and in search
            if aid: anchors.add(aid)
            cells.append(md_cell(local_links(md, base_url, pages)))
        elif (cell := _code_cell(c, nb_file, base_url, pages)) is not None: cells.append(cell)
    meta = {k: v for k, v in nb.get('metadata', {}).items() if k in ('kernelspec', 'language_info')}  # no widget state
    return {'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 4}, anchors


# ------------------------------------------------------------------ the API reference
def is_private(name: str) -> bool:
    "Whether a symbol is private (`_install`, `Learner.__init__`): its last dotted part starts with `_`."
    return name.rsplit('.', 1)[-1].startswith('_')


def load_modidx(lib: str | Path) -> dict:
    "The `syms` of `lib/_modidx.py` (written by nbdev_export): module -> {symbol: (doc link, source file)}."
    fn = Path(lib)/'_modidx.py'
    if not fn.exists(): raise ValueError(f"No {fn}: run `nbdev_export` first, it writes the index of exported symbols.")
    g = {}; exec(fn.read_text(), g)
    return g['d']['syms']


def module_defs(py: str | Path) -> dict[str, ast.AST]:
    "Top-level functions and classes of a module, and their methods as 'Class.method' (also fastcore `@patch` ones)."
    res = {}
    for node in ast.parse(Path(py).read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            res[node.name] = node
            ann = node.args.args[0].annotation if node.args.args else None
            if ann is not None and any(ast.unparse(d).startswith('patch') for d in node.decorator_list):
                res[f"{ast.unparse(ann)}.{node.name}"] = node
        elif isinstance(node, ast.ClassDef):
            res[node.name] = node
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)): res[f"{node.name}.{sub.name}"] = sub
    return res


def signature(node: ast.AST | None, name: str) -> str:
    "A one-line signature for `name` from its definition's syntax tree (`self` dropped from methods)."
    if isinstance(node, ast.ClassDef):
        node = next((o for o in node.body if isinstance(o, ast.FunctionDef) and o.name == '__init__'), None)
        if node is None: return name
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)): return f"{name}(...)"
    args = copy.copy(node.args)
    if '.' in name or node.name == '__init__':
        if args.posonlyargs: args.posonlyargs = args.posonlyargs[1:]
        else: args.args = args.args[1:]
    ret = '' if node.returns is None or node.name == '__init__' else f" -> {ast.unparse(node.returns)}"
    return f"{name}({ast.unparse(args)}){ret}"


def api_entries(root: str | Path, lib_path: str | Path) -> list[dict]:
    """Every public symbol in `_modidx.py` (private ones, `_x` or `C.__init__`, are skipped): module, name, kind,
    signature, docstring, page and anchor, in source order. Read with `ast`: nothing is imported."""
    root, res = Path(root), []
    for mod, syms in load_modidx(lib_path).items():
        defs = {}
        for py in {py for _, py in syms.values()}:
            if (root/py).exists(): defs.update(module_defs(root/py))
        for full, (doc, py) in syms.items():
            name = full[len(mod)+1:]
            if is_private(name): continue
            node = defs.get(name)
            page, _, anchor = doc.partition('#')
            res.append(dict(module=mod, name=name, full=full, sig=signature(node, name),
                            kind='class' if isinstance(node, ast.ClassDef) else 'method' if '.' in name else 'function',
                            doc=(ast.get_docstring(node) if node is not None else None) or '',
                            page=page.removesuffix('.html'), anchor=anchor, line=getattr(node, 'lineno', 10**9)))
    return sorted(res, key=lambda e: e['line'])


def api_page(entries: list[dict], pages: list[dict], anchors: dict[str, set] | None = None) -> str:
    "The MyST source of the API reference: each symbol's signature, docstring and the lesson that teaches it."
    titles, anchors = {p['name']: p['title'] for p in pages}, anchors or {}
    order = {p['name']: i for i, p in enumerate(pages)}
    res = ["# API reference", "", "Every public function and class the lessons export, with the lesson that teaches it. "
           "Import them with `from mnist_course.MODULE import NAME`.", ""]
    mods = sorted({e['module'] for e in entries}, key=lambda m: (min(order.get(e['page'], 999) for e in entries if e['module'] == m), m))
    for mod in mods:
        es = [e for e in entries if e['module'] == mod]
        res += [f"## `{mod}`", ""]
        if es[0]['page'] in titles: res += [f"Taught in [{titles[es[0]['page']]}]({es[0]['page']}.html).", ""]
        res += [f"```{{py:module}} {mod}", ":no-index:", "```", ""]
        for e in es:
            lesson = ''
            if e['page'] in titles:
                href = e['page'] + '.html' + (f"#{e['anchor']}" if e['anchor'] in anchors.get(e['page'], ()) else '')
                lesson = f"\n\nLesson: [{titles[e['page']]}]({href})"
            res += [f"````{{py:{e['kind']}}} {e['sig']}", f":module: {mod}", "", (e['doc'] or '(no docstring)') + lesson, "````", ""]
    return '\n'.join(res)


# ------------------------------------------------------------------ Sphinx: conf.py, CSS, favicon, MathML
CONF = '''# Written by tools/site.py (`python tools/site.py build`): edit that file, not this one.
project = {title!r}
author = {author!r}
copyright = {copyright!r}
html_title = {title!r}
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_theme_options = {{"home_page_in_toc": True, "show_navbar_depth": 1, "show_toc_level": 2,
                       "use_download_button": False, "use_fullscreen_button": False}}
html_context = {{"default_mode": "light"}}
html_favicon = "_static/favicon.svg"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_js_files = ["live.js"]         # ours (tools/live.js): the live figures; the pad pages load tools/pad.js too
html_copy_source = False
html_show_sourcelink = False
html_math_renderer = "mathml"
nb_execution_mode = "off"        # lessons are committed with the outputs of a real run
nb_ipywidgets_js = {{}}            # no widget JavaScript from a CDN: the site works offline
myst_enable_extensions = ["dollarmath", "attrs_block", "attrs_inline", "colon_fence"]
myst_all_links_external = True   # tools/site.py already made links relative
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

def _setup_hook():
    "`sphinx_setup` of tools/site.py, loaded by its path: a folder on sys.path would not do, since `import site` gives Python's own module."
    import importlib.util
    spec = importlib.util.spec_from_file_location("mnist_course_tools_site", {tool!r})
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.sphinx_setup

setup = _setup_hook()
'''

CSS = '''/* Written by tools/site.py */
.nbdev-source { float: right; font-size: smaller; }
div.mathml { text-align: center; margin: 1em 0; overflow-x: auto; }
.cell_output .output.text_html { overflow-x: auto; }
.mc-live { margin: 0.5em 0; }
.mc-live-hint { font-size: smaller; color: #555; margin-bottom: 0.3em; }
.mc-live svg { max-width: 100%; height: auto; display: block; }
.mc-sliders label, .mc-steps { display: block; font-family: monospace; }
.mc-sliders input, .mc-steps input { width: 14em; vertical-align: middle; margin: 0 0.5em; }
.mc-result { display: block; font-size: smaller; font-family: monospace; }
.mc-live-off { font-style: italic; }
.mc-live:not(.mc-live-ready) .mc-live-hint { display: none; }
.mc-pad { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.mc-pad canvas.mnist-pad { width: min(280px, 80vw); height: min(280px, 80vw); }
.mc-pad-caption { font-size: smaller; font-style: italic; margin: 0 0 0.3em; }
.mc-pad-answers { flex: 1 1 auto; min-width: min(23em, 100%); }  /* beside the pad only where the whole table fits, drawn or not */
.mc-pad-answers table.pad-answers { margin: 0; }
.mc-pad-answers table.pad-answers td, .mc-pad-answers table.pad-answers th { white-space: nowrap; padding: 0 0.5em; }
@media (max-width: 540px) {
  .mc-pad-answers table.pad-answers { font-size: 0.8em; }
  .mc-pad-answers table.pad-answers td { padding: 0 0.25em; }
  .mc-pad-answers table.pad-answers td:nth-child(n+3) { white-space: normal; }
}
.mc-pad-figure { display: flex; flex-wrap: wrap; gap: 0.5em; margin-top: 0.5em; }
.mc-pad-figure figure { margin: 0; width: 6.5em; }
.mc-pad-figure canvas { width: 6.5em; height: 6.5em; image-rendering: pixelated; border: 1px solid #ddd; }
.mc-pad-figure figcaption { font-size: smaller; line-height: 1.2; }
'''

FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#222"/>'
           '<text x="16" y="23" font-family="sans-serif" font-size="18" font-weight="bold" fill="#fff" text-anchor="middle">37</text></svg>')


def conf(cfg) -> str:
    "The Sphinx conf.py for the project whose settings are `cfg`; its `setup` hook is `sphinx_setup` of this file."
    return CONF.format(title=cfg['title'], author=cfg['author'], copyright=cfg['copyright'], tool=str(TOOL))


def mathml(tex: str, display: bool) -> str:
    "MathML for a TeX formula (latex2mathml), which browsers draw with no JavaScript; the TeX itself if it can't be converted."
    try:
        from latex2mathml.converter import convert
        return convert(tex, display='block' if display else 'inline')
    except Exception: return f'<code class="tex">{html.escape(tex)}</code>'


def sphinx_setup(app):
    "Sphinx `setup` hook of the generated conf.py: render math as MathML (the default, MathJax, loads from a CDN)."
    from docutils import nodes
    def inline(self, node):
        "`$...$` math."
        self.body.append(f'<span class="mathml">{mathml(node.astext(), False)}</span>'); raise nodes.SkipNode
    def block(self, node):
        "`$$...$$` math."
        self.body.append(f'<div class="mathml">{mathml(node.astext(), True)}</div>'); raise nodes.SkipNode
    app.add_html_math_renderer('mathml', (inline, None), (block, None))
    return {'parallel_read_safe': True}


# ------------------------------------------------------------------ the whole build
def write_if_changed(fn: Path, text: str) -> bool:
    "Write `text` to `fn` only if it differs, so that Sphinx's incremental build skips unchanged pages; True if written."
    fn.parent.mkdir(parents=True, exist_ok=True)
    if fn.exists() and fn.read_text() == text: return False
    fn.write_text(text); return True


def toctree(caption: str, names: list[str]) -> str:
    "A hidden MyST toctree: it makes the sidebar and the prev/next order without repeating the list on the home page."
    return '\n'.join(["```{toctree}", f":caption: {caption}", ":hidden:", "", *names, "```"])


def nav_changed(build: Path, nav: str) -> bool:
    "Whether the sidebar `nav` differs from the last build's (or there was none): then every page must be rebuilt."
    nav_fn = build/'nav.json'
    return not nav_fn.exists() or nav_fn.read_text() != nav


def sphinx_args(build: Path, full: bool) -> list[str]:
    "Sphinx's command line: HTML from `build/src` into `build/html`, reading every page again (`-E -a`) if `full`."
    return ['-b', 'html', '-q', *(['-E', '-a'] if full else []), '-d', str(build/'doctrees'), str(build/'src'), str(build/'html')]


def publish(html_dir: Path, out: Path, root: Path):
    "Replace `out` by a copy of the built site, refusing any folder that holds the project itself."
    out, root = Path(out).resolve(), Path(root).resolve()
    if out == root or out in root.parents or (out/'settings.ini').exists() or (out/'nbs').exists():
        raise ValueError(f"Refusing to replace {out}: doc_path must be a build folder such as _docs.")
    if out.exists(): shutil.rmtree(out)
    shutil.copytree(html_dir, out)
    (out/'.nojekyll').touch()


def site_pages(root: Path, cfg) -> list[dict]:
    "Every notebook's page: home first, then the sidebar's order; each with `nb`, `name` and `caption`."
    nbs = root/cfg.get('nbs_path', 'nbs')
    order = site_order(site_notebooks(nbs))
    pages = [dict(nb=nbs/'index.ipynb', name='index', caption=None)]
    pages += [dict(nb=nb, name=page_name(nb), caption=cap) for cap, group in order.items() for nb in group]
    names = [p['name'] for p in pages]
    if len(set(names)) < len(names) or set(RESERVED) & set(names):
        raise ValueError(f"Two notebooks give the same page name, or one is named {' or '.join(RESERVED)}: {names}. Rename one.")
    return pages


def write_sources(root: Path, cfg, src: Path) -> str:
    """Write the Sphinx project into `src`: a notebook per page (the home page holds the sidebar's toctrees), the
    API page, conf.py and static files, removing pages of renamed or deleted notebooks. Returns the sidebar as JSON."""
    pages = site_pages(root, cfg)   # name clashes fail here, before nbdev's slow processing
    proc = proc_notebooks(root)
    page_of, anchors = {p['nb'].stem: p['name'] for p in pages}, {}
    for p in pages:
        snb, anchors[p['name']] = site_notebook(json.loads((proc/p['nb'].name).read_text()), p['nb'].name,
                                                cfg['doc_host'] + cfg['doc_baseurl'], page_of)
        p['title'], p['snb'] = snb['cells'][0]['source'].splitlines()[0].lstrip('# '), snb
    trees = [toctree(cap, [p['name'] for p in pages if p['caption'] == cap] + ([API_PAGE] if cap == REFERENCE else []))
             for cap in (LESSONS, REFERENCE)]
    pages[0]['snb']['cells'].append(md_cell('\n\n'.join(trees)))
    for p in pages: write_if_changed(src/f"{p['name']}.ipynb", json.dumps(p['snb'], indent=1))
    write_if_changed(src/f'{API_PAGE}.md', api_page(api_entries(root, root/cfg.get('lib_path', 'mnist_course')), pages, anchors))
    write_if_changed(src/'conf.py', conf(cfg))
    statics = {'site.css': CSS, 'favicon.svg': FAVICON, 'live.js': LIVE_JS.read_text()}
    if pads := used_pads([p['snb'] for p in pages]):  # the pad pages' scripts: pad.js, the lesson's widget, each pad's weights
        statics |= {'pad.js': PAD_JS.read_text(), 'mc_pad_widget.js': pad_widget_js()}
        statics |= {weights_file(name): pad_weights_js(name) for name in pads}
    for fn, text in statics.items(): write_if_changed(src/'_static'/fn, text)
    for f in (src/'_static').iterdir():  # what an earlier build wrote for a pad that no page holds any more, and its copy
        if f.name not in statics: f.unlink(); (src.parent/'html'/'_static'/f.name).unlink(missing_ok=True)
    keep = {f"{p['name']}.ipynb" for p in pages} | {f'{API_PAGE}.md', 'conf.py', '_static'}
    for f in src.iterdir():
        if f.name not in keep: shutil.rmtree(f) if f.is_dir() else f.unlink()
    return json.dumps([[p['caption'], p['name'], p['title']] for p in pages])


def run_sphinx(build: Path, nav: str):
    """Render `build/src` into `build/html`. Sphinx rebuilds only changed pages, but a new, removed, renamed or moved
    page changes every page's sidebar and prev/next: then it starts from an empty `html/` and rebuilds them all."""
    from sphinx.cmd.build import build_main
    full = nav_changed(build, nav)
    if full and (build/'html').exists(): shutil.rmtree(build/'html')   # no pages of removed notebooks left behind
    log = io.StringIO()
    with contextlib.redirect_stderr(log), contextlib.redirect_stdout(io.StringIO()):
        rc = build_main(sphinx_args(build, full))
    (build/'warnings.txt').write_text(log.getvalue())
    if rc: raise RuntimeError(f"Sphinx failed (exit {rc}); its messages are in {build/'warnings.txt'}:\n{log.getvalue()[-3000:]}")
    (build/'nav.json').write_text(nav)


def build_site(root: str | Path | None = None, out: str | Path | None = None) -> Path:
    "Build the docs website offline into `out` (default: settings.ini's doc_path, `_docs/`); returns its `index.html`."
    root = find_root(root); cfg = settings(root)
    out = Path(out) if out else root/cfg.get('doc_path', '_docs')
    build = root/'_build'/'site'
    run_sphinx(build, write_sources(root, cfg, build/'src'))
    publish(build/'html', out, root)
    return out/'index.html'


# ------------------------------------------------------------------ serving it
class QuietHandler(http.server.SimpleHTTPRequestHandler):
    "Serves files without logging every request."
    def log_message(self, *args):
        "Log nothing."


def site_server(site: str | Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    "An HTTP server for the built site (its folder or its index.html) on 127.0.0.1:`port`; port 0 picks a free one."
    site = Path(site); folder = site.parent if site.suffix == '.html' else site
    if not (folder/'index.html').is_file():
        raise ValueError(f"No index.html in {folder}: build the site first (`python tools/site.py build`).")
    try: return http.server.ThreadingHTTPServer(('127.0.0.1', port), functools.partial(QuietHandler, directory=str(folder)))
    except OSError as e: raise ValueError(f"Cannot serve on 127.0.0.1:{port} ({e.strerror}): pass another --port.") from e


def serve_site(site: str | Path, port: int = 8000):
    "Serve the built site on http://127.0.0.1:`port`/ (only this machine can see it) until Ctrl-C."
    with site_server(site, port) as srv:
        print(f"Serving {Path(site)} at http://127.0.0.1:{srv.server_address[1]}/  (Ctrl-C to stop)", flush=True)
        try: srv.serve_forever()
        except KeyboardInterrupt: print("Stopped.")


# ------------------------------------------------------------------ command line
def parser() -> argparse.ArgumentParser:
    "The command line of `python tools/site.py`."
    p = argparse.ArgumentParser(prog='python tools/site.py', description=(
        "Build the course's docs site offline into settings.ini's doc_path (_docs/), or serve it on 127.0.0.1. "
        "Needs the dev install: pip install -e \".[dev]\"."))
    sub = p.add_subparsers(dest='command', required=True, metavar='{build,serve}')
    b = sub.add_parser('build', help="build the site (incremental: only changed pages are rebuilt)")
    b.add_argument('--serve', action='store_true', help="then serve it on 127.0.0.1")
    s = sub.add_parser('serve', help="serve an existing build on 127.0.0.1")
    for o in (b, s): o.add_argument('--port', type=int, default=8000, help="port to serve on (default 8000)")
    return p


def main(argv: list[str] | None = None) -> int:
    "Run `python tools/site.py build|serve`; errors end with a message and exit status 1, not a traceback."
    args = parser().parse_args(argv)
    try:
        root = find_root()
        site = root/settings(root).get('doc_path', '_docs')
        if args.command == 'build':
            t0 = time.perf_counter()
            site = build_site(root).parent
            print(f"Built {site/'index.html'} in {time.perf_counter() - t0:.1f} s", flush=True)
        if args.command == 'serve' or args.serve: serve_site(site, port=args.port)
        return 0
    except ImportError as e:
        print(f"site.py: error: {e}: the docs tools need the dev install, pip install -e \".[dev]\"", file=sys.stderr)
        return 1
    except (RuntimeError, ValueError) as e:
        print(f"site.py: error: {e}", file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
