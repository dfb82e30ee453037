package dev.mqat.synth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for 8-bit RGB and grey images: one IDAT chunk, a fixed row filter, no ancillary
 * chunks, so the same pixels always give the same bytes (no timestamps or metadata).
 *
 * <p>Rows use PNG filter 1 ("Sub": each byte minus the byte one pixel to its left), which on these mostly
 * black, noisy images compresses better than no filter at almost no cost. Written instead of
 * {@code javax.imageio} for speed: see the synth benchmark. Not thread-safe (reuses its Deflater and
 * buffers): one encoder per thread; {@link #close()} frees the native zlib state.
 */
public final class PngEncoder implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private byte[] filtered = new byte[0];
    private byte[] chunk = new byte[1 << 16];

    /** An encoder with the given zlib level (0..9). */
    public PngEncoder(int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("png: deflate level must be in 0..9, found " + level);
        }
        this.deflater = new Deflater(level);
    }

    /**
     * Deflate level used by the synthetic generator: level 1 writes noisy 128 px frames 2-10x faster than
     * levels 4-6 for files about 8 % larger (measured: 24.0 vs 22.3 and 21.6 KB per image and mask).
     */
    public static final int DEFAULT_LEVEL = 1;

    public PngEncoder() {
        this(DEFAULT_LEVEL);
    }

    /** Encodes 8-bit RGB pixels (row-major, 3 bytes per pixel). */
    public byte[] rgb(int width, int height, byte[] pixels) {
        return encode(width, height, 3, 2, pixels);
    }

    /** Encodes 8-bit grey pixels (row-major, 1 byte per pixel). */
    public byte[] gray(int width, int height, byte[] pixels) {
        return encode(width, height, 1, 0, pixels);
    }

    private byte[] encode(int width, int height, int channels, int colorType, byte[] pixels) {
        if (width <= 0 || height <= 0 || pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("png: " + pixels.length + " bytes do not fit " + width + "x" + height
                    + " px with " + channels + " channel(s)");
        }
        int stride = width * channels;
        int rawSize = height * (stride + 1);
        if (filtered.length < rawSize) {
            filtered = new byte[rawSize];
        }
        for (int y = 0; y < height; y++) {
            int in = y * stride;
            int out = y * (stride + 1);
            filtered[out] = 1; // Sub
            for (int i = 0; i < channels; i++) {
                filtered[out + 1 + i] = pixels[in + i];
            }
            for (int i = channels; i < stride; i++) {
                filtered[out + 1 + i] = (byte) (pixels[in + i] - pixels[in + i - channels]);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(rawSize / 2 + 128);
        png.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = (byte) colorType;
        // compression 0, filter method 0, no interlace
        writeChunk(png, "IHDR", header, header.length);

        deflater.reset();
        deflater.setInput(filtered, 0, rawSize);
        deflater.finish();
        int bound = rawSize + rawSize / 1000 + 64;
        if (chunk.length < bound) {
            chunk = new byte[bound];
        }
        int length = 0;
        while (!deflater.finished()) {
            if (length == chunk.length) {
                chunk = java.util.Arrays.copyOf(chunk, chunk.length * 2);
            }
            length += deflater.deflate(chunk, length, chunk.length - length);
        }
        writeChunk(png, "IDAT", chunk, length);
        writeChunk(png, "IEND", new byte[0], 0);
        return png.toByteArray();
    }

    /** Frees the native compressor; the encoder cannot be used afterwards. */
    @Override
    public void close() {
        deflater.end();
    }

    private void writeChunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] word = new byte[4];
        putInt(word, 0, length);
        out.writeBytes(word);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.write(data, 0, length);
        crc.reset();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        putInt(word, 0, (int) crc.getValue());
        out.writeBytes(word);
    }

    private static void putInt(byte[] b, int offset, int v) {
        b[offset] = (byte) (v >>> 24);
        b[offset + 1] = (byte) (v >>> 16);
        b[offset + 2] = (byte) (v >>> 8);
        b[offset + 3] = (byte) v;
    }
}
