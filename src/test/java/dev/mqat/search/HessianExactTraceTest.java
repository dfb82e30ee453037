package dev.mqat.search;

import ai.djl.ndarray.NDManager;
import dev.mqat.data.Batch;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.train.LossConfig;
import dev.mqat.train.PoseObjective;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HessianExactTraceTest {

    @Test
    void explore() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25);
            List<InputImage> images = HessianTraceTest.images(16, 64, 5);
            PoseNet net = HessianTraceTest.network(manager, config, images, true);
            Batch batch = new Batch(0, 0, BatchLoader.normalize(images), images);
            PoseObjective objective = new PoseObjective(config, LossConfig.defaults(), 11);
            List<PoseConv2d> layers = net.layers();
            for (PoseConv2d l : layers) {
                System.out.println(l.name() + " " + l.weightCount() + " " + l.weightShape());
            }
            CurvatureProbe probe = new CurvatureProbe(net, manager, objective);
            float[][] v = HessianTrace.rademacher(layers, new SplittableRandom(1));
            probe.curvatures(batch, v);
            HessianTraceTest.centralDifferences(manager, net, batch, objective, v, HessianTraceTest.STEP);
            long t0 = System.nanoTime();
            for (int k = 0; k < 20; k++) {
                probe.curvatures(batch, v);
            }
            long t1 = System.nanoTime();
            for (int k = 0; k < 10; k++) {
                HessianTraceTest.centralDifferences(manager, net, batch, objective, v, HessianTraceTest.STEP);
            }
            long t2 = System.nanoTime();
            System.out.printf("probe %.1f ms, differences %.1f ms%n", (t1 - t0) / 20e6, (t2 - t1) / 10e6);
        }
    }
}
