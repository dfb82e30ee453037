package dev.mqat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Option(names = "--arch", paramLabel = "NAME", description = "Preset network, e.g. wdr-darknet53 or wdr-cpu (or --model).")
    String arch;

    @Option(names = "--model", paramLabel = "RUN", description = "Run folder (trained, quantized or searched): its network, and its plan unless --plan is given.")
    Path model;

    @Option(names = "--plan", paramLabel = "PLAN",
            description = "Bits per module: backbone=8,fpn=2,head=8 or the short 8-2-8 (backbone-fpn-head); layer "
                    + "entries such as fpn.lateral.0=4 override their module's bits (names as in mqat model summary). "
                    + "Required with --arch.")
    String plan;

    @Option(names = "--per-channel", description = "Count one fp32 scale per output channel instead of per layer.")
    boolean perChannel;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public void run() {
        if ((arch == null) == (model == null)) {
            throw new UsageException("give one of --arch NAME and --model RUN");
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
                    throw new UsageException("--plan is required with --arch, e.g. --plan 8-2-8");
                }
                config = ModelConfig.preset(arch);
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
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("arch", config.arch().key());
            root.put("plan", bitPlan.isQuantized() ? bitPlan.toString() : BitPlan.FULL_PRECISION);
            root.put("fp32_bytes", r.fp32Bytes());
            root.put("quantized_bytes", r.quantizedBytes());
            root.put("compression", r.compression());
            root.put("weights_compression", r.weightsCompression());
            ObjectNode modules = root.putObject("modules");
            for (Map.Entry<String, SizeReport.ModuleSize> e : r.modules().entrySet()) {
                ObjectNode m = modules.putObject(e.getKey());
                m.put("params", e.getValue().params());
                m.put("bits", e.getValue().bits());
                m.put("fp32_bytes", e.getValue().fp32Bytes());
                m.put("quantized_bytes", e.getValue().quantizedBytes());
            }
            System.out.println(root.toString());
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
