package dev.mqat.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComparisonReportTest {

    @Test
    void modulePlansStayAsWrittenAndLayerPlansAreCounted() {
        assertThat(ComparisonReport.planCell("8-4-8")).isEqualTo("8-4-8");
        assertThat(ComparisonReport.planCell("head=8,fpn.lateral.0=2,backbone.stem=8,backbone.stage.0.down=2,"
                + "fpn.output.1=4")).isEqualTo("per layer: 2 layers at 2, 1 layer at 4, 1 layer at 8, head 8");
    }
}
