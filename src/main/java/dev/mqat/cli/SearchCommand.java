package dev.mqat.cli;

import dev.mqat.quant.BitPlan;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.RunConfig;
import dev.mqat.search.HessianTrace;
import dev.mqat.search.Search;
import dev.mqat.search.SearchSettings;
import dev.mqat.search.SearchSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The MQAT algorithm: probes, flow, Hessian-weighted bits, gradated quantization. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find and apply a modular mixed-precision plan for a trained float run (MQAT, paper Algorithm 1).",
            "Phase A: the FP control (RUN fine-tuned with nothing quantized) and one probe per module (only that module "
                    + "at 2 bits), each fine-tuned for the probe budget and scored on the validation split (ADI-0.1d), "
                    + "with a 95%% Wilson interval and an exact McNemar test against the control on the same images. "
                    + "Rule: a probe beats FP when its validation ADI-0.1d exceeds the control's by more than "
                    + "--probe-margin points (default 0, the paper's rule); the most accurate such probe wins.",
            "Phase B: the winner's module first (kept at 2 bits; its probe network is adopted), then the other modules "
                    + "by ascending parameter count; without a winner, all by ascending parameter count.",
            "Phase C: Hutchinson Hessian traces per conv layer on training batches, Omega per module and candidate bits, "
                    + "and the bits minimising the sum of Omega with the whole model at most fp32 size / --compression "
                    + "(every combination counted: the problem is tiny). Then one fine-tuned stage per module along the "
                    + "flow, as 'mqat quantize --flow' does.",
            "SRUN is a run folder for eval, predict, model inspect and size; SRUN/search.json holds every decision and "
                    + "SRUN/search/ every fine-tune (each resumable). --cube and --all-flows verify the rule instead."})
final class SearchCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "RUN", description = SharedOptions.MODEL)
    Path model;

    @Option(names = "--out", required = true, paramLabel = "SRUN", description = "Search folder to create (or to continue with --resume).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--compression", defaultValue = "4", paramLabel = "C", description = SharedOptions.COMPRESSION)
    String compression;

    @Option(names = "--bits", defaultValue = "2,3,4,8", paramLabel = "LIST", description = "Candidate bit-widths of Phase C. Default: ${DEFAULT-VALUE}.")
    String bits;

    @Option(names = "--quantizer", defaultValue = "inq", paramLabel = "NAME", converter = SharedOptions.QuantizerConverter.class,
            description = SharedOptions.QUANTIZER)
    QuantizerKind quantizer;

    @Option(names = "--budget", defaultValue = "quick", paramLabel = "NAME", description = SharedOptions.BUDGET)
    String budget;

    @Option(names = "--probe-steps", paramLabel = "N", description = "Steps of each probe and of the FP control (overrides --budget).")
    Long probeSteps;

    @Option(names = "--stage-steps", paramLabel = "N", description = SharedOptions.STAGE_STEPS)
    Long stageSteps;

    @Option(names = "--lr", paramLabel = "LR", description = SharedOptions.LR)
    Double lr;

    @Option(names = "--hessian-samples", paramLabel = "N", description = "Most Hutchinson samples per trace (overrides --budget); sampling stops earlier once every layer's standard error is within 5%% of its trace.")
    Integer hessianSamples;

    @Option(names = "--depth-calibration", paramLabel = "IMAGES", description = SharedOptions.DEPTH_CALIBRATION)
    Integer depthCalibration;

    @Option(names = "--val-images", paramLabel = "N", description = SharedOptions.VAL_IMAGES)
    Integer valImages;

    @Option(names = "--probe-margin", defaultValue = "0", paramLabel = "PTS", description = "A probe beats FP only when it exceeds the control by more than PTS points of validation ADI-0.1d. Default: ${DEFAULT-VALUE}.")
    double probeMargin;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = SharedOptions.SEED)
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "50", paramLabel = "STEPS", description = SharedOptions.CHECKPOINT_EVERY)
    long checkpointEvery;

    @Option(names = "--cube", description = "Verification: fine-tune every subset of modules at 2 bits (others float) for the probe budget and print their validation and test ADI-0.1d (paper Figure 4).")
    boolean cube;

    @Option(names = "--all-flows", description = "Verification: quantize along every order of the modules at the fixed --plan and print each flow's result, marking the one the rule recommends (paper Table 1).")
    boolean allFlows;

    @Option(names = "--plan", paramLabel = "PLAN", description = SharedOptions.PLAN)
    String plan;

    @Mixin
    JobOptions job;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (cube && allFlows) {
            throw new UsageException("--cube and --all-flows are separate runs; choose one");
        }
        if (allFlows != (plan != null)) {
            throw new UsageException(allFlows ? "--all-flows needs --plan, e.g. --plan 8-2-8"
                    : "--plan is for --all-flows; the search chooses its own plan");
        }
        BitPlan fixed = null;
        if (plan != null) {
            try {
                fixed = BitPlan.parse(plan);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--plan: " + e.getMessage());
            }
        }
        job.check();
        SearchSettings settings = job.resume ? null : settings();
        if (job.resume && !Files.isDirectory(out.resolve("search"))) {
            throw new UsageException("--resume: " + out + " is not a started search (no search/ folder)");
        }
        try {
            if (cube) {
                List<Search.CubeRow> rows = Search.cube(settings, out, job.resume, System.err::println);
                System.out.print(job.json ? SearchSummary.json(Map.of("cube", rows)) + "\n" : SearchSummary.cube(rows));
            } else if (allFlows) {
                List<Search.FlowRow> rows = Search.allFlows(settings, fixed, out, job.resume, System.err::println);
                System.out.print(job.json ? SearchSummary.json(Map.of("flows", rows)) + "\n" : SearchSummary.flows(rows));
            } else {
                Search.Result r = Search.run(settings, out, job.resume, System.err::println);
                System.out.print(job.json ? SearchSummary.json(r) + "\n" : SearchSummary.text(r) + "search run " + out + "\n");
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private SearchSettings settings() {
        SearchSettings.Preset preset = switch (budget.toLowerCase(Locale.ROOT)) {
            case "quick" -> SearchSettings.Preset.QUICK;
            case "paper" -> SearchSettings.Preset.PAPER;
            default -> throw new UsageException("--budget '" + budget + "' is not one of quick, paper");
        };
        List<Integer> candidates = new ArrayList<>();
        for (String b : bits.split(",", -1)) {
            try {
                candidates.add(Integer.parseInt(b.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException("--bits: '" + b + "' is not a whole number (expected e.g. 2,3,4,8)");
            }
        }
        if (model == null) {
            throw new UsageException("--model is required (unless --resume)");
        }
        if (!Files.isRegularFile(RunConfig.file(model))) {
            throw new UsageException("--model: " + model + " is not a run folder (no config.json)");
        }
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data: dataset folder not found: " + data);
        }
        try {
            SearchSettings.Budget probe = probeSteps == null ? preset.probe : positive("--probe-steps", probeSteps);
            SearchSettings.Budget stage = stageSteps == null ? preset.stage : positive("--stage-steps", stageSteps);
            int samples = hessianSamples == null ? preset.hessianSamples : hessianSamples;
            HessianTrace.Settings hessian = HessianTrace.Settings.defaults().withMaxSamples(samples).withSeed(seed);
            List<String> command = SharedOptions.commandLine(spec);
            return new SearchSettings(model.toAbsolutePath().normalize(), data == null ? null
                    : data.toAbsolutePath().normalize(), compressionTarget(), candidates, quantizer, probe,
                    stage, hessian, probeMargin, checkpointEvery,
                    depthCalibration == null ? preset.depthCalibrationImages : depthCalibration,
                    valImages == null ? preset.validationImages : valImages, command).withDevice(job.device.override())
                    .withLearningRate(lr);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static SearchSettings.Budget positive(String option, long steps) {
        if (steps <= 0) {
            throw new UsageException(option + " must be positive, found " + steps);
        }
        return SearchSettings.Budget.ofSteps(steps);
    }

    /** {@code --compression} as one number (compare takes a list; a search has one target). */
    private double compressionTarget() {
        try {
            return Double.parseDouble(compression.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--compression '" + compression + "' is not one number (search has one target; "
                    + "compare takes a list)");
        }
    }
}
