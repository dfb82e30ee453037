package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

    @TempDir
    Path tmp;

    @Test
    void imageAtNetworkWidthKeepsEveryPixelAndPadsBelow() throws IOException {
        BopFixtures.write(tmp, 3);
        BopImage image = BopDataset.open(tmp).images("train").get(0);
        BufferedImage file = ImageIO.read(image.rgbPath().toFile());

        InputImage in = ImageStore.load(BopDataset.open(tmp), image, BopFixtures.WIDTH);

        int side = BopFixtures.WIDTH;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int o = (y * side + x) * 3;
                int expected = y < BopFixtures.HEIGHT ? file.getRGB(x, y) & 0xffffff : 0;
                int found = ((in.rgb()[o] & 0xff) << 16) | ((in.rgb()[o + 1] & 0xff) << 8) | (in.rgb()[o + 2] & 0xff);
                assertThat(found).as("pixel (%d, %d)", x, y).isEqualTo(expected);
            }
        }
        assertThat(in.camera()).as("camera unchanged at scale 1").isEqualTo(image.camera().scaled(1, 1, side, side));
    }

    @Test
    void visibleMaskIsOneInsideTheWrittenRectangleOnly() {
        BopFixtures.write(tmp, 3);
        BopImage image = BopDataset.open(tmp).images("train").get(0);

        InputImage in = ImageStore.load(BopDataset.open(tmp), image, BopFixtures.WIDTH);

        byte[] mask = in.objects().get(0).visibleMask();
        int side = BopFixtures.WIDTH;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean inside = x >= 4 && x < 10 && y >= 5 && y < 9; // BopFixtures.maskPng(.., 4, 5, 10, 9)
                assertThat(mask[y * side + x]).as("mask (%d, %d)", x, y).isEqualTo((byte) (inside ? 1 : 0));
            }
        }
    }

    @Test
    void greyImageBecomesEqualChannels() throws IOException {
        BufferedImage grey = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                grey.getRaster().setSample(x, y, 0, (x * 13 + y * 7) % 256);
            }
        }
        Path file = tmp.resolve("grey.png");
        Files.write(file, BopFixtures.png(grey));

        InputImage in = ImageStore.load(file, 20, 20, 10, 5, 20);

        BufferedImage read = ImageIO.read(file.toFile());
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                int o = (y * 20 + x) * 3;
                assertThat(in.rgb()[o]).as("red = green at (%d, %d)", x, y).isEqualTo(in.rgb()[o + 1]);
                assertThat(in.rgb()[o + 1]).as("green = blue at (%d, %d)", x, y).isEqualTo(in.rgb()[o + 2]);
                assertThat(in.rgb()[o] & 0xff).as("value at (%d, %d)", x, y).isEqualTo(read.getRGB(x, y) & 0xff);
            }
        }
    }
}
