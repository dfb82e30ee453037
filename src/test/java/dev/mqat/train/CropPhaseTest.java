package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CropPhaseTest {

    @Test
    void aScheduleGivesEachPhaseItsSideUntilItsEnd() {
        List<CropPhase> phases = CropPhase.parse("64:0.6, 96:0.9,0");
        assertThat(phases).containsExactly(new CropPhase(64, 0.6), new CropPhase(96, 0.9), new CropPhase(0, 1));
        assertThat(CropPhase.sideAt(phases, 0)).isEqualTo(64);
        assertThat(CropPhase.sideAt(phases, 0.599)).isEqualTo(64);
        assertThat(CropPhase.sideAt(phases, 0.6)).isEqualTo(96);
        assertThat(CropPhase.sideAt(phases, 0.95)).isZero();
        assertThat(CropPhase.sideAt(phases, 1.2)).as("past the budget (a time limit's last step)").isZero();
        assertThat(CropPhase.sideAt(CropPhase.parse("96"), 0.5)).isEqualTo(96);
        assertThat(CropPhase.sideAt(List.of(), 0.5)).as("no phases: whole images").isZero();
    }

    @Test
    void theDefaultRecipeScalesWithTheInputSide() {
        assertThat(CropPhase.recipeFor(128)).isEqualTo(CropPhase.parse("64:0.6,96:0.9,0"));
        assertThat(CropPhase.recipeFor(512)).isEqualTo(CropPhase.parse("256:0.6,384:0.9,0"));
        assertThat(CropPhase.recipeFor(160)).as("sides rounded down to multiples of 32")
                .isEqualTo(CropPhase.parse("64:0.6,96:0.9,0"));
        assertThat(CropPhase.recipeFor(96)).as("whole images under 128 px").isEmpty();
    }

    @Test
    void badSchedulesAreRefusedNamingThePart() {
        assertThatThrownBy(() -> CropPhase.parse("64,96")).hasMessageContaining("'64'").hasMessageContaining("SIDE:UNTIL");
        assertThatThrownBy(() -> CropPhase.parse("64:0.6,96:0.8")).hasMessageContaining("':0.8'");
        assertThatThrownBy(() -> CropPhase.parse("64:0.6,96:0.5,0")).hasMessageContaining("0.6 then 0.5");
        assertThatThrownBy(() -> CropPhase.parse("48")).hasMessageContaining("multiple of 32").hasMessageContaining("48");
        assertThatThrownBy(() -> CropPhase.parse("64:x,96")).hasMessageContaining("'64:x'");
        assertThatThrownBy(() -> CropPhase.parse("64:1.5,96")).hasMessageContaining("(0, 1]").hasMessageContaining("1.5");
    }
}
