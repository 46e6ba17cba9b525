"The `mnist-course` command end to end: help, the offline default run, and bad input."
import re
import pytest
from mnist_course.cli import main

def test_help(run_cli):
    r = run_cli('--help')
    assert r.returncode == 0
    for word in ('MNIST_COURSE_DATA', '--data', '--resnet'): assert word in r.stdout

def test_help_needs_no_dev_extras(run_cli):
    "Learners' command is train + table: the repository's tools (docs site, README) live in tools/, not here."
    dev = re.findall(r'\b(docs?|readme|site|serve|sphinx|nbdev|jupyter|quarto|pytest|selenium)\b', run_cli('--help').stdout, re.I)
    assert dev == [], f"mnist-course --help mentions dev-only things: {dev}"

def test_fresh_install_then_table(run_cli, data_src, tmp_path):
    r = run_cli('--only', 'pixel_similarity', env={'FASTAI_HOME': str(tmp_path), 'MNIST_COURSE_DATA': str(data_src)})
    assert r.returncode == 0, r.stderr
    row = r.stdout.splitlines()[2].split()
    assert row[:3] == ['pixel_similarity', '01', '0.9511']
    assert (tmp_path/'data'/'mnist_sample'/'labels.csv').exists()

def test_default_run_prints_every_quick_approach(run_cli, data_src):
    r = run_cli(env={'MNIST_COURSE_DATA': str(data_src)})
    assert r.returncode == 0, r.stderr
    rows = {l.split()[0]: l.split() for l in r.stdout.splitlines()[2:]}
    assert list(rows) == ['pixel_similarity', 'linear', 'neural_net']
    assert float(rows['pixel_similarity'][2]) == pytest.approx(0.9511, abs=5e-5)
    assert float(rows['linear'][2]) >= 0.9676 and float(rows['neural_net'][2]) >= 0.98
    assert 'Traceback' not in r.stderr

def test_no_data_anywhere_says_what_to_do(tmp_path, monkeypatch, capsys):
    "No local copy, and the download fails (patched, so that the test means the same on a machine that is online)."
    import fastai.data.external
    def no_network(*args, **kwargs): raise OSError('network unreachable (patched by the test)')
    monkeypatch.setattr(fastai.data.external, 'untar_data', no_network)
    monkeypatch.setattr('mnist_course.data.sample_dest', lambda: tmp_path/'data'/'mnist_sample')
    monkeypatch.delenv('MNIST_COURSE_DATA', raising=False)
    assert main(['--only', 'pixel_similarity']) == 2
    err = capsys.readouterr().err
    assert 'Could not download MNIST_SAMPLE' in err and 'MNIST_COURSE_DATA' in err and 'Traceback' not in err
    assert 'mnist_sample.tgz' in err and 'train-images-idx3-ubyte.gz' in err  # both forms that work offline
    assert not (tmp_path/'data'/'mnist_sample').exists()

def test_first_run_says_what_happens(run_cli, data_src, tmp_path):
    r = run_cli('--only', 'pixel_similarity', '--data', str(data_src), env={'FASTAI_HOME': str(tmp_path), 'MNIST_COURSE_DATA': ''})
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 3 and 'installing it from' in lines[0] and 'match MNIST' in lines[1] and 'installed in' in lines[2]
    assert r.stdout.splitlines()[2].split()[:3] == ['pixel_similarity', '01', '0.9511']

def damaged_copy(data_src, folder):
    "A copy of the course's archive with one pixel of one image changed."
    import io, tarfile
    import numpy as np
    from PIL import Image
    from mnist_course.data import read_sample_archive
    files = read_sample_archive(data_src/'mnist_sample.tgz')
    name = next(o for o in files if o.startswith('train/7/'))
    img = np.array(Image.open(io.BytesIO(files[name]))); img[10, 10] ^= 1
    buf = io.BytesIO(); Image.fromarray(img).save(buf, 'png'); files[name] = buf.getvalue()
    folder.mkdir()
    with tarfile.open(folder/'mnist_sample.tgz', 'w:gz') as tf:
        for k, v in files.items():
            info = tarfile.TarInfo(f'mnist_sample/{k}'); info.size = len(v); tf.addfile(info, io.BytesIO(v))
    return name

def test_damaged_data_is_reported_even_when_installed(run_cli, data_src, tmp_path):
    env = {'FASTAI_HOME': str(tmp_path/'home'), 'MNIST_COURSE_DATA': str(data_src)}
    assert run_cli('--only', 'pixel_similarity', env=env).returncode == 0  # installs a good copy
    name = damaged_copy(data_src, tmp_path/'bad')
    r = run_cli('--only', 'pixel_similarity', '--data', str(tmp_path/'bad'), env=env)
    assert r.returncode == 2 and f'{name} differs from MNIST' in r.stderr
    assert len(r.stderr.splitlines()) == 1 and 'Traceback' not in r.stderr

@pytest.mark.parametrize('args,msg', [(['--data', '/no/such/folder'], '/no/such/folder is not a folder'),
                                      (['--resnet-subset', '-3'], 'positive number'),
                                      (['--only', 'knn'], 'invalid choice')])
def test_bad_input(run_cli, args, msg):
    r = run_cli(*args)
    assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr

def test_data_folder_without_mnist_names_both_forms(run_cli, tmp_path):
    r = run_cli('--data', str(tmp_path))
    assert r.returncode == 2 and 'holds no copy of MNIST' in r.stderr
    assert 'mnist_sample.tgz' in r.stderr and 'train-images-idx3-ubyte.gz' in r.stderr
    assert len(r.stderr.splitlines()) == 1

def test_resnet_subset_reaches_the_resnet_row(data_src, monkeypatch, capsys):
    "`--resnet-subset N` adds a resnet18 row from lesson 6, trained on N images per digit (stubbed: lesson 6 trains it)."
    import mnist_course.resnet
    calls = []
    def fake_resnet(path, **kwargs):
        "Stand-in for run_resnet: records its arguments."
        calls.append((path, kwargs))
        return {'accuracy': 0.5, 'params': 11_704_896}
    monkeypatch.setattr(mnist_course.resnet, 'run_resnet', fake_resnet)
    monkeypatch.setenv('MNIST_COURSE_DATA', str(data_src))
    assert main(['--only', 'pixel_similarity', '--resnet-subset', '1500']) == 0
    rows = {l.split()[0]: l.split() for l in capsys.readouterr().out.splitlines()[2:]}
    assert list(rows) == ['pixel_similarity', 'resnet18']
    assert rows['resnet18'][1:4] == ['06', '0.5000', '11,704,896']
    assert len(calls) == 1 and calls[0][1] == {'subset': 1500}
    assert (calls[0][0]/'labels.csv').exists()   # the installed sample's folder

def test_small_resnet_subset_warns(data_src, monkeypatch, capsys):
    import mnist_course.resnet
    monkeypatch.setattr(mnist_course.resnet, 'run_resnet', lambda path, **kw: {'accuracy': 0.5, 'params': 11_704_896})
    monkeypatch.setenv('MNIST_COURSE_DATA', str(data_src))
    assert main(['--only', 'pixel_similarity', '--resnet-subset', '50']) == 0
    err = capsys.readouterr().err
    assert 'warning' in err and str(mnist_course.resnet.RESNET_MIN_SUBSET) in err and 'chance' in err
