package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.search.SearchSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison {@code mqat demo} runs: the quick budget, cut to fit its 20 minutes. */
class DemoTest {
    private static final Path SHIPPED = Path.of("models", "wdr-cpu-synth");

    @Test
    void theDemoGivesEveryMethodAndTheSearchItsStepsAndScoringImages() {
        ComparisonSettings s = Demo.settings(SHIPPED, Path.of("data", "x"), null, List.of("mqat", "demo"));
        assertThat(s.budget()).isEqualTo("quick");
        assertThat(s.compressions()).containsExactly(4.0, 8.0);
        assertThat(s.fineTune()).isEqualTo(SearchSettings.Budget.ofSteps(Demo.STEPS));
        assertThat(s.validationImages()).isEqualTo(Demo.SCORING_IMAGES)
                .isLessThan(SearchSettings.Preset.QUICK.validationImages);
        assertThat(s.depthCalibrationImages()).isEqualTo(Demo.SCORING_IMAGES)
                .isLessThan(SearchSettings.Preset.QUICK.depthCalibrationImages);
        assertThat(s.hessianSamples()).isEqualTo(SearchSettings.Preset.QUICK.hessianSamples);

        SearchSettings search = s.search(8, 1);
        assertThat(search.validationImages()).isEqualTo(Demo.SCORING_IMAGES);
        assertThat(search.depthCalibrationImages()).isEqualTo(Demo.SCORING_IMAGES);
        assertThat(search.stage()).isEqualTo(SearchSettings.Budget.ofSteps(Demo.STEPS));
    }

    @Test
    void stepsGivenOnTheCommandLineReplaceTheDemosAndKeepItsScoringImages() {
        ComparisonSettings s = Demo.settings(SHIPPED, Path.of("data", "x"), 7L, List.of("mqat", "demo"));
        assertThat(s.fineTune()).isEqualTo(SearchSettings.Budget.ofSteps(7));
        assertThat(s.validationImages()).isEqualTo(Demo.SCORING_IMAGES);
    }
}
