package dev.mqat.quant;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A manager per test, a seeded RNG, and small helpers for quantizer tests. */
abstract class QuantTestBase {
    NDManager manager;
    Random rng;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
        rng = new Random(1234);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    float[] gaussian(int n, double sigma) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rng.nextGaussian() * sigma);
        }
        return w;
    }

    NDArray array(float[] values, Shape shape) {
        return manager.create(values, shape);
    }

    ParameterStore store() {
        return new ParameterStore(manager, false);
    }

    static GradientCollector collector() {
        return Engine.getInstance().newGradientCollector();
    }

    /** Distinct values, treating -0 and +0 as one. */
    static Set<Float> distinct(float[] values) {
        Set<Float> s = new HashSet<>();
        for (float v : values) {
            s.add(v == 0f ? 0f : v);
        }
        return s;
    }
}
