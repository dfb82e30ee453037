package dev.mqat.cli;

import dev.mqat.model.ModelConfig;
import picocli.CommandLine.Option;

/** The network a command builds: a preset scaled by width and depth multipliers ({@code train}, {@code model summary}). */
final class NetworkOptions {

    @Option(names = "--arch", defaultValue = "wdr-cpu", paramLabel = "NAME",
            description = "Network preset: wdr-cpu (128 px, CPU default) or wdr-darknet53 (paper scale). Default: ${DEFAULT-VALUE}.")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", paramLabel = "X",
            description = "Channel width multiplier (channels rounded to a multiple of 8). Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--depth", defaultValue = "1.0", paramLabel = "X",
            description = "Residual-unit multiplier of the backbone stages (rounded, at least 1 per stage). Default: ${DEFAULT-VALUE}.")
    double depth;

    /**
     * The preset scaled by the multipliers, for {@code numClasses} object classes.
     *
     * @throws IllegalArgumentException for an unknown preset or a multiplier out of range (the message names the key)
     */
    ModelConfig config(int numClasses) {
        return ModelConfig.preset(arch).withWidthMultiplier(width).withDepthMultiplier(depth).withNumClasses(numClasses);
    }
}
