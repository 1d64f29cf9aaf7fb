"""Tests of bench/nanogpt_peer.py (without torch: its log parsing, the clone check, the scratch directory, bad
input) and bench/nanogpt_table.py (medians over rounds, ratios). Run: python3 -m unittest bench/test_nanogpt.py"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nanogpt_peer  # noqa: E402
import nanogpt_table  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))


def fake_clone(d):
    for f in nanogpt_peer.NEEDED:
        os.makedirs(os.path.join(d, os.path.dirname(f)), exist_ok=True)
        with open(os.path.join(d, f), "w") as out:
            out.write("# stand-in\n")


class PeerTest(unittest.TestCase):
    def test_parses_nanogpts_log_lines(self):
        lines = ["number of parameters: 0.80M", "step 0: train loss 4.1676, val loss 4.1649",
                 "iter 0: loss 4.1993, time 1234.56ms, mfu -100.00%", "iter 1: loss 3.9, time 70.10ms, mfu 0.01%",
                 "step 250: train loss 2.0, val loss 2.1", "unrelated"]
        iters, evals = nanogpt_peer.parse_log(lines)
        self.assertEqual([(0, 4.1993, 1234.56), (1, 3.9, 70.10)], iters)
        self.assertEqual([(0, 4.1676, 4.1649), (250, 2.0, 2.1)], evals)
        self.assertAlmostEqual(10.0, nanogpt_peer.cpu_ms_per_iter([(10, 1.0), (11, 1.01), (12, 1.02)], 10))
        self.assertIsNone(nanogpt_peer.cpu_ms_per_iter([(1, 1.0)], 0))

    def test_checks_the_clone_and_makes_a_scratch_directory(self):
        self.assertIn("no nanoGPT directory", nanogpt_peer.check_clone(None))
        with tempfile.TemporaryDirectory() as d:
            self.assertIn("train.py", nanogpt_peer.check_clone(d))
            fake_clone(d)
            self.assertIsNone(nanogpt_peer.check_clone(d))
            text = os.path.join(d, "t.txt")
            with open(text, "w") as f:
                f.write("hello")
            w = nanogpt_peer.make_workdir(d, text)
            try:
                self.assertTrue(os.path.islink(os.path.join(w, "train.py")))
                with open(os.path.join(w, "data", "shakespeare_char", "input.txt")) as f:
                    self.assertEqual("hello", f.read())
                self.assertFalse(os.path.exists(os.path.join(d, "data", "shakespeare_char", "input.txt")),
                                 "nothing is written into the clone")
            finally:
                import shutil
                shutil.rmtree(w)

    def test_writes_the_log_as_csv(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "log.csv")
            nanogpt_peer.write_csv(p, [(0, 4.2, 100.0)], [(0, 4.1, 4.0)])
            with open(p) as f:
                self.assertEqual(["kind,iter,loss,train_loss,val_loss,ms", "iter,0,4.2000,,,100.00",
                                  "eval,0,,4.1000,4.0000,"], f.read().splitlines())

    def run_peer(self, *args):
        return subprocess.run([sys.executable, os.path.join(BENCH, "nanogpt_peer.py"), *args], capture_output=True,
                              text=True, env={**os.environ, "NANOGPT": ""})

    def test_bad_input_is_one_line_and_exit_status_2(self):
        r = self.run_peer()
        self.assertEqual(2, r.returncode)
        self.assertEqual(1, len(r.stderr.strip().splitlines()), r.stderr)
        self.assertIn("no nanoGPT directory", r.stderr)
        with tempfile.TemporaryDirectory() as d:
            fake_clone(d)
            r = self.run_peer("--nanogpt", d, "--text", os.path.join(d, "missing.txt"))
            self.assertEqual(2, r.returncode)
            self.assertIn("tinyshakespeare.txt not found", r.stderr)
            text = os.path.join(d, "t.txt")
            open(text, "w").close()
            r = self.run_peer("--nanogpt", d, "--text", text, "--threads", "0")
            self.assertIn("--threads must be >= 1", r.stderr)
            r = self.run_peer("--nanogpt", d, "--text", text, "--", "max_iters=3")
            self.assertIn("must be --key=value", r.stderr)


class TableTest(unittest.TestCase):
    ROWS = [
        {"round": 1, "side": "lmworkbook-java", "dtype": "float32", "last_iter": 2000, "threads": 1,
         "median_iter_ms": 60.0, "median_iter_cpu_ms": 58.0, "last_val_loss": 1.89, "eval_iter": 2000,
         "kernel": "vector", "loadavg_before": 1.0, "loadavg_after": 1.5},
        {"round": 2, "side": "lmworkbook-java", "dtype": "float32", "last_iter": 2000, "threads": 1,
         "median_iter_ms": 64.0, "median_iter_cpu_ms": 62.0, "last_val_loss": 1.87, "eval_iter": 2000},
        {"round": 3, "side": "lmworkbook-java", "dtype": "float32", "last_iter": 2000, "threads": 1,
         "median_iter_ms": 70.0, "median_iter_cpu_ms": 60.0, "last_val_loss": 1.88, "eval_iter": 2000},
        {"round": 1, "side": "pytorch-nanogpt", "build": "pypi", "dtype": "float32", "last_iter": 2000, "threads": 1,
         "median_iter_ms": 80.0, "median_iter_cpu_ms": 75.0, "last_val_loss": 1.88, "eval_iter": 2000,
         "torch_version": "2.x", "blas": {"summary": "MKL"}, "loadavg": 2.0},
    ]

    def test_medians_over_rounds_and_ratios(self):
        s = nanogpt_table.summarize(self.ROWS)
        java = next(x for x in s if x["side"] == "library")
        self.assertEqual(3, java["rounds"])
        self.assertEqual(64.0, java["ms"])
        self.assertEqual(60.0, java["cpu_ms"])
        self.assertEqual(1.88, java["val"])
        out = nanogpt_table.table(s)
        self.assertIn("| float32 | pypi | 1 | 2000 | **0.80** | 0.80 | +0.0000 |", out)
        self.assertIn("MKL", out)

    def test_val_losses_of_different_iterations_are_not_compared(self):
        rows = [dict(r, last_iter=200, eval_iter=200 if r["side"] == "lmworkbook-java" else 0) for r in self.ROWS]
        out = nanogpt_table.table(nanogpt_table.summarize(rows))
        self.assertIn("| float32 | pypi | 1 | 200 | **0.80** | 0.80 | — |", out)

    def test_reads_files_and_refuses_bad_lines(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "r.jsonl")
            with open(p, "w") as f:
                f.write("== progress\n" + "\n".join(json.dumps(r) for r in self.ROWS) + "\n")
            self.assertEqual(4, len(nanogpt_table.load([p])))
            with open(p, "a") as f:
                f.write("{not json\n")
            with self.assertRaises(SystemExit):
                nanogpt_table.load([p])


if __name__ == "__main__":
    unittest.main()
