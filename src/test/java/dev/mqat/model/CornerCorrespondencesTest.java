package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CornerCorrespondencesTest {

    private static final CornerCorrespondences A = new CornerCorrespondences(1, 0.4, new int[] {7},
            new double[] {1, 2}, new double[] {10, 20, 30});
    private static final CornerCorrespondences B = new CornerCorrespondences(1, 0.9, new int[] {3, 5},
            new double[] {3, 4, 5, 6}, new double[] {40, 50, 60, 70, 80, 90});

    @Test
    void poolingAppendsTheOtherViewsPairsAndKeepsTheHigherConfidence() {
        CornerCorrespondences p = A.pooledWith(B);
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.imagePointsPx()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(p.objectPointsMm()).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(p.cells()).containsExactly(7, 3, 5);
        assertThat(p.confidence()).isEqualTo(0.9);
        assertThat(B.pooledWith(A).confidence()).isEqualTo(0.9);
    }

    @Test
    void poolingAnotherClassOrMovingPointsOfAnotherCountIsRefused() {
        CornerCorrespondences other = new CornerCorrespondences(2, 0.5, new int[] {1}, new double[] {0, 0}, new double[] {0, 0, 0});
        assertThatThrownBy(() -> A.pooledWith(other)).hasMessageContaining("class 2");
        assertThat(B.withImagePoints(new double[] {9, 8, 7, 6}).imagePointsPx()).containsExactly(9, 8, 7, 6);
        assertThat(B.withImagePoints(new double[] {9, 8, 7, 6}).objectPointsMm()).isEqualTo(B.objectPointsMm());
        assertThatThrownBy(() -> B.withImagePoints(new double[] {1, 2})).isInstanceOf(IllegalArgumentException.class);
    }
}
