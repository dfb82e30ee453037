package dev.mqat.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.quant.Levels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link PackedCodes}: hand-computed layouts, round trips at every width, odd counts, signs, corrupt input. */
class PackedCodesTest {

    @Test
    void ternaryCodesTakeTwoBitsEachLeastSignificantFirst() {
        // 1 -> 01, -1 -> 11, 0 -> 00, 1 -> 01: 01 | 11 << 2 | 00 << 4 | 01 << 6 = 0x4d; then -1 alone: 0x03
        byte[] b = PackedCodes.pack(new int[] {1, -1, 0, 1, -1}, 2);
        assertThat(b).containsExactly(0x4d, 0x03);
    }

    @Test
    void fourBitCodesAreNibblesLowFirst() {
        // -7 -> 1001, 7 -> 0111, 3 -> 0011 (high nibble of the last byte is padding, zero)
        assertThat(PackedCodes.pack(new int[] {-7, 7, 3}, 4)).containsExactly(0x79, 0x03);
    }

    @Test
    void eightBitCodesAreInt8Bytes() {
        assertThat(PackedCodes.pack(new int[] {-127, 127, -1, 0}, 8)).containsExactly(0x81, 0x7f, 0xff, 0x00);
    }

    @Test
    void oneBitCodesAreSignsWithOneForPlus() {
        // +1 -1 -1 +1 +1 +1 -1 +1 | +1 -> bits 1,0,0,1,1,1,0,1 = 0b10111001 = 0xb9, then 0x01
        assertThat(PackedCodes.pack(new int[] {1, -1, -1, 1, 1, 1, -1, 1, 1}, 1)).containsExactly(0xb9, 0x01);
        assertThat(PackedCodes.unpack(new byte[] {(byte) 0xb9, 0x01}, 0, 9, 1))
                .containsExactly(1, -1, -1, 1, 1, 1, -1, 1, 1);
    }

    @Test
    void everyWidthRoundTripsForOddCountsAndTheWholeSignedRange() {
        SplittableRandom random = new SplittableRandom(7);
        for (int bits = 1; bits <= 8; bits++) {
            int qp = Levels.maxCode(bits);
            for (int count : new int[] {0, 1, 2, 3, 5, 7, 9, 13, 31, 101, 1001}) {
                int[] codes = new int[count];
                for (int i = 0; i < count; i++) {
                    if (bits == 1) {
                        codes[i] = random.nextBoolean() ? 1 : -1;
                    } else {
                        // the extremes and zero first, then uniform over the grid
                        codes[i] = i == 0 ? -qp : i == 1 ? qp : i == 2 ? 0 : random.nextInt(-qp, qp + 1);
                    }
                }
                byte[] packed = PackedCodes.pack(codes, bits);
                assertThat(packed.length).as("bytes of %d codes at %d bits", count, bits)
                        .isEqualTo((count * bits + 7) / 8).isEqualTo((int) PackedCodes.byteCount(count, bits));
                // unpacking from inside a larger buffer (an offset in the weights section)
                byte[] framed = new byte[packed.length + 5];
                System.arraycopy(packed, 0, framed, 3, packed.length);
                assertThat(PackedCodes.unpack(framed, 3, count, bits)).as("round trip of %d codes at %d bits", count, bits)
                        .containsExactly(codes);
            }
        }
    }

    @Test
    void outOfGridCodesAreRefusedWhenPacking() {
        assertThatThrownBy(() -> PackedCodes.pack(new int[] {0, 2}, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code 1 is 2").hasMessageContaining("[-1, 1]");
        assertThatThrownBy(() -> PackedCodes.pack(new int[] {-128}, 8)).hasMessageContaining("[-127, 127]");
        assertThatThrownBy(() -> PackedCodes.pack(new int[] {0}, 1)).hasMessageContaining("-1 and +1");
        assertThatThrownBy(() -> PackedCodes.pack(new int[] {1}, 9)).hasMessageContaining("1..8");
    }

    @Test
    void corruptBytesAreRefusedWhenUnpacking() {
        // 10 is -2 at 2 bits, which no ternary code has
        assertThatThrownBy(() -> PackedCodes.unpack(new byte[] {0b0010_0001}, 0, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 2").hasMessageContaining("-2");
        assertThatThrownBy(() -> PackedCodes.unpack(new byte[] {(byte) 0x80}, 0, 1, 8)).hasMessageContaining("-128");
        // 3 codes of 2 bits leave 2 padding bits, which must be zero
        assertThatThrownBy(() -> PackedCodes.unpack(new byte[] {(byte) 0x41}, 0, 3, 2)).hasMessageContaining("padding");
        assertThatThrownBy(() -> PackedCodes.unpack(new byte[] {1, 2}, 1, 9, 4)).hasMessageContaining("need 5 bytes");
    }
}
