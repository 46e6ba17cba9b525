"The package and the notebooks agree: exporting changes nothing, notebooks are clean, exports are documented."
import importlib, json, shutil, subprocess, sys
from pathlib import Path

def copy_project(root: Path, dst: Path) -> Path:
    "A copy of what nbdev reads and writes: settings.ini, nbs/ and the package."
    for o in ('settings.ini', 'setup.py', 'README.md'): shutil.copy(root/o, dst/o)
    for o in ('nbs', 'mnist_course'): shutil.copytree(root/o, dst/o, ignore=shutil.ignore_patterns('__pycache__', '_proc'))
    return dst

def nbdev(cmd: str, cwd: Path):
    exe = Path(sys.executable).parent/cmd
    subprocess.run([str(exe)], cwd=cwd, check=True, capture_output=True, text=True)

def tree(path: Path, pattern: str) -> dict:
    return {o.relative_to(path).as_posix(): o.read_bytes() for o in sorted(path.rglob(pattern)) if '_proc' not in o.parts}

def test_export_changes_nothing(root, tmp_path):
    work = copy_project(root, tmp_path)
    nbdev('nbdev_export', work)
    assert tree(work/'mnist_course', '*.py') == tree(root/'mnist_course', '*.py'), \
        "mnist_course/ is out of sync with nbs/: run nbdev_export"

def test_notebooks_are_clean(root, tmp_path):
    work = copy_project(root, tmp_path)
    nbdev('nbdev_clean', work)
    changed = [k for k, v in tree(work/'nbs', '*.ipynb').items() if (root/'nbs'/k).read_bytes() != v]
    assert changed == [], f"run nbdev_clean: {changed}"

def test_every_export_has_a_docstring():
    from mnist_course._modidx import d
    missing = []
    for mod, syms in d['syms'].items():
        module = importlib.import_module(mod)
        for name in syms:  # 'mnist_course.data.load_sample' or a method, 'mnist_course.mnist_linear.BasicOptim.step'
            obj = module
            for part in name[len(mod) + 1:].split('.'): obj = getattr(obj, part)
            if callable(obj) and not (obj.__doc__ or '').strip(): missing.append(name)
    assert missing == []

def test_every_notebook_opens_with_python3(root):
    "JupyterLab opens a notebook straight away only if it names a kernel: every notebook names the standard Python 3."
    want = {'display_name': 'python3', 'language': 'python', 'name': 'python3'}  # nbdev_clean sets display_name to name
    lacking = [p.name for p in sorted((root/'nbs').glob('*.ipynb')) if json.loads(p.read_text())['metadata'].get('kernelspec') != want]
    assert lacking == [], f"these notebooks name no Python 3 kernel (JupyterLab would ask which): {lacking}"

def test_lessons_show_no_hint_before_an_answer(root):
    "An exercise cell, as committed, asks for an answer and gives no hint: hints come only after a wrong answer."
    shown, unasked = [], []
    for p in sorted((root/'nbs').glob('0*.ipynb')):
        for c in json.loads(p.read_text())['cells']:
            if c['cell_type'] != 'code': continue
            text = ''.join(''.join(o.get('text', '')) for o in c.get('outputs', []))
            if 'Hint:' in text: shown.append(p.name)
            if "check('" in ''.join(c['source']) and 'not answered yet. Write your answer above, then run this cell.' not in text:
                unasked.append(p.name)
    assert shown == [] and unasked == [], f"hints shown before an answer: {shown}; exercise cells without the prompt: {unasked}"
