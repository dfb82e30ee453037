package dev.mqat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.Architecture;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.ModelSummary;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mqat model}: inspect network presets. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect the pose network presets.",
        subcommands = {ModelCommand.Summary.class})
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

        @Option(names = "--arch", defaultValue = "wdr-cpu", paramLabel = "NAME",
                description = "Preset: wdr-cpu (default) or wdr-darknet53.")
        String arch;

        @Option(names = "--classes", defaultValue = "1", description = "Number of object classes (default 1).")
        int classes;

        @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier (default 1.0).")
        double width;

        @Option(names = "--depth", defaultValue = "1.0", description = "Depth multiplier (default 1.0).")
        double depth;

        @Option(names = "--json", description = "Print one JSON object instead of the table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelConfig config;
            try {
                Architecture.fromKey(arch);
                config = ModelConfig.preset(arch).withNumClasses(classes).withWidthMultiplier(width).withDepthMultiplier(depth);
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
}
