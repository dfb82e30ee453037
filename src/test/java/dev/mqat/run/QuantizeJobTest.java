package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.QuantSetup;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.quant.UniformWeightQuantizer;
import dev.mqat.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QuantizeJob} on a tiny synthetic dataset and a tiny trained float run: stage order, weights on the grid,
 * INQ freezing, reproducible evaluation of the quantized run, and resume.
 */
class QuantizeJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FLOW = List.of("fpn", "head", "backbone");

    @TempDir
    static Path root;
    static Path floatRun;
    /** INQ, 8-2-8, flow fpn -> head -> backbone, 4 steps per stage. */
    static Path flowRun;

    @BeforeAll
    static void quantizeOnce() {
        floatRun = QuantizeFixture.floatRun(root);
        flowRun = root.resolve("flow");
        QuantizeJob.run(config("8-2-8", FLOW, QuantizerKind.INQ, 4, 0), flowRun, false);
    }

    static RunConfig config(String plan, List<String> flow, QuantizerKind kind, long stageSteps, int actBits) {
        QuantizeSettings s = new QuantizeSettings(floatRun.toString(), RunEvaluation.bestCheckpoint(floatRun).toString(),
                BitPlan.parse(plan), flow, kind, Granularity.PER_TENSOR, 0, stageSteps, actBits, 2);
        return QuantizeJob.configFor(floatRun, null, s, null, null, null, List.of("mqat", "quantize"));
    }

    @Test
    void modulesAreQuantizedInFlowOrderAndEarlierOnesStayQuantized() {
        List<String> plans = List.of("fpn=2", "fpn=2,head=8", "backbone=8,fpn=2,head=8");
        for (int i = 0; i < FLOW.size(); i++) {
            Path ckpt = root.resolve("flow/stages/" + (i + 1) + "-" + FLOW.get(i) + "/stage.ckpt");
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                PoseNet net = QuantizedCheckpoints.load(ckpt, m);
                assertThat(Quantization.planOf(net).toString()).as("plan after stage %d", i + 1).isEqualTo(plans.get(i));
                for (PoseConv2d l : net.layers()) {
                    boolean done = FLOW.subList(0, i + 1).contains(l.module().key());
                    assertThat(Quantization.quantizerOf(l).isPresent()).as("%s quantized after stage %d", l.name(), i + 1)
                            .isEqualTo(done);
                }
            }
        }
        List<JsonNode> stages = events(flowRun, "stage");
        assertThat(stages).extracting(n -> n.get("modules").get(0).asText()).containsExactlyElementsOf(FLOW);
        assertThat(stages).extracting(n -> n.get("plan").asText()).containsExactlyElementsOf(plans);
        assertThat(stages).allSatisfy(n -> assertThat(n.get("val").get("overall").has("adi_01d")).isTrue());
        assertThat(events(flowRun, "quantize")).extracting(n -> n.get("stage").asInt()).containsExactly(1, 2, 3);
        assertThat(events(flowRun, "step")).isNotEmpty().allSatisfy(n -> assertThat(n.get("stage").asInt()).isBetween(1, 3));
        assertThat(events(flowRun, "end")).hasSize(1);
        assertThat(RunConfig.read(flowRun).quantization().flow()).isEqualTo(FLOW);
        assertThat(RunConfig.read(flowRun).train().steps()).isEqualTo(4);
    }

    @Test
    void aDepthCalibratedSourceIsRecalibratedAfterEachStage() throws IOException {
        // the fixture's float run has depth calibration off: its quantized run records no correction
        assertThat(RunConfig.read(flowRun).train().depthCalibrationImages()).isZero();
        assertThat(ModelCheckpoint.readHeader(RunEvaluation.bestCheckpoint(flowRun)).metadata())
                .doesNotContainKey(DepthCorrection.AT_1M_KEY);
        // the same run after 'mqat calibrate-depth': its checkpoint carries a correction
        Path calibrated = root.resolve("calibrated-float");
        Files.createDirectories(calibrated.resolve("checkpoints"));
        Files.copy(floatRun.resolve("config.json"), calibrated.resolve("config.json"));
        Map<String, String> meta = new LinkedHashMap<>(ModelCheckpoint.readHeader(RunEvaluation.bestCheckpoint(floatRun))
                .metadata());
        meta.putAll(new DepthCorrection(0.05, 0.01).toMetadata(40));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelCheckpoint.save(ModelCheckpoint.load(RunEvaluation.bestCheckpoint(floatRun), m),
                    RunEvaluation.bestCheckpoint(calibrated), meta);
        }
        QuantizeSettings s = new QuantizeSettings(calibrated.toString(), RunEvaluation.bestCheckpoint(calibrated).toString(),
                BitPlan.parse("head=8"), List.of("head"), QuantizerKind.LSQ, Granularity.PER_TENSOR, 0, 1, 0, 1);
        RunConfig cfg = QuantizeJob.configFor(calibrated, null, s, null, null, null, List.of("mqat", "quantize"));
        assertThat(cfg.train().depthCalibrationImages()).isEqualTo(TrainConfig.DEFAULT_DEPTH_CALIBRATION_IMAGES);
        Path qrun = root.resolve("calibrated-q");
        QuantizeJob.run(cfg, qrun, false);
        for (Path ckpt : List.of(qrun.resolve("stages/1-head/stage.ckpt"), RunEvaluation.bestCheckpoint(qrun))) {
            // refitted on the quantized network's own poses (the 8 training images), not copied from the source
            assertThat(ModelCheckpoint.readHeader(ckpt).metadata()).as("metadata of %s", ckpt)
                    .containsKeys(DepthCorrection.AT_1M_KEY, DepthCorrection.SLOPE_KEY)
                    .doesNotContainEntry(DepthCorrection.SAMPLES_KEY, "40");
        }
    }

    @Test
    void stagesTrainOnWholeImagesWhateverWindowsTheSourceRunUsed() throws IOException {
        Path windowed = root.resolve("windowed-float");
        Files.createDirectories(windowed);
        ObjectNode config = (ObjectNode) JSON.readTree(floatRun.resolve("config.json").toFile());
        ((ObjectNode) config.get("train")).set("crops", JSON.readTree("[{\"sidePx\": 32, \"until\": 1.0}]"));
        JSON.writeValue(windowed.resolve("config.json").toFile(), config);
        assertThat(RunConfig.read(windowed).train().crops()).hasSize(1);
        QuantizeSettings s = new QuantizeSettings(windowed.toString(), RunEvaluation.bestCheckpoint(floatRun).toString(),
                BitPlan.parse("head=8"), List.of("head"), QuantizerKind.LSQ, Granularity.PER_TENSOR, 0, 1, 0, 1);
        RunConfig cfg = QuantizeJob.configFor(windowed, null, s, null, null, null, List.of("mqat", "quantize"));
        assertThat(cfg.train().crops()).isEmpty();
    }

    @Test
    void afterEachStageEveryQuantizedLayerLiesOnItsGrid() {
        for (int i = 0; i < FLOW.size(); i++) {
            Path ckpt = root.resolve("flow/stages/" + (i + 1) + "-" + FLOW.get(i) + "/stage.ckpt");
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                PoseNet net = QuantizedCheckpoints.load(ckpt, m);
                int checked = assertOnGrid(net);
                assertThat(checked).isEqualTo(FLOW.subList(0, i + 1).stream()
                        .mapToInt(k -> net.layers(NetModule.fromKey(k)).size()).sum());
            }
        }
    }

    /** Checks every quantized layer's used weights are k*s with |k| within the level range; returns the count. */
    static int assertOnGrid(PoseNet net) {
        int n = 0;
        for (PoseConv2d l : net.layers()) {
            if (Quantization.quantizerOf(l).isEmpty()) {
                continue;
            }
            UniformWeightQuantizer q = Quantization.quantizerOf(l).get();
            int bits = q.spec().bits();
            float s = q.scales()[0];
            float[] w = used(l);
            for (int j = 0; j < w.length; j++) {
                long k = Math.round(w[j] / s);
                assertThat(Math.abs(k)).as("%s code of weight %d", l.name(), j).isLessThanOrEqualTo(Levels.maxCode(bits));
                assertThat(k * s).as("%s weight %d on the %d-bit grid of scale %s", l.name(), j, bits, s).isEqualTo(w[j]);
            }
            assertThat(Quantization.inspect(net).stream().filter(x -> x.name().equals(l.name())).findFirst().get())
                    .satisfies(x -> {
                        assertThat(x.distinctValues()).isLessThanOrEqualTo((1 << bits) - 1);
                        assertThat(x.fractionQuantized()).isEqualTo(1.0);
                    });
            n++;
        }
        return n;
    }

    /** The weight a conv uses in forward, -0 written as +0. */
    static float[] used(PoseConv2d l) {
        try (NDScope scope = new NDScope()) {
            NDArray w = l.weight().getArray();
            float[] v = l.effectiveWeight(new ParameterStore(w.getManager(), false), w.getDevice(), false).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] == 0f ? 0f : v[i];
            }
            return v;
        }
    }

    static Map<String, float[]> usedWeights(Path ckpt, NetModule module) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(ckpt, m);
            for (PoseConv2d l : net.layers(module)) {
                out.put(l.name(), used(l));
            }
        }
        return out;
    }

    @Test
    void inqFrozenWeightsStayBitIdenticalThroughLaterStagesWhileFloatModulesTrain() {
        Path s1 = root.resolve("flow/stages/1-fpn/stage.ckpt");
        Path s2 = root.resolve("flow/stages/2-head/stage.ckpt");
        Path s3 = root.resolve("flow/stages/3-backbone/stage.ckpt");
        Map<String, float[]> fpn1 = usedWeights(s1, NetModule.FPN);
        for (Path later : List.of(s2, s3)) {
            Map<String, float[]> fpn = usedWeights(later, NetModule.FPN);
            fpn1.forEach((name, w) -> assertThat(fpn.get(name)).as("%s in %s", name, later).containsExactly(w));
        }
        Map<String, float[]> head2 = usedWeights(s2, NetModule.HEAD);
        Map<String, float[]> head3 = usedWeights(s3, NetModule.HEAD);
        head2.forEach((name, w) -> assertThat(head3.get(name)).as("%s in stage 3", name).containsExactly(w));
        // the float backbone is fine-tuned with the rest in stage 2: its weights move
        Map<String, float[]> bb1 = usedWeights(s1, NetModule.BACKBONE);
        Map<String, float[]> bb2 = usedWeights(s2, NetModule.BACKBONE);
        assertThat(bb1.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(bb1.get(k), bb2.get(k))))
                .as("float backbone changed during stage 2").isTrue();
    }

    @Test
    void shortInqStageStillEndsFullyFrozenAndLogsTheDecision() {
        List<JsonNode> freezes = events(flowRun, "freeze");
        // 4 steps per stage: fractions at steps 0..3 are 0.2, 0.4, 0.8, 0.95, then 1.0 at the end of the stage
        List<JsonNode> stage1 = freezes.stream().filter(n -> n.get("stage").asInt() == 1).toList();
        assertThat(stage1).extracting(n -> n.get("fraction").asDouble()).containsExactly(0.2, 0.4, 0.8, 0.95, 1.0);
        assertThat(stage1.get(stage1.size() - 1).get("step").asLong()).isEqualTo(4);
    }

    @Test
    void evaluatingTheQuantizedRunReproducesTheMetricsItWrote() throws IOException {
        String written = Files.readString(flowRun.resolve("metrics-test.json"));
        byte[] csv = Files.readAllBytes(flowRun.resolve("predictions-test.csv"));
        RunEvaluation.Outcome again = RunEvaluation.evaluate(flowRun, null, "test");
        assertThat(again.result().toJson() + "\n").isEqualTo(written);
        // the time column differs between runs; the poses must not
        assertThat(withoutTime(Files.readAllBytes(again.predictionsCsv()))).isEqualTo(withoutTime(csv));
        JsonNode stage3 = events(flowRun, "stage").get(2).get("val");
        assertThat(JSON.readTree(RunEvaluation.evaluate(flowRun, null, "val").result().toJson())).isEqualTo(stage3);
        List<List<dev.mqat.eval.PosePredictor.Prediction>> p = RunEvaluation.predict(flowRun,
                List.of(firstTestImage()), 60, 60, 32, 32);
        assertThat(p).hasSize(1);
    }

    private static List<String> withoutTime(byte[] csv) {
        return new String(csv, java.nio.charset.StandardCharsets.UTF_8).lines()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    private static Path firstTestImage() throws IOException {
        try (var s = Files.walk(root.resolve("data/test"))) {
            return s.filter(f -> f.toString().endsWith(".png") && f.toString().contains("/rgb/")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void savedAndReloadedQuantizedNetworksGiveIdenticalOutputs(@TempDir Path dir) {
        for (QuantizerKind kind : QuantizerKind.values()) {
            for (int actBits : new int[] {0, 8}) {
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), m);
                    QuantizeSettings q = new QuantizeSettings("r", "c", BitPlan.parse("backbone=8,fpn=2,head=4"),
                            List.of(), kind, Granularity.PER_CHANNEL, 0, 1, actBits, 0);
                    StageQuantizers.attach(net, List.of(NetModule.values()), q.plan(), q);
                    for (NetModule mod : NetModule.values()) {
                        Quantization.freezeInq(net, mod, 0.6);
                    }
                    if (actBits > 0) {
                        forward(net, m, true); // a training forward sets the activation ranges
                    }
                    float[] before = forward(net, m);
                    Path f = dir.resolve(kind + "-" + actBits + ".ckpt");
                    QuantizedCheckpoints.save(net, f, actBits, Map.of());
                    try (NDManager m2 = NDManager.newBaseManager(Device.cpu())) {
                        PoseNet back = QuantizedCheckpoints.load(f, m2);
                        assertThat(QuantSetup.of(back)).isEqualTo(QuantSetup.of(net));
                        assertThat(forward(back, m2)).as("%s act %d", kind, actBits).containsExactly(before);
                    }
                }
            }
        }
    }

    private static float[] forward(PoseNet net, NDManager m) {
        return forward(net, m, false);
    }

    private static float[] forward(PoseNet net, NDManager m, boolean training) {
        float[] x = new float[3 * 64 * 64];
        Random r = new Random(11);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        try (NDScope scope = new NDScope()) {
            NDList out = net.forward(new ParameterStore(m, false),
                    new NDList(m.create(x, new ai.djl.ndarray.types.Shape(1, 3, 64, 64))), training);
            List<Float> all = new ArrayList<>();
            for (NDArray a : out) {
                for (float v : a.toFloatArray()) {
                    all.add(v);
                }
            }
            float[] v = new float[all.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = all.get(i);
            }
            return v;
        }
    }

    @Test
    void resumeAfterAnInterruptedStageGivesTheSameWeightsAsAnUninterruptedRun() {
        List<String> flow = List.of("head", "fpn");
        Path a = root.resolve("resume-a");
        Path b = root.resolve("resume-b");
        QuantizeJob.run(config("fpn=2,head=4", flow, QuantizerKind.INQ, 6, 0), a, false);
        assertThatThrownBy(() -> QuantizeJob.run(config("fpn=2,head=4", flow, QuantizerKind.INQ, 6, 0), b, false,
                (stage, step) -> {
                    if (stage == 1 && step == 3) {
                        throw new IllegalStateException("interrupted");
                    }
                })).hasMessage("interrupted");
        assertThat(Files.exists(b.resolve("stages/1-head/stage.ckpt"))).isTrue();
        assertThat(Files.exists(b.resolve("stages/2-fpn/stage.ckpt"))).isFalse();
        QuantizeJob.Result r = QuantizeJob.run(null, b, true);
        assertThat(r.stages()).extracting(QuantizeJob.StageResult::name).containsExactly("1-head", "2-fpn");
        assertThat(parameters(RunEvaluation.bestCheckpoint(b))).isEqualTo(parameters(RunEvaluation.bestCheckpoint(a)));
        assertThat(events(b, "stage")).extracting(n -> n.get("stage").asInt()).containsExactly(1, 2);
        assertThat(events(b, "quantize")).extracting(n -> n.get("stage").asInt()).containsExactly(1, 2);
    }

    /** All parameters of a checkpoint, by name, as lists (value equality). */
    static Map<String, List<Float>> parameters(Path ckpt) {
        Map<String, List<Float>> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(ckpt, m);
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                List<Float> v = new ArrayList<>();
                for (float x : e.getValue().getArray().toFloatArray()) {
                    v.add(x);
                }
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    @Test
    void uniformLsqWithActivationsQuantizesEveryModuleInOneStage() {
        Path u = root.resolve("uniform-lsq");
        QuantizeJob.Result r = QuantizeJob.run(config("8-8-8", List.of(), QuantizerKind.LSQ, 3, 8), u, false);
        assertThat(r.stages()).extracting(QuantizeJob.StageResult::name).containsExactly("1-backbone+fpn+head");
        assertThat(r.test()).isNotNull();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(u), m);
            assertThat(assertOnGrid(net)).isEqualTo(net.layers().size());
            assertThat(QuantSetup.of(net).orElseThrow().kind()).isEqualTo(QuantizerKind.LSQ);
        }
        QuantizedCheckpoints.Inspection in = QuantizedCheckpoints.inspect(u);
        assertThat(in.plan()).isEqualTo("backbone=8,fpn=8,head=8");
        assertThat(in.layers()).allSatisfy(l -> assertThat(l.bits()).isEqualTo(8));
        // eval loads the activation quantizers too (their state is in the checkpoint)
        assertThat(RunEvaluation.evaluate(u, null, "test").result().toJson()).isEqualTo(r.test().toJson());
    }

    @Test
    void flowMustListExactlyThePlannedModules() {
        assertThatThrownBy(() -> new QuantizeSettings("r", "c", BitPlan.parse("8-2-8"), List.of("fpn", "neck", "head"),
                QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 0, 0, 0)).hasMessageContaining("'neck'");
        assertThatThrownBy(() -> new QuantizeSettings("r", "c", BitPlan.parse("fpn=2"), List.of("fpn", "head"),
                QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 0, 0, 0)).hasMessageContaining("'head'")
                .hasMessageContaining("float");
        assertThatThrownBy(() -> new QuantizeSettings("r", "c", BitPlan.parse("8-2-8"), List.of("fpn", "head"),
                QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 0, 0, 0)).hasMessageContaining("misses backbone");
        assertThatThrownBy(() -> new QuantizeSettings("r", "c", BitPlan.parse("8-2-8"), List.of("fpn", "fpn", "head"),
                QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 0, 0, 0)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new QuantizeSettings("r", "c", BitPlan.parse("8-2-8"), List.of(),
                QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 5, 0, 0)).hasMessageContaining("exactly one stage budget");
        assertThat(new QuantizeSettings("r", "c", BitPlan.parse("fpn=2,head.cls_tower.0=4"), List.of(), QuantizerKind.INQ,
                Granularity.PER_TENSOR, 1, 0, 0, 0).stages()).containsExactly(List.of(NetModule.FPN, NetModule.HEAD));
    }

    @Test
    void floatRunConfigsStillReadAndQuantizedOnesRoundTrip() {
        RunConfig f = RunConfig.read(floatRun);
        assertThat(f.quantization()).isNull();
        RunConfig q = RunConfig.read(flowRun);
        assertThat(q.quantization().plan()).isEqualTo(BitPlan.of(8, 2, 8));
        assertThat(f.train().learningRate()).as("the fixture's own rate differs from the fine-tunes' default")
                .isNotEqualTo(QuantizeJob.DEFAULT_LEARNING_RATE);
        assertThat(q.train().learningRate()).isEqualTo(QuantizeJob.DEFAULT_LEARNING_RATE);
        assertThat(q.train().optimizer()).isEqualTo(f.train().optimizer());
        assertThat(q.model()).isEqualTo(f.model());
    }

    private static List<JsonNode> events(Path run, String event) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(run.resolve("log.jsonl"))) {
                JsonNode n = JSON.readTree(line);
                if (event.equals(n.path("event").asText())) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
