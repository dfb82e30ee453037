package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SplitFractionsTest {

    @Test
    void parsesAndCountsTheDefault() {
        SplitFractions f = SplitFractions.parse("train=0.92,val=0.04,test=0.04");
        assertThat(f).isEqualTo(SplitFractions.defaults());
        assertThat(f.counts(22000)).containsExactly(20240, 880, 880);
        assertThat(SplitFractions.parse(" test = 0.5 , train=0.5").counts(7)).containsExactly(3, 0, 4);
        assertThat(SplitFractions.parse(f.toString())).isEqualTo(f);
    }

    @Test
    void badTextIsNamedInTheMessage() {
        assertThatThrownBy(() -> SplitFractions.parse("train=0.9,val=0.2"))
                .hasMessageContaining("train=0.9,val=0.2").hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> SplitFractions.parse("train=0.9,valid=0.1"))
                .hasMessageContaining("\"valid\"").hasMessageContaining("train, val or test");
        assertThatThrownBy(() -> SplitFractions.parse("train=abc")).hasMessageContaining("\"abc\"");
        assertThatThrownBy(() -> SplitFractions.parse("train=0.5,train=0.5")).hasMessageContaining("twice");
        assertThatThrownBy(() -> SplitFractions.parse("train")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> SplitFractions.parse("train=1.5,val=-0.5")).hasMessageContaining("0..1");
    }
}
