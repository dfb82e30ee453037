package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("benchmark")
class ForwardProbeBenchmark {
    @Test
    void probe() {
        try (NDManager m = NDManager.newBaseManager()) {
            PoseNet net = PoseNet.create(ModelConfig.defaults(), m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(4, 3, 128, 128));
            for (int i = 0; i < 6; i++) {
                try (NDScope s = new NDScope()) {
                    long t0 = System.nanoTime();
                    NDList c = net.backbone().forward(ps, new NDList(x), false);
                    c.get(2).getFloat(0, 0, 0, 0);
                    long t1 = System.nanoTime();
                    NDList p = net.fpn().forward(ps, c, false);
                    p.get(2).getFloat(0, 0, 0, 0);
                    long t2 = System.nanoTime();
                    NDList h = net.head().forward(ps, p, false);
                    h.get(2).getFloat(0, 0, 0, 0);
                    long t3 = System.nanoTime();
                    NDArray conv = net.layer("backbone.stage.3.down").forward(ps, new NDList(m.randomNormal(new Shape(4, 128, 8, 8))), false).singletonOrThrow();
                    conv.getFloat(0, 0, 0, 0);
                    long t4 = System.nanoTime();
                    System.out.printf("backbone %.1f ms, fpn %.1f, head %.1f, one conv %.1f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                            (t3 - t2) / 1e6, (t4 - t3) / 1e6);
                }
            }
        }
    }
}
