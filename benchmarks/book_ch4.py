"""The fastai book's chapter 4 ("04_mnist_basics", MNIST 3s vs 7s) run as one plain script: the yardstick for bench.py.

This reproduces the book's own code, for timing only: it is not course material and is not tested. It keeps the book's
pipeline and code as written there (`tensor(Image.open(o))` loops, `mnist_distance`, `is_3`, `mnist_loss`,
`batch_accuracy`, `DataLoader(dset, batch_size=256)`, `Learner(..., opt_func=SGD)`, `fit(10, lr=1)`, the simple net
with `fit(40, 0.1)`), minus what only displays things (show_image, DataFrame styling, plots), and with no resnet.
The fastai import counts in its time. Run it with FASTAI_HOME pointing at a fastai home where MNIST_SAMPLE is already
extracted: `untar_data` then returns the folder without downloading.

    python benchmarks/book_ch4.py
"""
import time
_t0 = time.perf_counter()

from fastai.vision.all import *
_t_import = time.perf_counter() - _t0  # not in the book: phase times, so bench.py's figure can be broken down

# --- Data: the book's way ---
path = untar_data(URLs.MNIST_SAMPLE)
Path.BASE_PATH = path

threes = (path/'train'/'3').ls().sorted()
sevens = (path/'train'/'7').ls().sorted()

seven_tensors = [tensor(Image.open(o)) for o in sevens]
three_tensors = [tensor(Image.open(o)) for o in threes]

stacked_sevens = torch.stack(seven_tensors).float()/255
stacked_threes = torch.stack(three_tensors).float()/255
_t1 = time.perf_counter()

# --- Pixel similarity ---
mean3 = stacked_threes.mean(0)
mean7 = stacked_sevens.mean(0)

valid_3_tens = torch.stack([tensor(Image.open(o)) for o in (path/'valid'/'3').ls()])
valid_3_tens = valid_3_tens.float()/255
valid_7_tens = torch.stack([tensor(Image.open(o)) for o in (path/'valid'/'7').ls()])
valid_7_tens = valid_7_tens.float()/255

def mnist_distance(a,b): return (a-b).abs().mean((-1,-2))

def is_3(x): return mnist_distance(x,mean3) < mnist_distance(x,mean7)

accuracy_3s =      is_3(valid_3_tens).float() .mean()
accuracy_7s = (1 - is_3(valid_7_tens).float()).mean()
pixel_acc = (accuracy_3s+accuracy_7s)/2
_t2 = time.perf_counter()
print(f"fastai import: {_t_import:.2f} s; train images loaded the book's way: {_t1 - _t0 - _t_import:.2f} s")
print(f"pixel similarity: 3s {accuracy_3s.item():.4f}, 7s {accuracy_7s.item():.4f}, mean {pixel_acc.item():.4f}  ({_t2 - _t1:.2f} s, valid images included)")

# --- The linear model, trained with Learner ---
train_x = torch.cat([stacked_threes, stacked_sevens]).view(-1, 28*28)
train_y = tensor([1]*len(threes) + [0]*len(sevens)).unsqueeze(1)
dset = list(zip(train_x,train_y))

valid_x = torch.cat([valid_3_tens, valid_7_tens]).view(-1, 28*28)
valid_y = tensor([1]*len(valid_3_tens) + [0]*len(valid_7_tens)).unsqueeze(1)
valid_dset = list(zip(valid_x,valid_y))

def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets==1, 1-predictions, predictions).mean()

def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds>0.5) == yb
    return correct.float().mean()

dl = DataLoader(dset, batch_size=256)
valid_dl = DataLoader(valid_dset, batch_size=256)
dls = DataLoaders(dl, valid_dl)

lr = 1.
learn = Learner(dls, nn.Linear(28*28,1), opt_func=SGD,
                loss_func=mnist_loss, metrics=batch_accuracy)
# Not in the book: progress bars and the per-epoch table are turned off (a script has no notebook to draw them in);
# the final accuracy is read from the recorder, as the book does for the simple net.
with learn.no_bar(), learn.no_logging(): learn.fit(10, lr=lr)
linear_acc = learn.recorder.values[-1][2]
_t3 = time.perf_counter()
print(f"linear model (Learner, 10 epochs, lr=1): accuracy {linear_acc:.4f}  ({_t3 - _t2:.2f} s)")

# --- The simple neural net ---
simple_net = nn.Sequential(
    nn.Linear(28*28,30),
    nn.ReLU(),
    nn.Linear(30,1)
)
learn = Learner(dls, simple_net, opt_func=SGD,
                loss_func=mnist_loss, metrics=batch_accuracy)
with learn.no_bar(), learn.no_logging(): learn.fit(40, 0.1)  # bars and table off, as above
net_acc = learn.recorder.values[-1][2]
print(f"simple net (Learner, 40 epochs, lr=0.1): accuracy {net_acc:.4f}  ({time.perf_counter() - _t3:.2f} s)")

print(f"book ch4 script, own wall time (from before the fastai import): {time.perf_counter() - _t0:.2f} s")
