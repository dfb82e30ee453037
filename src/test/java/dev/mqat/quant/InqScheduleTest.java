package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InqScheduleTest {

    @Test
    void paperScheduleMatchesTable10PerEpoch() {
        InqSchedule s = InqSchedule.paper();
        double[] fraction = new double[30];
        double[] lr = new double[30];
        for (int e = 0; e < 30; e++) {
            fraction[e] = s.fractionAtStep(e, 30);
            lr[e] = s.lrMultiplierAtStep(e, 30);
        }
        assertThat(fraction).containsExactly(0.2, 0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.6, 0.6, 0.8,
                0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.95, 0.95, 0.95, 0.95, 0.975, 0.975, 0.975, 0.975, 1.0);
        assertThat(lr).containsExactly(1, 1, 1, 0.1, 0.1, 1, 1, 0.1, 0.1, 1, 1, 0.1, 0.1, 1, 1, 0.1, 0.1, 1, 1, 0.1,
                0.1, 1, 1, 0.1, 0.1, 1, 1, 0.1, 0.1, 1);
    }

    @Test
    void shortStagesGetTheSamePatternByProgress() {
        InqSchedule s = InqSchedule.paper();
        // 300 steps: the fraction 0.4 starts at step 50 (epoch 5 of 30)
        assertThat(s.fractionAtStep(49, 300)).isEqualTo(0.2);
        assertThat(s.fractionAtStep(50, 300)).isEqualTo(0.4);
        assertThat(s.fractionAtStep(299, 300)).isEqualTo(1.0);
        assertThat(s.lrMultiplierAtStep(30, 300)).isEqualTo(0.1);
        assertThat(s.fractionAt(0.0)).isEqualTo(0.2);
    }

    @Test
    void invalidSchedulesAreRejected() {
        List<InqSchedule.Point> lr = List.of(new InqSchedule.Point(0, 1));
        assertThatThrownBy(() -> new InqSchedule(List.of(new InqSchedule.Point(0, 0.5)), lr))
                .hasMessageContaining("end at fraction 1");
        assertThatThrownBy(() -> new InqSchedule(List.of(new InqSchedule.Point(0.5, 0.5),
                new InqSchedule.Point(0.2, 1)), lr)).hasMessageContaining("increase");
        assertThatThrownBy(() -> new InqSchedule.Point(1.5, 1)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> InqSchedule.paper().fractionAtStep(0, 0)).hasMessageContaining("stageSteps");
    }
}
