package dev.mqat.search;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.InstanceOutcome;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.Devices;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizeSettings;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code mqat search}: the MQAT algorithm (paper Algorithm 1; DESIGN.md section 7) on a trained float run.
 *
 * <p>Phase A fine-tunes the FP control (nothing quantized) and one probe per module (only that module at 2 bits),
 * each for the probe budget from the same source checkpoint, and compares every probe with the control on the same
 * validation images (Wilson interval, exact McNemar). Phase B: the winning probe's module first (kept at 2 bits; the
 * gradated run adopts the probe's fine-tuned network instead of training it again), then the other modules by
 * ascending parameter count. Phase C: Hutchinson Hessian traces of the network the flow starts from (the winning
 * probe, or the source), Omega per module and candidate bit-width, and the exact minimum of sum Omega under the size
 * budget (every combination of the free modules' bits is counted: 4^2 of them with three modules). Then the
 * gradated quantization along the flow ({@link QuantizeJob}, one stage per module).
 *
 * <p>Files: {@code SRUN/search/settings.json}, one {@link QuantizeJob} folder per fine-tune
 * ({@code fp-control}, {@code probe-<module>}, {@code gradated}, and for the verification modes
 * {@code cube-<modules>} and {@code flow-<a>-<b>-<c>}), {@code SRUN/search/hessian.json}; at the end
 * {@code SRUN/search.json} and, copied from {@code gradated}, the run files that {@code eval}, {@code predict},
 * {@code model inspect} and {@code size} read ({@code config.json}, {@code checkpoints/best.ckpt},
 * {@code metrics-test.json}). Every fine-tune is resumable on its own, so a search killed at any point continues
 * with {@code resume} and ends with the same files as an uninterrupted one.
 */
public final class Search {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    static final String WORK = "search";
    static final String SETTINGS = "settings.json";
    static final String HESSIAN = "hessian.json";
    /** The search's decisions in a finished SRUN. */
    public static final String RESULT = "search.json";
    static final String CONTROL = "fp-control";
    static final String GRADATED = "gradated";

    private Search() {}

    /**
     * A fine-tune compared with the FP control on the validation split.
     *
     * @param modules modules at 2 bits (empty for the control itself)
     * @param valAdi01d validation ADI-0.1d, percent
     * @param interval its 95 % Wilson interval, percent
     * @param mcnemar exact paired test against the control on the same images (null for the control);
     *     (control as method A: {@code n01} instances this fine-tune gained, {@code n10} instances it lost)
     * @param beatsFp whether the rule counts it as better than full precision
     * @param folder its run folder
     */
    public record Arm(List<String> modules, double valAdi01d, double[] interval, PairedStats.McNemarTest mcnemar,
            boolean beatsFp, String folder) {}

    /**
     * A stage of the gradated quantization.
     *
     * @param module the module quantized in the stage
     * @param bits its bits
     * @param valAdi01d validation ADI-0.1d after the stage, percent
     * @param adopted whether the stage is the winning probe's network, not trained again
     */
    public record Stage(String module, int bits, double valAdi01d, boolean adopted) {}

    /**
     * Everything {@code mqat search} decided ({@code SRUN/search.json}).
     *
     * @param omega module key to bit-width to Omega
     * @param plan the chosen plan, short form ({@code 8-2-8})
     * @param compression whole-model fp32 bytes / quantized bytes under the plan (as {@code mqat size} counts)
     * @param test test metrics of the result in {@code eval --json}'s form, null without a test split
     */
    public record Result(String source, String quantizer, List<Integer> bits, double compressionTarget,
            String probeBudget, String stageBudget, String rule, Arm fpControl, List<Arm> probes, String winner,
            List<String> flow, HessianSummary hessian, List<HessianTrace.LayerTrace> hessianTrace,
            Map<String, Map<Integer, Double>> omega, String plan, double compression, long sizeBytes, long fp32Bytes,
            List<Stage> stages, JsonNode test) {}

    /** How the traces were sampled. */
    public record HessianSummary(String network, int samples, boolean settled, int batchSize) {}

    /**
     * Runs the search into {@code srun} (new or empty), or continues it ({@code resume}: the settings stored in
     * {@code srun} are used and {@code settings} is ignored).
     *
     * @param log receives one line per decision and phase
     */
    public static Result run(SearchSettings settings, Path srun, boolean resume, Consumer<String> log) {
        SearchSettings s = begin(settings, srun, resume);
        Path work = srun.resolve(WORK);
        RunConfig source = source(s);

        // Phase A: FP control and probes
        PhaseA a = phaseA(s, work, log);

        // Phase B: flow
        Map<NetModule, Long> params = parameterCounts(s);
        List<NetModule> bySize = new ArrayList<>(params.keySet());
        bySize.sort(Comparator.comparingLong(params::get));
        NetModule winner = a.winner(bySize);
        List<NetModule> flow = new ArrayList<>();
        if (winner != null) {
            flow.add(winner);
        }
        bySize.stream().filter(m -> m != winner).forEach(flow::add);
        log.accept(winner == null
                ? "search: no probe beats the FP control; flow by ascending size: " + keys(flow)
                : "search: " + winner.key() + " at 2 bits beats the FP control; flow " + keys(flow));

        // Phase C: Hessian traces, Omega, bits
        Path start = winner == null ? RunEvaluation.bestCheckpoint(s.sourceRun())
                : stageCheckpoint(work.resolve(probeFolder(List.of(winner))));
        StoredHessian stored = StoredHessian.readOrEstimate(s.hessian(), source, s.data(), start,
                work.resolve(HESSIAN), line -> log.accept("search: phase C: " + line));
        HessianTrace.Result traces = stored.traces();
        List<NetModule> free = flow.stream().filter(m -> m != winner).toList();
        ModuleImportance importance;
        BitAllocation allocation;
        try (NDManager manager = NDManager.newBaseManager(Devices.of(source.device()))) {
            PoseNet net = QuantizedCheckpoints.load(start, manager);
            importance = ModuleImportance.measure(net, traces.tracesByLayer(), free, s.bits(), s.quantizer(),
                    Granularity.PER_TENSOR);
            allocation = BitAllocation.solve(Quantization.layerInfos(net), Granularity.PER_TENSOR,
                    importance.omega(), winner == null ? Map.of() : Map.of(winner, SearchSettings.PROBE_BITS),
                    s.compression());
        }
        log.accept(String.format(Locale.ROOT, "search: plan %s, %.2fx (target %.2fx), sum Omega %.4g",
                allocation.plan().toShortString(), allocation.compression(), s.compression(), allocation.omegaSum()));

        // gradated quantization
        QuantizeSettings q = quantizeSettings(s, allocation.plan(), keys(flow), s.stage());
        RunConfig config = configFor(s, q);
        Path gradated = work.resolve(GRADATED);
        boolean adopt = winner != null && s.probe().equals(s.stage());
        QuantizeJob.Result g = QuantizeJob.finished(gradated).orElse(null);
        if (g == null) {
            boolean started = Files.isRegularFile(RunConfig.file(gradated));
            if (!started && adopt) {
                QuantizeJob.startFromFirstStage(config, gradated, work.resolve(probeFolder(List.of(winner))));
                started = true;
            }
            log.accept("search: gradated quantization along " + keys(flow));
            g = QuantizeJob.run(config, gradated, started, true);
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < flow.size(); i++) {
            EvaluationResult v = g.stages().get(i).validation();
            stages.add(new Stage(flow.get(i).key(), allocation.bitsOf(flow.get(i)), v.overall().adi01d(),
                    adopt && i == 0));
        }
        QuantizeJob.publish(gradated, srun);

        Map<String, Map<Integer, Double>> omega = new LinkedHashMap<>();
        importance.omega().forEach((m, byBits) -> omega.put(m.key(), byBits));
        Result result = new Result(s.sourceRun().toString(), s.quantizer().name().toLowerCase(Locale.ROOT), s.bits(),
                s.compression(), s.probe().toString(), s.stage().toString(), s.rule(), a.control(), a.probes(),
                winner == null ? null : winner.key(), keys(flow),
                new HessianSummary(winner == null ? "source" : probeFolder(List.of(winner)), traces.samples(),
                        traces.settled(), stored.batchSize()),
                traces.layers(), omega, allocation.plan().toShortString(), allocation.compression(),
                allocation.size().quantizedBytes(), allocation.size().fp32Bytes(), stages,
                g.test() == null ? null : g.test().toJsonNode());
        writeJson(srun.resolve(RESULT), result);
        return result;
    }

    /** One row of the cube: the modules at 2 bits and the scores after the probe budget. */
    public record CubeRow(List<String> modules, double valAdi01d, double[] valInterval, double testAdi01d,
            String folder) {}

    /**
     * {@code mqat search --cube}: every subset of modules at 2 bits (the others float), each fine-tuned for the probe
     * budget in one stage, scored on validation and test (paper Figure 4). The empty subset is the FP control and
     * the one-module subsets are the probes, shared with a search in the same folder. Writes {@code SRUN/cube.json}.
     */
    public static List<CubeRow> cube(SearchSettings settings, Path srun, boolean resume, Consumer<String> log) {
        SearchSettings s = begin(settings, srun, resume);
        Path work = srun.resolve(WORK);
        List<CubeRow> rows = new ArrayList<>();
        NetModule[] all = NetModule.values();
        List<List<NetModule>> subsets = new ArrayList<>();
        for (int mask = 0; mask < (1 << all.length); mask++) {
            List<NetModule> subset = new ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                if ((mask & (1 << i)) != 0) {
                    subset.add(all[i]);
                }
            }
            subsets.add(subset);
        }
        subsets.sort(Comparator.comparingInt(List::size)); // stable: network order within a size
        int n = 0;
        for (List<NetModule> subset : subsets) {
            n++;
            log.accept("search --cube: " + n + " of " + subsets.size() + ": "
                    + (subset.isEmpty() ? "FP control" : keys(subset) + " at 2 bits"));
            String folder = probeFolder(subset);
            QuantizeJob.Result r = fineTune(s, work.resolve(folder), twoBitPlan(subset), List.of(), s.probe(), false);
            double val = r.stages().get(0).validation().overall().adi01d();
            double[] interval = wilson(hits(work.resolve(folder)));
            double test = testAdi(work.resolve(folder));
            rows.add(new CubeRow(keys(subset), val, interval, test, WORK + "/" + folder));
        }
        writeJson(srun.resolve("cube.json"), rows);
        return rows;
    }

    /** One row of {@code --all-flows}: a flow at the fixed plan and its scores after the last stage. */
    public record FlowRow(List<String> flow, double valAdi01d, double testAdi01d, boolean recommended,
            String folder) {}

    /**
     * {@code mqat search --all-flows --plan P}: every order of the plan's quantized modules, each a gradated
     * quantization with the stage budget, scored on validation and test (paper Table 1). The flow the rule
     * recommends (Phases A and B with the probe budget) is marked. Writes {@code SRUN/flows.json}.
     */
    public static List<FlowRow> allFlows(SearchSettings settings, BitPlan plan, Path srun, boolean resume,
            Consumer<String> log) {
        SearchSettings s = begin(settings, srun, resume);
        Path work = srun.resolve(WORK);
        List<NetModule> planned = QuantizeSettings.plannedModules(plan);
        if (planned.isEmpty()) {
            throw new IllegalArgumentException("--plan '" + plan.toShortString() + "' quantizes no module");
        }
        PhaseA a = phaseA(s, work, log);
        Map<NetModule, Long> params = parameterCounts(s);
        List<NetModule> bySize = new ArrayList<>(planned);
        bySize.sort(Comparator.comparingLong(params::get));
        NetModule winner = a.winner(bySize);
        List<NetModule> recommended = new ArrayList<>();
        if (winner != null) {
            recommended.add(winner);
        }
        bySize.stream().filter(m -> m != winner).forEach(recommended::add);
        List<FlowRow> rows = new ArrayList<>();
        List<List<NetModule>> flows = permutations(planned);
        int n = 0;
        for (List<NetModule> flow : flows) {
            n++;
            String folder = "flow-" + String.join("-", keys(flow));
            log.accept("search --all-flows: " + n + " of " + flows.size() + ": " + String.join(",", keys(flow)));
            QuantizeJob.Result r = fineTune(s, work.resolve(folder), plan, keys(flow), s.stage(), true);
            double val = r.stages().get(r.stages().size() - 1).validation().overall().adi01d();
            rows.add(new FlowRow(keys(flow), val, r.test() == null ? Double.NaN : r.test().overall().adi01d(),
                    flow.equals(recommended), WORK + "/" + folder));
        }
        writeJson(srun.resolve("flows.json"), rows);
        return rows;
    }

    /** Reads the settings of a started search in {@code srun}. */
    public static SearchSettings storedSettings(Path srun) {
        Path file = srun.resolve(WORK).resolve(SETTINGS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(srun + " is not a started search (no " + WORK + "/" + SETTINGS + ")");
        }
        try {
            return JSON.readValue(file.toFile(), SearchSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static SearchSettings begin(SearchSettings settings, Path srun, boolean resume) {
        if (resume) {
            return storedSettings(srun);
        }
        if (Files.isDirectory(srun)) {
            try (var entries = Files.list(srun)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("search folder " + srun
                            + " is not empty; use --resume to continue it or choose a new --out");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(srun + ": " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(RunConfig.file(settings.sourceRun()))) {
            throw new IllegalArgumentException(settings.sourceRun() + " is not a run folder (no config.json)");
        }
        if (RunConfig.read(settings.sourceRun()).quantization() != null) {
            throw new IllegalArgumentException(settings.sourceRun() + " is a quantized run; search starts from a "
                    + "trained float run");
        }
        Devices.of(source(settings).device()); // a missing GPU leaves no half-made search folder behind
        writeJson(srun.resolve(WORK).resolve(SETTINGS), settings);
        return settings;
    }

    /** The control and the probes, each fine-tuned for the probe budget, compared on validation. */
    private record PhaseA(Arm control, List<Arm> probes) {
        /** The most accurate probe that beats FP (ties: earlier in {@code bySize}), or null. */
        NetModule winner(List<NetModule> bySize) {
            NetModule best = null;
            double bestAcc = Double.NEGATIVE_INFINITY;
            for (NetModule m : bySize) {
                for (Arm p : probes) {
                    if (p.beatsFp() && p.modules().equals(List.of(m.key())) && p.valAdi01d() > bestAcc) {
                        best = m;
                        bestAcc = p.valAdi01d();
                    }
                }
            }
            return best;
        }
    }

    private static PhaseA phaseA(SearchSettings s, Path work, Consumer<String> log) {
        log.accept("search: phase A: FP control, " + s.probe() + " of float fine-tuning");
        QuantizeJob.Result control = fineTune(s, work.resolve(CONTROL), BitPlan.fullPrecision(), List.of(), s.probe(),
                false);
        EvaluationResult cv = requireValidation(control, CONTROL);
        boolean[] controlHits = hits(work.resolve(CONTROL));
        Arm controlArm = new Arm(List.of(), cv.overall().adi01d(), wilson(controlHits), null, false,
                WORK + "/" + CONTROL);
        log.accept(describe("FP control", controlArm));
        List<Arm> probes = new ArrayList<>();
        for (NetModule m : NetModule.values()) {
            String folder = probeFolder(List.of(m));
            log.accept("search: phase A: probe " + m.key() + " at 2 bits, " + s.probe());
            QuantizeJob.Result r = fineTune(s, work.resolve(folder), twoBitPlan(List.of(m)), List.of(m.key()),
                    s.probe(), false);
            EvaluationResult v = requireValidation(r, folder);
            boolean[] probeHits = hits(work.resolve(folder));
            PairedStats.McNemarTest test = PairedStats.mcnemarExact(controlHits, probeHits);
            boolean beats = v.overall().adi01d() > cv.overall().adi01d() + s.probeMarginPoints();
            Arm arm = new Arm(List.of(m.key()), v.overall().adi01d(), wilson(probeHits), test, beats,
                    WORK + "/" + folder);
            log.accept(describe("probe " + m.key(), arm));
            probes.add(arm);
        }
        return new PhaseA(controlArm, probes);
    }

    private static String describe(String name, Arm arm) {
        String paired = arm.mcnemar() == null ? ""
                : String.format(Locale.ROOT, "; vs control: %d gained, %d lost, McNemar p %.3g%s", arm.mcnemar().n01(),
                        arm.mcnemar().n10(), arm.mcnemar().pValue(), arm.beatsFp() ? "; beats FP" : "");
        return String.format(Locale.ROOT, "search: %-12s val ADI-0.1d %6.2f%% [%.1f, %.1f]%s", name, arm.valAdi01d(),
                arm.interval()[0], arm.interval()[1], paired);
    }

    /** Runs (or continues, or reads back) one fine-tune in {@code dir}. */
    private static QuantizeJob.Result fineTune(SearchSettings s, Path dir, BitPlan plan, List<String> flow,
            SearchSettings.Budget budget, boolean scoreTest) {
        Optional<QuantizeJob.Result> done = QuantizeJob.finished(dir);
        if (done.isPresent()) {
            return done.get();
        }
        QuantizeSettings q = quantizeSettings(s, plan, flow, budget);
        RunConfig config = configFor(s, q);
        return QuantizeJob.run(config, dir, Files.isRegularFile(RunConfig.file(dir)), scoreTest);
    }

    /**
     * The source run's config on the search's device: what the Hessian passes and Phase C run with. The source's
     * {@code config.json} is not rewritten.
     */
    private static RunConfig source(SearchSettings s) {
        RunConfig source = RunConfig.read(s.sourceRun());
        return s.device() == null ? source : source.withDevice(s.device());
    }

    /**
     * A fine-tune's config: {@code quantize}'s, with the search's learning rate, depth-calibration count,
     * fine-tune seed and device.
     */
    private static RunConfig configFor(SearchSettings s, QuantizeSettings q) {
        RunConfig c = QuantizeJob.withValidationImages(QuantizeJob.withDepthCalibrationImages(
                QuantizeJob.configFor(s.sourceRun(), s.data(), q, null, s.learningRate(), s.device(), s.command()),
                s.depthCalibrationImages()), s.validationImages());
        return s.fineTuneSeed() == null ? c : c.withTrain(c.train().withSeed(s.fineTuneSeed()));
    }

    private static QuantizeSettings quantizeSettings(SearchSettings s, BitPlan plan, List<String> flow,
            SearchSettings.Budget budget) {
        return quantizeSettings(s, plan, flow, s.quantizer(), budget);
    }

    private static QuantizeSettings quantizeSettings(SearchSettings s, BitPlan plan, List<String> flow,
            QuantizerKind quantizer, SearchSettings.Budget budget) {
        Path source = s.sourceRun().toAbsolutePath().normalize();
        return new QuantizeSettings(source.toString(), RunEvaluation.bestCheckpoint(source).toString(), plan, flow,
                quantizer, Granularity.PER_TENSOR, budget.epochs(), budget.steps(), 0, s.checkpointEverySteps());
    }

    /**
     * The config of a fine-tune made the way the search makes its own (same source checkpoint, data, optimizer,
     * learning rate, depth calibration, seed and checkpoint interval), for {@link QuantizeJob#run}: baselines fine-tuned
     * with it differ from the search's fine-tunes only in plan, flow, quantizer and budget. With {@code plan}
     * {@link BitPlan#fullPrecision()}, no flow, the search's quantizer and the probe budget it is the search's FP
     * control, which {@link #startWith} accepts instead of training it again.
     */
    public static RunConfig fineTuneConfig(SearchSettings s, BitPlan plan, List<String> flow, QuantizerKind quantizer,
            SearchSettings.Budget budget) {
        return configFor(s, quantizeSettings(s, plan, flow, quantizer, budget));
    }

    /**
     * Starts a search in {@code srun} (new or empty) with fine-tunes made elsewhere, so that work shared by several
     * searches or by a comparison is done once; {@link #run} with {@code resume == true} then continues it.
     *
     * <p>Each folder of {@code finished}, and each fine-tune folder of the search {@code donor} (null for none), that
     * is a finished fine-tune this search would train under one of its Phase A names ({@code fp-control},
     * {@code probe-<module>}) with the same config (everything but the command line and provenance) is copied under
     * that name. The donor's Hessian traces are copied too when its settings differ from {@code settings} only in
     * the compression and the command line and every Phase A fine-tune was taken: they are then traces of the same
     * network with the same samples.
     *
     * @return the names of the fine-tunes taken, in Phase A order
     */
    public static List<String> startWith(SearchSettings settings, Path srun, List<Path> finished, Path donor) {
        SearchSettings s = begin(settings, srun, false);
        Path work = srun.resolve(WORK);
        List<Path> candidates = new ArrayList<>(finished);
        if (donor != null && Files.isDirectory(donor.resolve(WORK))) {
            try (var folders = Files.list(donor.resolve(WORK))) {
                folders.filter(Files::isDirectory).sorted().forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(donor + ": " + e.getMessage(), e);
            }
        }
        List<String> taken = new ArrayList<>();
        List<List<NetModule>> phaseA = new ArrayList<>();
        phaseA.add(List.of());
        for (NetModule m : NetModule.values()) {
            phaseA.add(List.of(m));
        }
        for (List<NetModule> modules : phaseA) {
            String name = probeFolder(modules);
            com.fasterxml.jackson.databind.JsonNode wanted = comparable(fineTuneConfig(s, twoBitPlan(modules),
                    keys(modules), s.quantizer(), s.probe()));
            for (Path c : candidates) {
                if (QuantizeJob.finished(c).isPresent() && comparable(RunConfig.read(c)).equals(wanted)) {
                    copyFineTune(c, work.resolve(name));
                    taken.add(name);
                    break;
                }
            }
        }
        if (donor != null && taken.size() == phaseA.size() && Files.isRegularFile(donor.resolve(WORK).resolve(HESSIAN))) {
            SearchSettings d = storedSettings(donor);
            if (d.withCompression(s.compression()).equals(s.withCommand(d.command()))) {
                AtomicFiles.copy(donor.resolve(WORK).resolve(HESSIAN), work.resolve(HESSIAN));
            }
        }
        return taken;
    }

    /** A config as JSON without what differs between equal fine-tunes made at other times (command, provenance). */
    private static JsonNode comparable(RunConfig c) {
        com.fasterxml.jackson.databind.node.ObjectNode n = new ObjectMapper().valueToTree(c);
        n.remove("command");
        n.remove("provenance");
        return n;
    }

    /** Copies what makes a finished fine-tune: its config, log, stage checkpoints and estimates, best checkpoint. */
    private static void copyFineTune(Path from, Path to) {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path rel = from.relativize(f);
                boolean trainerState = rel.getNameCount() > 3 && rel.getName(0).toString().equals("stages")
                        && rel.getName(2).toString().equals("checkpoints");
                if (!trainerState) { // a finished stage's resumable trainer checkpoints are not needed again
                    AtomicFiles.copy(f, to.resolve(rel.toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(from + ": " + e.getMessage(), e);
        }
    }

    private static EvaluationResult requireValidation(QuantizeJob.Result r, String folder) {
        EvaluationResult v = r.stages().get(0).validation();
        if (v == null) {
            throw new IllegalArgumentException(folder + ": the dataset has no val split; the search decides on "
                    + "validation accuracy");
        }
        return v;
    }

    /** Per validation instance, whether the first stage's pose is within 0.1 diameters (ADI). */
    private static boolean[] hits(Path qrun) {
        List<InstanceOutcome> outcomes = QuantizeJob.validationOutcomes(qrun, 0);
        boolean[] out = new boolean[outcomes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = outcomes.get(i).adiBelow(0.1);
        }
        return out;
    }

    private static double[] wilson(boolean[] h) {
        int k = 0;
        for (boolean b : h) {
            k += b ? 1 : 0;
        }
        PairedStats.WilsonInterval w = PairedStats.wilson95(k, h.length);
        return new double[] {w.lowPercent(), w.highPercent()};
    }

    private static double testAdi(Path qrun) {
        Path json = qrun.resolve("metrics-test.json");
        try {
            EvaluationResult r = Files.isRegularFile(json) ? EvaluationResult.fromJson(Files.readString(json))
                    : RunEvaluation.evaluate(qrun, null, "test").result();
            return r.overall().adi01d();
        } catch (IOException e) {
            throw new UncheckedIOException(json + ": " + e.getMessage(), e);
        }
    }

    private static Map<NetModule, Long> parameterCounts(SearchSettings s) {
        RunConfig source = source(s);
        try (NDManager manager = NDManager.newBaseManager(Devices.of(source.device()))) {
            return QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(s.sourceRun()), manager).parameterCounts();
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static Path stageCheckpoint(Path qrun) {
        return QuantizeJob.finished(qrun).orElseThrow(() -> new IllegalStateException(qrun + " is not finished"))
                .stages().get(0).checkpoint();
    }

    /** {@code fp-control}, {@code probe-fpn}, {@code cube-backbone+fpn}. */
    static String probeFolder(List<NetModule> modules) {
        return switch (modules.size()) {
            case 0 -> CONTROL;
            case 1 -> "probe-" + modules.get(0).key();
            default -> "cube-" + String.join("+", keys(modules));
        };
    }

    private static BitPlan twoBitPlan(List<NetModule> modules) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        modules.forEach(m -> bits.put(m.key(), SearchSettings.PROBE_BITS));
        return new BitPlan(bits, Map.of());
    }

    private static List<String> keys(List<NetModule> modules) {
        return modules.stream().map(NetModule::key).toList();
    }

    private static List<List<NetModule>> permutations(List<NetModule> items) {
        if (items.size() <= 1) {
            return List.of(List.copyOf(items));
        }
        List<List<NetModule>> out = new ArrayList<>();
        for (NetModule first : items) {
            List<NetModule> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<NetModule> tail : permutations(rest)) {
                List<NetModule> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
