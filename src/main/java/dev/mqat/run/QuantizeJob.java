package dev.mqat.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mqat.AtomicFiles;
import dev.mqat.Progress;
import dev.mqat.Reporter;
import dev.mqat.RunLog;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.BopDataset;
import dev.mqat.data.BopImage;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.InstanceOutcome;
import dev.mqat.eval.PoseEvaluator;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.InqSchedule;
import dev.mqat.quant.Quantization;
import dev.mqat.train.OptimizerKind;
import dev.mqat.train.PoseObjective;
import dev.mqat.train.PoseTrainer;
import dev.mqat.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mqat quantize}: gradated modular quantization-aware training of a trained float run (paper Algorithm 1,
 * lines 18-21; DESIGN section 7, step 4), or the uniform baseline that quantizes every planned module at once.
 *
 * <p>For each stage, in flow order: attach the plan's quantizers to the stage's module(s) (calibrated from the
 * current weights; modules of earlier stages stay quantized), fine-tune the whole network for the stage budget with
 * {@link PoseTrainer}, evaluate on the validation split, save {@code QRUN/stages/<i>-<module>/stage.ckpt}.
 * Then {@code QRUN/checkpoints/best.ckpt} is the last stage's network (the quantized output; not chosen by
 * validation, which would pick a partly quantized network) and the test split is evaluated as {@code mqat eval}
 * does ({@code QRUN/metrics-test.json}).
 *
 * <p>Learning rate within a stage, from the base {@code train.learningRate} (no warm-up, no cosine): INQ follows
 * {@link InqSchedule#paper()} (Table 10) scaled to the stage's steps: at each freeze step the not yet frozen
 * weights of the stage's module(s) with the largest magnitude are frozen up to the scheduled fraction and the LR
 * returns to base; it drops x0.1 between. LSQ and STE use the paper's baseline decay, x0.1 at 1/3, 2/3 and 5/6 of
 * the stage. Deviations: the optimizer state is kept across INQ freeze steps (the trainer owns it; frozen entries
 * get zero gradient and forward never reads their float master, so stale momentum cannot move them); and when the
 * stage is shorter than the schedule's resolution (fewer than 30 steps) the last fractions are reached at the end
 * of the stage, after the last step, so every finished stage leaves its modules fully on the grid.
 *
 * <p>Files: {@code config.json} (a {@link RunConfig} with the {@code quantization} entry, usable by {@code mqat
 * eval} and {@code predict}), {@code log.jsonl} (a {@code start} decision, the per-stage {@code quantize},
 * {@code freeze} and sampled {@code step} lines, a {@code stage} line with the validation metrics, an {@code end}
 * line), {@code stages/<i>-<module>/} (the stage's trainer folder, resumable, and its {@code stage.ckpt}).
 * {@code --resume} restarts after the last finished stage, and inside a stage from its last checkpoint.
 *
 * <p>Beside this class, in the same package: {@code StageHook} (a stage's freezing and learning-rate schedule),
 * {@code StageQuantizers} (the quantizers a stage attaches) and {@code StageFolders} (the stage folders, and what
 * resuming and a search's adopted first stage read from them).
 */
public final class QuantizeJob {
    /**
     * Base learning rate of every fine-tune unless one is given: a tenth of {@code mqat train}'s default rate
     * (4e-3), the rate a network trained with train's recipe learned at. Fixed rather than a tenth of the source
     * run's own rate, because a source that was itself fine-tuned at a low rate would hand its quantized fine-tunes
     * a rate too small to recover from quantization (docs/decisions.md).
     */
    public static final double DEFAULT_LEARNING_RATE = 4e-4;

    /**
     * The base rate a fine-tune trains at when {@code requested} is asked for: {@link #DEFAULT_LEARNING_RATE} for
     * null.
     *
     * @throws IllegalArgumentException naming {@code key} when the rate is not a finite number above 0
     */
    public static double learningRate(String key, Double requested) {
        if (requested == null) {
            return DEFAULT_LEARNING_RATE;
        }
        if (!(requested > 0 && Double.isFinite(requested))) {
            throw new IllegalArgumentException(key + ": expected a finite number > 0, found " + requested);
        }
        return requested;
    }

    private QuantizeJob() {}

    /**
     * One finished stage.
     *
     * @param name folder name under {@code stages/}
     * @param modules module keys quantized in this stage
     * @param plan plan the network carries after the stage
     * @param validation metrics on the validation split, null when the dataset has none
     * @param checkpoint the stage's checkpoint
     */
    public record StageResult(String name, List<String> modules, String plan, EvaluationResult validation,
            Path checkpoint) {}

    /**
     * What a finished quantization produced.
     *
     * @param stages every stage, including those finished before a resume (validation read back from the log)
     * @param test test-split metrics, null when the dataset has no test split
     */
    public record Result(List<StageResult> stages, EvaluationResult test) {}

    /** Called before every step; tests use it to interrupt a run. */
    @FunctionalInterface
    interface StepObserver {
        void beforeStep(int stageIndex, long step);
    }

    /**
     * The config of a new quantized run: the source run's config with the stage training settings.
     *
     * @throws IllegalArgumentException when the plan names a layer the source's network does not have
     * @param data dataset folder, null for the source run's
     * @param optimizer null for the source run's optimizer
     * @param learningRate null for {@link #DEFAULT_LEARNING_RATE}
     * @param device where the fine-tune runs, recorded in its config; null for the source run's device
     */
    public static RunConfig configFor(Path sourceRun, Path data, QuantizeSettings settings, OptimizerKind optimizer,
            Double learningRate, DeviceChoice device, List<String> command) {
        RunConfig src = RunConfig.read(sourceRun);
        TrainConfig t = src.train();
        OptimizerKind opt = optimizer == null ? t.optimizer() : optimizer;
        double lr = learningRate("learning rate", learningRate);
        // stages fine-tune a finished network on whole images: training windows speed up early training only
        TrainConfig stage = t.withOptimizer(opt).withLearningRate(lr).withWarmupSteps(0)
                .withBudget(settings.stageEpochs(), settings.stageSteps(), 0)
                .withValidateEverySteps(settings.checkpointEverySteps()).withCrops(List.of());
        if (stage.depthCalibrationImages() == 0 && !DepthCorrection.fromMetadata(
                ModelCheckpoint.readHeader(Path.of(settings.sourceCheckpoint())).metadata()).equals(DepthCorrection.NONE)) {
            // a source calibrated after its training (mqat calibrate-depth) stays calibrated once quantized
            stage = stage.withDepthCalibrationImages(TrainConfig.DEFAULT_DEPTH_CALIBRATION_IMAGES);
        }
        // a layer entry naming no conv of the network would be ignored; refuse it before anything is written
        settings.plan().checkLayers(PoseNet.build(src.model()).layers().stream().map(PoseConv2d::name).toList());
        RunConfig out = src.withCommand(command).withTrain(stage).withQuantization(settings)
                .withProvenance(Provenance.current());
        out = data == null ? out : out.withData(data.toString());
        return device == null ? out : out.withDevice(device);
    }

    /**
     * {@code config} with each fine-tune refitting its depth correction on {@code images} training images, when it
     * refits one at all; {@code images == 0} keeps the count {@link #configFor} took from the source. The search and
     * the baselines give every fine-tune the same count, so their comparisons stay fair.
     */
    public static RunConfig withDepthCalibrationImages(RunConfig config, int images) {
        if (images < 0) {
            throw new IllegalArgumentException("depth calibration: expected >= 0 images, found " + images);
        }
        if (images > 0 && config.train().depthCalibrationImages() > 0) {
            return config.withTrain(config.train().withDepthCalibrationImages(images));
        }
        return config;
    }

    /**
     * {@code config} scoring each fine-tune on the first {@code images} validation images; {@code images == 0} keeps
     * the count {@link #configFor} took from the source. The search and the baselines give every fine-tune the same
     * count.
     */
    public static RunConfig withValidationImages(RunConfig config, int images) {
        if (images < 0) {
            throw new IllegalArgumentException("validation images: expected >= 0, found " + images);
        }
        return images > 0 ? config.withValImages(images) : config;
    }

    /**
     * Copies the files that make {@code runDir} a run folder ({@code config.json}, {@code checkpoints/best.ckpt},
     * {@code metrics-test.json}, {@code predictions-test.csv}; those that exist) from the finished quantization
     * {@code qrun}, each through a temporary name, so {@code eval}, {@code predict}, {@code model inspect} and
     * {@code size} read {@code runDir} as they read {@code qrun}. The search and the baselines publish the fine-tune
     * that is their result this way.
     */
    public static void publish(Path qrun, Path runDir) {
        for (Path rel : List.of(Path.of("config.json"), Path.of("checkpoints", "best.ckpt"),
                Path.of("metrics-test.json"), Path.of("predictions-test.csv"))) {
            Path from = qrun.resolve(rel);
            if (Files.isRegularFile(from)) {
                AtomicFiles.copy(from, runDir.resolve(rel));
            }
        }
    }

    /**
     * Quantizes into {@code qrun}: a new run ({@code resume == false}; the folder must be new or empty; writes
     * {@code config}) or continues one ({@code resume == true}; its own {@code config.json} is used and
     * {@code config} is ignored).
     */
    public static Result run(RunConfig config, Path qrun, boolean resume) {
        return run(config, qrun, resume, true, (stage, step) -> {});
    }

    /**
     * As {@link #run(RunConfig, Path, boolean)}; with {@code scoreTest} false the test split is not evaluated (the
     * search's probes are chosen on validation only) and {@link Result#test()} is null.
     */
    public static Result run(RunConfig config, Path qrun, boolean resume, boolean scoreTest) {
        return run(config, qrun, resume, scoreTest, (stage, step) -> {});
    }

    static Result run(RunConfig config, Path qrun, boolean resume, StepObserver observer) {
        return run(config, qrun, resume, true, observer);
    }

    static Result run(RunConfig config, Path qrun, boolean resume, boolean scoreTest, StepObserver observer) {
        if (resume) {
            config = RunConfig.read(qrun);
            if (config.quantization() == null) {
                throw new IllegalArgumentException(RunConfig.file(qrun)
                        + " has no quantization entry; --resume continues a run made by mqat quantize");
            }
        } else {
            if (config.quantization() == null) {
                throw new IllegalArgumentException("quantize needs a config with quantization settings");
            }
            Devices.of(config.device()); // a missing GPU leaves no half-made run folder behind
            TrainingJob.requireEmpty(qrun);
            config.write(qrun);
        }
        RunConfig cfg = config;
        QuantizeSettings q = cfg.quantization();
        BopDataset dataset = BopDataset.open(Path.of(cfg.data()));
        if (dataset.objects().size() != cfg.model().numClasses()) {
            throw new IllegalArgumentException(cfg.data() + ": " + dataset.objects().size()
                    + " objects but the model has " + cfg.model().numClasses() + " classes");
        }
        int size = cfg.model().inputSizePx();
        RunData train = RunData.load(dataset, "train", size, 0);
        RunData val = dataset.hasSplit("val") ? RunData.load(dataset, "val", size, cfg.valImages()) : null;
        List<List<NetModule>> stages = q.stages();
        int done = resume ? StageFolders.finishedStages(qrun, q) : 0;
        RunLog log = RunLog.in(qrun);
        if (resume) {
            // the start line and the lines of finished stages stay; a resumed stage rewrites its own
            log.keepOnly(n -> !"end".equals(n.path("event").asText()) && n.path("stage").asInt(0) <= done);
        } else {
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("event", "start");
            start.put("source", q.sourceCheckpoint());
            start.put("plan", q.plan().text());
            start.put("flow", stages.stream().map(s -> s.stream().map(NetModule::key).toList()).toList());
            start.put("quantizer", q.quantizer().name().toLowerCase(java.util.Locale.ROOT));
            start.put("granularity", q.granularity().name().toLowerCase(java.util.Locale.ROOT));
            start.put("stage_epochs", q.stageEpochs());
            start.put("stage_steps", q.stageSteps());
            start.put("optimizer", cfg.train().optimizer().name().toLowerCase(java.util.Locale.ROOT));
            start.put("lr", cfg.train().learningRate());
            start.put("act_bits", q.actBits());
            log.append(start);
        }
        long perEpoch = BatchLoader.stepsPerEpoch(train.images.size(), cfg.train().batchSize());
        long stageSteps = q.stageSteps() > 0 ? q.stageSteps() : q.stageEpochs() * perEpoch;
        Progress progress = new Progress("quantize", stageSteps * stages.size(), stageSteps * done, "step",
                Reporter::line, 5000);
        BitPlan plan = q.plan();
        Engine.getEngine("PyTorch").setRandomSeed((int) cfg.train().seed());
        List<StageResult> results = new ArrayList<>(StageFolders.readFinished(qrun, q, done));
        try (NDManager manager = NDManager.newBaseManager(Devices.of(cfg.device()))) {
            PoseNet net = done == 0 ? QuantizedCheckpoints.load(Path.of(q.sourceCheckpoint()), manager)
                    : QuantizedCheckpoints.load(StageFolders.stageCheckpoint(qrun, q, done - 1), manager);
            PoseObjective objective = new PoseObjective(cfg.model(), cfg.loss(), cfg.train().seed());
            DepthCalibration calibration = new DepthCalibration(train, val, cfg, cfg.train().depthCalibrationImages());
            Map<String, String> calibrated = Map.of();
            for (int i = done; i < stages.size(); i++) {
                List<NetModule> modules = stages.get(i);
                String name = QuantizeSettings.stageName(i, modules);
                Path dir = qrun.resolve("stages").resolve(name);
                Reporter.line("quantize: stage %d of %d: %s (%s) for %d steps", i + 1, stages.size(),
                        modules.isEmpty() ? "float fine-tune" : String.join("+", modules.stream().map(NetModule::key)
                                .toList()), q.quantizer(), stageSteps);
                Map<String, Object> decision = new LinkedHashMap<>();
                decision.put("event", "quantize");
                decision.put("stage", i + 1);
                decision.put("modules", modules.stream().map(NetModule::key).toList());
                decision.put("bits", StageQuantizers.attach(net, modules, plan, q));
                boolean stageResume = resume && i == done && PoseTrainer.canResume(dir.resolve("checkpoints"));
                StageHook hook = new StageHook(i, modules, q.quantizer(), cfg.train().learningRate(), observer,
                        progress, stageSteps * i);
                long t0 = System.nanoTime();
                PoseTrainer.fit(cfg.train(), net, manager, train.images, objective, null, hook, dir, stageResume);
                long finalFrozen = hook.finish(net, stageSteps);
                DepthCalibration.Outcome checked = calibration.run(net, manager);
                EvaluationResult v = checked.val();
                calibrated = checked.metadata();
                if (checked.valEstimates() != null) {
                    Bop19Csv.write(dir.resolve(StageFolders.VAL_PREDICTIONS), checked.valEstimates());
                }
                // a stage's lines are written once it is finished, so a resumed stage never duplicates them
                log.append(decision);
                for (Map<String, Object> f : hook.freezeEvents(stageSteps, finalFrozen)) {
                    log.append(f);
                }
                StageFolders.copyStageLog(dir, log, i + 1);
                Map<String, Object> stageLine = new LinkedHashMap<>();
                stageLine.put("event", "stage");
                stageLine.put("stage", i + 1);
                stageLine.put("name", name);
                stageLine.put("modules", modules.stream().map(NetModule::key).toList());
                stageLine.put("plan", Quantization.planOf(net).toString());
                stageLine.put("steps", stageSteps);
                stageLine.put("seconds", (System.nanoTime() - t0) / 1e9);
                stageLine.put("val_adi_01d", v == null ? null : v.overall().adi01d());
                stageLine.put("val", v == null ? null : v.toJsonNode());
                log.append(stageLine);
                Map<String, String> meta = new LinkedHashMap<>(calibrated);
                meta.put("stage", Integer.toString(i + 1));
                meta.put("val_adi_01d", v == null ? "NaN" : Double.toString(v.overall().adi01d()));
                Path ckpt = dir.resolve("stage.ckpt");
                QuantizedCheckpoints.save(net, ckpt, q.actBits(), meta);
                results.add(new StageResult(name, modules.stream().map(NetModule::key).toList(),
                        Quantization.planOf(net).toString(), v, ckpt));
                if (v != null) {
                    Reporter.line("quantize: stage %d of %d done: val ADI-0.1d %.2f%%", i + 1, stages.size(),
                            v.overall().adi01d());
                }
            }
            if (done == stages.size() && calibration.active()) {
                calibrated = calibration.run(net, manager).metadata(); // resumed after the last stage
            }
            Map<String, String> finalMeta = new LinkedHashMap<>(calibrated);
            finalMeta.put("stage", Integer.toString(stages.size()));
            QuantizedCheckpoints.save(net, RunEvaluation.bestCheckpoint(qrun), q.actBits(), finalMeta);
        }
        EvaluationResult test = null;
        if (scoreTest && dataset.hasSplit("test")) {
            test = RunEvaluation.evaluate(qrun, null, "test").result();
        }
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("event", "end");
        end.put("stage", stages.size());
        end.put("test_adi_01d", test == null ? null : test.overall().adi01d());
        end.put("test", test == null ? null : test.toJsonNode());
        log.append(end);
        return new Result(results, test);
    }

    /**
     * The result of a finished quantization in {@code qrun} (its log ends with the {@code end} line and every stage
     * checkpoint exists), read back without loading a network; empty when it is not finished.
     */
    public static java.util.Optional<Result> finished(Path qrun) {
        if (!Files.isRegularFile(RunConfig.file(qrun))) {
            return java.util.Optional.empty();
        }
        QuantizeSettings q = RunConfig.read(qrun).quantization();
        JsonNode end = null;
        for (JsonNode n : RunLog.in(qrun).read()) {
            if ("end".equals(n.path("event").asText())) {
                end = n;
            }
        }
        if (q == null || end == null || StageFolders.finishedStages(qrun, q) < q.stages().size()
                || !Files.isRegularFile(RunEvaluation.bestCheckpoint(qrun))) {
            return java.util.Optional.empty();
        }
        EvaluationResult test = end.hasNonNull("test") ? EvaluationResult.fromJson(end.get("test").toString()) : null;
        return java.util.Optional.of(new Result(StageFolders.readFinished(qrun, q, q.stages().size()), test));
    }

    /**
     * Starts a quantization in the new folder {@code qrun} whose first stage is the finished first stage of
     * {@code donor}: the same source checkpoint, stage modules and bits, quantizer and training settings, so the
     * stage would train to the same network. The stage's checkpoint, validation estimates and log lines are copied
     * (the search adopts its winning probe this way, paper Algorithm 1 line 10); {@link #run} with
     * {@code resume == true} then continues with the second stage.
     *
     * @throws IllegalArgumentException naming the setting that differs when the donor's first stage is not the one
     *     {@code config} would train, or when it is not finished
     */
    public static void startFromFirstStage(RunConfig config, Path qrun, Path donor) {
        StageFolders.adoptFirstStage(config, qrun, donor);
    }

    /**
     * The per-instance validation outcomes of a finished stage, read back from the estimates it wrote
     * ({@code stages/<i>-<module>/predictions-val.csv}), on the same validation images the stage scored.
     *
     * @param index stage index from 0
     */
    public static List<InstanceOutcome> validationOutcomes(Path qrun, int index) {
        RunConfig cfg = RunConfig.read(qrun);
        Path csv = StageFolders.stageCheckpoint(qrun, cfg.quantization(), index)
                .resolveSibling(StageFolders.VAL_PREDICTIONS);
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(csv + " not found; stage " + (index + 1) + " of " + qrun
                    + " has not been validated");
        }
        BopDataset dataset = BopDataset.open(Path.of(cfg.data()));
        List<BopImage> records = dataset.images("val");
        if (cfg.valImages() > 0 && records.size() > cfg.valImages()) {
            records = records.subList(0, cfg.valImages());
        }
        return PoseEvaluator.evaluate(PoseEvaluator.targets(dataset, records), Bop19Csv.read(csv)).instances();
    }
}
