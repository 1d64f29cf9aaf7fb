"""Checks of bench/blas_reference.py that need neither numpy nor torch: the --serve protocol (driven with a
stand-in library), argument handling, the MKL_VERBOSE parsing and the fallback warnings for torch/MKL.

    python3 -m unittest bench/test_blas_reference.py        (from the repository root; standard library only)
"""
import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blas_reference as br  # noqa: E402  (imports neither numpy nor torch at module level)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "blas_reference.py")
HAS_TORCH = importlib.util.find_spec("torch") is not None

AVX2 = {"avx", "avx2", "fma"}
AVX512 = AVX2 | {"avx512f"}
BANNER = ("MKL_VERBOSE oneMKL 2024.0 Update 2 Product build 20240605 for Intel(R) 64 architecture %s, "
          "Lnx 2.45GHz lp64 gnu_thread")
AMD_PATH = "Intel(R) Architecture processors"
AVX2_PATH = "Intel(R) Advanced Vector Extensions 2 (Intel(R) AVX2) enabled processors"
AVX512_PATH = "Intel(R) Advanced Vector Extensions 512 (Intel(R) AVX-512) enabled processors"
SSE_PATH = "Intel(R) Streaming SIMD Extensions 4.2 (Intel(R) SSE4.2) enabled processors"


class FakeLib:
    """A stand-in for NumpyLib / TorchLib: 'products' that spin in pure Python, and a record of the operands."""
    label = "MKL"

    def __init__(self, warning=None):
        self.warning = warning
        self.prepared = []

    def describe(self):
        return "fake 1.0", "fake 1.0\twith a tab", self.warning

    def operands(self, m, k, n, kind):
        self.prepared.append((m, k, n, kind))
        return lambda: sum(range(m))


def converse(lib, *commands):
    out = io.StringIO()
    br.serve(lib, stdin=io.StringIO("".join(c + "\n" for c in commands)), stdout=out, warmup_seconds=0.001)
    return out.getvalue().splitlines()


class ServeTest(unittest.TestCase):
    def test_info_has_four_fields_on_one_line(self):
        [answer] = converse(FakeLib(), "info", "quit")
        self.assertEqual(answer.split("\t"), ["fake 1.0", "fake 1.0 with a tab", "", "MKL"])
        [answer] = converse(FakeLib(warning="a fallback"), "info")
        self.assertEqual(answer.split("\t")[2], "a fallback")

    def test_prep_then_batch_answer_seconds(self):
        lib = FakeLib()
        prep, batch = converse(lib, "prep 3 4 5 AtB", "batch 7", "quit", "batch 1")
        self.assertEqual(lib.prepared, [(3, 4, 5, "AtB")])
        self.assertGreater(float(prep), 0)
        wall, cpu = (float(v) for v in batch.split())
        self.assertGreaterEqual(wall, 0)
        self.assertGreaterEqual(cpu, 0)

    def test_bad_commands_are_one_error_line_each_and_the_server_stays_up(self):
        answers = converse(FakeLib(), "batch 3", "prep 3 4 AB", "prep 3 4 5 BA", "prep 0 4 5 AB", "prep a b c AB",
                           "frobnicate", "", "prep 2 2 2 AB", "batch 0", "batch x", "batch 2")
        self.assertEqual(len(answers), 10)
        for a in answers[:6] + answers[7:9]:
            self.assertTrue(a.startswith("error "), a)
        self.assertIn("batch before prep", answers[0])
        self.assertIn("prep M K N KIND", answers[1])
        self.assertIn("AB, AtB, ABt", answers[2])
        self.assertIn("positive", answers[3])
        self.assertIn("unknown command 'frobnicate'", answers[5])
        self.assertFalse(answers[6].startswith("error"))
        self.assertEqual(len(answers[9].split()), 2)

    def test_an_unavailable_library_answers_every_command_with_its_reason(self):
        answers = converse(br.Unavailable("torch is not installed for /x/python"), "info", "prep 2 2 2 AB",
                           "quit", "info")
        self.assertEqual(answers, ["error torch is not installed for /x/python"] * 2)

    @unittest.skipIf(HAS_TORCH, "this python has torch")
    def test_serve_without_torch_says_so_and_stays_up(self):
        p = subprocess.run([sys.executable, SCRIPT, "--serve", "--lib", "torch"], input="info\nbatch 1\nquit\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2, p.stdout)
        self.assertTrue(lines[0].startswith("error torch is not installed for "), lines[0])
        self.assertIn("bench/peer_env.sh", lines[0])
        self.assertEqual(p.stderr, "")


class ArgumentsTest(unittest.TestCase):
    def run_main(self, argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                rc = br.main(argv)
            except SystemExit as e:  # argparse's own errors
                rc = e.code
        return rc, err.getvalue()

    def test_parser(self):
        a = br.parser().parse_args(["--serve", "--lib", "torch"])
        self.assertTrue(a.serve)
        self.assertEqual(a.lib, "torch")
        a = br.parser().parse_args(["shapes.txt"])
        self.assertEqual((a.serve, a.lib, a.shapes_file), (False, "numpy", "shapes.txt"))

    def test_bad_arguments_exit_2(self):
        for argv in ([], ["--lib", "mkl", "--serve"], ["--serve", "shapes.txt"]):
            rc, err = self.run_main(argv)
            self.assertEqual(rc, 2, argv)
            self.assertIn("usage:", err)

    def test_a_bad_shapes_file_is_one_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("32,64,64\n\n32,64\n")
        try:
            rc, err = self.run_main(["--lib", "torch", f.name])
            self.assertEqual(rc, 2)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertIn("line 3: expected m,k,n", err)
            rc, err = self.run_main([f.name + ".missing"])
            self.assertEqual(rc, 2)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        finally:
            os.unlink(f.name)

    @unittest.skipIf(HAS_TORCH, "this python has torch")
    def test_csv_mode_without_torch_is_one_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("8,8,8\n")
        try:
            rc, err = self.run_main(["--lib", "torch", f.name])
            self.assertEqual(rc, 2)
            self.assertIn("torch is not installed for", err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        finally:
            os.unlink(f.name)


class MklVerboseTest(unittest.TestCase):
    def test_code_path_from_the_banner(self):
        self.assertEqual(br.mkl_code_path(BANNER % AMD_PATH + "\nMKL_VERBOSE DGEMM(N,N,8,...)\n"), AMD_PATH)
        self.assertEqual(br.mkl_code_path(BANNER % AVX2_PATH), AVX2_PATH)
        self.assertIsNone(br.mkl_code_path(""))

    def test_dgemm_flags(self):
        text = (BANNER % AMD_PATH + "\nMKL_VERBOSE DGEMM(N,T,27,32,64,0x7ffd,0x55f6,27,0x55f6,32,0x7ffd,0x55f6,27)"
                " 39.03us CNR:OFF Dyn:0 FastMM:1 TID:0  NThr:1\n")
        self.assertEqual(br.dgemm_flags(text), ["N,T"])
        self.assertEqual(br.dgemm_flags(""), [])
        # a transpose passed as a flag, not copied: A^T.B is DGEMM(N,T) on the column-major side
        self.assertEqual(br.MKL_FLAGS, {"AB": "N,N", "AtB": "N,T", "ABt": "T,N"})


class TorchWarningTest(unittest.TestCase):
    def test_fitting_set_ups_give_no_warning(self):
        self.assertIsNone(br.torch_warning("AVX2", "mkl", AMD_PATH, AVX2))
        self.assertIsNone(br.torch_warning("AVX2", "mkl", AVX2_PATH, AVX2))
        self.assertIsNone(br.torch_warning("AVX512", "mkl", AVX512_PATH, AVX512))
        self.assertIsNone(br.torch_warning("DEFAULT", "mkl", SSE_PATH, {"sse2"}))  # nothing better exists

    def test_generic_fallbacks_are_named(self):
        self.assertIn("CPU capability is DEFAULT", br.torch_warning("DEFAULT", "mkl", AVX2_PATH, AVX2))
        self.assertIn("SSE code path", br.torch_warning("AVX2", "mkl", SSE_PATH, AVX2))
        self.assertIn("AVX2 code path on a CPU with AVX-512F", br.torch_warning("AVX512", "mkl", AVX2_PATH, AVX512))
        w = br.torch_warning("AVX2", "generic", None, AVX2)
        self.assertIn("not MKL", w)
        both = br.torch_warning("DEFAULT", "mkl", SSE_PATH, AVX2)
        self.assertIn("; ", both)
        self.assertNotIn("\n", both)


if __name__ == "__main__":
    unittest.main()
