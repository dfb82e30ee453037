package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    @Test
    void rgbDecodesToTheSamePixelsAndEncodesDeterministically() throws IOException {
        int w = 37, h = 23;
        byte[] pixels = new byte[3 * w * h];
        new SplittableRandom(3).nextBytes(pixels);
        try (PngEncoder encoder = new PngEncoder(); PngEncoder other = new PngEncoder()) {
            byte[] png = encoder.rgb(w, h, pixels);
            encoder.gray(5, 5, new byte[25]); // reuse the encoder in between
            assertThat(encoder.rgb(w, h, pixels)).as("same pixels, same bytes").isEqualTo(png).isEqualTo(other.rgb(w, h, pixels));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(w);
            assertThat(image.getHeight()).isEqualTo(h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = 3 * (y * w + x);
                    int expected = (pixels[o] & 255) << 16 | (pixels[o + 1] & 255) << 8 | (pixels[o + 2] & 255);
                    assertThat(image.getRGB(x, y) & 0xFFFFFF).as("pixel (%d, %d)", x, y).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void grayDecodesToTheSamePixels() throws IOException {
        int w = 64, h = 48;
        byte[] pixels = new byte[w * h];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i * 7 % 13 == 0) ? 255 : i % 256);
        }
        try (PngEncoder encoder = new PngEncoder(9)) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoder.gray(w, h, pixels)));
            assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertThat(image.getRaster().getSample(x, y, 0)).as("pixel (%d, %d)", x, y).isEqualTo(pixels[y * w + x] & 255);
                }
            }
        }
    }
}
