package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.TestFiles;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.NetModule;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.QuantizeFixture;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search on a tiny dataset: its decisions, its run folder, and a resume that ends where a whole run ends. */
class SearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static Path floatRun;
    static Path searched;
    static Search.Result result;
    static final List<String> log = new ArrayList<>();

    /** 2-step fine-tunes, two Hessian samples of 16 images; a margin of -1000 points makes every probe beat FP, so
     * the winner path (adoption, fixed 2 bits) is taken whatever the tiny model's accuracy. */
    static SearchSettings settings() {
        return new SearchSettings(floatRun, null, 2, List.of(2, 4, 8), QuantizerKind.INQ,
                SearchSettings.Budget.ofSteps(2), SearchSettings.Budget.ofSteps(2),
                new HessianTrace.Settings(16, 2, 2, 0.05, 7), -1000, 1, 0, 0, List.of("mqat", "search"));
    }

    @BeforeAll
    static void searchOnce() {
        floatRun = QuantizeFixture.floatRun(root, 32);
        searched = root.resolve("s1");
        result = Search.run(settings(), searched, false, log::add);
    }

    @Test
    void phasesFollowTheRuleAndTheWinnerIsAdopted() throws IOException {
        assertThat(result.probes()).extracting(a -> a.modules().get(0)).containsExactly("backbone", "fpn", "head");
        assertThat(result.probes()).allMatch(Search.Arm::beatsFp);
        double best = result.probes().stream().mapToDouble(Search.Arm::valAdi01d).max().orElseThrow();
        Search.Arm winner = result.probes().stream().filter(a -> a.modules().get(0).equals(result.winner()))
                .findFirst().orElseThrow();
        assertThat(winner.valAdi01d()).isEqualTo(best);
        assertThat(result.flow().get(0)).isEqualTo(result.winner());
        assertThat(result.flow()).containsExactlyInAnyOrder("backbone", "fpn", "head");
        // after the winner: ascending parameter count
        RunConfig cfg = RunConfig.read(floatRun);
        assertThat(result.flow().subList(1, 3)).isSortedAccordingTo(Comparator.comparingLong(SearchTest::parameterCount));
        assertThat(BitPlan.parse(result.plan()).bitsOf(result.winner())).contains(2);
        assertThat(result.compression()).isGreaterThanOrEqualTo(2.0);
        assertThat(result.omega()).hasSize(2).doesNotContainKey(result.winner());
        result.omega().values().forEach(byBits -> assertThat(byBits).containsOnlyKeys(2, 4, 8));
        assertThat(result.stages()).hasSize(3);
        assertThat(result.stages().get(0).adopted()).isTrue();
        assertThat(result.stages().get(0).bits()).isEqualTo(2);
        assertThat(result.hessianTrace()).isNotEmpty().allMatch(t -> Double.isFinite(t.trace()));
        // the gradated run's first stage is the winning probe's network, byte for byte
        Path probe = searched.resolve("search/probe-" + result.winner() + "/stages/1-" + result.winner() + "/stage.ckpt");
        Path stage1 = searched.resolve("search/gradated/stages/1-" + result.winner() + "/stage.ckpt");
        assertThat(Files.readAllBytes(stage1)).isEqualTo(Files.readAllBytes(probe));
        assertThat(cfg.quantization()).isNull();
    }

    @Test
    void everyFineTuneRecordsTheSearchsDevice() {
        assertThat(RunConfig.read(searched.resolve("search/fp-control")).device()).as("no --device: the source's")
                .isEqualTo(RunConfig.read(floatRun).device());
        assertThat(Search.storedSettings(searched).device()).as("stored setting").isNull();
        SearchSettings onAuto = settings().withDevice(DeviceChoice.AUTO);
        assertThat(Search.fineTuneConfig(onAuto, BitPlan.fullPrecision(), List.of(), QuantizerKind.INQ, onAuto.probe())
                .device()).as("a fine-tune of a search on auto").isEqualTo(DeviceChoice.AUTO);
    }

    @Test
    void everyFineTuneTakesTheSearchsLearningRate() {
        assertThat(RunConfig.read(searched.resolve("search/fp-control")).train().learningRate())
                .as("no --lr: quantize's default").isEqualTo(QuantizeJob.DEFAULT_LEARNING_RATE);
        assertThat(Search.storedSettings(searched).learningRate()).as("stored setting").isNull();
        SearchSettings atRate = settings().withLearningRate(2e-3);
        assertThat(Search.fineTuneConfig(atRate, BitPlan.fullPrecision(), List.of(), QuantizerKind.LSQ,
                atRate.probe()).train().learningRate()).isEqualTo(2e-3);
        assertThatThrownBy(() -> settings().withLearningRate(-1e-3)).hasMessageContaining("learning rate");
    }

    @Test
    void theSearchFolderIsARunThatEvalReproduces() throws IOException {
        RunConfig cfg = RunConfig.read(searched);
        assertThat(cfg.quantization().flow()).isEqualTo(result.flow());
        EvaluationResult again = RunEvaluation.evaluate(searched, null, "test").result();
        assertThat(again).isEqualTo(EvaluationResult.fromJson(result.test().toString()));
        JsonNode written = JSON.readTree(searched.resolve(Search.RESULT).toFile());
        for (String key : List.of("fp_control", "probes", "winner", "flow", "hessian_trace", "omega", "plan",
                "compression", "stages", "test", "rule")) {
            assertThat(written.has(key)).as(key).isTrue();
        }
        assertThat(written.get("probes").get(0).get("mcnemar").has("p_value")).isTrue();
    }

    @Test
    void aResumedSearchEndsWithTheSameDecisionsAndWeights() throws IOException {
        Path copy = root.resolve("s2");
        TestFiles.copyTree(searched, copy);
        // as if killed during the last gradated stage, before the Hessian was written, and during a probe
        String last = "3-" + result.flow().get(2);
        Files.delete(copy.resolve("search/gradated/stages/" + last + "/stage.ckpt"));
        Files.delete(copy.resolve("search/gradated/checkpoints/best.ckpt"));
        Files.delete(copy.resolve("search/hessian.json"));
        Files.delete(copy.resolve(Search.RESULT));
        Files.delete(copy.resolve("config.json"));
        Files.delete(copy.resolve("checkpoints/best.ckpt"));
        String loser = result.flow().get(2);
        Files.delete(copy.resolve("search/probe-" + loser + "/stages/1-" + loser + "/stage.ckpt"));
        dropEndLine(copy.resolve("search/probe-" + loser + "/log.jsonl"));
        dropEndLine(copy.resolve("search/gradated/log.jsonl"));

        Search.Result resumed = Search.run(null, copy, true, line -> {});

        assertThat(Files.readString(copy.resolve(Search.RESULT))).isEqualTo(Files.readString(
                searched.resolve(Search.RESULT)));
        assertThat(Files.readAllBytes(copy.resolve("checkpoints/best.ckpt")))
                .isEqualTo(Files.readAllBytes(searched.resolve("checkpoints/best.ckpt")));
        assertThat(resumed.plan()).isEqualTo(result.plan());
    }

    @Test
    void theCubeScoresEverySubsetAndReusesTheProbes() {
        List<Search.CubeRow> rows = Search.cube(null, searched, true, line -> {});
        assertThat(rows).hasSize(8);
        Set<List<String>> subsets = new HashSet<>();
        rows.forEach(r -> subsets.add(r.modules()));
        assertThat(subsets).hasSize(8);
        assertThat(rows.get(0).modules()).isEmpty();
        assertThat(rows.get(0).valAdi01d()).isEqualTo(result.fpControl().valAdi01d());
        for (Search.Arm probe : result.probes()) {
            Search.CubeRow row = rows.stream().filter(r -> r.modules().equals(probe.modules())).findFirst()
                    .orElseThrow();
            assertThat(row.valAdi01d()).isEqualTo(probe.valAdi01d());
            assertThat(row.folder()).isEqualTo(probe.folder());
        }
        assertThat(Files.isRegularFile(searched.resolve("cube.json"))).isTrue();
    }

    @Test
    void allFlowsRunsEveryOrderAndMarksTheRecommendedOne() {
        List<Search.FlowRow> rows = Search.allFlows(null, BitPlan.parse("fpn=4,head=8"), searched, true,
                line -> {});
        assertThat(rows).extracting(Search.FlowRow::flow).containsExactlyInAnyOrder(List.of("fpn", "head"),
                List.of("head", "fpn"));
        assertThat(rows).filteredOn(Search.FlowRow::recommended).hasSize(1);
    }

    @Test
    void settingsAreStoredAndAStartedFolderIsNotOverwritten() {
        assertThat(Search.storedSettings(searched)).isEqualTo(settings());
        assertThatThrownBy(() -> Search.run(settings(), searched, false, line -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
    }

    private static long parameterCount(String module) {
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            return dev.mqat.run.QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), manager)
                    .parameterCount(NetModule.fromKey(module));
        }
    }

    private static void dropEndLine(Path log) throws IOException {
        List<String> kept = Files.readAllLines(log).stream().filter(l -> !l.contains("\"event\":\"end\"")).toList();
        Files.write(log, kept);
    }
}
