package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.geometry.Mesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BopDatasetRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void writtenDatasetReadsBackFieldByField() {
        BopFixtures f = BopFixtures.write(tmp, 7);
        BopDataset d = BopDataset.open(tmp);

        assertThat(d.objects()).as("objects").containsExactlyElementsOf(f.objects);
        assertThat(d.object(2).symmetriesDiscrete().get(0)).as("discrete symmetry of object 2")
                .containsExactly(-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        assertThat(d.object(2).symmetriesContinuous()).hasSize(1);
        assertThat(d.mesh(1)).as("mesh 1 (ASCII PLY)").isEqualTo(f.mesh);
        assertThat(d.mesh(2).vertexCount()).as("mesh 2 (binary PLY)").isEqualTo(8);
        assertThat(d.splits()).containsExactly("train", "test");
        assertThat(d.hasImageList("train")).isTrue();

        List<BopImage> train = d.images("train");
        List<BopImage> test = d.images("test");
        assertThat(train).hasSize(6);
        assertThat(test).hasSize(2);
        for (BopImage im : List.of(train, test).stream().flatMap(List::stream).toList()) {
            BopFixtures.Written w = f.images.get(im.key());
            assertThat(w).as("image %s was written", im.key()).isNotNull();
            assertThat(im.camera()).as("camera of %s", im.key()).isEqualTo(w.camera());
            assertThat(im.depthScale()).as("depth scale (not written)").isEmpty();
            assertThat(im.instances()).as("instances of %s", im.key()).isEqualTo(w.instances());
            assertThat(im.rgbPath()).isEqualTo(tmp.resolve(im.key().rgbRelativePath()).toAbsolutePath());
            for (GroundTruth gt : im.groundTruths()) {
                assertThat(gt.info()).as("info of %s gt %d", im.key(), gt.gtIndex()).contains(w.infos().get(gt.gtIndex()));
                assertThat(gt.maskVisibPath()).as("mask of %s gt %d", im.key(), gt.gtIndex())
                        .contains(tmp.resolve(im.key().split()).resolve(String.format("%06d", im.sceneId()))
                                .resolve("mask_visib").resolve(String.format("%06d_%06d.png", im.imageId(), gt.gtIndex()))
                                .toAbsolutePath());
                assertThat(Files.isRegularFile(gt.maskVisibPath().get())).isTrue();
            }
        }
        assertThat(train.get(4).groundTruths()).as("two instances in train/1/5").hasSize(2);
        assertThat(train.get(4).groundTruths().get(1).instance().objId()).isEqualTo(2);
    }

    @Test
    void listFilesHoldRelativeRgbPathsInSceneAndImageOrder() throws Exception {
        BopFixtures.write(tmp, 7);
        assertThat(Files.readAllLines(tmp.resolve("training.txt"))).containsExactly(
                "train/000000/rgb/000000.png", "train/000000/rgb/000005.png", "train/000000/rgb/000012.png",
                "train/000001/rgb/000000.png", "train/000001/rgb/000005.png", "train/000001/rgb/000012.png");
        assertThat(Files.readAllLines(tmp.resolve("testing.txt")))
                .containsExactly("test/000003/rgb/000007.png", "test/000003/rgb/000008.png");
        assertThat(tmp.resolve("validation.txt")).doesNotExist();
    }

    @Test
    void meshBoundingBoxMatchesObjectInfoCorners() {
        BopFixtures f = BopFixtures.write(tmp, 3);
        Mesh m = BopDataset.open(tmp).mesh(1);
        assertThat(f.objects.get(0).bboxCornersMm()).isDeepEqualTo(m.bboxCorners());
        assertThat(f.objects.get(0).diameterMm()).isEqualTo(m.diameterMm());
    }
}
