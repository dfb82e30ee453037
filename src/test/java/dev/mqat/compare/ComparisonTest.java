package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.TestFiles;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.report.ComparisonReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.QuantizeFixture;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.RunConfig;
import dev.mqat.search.Search;
import dev.mqat.search.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole comparison on the tiny dataset at 2-step fine-tunes: its runs, what they share, results.json, and a resume
 * that redoes nothing finished.
 */
class ComparisonTest {
    @TempDir
    static Path root;
    static Path floatRun;
    static Path cmp;
    static ComparisonResults results;
    static final List<String> log = new ArrayList<>();
    static final List<int[]> progress = new ArrayList<>();

    /** Targets 2x and 4x: the uniform baselines are 8-bit for both (one run each, shared by two rows). */
    static ComparisonSettings settings() {
        return new ComparisonSettings(floatRun, null, List.of(2.0, 4.0), List.of(Method.values()), "test",
                SearchSettings.Budget.ofSteps(2), 2, 0, 3, 1, 1, List.of("mqat", "compare"), null, null);
    }

    @BeforeAll
    static void compareOnce() {
        floatRun = QuantizeFixture.floatRun(root, 32);
        cmp = root.resolve("cmp");
        results = Comparison.run(settings(), cmp, false, new Comparison.Listener() {
            @Override
            public void log(String line) {
                log.add(line);
            }

            @Override
            public void progress(int done, int total, String detail) {
                progress.add(new int[] {done, total});
            }
        });
    }

    @Test
    void everyMethodHasARowScoredOnTheSameInstances() throws IOException {
        assertThat(results.rows()).extracting(ComparisonResults.Row::label).containsExactly("FP control",
                "uniform LSQ 8-bit", "uniform INQ 8-bit", "MQAT 2x", "layer-wise HAWQ-V3 2x", "uniform LSQ 8-bit",
                "uniform INQ 8-bit", "MQAT 4x", "layer-wise HAWQ-V3 4x");
        assertThat(results.rows()).extracting(ComparisonResults.Row::folder).containsExactly("fp", "lsq-8bit",
                "inq-8bit", "mqat-2x", "hawq-2x", "lsq-8bit", "inq-8bit", "mqat-4x", "hawq-4x");
        ComparisonResults.Row fp = results.rows().get(0);
        assertThat(fp.compressionTarget()).isNull();
        assertThat(fp.plan()).isEqualTo("fp");
        assertThat(fp.compression()).isEqualTo(1.0);
        assertThat(fp.sizeBytes()).isEqualTo(results.fp32Bytes());
        assertThat(fp.adi01d().mcnemarP()).isNull();
        for (ComparisonResults.Row r : results.rows()) {
            ComparisonResults.SeedRun run = r.runs().get(0);
            assertThat(run.adi01dHits()).as(r.label()).hasSize(results.testInstances()).matches("[01]*");
            double rate = 100.0 * run.adi01dHits().chars().filter(ch -> ch == '1').count() / results.testInstances();
            assertThat(r.adi01d().percent()).as(r.label() + " ADI from its outcomes").isEqualTo(rate);
            assertThat(r.adi01d().wilsonLowPercent()).isLessThanOrEqualTo(rate);
            assertThat(r.adi01d().wilsonHighPercent()).isGreaterThanOrEqualTo(rate);
            // the row's test metrics are the run's own, as eval wrote them
            EvaluationResult written = EvaluationResult.fromJson(Files.readString(cmp.resolve(r.folder())
                    .resolve("metrics-test.json")));
            assertThat(EvaluationResult.fromJson(r.test().toString())).as(r.label()).isEqualTo(written);
            assertThat(r.test().path("overall").path("adi_01d").asDouble()).isEqualTo(rate);
            if (!r.method().equals("fp")) {
                assertThat(r.adi01d().mcnemarP()).as(r.label()).isBetween(0.0, 1.0);
                assertThat(r.adi01d().gained() - r.adi01d().lost()).as(r.label() + " gained - lost")
                        .isEqualTo(run.adi01dHits().chars().filter(ch -> ch == '1').count()
                                - fp.runs().get(0).adi01dHits().chars().filter(ch -> ch == '1').count());
            }
        }
        ComparisonResults.Row lsq = results.rows().get(1);
        assertThat(lsq.plan()).isEqualTo("8-8-8");
        assertThat(lsq.compression()).isGreaterThan(1.0);
        assertThat(results.rows().get(3).compression()).isGreaterThanOrEqualTo(2.0);
        assertThat(results.rows().get(4).compression()).as("layer-wise 2x").isGreaterThanOrEqualTo(2.0);
        assertThat(results.rows().get(7).compression()).isGreaterThanOrEqualTo(4.0);
        assertThat(results.rows().get(7).fineTunes()).isEqualTo(3);
        assertThat(results.rows().get(8).compression()).as("layer-wise 4x").isGreaterThanOrEqualTo(4.0);
    }

    @Test
    void theControlProbesAndTracesAreMadeOnce() throws IOException {
        // the search's FP control is the comparison's, byte for byte, and its config is the one the search makes
        assertThat(Files.readAllBytes(cmp.resolve("mqat-2x/search/fp-control/stages/1-fp/stage.ckpt")))
                .isEqualTo(Files.readAllBytes(cmp.resolve("fp/stages/1-fp/stage.ckpt")));
        assertThat(RunConfig.read(cmp.resolve("mqat-2x/search/fp-control")).quantization())
                .isEqualTo(RunConfig.read(cmp.resolve("fp")).quantization());
        for (String m : List.of("backbone", "fpn", "head")) {
            assertThat(Files.readAllBytes(cmp.resolve("mqat-4x/search/probe-" + m + "/stages/1-" + m + "/stage.ckpt")))
                    .isEqualTo(Files.readAllBytes(cmp.resolve("mqat-2x/search/probe-" + m + "/stages/1-" + m
                            + "/stage.ckpt")));
        }
        assertThat(Files.readString(cmp.resolve("mqat-4x/search/hessian.json")))
                .isEqualTo(Files.readString(cmp.resolve("mqat-2x/search/hessian.json")));
        assertThat(log).anyMatch(l -> l.contains("search at 4x takes fp-control, probe-backbone, probe-fpn, "
                + "probe-head"));
        // the layer-wise baseline's traces and layer costs do not depend on the target: measured once
        for (String f : List.of("hessian.json", "sensitivity.json")) {
            assertThat(Files.readString(cmp.resolve("hawq-4x/layerwise/" + f)))
                    .isEqualTo(Files.readString(cmp.resolve("hawq-2x/layerwise/" + f)));
        }
        assertThat(log).anyMatch(l -> l.contains("hawq-4x takes the Hessian traces of hawq-2x"));
        // every fine-tune is scored on the same first validation images
        for (String run : List.of("fp", "lsq-8bit", "inq-8bit", "hawq-2x", "mqat-2x", "mqat-4x/search/probe-fpn")) {
            assertThat(RunConfig.read(cmp.resolve(run)).valImages()).as(run).isEqualTo(3);
        }
        // 1 control + 2 uniform + 3 probes + 3 stages + 3 stages, all finished at the end
        assertThat(progress.get(progress.size() - 1)).containsExactly(14, 14);
        assertThat(progress).extracting(p -> p[0]).isSorted();
    }

    @Test
    void resultsJsonRoundTrips() throws IOException {
        ComparisonResults read = ComparisonResults.read(cmp);
        assertThat(read).isEqualTo(results);
        assertThat(Files.readString(cmp.resolve(ComparisonResults.FILE))).isEqualTo(read.toJson() + "\n");
        assertThat(Comparison.storedSettings(cmp)).isEqualTo(settings());
    }

    @Test
    void aResumeRedoesOnlyWhatIsNotFinished() throws IOException {
        Path copy = root.resolve("cmp-resumed");
        TestFiles.copyTree(cmp, copy);
        Files.delete(copy.resolve(ComparisonResults.FILE));
        // the LSQ run as if killed after its last stage, before its test evaluation
        Files.delete(copy.resolve("lsq-8bit/checkpoints/best.ckpt"));
        Files.delete(copy.resolve("lsq-8bit/predictions-test.csv"));
        List<String> kept = Files.readAllLines(copy.resolve("lsq-8bit/log.jsonl")).stream()
                .filter(l -> !l.contains("\"event\":\"end\"")).toList();
        Files.write(copy.resolve("lsq-8bit/log.jsonl"), kept);
        Map<Path, FileTime> before = checkpointTimes(copy);

        ComparisonResults resumed = Comparison.run(null, copy, true, Comparison.Listener.NONE);

        Map<Path, FileTime> after = checkpointTimes(copy);
        assertThat(after.keySet()).containsAll(before.keySet());
        before.forEach((file, time) -> assertThat(after.get(file)).as(file + " untouched").isEqualTo(time));
        assertThat(after.keySet()).contains(copy.resolve("lsq-8bit/checkpoints/best.ckpt"));
        assertThat(resumed.rows()).isEqualTo(ComparisonResults.read(copy).rows());
        assertThat(resumed.toJson().replace(copy.toString(), "CMP"))
                .isEqualTo(results.toJson().replace(cmp.toString(), "CMP"));
    }

    @Test
    void finishedRunsCopiedWithoutCheckpointsAreScoredTheSameAndNotRunAgain() throws IOException {
        Path copy = root.resolve("cmp-slim");
        TestFiles.copyTree(cmp, copy);
        Files.delete(copy.resolve(ComparisonResults.FILE));
        for (Path ckpt : checkpointTimes(copy).keySet()) {
            Files.delete(ckpt);
        }

        ComparisonResults rescored = Comparison.run(null, copy, true, Comparison.Listener.NONE);

        assertThat(checkpointTimes(copy)).as("no fine-tune ran").isEmpty();
        assertThat(rescored.toJson().replace(copy.toString(), "CMP"))
                .isEqualTo(results.toJson().replace(cmp.toString(), "CMP"));
        assertThat(ComparisonReport.write(copy, 2).html()).isRegularFile();
    }

    @Test
    void theReportIsOneSelfContainedFile() throws IOException {
        ComparisonReport.Written written = ComparisonReport.write(cmp, 2);
        String html = Files.readString(written.html());
        for (ComparisonResults.Row r : results.rows()) {
            assertThat(html).contains("<td class=\"l\">" + r.label() + "</td>");
        }
        assertThat(html).doesNotContain("http://", "https://", "<script", "<link");
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertThat(decoded).as("embedded PNG %d decodes", images).isNotNull();
            assertThat(decoded.getWidth()).isGreaterThan(100);
            images++;
        }
        // 3 charts, and 2 test images for each of fp, lsq-8bit, inq-8bit, mqat-2x, hawq-2x, mqat-4x, hawq-4x
        assertThat(images).isEqualTo(3 + 2 * 7);
        assertThat(html).contains("Phase A", "Omega", "Gradated quantization", "p vs FP");
        String md = Files.readString(written.markdown());
        // the plan the search chose on 2-step fine-tunes of an untrained network is noise: take it from the results
        assertThat(md).contains("| MQAT 4x | 4x | " + results.rows().get(7).plan() + " |", "## Verdict", "Omega");
        assertThat(md.lines().filter(l -> l.startsWith("| ") && l.contains("x / ")).count())
                .as("one table line per row").isEqualTo(results.rows().size());
    }

    @Test
    void theLearningRateReachesEverySearchAndIsStored() {
        ComparisonSettings atRate = settings().withLearningRate(2e-3);
        assertThat(atRate.search(2.0, 1).learningRate()).as("search of seed 1").isEqualTo(2e-3);
        assertThat(atRate.search(4.0, 2).learningRate()).as("search of seed 2").isEqualTo(2e-3);
        assertThat(Comparison.storedSettings(cmp).learningRate()).as("stored setting").isNull();
        Path hawqFineTune = cmp.resolve("hawq-2x").resolve(LayerwiseMixedPrecision.WORK)
                .resolve(LayerwiseMixedPrecision.FINE_TUNE);
        assertThat(RunConfig.read(hawqFineTune).train().learningRate()).as("no --lr: quantize's default, not the "
                + "source run's").isEqualTo(QuantizeJob.DEFAULT_LEARNING_RATE);
        assertThatThrownBy(() -> settings().withLearningRate(Double.NaN)).hasMessageContaining("learning rate");
        assertThat(results.fineTune()).as("the report states the rate").isEqualTo("2 steps at lr 0.0004");
    }

    @Test
    void aStartedFolderIsNotOverwritten() {
        assertThatThrownBy(() -> Comparison.run(settings(), cmp, false, Comparison.Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
    }

    @Test
    void theDeviceReachesEverySearchAndIsStored() {
        ComparisonSettings onAuto = settings().withDevice(DeviceChoice.AUTO);
        assertThat(onAuto.search(2.0, 1).device()).as("search of seed 1").isEqualTo(DeviceChoice.AUTO);
        assertThat(onAuto.search(4.0, 2).device()).as("search of seed 2").isEqualTo(DeviceChoice.AUTO);
        assertThat(settings().search(2.0, 1).device()).as("no --device: the source's").isNull();
        assertThat(Comparison.storedSettings(cmp).device()).as("stored setting").isNull();
    }

    @Test
    void everyMethodOfASeedRunsOnceAndSearchesFollowTheirTargets() {
        List<Comparison.Job> jobs = Comparison.jobs(settings().withMethods(List.of(Method.values())));
        assertThat(jobs).extracting(Comparison.Job::folder).containsExactly("fp", "lsq-8bit", "inq-8bit",
                "mqat-2x", "hawq-2x", "mqat-4x", "hawq-4x");
        ComparisonSettings two = new ComparisonSettings(floatRun, null, List.of(4.0, 8.0), List.of(Method.LSQ,
                Method.MQAT), "quick", SearchSettings.Budget.ofSteps(2), 2, 0, 0, 2, 1, List.of("mqat"), null, null);
        assertThat(Comparison.jobs(two)).extracting(Comparison.Job::folder).containsExactly("fp", "lsq-8bit",
                "mqat-4x", "lsq-4bit", "mqat-8x", "fp-seed2", "lsq-8bit-seed2", "mqat-4x-seed2", "lsq-4bit-seed2",
                "mqat-8x-seed2");
        assertThat(Comparison.jobs(two)).filteredOn(j -> j.method() == Method.MQAT)
                .extracting(Comparison.Job::firstOfSeed).containsExactly(true, false, true, false);
        assertThat(two.search(4, 1).fineTuneSeed()).isNull();
        assertThat(two.search(4, 2).fineTuneSeed()).isEqualTo(RunConfig.read(floatRun).train().seed() + 1);
    }

    private static Map<Path, FileTime> checkpointTimes(Path dir) throws IOException {
        Map<Path, FileTime> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ckpt")).toList()) {
                out.put(f, Files.getLastModifiedTime(f));
            }
        }
        return out;
    }
}
