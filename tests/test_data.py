"""Data from anywhere: faithful copies of MNIST_SAMPLE are accepted whatever their packing, damaged ones are refused
with what was wrong and nothing left behind, and the files the course writes heal when damaged.

All the copies are built here from the shared data (MNIST_COURSE_DATA): the course's mnist_sample.tgz and the four
MNIST files in its mnist/ subfolder.
"""
import gzip, hashlib, io, os, shutil, signal, subprocess, sys, tarfile, time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mnist_course import data
from mnist_course.data import (SAMPLE_COUNTS, CACHE_NAME, DataError, IDX_FILES, check_sample, get_mnist_sample, load_sample,
                               read_sample_archive)

LABELS_MD5 = 'd3cebecaef04485c8a7c21699d77b730'  # labels.csv of fastai's sample (../shared/data/PROVENANCE.md)


def leftovers(folder: Path) -> list[str]:
    "Temporary files or folders left in `folder` (there should never be any)."
    return sorted(o.name for o in folder.iterdir() if '.tmp-' in o.name)


@pytest.fixture(scope='module')
def files(data_src) -> dict[str, bytes]:
    "The sample's files, read from the course's archive."
    return read_sample_archive(data_src/'mnist_sample.tgz')


@pytest.fixture(scope='module')
def installed(data_src, tmp_path_factory) -> Path:
    "A fresh install of the sample from the course's archive."
    return get_mnist_sample(src=data_src, dest=tmp_path_factory.mktemp('fastai_data')/'mnist_sample', say=lambda s: None)


def pack(folder: Path, files: dict[str, bytes], name='mnist_sample.tgz', mode='w:gz', reverse=False, **kw) -> Path:
    "Write `files` under `mnist_sample/` into an archive `folder/name`, in reverse order if asked, with odd tar metadata."
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder/name, mode, **kw) as tf:
        for k in sorted(files, reverse=reverse):
            info = tarfile.TarInfo(f'mnist_sample/{k}')
            info.size, info.mtime, info.uid, info.uname = len(files[k]), 1_234_567_890, 1000, 'someone'
            tf.addfile(info, io.BytesIO(files[k]))
    return folder/name


def changed_pixel(png: bytes) -> bytes:
    "The same PNG with one pixel changed by one grey level."
    img = np.array(Image.open(io.BytesIO(png))); img[14, 14] ^= 1
    buf = io.BytesIO(); Image.fromarray(img).save(buf, 'png')
    return buf.getvalue()


def install(src: Path, tmp_path: Path) -> Path:
    return get_mnist_sample(src=src, dest=tmp_path/'data'/'mnist_sample', say=lambda s: None)


# ------------------------------------------------------------------ faithful copies are accepted
def test_course_archive(installed):
    assert check_sample(installed) == installed
    assert hashlib.md5((installed/'labels.csv').read_bytes()).hexdigest() == LABELS_MD5
    assert (installed/CACHE_NAME).exists() and leftovers(installed.parent) == []
    assert oct(installed.stat().st_mode & 0o777) == '0o755'


@pytest.mark.parametrize('name,mode,kw', [('mnist_sample.tgz', 'w:gz', {'compresslevel': 1}),
                                          ('mnist_sample.tar', 'w', {}),
                                          ('mnist_sample.tar.gz', 'w:xz', {})])
def test_repack_in_another_order_and_compression(files, installed, tmp_path, name, mode, kw):
    repack = {k: v for k, v in files.items() if k != 'labels.csv'} if mode == 'w' else files  # one without labels.csv
    got = install(pack(tmp_path/'src', repack, name, mode, reverse=True, **kw).parent, tmp_path)
    for k in SAMPLE_COUNTS: assert torch.equal(load_sample(got)[k], load_sample(installed)[k])
    lines = lambda p: sorted((p/'labels.csv').read_text().split())
    assert lines(got) == lines(installed)


def test_unpacked_folder(installed, tmp_path):
    src = tmp_path/'src'
    shutil.copytree(installed, src/'mnist_sample', ignore=shutil.ignore_patterns(CACHE_NAME))
    got = install(src, tmp_path)
    assert torch.equal(load_sample(got)['valid/7'], load_sample(installed)['valid/7'])


@pytest.mark.parametrize('gzipped', [True, False])
def test_mnist_files(data_src, installed, tmp_path, gzipped):
    if not all((data_src/'mnist'/f'{o}.gz').exists() for o in IDX_FILES): pytest.skip('no MNIST files beside the archive')
    src = tmp_path/'src'; src.mkdir()
    for o in IDX_FILES:
        if gzipped: (src/f'{o}.gz').symlink_to(data_src/'mnist'/f'{o}.gz')
        else: (src/o).write_bytes(gzip.decompress((data_src/'mnist'/f'{o}.gz').read_bytes()))
    got = install(src, tmp_path)
    for k in SAMPLE_COUNTS: assert torch.equal(load_sample(got)[k], load_sample(installed)[k])


def test_first_run_says_where_it_came_from(data_src, tmp_path):
    said = []
    get_mnist_sample(src=data_src, dest=tmp_path/'mnist_sample', say=said.append)
    assert len(said) == 3
    assert 'installing it from' in said[0] and 'mnist_sample.tgz' in said[0]
    assert 'all 14,434 images match MNIST' in said[1]
    assert str(tmp_path/'mnist_sample') in said[2]


def test_fastai_archive_is_recognised_by_its_download_record(data_src, tmp_path, monkeypatch):
    "fastai's own archive can't be downloaded here: the course's repack stands in, with fastai's record made to match."
    fn = data_src/'mnist_sample.tgz'
    assert not data.is_fastai_archive(fn)  # the course's repack is not byte-identical to fastai's archive
    import fastai.data
    from fastai.data.external import URLs
    from fastdownload.core import path_stats, read_checks, checks_module
    checks = {**read_checks(checks_module(fastai.data)), URLs.MNIST_SAMPLE: list(path_stats(fn))}
    monkeypatch.setattr('fastdownload.core.read_checks', lambda module: checks)
    assert data.is_fastai_archive(fn)
    said = []
    get_mnist_sample(src=data_src, dest=tmp_path/'mnist_sample', say=said.append)
    assert "fastai's own archive" in said[0]


# ------------------------------------------------------------------ damaged copies are refused, nothing left behind
def refused(src: Path, tmp_path: Path) -> str:
    dest = tmp_path/'data'/'mnist_sample'
    with pytest.raises(DataError) as e: get_mnist_sample(src=src, dest=dest, say=lambda s: None)
    assert not dest.exists() and (not dest.parent.exists() or leftovers(dest.parent) == [])
    return str(e.value)


def test_one_changed_pixel(files, tmp_path):
    name = 'train/7/1234.png' if 'train/7/1234.png' in files else next(o for o in files if o.startswith('train/7/'))
    msg = refused(pack(tmp_path/'src', files | {name: changed_pixel(files[name])}).parent, tmp_path)
    assert f"{name} differs from MNIST" in msg and 'Nothing was installed' in msg


def test_one_missing_image(files, tmp_path):
    name = next(o for o in files if o.startswith('valid/3/'))
    msg = refused(pack(tmp_path/'src', {k: v for k, v in files.items() if k != name}).parent, tmp_path)
    assert "valid/3 has 1,009 images, expected 1,010" in msg and name.split('/')[-1] in msg


def test_wrong_labels_file(files, tmp_path):
    msg = refused(pack(tmp_path/'src', files | {'labels.csv': b'name,label\ntrain/3/7.png,1\n'}).parent, tmp_path)
    assert "labels.csv does not list the sample's images" in msg


@pytest.mark.parametrize('damage', ['flip', 'truncate'])
def test_damaged_archive_bytes(data_src, tmp_path, damage):
    raw = bytearray((data_src/'mnist_sample.tgz').read_bytes())
    if damage == 'flip': raw[len(raw)//2] ^= 0xFF
    else: raw = raw[:len(raw)//2]
    (tmp_path/'src').mkdir(); (tmp_path/'src'/'mnist_sample.tgz').write_bytes(bytes(raw))
    msg = refused(tmp_path/'src', tmp_path)
    assert 'damaged' in msg or 'differs from MNIST' in msg or 'expected' in msg


def test_damaged_mnist_file(data_src, tmp_path):
    src = tmp_path/'src'; src.mkdir()
    for o in IDX_FILES: shutil.copy(data_src/'mnist'/f'{o}.gz', src/f'{o}.gz')
    raw = gzip.decompress((src/'t10k-images-idx3-ubyte.gz').read_bytes())
    (src/'t10k-images-idx3-ubyte.gz').write_bytes(gzip.compress(raw[:-784]))  # the last image cut off
    assert 'is not the MNIST file t10k-images-idx3-ubyte' in refused(src, tmp_path)


def test_nothing_usable(tmp_path):
    (tmp_path/'src').mkdir()
    msg = refused(tmp_path/'src', tmp_path)
    assert 'holds no copy of MNIST' in msg and 'mnist_sample.tgz' in msg and 'train-images-idx3-ubyte.gz' in msg


def test_named_source_is_checked_even_when_installed(files, installed, tmp_path):
    name = next(o for o in files if o.startswith('train/3/'))
    bad = pack(tmp_path/'src', files | {name: changed_pixel(files[name])}).parent
    with pytest.raises(DataError, match='differs from MNIST'): get_mnist_sample(src=bad, dest=installed)
    assert get_mnist_sample(dest=installed) == installed  # without a named source, the installed sample serves


# ------------------------------------------------------------------ files the course writes heal
def test_truncated_image_cache_is_rebuilt(installed, tmp_path):
    sample = shutil.copytree(installed, tmp_path/'mnist_sample')
    want = load_sample(sample)
    (sample/CACHE_NAME).write_bytes((sample/CACHE_NAME).read_bytes()[:5000])
    said = []
    got = load_sample(sample, say=said.append)
    assert len(said) == 1 and 'damaged' in said[0] and CACHE_NAME in said[0]
    assert all(torch.equal(got[k], want[k]) for k in SAMPLE_COUNTS)
    assert load_sample(sample, say=said.append) and len(said) == 1  # rebuilt once, then trusted


def test_kept_images_are_read_again_when_a_folder_changes(installed, tmp_path):
    sample = shutil.copytree(installed, tmp_path/'mnist_sample')
    kept = load_sample(sample)  # this process now keeps the stacks it read
    kept['valid/7'][0] = 0      # a caller's copy: changing it changes nothing kept
    assert torch.equal(load_sample(sample)['valid/7'], load_sample(installed)['valid/7'])
    sorted((sample/'valid'/'7').iterdir())[0].unlink()
    with pytest.raises(DataError, match='valid/7 has 1,027 images'): load_sample(sample)


def test_stale_image_cache_is_rebuilt(installed, tmp_path):
    sample = shutil.copytree(installed, tmp_path/'mnist_sample')
    sorted((sample/'valid'/'7').iterdir())[0].unlink()
    with pytest.raises(DataError, match='valid/7 has 1,027 images'): load_sample(sample)


def test_killed_first_run_leaves_nothing_that_breaks_the_next(data_src, tmp_path):
    env = {**os.environ, 'FASTAI_HOME': str(tmp_path/'home'), 'MNIST_COURSE_DATA': str(data_src)}
    code = 'from mnist_course.data import get_mnist_sample; get_mnist_sample()'
    p = subprocess.Popen([sys.executable, '-c', code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder, t0 = tmp_path/'home'/'data', time.time()
    while time.time() - t0 < 120 and not (folder.is_dir() and leftovers(folder)): time.sleep(0.02)  # mid-install
    p.send_signal(signal.SIGKILL); p.wait()
    assert leftovers(folder), 'the install was not caught half-way'
    assert not (folder/'mnist_sample').exists()
    r = subprocess.run([sys.executable, '-c', code + '; print("ok")'], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and 'ok' in r.stdout, r.stderr
    assert leftovers(folder) == []  # the killed run's temporary folder is gone
    assert check_sample(folder/'mnist_sample')


def test_shipped_manifest_is_made_from_the_mnist_files(data_src, tools):
    "The manifest in the package is exactly what tools/manifest.py makes from the MNIST files (their md5s are checked)."
    if not (data_src/'mnist').is_dir(): pytest.skip('no MNIST files beside the archive')
    assert tools.manifest.manifest_from_idx(data_src/'mnist') == tools.manifest.MANIFEST.read_bytes()
    assert len(data.sample_manifest()) == sum(SAMPLE_COUNTS.values())


def test_truncated_results_file_is_rebuilt(tmp_path, monkeypatch, capsys):
    "A remembered result (lesson 6's table) whose file was cut short is computed again, with one line saying so."
    from mnist_course import training
    monkeypatch.setattr(training, 'results_dir', lambda: tmp_path)
    calls = []
    def run_square(n): calls.append(n); return {'accuracy': n * n}
    assert training.remembered(run_square, n=3)['remembered'] is False
    fn, = tmp_path.glob('*.pt')
    fn.write_bytes(fn.read_bytes()[:50])
    again = training.remembered(run_square, n=3)
    assert again['accuracy'] == 9 and again['remembered'] is False and calls == [3, 3]
    assert capsys.readouterr().out.count('damaged') == 1


def test_truncated_pad_weights_are_retrained(data_src, tmp_path, monkeypatch):
    "Lesson 8's saved weights, cut short, are trained again with one line saying so (tiny recipes, to keep it quick)."
    from torch import nn
    from mnist_course import your_digit as yd
    monkeypatch.setattr(yd, 'models_folder', lambda: tmp_path)
    monkeypatch.setattr(yd, 'RECIPES', {'linear': (yd.linear10, 1, 0.5, 256)})
    monkeypatch.setattr(yd, 'three_or_seven', lambda: nn.Linear(28*28, 1))
    said = []
    models = yd.pad_models(data_src, quick=True, say=said.append)
    assert set(models) == {'mean digits', 'linear', '3 or 7'} and len(said) == 1 and 'Training' in said[0]
    fn, = tmp_path.glob('pad_models_quick.pt')
    fn.write_bytes(fn.read_bytes()[:1000])
    said.clear()
    yd.pad_models(data_src, quick=True, say=said.append)
    assert len(said) == 2 and 'damaged' in said[0] and 'Training' in said[1]
    said.clear()
    yd.pad_models(data_src, quick=True, say=said.append)  # now intact: loaded, silently
    assert said == []
