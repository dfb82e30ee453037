package dev.mqat.cli;

import dev.mqat.eval.EvaluationResult;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizeSettings;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.train.OptimizerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Gradated modular quantization-aware training of a trained run. */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Quantize a trained float run module by module (MQAT) or all at once, fine-tuning after each stage.",
            "Starts from RUN's best checkpoint. With --flow, the modules are quantized one per stage in that order "
                    + "(modules done stay quantized) and the whole network is fine-tuned after each; without --flow "
                    + "every module of the plan is quantized in one stage (uniform QAT, the baseline). Modules the plan "
                    + "does not name stay float.",
            "INQ freezes 20, 40, 60, 80, 90, 95, 97.5, 100 %% of a stage's weights by magnitude over the stage, with the "
                    + "LR back at --lr at each freeze step and x0.1 in between (paper Table 10 scaled to the stage); "
                    + "LSQ and STE use --lr with x0.1 drops at 1/3, 2/3 and 5/6 of the stage. Batch size, augmentation, seed and loss settings are RUN's.",
            "Writes QRUN/config.json (usable by 'mqat eval' and 'mqat predict'), QRUN/log.jsonl, "
                    + "QRUN/stages/<i>-<module>/stage.ckpt with the validation metrics after each stage, "
                    + "QRUN/checkpoints/best.ckpt (the last stage's network) and QRUN/metrics-test.json."})
final class QuantizeCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "RUN", description = SharedOptions.MODEL)
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--out", required = true, paramLabel = "QRUN", description = "Run folder to create (or to continue with --resume).")
    Path out;

    @Option(names = "--plan", paramLabel = "PLAN", description = SharedOptions.PLAN)
    String plan;

    @Option(names = "--flow", paramLabel = "MODULES", description = "Quantization order, e.g. fpn,head,backbone: every module the plan quantizes, once. Default: all at once.")
    String flow;

    @Option(names = "--quantizer", defaultValue = "inq", paramLabel = "NAME", converter = SharedOptions.QuantizerConverter.class,
            description = SharedOptions.QUANTIZER)
    QuantizerKind quantizer;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget;

    static final class Budget {
        @Option(names = "--stage-epochs", paramLabel = "N", description = "Fine-tuning epochs per stage (default 1).")
        Integer epochs;

        @Option(names = "--stage-steps", paramLabel = "N", description = SharedOptions.STAGE_STEPS)
        Long steps;
    }

    @Option(names = "--act-bits", defaultValue = "0", paramLabel = "B", description = "Also fake-quantize the inputs of the quantized modules' convs at B bits (2..8, LSQ); 0 = off, weights only as in the paper. Default: ${DEFAULT-VALUE}.")
    int actBits;

    @Option(names = "--lr", paramLabel = "LR", description = SharedOptions.LR)
    Double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", converter = SharedOptions.OptimizerConverter.class,
            description = SharedOptions.OPTIMIZER)
    OptimizerKind optimizer;

    @Option(names = "--per-channel", description = SharedOptions.PER_CHANNEL)
    boolean perChannel;

    @Option(names = "--checkpoint-every", defaultValue = "50", paramLabel = "STEPS", description = SharedOptions.CHECKPOINT_EVERY)
    long checkpointEvery;

    @Mixin
    JobOptions job;

    /** What {@code quantize --json} prints: each stage's plan and validation ADI-0.1d, and the test metrics. */
    record Quantized(String run, List<Stage> stages, com.fasterxml.jackson.databind.JsonNode test) {
        record Stage(String name, String plan, Double valAdi01d) {}
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        RunConfig config = null;
        job.check();
        if (job.resume) {
            if (!Files.isRegularFile(RunConfig.file(out))) {
                throw new UsageException("--resume: " + out + " is not a run folder (no config.json)");
            }
        } else {
            config = config();
        }
        QuantizeJob.Result r = QuantizeJob.run(config, out, job.resume);
        if (job.json) {
            JsonOutput.print(new Quantized(out.toString(), r.stages().stream().map(s -> new Quantized.Stage(s.name(),
                    s.plan(), s.validation() == null ? null : s.validation().overall().adi01d())).toList(),
                    r.test() == null ? null : r.test().toJsonNode()));
            return;
        }
        for (QuantizeJob.StageResult s : r.stages()) {
            System.out.printf("stage %-22s plan %-28s val ADI-0.1d %s%n", s.name(), s.plan(),
                    s.validation() == null ? "-" : String.format("%.2f%%", s.validation().overall().adi01d()));
        }
        EvaluationResult test = r.test();
        if (test != null) {
            System.out.print(test.toTable());
        }
        System.out.println("quantized run " + out);
    }

    private RunConfig config() {
        if (model == null) {
            throw new UsageException("--model is required (unless --resume)");
        }
        if (plan == null) {
            throw new UsageException("--plan is required (unless --resume), e.g. --plan 8-2-8");
        }
        Path best = RunEvaluation.bestCheckpoint(model);
        try {
            List<String> flowModules = flow == null ? List.of()
                    : Arrays.stream(flow.split(",", -1)).map(String::strip).toList();
            int epochs = 0;
            long steps = 0;
            if (budget == null || budget.epochs != null) {
                epochs = budget == null ? 1 : budget.epochs;
            } else {
                steps = budget.steps;
            }
            if (lr != null && !(lr > 0)) {
                throw new UsageException("--lr must be positive, found " + lr);
            }
            QuantizeSettings settings = new QuantizeSettings(model.toAbsolutePath().normalize().toString(),
                    best.toAbsolutePath().normalize().toString(), BitPlan.parse(plan), flowModules, quantizer,
                    perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR, epochs, steps, actBits,
                    checkpointEvery);
            if (!Files.isRegularFile(RunConfig.file(model))) {
                throw new UsageException("--model: " + model + " is not a run folder (no config.json)");
            }
            if (!Files.isRegularFile(best)) {
                throw new UsageException("--model: " + model + " has no best checkpoint " + best + "; train it first");
            }
            if (data != null && !Files.isDirectory(data)) {
                throw new UsageException("--data: dataset folder not found: " + data);
            }
            List<String> command = SharedOptions.commandLine(spec);
            return QuantizeJob.configFor(model, data, settings, optimizer, lr, job.device.override(), command);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
