package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.TestFiles;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.QuantizeFixture;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import dev.mqat.search.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole baseline on a tiny dataset: its run folder, its decisions, and a resume that ends where a whole run ends. */
class LayerwiseMixedPrecisionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static Path floatRun;
    static Path out;
    static LayerwiseResult result;
    static final List<String> log = new ArrayList<>();

    /** 6x on the quarter-width 64 px network, two Hessian samples of 16 images, a 2-step fine-tune. */
    static LayerwiseSettings settings(Path folder) {
        return LayerwiseSettings.defaults(floatRun, folder, 6.0).withHessianSamples(2)
                .withBudget(SearchSettings.Budget.ofSteps(2)).withCheckpointEverySteps(1).withCommand(List.of("test"));
    }

    @BeforeAll
    static void runOnce() {
        floatRun = QuantizeFixture.floatRun(root, 32);
        out = root.resolve("hawq");
        result = LayerwiseMixedPrecision.run(settings(out), log::add);
    }

    @Test
    void theRunFolderIsAnLsqQuantizationThatEvalInspectAndSizeRead() throws IOException {
        RunConfig cfg = RunConfig.read(out);
        assertThat(cfg.quantization().plan()).isEqualTo(result.plan());
        assertThat(cfg.quantization().quantizer()).isEqualTo(QuantizerKind.LSQ);
        assertThat(cfg.quantization().flow()).as("every layer at once").isEmpty();
        assertThat(cfg.quantization().stageSteps()).isEqualTo(2);
        assertThat(cfg.train().seed()).isEqualTo(RunConfig.read(floatRun).train().seed());
        assertThat(Files.isRegularFile(out.resolve("predictions-test.csv"))).isTrue();
        assertThat(EvaluationResult.fromJson(Files.readString(out.resolve("metrics-test.json"))))
                .isEqualTo(result.test());
        assertThat(RunEvaluation.evaluate(out, null, "test").result()).as("eval reproduces the test metrics")
                .isEqualTo(result.test());
        assertThat(result.validation()).isNotNull();
        assertThat(result.folder()).isEqualTo(out.toAbsolutePath().normalize());

        QuantizedCheckpoints.Inspection inspection = QuantizedCheckpoints.inspect(out);
        assertThat(inspection.plan()).as("the network carries the plan").isEqualTo(result.plan().toString());
        assertThat(inspection.layers()).allMatch(l -> l.kind() == QuantizerKind.LSQ && l.bits() <= 8);
        assertThat(new HashSet<>(inspection.layers().stream().map(l -> l.bits()).toList()))
                .as("bits per layer differ").hasSizeGreaterThan(1);
        assertThat(Quantization.size(cfg.model(), BitPlan.parse(inspection.plan()), Granularity.PER_TENSOR))
                .isEqualTo(result.size());
        assertThat(result.size().compression()).isGreaterThanOrEqualTo(6.0);
    }

    @Test
    void layerwiseJsonHoldsTracesOmegaAtLsqsInitialStepAndTheChosenBits() throws IOException {
        LayerwiseMixedPrecision.Summary summary = LayerwiseMixedPrecision.readSummary(out);
        assertThat(summary.plan()).isEqualTo(result.plan().toString());
        assertThat(summary.sizeBytes()).isEqualTo(result.size().quantizedBytes());
        assertThat(summary.sizeBytes()).isLessThanOrEqualTo(summary.budgetBytes());
        assertThat(summary.budgetBytes()).isEqualTo((long) Math.floor(summary.fp32Bytes() / 6.0));
        assertThat(summary.solverState()).as("some layer has a positive trace").isIn("OPTIMAL", "DISTINCT");
        assertThat(summary.hessian().samples()).isEqualTo(2);
        assertThat(summary.hessian().batchSize()).as("16 training images").isEqualTo(16);
        assertThat(summary.valAdi01d()).isEqualTo(result.validation().overall().adi01d());
        JsonNode written = JSON.readTree(out.resolve(LayerwiseMixedPrecision.RESULT).toFile());
        assertThat(EvaluationResult.fromJson(written.get("test").toString())).isEqualTo(result.test());
        for (String key : List.of("layers", "omega_sum", "plan", "size_bytes", "budget_bytes", "compression",
                "solver", "solver_state", "hessian", "fine_tune")) {
            assertThat(written.has(key)).as(key).isTrue();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), manager);
            assertThat(summary.layers()).extracting(LayerwiseMixedPrecision.LayerRow::layer)
                    .containsExactlyElementsOf(net.layers().stream().map(PoseConv2d::name).toList());
            double omegaSum = 0;
            for (int i = 0; i < net.layers().size(); i++) {
                PoseConv2d layer = net.layers().get(i);
                LayerwiseMixedPrecision.LayerRow row = summary.layers().get(i);
                assertThat(row.omega()).containsOnlyKeys(2, 4, 8);
                assertThat(row.bits()).isEqualTo(result.plan().bitsFor(row.layer(), row.module()));
                assertThat(Double.isFinite(row.hessianTrace())).isTrue();
                // LSQ starts from the step 2 mean|w| / sqrt(Qp); Qp = 1 at 2 bits
                float[] w = layer.weight().getArray().toFloatArray();
                double meanAbs = 0;
                for (float x : w) {
                    meanAbs += Math.abs(x) / w.length;
                }
                double error = Levels.squaredError(w, new float[] {(float) (2 * meanAbs)}, 2);
                assertThat(row.squaredError().get(2)).as("error of %s at 2 bits", row.layer())
                        .isCloseTo(error, within(1e-5 * error));
                for (int b : List.of(2, 4, 8)) {
                    assertThat(row.omega().get(b)).as("Omega of %s at %d bits", row.layer(), b)
                            .isEqualTo(row.hessianTrace() / row.weightCount() * row.squaredError().get(b));
                }
                assertThat(row.curved()).isEqualTo(row.hessianTrace() > 0);
                omegaSum += row.curved() ? row.omega().get(row.bits()) : 0;
            }
            assertThat(summary.omegaSum()).isCloseTo(omegaSum, within(1e-9 * Math.abs(omegaSum)));
        }
        assertThat(log).anyMatch(l -> l.startsWith("layerwise: Hessian traces from 2 samples"))
                .anyMatch(l -> l.contains("plan " + result.plan()));
    }

    @Test
    void aResumedRunEndsWithTheSameDecisionsAndWeightsWithoutSamplingAgain() throws IOException {
        Path copy = root.resolve("hawq-resumed");
        TestFiles.copyTree(out, copy);
        // as if killed during the fine-tune's last step, after the Omega table was written
        Files.delete(copy.resolve("layerwise/qat/stages/1-backbone+fpn+head/stage.ckpt"));
        Files.delete(copy.resolve("layerwise/qat/checkpoints/best.ckpt"));
        Files.delete(copy.resolve("checkpoints/best.ckpt"));
        Files.delete(copy.resolve("config.json"));
        Files.delete(copy.resolve(LayerwiseMixedPrecision.RESULT));
        List<String> kept = Files.readAllLines(copy.resolve("layerwise/qat/log.jsonl")).stream()
                .filter(l -> !l.contains("\"event\":\"end\"")).toList();
        Files.write(copy.resolve("layerwise/qat/log.jsonl"), kept);
        List<String> resumedLog = new ArrayList<>();

        LayerwiseResult resumed = LayerwiseMixedPrecision.run(settings(copy).withResume(true), resumedLog::add);

        assertThat(resumedLog).noneMatch(l -> l.contains("Hessian traces of"));
        assertThat(resumed.plan()).isEqualTo(result.plan());
        assertThat(resumed.test()).isEqualTo(result.test());
        assertThat(Files.readAllBytes(copy.resolve("checkpoints/best.ckpt")))
                .isEqualTo(Files.readAllBytes(out.resolve("checkpoints/best.ckpt")));
        JsonNode a = JSON.readTree(out.resolve(LayerwiseMixedPrecision.RESULT).toFile());
        JsonNode b = JSON.readTree(copy.resolve(LayerwiseMixedPrecision.RESULT).toFile());
        assertThat(b).isEqualTo(a);
        // the allocation alone, on a finished run, reads everything back
        List<String> again = new ArrayList<>();
        assertThat(LayerwiseMixedPrecision.allocation(settings(copy).withResume(true), again::add).plan())
                .isEqualTo(result.plan());
        assertThat(again).noneMatch(l -> l.contains("Hessian traces of"));
    }

    @Test
    void aStartedFolderIsNeitherOverwrittenNorResumedWithOtherSettings() {
        assertThatThrownBy(() -> LayerwiseMixedPrecision.run(settings(out)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
        assertThatThrownBy(() -> LayerwiseMixedPrecision.run(settings(out).withSeed(99).withResume(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed").hasMessageContaining("99");
        assertThatThrownBy(() -> LayerwiseMixedPrecision.run(settings(root).withResume(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no started layer-wise run");
        assertThatThrownBy(() -> LayerwiseMixedPrecision.run(LayerwiseSettings.defaults(out, root.resolve("w"), 6.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantized run");
        assertThat(Files.exists(root.resolve("w/layerwise"))).as("nothing written for a refused source").isFalse();
    }

    @Test
    void settingsRejectBadValuesNamingTheKey() {
        LayerwiseSettings d = settings(root.resolve("unused"));
        assertThatThrownBy(() -> new LayerwiseSettings(floatRun, null, out, 0.5, List.of(2, 4, 8), 2,
                d.budget(), Granularity.PER_TENSOR, 1, 0, 0, 1, null, false, List.of(), null))
                .hasMessageContaining("layerwise.compression").hasMessageContaining("0.5");
        assertThatThrownBy(() -> new LayerwiseSettings(floatRun, null, out, 4, List.of(1, 4), 2, d.budget(),
                Granularity.PER_TENSOR, 1, 0, 0, 1, null, false, List.of(), null)).hasMessageContaining("layerwise.bits");
        assertThatThrownBy(() -> new LayerwiseSettings(floatRun, null, out, 4, List.of(4, 4), 2, d.budget(),
                Granularity.PER_TENSOR, 1, 0, 0, 1, null, false, List.of(), null)).hasMessageContaining("twice");
        assertThatThrownBy(() -> d.withHessianSamples(1)).hasMessageContaining("layerwise.hessianSamples");
        assertThatThrownBy(() -> d.withLearningRate(0.0)).hasMessageContaining("layerwise.learningRate");
        assertThat(d.bits()).isEqualTo(List.of(2, 4, 8));
        assertThat(d.sourceRun().isAbsolute()).isTrue();
        assertThat(LayerwiseSettings.defaults(floatRun, out, 4).budget()).isEqualTo(SearchSettings.Budget.ofSteps(200));
        assertThat(LayerwiseSettings.defaults(floatRun, out, 4).hessianSamples()).isEqualTo(16);
    }
}
