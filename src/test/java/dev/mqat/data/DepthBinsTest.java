package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DepthBinsTest {

    @Test
    void threeEqualWidthBinsOverTheRange() {
        DepthBins b = DepthBins.over(new double[] {400, 100, 250, 1000});
        assertThat(b.edgesMm()).containsExactly(100, 400, 700, 1000);
        assertThat(b.binOf(100)).isEqualTo(DepthBin.NEAR);
        assertThat(b.binOf(399.9)).isEqualTo(DepthBin.NEAR);
        assertThat(b.binOf(400)).isEqualTo(DepthBin.MEDIUM);
        assertThat(b.binOf(700)).isEqualTo(DepthBin.FAR);
        assertThat(b.binOf(1000)).isEqualTo(DepthBin.FAR);
        assertThat(b.binOf(50)).as("below the range").isEqualTo(DepthBin.NEAR);
        assertThat(b.binOf(5000)).as("above the range").isEqualTo(DepthBin.FAR);
    }

    @Test
    void singleDepthPutsEverythingNear() {
        DepthBins b = DepthBins.over(new double[] {300, 300});
        assertThat(b.edgesMm()).containsExactly(300, 300, 300, 300);
        assertThat(b.binOf(300)).isEqualTo(DepthBin.NEAR);
    }

    @Test
    void invalidInputIsRejected() {
        assertThatThrownBy(() -> DepthBins.over(new double[0])).hasMessage("depth bins need at least one depth");
        assertThatThrownBy(() -> DepthBins.over(new double[] {1, Double.NaN})).hasMessage("depth NaN is not finite");
        assertThatThrownBy(() -> new DepthBins(new double[] {3, 2, 4, 5})).hasMessageContaining("ascending");
    }

    @Test
    void summaryCountsInstancesPerBin(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        BopFixtures f = BopFixtures.write(tmp, 4);
        DatasetSummary.Split train = DatasetSummary.split(BopDataset.open(tmp), "train");
        double[] depths = f.images.values().stream().filter(w -> w.key().split().equals("train"))
                .flatMap(w -> w.instances().stream()).mapToDouble(GtInstance::depthMm).toArray();
        DepthBins expected = DepthBins.over(depths);
        int[] counts = new int[3];
        for (double d : depths) {
            counts[expected.binOf(d).ordinal()]++;
        }
        assertThat(train.depthBins()).contains(expected);
        assertThat(train.binCounts()).containsExactly(counts);
        assertThat(train.instanceCount()).isEqualTo(7);
        assertThat(train.imageCount()).isEqualTo(6);
        assertThat(train.sceneCount()).isEqualTo(2);
        assertThat(train.source()).isEqualTo("training.txt");
        assertThat(train.instancesPerObject()).containsEntry(1, 6).containsEntry(2, 1);
    }
}
