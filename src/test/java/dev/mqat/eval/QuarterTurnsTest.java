package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class QuarterTurnsTest {

    /** A pixel lit in every channel of a turned batch comes back to where it was lit once its position is unturned. */
    @Test
    void unturnUndoesTheTurnOfTheBatch() {
        int n = 6;
        int x = 1;
        int y = 4;
        float[] pixels = new float[2 * 3 * n * n];
        for (int c = 0; c < 3; c++) {
            pixels[(3 + c) * n * n + y * n + x] = 1; // second image of the batch
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = m.create(pixels, new Shape(2, 3, n, n));
            for (int turns = 0; turns < 4; turns++) {
                float[] turned = QuarterTurns.turn(batch, turns).toFloatArray();
                int lit = -1;
                for (int i = 0; i < turned.length; i++) {
                    if (turned[i] == 1) {
                        assertThat(i / (n * n)).as("batch/channel plane of a lit pixel, %d turns", turns).isBetween(3, 5);
                        lit = i % (n * n);
                    }
                }
                double[] point = {lit % n, lit / n};
                if (turns % 2 == 1) {
                    assertThat(point).as("a quarter turn moves the pixel").isNotEqualTo(new double[] {x, y});
                }
                QuarterTurns.unturn(point, turns, n);
                assertThat(point).as("pixel after %d turns, unturned", turns).containsExactly(x, y);
            }
        }
    }
}
