package io.github.lmworkbook.cli;

import io.github.lmworkbook.evidence.Evidence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.lmworkbook.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.*;

/** {@code evidence}: list, an outsider's re-run of part of an experiment at another seed, show and check. */
class EvidenceCommandTest {

    @Test
    void anOutsiderReRunsPartOfAnExperimentAtANewSeedAndChecksTheClaims(@TempDir Path dir) throws Exception {
        MainTest.Run list = capture(() -> Main.run("evidence", "list"));
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("lm-names") && list.out().contains("counting"), list.out());

        Path d = dir.resolve("mine");
        MainTest.Run run = capture(() -> Main.run("evidence", "run", "counting", "--where",
                "cell=LSTM,nTrain=10,lr=1e-2", "--seeds", "9", "--scales", "1", "--dir", d.toString(), "--jobs", "1"));
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("[counting 1/1] LSTM, 10, 1e-2 · 1× · seed 9"), run.out());
        Evidence ev = Evidence.load(d, "counting");
        assertEquals(1, ev.conditions().size());
        assertArrayEquals(new long[] {9}, ev.seeds());
        assertTrue(Files.isRegularFile(d.resolve("counting.json")) && Files.isRegularFile(d.resolve("counting.cpu.csv")));

        MainTest.Run again = capture(() -> Main.run("evidence", "run", "counting", "--where",
                "cell=LSTM,nTrain=10,lr=1e-2", "--seeds", "9", "--scales", "1", "--dir", d.toString()));
        assertEquals(0, again.code());
        assertTrue(again.out().contains("0 of 1 runs to go (1 done)"), again.out());

        MainTest.Run show = capture(() -> Main.run("evidence", "show", "counting", "counter R²", "--dir", d.toString()));
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("LSTM") && show.out().contains("1×: counter R²"), show.out());

        MainTest.Run check = capture(() -> Main.run("evidence", "check", "--dir", d.toString()));
        assertTrue(check.code() == 0 || check.code() == 1, check.err());
        assertTrue(check.out().contains("claims hold against"), check.out());
        assertTrue(check.out().contains("CANNOT CHECK [06.counting.accepts]")                   // needs the GRU's runs
                && check.out().contains("could not be checked: their runs are missing"), check.out());
    }

    @Test
    void badRequestsAreOneLineWithExitCode2(@TempDir Path dir) throws Exception {
        String[][] bad = {
            {"evidence", "run", "nosuch"},
            {"evidence", "run"},
            {"evidence", "run", "--all", "counting"},
            {"evidence", "run", "counting", "--seeds", "7,8"},
            {"evidence", "run", "counting", "--seeds", "7,7", "--dir", dir.toString()},
            {"evidence", "run", "counting", "--jobs", "0"},
            {"evidence", "run", "counting", "--where", "cell=CNN", "--dir", dir.toString()},
            {"evidence", "run", "counting", "--where", "cell", "--dir", dir.toString()},
            {"evidence", "check", "no.such-claim", "--dir", dir.toString()},
            {"evidence", "show", "nosuch", "--dir", dir.toString()},
        };
        for (String[] args : bad) {
            MainTest.Run r = capture(() -> Main.run(args));
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("lmworkbook evidence"), r.err());
        }
    }
}
