package dev.mqat.export;

import dev.mqat.quant.Levels;

/**
 * Bit packing of the integer weight codes of {@link dev.mqat.quant.Levels} at their width, as the packed model file
 * stores them ({@link PackedModel}; docs/export-format.md).
 *
 * <p>Layout: code {@code i} occupies bits {@code i*b .. i*b+b-1} of the stream, bit {@code j} of the stream being bit
 * {@code j % 8} (least significant first) of byte {@code j / 8}; {@code n} codes take {@code ceil(n b / 8)} bytes and
 * the unused high bits of the last byte are zero. At 2..8 bits a field holds the code in b-bit two's complement; the
 * pattern {@code 100..0} ({@code -2^(b-1)}) is never written, since the symmetric grid stops at
 * {@code -(2^(b-1) - 1)}. At 1 bit the field is 1 for the code +1 and 0 for -1. So 2-bit ternary codes take 2 bits,
 * 4-bit codes a nibble (the first code in the low nibble) and 8-bit codes one byte each, as {@code int8}.
 */
public final class PackedCodes {
    private PackedCodes() {}

    /** Bytes that {@code count} codes of {@code bits} bits take: {@code ceil(count * bits / 8)}. */
    public static long byteCount(long count, int bits) {
        Levels.checkBits(bits);
        return (count * bits + 7) / 8;
    }

    /**
     * Packs codes.
     *
     * @param codes integer codes, each in {@code [-(2^(b-1)-1), 2^(b-1)-1]} (b >= 2) or {@code {-1, +1}} (b = 1)
     * @return a new array of {@link #byteCount} bytes
     * @throws IllegalArgumentException naming the index and value of the first code outside the range
     */
    public static byte[] pack(int[] codes, int bits) {
        byte[] out = new byte[Math.toIntExact(byteCount(codes.length, bits))];
        int max = Levels.maxCode(bits);
        int mask = (1 << bits) - 1;
        long acc = 0; // bits not yet written, least significant first
        int filled = 0;
        int pos = 0;
        for (int i = 0; i < codes.length; i++) {
            int k = codes[i];
            int field;
            if (bits == 1) {
                if (k != 1 && k != -1) {
                    throw new IllegalArgumentException("code " + i + " is " + k + "; 1-bit codes are -1 and +1");
                }
                field = k > 0 ? 1 : 0;
            } else {
                if (k < -max || k > max) {
                    throw new IllegalArgumentException("code " + i + " is " + k + "; " + bits + "-bit codes are in ["
                            + -max + ", " + max + "]");
                }
                field = k & mask;
            }
            acc |= (long) field << filled;
            filled += bits;
            while (filled >= 8) {
                out[pos++] = (byte) acc;
                acc >>>= 8;
                filled -= 8;
            }
        }
        if (filled > 0) {
            out[pos] = (byte) acc;
        }
        return out;
    }

    /**
     * Unpacks {@code count} codes from {@code data[offset ..]}.
     *
     * @return a new array of codes
     * @throws IllegalArgumentException when the bytes are fewer than {@link #byteCount}, when a field holds the
     *     pattern no valid code has ({@code -2^(b-1)}), or when the padding bits of the last byte are not zero; the
     *     message names the code index
     */
    public static int[] unpack(byte[] data, int offset, int count, int bits) {
        long bytes = byteCount(count, bits);
        if (offset < 0 || offset + bytes > data.length) {
            throw new IllegalArgumentException(count + " codes of " + bits + " bits need " + bytes + " bytes from offset "
                    + offset + ", only " + Math.max(0, data.length - offset) + " are there");
        }
        int[] out = new int[count];
        int mask = (1 << bits) - 1;
        int signBit = 1 << (bits - 1);
        long acc = 0;
        int filled = 0;
        int pos = offset;
        for (int i = 0; i < count; i++) {
            while (filled < bits) {
                acc |= (long) (data[pos++] & 0xff) << filled;
                filled += 8;
            }
            int field = (int) (acc & mask);
            acc >>>= bits;
            filled -= bits;
            if (bits == 1) {
                out[i] = field == 1 ? 1 : -1;
            } else if (field == signBit) {
                throw new IllegalArgumentException("code " + i + " has the bit pattern of " + -signBit + ", outside the "
                        + bits + "-bit grid [" + -(signBit - 1) + ", " + (signBit - 1) + "]");
            } else {
                out[i] = (field & signBit) != 0 ? field - (1 << bits) : field;
            }
        }
        if (acc != 0) {
            throw new IllegalArgumentException("the padding bits after code " + (count - 1) + " are not zero");
        }
        return out;
    }

}
