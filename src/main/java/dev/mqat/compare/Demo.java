package dev.mqat.compare;

import dev.mqat.search.SearchSettings;
import dev.mqat.synth.CubeSatModel;
import dev.mqat.synth.SynthConfig;
import dev.mqat.synth.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code mqat demo}: the first command a new user runs. Writes the default dataset when it is not there yet, then
 * compares MQAT with its baselines on the shipped model at 4x and 8x with the quick budget.
 *
 * <p>Paths are relative to the project folder, as the README's set-up uses them: the dataset
 * {@code data/swisscube-synth} (what {@code mqat synth --out data/swisscube-synth} writes, and what the shipped model
 * was trained on), the model {@code models/wdr-cpu-synth}.
 */
public final class Demo {
    /** The shipped float model. */
    public static final Path MODEL = Path.of("models", "wdr-cpu-synth");
    /** The default dataset's folder. */
    public static final Path DATA = Path.of("data", "swisscube-synth");
    /** Where the demo's comparison goes unless told otherwise. */
    public static final Path OUT = Path.of("runs", "demo");
    /** The targets of the demo. */
    public static final List<Double> COMPRESSIONS = List.of(4.0, 8.0);
    /**
     * Steps of every fine-tune of the demo, a quarter of the quick budget's. With {@link #SCORING_IMAGES} this keeps
     * its 16 fine-tunes, 9 test evaluations, two Hessian estimates, the dataset and the build under 20 minutes on 2
     * cores in a slow hour too (at 70 steps and 256 images two runs took 976 s and 1198 s; docs/compare.md).
     */
    public static final long STEPS = 50;
    /**
     * Training images of each fine-tune's depth refit and validation images it is scored on: half the quick
     * budget's 256, which is most of what a 50-step fine-tune costs besides its steps.
     */
    public static final int SCORING_IMAGES = 128;

    private Demo() {}

    /** Whether {@code data} holds a finished dataset: {@code synth} writes {@value Synthesizer#PARAMETERS_FILE} last. */
    public static boolean datasetReady(Path data) {
        return Files.isRegularFile(data.resolve(Synthesizer.PARAMETERS_FILE));
    }

    /**
     * Writes the default dataset into {@code data} (the embedded satellite, default counts, size and seed: the bytes
     * {@code mqat synth --out DIR} writes), replacing what an interrupted earlier attempt left.
     *
     * @param progress called on the calling thread about twice a second; may be null
     */
    public static void writeDataset(Path data, int threads, Synthesizer.Progress progress) {
        Synthesizer.generate(CubeSatModel.mesh(), Synthesizer.EMBEDDED_OBJECT_NAME, SynthConfig.defaults(), data,
                threads, progress);
    }

    /**
     * The comparison the demo runs: every method at 4x and 8x, the quick budget with {@link #STEPS} steps per
     * fine-tune and {@link #SCORING_IMAGES} images for each depth refit and validation, one seed.
     *
     * @param steps steps of every fine-tune, null for {@link #STEPS}
     */
    public static ComparisonSettings settings(Path model, Path data, Long steps, List<String> command) {
        ComparisonSettings s = ComparisonSettings.of(model.toAbsolutePath().normalize(),
                data.toAbsolutePath().normalize(), COMPRESSIONS, SearchSettings.Preset.QUICK, 1, command);
        return s.withFineTune(SearchSettings.Budget.ofSteps(steps == null ? STEPS : steps))
                .withScoringImages(SCORING_IMAGES, SCORING_IMAGES);
    }
}
