package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BitPlanTest {

    @Test
    void longAndShortFormsRoundTrip() {
        BitPlan p = BitPlan.parse("backbone=8,fpn=2,head=8");
        assertThat(p).isEqualTo(BitPlan.of(8, 2, 8));
        assertThat(p.toString()).isEqualTo("backbone=8,fpn=2,head=8");
        assertThat(p.toShortString()).isEqualTo("8-2-8");
        assertThat(BitPlan.parse("8-2-8")).isEqualTo(p);
        assertThat(BitPlan.parse(p.toString())).isEqualTo(p);
        assertThat(BitPlan.parse(" head = 4 , backbone=3 ").toString()).as("canonical module order")
                .isEqualTo("backbone=3,head=4");
    }

    @Test
    void missingModulesStayFloatAndLayerEntriesOverride() {
        BitPlan p = BitPlan.parse("fpn=2,fpn.lateral.0=4");
        assertThat(p.bitsOf("fpn")).contains(2);
        assertThat(p.bitsOf("head")).isEmpty();
        assertThat(p.bitsFor("fpn.lateral.0", "fpn")).isEqualTo(4);
        assertThat(p.bitsFor("fpn.output.0", "fpn")).isEqualTo(2);
        assertThat(p.bitsFor("head.cls.0", "head")).isEqualTo(BitPlan.FLOAT_BITS);
        assertThat(p.toShortString()).as("no short form with layer entries").isEqualTo("fpn=2,fpn.lateral.0=4");
        assertThat(BitPlan.parse(p.toString())).isEqualTo(p);
        assertThat(BitPlan.fullPrecision().isQuantized()).isFalse();
        assertThat(BitPlan.module("head", 3).withModule("fpn", 2).toString()).isEqualTo("fpn=2,head=3");
    }

    @Test
    void errorsNameTheValueAtFault() {
        assertThatThrownBy(() -> BitPlan.parse("neck=2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'neck'").hasMessageContaining("backbone, fpn or head");
        assertThatThrownBy(() -> BitPlan.parse("fpn=9")).hasMessageContaining("fpn").hasMessageContaining("9");
        assertThatThrownBy(() -> BitPlan.parse("8-0-8")).hasMessageContaining("fpn").hasMessageContaining("found 0");
        assertThatThrownBy(() -> BitPlan.parse("8-2")).hasMessageContaining("8-2");
        assertThatThrownBy(() -> BitPlan.parse("fpn=two")).hasMessageContaining("'two'");
        assertThatThrownBy(() -> BitPlan.parse("fpn=2,fpn=3")).hasMessageContaining("twice");
        assertThatThrownBy(() -> BitPlan.parse("neck.conv=2")).hasMessageContaining("neck.conv");
        assertThatThrownBy(() -> BitPlan.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> new BitPlan(Map.of("head", 32), Map.of())).hasMessageContaining("found 32");
        assertThatThrownBy(() -> BitPlan.parse("fpn.x=2").checkLayers(java.util.List.of("fpn.y")))
                .hasMessageContaining("fpn.x");
    }

    @Test
    void planIsImmutable() {
        BitPlan p = BitPlan.of(8, 2, 8);
        assertThatThrownBy(() -> p.moduleBits().put("fpn", 4)).isInstanceOf(UnsupportedOperationException.class);
    }
}
