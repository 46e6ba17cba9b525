"""Course benchmark: data load times (cold and warm) and the whole course's `nbdev_test` wall time.

Run from the repo root with the data configured:  MNIST_COURSE_DATA=/path/to/data python benchmarks/bench.py
Wall times on a shared machine are noisy: each figure is the best of `--repeat` runs.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

def timed(code: str, env: dict) -> float:
    "Seconds that `code` reports for itself, run in a fresh Python (so no import is warm in this process)."
    out = subprocess.run([PY, '-W', 'ignore', '-c', code], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.split()[-1])

LOAD = """
import time
from mnist_course.data import get_mnist_sample, load_sample, load_pngs, image_files, SAMPLE_COUNTS
p = get_mnist_sample()
t = time.perf_counter()
{body}
print(time.perf_counter() - t)
"""

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--skip-nbdev-test', action='store_true')
    args = ap.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as home:
        env['FASTAI_HOME'] = home
        t0 = time.perf_counter()
        subprocess.run([PY, '-W', 'ignore', '-c', 'from mnist_course.data import get_mnist_sample; get_mnist_sample()'],
                       env=env, check=True)
        install = time.perf_counter() - t0
        pil = min(timed(LOAD.format(body="[load_pngs(image_files(p, k)) for k in SAMPLE_COUNTS]"), env)
                  for _ in range(args.repeat))
        first = timed(LOAD.format(body="load_sample(p)"), env)  # builds the cache
        warm = min(timed(LOAD.format(body="load_sample(p)"), env) for _ in range(args.repeat))
    print(f"install from local archive (process incl. imports): {install:.2f} s")
    print(f"PIL loop, all 14,434 images (the book's way):      {pil:.2f} s")
    print(f"first load_sample (PIL loop + writing the cache):  {first:.2f} s")
    print(f"warm load_sample (from the cache):                 {warm:.3f} s")
    if args.skip_nbdev_test: return
    walls = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        r = subprocess.run([str(Path(PY).parent/'nbdev_test'), '--timing'], cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        if r.returncode: sys.exit(r.stdout + r.stderr)
        timing = r.stdout
    print(f"nbdev_test, whole course (best of {args.repeat}): {min(walls):.1f} s  (all: {', '.join(f'{w:.1f}' for w in walls)})")
    print("per notebook (last run):\n" + timing)

if __name__ == '__main__':
    main()
