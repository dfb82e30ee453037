package dev.mqat.cli;

import dev.mqat.model.ModelConfig;
import picocli.CommandLine.Option;

/** The network a command builds: a preset scaled by width and depth multipliers ({@code train}, {@code model summary}). */
final class NetworkOptions {

    @Option(names = "--arch", defaultValue = "wdr-cpu", paramLabel = "NAME",
            description = SharedOptions.ARCH)
    String arch;

    @Option(names = "--width", defaultValue = "1.0", paramLabel = "X",
            description = "Channel width multiplier (channels rounded to a multiple of 8). Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--depth", paramLabel = "X",
            description = "Residual-unit multiplier of the backbone stages (rounded, at least 1 per stage). Default: "
                    + TRAIN_DEPTH + " for train (its default recipe), 1 otherwise.")
    Double depth;

    /** The depth multiplier train uses unless told otherwise: it won the 20-minute runs (docs/training-recipe.md). */
    static final double TRAIN_DEPTH = 1.25;

    /**
     * The preset scaled by the multipliers, for {@code numClasses} object classes; {@code defaultDepth} when no
     * {@code --depth} was given.
     *
     * @throws IllegalArgumentException for an unknown preset or a multiplier out of range (the message names the key)
     */
    ModelConfig config(int numClasses, double defaultDepth) {
        return ModelConfig.preset(arch).withWidthMultiplier(width).withDepthMultiplier(depth == null ? defaultDepth : depth)
                .withNumClasses(numClasses);
    }
}
