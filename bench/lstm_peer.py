#!/usr/bin/env python3
"""The LSTM peer: makemore's RNN language model with an LSTM recurrence, in PyTorch, in makemore's style.

makemore has no LSTM ("its API is a bit more annoying as it has both a hidden state and a cell state"), so
this file adds one without copying any of makemore's code: makemore.py is imported at run time from its path
(--makemore, default $MAKEMORE) and its ModelConfig, create_datasets (the same torch.randperm split, seed 3407),
CharDataset, InfiniteDataLoader, evaluate and print_samples are used as they are. What is new here:

  LSTMCell   the contract of makemore's RNNCell/GRUCell: one nn.Linear over [x_t; h_{t-1}] gives the 4·n_embd2
             gate pre-activations (i, f, o, g); i, f, o = sigmoid, g = tanh; c_t = f*c_{t-1} + i*g,
             h_t = o*tanh(c_t). 33,024 parameters at n_embd = n_embd2 = 64.
  LSTM       makemore's RNN module with that cell: embedding, learned start states (h_0 = `start` as in makemore,
             plus c_0 = `start_c`), a Python loop over the 16 time steps, lm_head, cross-entropy ignoring -1.
  TorchLSTM  the same model with nn.LSTM(n_embd, n_embd2, batch_first=True) instead of the Python loop
             (PyTorch's fused LSTM; two bias vectors, so 33,280 recurrent parameters, and its own init).

The training loop is makemore's main loop: the same seed, split, AdamW (lr 5e-4, weight decay 0.01, betas
(0.9, 0.99), eps 1e-8), batch 32 from InfiniteDataLoader with 4 workers, wall-clock time per step around
(fetch batch, forward, zero_grad, backward, step) printed every 10 steps, evaluate(batch 100, 10 batches) at
every 500th step index, 10 samples every 200 steps, the model saved to the work dir when the test loss improves.
Its log has makemore's format, and bench/makemore_peer.py's parser makes the same JSON line of it.

Usage:
  python bench/lstm_peer.py [--makemore PATH] [--variant cell|nn] [--threads N] [--warmup-steps W] [--verbose] \
      -- --max-steps 3001 -i names.txt -o /tmp/lstm-out [--num-workers 4] [--seed 3407] [--batch-size 32] ...
"""
import argparse
import importlib.util
import json
import os
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import makemore_peer  # noqa: E402  (Tee, the tensorboard stub, the log parser and the JSON summary)

VARIANTS = {"cell": "LSTMCell (makemore style)", "nn": "nn.LSTM"}


def load_makemore(path):
    """Imports makemore.py from its path as the module `makemore` (its __main__ block does not run)."""
    spec = importlib.util.spec_from_file_location("makemore", path)
    mm = importlib.util.module_from_spec(spec)
    sys.modules["makemore"] = mm
    spec.loader.exec_module(mm)
    return mm


def define_models(torch):
    nn = torch.nn
    F = torch.nn.functional

    class LSTMCell(nn.Module):
        """
        the job of a 'Cell', as in makemore: take the input x_{t} and the previous state and return the new
        state; for an LSTM the state is (h_{t}, c_{t}).
        """
        def __init__(self, config):
            super().__init__()
            # input, forget, output gates and the candidate g, from one product over [x; h]
            self.xh_to_gates = nn.Linear(config.n_embd + config.n_embd2, 4 * config.n_embd2)

        def forward(self, xt, hprev, cprev):
            xh = torch.cat([xt, hprev], dim=1)                  # (b, n_embd + n_embd2)
            i, f, o, g = self.xh_to_gates(xh).chunk(4, dim=1)   # each (b, n_embd2)
            i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)
            g = torch.tanh(g)
            ct = f * cprev + i * g                              # (b, n_embd2)
            ht = o * torch.tanh(ct)                             # (b, n_embd2)
            return ht, ct

    class LSTM(nn.Module):
        """makemore's RNN language model with an LSTMCell."""
        def __init__(self, config):
            super().__init__()
            self.block_size = config.block_size
            self.vocab_size = config.vocab_size
            self.start = nn.Parameter(torch.zeros(1, config.n_embd2))    # the starting hidden state h_0
            self.start_c = nn.Parameter(torch.zeros(1, config.n_embd2))  # the starting cell state c_0
            self.wte = nn.Embedding(config.vocab_size, config.n_embd)    # token embeddings table
            self.cell = LSTMCell(config)
            self.lm_head = nn.Linear(config.n_embd2, self.vocab_size)

        def get_block_size(self):
            return self.block_size

        def forward(self, idx, targets=None):
            b, t = idx.size()
            emb = self.wte(idx)                                # (b, t, n_embd)
            hprev = self.start.expand((b, -1))                 # (b, n_embd2)
            cprev = self.start_c.expand((b, -1))               # (b, n_embd2)
            hiddens = []
            for i in range(t):
                xt = emb[:, i, :]                              # (b, n_embd)
                hprev, cprev = self.cell(xt, hprev, cprev)     # (b, n_embd2) each
                hiddens.append(hprev)
            hidden = torch.stack(hiddens, 1)                   # (b, t, n_embd2)
            logits = self.lm_head(hidden)                      # (b, t, vocab_size)
            loss = None
            if targets is not None:
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
            return logits, loss

    class TorchLSTM(LSTM):
        """The same language model with PyTorch's fused nn.LSTM doing the recurrence."""
        def __init__(self, config):
            super().__init__(config)
            del self.cell
            self.lstm = nn.LSTM(config.n_embd, config.n_embd2, batch_first=True)

        def forward(self, idx, targets=None):
            b, t = idx.size()
            emb = self.wte(idx)                                           # (b, t, n_embd)
            h0 = self.start.expand((b, -1)).unsqueeze(0).contiguous()     # (1, b, n_embd2)
            c0 = self.start_c.expand((b, -1)).unsqueeze(0).contiguous()   # (1, b, n_embd2)
            hidden, _ = self.lstm(emb, (h0, c0))                          # (b, t, n_embd2)
            logits = self.lm_head(hidden)
            loss = None
            if targets is not None:
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
            return logits, loss

    return {"cell": LSTM, "nn": TorchLSTM}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--makemore", default=os.environ.get("MAKEMORE", "makemore.py"),
                    help="path to makemore.py (default: $MAKEMORE, else ./makemore.py)")
    ap.add_argument("--variant", choices=sorted(VARIANTS), default="cell",
                    help="cell: LSTMCell in a Python loop (makemore style); nn: nn.LSTM (default: cell)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    ap.add_argument("--warmup-steps", type=int, default=100, help="logged steps below this are excluded from the median")
    ap.add_argument("--verbose", action="store_true", help="echo the training log to stderr")
    ap.add_argument("train_args", nargs=argparse.REMAINDER, help="makemore-style training options (after --)")
    a = ap.parse_args(argv)
    rest = a.train_args[1:] if a.train_args[:1] == ["--"] else a.train_args
    # makemore's own options and defaults, the ones that apply to this model
    tp = argparse.ArgumentParser(prog="lstm_peer.py -- ", description="makemore-style training options")
    tp.add_argument('--input-file', '-i', type=str, default='names.txt')
    tp.add_argument('--work-dir', '-o', type=str, default='out')
    tp.add_argument('--num-workers', '-n', type=int, default=4)
    tp.add_argument('--max-steps', type=int, default=-1)
    tp.add_argument('--device', type=str, default='cpu')
    tp.add_argument('--seed', type=int, default=3407)
    tp.add_argument('--top-k', type=int, default=-1)
    tp.add_argument('--type', type=str, default='lstm', choices=['lstm'])
    tp.add_argument('--n-layer', type=int, default=4)  # unused by this model; kept for ModelConfig
    tp.add_argument('--n-head', type=int, default=4)   # unused by this model
    tp.add_argument('--n-embd', type=int, default=64)
    tp.add_argument('--n-embd2', type=int, default=64)
    tp.add_argument('--batch-size', '-b', type=int, default=32)
    tp.add_argument('--learning-rate', '-l', type=float, default=5e-4)
    tp.add_argument('--weight-decay', '-w', type=float, default=0.01)
    a.train = tp.parse_args(rest)
    a.train_argv = rest
    if not os.path.isfile(a.makemore):
        ap.exit(2, f"lstm_peer.py: makemore.py not found at '{a.makemore}': pass --makemore PATH or set MAKEMORE "
                   f"(see bench/README.md)\n")
    if not os.path.isfile(a.train.input_file):
        ap.exit(2, f"lstm_peer.py: input file '{a.train.input_file}' not found (names.txt: -i PATH)\n")
    if a.threads is None or a.threads < 1:
        ap.exit(2, f"lstm_peer.py: --threads must be >= 1 (got {a.threads})\n")
    if a.train.max_steps < 1:
        ap.exit(2, f"lstm_peer.py: --max-steps must be >= 1 (got {a.train.max_steps}); use 3001 for the test loss "
                   f"at step 3000\n")
    return a


def train(mm, torch, model_class, args):
    """makemore's main loop for one model (prints makemore's log lines on stdout)."""
    torch.manual_seed(args.seed)
    torch.cuda.manual_seed_all(args.seed)
    os.makedirs(args.work_dir, exist_ok=True)
    train_dataset, test_dataset = mm.create_datasets(args.input_file)
    vocab_size = train_dataset.get_vocab_size()
    block_size = train_dataset.get_output_length()
    print(f"dataset determined that: {vocab_size=}, {block_size=}")
    config = mm.ModelConfig(vocab_size=vocab_size, block_size=block_size, n_layer=args.n_layer,
                            n_head=args.n_head, n_embd=args.n_embd, n_embd2=args.n_embd2)
    model = model_class(config)
    model.to(args.device)
    print(f"model #params: {sum(p.numel() for p in model.parameters())}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay,
                                  betas=(0.9, 0.99), eps=1e-8)
    batch_loader = mm.InfiniteDataLoader(train_dataset, batch_size=args.batch_size, pin_memory=True,
                                         num_workers=args.num_workers)
    # evaluate() and print_samples() read these module globals, which makemore's __main__ block would set
    mm.args, mm.model = args, model
    mm.train_dataset, mm.test_dataset = train_dataset, test_dataset

    best_loss = None
    step = 0
    while True:
        t0 = time.time()
        batch = batch_loader.next()
        batch = [t.to(args.device) for t in batch]
        X, Y = batch
        logits, loss = model(X, Y)
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        t1 = time.time()
        if step % 10 == 0:
            print(f"step {step} | loss {loss.item():.4f} | step time {(t1-t0)*1000:.2f}ms")
        if step > 0 and step % 500 == 0:
            train_loss = mm.evaluate(model, train_dataset, batch_size=100, max_batches=10)
            test_loss = mm.evaluate(model, test_dataset, batch_size=100, max_batches=10)
            print(f"step {step} train loss: {train_loss} test loss: {test_loss}")
            if best_loss is None or test_loss < best_loss:
                out_path = os.path.join(args.work_dir, "model.pt")
                print(f"test loss {test_loss} is the best so far, saving model to {out_path}")
                torch.save(model.state_dict(), out_path)
                best_loss = test_loss
        if step > 0 and step % 200 == 0:
            mm.print_samples(num=10)
        step += 1
        if args.max_steps >= 0 and step >= args.max_steps:
            break
    return model


def main(argv=None):
    a = parse_args(argv)
    try:
        import torch
    except ImportError:
        sys.exit(f"torch is not importable by {sys.executable}: use bench/.venv-torch/bin/python "
                 f"(bench/peer_env.sh) or /usr/bin/python3 with Debian's python3-torch")
    stubbed = makemore_peer.install_tensorboard_stub()
    torch.set_num_threads(a.threads)
    mm = load_makemore(a.makemore)
    model_class = define_models(torch)[a.variant]

    tee = makemore_peer.Tee(echo=sys.stderr, progress=None if a.verbose else makemore_peer.EVAL_RE)
    old_stdout = sys.stdout
    sys.stdout = tee
    t0 = time.time()
    try:
        train(mm, torch, model_class, a.train)
    finally:
        sys.stdout = old_stdout
    wall = time.time() - t0
    summary = makemore_peer.summarize(tee.lines, a.warmup_steps, torch, {
        "side": "pytorch-lstm-peer",
        "model": "lstm",
        "variant": VARIANTS[a.variant],
        "type": "lstm",
        "workers": a.train.num_workers,
        "tensorboard_stubbed": stubbed,
        "wall_s": round(wall, 2),
        "makemore": os.path.abspath(a.makemore),
        "makemore_args": a.train_argv,
    })
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
