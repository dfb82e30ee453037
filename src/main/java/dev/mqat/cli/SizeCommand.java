package dev.mqat.cli;

import dev.mqat.model.ModelConfig;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeReport;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints a preset network's size in fp32 and under a bit plan. */
@Command(name = "size", mixinStandardHelpOptions = true,
        description = "Model size of a preset network or a run under a bit plan: fp32 bytes, quantized bytes, compression "
                + "(whole model and weights only), per module.")
final class SizeCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Mixin
    NetworkOptions network;

    @Option(names = "--model", paramLabel = "RUN", description = SharedOptions.MODEL)
    Path model;

    @Option(names = "--plan", paramLabel = "PLAN", description = SharedOptions.PLAN)
    String plan;

    @Option(names = "--per-channel", description = SharedOptions.PER_CHANNEL)
    boolean perChannel;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What {@code size --json} prints; sizes in bytes. */
    record SizeJson(String arch, String plan, long fp32Bytes, long quantizedBytes, double compression,
            double weightsCompression, Map<String, SizeReport.ModuleSize> modules) {}

    @Override
    public void run() {
        boolean networkGiven = spec.commandLine().getParseResult().hasMatchedOption("--arch")
                || spec.commandLine().getParseResult().hasMatchedOption("--width")
                || spec.commandLine().getParseResult().hasMatchedOption("--depth");
        if (model != null && networkGiven) {
            throw new UsageException("--model takes the run's network: leave out --arch, --width and --depth");
        }
        ModelConfig config;
        BitPlan bitPlan;
        Granularity granularity = perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        try {
            if (model != null) {
                if (!Files.isRegularFile(RunConfig.file(model))) {
                    throw new UsageException("--model: " + model + " is not a run folder (no config.json)");
                }
                RunConfig run = RunConfig.read(model);
                config = run.model();
                if (run.quantization() != null && !perChannel) {
                    granularity = run.quantization().granularity();
                }
                String found = plan != null ? plan : QuantizedCheckpoints.inspect(model).plan();
                bitPlan = found.isEmpty() ? BitPlan.fullPrecision() : BitPlan.parse(found);
            } else {
                if (plan == null) {
                    throw new UsageException("--plan is required without --model, e.g. --plan 8-2-8");
                }
                config = network.config(1, 1.0);
                bitPlan = BitPlan.parse(plan);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        SizeReport r;
        try {
            r = Quantization.size(config, bitPlan, granularity);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--plan: " + e.getMessage());
        }
        if (json) {
            JsonOutput.print(new SizeJson(config.arch().key(), bitPlan.text(), r.fp32Bytes(), r.quantizedBytes(),
                    r.compression(), r.weightsCompression(), r.modules()));
            return;
        }
        System.out.printf(Locale.ROOT, "%s, plan %s (%s scales)%n", config.arch().key(),
                bitPlan.isQuantized() ? bitPlan.toShortString() : BitPlan.FULL_PRECISION,
                granularity == Granularity.PER_CHANNEL ? "per-channel" : "per-layer");
        System.out.printf(Locale.ROOT, "%-10s %12s %5s %14s %14s %8s%n", "module", "params", "bits", "fp32 MiB",
                "quantized MiB", "ratio");
        for (Map.Entry<String, SizeReport.ModuleSize> e : r.modules().entrySet()) {
            SizeReport.ModuleSize m = e.getValue();
            System.out.printf(Locale.ROOT, "%-10s %12d %5d %14.3f %14.3f %7.2fx%n", e.getKey(), m.params(), m.bits(),
                    mib(m.fp32Bytes()), mib(m.quantizedBytes()), (double) m.fp32Bytes() / m.quantizedBytes());
        }
        System.out.printf(Locale.ROOT, "%-10s %12d %5s %14.3f %14.3f %7.2fx%n", "total", r.params(), "",
                mib(r.fp32Bytes()), mib(r.quantizedBytes()), r.compression());
        System.out.printf(Locale.ROOT, "weights only: %.3f MiB -> %.3f MiB, %.2fx%n", mib(r.fp32WeightBytes()),
                mib(r.quantizedWeightBytes()), r.weightsCompression());
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
