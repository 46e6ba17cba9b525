"The package and the notebooks agree: exporting changes nothing, notebooks are clean, exports are documented."
import importlib, shutil, subprocess, sys
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
