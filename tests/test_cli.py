"The `mnist-course` command end to end: help, the offline default run, and bad input."
import pytest
from conftest import ROOT, run_cli
from mnist_course.cli import render_readme

def test_help():
    r = run_cli('--help')
    assert r.returncode == 0
    for word in ('MNIST_COURSE_DATA', '--data', '--resnet', 'docs', 'readme'): assert word in r.stdout

def test_fresh_install_then_table(data_src, tmp_path):
    r = run_cli('--only', 'pixel_similarity', env={'FASTAI_HOME': str(tmp_path), 'MNIST_COURSE_DATA': str(data_src)})
    assert r.returncode == 0, r.stderr
    row = r.stdout.splitlines()[2].split()
    assert row[:3] == ['pixel_similarity', '01', '0.9511']
    assert (tmp_path/'data'/'mnist_sample'/'labels.csv').exists()

def test_default_run_prints_every_quick_approach(data_src):
    r = run_cli(env={'MNIST_COURSE_DATA': str(data_src)})
    assert r.returncode == 0, r.stderr
    rows = {l.split()[0]: l.split() for l in r.stdout.splitlines()[2:]}
    assert list(rows) == ['pixel_similarity', 'linear', 'neural_net']
    assert float(rows['pixel_similarity'][2]) == pytest.approx(0.9511, abs=5e-5)
    assert float(rows['linear'][2]) >= 0.9676 and float(rows['neural_net'][2]) >= 0.98
    assert 'Traceback' not in r.stderr

def test_no_data_anywhere_says_what_to_do(tmp_path):
    r = run_cli('--only', 'pixel_similarity', env={'FASTAI_HOME': str(tmp_path), 'MNIST_COURSE_DATA': ''})
    assert r.returncode == 2
    assert 'MNIST_COURSE_DATA' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'data'/'mnist_sample').exists()

@pytest.mark.parametrize('args,msg', [(['--data', '/no/such/folder'], 'no such folder'),
                                      (['--resnet-subset', '-3'], 'positive number'),
                                      (['--only', 'knn'], 'invalid choice')])
def test_bad_input(args, msg):
    r = run_cli(*args)
    assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr

def test_readme_is_in_sync_with_index_notebook():
    assert (ROOT/'README.md').read_text() == render_readme(ROOT/'nbs'/'index.ipynb'), \
        "README.md is stale: run `mnist-course readme`"

def test_resnet_short_run_row(data_src):
    r = run_cli('--only', 'pixel_similarity', '--resnet-subset', '1500', env={'MNIST_COURSE_DATA': str(data_src)})
    assert r.returncode == 0, r.stderr
    rows = {l.split()[0]: l.split() for l in r.stdout.splitlines()[2:]}
    assert list(rows) == ['pixel_similarity', 'resnet18']
    assert rows['resnet18'][1] == '06' and float(rows['resnet18'][2]) >= 0.95
    assert rows['resnet18'][3] == '11,704,896'
