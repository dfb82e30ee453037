package dev.mqat.compare;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.quant.Quantization;
import dev.mqat.run.Devices;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizeSettings;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import dev.mqat.search.HessianTrace;
import dev.mqat.search.StoredHessian;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The layer-wise mixed-precision baseline in the manner of HAWQ-V3 (Yao et al., ICML 2021; issue 23, DESIGN.md
 * section 7, baselines): per-layer Hessian-trace sensitivity, bits per layer from an integer linear program under the
 * size budget MQAT gets, then LSQ quantization-aware training of every layer at once.
 *
 * <p>Steps, each kept in {@code OUT/layerwise/} so that a run killed at any point continues with
 * {@link LayerwiseSettings#resume()} and ends with the same files: {@code settings.json}; Hutchinson traces of every
 * conv of the source's best checkpoint ({@code hessian.json}, the search's estimator and file,
 * {@link StoredHessian}); per layer and candidate bit-width {@code Omega_l(b)} ({@code sensitivity.json},
 * {@link LayerSensitivity}); the bits ({@link LayerBitAllocation}, deterministic, solved again on resume); the
 * fine-tune ({@code qat/}, a {@link QuantizeJob} folder with its own {@code config.json}, resumable from its
 * checkpoints). Then the fine-tune's run files are published into {@code OUT} ({@link QuantizeJob#publish}: {@code
 * config.json}, {@code checkpoints/best.ckpt}, {@code metrics-test.json}, {@code predictions-test.csv}) and
 * {@code OUT/layerwise.json} records the decisions ({@link Summary}).
 *
 * <p>Deviations from HAWQ-V3: weights only, as MQAT (activations stay float); the quantizer is LSQ with a learned
 * step, not HAWQ-V3's min/max uniform quantizer, so that the baseline differs from uniform LSQ only in its bits; no
 * BOPs or latency constraint. The decisions are in {@code docs/decisions.md}.
 */
public final class LayerwiseMixedPrecision {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    static final String WORK = "layerwise";
    static final String SETTINGS = "settings.json";
    static final String HESSIAN = "hessian.json";
    static final String SENSITIVITY = "sensitivity.json";
    static final String FINE_TUNE = "qat";
    /** The decisions in a finished run folder. */
    public static final String RESULT = "layerwise.json";

    private LayerwiseMixedPrecision() {}

    /**
     * How the traces were sampled.
     *
     * @param samples Rademacher samples taken
     * @param settled whether every layer met the 5 % relative tolerance before the sample limit
     * @param batchSize training images per sample
     */
    public record HessianSummary(int samples, boolean settled, int batchSize) {}

    /**
     * One conv layer's row of {@code layerwise.json}.
     *
     * @param curved whether the trace is positive; a flat layer's bits come from what the curved ones leave of the
     *     budget ({@link LayerBitAllocation})
     * @param omega bit-width to {@code Omega_l(b)}
     * @param squaredError bit-width to {@code ||Q_b(W) - W||^2} at LSQ's initial step
     * @param bits the bit-width chosen
     */
    public record LayerRow(String layer, String module, long weightCount, double hessianTrace,
            double traceStandardError, boolean curved, Map<Integer, Double> squaredError, Map<Integer, Double> omega,
            int bits) {}

    /**
     * Everything the baseline decided ({@code OUT/layerwise.json}).
     *
     * @param source the source run folder
     * @param compressionTarget the compression asked for
     * @param budget the fine-tuning budget, e.g. {@code 200 steps}
     * @param omegaSum {@code sum_l Omega_l(b_l)} over the curved layers at the chosen bits
     * @param plan the chosen plan ({@code model inspect}'s form)
     * @param sizeBytes the whole model's bytes under the plan; {@code fp32Bytes} without quantization;
     *     {@code budgetBytes} the most the plan may take
     * @param compression {@code fp32Bytes / sizeBytes}
     * @param weightsCompression the same over the conv weights alone (scales included)
     * @param solver the ILP solver and version; {@code solverState} its final state on the Omega program,
     *     {@code fillState} on the flat layers' (null when there is none)
     * @param fineTune the fine-tune's folder, relative to the run folder
     * @param valAdi01d validation ADI-0.1d after the fine-tune, percent (null without a validation split)
     * @param test test metrics in {@code eval --json}'s form (null without a test split)
     */
    public record Summary(String source, String quantizer, String granularity, List<Integer> bits,
            double compressionTarget, String budget, HessianSummary hessian, List<LayerRow> layers, double omegaSum,
            String plan, long sizeBytes, long fp32Bytes, long budgetBytes, double compression,
            double weightsCompression, String solver, String solverState, String fillState, String fineTune,
            Double valAdi01d, JsonNode test) {}

    /**
     * Runs the baseline, or continues it ({@link LayerwiseSettings#resume()}), reporting nothing.
     *
     * @throws IllegalArgumentException when the output folder is in use by other work or by a run with other settings,
     *     the source is not a trained float run, or the budget cannot be met with the candidate bits
     */
    public static LayerwiseResult run(LayerwiseSettings settings) {
        return run(settings, line -> {});
    }

    /**
     * As {@link #run(LayerwiseSettings)}, telling {@code log} one line per step (the fine-tune's own progress goes
     * where {@link QuantizeJob}'s does).
     */
    public static LayerwiseResult run(LayerwiseSettings settings, Consumer<String> log) {
        LayerwiseSettings s = begin(settings);
        Path work = s.out().resolve(WORK);
        Allocated allocated = allocate(s, work, log);
        LayerBitAllocation allocation = allocated.allocation();

        Path source = s.sourceRun();
        QuantizeSettings q = new QuantizeSettings(source.toString(), RunEvaluation.bestCheckpoint(source).toString(),
                allocation.plan(), List.of(), QuantizerKind.LSQ, s.granularity(), s.budget().epochs(),
                s.budget().steps(), 0, s.checkpointEverySteps());
        Path qat = work.resolve(FINE_TUNE);
        boolean started = Files.isRegularFile(RunConfig.file(qat));
        if (started && !RunConfig.read(qat).quantization().plan().equals(q.plan())) {
            throw new IllegalStateException(qat + " fine-tunes plan '" + RunConfig.read(qat).quantization().plan().text()
                    + "' but the allocation now gives '" + q.plan().text() + "'; remove " + qat + " to fine-tune again");
        }
        QuantizeJob.Result tuned = QuantizeJob.finished(qat).orElse(null);
        if (tuned == null) {
            log.accept("layerwise: " + (started ? "continuing" : "starting") + " the LSQ fine-tune of every layer, "
                    + s.budget());
            RunConfig config = QuantizeJob.configFor(source, s.data(), q, null, s.learningRate(), s.device(),
                    s.command());
            config = QuantizeJob.withValidationImages(QuantizeJob.withDepthCalibrationImages(config,
                    s.depthCalibrationImages()), s.validationImages());
            config = config.withTrain(config.train().withSeed(s.seed()));
            tuned = QuantizeJob.run(config, qat, started, true);
        }
        QuantizeJob.publish(qat, s.out());

        EvaluationResult validation = tuned.stages().get(tuned.stages().size() - 1).validation();
        EvaluationResult test = tuned.test();
        StoredHessian hessian = allocated.hessian();
        List<LayerRow> rows = new ArrayList<>();
        for (LayerSensitivity l : allocated.sensitivities()) {
            rows.add(new LayerRow(l.layer(), l.module(), l.weightCount(), l.hessianTrace(), l.traceStandardError(),
                    l.curved(), l.squaredError(), l.omega(), allocation.bitsByLayer().get(l.layer())));
        }
        Summary summary = new Summary(source.toString(), "lsq", s.granularity().name().toLowerCase(Locale.ROOT),
                s.bits(), s.compression(), s.budget().toString(),
                new HessianSummary(hessian.traces().samples(), hessian.traces().settled(), hessian.batchSize()), rows,
                allocation.omegaSum(), allocation.plan().toString(), allocation.size().quantizedBytes(),
                allocation.size().fp32Bytes(), allocation.budgetBytes(), allocation.compression(),
                allocation.size().weightsCompression(), allocation.solver(), allocation.solverState(),
                allocation.fillState(), WORK + "/" + FINE_TUNE, validation == null ? null : validation.overall().adi01d(),
                test == null ? null : test.toJsonNode());
        writeJson(s.out().resolve(RESULT), summary);
        log.accept(String.format(Locale.ROOT, "layerwise: done, %.2fx, val ADI-0.1d %s, test ADI-0.1d %s",
                allocation.compression(), validation == null ? "-" : String.format(Locale.ROOT, "%.2f%%",
                        validation.overall().adi01d()),
                test == null ? "-" : String.format(Locale.ROOT, "%.2f%%", test.overall().adi01d())));
        return new LayerwiseResult(allocation.plan(), allocation.size(), validation, test, s.out());
    }

    /**
     * The bits the baseline would fine-tune with: starts the run in {@code settings.out()} (or continues it) up to
     * the allocation, without fine-tuning. Sampling the traces is the slow part; {@link #run} reuses them.
     *
     * @param log told one line per step
     */
    public static LayerBitAllocation allocation(LayerwiseSettings settings, Consumer<String> log) {
        LayerwiseSettings s = begin(settings);
        return allocate(s, s.out().resolve(WORK), log).allocation();
    }

    /**
     * Starts the run of {@code settings} (new or empty folder) with the Hessian traces and layer costs of the started
     * run {@code donor}, when the donor measured them with the same settings but for the size target: they depend
     * on the source network, the sampling and the candidate bits, not on the target. {@link #run} with
     * {@code resume} then continues it.
     *
     * @return whether the traces were taken
     */
    public static boolean startWith(LayerwiseSettings settings, Path donor) {
        LayerwiseSettings s = begin(settings.withResume(false));
        Path from = donor.resolve(WORK);
        if (!Files.isRegularFile(from.resolve(SETTINGS)) || !Files.isRegularFile(from.resolve(HESSIAN))
                || !Files.isRegularFile(from.resolve(SENSITIVITY))) {
            return false;
        }
        LayerwiseSettings d;
        try {
            d = JSON.readValue(from.resolve(SETTINGS).toFile(), LayerwiseSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException(from.resolve(SETTINGS) + ": " + e.getMessage(), e);
        }
        LayerwiseSettings asDonor = s.withCompression(d.compression());
        if (firstDifference(d, asDonor) != null) {
            return false;
        }
        Path work = s.out().resolve(WORK);
        AtomicFiles.copy(from.resolve(HESSIAN), work.resolve(HESSIAN));
        AtomicFiles.copy(from.resolve(SENSITIVITY), work.resolve(SENSITIVITY));
        return true;
    }

    /** Reads {@code layerwise.json} of a finished run folder. */
    public static Summary readSummary(Path folder) {
        Path file = folder.resolve(RESULT);
        try {
            return JSON.readValue(file.toFile(), Summary.class);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The traces, the layer costs and the bits of a run. */
    private record Allocated(StoredHessian hessian, List<LayerSensitivity> sensitivities,
            LayerBitAllocation allocation) {}

    private static Allocated allocate(LayerwiseSettings s, Path work, Consumer<String> log) {
        RunConfig read = RunConfig.read(s.sourceRun());
        RunConfig source = s.device() == null ? read : read.withDevice(s.device()); // config.json is not rewritten
        Path checkpoint = RunEvaluation.bestCheckpoint(s.sourceRun());
        HessianTrace.Settings sampling = HessianTrace.Settings.defaults().withMaxSamples(s.hessianSamples())
                .withSeed(s.seed());
        StoredHessian hessian = StoredHessian.readOrEstimate(sampling, source, s.data(), checkpoint,
                work.resolve(HESSIAN), line -> log.accept("layerwise: " + line));
        Path sensitivityFile = work.resolve(SENSITIVITY);
        List<LayerSensitivity> sensitivities;
        if (Files.isRegularFile(sensitivityFile)) {
            sensitivities = readSensitivities(work);
        } else {
            try (NDManager manager = NDManager.newBaseManager(Devices.of(source.device()))) {
                PoseNet net = QuantizedCheckpoints.load(checkpoint, manager);
                sensitivities = LayerSensitivity.measure(net, hessian.traces(), s.bits(), s.granularity());
            }
            writeJson(sensitivityFile, sensitivities);
        }
        LayerBitAllocation allocation = LayerBitAllocation.solve(
                Quantization.layerInfos(PoseNet.build(source.model())), s.granularity(), sensitivities,
                s.compression());
        long flat = sensitivities.stream().filter(l -> !l.curved()).count();
        log.accept(String.format(Locale.ROOT, "layerwise: %d layers (%d flat), plan %s: %.2fx (target %.2fx), sum "
                + "Omega %.4g, %s", allocation.bitsByLayer().size(), flat, allocation.plan(), allocation.compression(),
                s.compression(), allocation.omegaSum(), allocation.solver()));
        return new Allocated(hessian, sensitivities, allocation);
    }

    /** The settings to run with: the stored ones of a started run to continue, else {@code settings}, stored. */
    private static LayerwiseSettings begin(LayerwiseSettings settings) {
        Path stored = settings.out().resolve(WORK).resolve(SETTINGS);
        if (settings.resume() && Files.isRegularFile(stored)) {
            LayerwiseSettings before;
            try {
                before = JSON.readValue(stored.toFile(), LayerwiseSettings.class);
            } catch (IOException e) {
                throw new UncheckedIOException(stored + ": " + e.getMessage(), e);
            }
            String differs = firstDifference(before, settings);
            if (differs != null) {
                throw new IllegalArgumentException(stored + ": the started run has " + differs + "; resume with the "
                        + "settings it started with or choose a new output folder");
            }
            return before.withOut(settings.out()).withResume(true);
        }
        if (Files.isDirectory(settings.out())) {
            try (var entries = Files.list(settings.out())) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("layer-wise run folder " + settings.out() + " is not empty"
                            + (settings.resume() ? " and holds no started layer-wise run (no " + WORK + "/" + SETTINGS
                                    + ")" : "; resume to continue it or choose a new folder"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(settings.out() + ": " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(RunConfig.file(settings.sourceRun()))) {
            throw new IllegalArgumentException(settings.sourceRun() + " is not a run folder (no config.json)");
        }
        if (RunConfig.read(settings.sourceRun()).quantization() != null) {
            throw new IllegalArgumentException(settings.sourceRun() + " is a quantized run; the layer-wise baseline "
                    + "starts from a trained float run");
        }
        writeJson(stored, settings);
        return settings;
    }

    /**
     * The first setting in which {@code before} and {@code now} differ, as {@code key 'stored' (asked: 'now')};
     * null when they agree. The output folder, the resume flag and the command line may differ.
     */
    private static String firstDifference(LayerwiseSettings before, LayerwiseSettings now) {
        JsonNode a = JSON.valueToTree(before.withOut(now.out()).withResume(false).withCommand(List.of()));
        JsonNode b = JSON.valueToTree(now.withResume(false).withCommand(List.of()));
        for (Iterator<String> keys = a.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!a.get(key).equals(b.get(key))) {
                return key + " " + a.get(key) + " (asked: " + b.get(key) + ")";
            }
        }
        return null;
    }

    private static List<LayerSensitivity> readSensitivities(Path work) {
        Path file = work.resolve(SENSITIVITY);
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<LayerSensitivity>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
