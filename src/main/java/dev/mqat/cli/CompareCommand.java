package dev.mqat.cli;

import dev.mqat.compare.Comparison;
import dev.mqat.compare.ComparisonResults;
import dev.mqat.compare.ComparisonSettings;
import dev.mqat.compare.Method;
import dev.mqat.report.ComparisonReport;
import dev.mqat.report.Verdicts;
import dev.mqat.run.RunConfig;
import dev.mqat.search.SearchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** MQAT against its baselines from one trained run: runs, scores, report. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare MQAT with its baselines on a trained float run, on the test split, and write a report. "
                + "The methods: the FP control (RUN fine-tuned with "
                + "nothing quantized), uniform LSQ and INQ (every module at the same bits, all at once: 8 bits for a "
                + "4x target, 4 bits for 8x, i.e. the fewest bits not compressing more than the target) and "
                + "'mqat search' at each --compression, every fine-tune with the same budget (steps, batch, data).",
            "Then every run is scored on the test split: CMP/results.json (one row per method and target: plan, size, "
                    + "compression, test metrics per depth bin, 95%% Wilson intervals and exact McNemar p against the "
                    + "FP control on the same instances), CMP/report.html (one self-contained file: table, charts, "
                    + "the search's decisions, test images with boxes) and CMP/report.md.",
            "Each run is a resumable folder under CMP (fp, lsq-8bit, inq-4bit, mqat-4x, ...); --resume continues "
                    + "and never redoes a finished run."})
final class CompareCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "RUN", description = SharedOptions.MODEL)
    Path model;

    @Option(names = "--out", required = true, paramLabel = "CMP", description = "Comparison folder to create (or to continue with --resume).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--compression", defaultValue = "4,8", paramLabel = "C", description = SharedOptions.COMPRESSION)
    String compression;

    @Option(names = "--budget", defaultValue = "quick", paramLabel = "NAME", description = SharedOptions.BUDGET)
    String budget;

    @Option(names = "--stage-steps", paramLabel = "N", description = SharedOptions.STAGE_STEPS)
    Long steps;

    @Option(names = "--lr", paramLabel = "LR", description = SharedOptions.LR)
    Double lr;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "Fine-tuning seeds per method (RUN's seed, then +1, ...); rows carry mean and spread. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--methods", defaultValue = "fp,lsq,inq,mqat,hawq", paramLabel = "LIST", description = "Methods to compare (the FP control always runs). Default: ${DEFAULT-VALUE}.")
    String methods;

    @Option(names = "--report-images", defaultValue = "4", paramLabel = "N", description = "Test images per run in the report's strips. Default: ${DEFAULT-VALUE}.")
    int overlays;

    @Mixin
    JobOptions job;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        job.check();
        if (overlays < 0) {
            throw new UsageException("--report-images must be >= 0, found " + overlays);
        }
        if (job.resume && !Files.isRegularFile(out.resolve(Comparison.SETTINGS))) {
            throw new UsageException("--resume: " + out + " is not a started comparison (no " + Comparison.SETTINGS
                    + ")");
        }
        ComparisonSettings settings = job.resume ? null : settings();
        ComparisonResults results;
        try {
            results = Comparison.run(settings, out, job.resume, new ComparisonProgress());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ComparisonReport.Written report = ComparisonReport.write(out, overlays);
        print(results, report, job.json);
    }

    /** Prints the verdict and where the files are, or the results as JSON. */
    static void print(ComparisonResults results, ComparisonReport.Written report, boolean json) {
        if (json) {
            System.out.println(results.toJson());
            return;
        }
        for (Verdicts.Verdict v : Verdicts.of(results)) {
            System.out.println(String.join(" ", v.sentences()));
        }
        System.out.println("results " + report.html().resolveSibling(ComparisonResults.FILE));
        System.out.println("report " + report.html().toAbsolutePath().normalize());
    }

    private ComparisonSettings settings() {
        SearchSettings.Preset preset = switch (budget.toLowerCase(Locale.ROOT)) {
            case "quick" -> SearchSettings.Preset.QUICK;
            case "paper" -> SearchSettings.Preset.PAPER;
            default -> throw new UsageException("--budget '" + budget + "' is not one of quick, paper");
        };
        if (model == null) {
            throw new UsageException("--model is required (unless --resume)");
        }
        if (!Files.isRegularFile(RunConfig.file(model))) {
            throw new UsageException("--model: " + model + " is not a run folder (no config.json)");
        }
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data: dataset folder not found: " + data);
        }
        List<Double> targets = new ArrayList<>();
        for (String c : compression.split(",", -1)) {
            try {
                targets.add(Double.parseDouble(c.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException("--compression: '" + c + "' is not a number (expected e.g. 4,8)");
            }
        }
        List<Method> chosen = new ArrayList<>();
        List<String> command = SharedOptions.commandLine(spec);
        try {
            for (String m : methods.split(",", -1)) {
                chosen.add(Method.fromKey(m));
            }
            ComparisonSettings s = ComparisonSettings.of(model.toAbsolutePath().normalize(),
                    data == null ? null : data.toAbsolutePath().normalize(), targets, preset, seeds, command)
                    .withMethods(chosen).withDevice(job.device.override()).withLearningRate(lr);
            if (steps != null) {
                if (steps <= 0) {
                    throw new UsageException("--stage-steps must be positive, found " + steps);
                }
                s = s.withFineTune(SearchSettings.Budget.ofSteps(steps));
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
