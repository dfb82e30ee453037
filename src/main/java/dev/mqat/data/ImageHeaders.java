package dev.mqat.data;

import dev.mqat.MqatFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Image sizes from file headers, without decoding pixels. */
final class ImageHeaders {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageHeaders() {}

    /**
     * Width and height of an image file: PNG from its IHDR chunk (24 bytes read), other formats (JPEG, TIFF)
     * through an ImageIO reader's header.
     *
     * @param display the path as shown in messages
     * @return {width, height}, px
     * @throws UncheckedIOException (cause {@link java.nio.file.NoSuchFileException} naming the path) when the
     *     file is missing or unreadable
     * @throws MqatFormatException when it is not an image ImageIO knows
     */
    static int[] size(Path file, String display) {
        byte[] head = new byte[24];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
        if (n == head.length && startsWith(head, PNG)) {
            int w = readInt(head, 16);
            int h = readInt(head, 20);
            if (w <= 0 || h <= 0) {
                throw new MqatFormatException(display + ": PNG header gives size " + w + "x" + h);
            }
            return new int[] {w, h};
        }
        ImageIO.setUseCache(false);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new MqatFormatException(display + ": not an image format mqat can read (expected PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new MqatFormatException(display + ": cannot read the image header: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }
}
