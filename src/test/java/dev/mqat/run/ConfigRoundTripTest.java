package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.MqatFormatException;
import dev.mqat.data.AugmentationConfig;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.Architecture;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.train.CropPhase;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.LossConfig;
import dev.mqat.train.OptimizerKind;
import dev.mqat.train.TrainConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record {@code config.json} holds comes back equal from {@link RunConfig#write} and {@link RunConfig#read}.
 *
 * <p>The configs are set to a value other than the default in every field (checked by reflection, so a new field
 * left at its default fails here), and the written JSON must name every record component: a field dropped from the
 * JSON, or one that is written but not read back, fails the round trip.
 */
class ConfigRoundTripTest {

    /** The shipped float model. */
    private static final Path SHIPPED = Path.of("models/wdr-cpu-synth");

    /** The config of the model shipped until 82044c5, written before crops, gradient clipping and the calibration split. */
    private static final Path BEFORE_CROPS = Path.of("src/test/resources/run/config-before-crops");

    /**
     * Fields a single config cannot set away from their default: exactly one training budget and one stage budget
     * is positive. {@link #everyBudgetRoundTrips} covers them.
     */
    private static final Set<String> ONE_OF_BUDGET = Set.of("train.steps", "quantization.stageEpochs");

    @Test
    void aQuantizedRunWithEveryFieldSetRoundTrips(@TempDir Path run) throws Exception {
        RunConfig config = quantizedRun(train().withBudget(0, 0, 123.5), 0, 7);
        assertEveryFieldDiffersFromItsDefault(config, "", ONE_OF_BUDGET);
        assertRoundTrip(config, run);
    }

    @Test
    void everyBudgetRoundTrips(@TempDir Path root) throws Exception {
        List<RunConfig> configs = List.of(quantizedRun(train().withBudget(3, 0, 0), 2, 0),
                quantizedRun(train().withBudget(0, 41, 0), 0, 9), floatRun(train().withBudget(0, 41, 0)));
        for (int i = 0; i < configs.size(); i++) {
            Path run = root.resolve("run" + i);
            Files.createDirectories(run);
            assertRoundTrip(configs.get(i), run);
        }
    }

    @Test
    void everyPlanFormRoundTripsAsItsLongText(@TempDir Path root) throws Exception {
        for (String text : List.of("8-2-8", "backbone=8,fpn=2,head=8", "fpn=4", "fp",
                "fpn=2,head=8,head.cls_tower.0=4,fpn.lateral.0=3")) {
            BitPlan plan = BitPlan.parse(text);
            List<String> flow = QuantizeSettings.plannedModules(plan).stream().map(m -> m.key()).toList();
            RunConfig config = floatRun(train()).withQuantization(new QuantizeSettings("runs/src",
                    "runs/src/checkpoints/best.ckpt", plan, flow, QuantizerKind.INQ, Granularity.PER_TENSOR, 1, 0, 0, 0));
            Path run = root.resolve("plan-" + text.replaceAll("[^a-z0-9]", "_"));
            Files.createDirectories(run);
            assertRoundTrip(config, run);
            String written = RunConfig.JSON.readTree(RunConfig.file(run).toFile()).get("quantization").get("plan")
                    .asText();
            assertThat(written).as("plan %s as written", text).isEqualTo(plan.text())
                    .isEqualTo(plan.isQuantized() ? plan.toString() : BitPlan.FULL_PRECISION);
        }
    }

    @Test
    void theShippedModelsConfigReadsWritesAndReadsBackEqual(@TempDir Path copy) throws Exception {
        RunConfig shipped = RunConfig.read(SHIPPED);
        assertThat(shipped.train().crops()).as("its last run's crop phases (models/wdr-cpu-synth/README.md)")
                .isEqualTo(CropPhase.parse("0"));
        assertThat(shipped.quantization()).isNull();
        assertReadsWritesAndReadsBackEqual(SHIPPED, shipped, copy);
    }

    @Test
    void aConfigWrittenBeforeCropsClippingAndTheCalibrationSplitReadsWithTheirOldBehaviour(@TempDir Path copy)
            throws Exception {
        RunConfig old = RunConfig.read(BEFORE_CROPS);
        assertThat(old.train().crops()).as("crops of a config written before they existed").isEmpty();
        assertThat(old.train().maxGradNorm()).as("clipping of a config written before it existed").isZero();
        assertThat(old.train().depthCalibrationSplit()).isEqualTo(DepthCalibrationSplit.TRAIN);
        assertThat(old.quantization()).isNull();
        assertReadsWritesAndReadsBackEqual(BEFORE_CROPS, old, copy);
    }

    /** {@code config} (read from {@code run}) round-trips, and the rewrite keeps every key, the network and the decoder. */
    private static void assertReadsWritesAndReadsBackEqual(Path run, RunConfig config, Path copy) throws Exception {
        assertRoundTrip(config, copy);
        JsonNode original = RunConfig.JSON.readTree(RunConfig.file(run).toFile());
        JsonNode rewritten = RunConfig.JSON.readTree(RunConfig.file(copy).toFile());
        original.fieldNames().forEachRemaining(key -> assertThat(rewritten.get(key)).as("key %s of %s", key, run)
                .isNotNull());
        assertThat(rewritten.get("model")).as("network shape of %s", run).isEqualTo(original.get("model"));
        assertThat(rewritten.get("decoder")).as("decoder of %s", run).isEqualTo(original.get("decoder"));
    }

    @Test
    void anUnknownSplitOrPlanInConfigJsonIsOneLineNamingTheFileAndTheValue(@TempDir Path root) throws Exception {
        RunConfig config = quantizedRun(train(), 0, 7);
        Path run = root.resolve("split");
        Files.createDirectories(run);
        ObjectNode json = RunConfig.JSON.valueToTree(config);
        ((ObjectNode) json.get("train")).put("depthCalibrationSplit", "test");
        Files.write(RunConfig.file(run), RunConfig.JSON.writeValueAsBytes(json));
        assertThatThrownBy(() -> RunConfig.read(run)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining(RunConfig.file(run).toString())
                .hasMessageContaining("train.depthCalibrationSplit: expected train or val, found 'test'")
                .hasMessageNotContaining("\n");

        Path planRun = root.resolve("plan");
        Files.createDirectories(planRun);
        json = RunConfig.JSON.valueToTree(config);
        ((ObjectNode) json.get("quantization")).put("plan", "backbone=9");
        Files.write(RunConfig.file(planRun), RunConfig.JSON.writeValueAsBytes(json));
        assertThatThrownBy(() -> RunConfig.read(planRun)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("bit plan bits for backbone must be in 1..8, found 9")
                .hasMessageNotContaining("\n");
    }

    /** Writes, reads back equal, and writes the same bytes again. */
    private static void assertRoundTrip(RunConfig config, Path run) throws Exception {
        config.write(run);
        byte[] first = Files.readAllBytes(RunConfig.file(run));
        assertEveryComponentIsInTheJson(RunConfig.JSON.readTree(first), config, "");
        RunConfig read = RunConfig.read(run);
        assertThat(read).as("config read back from %s", RunConfig.file(run)).isEqualTo(config);
        read.write(run);
        assertThat(new String(Files.readAllBytes(RunConfig.file(run)), java.nio.charset.StandardCharsets.UTF_8))
                .as("config.json written again from what was read").isEqualTo(new String(first,
                        java.nio.charset.StandardCharsets.UTF_8));
    }

    private static TrainConfig train() {
        return new TrainConfig(7, OptimizerKind.SGD, 0.0123, 3, 10, 0, 0, 99,
                new AugmentationConfig(false, 0.2, 0.7, 1.5, 90), 3, 17, 5, 77, "runs/a/checkpoints/best.ckpt",
                List.of(new CropPhase(64, 0.5), new CropPhase(96, 1.0)), 2.5, DepthCalibrationSplit.VAL);
    }

    private static RunConfig floatRun(TrainConfig train) {
        ModelConfig model = new ModelConfig(Architecture.WDR_DARKNET53, 256, 0.5, 2.0, 2, new int[] {8, 16, 32, 64},
                new double[] {12, 24, 48, 96});
        List<RunObject> objects = List.of(
                new RunObject(3, 101.5, new double[][] {{-1, -2, -3}, {1, 2, 3.25}}),
                new RunObject(7, 55.0, new double[][] {{0.5, 0, 0}, {0, 0.5, -7}}));
        return new RunConfig(List.of("mqat", "train", "--seed", "99"), "data/elsewhere", objects, model, train,
                new LossConfig(5, 0.5, 1.5, 0.3, 0.8, 1.2, 0.01),
                new DecoderConfig(0.4, 6, 0.7, 2, 48, List.of(1.2, 2.5)), new PnpConfig(3.0, 200, false, 7), 11, DeviceChoice.CPU,
                Map.of("java", "17", "seed", "99"));
    }

    private static RunConfig quantizedRun(TrainConfig train, int stageEpochs, long stageSteps) {
        QuantizeSettings q = new QuantizeSettings("runs/src", "runs/src/checkpoints/best.ckpt",
                BitPlan.parse("backbone=8,fpn=4,head.cls_tower.0=3"), List.of("head", "fpn", "backbone"),
                QuantizerKind.LSQ, Granularity.PER_CHANNEL, stageEpochs, stageSteps, 6, 13);
        return floatRun(train).withQuantization(q);
    }

    /**
     * Every component of {@code value}, in nested records too, differs from the same component of its record's
     * {@code defaults()}, or for a record without one, from null, zero, false and empty.
     */
    private static void assertEveryFieldDiffersFromItsDefault(Record value, String path, Set<String> exempt)
            throws Exception {
        Record defaults = defaultsOf(value.getClass());
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            String key = path.isEmpty() ? c.getName() : path + "." + c.getName();
            Object v = c.getAccessor().invoke(value);
            if (!exempt.contains(key)) {
                if (defaults != null) {
                    assertThat(Objects.deepEquals(v, c.getAccessor().invoke(defaults)))
                            .as("%s is %s, its default; set it to something else", key, v).isFalse();
                } else {
                    assertThat(isZero(v)).as("%s is %s; set it to something that is not a default", key, v).isFalse();
                }
            }
            if (v instanceof Record r) {
                assertEveryFieldDiffersFromItsDefault(r, key, exempt);
            } else if (v instanceof Collection<?> list) {
                for (Object e : list) {
                    if (e instanceof Record r) {
                        assertEveryFieldDiffersFromItsDefault(r, key + "[]", exempt);
                    }
                }
            }
        }
    }

    private static Record defaultsOf(Class<?> type) throws Exception {
        try {
            Method m = type.getMethod("defaults");
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type ? (Record) m.invoke(null) : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static boolean isZero(Object v) {
        return v == null || v.equals(0) || v.equals(0L) || v.equals(0.0) || Boolean.FALSE.equals(v)
                || v instanceof Collection<?> c && c.isEmpty() || v instanceof Map<?, ?> m && m.isEmpty()
                || v instanceof String s && s.isEmpty();
    }

    /**
     * The JSON of {@code value} has a key for every record component that is not null, in nested records and lists
     * of them too.
     */
    private static void assertEveryComponentIsInTheJson(JsonNode json, Object value, String path) throws Exception {
        if (!(value instanceof Record r) || json.isTextual()) {
            return; // a value type written as text (BitPlan) or a leaf
        }
        List<String> missing = new ArrayList<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            String key = path.isEmpty() ? c.getName() : path + "." + c.getName();
            Object v = c.getAccessor().invoke(r);
            if (v == null) {
                continue; // RunConfig.JSON leaves null values out (a float run's quantization, initFrom)
            }
            if (!json.has(c.getName())) {
                missing.add(key);
                continue;
            }
            if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    assertEveryComponentIsInTheJson(json.get(c.getName()).get(i), list.get(i), key + "[" + i + "]");
                }
            } else {
                assertEveryComponentIsInTheJson(json.get(c.getName()), v, key);
            }
        }
        assertThat(missing).as("record components missing from the written config.json").isEmpty();
    }
}
