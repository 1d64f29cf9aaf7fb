"""Checks of the peer runner that need no torch: argument handling, the harness command lines, the JSON join
and the table, and the OpenBLAS fallback check.

    python3 -m unittest bench/test_peers.py        (from the repository root; standard library only)
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_info  # noqa: E402
import peers  # noqa: E402
import makemore_peer  # noqa: E402  (stdlib only at import time)


def peer_line(model, ms, label="pypi", variant="makemore", loss=2.1, torch="2.15.0", **kw):
    d = {"side": "pytorch-makemore", "model": model, "variant": variant, "median_step_ms": ms,
         "last_test_loss": loss, "eval_step": 3000, "torch_version": torch, "threads": 2, "dtype": "float32",
         "workers": 4, "python_label": label, "blas": {"summary": "MKL 2024.2", "loaded_libs": []}}
    d.update(kw)
    return d


def run_main(argv, stdin=""):
    """peers.main(argv) -> (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = peers.main(argv)
            except SystemExit as e:  # argparse's own errors
                rc = e.code
    finally:
        sys.stdin = old_stdin
    return rc, out.getvalue(), err.getvalue()


class ModelsTest(unittest.TestCase):
    def test_default_is_every_model(self):
        self.assertEqual(peers.expand_models([]), list(peers.MODELS))

    def test_lstm_alias_gives_both_variants_once(self):
        self.assertEqual(peers.expand_models(["lstm", "lstm-nn", "MLP"]), ["lstm-cell", "lstm-nn", "mlp"])

    def test_unknown_model_is_one_clear_line(self):
        with self.assertRaises(peers.UsageError) as c:
            peers.expand_models(["mlp", "lsmt"])
        self.assertIn("unknown model 'lsmt'", str(c.exception))
        self.assertIn("transformer", str(c.exception))


class RunArgumentsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.makemore = os.path.join(d, "makemore.py")
        self.names = os.path.join(d, "names.txt")
        self.python = os.path.join(d, "python")
        for p, text in ((self.makemore, "# stand-in\n"), (self.names, "emma\nolivia\n"), (self.python, "")):
            with open(p, "w") as f:
                f.write(text)

    def tearDown(self):
        self.dir.cleanup()

    def args(self, *extra):
        return peers.parser().parse_args(["run", "--makemore", self.makemore, "-i", self.names,
                                          "--python", self.python] + list(extra))

    def test_valid_arguments(self):
        models, label, python, makemore, names = peers.check_run_args(self.args("rnn", "lstm"))
        self.assertEqual(models, ["rnn", "lstm-cell", "lstm-nn"])
        self.assertEqual((python, makemore, names), (self.python, self.makemore, self.names))

    def test_each_bad_input_names_its_problem(self):
        cases = [
            (["--steps", "0"], "--steps must be >= 1"),
            (["--threads", "0"], "--threads must be >= 1"),
            (["--workers", "-1"], "--workers must be >= 0"),
            (["--warmup-steps", "-5"], "--warmup-steps must be >= 0"),
            (["bogus"], "unknown model 'bogus'"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                with self.assertRaises(peers.UsageError) as c:
                    peers.check_run_args(self.args(*extra))
                self.assertIn(message, str(c.exception))

    def test_missing_makemore(self):
        a = self.args()
        a.makemore = os.path.join(self.dir.name, "nope", "makemore.py")
        with self.assertRaisesRegex(peers.UsageError, "makemore.py not found at .*nope"):
            peers.check_run_args(a)
        a.makemore = None
        with self.assertRaisesRegex(peers.UsageError, "set MAKEMORE or pass --makemore"):
            peers.check_run_args(a)

    def test_missing_names(self):
        a = self.args()
        a.input = os.path.join(self.dir.name, "missing.txt")
        with self.assertRaisesRegex(peers.UsageError, "names.txt not found"):
            peers.check_run_args(a)

    def test_missing_venv_says_how_to_make_it(self):
        fake = {"pypi": os.path.join(self.dir.name, ".venv-torch", "bin", "python"), "debian": self.python}
        with self.assertRaisesRegex(peers.UsageError, r"no pypi python at .*\.venv-torch.*run bench/peer_env\.sh"):
            peers.resolve_python("pypi", fake)
        self.assertEqual(peers.resolve_python("debian", fake), ("debian", self.python))
        with self.assertRaisesRegex(peers.UsageError, "python '/no/such/python' not found"):
            peers.resolve_python("/no/such/python", fake)

    def test_main_reports_bad_input_on_one_line_with_status_2(self):
        rc, out, err = run_main(["run", "--makemore", "/no/such/makemore.py", "-i", self.names, "mlp"])
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertEqual(len(err.strip().splitlines()), 1)
        self.assertTrue(err.startswith("peers.py: makemore.py not found"))

    def test_makemore_command_line(self):
        a = self.args("--steps", "3001", "--threads", "2", "--workers", "0")
        cmd = peers.harness_command("gru", self.python, self.makemore, self.names, "/tmp/w", a)
        self.assertEqual(cmd[:2], [self.python, os.path.join(peers.BENCH, "makemore_peer.py")])
        rest = cmd[cmd.index("--") + 1:]
        self.assertEqual(rest[:4], ["--type", "gru", "--max-steps", "3001"])
        self.assertEqual(rest[rest.index("--num-workers") + 1], "0")
        self.assertEqual(cmd[cmd.index("--threads") + 1], "2")
        self.assertNotIn("--seed", cmd)  # makemore's own default seed unless one is given

    def test_lstm_command_line(self):
        a = self.args("--seed", "7")
        cmd = peers.harness_command("lstm-nn", self.python, self.makemore, self.names, "/tmp/w", a)
        self.assertEqual(os.path.basename(cmd[1]), "lstm_peer.py")
        head, rest = cmd[:cmd.index("--")], cmd[cmd.index("--") + 1:]
        self.assertEqual(head[head.index("--variant") + 1], "nn")
        self.assertNotIn("--type", rest)
        self.assertEqual(rest[rest.index("--seed") + 1], "7")
        self.assertNotIn("--num-workers", rest)  # makemore's default 4 workers


class JoinTest(unittest.TestCase):
    def test_last_json_line_skips_logs_and_broken_lines(self):
        text = 'step 0 | loss 3.3\n{"a": 1}\n{broken\nnot json\n'
        self.assertEqual(peers.last_json_line(text), {"a": 1})
        self.assertIsNone(peers.last_json_line("no json here\n"))

    def test_fastest_variant_represents_a_model_per_torch_build(self):
        recs = [peer_line("lstm", 30.0, variant="LSTMCell (makemore style)"),
                peer_line("lstm", 12.0, variant="nn.LSTM"),
                peer_line("lstm", 20.0, label="debian", variant="nn.LSTM", torch="1.13.0a0"),
                peer_line("lstm", 15.0, label="debian", variant="LSTMCell (makemore style)", torch="1.13.0a0")]
        rows = peers.join_rows(recs)
        self.assertEqual([(r["peer"]["python_label"], r["peer"]["variant"]) for r in rows],
                         [("pypi", "nn.LSTM"), ("debian", "LSTMCell (makemore style)")])
        self.assertEqual(len(peers.join_rows(recs, all_variants=True)), 4)

    def test_java_line_joins_by_model_and_gives_the_ratio(self):
        java = {"side": "lmworkbook-java", "model": "mlp", "median_step_ms": 5.0, "last_test_loss": 2.13,
                "dtype": "float64", "cores": 2}
        recs = [peer_line("rnn", 7.0), peer_line("mlp", 10.0), java]
        rows = peers.join_rows(recs)
        self.assertEqual([r["model"] for r in rows], ["mlp", "rnn"])  # the workbook's order, not input order
        cells = dict(zip(peers.COLUMNS, peers.row_cells(rows[0])))
        self.assertEqual(cells["Java/torch"], "0.50")
        self.assertEqual(cells["Java ms/step"], "5.00")
        self.assertEqual(cells["test loss Java"], "2.1300")
        self.assertEqual(cells["test loss torch"], "2.1000 @3000")
        self.assertEqual(cells["dtype torch / Java"], "float32 / float64")
        self.assertEqual(cells["load avg"], "— → —")
        loaded = peers.join_rows([peer_line("mlp", 10.0, loadavg_before=1.234, loadavg_after=2.0)])
        self.assertEqual(dict(zip(peers.COLUMNS, peers.row_cells(loaded[0])))["load avg"], "1.2 → 2.0")
        rnn = dict(zip(peers.COLUMNS, peers.row_cells(rows[1])))
        self.assertEqual((rnn["Java ms/step"], rnn["Java/torch"]), ("—", "—"))

    def test_a_java_only_model_still_gets_a_row(self):
        rows = peers.join_rows([{"side": "lmworkbook-java", "model": "lstm", "median_step_ms": 3.0}])
        self.assertEqual(len(rows), 1)
        cells = dict(zip(peers.COLUMNS, peers.row_cells(rows[0])))
        self.assertEqual((cells["Java ms/step"], cells["torch ms/step"]), ("3.00", "—"))

    def test_missing_numbers_do_not_break_the_table(self):
        rows = peers.join_rows([peer_line("gru", None, loss=None)])
        table = peers.render_table(rows)
        self.assertEqual(len(table.splitlines()), 3)
        self.assertIn("| gru", table)

    def test_table_command_reads_mixed_output(self):
        text = "== building\n" + json.dumps(peer_line("mlp", 10.0)) + "\nlog line\n"
        rc, out, err = run_main(["table"], stdin=text)
        self.assertEqual(rc, 0, err)
        lines = out.strip().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("| model"))
        self.assertEqual(len({len(l) for l in lines}), 1)  # aligned columns

    def test_table_without_json_is_one_clear_line(self):
        rc, out, err = run_main(["table"], stdin="nothing here\n")
        self.assertEqual(rc, 2)
        self.assertIn("no JSON lines", err)

    def test_rounds_are_merged_into_medians(self):
        recs = [peer_line("rnn", ms, round=r) for r, ms in ((1, 10.0), (2, 30.0), (3, 12.0))]
        recs += [{"side": "lmworkbook-java", "model": "rnn", "median_step_ms": ms, "median_step_cpu_ms": ms - 1,
                  "round": r} for r, ms in ((1, 5.0), (2, 4.0), (3, 9.0))]
        rows = peers.join_rows(recs)
        self.assertEqual(len(rows), 1)
        cells = dict(zip(peers.COLUMNS, peers.row_cells(rows[0])))
        self.assertEqual((cells["torch ms/step"], cells["Java ms/step"], cells["Java/torch"]), ("12.00", "5.00", "0.42"))
        self.assertEqual(cells["CPU ms torch / Java"], "— / 4.00")
        self.assertEqual(cells["rounds"], "3/3")

    def test_each_java_variant_of_a_model_gets_its_row_beside_the_same_peer(self):
        recs = [peer_line("mlp", 10.0),
                {"side": "lmworkbook-java", "model": "mlp", "java_variant": "all positions", "median_step_ms": 9.0,
                 "median_step_cpu_ms": 8.0},
                {"side": "lmworkbook-java", "model": "mlp", "java_variant": "skip padding", "median_step_ms": 6.0}]
        rows = [dict(zip(peers.COLUMNS, peers.row_cells(r))) for r in peers.join_rows(recs)]
        self.assertEqual([(r["model"], r["Java/torch"]) for r in rows],
                         [("mlp (all positions)", "0.90"), ("mlp (skip padding)", "0.60")])


class CpuPerStepTest(unittest.TestCase):
    def test_median_of_the_intervals_after_warm_up(self):
        marks = [(0, 0.0), (10, 0.5), (20, 0.6), (30, 0.8), (40, 1.1)]
        # intervals from step 10 on: 10, 20, 30 ms per step -> median 20
        self.assertAlmostEqual(makemore_peer.cpu_ms_per_step(marks, 10), 20.0)

    def test_none_without_two_lines_after_warm_up(self):
        self.assertIsNone(makemore_peer.cpu_ms_per_step([(0, 0.0), (10, 1.0)], 10))
        self.assertIsNone(makemore_peer.cpu_ms_per_step([], 0))

    def test_the_tee_marks_step_lines_only(self):
        tee = makemore_peer.Tee()
        tee.write("model #params: 5\nstep 0 | loss 3.3 | step time 12.5ms\nstep 10 | loss 3.")
        tee.write("1 | step time 11.0ms\nstep 500 train loss: 2.1 test loss: 2.2\n")
        self.assertEqual([s for s, _ in tee.cpu_marks], [0, 10])


class OpenBlasCoreTest(unittest.TestCase):
    def test_fallback_cores_are_flagged(self):
        avx2 = {"avx", "avx2", "fma"}
        avx512 = avx2 | {"avx512f"}
        self.assertIsNone(peer_info.openblas_core_warning("Zen", avx2))
        self.assertIsNone(peer_info.openblas_core_warning("Haswell", avx2))
        self.assertIsNone(peer_info.openblas_core_warning("SkylakeX", avx512))
        self.assertIn("Prescott", peer_info.openblas_core_warning("Prescott", avx2))
        self.assertIn("AVX-512", peer_info.openblas_core_warning("Haswell", avx512))
        self.assertIsNone(peer_info.openblas_core_warning("Prescott", {"sse2"}))  # nothing better exists

    def test_blas_summary(self):
        d = {"build_blas_info": "generic", "openblas": [{"version": "0.3.21", "architecture": "Zen"}]}
        self.assertEqual(peer_info.blas_summary(d), "libblas.so.3 -> OpenBLAS 0.3.21 (Zen)")
        d = {"build_blas_info": "mkl", "mkl_version": "2024.2-Product Build 20240605", "openblas": []}
        self.assertEqual(peer_info.blas_summary(d), "MKL 2024.2")
        d["openblas"] = [{"version": "0.3.31", "architecture": "Haswell"}]
        self.assertEqual(peer_info.blas_summary(d), "MKL 2024.2 (numpy: OpenBLAS 0.3.31 (Haswell))")
        self.assertEqual(peer_info.blas_summary({}), "unknown")

    def test_cpuinfo_parsing(self):
        with tempfile.NamedTemporaryFile("w", suffix="cpuinfo", delete=False) as f:
            f.write("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx avx2 fma\n\nprocessor\t: 1\n")
        try:
            self.assertEqual(peer_info.cpu_model_and_flags(f.name), ("AMD EPYC", {"fpu", "avx", "avx2", "fma"}))
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
