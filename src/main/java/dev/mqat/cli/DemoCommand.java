package dev.mqat.cli;

import dev.mqat.compare.Comparison;
import dev.mqat.compare.ComparisonResults;
import dev.mqat.compare.Demo;
import dev.mqat.report.ComparisonReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The first command: dataset if missing, then compare on the shipped model at 4x and 8x, quick budget. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what mqat does: MQAT against its baselines on the shipped model at 4x and 8x, with a report. "
                + "From a fresh clone it writes the default dataset to data/swisscube-synth "
                + "if it is not there (as 'mqat synth --out data/swisscube-synth' does), then runs 'mqat compare "
                + "--model models/wdr-cpu-synth --budget quick --compression 4,8 --stage-steps " + Demo.STEPS + "' into --out "
                + "(each fine-tune refitting depth on " + Demo.SCORING_IMAGES + " training images and scored on "
                + Demo.SCORING_IMAGES + " validation images instead of the quick budget's 256) and prints where "
                + "report.html is.",
            "Run it from the project folder. Running it again resumes where it stopped; a finished demo only "
                    + "rewrites the report."})
final class DemoCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR", description = "Comparison folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--stage-steps", paramLabel = "N", description = SharedOptions.STAGE_STEPS)
    Long steps;

    @Option(names = "--lr", paramLabel = "LR", description = SharedOptions.LR)
    Double lr;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (steps != null && steps <= 0) {
            throw new UsageException("--stage-steps must be positive, found " + steps);
        }
        if (!Files.isRegularFile(Demo.MODEL.resolve("config.json"))) {
            throw new UsageException("the shipped model " + Demo.MODEL + " is not here; run mqat demo from the "
                    + "project folder");
        }
        if (!Demo.datasetReady(Demo.DATA)) {
            System.err.println("demo: writing the default dataset to " + Demo.DATA);
            Demo.writeDataset(Demo.DATA, Runtime.getRuntime().availableProcessors(), SynthCommand.progressPrinter(
                    dev.mqat.synth.SynthConfig.defaults()));
        }
        boolean resume = Files.isRegularFile(out.resolve(Comparison.SETTINGS));
        System.err.println(resume ? "demo: resuming " + out : "demo: comparing into " + out);
        ComparisonResults results;
        try {
            results = Comparison.run(resume ? null : Demo.settings(Demo.MODEL, Demo.DATA, steps, SharedOptions.commandLine(spec))
                    .withLearningRate(lr), out, resume, new ComparisonProgress());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        CompareCommand.print(results, ComparisonReport.write(out, 4), false);
    }
}
