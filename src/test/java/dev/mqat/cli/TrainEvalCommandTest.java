package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.model.ModelCheckpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train -> eval -> eval-poses -> predict chain on a tiny synthetic dataset, through the CLI. */
class TrainEvalCommandTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path run;

    @BeforeAll
    static void trainTinyRun() throws IOException {
        data = tmp.resolve("data");
        run = tmp.resolve("run");
        Object[] s = MainTest.run("synth", "--out", data.toString(), "--images", "48", "--input-size", "64",
                "--split-fractions", "train=0.5,val=0.25,test=0.25", "--workers", "2");
        assertThat(s[0]).as("synth stderr: %s", s[1]).isEqualTo(0);
        Object[] t = MainTest.run("train", "--data", data.toString(), "--out", run.toString(), "--steps", "3",
                "--batch", "4", "--width", "0.25", "--input-size", "64");
        assertThat(t[0]).as("train stderr: %s", t[1]).isEqualTo(0);
        acceptEveryCell(run);
    }

    /**
     * A 3-step model's class probabilities sit near the 0.01 prior, below the 0.3 default, so eval would detect
     * nothing and every metric would compare 0 with 0; threshold 0 makes every image get a prediction.
     */
    static void acceptEveryCell(Path runDir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(runDir.resolve("config.json").toFile());
        ((ObjectNode) config.get("decoder")).put("confidenceThreshold", 0.0);
        json.writerWithDefaultPrettyPrinter().writeValue(runDir.resolve("config.json").toFile(), config);
    }

    /** Images of a split of a BOP dataset folder ({@code <split>/<scene>/rgb/*.png}). */
    static long imageCount(Path dataset, String split) throws IOException {
        try (Stream<Path> files = Files.walk(dataset.resolve(split))) {
            return files.filter(f -> f.getParent().getFileName().toString().equals("rgb")).count();
        }
    }

    @Test
    void trainWritesARunFolder() throws Exception {
        assertThat(run.resolve("config.json")).isRegularFile();
        assertThat(run.resolve("checkpoints/best.ckpt")).isRegularFile();
        assertThat(run.resolve("checkpoints/last.ckpt")).isRegularFile();
        assertThat(Files.readAllLines(run.resolve("log.jsonl"))).anyMatch(l -> l.contains("\"event\":\"end\""));
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertThat(config.path("model").path("inputSizePx").asInt()).isEqualTo(64);
        assertThat(config.path("objects").size()).isEqualTo(1);
        assertThat(config.path("train").path("depthCalibrationImages").asInt()).isEqualTo(1024);
        assertThat(config.path("decoder").path("rotations").asInt()).as("inference views").isEqualTo(4);
        assertThat(config.path("decoder").path("zoomBelowPx").asDouble()).as("second look").isEqualTo(64.0);
        assertThat(config.path("decoder").path("zooms").toString()).isEqualTo("[1.3,1.7]");
        assertThat(config.path("train").path("crops").size()).as("whole images by default under 128 px").isZero();
        assertThat(config.path("train").path("learningRate").asDouble()).as("the recipe's rate").isEqualTo(4e-3);
        assertThat(config.path("train").path("augmentation").toString()).as("no augmentation by default")
                .isEqualTo(new ObjectMapper().valueToTree(dev.mqat.data.AugmentationConfig.none()).toString());
        assertThat(config.path("model").path("depthMultiplier").asDouble()).as("the recipe's depth").isEqualTo(1.25);
        assertThat(config.path("train").path("maxGradNorm").asDouble()).as("clipping by default").isEqualTo(10.0);
        assertThat(config.path("loss").path("smoothL1BetaDiameters").asDouble()).as("the recipe's knee").isEqualTo(0.005);
        assertThat(Files.readAllLines(run.resolve("log.jsonl"))).filteredOn(l -> l.contains("\"event\":\"step\""))
                .isNotEmpty().allMatch(l -> l.matches(".*\"grad_norm\":[0-9].*"));
        // the fit ran at the checkpoint (a 3-step model finds too few poses for a correction, so it records none)
        assertThat(ModelCheckpoint.readHeader(run.resolve("checkpoints/best.ckpt")).metadata())
                .containsKeys(DepthCorrection.AT_1M_KEY, DepthCorrection.SLOPE_KEY, DepthCorrection.SAMPLES_KEY);
    }

    @Test
    void evalOnADeviceOfItsOwnLeavesTheRunsConfigAlone() throws Exception {
        byte[] config = Files.readAllBytes(run.resolve("config.json"));
        assertThat(new ObjectMapper().readTree(config).path("device").asText()).as("train's default").isEqualTo("auto");
        Object[] e = MainTest.run("eval", "--model", run.toString(), "--split", "val", "--device", "cpu", "--json");
        assertThat(e[0]).as("eval --device cpu stderr: %s", e[1]).isEqualTo(0);
        assertThat(Files.readAllBytes(run.resolve("config.json"))).as("config.json after eval --device cpu")
                .isEqualTo(config);
    }

    @Test
    void evalAppliesTheDepthCorrectionStoredInTheCheckpoint() throws Exception {
        Path raw = tmp.resolve("raw");
        Path corrected = tmp.resolve("corrected");
        for (Path copy : List.of(raw, corrected)) {
            Files.createDirectories(copy.resolve("checkpoints"));
            Files.copy(run.resolve("config.json"), copy.resolve("config.json"));
        }
        Path best = run.resolve("checkpoints/best.ckpt");
        Map<String, String> rawMeta = new HashMap<>(ModelCheckpoint.readHeader(best).metadata());
        rawMeta.putAll(DepthCorrection.NONE.toMetadata(0));
        Map<String, String> halving = new HashMap<>(rawMeta);
        halving.putAll(new DepthCorrection(Math.log(2), 0).toMetadata(100)); // every prediction twice too far
        try (NDManager m = NDManager.newBaseManager()) {
            var net = ModelCheckpoint.load(best, m);
            ModelCheckpoint.save(net, raw.resolve("checkpoints/best.ckpt"), rawMeta);
            ModelCheckpoint.save(net, corrected.resolve("checkpoints/best.ckpt"), halving);
        }
        List<String[]> rows = new java.util.ArrayList<>();
        for (Path copy : List.of(raw, corrected)) {
            Object[] e = MainTest.run("eval", "--model", copy.toString(), "--split", "test");
            assertThat(e[0]).as("eval stderr: %s", e[1]).isEqualTo(0);
            Files.readAllLines(copy.resolve("predictions-test.csv")).stream().skip(1).filter(l -> !l.isBlank())
                    .map(l -> l.split(",")).forEach(rows::add);
        }
        int n = rows.size() / 2;
        assertThat(n).isEqualTo(12);
        for (int i = 0; i < n; i++) {
            String[] a = rows.get(i);
            String[] b = rows.get(n + i);
            assertThat(b[4]).as("rotation of row %d", i).isEqualTo(a[4]);
            String[] ta = a[5].split(" ");
            String[] tb = b[5].split(" ");
            for (int k = 0; k < 3; k++) {
                double expected = Double.parseDouble(ta[k]) / 2;
                assertThat(Double.parseDouble(tb[k])).as("t[%d] of row %d", k, i)
                        .isCloseTo(expected, within(1e-9 * Math.abs(expected) + 1e-9));
            }
        }
    }

    @Test
    void calibrateDepthRecordsTheFitAndRejectsZeroImages() throws Exception {
        Path out = tmp.resolve("depth.ckpt");
        Object[] c = MainTest.run("calibrate-depth", "--model", run.toString(), "--checkpoint", "last", "--depth-calibration", "8",
                "--out", out.toString());
        assertThat(c[0]).as("calibrate-depth stderr: %s", c[1]).isEqualTo(0);
        assertThat((String) c[2]).contains("fitted on").contains("val ADI-0.1d");
        Map<String, String> meta = ModelCheckpoint.readHeader(out).metadata();
        assertThat(meta).containsKeys(DepthCorrection.AT_1M_KEY, DepthCorrection.SLOPE_KEY);
        assertThat(Integer.parseInt(meta.get(DepthCorrection.SAMPLES_KEY))).isBetween(0, 8);
        Object[] bad = MainTest.run("calibrate-depth", "--model", run.toString(), "--depth-calibration", "0");
        assertThat(bad[0]).isEqualTo(2);
        assertThat(((String) bad[1]).strip()).doesNotContain("\n").contains("--depth-calibration");
    }

    @Test
    void realLossFallsOnTheTinyDatasetThroughTheCli() throws Exception {
        Path falling = tmp.resolve("falling");
        Object[] t = MainTest.run("train", "--data", data.toString(), "--out", falling.toString(), "--steps", "40",
                "--batch", "8", "--width", "0.25", "--input-size", "64", "--warmup", "5", "--no-augment");
        assertThat(t[0]).as("train stderr: %s", t[1]).isEqualTo(0);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> steps = Files.readAllLines(falling.resolve("log.jsonl")).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(l, e);
            }
        }).filter(n -> n.path("event").asText().equals("step")).toList();
        assertThat(steps).as("one log line per step").hasSize(40);
        double first = steps.subList(0, 5).stream().mapToDouble(n -> n.path("loss").asDouble()).average().orElseThrow();
        double last = steps.subList(35, 40).stream().mapToDouble(n -> n.path("loss").asDouble()).average().orElseThrow();
        assertThat(steps.get(0).path("pos").asDouble()).as("positive cells in the first batch").isPositive();
        assertThat(last).as("focal + object-space loss, mean of the last 5 steps vs the first 5 (%f)", first)
                .isLessThan(0.7 * first);
    }

    @Test
    void evalPosesOnTheWrittenPredictionsGivesTheSameNumbers() throws Exception {
        Object[] e = MainTest.run("eval", "--model", run.toString(), "--split", "test", "--json");
        assertThat(e[0]).as("eval stderr: %s", e[1]).isEqualTo(0);
        Path csv = run.resolve("predictions-test.csv");
        List<String> rows = Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).toList();
        long images = imageCount(data, "test");
        assertThat(images).isEqualTo(12);
        // one object per image and threshold 0: each image has exactly one estimate, so the metrics below are real
        assertThat(rows).as("rows of %s", csv).hasSize((int) images);
        assertThat(rows.stream().map(l -> l.split(",", 3)[0] + "/" + l.split(",", 3)[1]).distinct())
                .as("scene/image of each row").hasSize((int) images);
        Object[] p = MainTest.run("eval-poses", "--data", data.toString(), "--split", "test", "--results",
                csv.toString(), "--json");
        assertThat(p[0]).as("eval-poses stderr: %s", p[1]).isEqualTo(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode fromEval = json.readTree(((String) e[2]).strip());
        JsonNode fromCsv = json.readTree(((String) p[2]).strip());
        assertThat(fromEval.path("count").asInt()).isEqualTo(12);
        assertThat(fromEval.path("overall").path("mean_trans_err_mm").isNumber()).as("errors of real estimates").isTrue();
        // the CSV holds the poses exactly, so every number of every bin agrees, not only the accuracies
        assertThat(fromCsv).isEqualTo(fromEval);
        assertThat(json.readTree(run.resolve("metrics-test.json").toFile())).isEqualTo(fromEval);
    }

    @Test
    void evalWritesTheRequestedNumberOfOverlays() throws Exception {
        Object[] e = MainTest.run("eval", "--model", run.toString(), "--split", "test", "--overlays", "5");
        assertThat(e[0]).as("eval stderr: %s", e[1]).isEqualTo(0);
        List<Path> pngs;
        try (Stream<Path> files = Files.list(run.resolve("overlays-test"))) {
            pngs = files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(pngs).hasSize(5).allSatisfy(f -> assertThat(f.getFileName().toString()).matches("overlay_\\d{5}\\.png"));
        for (Path f : pngs) {
            BufferedImage image = ImageIO.read(f.toFile());
            assertThat(image).as("decoded %s", f).isNotNull();
            // 64 px inputs enlarged 8 times to reach 512 px
            assertThat(image.getWidth()).as("width of %s", f).isEqualTo(512);
            assertThat(image.getHeight()).as("height of %s", f).isEqualTo(512);
        }
    }

    @Test
    void predictPrintsOneJsonObjectPerCall() throws Exception {
        Path image = Files.list(data.resolve("test")).findFirst().orElseThrow().resolve("rgb/000000.png");
        if (!Files.exists(image)) {
            image = Files.list(Files.list(data.resolve("test")).findFirst().orElseThrow().resolve("rgb")).findFirst()
                    .orElseThrow();
        }
        Object[] r = MainTest.run("predict", "--model", run.toString(), "--camera", "75,75,31.5,31.5", "--json",
                image.toString());
        assertThat(r[0]).as("predict stderr: %s", r[1]).isEqualTo(0);
        JsonNode out = new ObjectMapper().readTree(((String) r[2]).strip());
        assertThat(out.path("images").size()).isEqualTo(1);
    }

    @Test
    void initStartsFromTheCheckpointsWeights() throws Exception {
        Path tuned = tmp.resolve("tuned");
        Object[] t = MainTest.run("train", "--data", data.toString(), "--out", tuned.toString(), "--steps", "1",
                "--batch", "4", "--width", "0.25", "--input-size", "64", "--lr", "1e-9", "--warmup", "0",
                "--init", run.toString(), "--json");
        assertThat(t[0]).as("train stderr: %s", t[1]).isEqualTo(0);
        JsonNode trained = new ObjectMapper().readTree((String) t[2]);
        assertThat(trained.get("steps").asLong()).isEqualTo(1);
        assertThat(trained.get("run").asText()).isEqualTo(tuned.toString());
        assertThat(trained.has("best_val_adi01d")).isTrue();
        assertThat(new ObjectMapper().readTree(tuned.resolve("config.json").toFile()).path("train").path("initFrom").asText())
                .isEqualTo(run.resolve("checkpoints/best.ckpt").toString());
        try (NDManager m = NDManager.newBaseManager()) {
            float[] from = ModelCheckpoint.load(run.resolve("checkpoints/best.ckpt"), m).layer("head.cls_logits").weight()
                    .getArray().toFloatArray();
            float[] to = ModelCheckpoint.load(tuned.resolve("checkpoints/best.ckpt"), m).layer("head.cls_logits").weight()
                    .getArray().toFloatArray();
            for (int i = 0; i < from.length; i++) {
                assertThat(to[i]).as("head.cls_logits weight %d after one step at lr 1e-9", i).isCloseTo(from[i], within(1e-6f));
            }
        }
        Object[] missing = MainTest.run("train", "--data", data.toString(), "--out", tmp.resolve("r3").toString(), "--init",
                tmp.resolve("nope").toString());
        assertThat(missing[0]).isEqualTo(2);
        assertThat(((String) missing[1]).strip()).doesNotContain("\n").contains("nope");
        Object[] wider = MainTest.run("train", "--data", data.toString(), "--out", tmp.resolve("r4").toString(), "--width",
                "0.5", "--input-size", "64", "--init", run.toString());
        assertThat(wider[0]).as("a checkpoint of another width").isEqualTo(2);
        assertThat(((String) wider[1]).strip()).doesNotContain("\n").contains("--width");
        Object[] deeper = MainTest.run("train", "--data", data.toString(), "--out", tmp.resolve("r4d").toString(),
                "--width", "0.25", "--input-size", "64", "--depth", "2", "--init", run.toString());
        assertThat(deeper[0]).as("a checkpoint with half the residual units").isEqualTo(2);
        assertThat(((String) deeper[1]).strip()).doesNotContain("\n").contains("depth x2.0", "--depth");
    }

    @Test
    void calibrateBnWritesACheckpointWithRecomputedStatistics() throws Exception {
        Path out = tmp.resolve("calibrated.ckpt");
        Object[] c = MainTest.run("calibrate-bn", "--model", run.toString(), "--checkpoint", "last", "--bn-calibration", "2",
                "--out", out.toString());
        assertThat(c[0]).as("calibrate-bn stderr: %s", c[1]).isEqualTo(0);
        assertThat((String) c[2]).contains("over 2 batches").contains("val ADI-0.1d");
        assertThat(ModelCheckpoint.readHeader(out).metadata()).containsEntry("bn_calibration_batches", "2");
        try (NDManager m = NDManager.newBaseManager()) {
            float[] before = ModelCheckpoint.load(run.resolve("checkpoints/last.ckpt"), m).namedParameters()
                    .get("backbone.stem.bn.running_mean").getArray().toFloatArray();
            float[] after = ModelCheckpoint.load(out, m).namedParameters().get("backbone.stem.bn.running_mean").getArray()
                    .toFloatArray();
            assertThat(after).isNotEqualTo(before);
        }
        Object[] j = MainTest.run("calibrate-bn", "--model", run.toString(), "--checkpoint", "last", "--batches", "1",
                "--out", tmp.resolve("calibrated-json.ckpt").toString(), "--json");
        assertThat(j[0]).as("calibrate-bn --json stderr: %s", j[1]).isEqualTo(0);
        assertThat((String) j[1]).contains("--batches is deprecated");
        com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree((String) j[2]);
        assertThat(summary.get("bn_batches").asInt()).isEqualTo(1);
        assertThat(summary.get("written").asText()).endsWith("calibrated-json.ckpt");
        assertThat(summary.has("val_adi01d_after")).isTrue();
        Object[] bad = MainTest.run("calibrate-bn", "--model", run.toString(), "--checkpoint", "first");
        assertThat(bad[0]).isEqualTo(2);
        assertThat(((String) bad[1]).strip()).contains("first");
    }

    @Test
    void helpExitsZero() {
        for (String cmd : new String[] {"train", "eval", "predict", "calibrate-bn", "calibrate-depth"}) {
            Object[] r = MainTest.run(cmd, "--help");
            assertThat(r[0]).as(cmd).isEqualTo(0);
            // a bare % in a description makes picocli warn and print the text unformatted
            assertThat((String) r[1]).as(cmd + " stderr").doesNotContain("Could not format");
        }
    }

    @Test
    void badPathsAreUsageErrors() {
        Object[] t = MainTest.run("train", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("r2").toString());
        assertThat(t[0]).isEqualTo(2);
        assertThat(((String) t[1]).strip()).doesNotContain("\n").contains("nope");
        Object[] e = MainTest.run("eval", "--model", tmp.resolve("nope").toString());
        assertThat(e[0]).isEqualTo(2);
        assertThat(((String) e[1]).strip()).doesNotContain("\n").contains("nope");
        Object[] p = MainTest.run("predict", "--model", run.toString(), "--camera", "1,2,3", "x.png");
        assertThat(p[0]).isEqualTo(2);
        assertThat(((String) p[1]).strip()).contains("fx,fy,cx,cy");
        Object[] r = MainTest.run("train", "--data", data.toString(), "--out", run.toString(), "--steps", "1");
        assertThat(r[0]).as("non-empty run folder without --resume").isEqualTo(2);
        assertThat(((String) r[1]).strip()).contains("--resume");
        assertRefused("r5", "three views", List.of("--rotations", "3"), "decoder.rotations", "3");
        assertRefused("r6", "negative second-look size", List.of("--zoom-below", "-5"), "decoder.zoomBelowPx", "-5");
        assertRefused("r7", "a magnification below 1 in the list", List.of("--zoom", "1.5,0.5"), "decoder.zooms", "0.5");
        assertRefused("r8", "a training window as large as the input", List.of("--crop", "128"), "train.crops",
                "window of 128 px");
        assertRefused("r9", "a training window that is not a multiple of 32", List.of("--crop", "48"), "train.crops", "48");
        assertRefused("r10", "a negative gradient-norm limit", List.of("--clip-grad-norm", "-1"), "train.maxGradNorm", "-1");
        assertRefused("r11", "a smooth-L1 knee of 0", List.of("--smooth-l1-knee", "0"), "loss.smoothL1BetaDiameters",
                "found 0.0");
        assertRefused("r12", "a depth multiplier of 0", List.of("--depth", "0"), "model.depthMultiplier", "found 0.0");
    }

    /** {@code train} with {@code options} exits 2 with one line naming every part, and writes no run folder. */
    private static void assertRefused(String runName, String why, List<String> options, String... messageParts) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out",
                tmp.resolve(runName).toString()));
        args.addAll(options);
        Object[] r = MainTest.run(args.toArray(new String[0]));
        assertThat(r[0]).as(why).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains(messageParts);
        assertThat(tmp.resolve(runName)).doesNotExist();
    }
}
