"""Course benchmark: the whole course's `nbdev_test` time as a ratio of the fastai book's own chapter-4 code.

Both are measured in the same run, in the same environment, because absolute times on a shared machine are noisy:
  book:       a fresh `python benchmarks/book_ch4.py` (the book's ch. 4 pipeline as one script), wall time taken here;
  nbdev_test: `nbdev_test --timing` over the whole course, wall time taken here, plus its per-notebook table;
  ratio:      nbdev_test / book  (target <= 2.0x).
With --lessons, each lesson instead runs alone (`nbdev_test --path nbs/NN_*.ipynb`, one fresh process per lesson),
alternating with the book script, and each lesson's ratio is printed (target <= 1.0x).
Both use one FASTAI_HOME in which MNIST_SAMPLE is installed (and the course's tensor cache built) before any timing,
so neither pays for installing. What the lessons save when they train (remembered results, the pad's weights) is
deleted before each nbdev_test run, as CI starts without them; --warm keeps them, for a maintainer's second run.
With --repeat N the pair runs N times, alternating book / nbdev_test; the ratio is best-of nbdev_test over
best-of book, and every value is printed. An optional section (on unless --skip-data) times
the data loading: install from the local archive, the book's PIL loop, cold and warm `load_sample`.

Run from the repo root with the data configured:
    MNIST_COURSE_DATA=/path/to/data python benchmarks/bench.py [--repeat N] [--skip-data]
"""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BOOK = ROOT/'benchmarks'/'book_ch4.py'
NBDEV_TEST = str(Path(PY).parent/'nbdev_test')

def load() -> str:
    "The machine's 1-minute load average and core count, to judge how noisy the figures are."
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"

def timed(code: str, env: dict) -> float:
    "Seconds that `code` reports for itself, run in a fresh Python (so no import is warm in this process)."
    out = subprocess.run([PY, '-W', 'ignore', '-c', code], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.split()[-1])

def wall(cmd: list, env: dict, cwd=ROOT, check=True):
    "Run `cmd`, returning (wall seconds, CompletedProcess); if it fails and `check`, exit with its output."
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if r.returncode and check:
        sys.exit(f"{' '.join(cmd)} failed (exit {r.returncode}) after {t:.1f} s:\n{r.stdout}\n{r.stderr}")
    return t, r

LOAD = """
import time
from mnist_course.data import get_mnist_sample, load_sample, load_pngs, image_files, SAMPLE_COUNTS, CACHE_NAME
p = get_mnist_sample()
{pre}
t = time.perf_counter()
{body}
print(time.perf_counter() - t)
"""

def data_timings(env: dict, repeat: int):
    "The optional data-load section, in its own empty FASTAI_HOME so that the install is timed from scratch."
    env = dict(env)
    with tempfile.TemporaryDirectory() as home:
        env['FASTAI_HOME'] = home
        t0 = time.perf_counter()
        subprocess.run([PY, '-W', 'ignore', '-c', 'from mnist_course.data import get_mnist_sample; get_mnist_sample()'],
                       env=env, check=True, capture_output=True)
        install = time.perf_counter() - t0
        pil = min(timed(LOAD.format(pre='', body="[load_pngs(image_files(p, k)) for k in SAMPLE_COUNTS]"), env)
                  for _ in range(repeat))
        # the install may already write the cache: remove it (untimed) so that this load has to build it
        first = timed(LOAD.format(pre="(p/CACHE_NAME).unlink(missing_ok=True)", body="load_sample(p)"), env)
        warm = min(timed(LOAD.format(pre='', body="load_sample(p)"), env) for _ in range(repeat))
    best = f" (best of {repeat})" if repeat > 1 else ""
    print(f"install from local archive (process incl. imports): {install:.2f} s")
    print(f"PIL loop, all 14,434 images (the book's way):      {pil:.2f} s{best}")
    print(f"first load_sample (no cache: reads + writes it):   {first:.2f} s")
    print(f"warm load_sample (from the cache):                 {warm:.3f} s{best}")

PREPARE = """
from mnist_course.data import get_mnist_sample, load_sample, CACHE_NAME
from mnist_course.training import results_dir
from mnist_course.your_digit import models_folder
p = get_mnist_sample()
load_sample(p)
print(p/CACHE_NAME)
print(results_dir())
print(models_folder())
"""

def summary(xs):
    "Best of the wall times `xs`, and all of them when there are several."
    return f"{min(xs):.1f} s" + (f" (best of {len(xs)}; all: {', '.join(f'{x:.1f}' for x in xs)})" if len(xs) > 1 else "")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repeat', type=int, default=1, help='run the book/nbdev_test pair N times, alternating (default 1)')
    ap.add_argument('--skip-data', action='store_true', help='skip the data-load timings')
    ap.add_argument('--fastai-home', help='FASTAI_HOME for both runs (default: $FASTAI_HOME, else a temporary one)')
    ap.add_argument('--cold-cache', action='store_true',
                    help="delete the course's tensor cache before each nbdev_test run, so each run builds it")
    ap.add_argument('--lessons', action='store_true',
                    help="time each lesson alone (nbdev_test --path) against the book script, instead of the whole course")
    ap.add_argument('--warm', action='store_true',
                    help="keep the remembered results and pad weights that an earlier nbdev_test run saved (by default "
                         "they are deleted before each run, so that every run trains what CI trains)")
    args = ap.parse_args()
    env = dict(os.environ)
    print(f"start: {load()}")
    if not args.skip_data:
        print("\n== data loading ==")
        data_timings(env, args.repeat)

    home = args.fastai_home or env.get('FASTAI_HOME')
    tmp = None if home else tempfile.mkdtemp(prefix='fastai_home-')
    env['FASTAI_HOME'] = str(Path(home or tmp).expanduser().resolve())
    try:
        # Not timed: install the sample (and build the course's cache) where both runs will find it.
        r = subprocess.run([PY, '-W', 'ignore', '-c', PREPARE], env=env, capture_output=True, text=True)
        if r.returncode: sys.exit(f"Could not prepare the data in FASTAI_HOME={env['FASTAI_HOME']}:\n{r.stderr}")
        # the course's tensor cache file, then the folders of what the lessons save when they train
        cache, *saved = map(Path, r.stdout.splitlines()[-3:])
        print(f"\n== book ch4 vs nbdev_test ==\nFASTAI_HOME={env['FASTAI_HOME']} (sample installed, cache built: not timed)")
        if args.lessons: return lesson_timings(env, args, saved)
        books, tests, failed = [], [], []
        for i in range(args.repeat):
            t, rb = wall([PY, str(BOOK)], env)
            books.append(t)
            print(f"run {i+1}/{args.repeat}: book ch4 script {t:.1f} s", end='', flush=True)
            if args.cold_cache: cache.unlink(missing_ok=True)
            if not args.warm:  # what CI starts from: the data installed, nothing trained yet
                for d in saved: shutil.rmtree(d, ignore_errors=True)
            t, rt = wall([NBDEV_TEST, '--timing'], env, check=False)  # a failing notebook still gets its time reported
            tests.append(t)
            if rt.returncode: failed.append(i + 1)
            print(f", nbdev_test {t:.1f} s{' (FAILED)' if rt.returncode else ''}, ratio {t/books[-1]:.2f}x  ({load()})")
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)

    print("\nbook ch4 script output (last run):\n  " + rb.stdout.strip().replace('\n', '\n  '))
    print(f"\nbook ch4 script: {summary(books)}")
    state = ['nothing trained yet' if not args.warm else "an earlier run's results and weights kept"]
    if args.cold_cache: state.append('cold tensor cache')
    print(f"nbdev_test (whole course, {', '.join(state)}): {summary(tests)}"
          + (f"  FAILED in run(s) {', '.join(map(str, failed))}: times not comparable" if failed else ""))
    ratio = min(tests) / min(books)
    per_pair = f"  (per pair: {', '.join(f'{t/b:.2f}x' for b, t in zip(books, tests))})" if args.repeat > 1 else ""
    print(f"ratio: {ratio:.2f}x (target <= 2.0x){per_pair}")
    print("\nnbdev_test --timing, per notebook (last run):\n" + rt.stdout.strip())
    if rt.returncode: print("(nbdev_test prints no per-notebook table when a notebook fails)\n" + rt.stderr.strip())
    print(f"\nend: {load()}")
    if failed: sys.exit(f"nbdev_test failed in run(s) {', '.join(map(str, failed))}")

def lesson_timings(env: dict, args, saved: list):
    "Each lesson alone in a fresh `nbdev_test --path`, against the book script run just before it; ratios per lesson."
    lessons = sorted(p for p in (ROOT/'nbs').glob('[0-9][0-9]_*.ipynb') if int(p.name[:2]) < 90)
    books, times = [], {p.name: [] for p in lessons}
    for i in range(args.repeat):
        for p in lessons:
            books.append(wall([PY, str(BOOK)], env)[0])
            if not args.warm:
                for d in saved: shutil.rmtree(d, ignore_errors=True)
            times[p.name].append(wall([NBDEV_TEST, '--path', str(p)], env)[0])
    state = 'nothing trained yet' if not args.warm else "what earlier lessons saved kept"
    print(f"book ch4 script: {summary(books)}\neach lesson alone ({state}), best of {args.repeat}, over the best book time:")
    for name, ts in times.items():
        print(f"  {name:28} {min(ts):5.1f} s  {min(ts)/min(books):.2f}x" + (f"  (all: {', '.join(f'{t:.1f}' for t in ts)})" if len(ts) > 1 else ''))
    print(f"\nend: {load()}")

if __name__ == '__main__':
    main()
