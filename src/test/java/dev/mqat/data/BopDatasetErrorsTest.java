package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.MqatFormatException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, missing and variant files: the documented messages and the graceful fallbacks. */
class BopDatasetErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GT = "train/000000/scene_gt.json";

    @TempDir
    Path tmp;

    BopFixtures fixtures;

    @BeforeEach
    void write() {
        fixtures = BopFixtures.write(tmp, 21);
    }

    /** Edits one JSON file of the dataset. */
    private void edit(String file, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(tmp.resolve(file).toFile());
        change.accept(root);
        Files.writeString(tmp.resolve(file), JSON.writeValueAsString(root));
    }

    private static ObjectNode firstGt(ObjectNode root, String image) {
        return (ObjectNode) root.get(image).get(0);
    }

    private void assertTrainFails(String message) {
        BopDataset d = BopDataset.open(tmp);
        assertThatThrownBy(() -> d.images("train")).isInstanceOf(MqatFormatException.class).hasMessage(message);
    }

    @Test
    void wrongArrayLengthNamesFileImageAndKey() throws Exception {
        edit(GT, r -> ((ArrayNode) firstGt(r, "12").get("cam_t_m2c")).remove(2));
        assertTrainFails("train/000000/scene_gt.json: image 12: cam_t_m2c has 2 values, expected 3");
    }

    @Test
    void missingKeyIsNamed() throws Exception {
        edit(GT, r -> firstGt(r, "5").remove("obj_id"));
        assertTrainFails("train/000000/scene_gt.json: image 5: missing key obj_id");
    }

    @Test
    void nonNumericValuesAreQuoted() throws Exception {
        edit(GT, r -> ((ArrayNode) firstGt(r, "0").get("cam_R_m2c")).set(4, "abc"));
        assertTrainFails("train/000000/scene_gt.json: image 0: cam_R_m2c[4] is \"abc\", expected a number");
    }

    @Test
    void nonIntegerObjectIdAndNonArrayAreRejected() throws Exception {
        edit(GT, r -> firstGt(r, "0").put("obj_id", 1.5));
        assertTrainFails("train/000000/scene_gt.json: image 0: obj_id is 1.5, expected an integer");
        edit(GT, r -> {
            firstGt(r, "0").put("obj_id", 1);
            firstGt(r, "0").put("cam_t_m2c", "1 2 3");
        });
        assertTrainFails("train/000000/scene_gt.json: image 0: cam_t_m2c is \"1 2 3\", expected an array of 3 numbers");
    }

    @Test
    void secondInstanceIsNamedWhenAnImageHasSeveral() throws Exception {
        edit("train/000001/scene_gt.json", r -> ((ArrayNode) r.get("5").get(1).get("cam_t_m2c")).add(4));
        assertTrainFails("train/000001/scene_gt.json: image 5: cam_t_m2c has 4 values, expected 3 (instance 1)");
    }

    @Test
    void notARotationIsRejected() throws Exception {
        edit(GT, r -> ((ArrayNode) firstGt(r, "12").get("cam_R_m2c")).set(0, 3.0));
        BopDataset d = BopDataset.open(tmp);
        assertThatThrownBy(() -> d.images("train")).isInstanceOf(MqatFormatException.class)
                .hasMessageStartingWith("train/000000/scene_gt.json: image 12: cam_R_m2c is not a rotation matrix");
    }

    @Test
    void cameraAndInfoErrorsNameTheirFiles() throws Exception {
        edit("train/000000/scene_camera.json", r -> ((ArrayNode) r.get("5").get("cam_K")).remove(8));
        assertTrainFails("train/000000/scene_camera.json: image 5: cam_K has 8 values, expected 9");
        write();
        edit("train/000000/scene_camera.json", r -> r.remove("12"));
        assertTrainFails("train/000000/scene_camera.json: image 12: missing (train/000000/scene_gt.json has this image)");
        write();
        edit("train/000000/scene_gt_info.json", r -> ((ObjectNode) r.get("0").get(0)).put("px_count_visib", "many"));
        assertTrainFails("train/000000/scene_gt_info.json: image 0: px_count_visib is \"many\", expected an integer");
        write();
        edit("train/000000/scene_gt_info.json", r -> ((ObjectNode) r.get("0").get(0)).put("visib_fract", 1.5));
        assertTrainFails("train/000000/scene_gt_info.json: image 0: visib_fract must be in [0, 1], found 1.5");
    }

    @Test
    void invalidJsonAndBadKeysAreReported() throws Exception {
        Files.writeString(tmp.resolve(GT), "{\"0\": [");
        BopDataset d = BopDataset.open(tmp);
        assertThatThrownBy(() -> d.images("train")).isInstanceOf(MqatFormatException.class)
                .hasMessageStartingWith("train/000000/scene_gt.json: not valid JSON: ").hasMessageContaining("(line 1, column");
        Files.writeString(tmp.resolve(GT), "{\"twelve\": []}");
        assertTrainFails("train/000000/scene_gt.json: key \"twelve\" is not an image id (expected a non-negative integer such as \"12\" or \"000012\")");
        Files.writeString(tmp.resolve(GT), "{\"12\": [], \"000012\": []}");
        assertTrainFails("train/000000/scene_gt.json: image 12 appears twice (keys \"12\" and \"000012\")");
        Files.writeString(tmp.resolve(GT), "[]");
        assertTrainFails("train/000000/scene_gt.json: expected a JSON object keyed by image id, found an array of 0");
    }

    @Test
    void paddedAndUnpaddedImageIdsReadTheSame() throws Exception {
        List<BopImage> before = BopDataset.open(tmp).images("train");
        for (String f : List.of("scene_gt.json", "scene_camera.json", "scene_gt_info.json")) {
            edit("train/000000/" + f, r -> {
                ObjectNode padded = JSON.createObjectNode();
                Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = r.fields();
                while (it.hasNext()) {
                    Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                    padded.set(String.format("%06d", Integer.parseInt(e.getKey())), e.getValue());
                }
                r.removeAll();
                r.setAll(padded);
            });
        }
        assertThat(Files.readString(tmp.resolve(GT))).contains("\"000012\"");
        BopDataset d = BopDataset.open(tmp);
        assertThat(d.images("train")).isEqualTo(before);
        assertThat(d.image("train", 0, "000012")).isEqualTo(d.image("train", 0, "12"));
        assertThat(d.image("train", 0, "12").imageId()).isEqualTo(12);
        assertThatThrownBy(() -> d.image("train", 0, "13")).hasMessage("split train has no image 13 in scene 0");
    }

    @Test
    void missingOptionalFilesGiveEmptyValues() throws Exception {
        Files.delete(tmp.resolve("train/000000/scene_gt_info.json"));
        try (Stream<Path> s = Files.list(tmp.resolve("train/000000/mask_visib"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(tmp.resolve("train/000000/mask_visib"));
        Files.delete(tmp.resolve("train/000001/mask_visib/000005_000001.png"));
        List<BopImage> train = BopDataset.open(tmp).images("train");
        for (BopImage im : train) {
            for (GroundTruth gt : im.groundTruths()) {
                boolean scene0 = im.sceneId() == 0;
                assertThat(gt.info().isPresent()).as("info of %s", im.key()).isEqualTo(!scene0);
                boolean deleted = scene0 || (im.imageId() == 5 && gt.gtIndex() == 1);
                assertThat(gt.maskVisibPath().isPresent()).as("mask of %s gt %d", im.key(), gt.gtIndex()).isEqualTo(!deleted);
            }
        }
    }

    @Test
    void missingRequiredFilesNameThePath() throws Exception {
        Files.delete(tmp.resolve(GT));
        assertMissing(() -> BopDataset.open(tmp).images("train"), tmp.resolve(GT));
        write();
        Files.delete(tmp.resolve("train/000001/scene_camera.json"));
        assertMissing(() -> BopDataset.open(tmp).images("train"), tmp.resolve("train/000001/scene_camera.json"));
        write();
        Files.delete(tmp.resolve("train/000001/rgb/000005.png"));
        assertMissing(() -> BopDataset.open(tmp).images("train"), tmp.resolve("train/000001/rgb/000005.png"));
        Files.delete(tmp.resolve("models/models_info.json"));
        assertMissing(() -> BopDataset.open(tmp), tmp.resolve("models/models_info.json"));
        assertMissing(() -> BopDataset.open(tmp.resolve("nope")), tmp.resolve("nope"));
    }

    private static void assertMissing(Runnable r, Path path) {
        assertThatThrownBy(r::run).isInstanceOf(UncheckedIOException.class).hasMessageContaining(path.toString())
                .cause().isInstanceOf(NoSuchFileException.class).hasMessageContaining(path.toString());
    }

    @Test
    void listFilesSelectImagesAndBadLinesAreNamed() throws Exception {
        Files.writeString(tmp.resolve("training.txt"), "train/000001/rgb/000012.png\n\ntrain/000000/rgb/000005.png\n");
        List<BopImage> train = BopDataset.open(tmp).images("train");
        assertThat(train).extracting(BopImage::key)
                .containsExactly(new ImageKey("train", 1, 12), new ImageKey("train", 0, 5));
        Files.writeString(tmp.resolve("training.txt"), "train/000001/rgb/000012.png\ntrain/000001/rgb/000012.png\n");
        assertThatThrownBy(() -> BopDataset.open(tmp).images("train"))
                .hasMessage("training.txt: line 2: \"train/000001/rgb/000012.png\" repeats line 1");
        Files.writeString(tmp.resolve("training.txt"), "train/000001/rgb/twelve.png\n");
        assertThatThrownBy(() -> BopDataset.open(tmp).images("train"))
                .hasMessage("training.txt: line 1: image file name \"twelve.png\" is not a number such as 000012.png");
        Files.writeString(tmp.resolve("training.txt"), "train/000001/rgb/000099.png\n");
        assertThatThrownBy(() -> BopDataset.open(tmp).images("train"))
                .hasMessage("train/000001/scene_gt.json: image 99: missing (training.txt line 1 lists it)");
    }

    @Test
    void withoutListsEverySceneImageIsUsedAndFolderVariantsAreFound() throws Exception {
        Files.delete(tmp.resolve("training.txt"));
        Files.delete(tmp.resolve("testing.txt"));
        Files.move(tmp.resolve("test"), tmp.resolve("test_primesense"));
        BopDataset d = BopDataset.open(tmp);
        assertThat(d.splits()).containsExactly("train", "test_primesense");
        assertThat(d.hasImageList("train")).isFalse();
        assertThat(d.images("train")).extracting(BopImage::key).containsExactly(
                new ImageKey("train", 0, 0), new ImageKey("train", 0, 5), new ImageKey("train", 0, 12),
                new ImageKey("train", 1, 0), new ImageKey("train", 1, 5), new ImageKey("train", 1, 12));
        assertThat(d.images("test")).hasSize(2);
        assertThat(d.images("test").get(0).rgbPath()).isEqualTo(tmp.resolve("test_primesense/000003/rgb/000007.png").toAbsolutePath());
        assertThat(d.images("test_primesense")).hasSize(2);
        assertThatThrownBy(() -> d.images("val")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("split \"val\" not found").hasMessageContaining("[train, test_primesense]");
    }

    @Test
    void malformedModelsInfoNamesTheObject() throws Exception {
        edit("models/models_info.json", r -> ((ObjectNode) r.get("2")).remove("size_y"));
        assertThatThrownBy(() -> BopDataset.open(tmp)).isInstanceOf(MqatFormatException.class)
                .hasMessage("models/models_info.json: object 2: missing key size_y");
        write();
        edit("models/models_info.json", r -> ((ArrayNode) r.get("2").get("symmetries_discrete").get(0)).remove(15));
        assertThatThrownBy(() -> BopDataset.open(tmp))
                .hasMessage("models/models_info.json: object 2: symmetries_discrete[0] has 15 values, expected 16");
        write();
        edit("models/models_info.json", r -> ((ObjectNode) r.get("1")).put("diameter", -3));
        assertThatThrownBy(() -> BopDataset.open(tmp))
                .hasMessage("models/models_info.json: object 1: diameter must be a positive number, found -3.0");
    }

    @Test
    void missingMeshIsNamedAndUnknownObjectListsTheIds() throws Exception {
        Files.delete(tmp.resolve("models/obj_000002.ply"));
        BopDataset d = BopDataset.open(tmp);
        assertMissing(() -> d.mesh(2), tmp.resolve("models/obj_000002.ply"));
        assertThatThrownBy(() -> d.mesh(9)).hasMessage("object 9 is not in models/models_info.json; objects: [1, 2]");
    }
}
