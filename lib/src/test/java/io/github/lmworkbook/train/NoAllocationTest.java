package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Vocabulary;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Optimizer steps, clipping and batch drawing allocate nothing per call (moment buffers are made once). */
class NoAllocationTest {
    static long allocated(Runnable r, int times) {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        var tb = (com.sun.management.ThreadMXBean) bean;
        for (int i = 0; i < 2000; i++) r.run(); // warm up
        long before = tb.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < times; i++) r.run();
        return tb.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void optimizerStepsClippingAndBatchesDoNotAllocate() {
        Random rng = new Random(1);
        Param W = new Param("W", Matrix.randn(20, 30, 1, rng)), b = new Param("b", Matrix.randn(1, 30, 1, rng));
        W.grad.setFrom(Matrix.randn(20, 30, 1e-3, rng));
        b.grad.setFrom(Matrix.randn(1, 30, 1e-3, rng));
        List<Param> params = List.of(W, b);
        Model m = () -> params;
        AdamW adamW = new AdamW(m, 1e-3);
        Sgd sgd = new Sgd(m, 1e-3, 0.9);
        NamesDataset ds = new NamesDataset(List.of("emma", "olivia", "ava"), Vocabulary.of(List.of("emma", "olivia", "ava")));
        Supplier<Batch> batches = ds.randomBatches(32, 1);
        int n = 5000;
        assertTrue(allocated(adamW::step, n) < 2000, "AdamW.step allocates");
        assertTrue(allocated(sgd::step, n) < 2000, "Sgd.step allocates");
        assertTrue(allocated(() -> GradClip.clipByGlobalNorm(m, 1e-6), n) < 2000, "clipping allocates");
        assertTrue(allocated(batches::get, n) < 2000, "randomBatches allocates");
    }
}
