"""Write README.md from the index notebook (settings.ini's nbs_path/readme_nb, `nbs/index.ipynb`), offline.

    python tools/readme.py           # write README.md
    python tools/readme.py --check   # exit 1, saying so in one line, if README.md is stale

`nbdev_readme` does this job too, but it needs Quarto. The index notebook is plain markdown (plus code shown as
code), so a few lines do it with the standard library only: no nbdev, no Jupyter.
"""
from __future__ import annotations
import argparse, configparser, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_paths(root: str | Path = ROOT) -> tuple[Path, Path]:
    "The index notebook and README.md of the course repository at `root`, as settings.ini names them."
    root = Path(root)
    if not (root/'settings.ini').is_file():
        raise ValueError(f"{root} has no settings.ini: pass the course repository's folder.")
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(root/'settings.ini', encoding='utf-8')
    d = cfg['DEFAULT']
    return root/d.get('nbs_path', 'nbs')/d.get('readme_nb', 'index.ipynb'), root/'README.md'


def render_readme(nb_path: str | Path) -> str:
    "Markdown for README.md: the notebook's markdown cells, and its code cells as fenced Python (cells that start with an nbdev directive, `#| ...`, left out)."
    cells = json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']
    srcs = [(c['cell_type'], ''.join(c['source']) if isinstance(c['source'], list) else c['source']) for c in cells]
    parts = [src if kind == 'markdown' else f"```python\n{src}\n```"
             for kind, src in srcs if kind in ('markdown', 'code') and src.strip() and not src.lstrip().startswith('#|')]
    return '\n\n'.join(parts) + '\n'


def is_stale(root: str | Path = ROOT) -> bool:
    "Whether README.md differs from what the index notebook renders to (or is missing)."
    nb, readme = readme_paths(root)
    return not readme.exists() or readme.read_text(encoding='utf-8') != render_readme(nb)


def write_readme(root: str | Path = ROOT) -> Path:
    "Write README.md from the index notebook; returns its path."
    nb, readme = readme_paths(root)
    readme.write_text(render_readme(nb), encoding='utf-8')
    return readme


def main(argv: list[str] | None = None, root: str | Path = ROOT) -> int:
    "Run `python tools/readme.py [--check]`."
    p = argparse.ArgumentParser(prog='python tools/readme.py', description="Write README.md from nbs/index.ipynb.")
    p.add_argument('--check', action='store_true', help="only check that README.md is up to date (exit 1 if not)")
    args = p.parse_args(argv)
    if args.check:
        if is_stale(root):
            print("README.md is stale: run `python tools/readme.py` (it is written from nbs/index.ipynb).", file=sys.stderr)
            return 1
        return 0
    print(f"Wrote {write_readme(root)}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
