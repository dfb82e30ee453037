package dev.mqat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.ModelSummary;
import dev.mqat.export.PackedModel;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunEvaluation;
import dev.mqat.quant.LayerInspection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mqat model}: inspect network presets. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect the pose network presets and trained runs.",
        subcommands = {ModelCommand.Summary.class, ModelCommand.Inspect.class})
final class ModelCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see 'mqat model --help'");
    }

    /** {@code mqat model summary}. */
    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Parameter count and fp32 size per module (backbone, fpn, head) and in total, and the conv layers "
                    + "with their weight shapes. Counted from shapes: nothing is allocated.")
    static final class Summary implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        NetworkOptions network;

        @Option(names = "--classes", defaultValue = "1", description = "Number of object classes (default 1).")
        int classes;

        @Option(names = "--json", description = SharedOptions.JSON)
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelConfig config;
            try {
                config = network.config(classes, 1.0);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            ModelSummary s = ModelSummary.of(config);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(s));
                return 0;
            }
            System.out.printf("%s: %,d parameters, %.2f MiB at fp32%n", s.arch(), s.totalParams(), s.totalParams() * 4 / 1048576.0);
            System.out.printf("%-10s %14s %12s%n", "module", "params", "fp32 MiB");
            for (Map.Entry<String, ModelSummary.ModuleSize> e : s.modules().entrySet()) {
                System.out.printf("%-10s %,14d %12.2f%n", e.getKey(), e.getValue().params(), e.getValue().fp32Bytes() / 1048576.0);
            }
            System.out.println();
            System.out.printf("%-40s %-9s %-22s %12s%n", "layer", "module", "weight shape", "params");
            for (ModelSummary.LayerInfo l : s.layers()) {
                System.out.printf("%-40s %-9s %-22s %,12d%n", l.name(), l.module(), l.shape(), l.params());
            }
            return 0;
        }
    }

    /** {@code mqat model inspect}. */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Show the bits, scales and weight values of every conv layer of a run or packed model. Per conv "
                    + "layer of a run's best checkpoint (or a packed .mqat file): module, weight bits (32 = float), scale(s), number "
                    + "of distinct weight values the layer uses, and the fraction of weights on the grid (INQ: frozen "
                    + "fraction; LSQ/STE: 1; float: 0).")
    static final class Inspect implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--model", required = true, paramLabel = "RUN", description = SharedOptions.MODEL)
        Path run;

        @Option(names = "--json", description = SharedOptions.JSON)
        boolean json;

        /** What {@code model inspect --json} prints. */
        record InspectJson(String plan, List<LayerJson> layers) {}

        /** One layer of {@link InspectJson}. */
        record LayerJson(String name, String module, int bits, List<Float> scales, int distinctValues,
                double fractionQuantized) {}

        @Override
        public Integer call() throws Exception {
            QuantizedCheckpoints.Inspection inspection;
            if (Files.isRegularFile(run)) {
                inspection = PackedModel.read(run).inspect();
            } else {
                if (!Files.isRegularFile(RunEvaluation.bestCheckpoint(run))) {
                    throw new UsageException("--model: " + run + " has no checkpoint " + RunEvaluation.bestCheckpoint(run));
                }
                inspection = QuantizedCheckpoints.inspect(run);
            }
            if (json) {
                JsonOutput.print(new InspectJson(inspection.plan(), inspection.layers().stream()
                        .map(l -> new LayerJson(l.name(), l.module(), l.bits(), l.scales(), l.distinctValues(),
                                l.fractionQuantized()))
                        .toList()));
                return 0;
            }
            System.out.println("plan: " + (inspection.plan().isEmpty() ? "full precision" : inspection.plan()));
            System.out.printf("%-40s %-9s %5s %-6s %14s %10s %9s%n", "layer", "module", "bits", "kind", "scale", "distinct",
                    "on grid");
            for (LayerInspection l : inspection.layers()) {
                String scale = l.scales().isEmpty() ? "-" : l.scales().size() == 1 ? String.format("%.4g", l.scales().get(0))
                        : l.scales().size() + " scales";
                System.out.printf("%-40s %-9s %5d %-6s %14s %10d %8.1f%%%n", l.name(), l.module(), l.bits(),
                        l.kind() == null ? "float" : l.kind().name().toLowerCase(java.util.Locale.ROOT), scale,
                        l.distinctValues(), 100 * l.fractionQuantized());
            }
            return 0;
        }
    }
}
