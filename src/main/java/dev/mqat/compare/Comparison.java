package dev.mqat.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.AtomicFiles;
import dev.mqat.data.BopDataset;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.EvalTarget;
import dev.mqat.eval.InstanceOutcome;
import dev.mqat.eval.PoseEvaluation;
import dev.mqat.eval.PoseEvaluator;
import dev.mqat.model.NetModule;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeReport;
import dev.mqat.run.Devices;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import dev.mqat.search.PairedStats;
import dev.mqat.search.Search;
import dev.mqat.search.SearchSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code mqat compare}: every method of {@link Method} at every compression asked for, each fine-tuned from the same
 * trained run with the same budget, then scored on the test split ({@code CMP/results.json}).
 *
 * <p>Folders under {@code CMP}: {@code compare.json} (the settings), one run folder per method and seed, each a
 * resumable {@link QuantizeJob} or {@link Search} folder with its own settings file, so the jobs could as well run on
 * other machines: {@code fp} (the FP control), {@code lsq-8bit}, {@code inq-4bit} (uniform baselines, named by their
 * bits: they do not depend on the target, and two targets that round to the same bits share one run),
 * {@code mqat-4x} (a search folder); seeds after the first add {@code -seed<k>}. The FP control is the search's own
 * control (same config), trained once and given to every search of its seed ({@link Search#startWith}); the searches
 * of one seed at other targets also take the first one's probes and Hessian traces, which do not depend on the
 * target.
 *
 * <p>{@code resume} continues with the stored settings: a finished run is read back, not run again; a started one
 * continues from its checkpoints. Scoring reads each run's {@code predictions-test.csv} (written by the run, or by an
 * evaluation here when missing) against the test split's ground truth, so every method is scored on the same
 * instances and the paired tests pair the same instances.
 */
public final class Comparison {
    /** The settings file of a comparison folder. */
    public static final String SETTINGS = "compare.json";
    private static final String TEST_PREDICTIONS = "predictions-test.csv";

    private Comparison() {}

    /** Receives what the comparison is doing; the CLI prints it. */
    public interface Listener {
        /** A line about a decision or a phase (the search's lines included). */
        void log(String line);

        /**
         * {@code done} of {@code total} fine-tunes of the whole comparison are finished (each of one budget, so the
         * count measures the work; evaluation and Hessian traces are not counted).
         */
        void progress(int done, int total, String detail);

        /** A listener that ignores everything. */
        Listener NONE = new Listener() {
            @Override
            public void log(String line) {}

            @Override
            public void progress(int done, int total, String detail) {}
        };
    }

    /** One run of the comparison: a method at a target (null for targets it does not depend on) and seed. */
    record Job(Method method, Double compression, int seed, String folder, boolean firstOfSeed) {}

    /**
     * Runs the comparison into {@code cmp} (new or empty), or continues it ({@code resume}: the settings stored in
     * {@code cmp} are used and {@code settings} is ignored), scores every run on the test split and writes
     * {@code CMP/results.json}.
     */
    public static ComparisonResults run(ComparisonSettings settings, Path cmp, boolean resume, Listener listener) {
        ComparisonSettings s = begin(settings, cmp, resume);
        List<Job> jobs = jobs(s);
        int total = jobs.stream().mapToInt(Comparison::units).sum();
        listener.progress(done(cmp, jobs), total, "starting");
        for (Job job : jobs) {
            String name = describe(job);
            listener.log("compare: " + name + " (" + job.folder() + ")");
            Runnable progress = () -> listener.progress(done(cmp, jobs), total, name);
            Path dir = cmp.resolve(job.folder());
            SearchSettings first = s.search(s.compressions().get(0), job.seed());
            // the one place that knows how each method makes its run folder
            Runnable work = switch (job.method()) {
                case FP -> () -> fineTune(Search.fineTuneConfig(first, BitPlan.fullPrecision(), List.of(),
                        ComparisonSettings.SEARCH_QUANTIZER, s.fineTune()), dir, listener);
                case LSQ, INQ -> () -> fineTune(Search.fineTuneConfig(first,
                        BitPlan.uniform(ComparisonSettings.uniformBits(job.compression())), List.of(),
                        job.method().quantizer(), s.fineTune()), dir, listener);
                case MQAT -> () -> search(s, cmp, job, jobs, line -> {
                    listener.log(line);
                    progress.run();
                });
                case LAYERWISE -> () -> layerwise(s, cmp, job, jobs, listener);
            };
            work.run();
            progress.run();
        }
        listener.log("compare: scoring every run on the test split");
        ComparisonResults results = score(s, cmp, jobs);
        results.write(cmp);
        return results;
    }

    /** Reads the settings of a started comparison in {@code cmp}. */
    public static ComparisonSettings storedSettings(Path cmp) {
        Path file = cmp.resolve(SETTINGS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(cmp + " is not a started comparison (no " + SETTINGS + ")");
        }
        try {
            return ComparisonResults.JSON.readValue(file.toFile(), ComparisonSettings.class);
        } catch (IOException e) {
            throw dev.mqat.MqatFormatException.at(file, String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }

    private static ComparisonSettings begin(ComparisonSettings settings, Path cmp, boolean resume) {
        if (resume) {
            return storedSettings(cmp);
        }
        if (Files.isDirectory(cmp)) {
            try (Stream<Path> entries = Files.list(cmp)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("comparison folder " + cmp
                            + " is not empty; use --resume to continue it or choose a new --out");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(cmp + ": " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(RunConfig.file(settings.sourceRun()))) {
            throw new IllegalArgumentException(settings.sourceRun() + " is not a run folder (no config.json)");
        }
        RunConfig source = RunConfig.read(settings.sourceRun());
        if (source.quantization() != null) {
            throw new IllegalArgumentException(settings.sourceRun() + " is a quantized run; compare starts from a "
                    + "trained float run");
        }
        // a missing GPU leaves no half-made comparison folder behind
        Devices.of(settings.device() == null ? source.device() : settings.device());
        try {
            AtomicFiles.writeString(cmp.resolve(SETTINGS), ComparisonResults.JSON.writeValueAsString(settings) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(cmp.resolve(SETTINGS) + ": " + e.getMessage(), e);
        }
        return settings;
    }

    /** The runs, seed by seed: the control, then per target the methods in {@link Method} order. */
    static List<Job> jobs(ComparisonSettings s) {
        List<Job> out = new ArrayList<>();
        for (int seed = 1; seed <= s.seeds(); seed++) {
            String suffix = seed == 1 ? "" : "-seed" + seed;
            out.add(new Job(Method.FP, null, seed, Method.FP.key() + suffix, true));
            List<Method> started = new ArrayList<>();
            for (double c : s.compressions()) {
                for (Method m : s.methods()) {
                    String folder = folder(m, c) + suffix;
                    if (out.stream().noneMatch(j -> j.folder().equals(folder))) {
                        out.add(new Job(m, c, seed, folder, !started.contains(m)));
                        started.add(m);
                    }
                }
            }
        }
        return out;
    }

    /** The first seed's folder of a method at a target: {@code fp}, {@code lsq-8bit}, {@code mqat-4x}. */
    static String folder(Method m, double compression) {
        return switch (m.family()) {
            case CONTROL -> m.key();
            case UNIFORM -> m.key() + "-" + ComparisonSettings.uniformBits(compression) + "bit";
            case TARGETED -> m.key() + "-" + target(compression);
        };
    }

    /** {@code 4x}, {@code 4.5x}. */
    public static String target(double compression) {
        return (compression == Math.rint(compression) ? String.valueOf((long) compression)
                : String.valueOf(compression)) + "x";
    }

    private static String describe(Job job) {
        return label(job.method(), job.compression()) + (job.seed() == 1 ? "" : ", seed " + job.seed());
    }

    /**
     * Whether a job's folder holds a finished run: its test predictions (written after its last checkpoint) and, for a
     * search or a layer-wise run, its result file. Checkpoints are not needed, so finished folders copied from
     * another machine without them count, and scoring and the report read only small files.
     */
    private static boolean finished(Job job, Path dir) {
        Path marker = switch (job.method()) {
            case MQAT -> dir.resolve(Search.RESULT);
            case LAYERWISE -> dir.resolve(LayerwiseMixedPrecision.RESULT);
            default -> dir.resolve(TEST_PREDICTIONS);
        };
        return Files.isRegularFile(dir.resolve(TEST_PREDICTIONS)) && Files.isRegularFile(marker);
    }

    /** Runs (or continues, or leaves alone when finished) one fine-tune, scoring the test split at its end. */
    private static void fineTune(RunConfig config, Path dir, Listener listener) {
        if (Files.isRegularFile(dir.resolve(TEST_PREDICTIONS)) || QuantizeJob.finished(dir).isPresent()) {
            listener.log("compare: " + dir.getFileName() + " is finished");
            return;
        }
        QuantizeJob.run(config, dir, Files.isRegularFile(RunConfig.file(dir)), true);
    }

    /**
     * Runs (or continues) a layer-wise baseline, or leaves it alone when its {@code layerwise.json} is written. A new
     * run after its seed's first takes that one's Hessian traces and layer costs, which do not depend on the target.
     */
    private static void layerwise(ComparisonSettings s, Path cmp, Job job, List<Job> jobs, Listener listener) {
        Path dir = cmp.resolve(job.folder());
        if (Files.isRegularFile(dir.resolve(LayerwiseMixedPrecision.RESULT))) {
            listener.log("compare: " + dir.getFileName() + " is finished");
            return;
        }
        LayerwiseSettings settings = new LayerwiseSettings(s.sourceRun(), s.data(), dir, job.compression(),
                LayerwiseSettings.DEFAULT_BITS, Math.max(2, s.hessianSamples()), s.fineTune(), Granularity.PER_TENSOR,
                s.checkpointEverySteps(), s.depthCalibrationImages(), s.validationImages(),
                job.seed() == 1 ? RunConfig.read(s.sourceRun()).train().seed() : s.fineTuneSeed(job.seed()), s.device(),
                Files.isDirectory(dir.resolve(LayerwiseMixedPrecision.WORK)), s.command(), s.learningRate());
        if (!settings.resume() && !job.firstOfSeed()) {
            Path donor = cmp.resolve(jobs.stream().filter(j -> j.method() == Method.LAYERWISE
                    && j.seed() == job.seed() && j.firstOfSeed()).findFirst().orElseThrow().folder());
            if (LayerwiseMixedPrecision.startWith(settings, donor)) {
                listener.log("compare: " + job.folder() + " takes the Hessian traces of " + donor.getFileName());
            }
            settings = settings.withResume(true);
        }
        LayerwiseMixedPrecision.run(settings, listener::log);
    }

    /**
     * Runs (or continues) the search of a job. A new search takes its seed's FP control and, after the first target,
     * the first search's probes and Hessian traces.
     */
    private static void search(ComparisonSettings s, Path cmp, Job job, List<Job> jobs,
            java.util.function.Consumer<String> log) {
        Path srun = cmp.resolve(job.folder());
        if (Files.isRegularFile(srun.resolve(Search.RESULT))) {
            log.accept("compare: " + job.folder() + " is finished");
            return;
        }
        if (!Files.isDirectory(srun.resolve("search"))) {
            Path control = cmp.resolve(jobs.stream().filter(j -> j.method() == Method.FP && j.seed() == job.seed())
                    .findFirst().orElseThrow().folder());
            Path donor = job.firstOfSeed() ? null : cmp.resolve(jobs.stream()
                    .filter(j -> j.method() == Method.MQAT && j.seed() == job.seed() && j.firstOfSeed())
                    .findFirst().orElseThrow().folder());
            List<String> taken = Search.startWith(s.search(job.compression(), job.seed()), srun,
                    Files.isDirectory(control) ? List.of(control) : List.of(), donor);
            log.accept("compare: the search at " + target(job.compression()) + " takes "
                    + (taken.isEmpty() ? "no finished fine-tune" : String.join(", ", taken)) + " from earlier runs");
        }
        Search.run(null, srun, true, log);
    }

    /** Fine-tunes a job makes: a search's probes (the first of its seed) and stages, one for any other run. */
    private static int units(Job job) {
        int modules = NetModule.values().length;
        return job.method() == Method.MQAT ? (job.firstOfSeed() ? modules : 0) + modules : 1;
    }

    /** Finished fine-tunes of the comparison, counted from the checkpoints on disk. */
    private static int done(Path cmp, List<Job> jobs) {
        int n = 0;
        for (Job job : jobs) {
            Path dir = cmp.resolve(job.folder());
            int found;
            if (finished(job, dir)) {
                found = units(job); // a finished run, whatever its inside
            } else if (job.method() == Method.MQAT) {
                found = stageCheckpoints(dir.resolve("search").resolve("gradated"));
                if (job.firstOfSeed()) {
                    for (NetModule m : NetModule.values()) {
                        found += stageCheckpoints(dir.resolve("search").resolve("probe-" + m.key()));
                    }
                }
            } else {
                found = stageCheckpoints(dir);
            }
            n += Math.min(found, units(job));
        }
        return n;
    }

    private static int stageCheckpoints(Path qrun) {
        Path stages = qrun.resolve("stages");
        if (!Files.isDirectory(stages)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(stages)) {
            return (int) dirs.filter(d -> Files.isRegularFile(d.resolve("stage.ckpt"))).count();
        } catch (IOException e) {
            throw new UncheckedIOException(stages + ": " + e.getMessage(), e);
        }
    }

    /** One run scored: its outcomes per test instance, metrics and size. */
    private record Scored(Job job, PoseEvaluation evaluation, boolean[] adiHits, boolean[] addHits, String plan,
            SizeReport size, long trainSeed, int fineTunes) {}

    private static ComparisonResults score(ComparisonSettings s, Path cmp, List<Job> jobs) {
        RunConfig source = RunConfig.read(s.sourceRun());
        Path data = (s.data() != null ? s.data() : Path.of(source.data())).toAbsolutePath().normalize();
        List<EvalTarget> targets = PoseEvaluator.targets(BopDataset.open(data), "test");
        Map<String, Scored> byFolder = new LinkedHashMap<>();
        for (Job job : jobs) {
            byFolder.put(job.folder(), scoreRun(cmp, job, targets));
        }
        long fp32 = byFolder.values().iterator().next().size().fp32Bytes();
        List<ComparisonResults.Row> rows = new ArrayList<>();
        rows.add(row(s, Method.FP, null, jobs, byFolder));
        for (double c : s.compressions()) {
            for (Method m : s.methods()) {
                if (m != Method.FP) {
                    rows.add(row(s, m, c, jobs, byFolder));
                }
            }
        }
        return new ComparisonResults(ComparisonResults.VERSION, s.sourceRun().toString(), data.toString(), s.budget(),
                fineTuneText(s), s.seeds(), s.compressions(), fp32, targets.size(), rows);
    }

    /** A fine-tune's budget and base learning rate, as the report states them, e.g. {@code 316 steps at lr 0.0004}. */
    static String fineTuneText(ComparisonSettings s) {
        double lr = QuantizeJob.learningRate("learning rate", s.learningRate());
        return s.fineTune() + " at lr " + java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString();
    }

    private static Scored scoreRun(Path cmp, Job job, List<EvalTarget> targets) {
        Path dir = cmp.resolve(job.folder());
        Path csv = dir.resolve(TEST_PREDICTIONS);
        if (!Files.isRegularFile(csv)) {
            RunEvaluation.evaluate(dir, null, "test");
        }
        PoseEvaluation e = PoseEvaluator.evaluate(targets, Bop19Csv.read(csv));
        boolean[] adi = new boolean[targets.size()];
        boolean[] add = new boolean[targets.size()];
        for (int i = 0; i < adi.length; i++) {
            InstanceOutcome o = e.instances().get(i);
            adi[i] = o.adiBelow(0.1);
            add[i] = o.addBelow(0.1);
        }
        RunConfig cfg = RunConfig.read(dir);
        BitPlan plan = plan(dir, cfg);
        Granularity g = cfg.quantization() == null ? Granularity.PER_TENSOR : cfg.quantization().granularity();
        int fineTunes = cfg.quantization() == null ? 1 : cfg.quantization().stages().size();
        return new Scored(job, e, adi, add, plan.isQuantized() ? plan.toShortString() : BitPlan.FULL_PRECISION,
                Quantization.size(cfg.model(), plan, g), cfg.train().seed(), fineTunes);
    }

    /** A finished run's plan: as its best checkpoint holds it, or as its config asked when checkpoints were dropped. */
    private static BitPlan plan(Path dir, RunConfig cfg) {
        if (!Files.isRegularFile(RunEvaluation.bestCheckpoint(dir))) {
            return cfg.quantization() == null ? BitPlan.fullPrecision() : cfg.quantization().plan();
        }
        String found = QuantizedCheckpoints.inspect(dir).plan();
        return found.isEmpty() ? BitPlan.fullPrecision() : BitPlan.parse(found);
    }

    private static ComparisonResults.Row row(ComparisonSettings s, Method m, Double c, List<Job> jobs,
            Map<String, Scored> byFolder) {
        List<Scored> runs = new ArrayList<>();
        List<Scored> controls = new ArrayList<>();
        for (int seed = 1; seed <= s.seeds(); seed++) {
            String suffix = seed == 1 ? "" : "-seed" + seed;
            runs.add(byFolder.get((c == null ? folder(m, 1) : folder(m, c)) + suffix));
            controls.add(byFolder.get(folder(Method.FP, 1) + suffix));
        }
        List<ComparisonResults.SeedRun> seedRuns = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Scored r = runs.get(i);
            Scored fp = m == Method.FP ? null : controls.get(i);
            seedRuns.add(new ComparisonResults.SeedRun(i + 1, r.trainSeed(), r.job().folder(), r.plan(),
                    r.size().quantizedBytes(), r.evaluation().result().toJsonNode(),
                    accuracy(List.of(r.adiHits()), fp == null ? null : List.of(fp.adiHits())),
                    accuracy(List.of(r.addHits()), fp == null ? null : List.of(fp.addHits())), bits(r.adiHits()),
                    bits(r.addHits())));
        }
        Scored first = runs.get(0);
        List<JsonNode> tests = seedRuns.stream().map(ComparisonResults.SeedRun::test).toList();
        List<boolean[]> fpAdi = m == Method.FP ? null : controls.stream().map(Scored::adiHits).toList();
        List<boolean[]> fpAdd = m == Method.FP ? null : controls.stream().map(Scored::addHits).toList();
        return new ComparisonResults.Row(m.key(), label(m, c), c, first.plan(), first.size().quantizedBytes(),
                first.size().compression(), first.size().weightsCompression(), first.fineTunes(), mean(tests),
                tests.size() > 1 ? sd(tests) : null, accuracy(runs.stream().map(Scored::adiHits).toList(), fpAdi),
                accuracy(runs.stream().map(Scored::addHits).toList(), fpAdd), seedRuns);
    }

    /** How tables name a row: {@code FP control}, {@code uniform LSQ 8-bit}, {@code MQAT 4x}. */
    static String label(Method m, Double c) {
        return switch (m.family()) {
            case CONTROL -> m.label();
            case UNIFORM -> m.label() + " " + ComparisonSettings.uniformBits(c) + "-bit";
            case TARGETED -> m.label() + " " + target(c);
        };
    }

    /**
     * The rate over seeds (one outcome array per seed), its spread, the Wilson interval of the pooled outcomes and the
     * paired test against the control of each seed (null {@code controls} for the control itself).
     */
    static ComparisonResults.Accuracy accuracy(List<boolean[]> seeds, List<boolean[]> controls) {
        int successes = 0;
        int trials = 0;
        double[] rates = new double[seeds.size()];
        for (int i = 0; i < rates.length; i++) {
            int k = count(seeds.get(i));
            successes += k;
            trials += seeds.get(i).length;
            rates[i] = 100.0 * k / seeds.get(i).length;
        }
        double mean = 0;
        for (double r : rates) {
            mean += r / rates.length;
        }
        Double sd = null;
        if (rates.length > 1) {
            double ss = 0;
            for (double r : rates) {
                ss += (r - mean) * (r - mean);
            }
            sd = Math.sqrt(ss / (rates.length - 1));
        }
        PairedStats.WilsonInterval w = PairedStats.wilson95(successes, trials);
        Integer gained = null;
        Integer lost = null;
        Double p = null;
        if (controls != null) {
            double worst = 0;
            for (int i = 0; i < seeds.size(); i++) {
                PairedStats.McNemarTest t = PairedStats.mcnemarExact(controls.get(i), seeds.get(i));
                worst = Math.max(worst, t.pValue());
                if (seeds.size() == 1) {
                    gained = t.n01();
                    lost = t.n10();
                }
            }
            p = worst;
        }
        return new ComparisonResults.Accuracy(mean, sd, w.lowPercent(), w.highPercent(), gained, lost, p);
    }

    private static int count(boolean[] hits) {
        int k = 0;
        for (boolean h : hits) {
            k += h ? 1 : 0;
        }
        return k;
    }

    private static String bits(boolean[] hits) {
        StringBuilder sb = new StringBuilder(hits.length);
        for (boolean h : hits) {
            sb.append(h ? '1' : '0');
        }
        return sb.toString();
    }

    /** The mean over seeds of every number of the {@code eval --json} objects (a null anywhere gives null). */
    static JsonNode mean(List<JsonNode> nodes) {
        return combine(nodes, true, values -> {
            double m = 0;
            for (double v : values) {
                m += v / values.length;
            }
            return m;
        });
    }

    /** The sample standard deviation over seeds of every number of the objects. */
    static JsonNode sd(List<JsonNode> nodes) {
        return combine(nodes, false, values -> {
            double m = 0;
            for (double v : values) {
                m += v / values.length;
            }
            double ss = 0;
            for (double v : values) {
                ss += (v - m) * (v - m);
            }
            return Math.sqrt(ss / (values.length - 1));
        });
    }

    /** Applies {@code f} to each number across the objects; {@code keepCounts}: equal integers are kept as they are. */
    private static JsonNode combine(List<JsonNode> nodes, boolean keepCounts,
            java.util.function.ToDoubleFunction<double[]> statistic) {
        JsonNode first = nodes.get(0);
        if (first.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                out.set(k, combine(nodes.stream().map(n -> n.path(k)).toList(), keepCounts, statistic));
            }
            return out;
        }
        if (first.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < first.size(); i++) {
                int index = i;
                out.add(combine(nodes.stream().map(n -> n.path(index)).toList(), keepCounts, statistic));
            }
            return out;
        }
        if (keepCounts && first.isIntegralNumber() && nodes.stream().allMatch(n -> n.equals(first))) {
            return first.deepCopy(); // counts are the same in every seed
        }
        double[] values = new double[nodes.size()];
        for (int i = 0; i < values.length; i++) {
            if (!nodes.get(i).isNumber()) {
                return JsonNodeFactory.instance.nullNode();
            }
            values[i] = nodes.get(i).asDouble();
        }
        return JsonNodeFactory.instance.numberNode(statistic.applyAsDouble(values));
    }
}
