"Installing MNIST_SAMPLE from a good, a corrupt and a missing archive, from the raw MNIST files, and the cache."
import hashlib, shutil
from pathlib import Path
import pytest, torch
from mnist_course.data import (SAMPLE_COUNTS, DataError, _install, count_pngs, get_mnist_sample, image_files,
                               install_from_tgz, load_pngs, load_sample, IDX_FILES)

LABELS_MD5 = 'd3cebecaef04485c8a7c21699d77b730'  # labels.csv of fastai's sample (../shared/data/PROVENANCE.md)

def leftovers(folder: Path) -> list:
    "Temporary install folders left in `folder` (there should never be any)."
    return [o.name for o in folder.iterdir() if o.name.startswith('.mnist_sample-')]

@pytest.fixture(scope='module')
def installed(data_src, tmp_path_factory) -> Path:
    "A fresh install of the sample from the local archive."
    dest = tmp_path_factory.mktemp('fastai_data')/'mnist_sample'
    return install_from_tgz(data_src/'mnist_sample.tgz', dest)

def test_good_archive(installed):
    assert count_pngs(installed) == SAMPLE_COUNTS
    assert hashlib.md5((installed/'labels.csv').read_bytes()).hexdigest() == LABELS_MD5
    assert leftovers(installed.parent) == []
    assert oct(installed.stat().st_mode & 0o777) == '0o755'

def test_installed_is_returned_as_is(installed):
    assert get_mnist_sample(src='/nonexistent', dest=installed) == installed

@pytest.mark.parametrize('damage', ['flip', 'truncate'])
def test_corrupt_archive_installs_nothing(data_src, tmp_path, damage):
    bad = tmp_path/'src'/'mnist_sample.tgz'
    bad.parent.mkdir()
    data = bytearray((data_src/'mnist_sample.tgz').read_bytes())
    if damage == 'flip': data[len(data)//2] ^= 0xFF
    else: data = data[:len(data)//2]
    bad.write_bytes(bytes(data))
    dest = tmp_path/'data'/'mnist_sample'
    dest.parent.mkdir()
    with pytest.raises(DataError, match='corrupt'): get_mnist_sample(src=bad.parent, dest=dest)
    assert not dest.exists() and leftovers(dest.parent) == []

def test_missing_archive(tmp_path):
    (tmp_path/'empty').mkdir()
    with pytest.raises(DataError, match='neither mnist_sample.tgz nor the four MNIST files'):
        get_mnist_sample(src=tmp_path/'empty', dest=tmp_path/'mnist_sample')
    assert not (tmp_path/'mnist_sample').exists()

def test_interrupted_install_leaves_nothing(tmp_path):
    dest = tmp_path/'mnist_sample'
    def fill(tmp):
        (tmp/'train'/'3').mkdir(parents=True)
        (tmp/'train'/'3'/'1.png').write_bytes(b'half done')
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt): _install(dest, fill)
    assert not dest.exists() and leftovers(tmp_path) == []

def test_incomplete_install_is_refused(tmp_path):
    dest = tmp_path/'mnist_sample'
    with pytest.raises(DataError, match='incomplete'): _install(dest, lambda tmp: tmp)
    assert not dest.exists() and leftovers(tmp_path) == []

def test_from_idx_matches_archive(data_src, installed, tmp_path):
    if not all((data_src/'mnist'/o).exists() for o in IDX_FILES): pytest.skip('no MNIST IDX files beside the archive')
    src = tmp_path/'src'  # a data folder with only the raw MNIST files, in its mnist/ subfolder
    src.mkdir(); (src/'mnist').symlink_to(data_src/'mnist')
    rebuilt = get_mnist_sample(src=src, dest=tmp_path/'mnist_sample')
    assert count_pngs(rebuilt) == SAMPLE_COUNTS
    for k in SAMPLE_COUNTS:  # same file names, same pixels
        assert [o.name for o in image_files(rebuilt, k)] == [o.name for o in image_files(installed, k)]
        assert torch.equal(load_pngs(image_files(rebuilt, k)), load_pngs(image_files(installed, k)))
    lines = lambda p: sorted((p/'labels.csv').read_text().split())
    assert lines(rebuilt) == lines(installed)

def test_cache_is_used_and_refreshed(installed, tmp_path):
    sample = shutil.copytree(installed, tmp_path/'mnist_sample')
    first = load_sample(sample)
    assert (sample/'.mnist_course_cache.pt').exists()
    assert all(torch.equal(first[k], v) for k, v in load_sample(sample).items())
    (image_files(sample, 'valid/7')[0]).unlink()  # the folder changed: the cache must not be trusted
    assert load_sample(sample)['valid/7'].shape[0] == SAMPLE_COUNTS['valid/7'] - 1
