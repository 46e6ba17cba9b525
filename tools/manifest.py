"""Make the sample's manifest, `mnist_course/mnist_sample_manifest.csv.gz`, from the four original MNIST files.

    python tools/manifest.py /path/to/folder/with/the/mnist/files            # write the manifest
    python tools/manifest.py /path/to/folder/with/the/mnist/files --check    # exit 1 if the shipped one differs

The manifest lists the 14,434 images of fastai's MNIST_SAMPLE: one line per image, its name (`train/3/10.png`: the
split, the digit, and its index in MNIST), its label as in fastai's labels.csv (0 for a 3, 1 for a 7), and a CRC-32
of its 784 pixel values. The course checks every copy of the sample against it (see nbs/91_data.ipynb). The sample is
exactly the 3s and 7s of MNIST (training split -> train/, test split -> valid/), so the manifest is made from the
MNIST files themselves, which `mnist_course.data.read_idx` checks against their well-known md5s.
"""
from __future__ import annotations
import argparse, gzip, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT/'mnist_course'/'mnist_sample_manifest.csv.gz'


def manifest_from_idx(folder: str | Path) -> bytes:
    "The manifest's bytes (gzipped CSV: name,label,crc32), made from the four MNIST files in `folder`; reproducible."
    import torch
    from mnist_course.data import read_mnist_idx, pixel_crc
    train_x, train_y, valid_x, valid_y = read_mnist_idx(Path(folder))
    rows = [f'{split}/{digit}/{i}.png,{label},{pixel_crc(x[i]):08x}\n'
            for split, x, y in (('train', train_x, train_y), ('valid', valid_x, valid_y))
            for digit, label in ((3, 0), (7, 1)) for i in torch.nonzero(y == digit).view(-1).tolist()]
    return gzip.compress(('name,label,crc32\n' + ''.join(rows)).encode(), 9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    "Run `python tools/manifest.py FOLDER [--check]`."
    p = argparse.ArgumentParser(prog='python tools/manifest.py', description="Make the sample's manifest from the MNIST files.")
    p.add_argument('folder', help="folder holding the four MNIST files (gzipped or not)")
    p.add_argument('--check', action='store_true', help="only check that the shipped manifest is the one these files give")
    args = p.parse_args(argv)
    data = manifest_from_idx(args.folder)
    if args.check:
        if MANIFEST.read_bytes() != data:
            print(f"{MANIFEST} differs from the manifest the MNIST files in {args.folder} give.", file=sys.stderr)
            return 1
        return 0
    MANIFEST.write_bytes(data)
    print(f"Wrote {MANIFEST}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
