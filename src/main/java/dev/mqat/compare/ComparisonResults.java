package dev.mqat.compare;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code mqat compare} measured ({@code CMP/results.json}): one row per method and compression, each scored on
 * the test split, with paired statistics against the FP control on the same instances.
 *
 * <p>Units: accuracies and interval bounds in percent (0-100), sizes in bytes. {@code test} objects have the form of
 * {@code mqat eval --json} ({@link dev.mqat.eval.EvaluationResult#toJson()}).
 *
 * @param version format version of the file ({@link #VERSION})
 * @param source the trained float run every method started from
 * @param data the dataset scored
 * @param budget the budget preset ({@code quick}, {@code paper})
 * @param fineTune the budget and base learning rate of every fine-tune, e.g. {@code 200 steps at lr 0.0004}
 * @param seeds fine-tuning seeds per method
 * @param compressions the targets asked for
 * @param fp32Bytes the float model's size
 * @param testInstances ground-truth instances of the test split (the length of every outcome string)
 * @param rows the FP control first (no target), then per target the methods in {@link Method} order
 */
public record ComparisonResults(int version, String source, String data, String budget, String fineTune, int seeds,
        List<Double> compressions, long fp32Bytes, int testInstances, List<Row> rows) {

    /** Newest format version this code reads and writes. */
    public static final int VERSION = 1;
    /** The file in a comparison folder. */
    public static final String FILE = "results.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ComparisonResults {
        compressions = List.copyOf(compressions);
        rows = List.copyOf(rows);
    }

    /**
     * A success rate over the test instances, and how it compares with the FP control's on the same instances.
     *
     * @param percent the rate (mean over seeds)
     * @param sdPercent sample standard deviation over seeds, null with one seed
     * @param wilsonLowPercent lower bound of the 95 % Wilson interval (of the pooled outcomes over seeds)
     * @param wilsonHighPercent its upper bound
     * @param gained instances the FP control gets wrong and this right (one seed; null for the control itself and
     *     with several seeds)
     * @param lost instances the control gets right and this wrong (same rule)
     * @param mcnemarP two-sided exact McNemar p-value against the control; with several seeds the largest over the
     *     seeds (each seed against the control of its seed), so a difference counts as beyond the noise only when it
     *     is in every seed; null for the control itself
     */
    public record Accuracy(double percent, Double sdPercent, double wilsonLowPercent, double wilsonHighPercent,
            Integer gained, Integer lost, Double mcnemarP) {}

    /**
     * One fine-tuning seed of a row.
     *
     * @param seed 1-based seed index
     * @param trainSeed the training seed of its fine-tunes
     * @param folder its run folder, relative to the comparison folder
     * @param plan its bit plan ({@code BitPlan} long form, {@code fp} for the control)
     * @param sizeBytes its size under that plan
     * @param test its test metrics
     * @param adi01d ADI-0.1d overall
     * @param add01d ADD-0.1d overall
     * @param adi01dHits per test instance in evaluation order, {@code 1} when ADI is below 0.1 d
     * @param add01dHits the same for ADD
     */
    public record SeedRun(int seed, long trainSeed, String folder, String plan, long sizeBytes, JsonNode test,
            Accuracy adi01d, Accuracy add01d, String adi01dHits, String add01dHits) {}

    /**
     * One method at one compression target.
     *
     * @param method {@link Method#key()}
     * @param label how tables name it, e.g. {@code uniform LSQ 8-bit}
     * @param compressionTarget the target the row answers, null for the FP control
     * @param plan the first seed's bit plan ({@code BitPlan} short form when it has one; {@code fp} for the control)
     * @param sizeBytes the first seed's size
     * @param compression whole-model fp32 bytes / {@code sizeBytes}
     * @param weightsCompression quantizable weights alone: fp32 bytes / quantized bytes (scales included)
     * @param fineTunes fine-tunes of the row's network, each of the comparison's budget (MQAT: one per module, not
     *     counting its probes)
     * @param test test metrics, mean over seeds
     * @param testSd their sample standard deviation over seeds (same form), null with one seed
     * @param adi01d ADI-0.1d overall
     * @param add01d ADD-0.1d overall
     * @param runs per seed
     */
    public record Row(String method, String label, Double compressionTarget, String plan, long sizeBytes,
            double compression, double weightsCompression, int fineTunes, JsonNode test, JsonNode testSd,
            Accuracy adi01d, Accuracy add01d, List<SeedRun> runs) {
        public Row {
            runs = List.copyOf(runs);
            testSd = testSd == null || testSd.isNull() ? null : testSd; // JSON null reads back as a NullNode
        }

        /** The first seed's run folder, relative to the comparison folder. */
        public String folder() {
            return runs.get(0).folder();
        }
    }

    /** Writes {@code CMP/results.json} atomically. */
    public void write(Path cmp) {
        Path file = cmp.resolve(FILE);
        try {
            AtomicFiles.write(file, (JSON.writeValueAsString(this) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code CMP/results.json}.
     *
     * @throws MqatFormatException naming the file when it is malformed, has unknown keys or another version
     */
    public static ComparisonResults read(Path cmp) {
        Path file = cmp.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(cmp + " has no " + FILE + "; run mqat compare first");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw MqatFormatException.at(file, String.valueOf(e.getMessage()).split("\n")[0]);
        }
        int version = tree.path("version").asInt(-1);
        if (version != VERSION) {
            throw MqatFormatException.at(file, "version " + tree.path("version") + " is not supported (newest: "
                    + VERSION + ")");
        }
        try {
            return JSON.treeToValue(tree, ComparisonResults.class);
        } catch (IOException e) {
            throw MqatFormatException.at(file, String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }

    /** This object as the JSON text {@code results.json} holds ({@code compare --json} prints it). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
