package dev.mqat.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.MqatFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlyFormatTest {

    @TempDir
    Path dir;

    private static Mesh randomMesh(Random rnd, int vertexCount, int triangleCount, boolean normals, boolean colors) {
        float[] v = new float[3 * vertexCount];
        float[] n = normals ? new float[3 * vertexCount] : null;
        float[] c = colors ? new float[3 * vertexCount] : null;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 50);
            if (n != null) {
                n[i] = (float) rnd.nextGaussian();
            }
            if (c != null) {
                c[i] = rnd.nextFloat();
            }
        }
        int[] t = new int[3 * triangleCount];
        for (int i = 0; i < t.length; i++) {
            t[i] = rnd.nextInt(vertexCount);
        }
        return new Mesh(v, t, n, c);
    }

    private static Mesh quantizedColors(Mesh m) {
        float[] c = m.colors();
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.round(c[i] * 255f) / 255f;
        }
        return new Mesh(m.vertices(), m.triangles(), m.normals(), c);
    }

    @Test
    void asciiAndBinaryReadBackTheSameMesh() {
        Mesh original = randomMesh(new Random(7), 500, 900, true, true);
        Path ascii = dir.resolve("a.ply");
        Path binary = dir.resolve("b.ply");
        PlyFormat.write(ascii, original, PlyEncoding.ASCII);
        PlyFormat.write(binary, original, PlyEncoding.BINARY_LITTLE_ENDIAN);
        Mesh fromAscii = PlyFormat.read(ascii);
        Mesh fromBinary = PlyFormat.read(binary);
        assertThat(fromAscii).as("ASCII vs binary read-back").isEqualTo(fromBinary);
        assertThat(fromAscii).as("read-back vs original with colours quantised to uchar")
                .isEqualTo(quantizedColors(original));
        assertThat(fromAscii.vertices()).as("coordinates bit-exact").isEqualTo(original.vertices());
    }

    @Test
    void meshWithoutNormalsOrColorsRoundTrips() throws IOException {
        Mesh original = randomMesh(new Random(3), 40, 30, false, false);
        for (PlyEncoding enc : PlyEncoding.values()) {
            Path f = dir.resolve(enc + ".ply");
            PlyFormat.write(f, original, enc);
            Mesh back = PlyFormat.read(f);
            assertThat(back).as("round trip %s", enc).isEqualTo(original);
            assertThat(back.normals()).isNull();
            assertThat(back.colors()).isNull();
        }
        String header = Files.readString(dir.resolve("ASCII.ply"), StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("ply\nformat ascii 1.0\n").contains("element vertex 40\n", "element face 30\n");
    }

    @Test
    void readsToleratedVariantsAndTriangulatesPolygons() throws IOException {
        String text = String.join("\n",
                "ply",
                "format ascii 1.0",
                "comment made by hand",
                "obj_info some scanner",
                "element vertex 5",
                "property double x",
                "property double y",
                "property double z",
                "property float u",
                "property list uchar int extra",
                "property uchar red",
                "property uchar green",
                "property uchar blue",
                "property uchar alpha",
                "element face 2",
                "property uchar flags",
                "property list int uint vertex_index",
                "element edge 1",
                "property int vertex1",
                "property int vertex2",
                "end_header",
                "0 0 0 0.5 2 7 8 255 0 0 255",
                "1 0 0 0.5 0 0 255 0 255",
                "1 1 0 0.5 1 9 0 0 255 255",
                "0 1 0 0.5 0 51 102 153 255",
                "",
                "0 0 1 0.5 0 0 0 0 255",
                "9 4 0 1 2 3",
                "0 3 0 1 4",
                "0 1",
                "");
        Path f = dir.resolve("hand.ply");
        Files.writeString(f, text);
        Mesh m = PlyFormat.read(f);
        assertThat(m.vertexCount()).isEqualTo(5);
        assertThat(m.triangles()).as("quad fan-triangulated, then the triangle")
                .containsExactly(0, 1, 2, 0, 2, 3, 0, 1, 4);
        assertThat(m.vertex(2)).containsExactly(1, 1, 0);
        assertThat(m.normals()).isNull();
        float[] c = m.colors();
        assertThat(new float[] {c[0], c[1], c[2]}).containsExactly(1f, 0f, 0f);
        assertThat(new float[] {c[9], c[10], c[11]}).containsExactly(51f / 255f, 102f / 255f, 153f / 255f);
    }

    @Test
    void readsBinaryBigEndianWithDoublesAndFloatColors() throws IOException {
        String header = "ply\nformat binary_big_endian 1.0\nelement vertex 3\nproperty double x\nproperty double y\n"
                + "property double z\nproperty float nx\nproperty float ny\nproperty float nz\n"
                + "property float red\nproperty float green\nproperty float blue\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\r\n";
        ByteBuffer b = ByteBuffer.allocate(3 * (24 + 24) + 13).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 3; i++) {
            b.putDouble(i).putDouble(2 * i).putDouble(-i);
            b.putFloat(0).putFloat(0).putFloat(1);
            b.putFloat(0.25f).putFloat(0.5f).putFloat(i / 4f);
        }
        b.put((byte) 3).putInt(2).putInt(1).putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(b.array());
        Path f = dir.resolve("be.ply");
        Files.write(f, out.toByteArray());
        Mesh m = PlyFormat.read(f);
        assertThat(m.vertices()).containsExactly(0, 0, 0, 1, 2, -1, 2, 4, -2);
        assertThat(m.normals()).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 1);
        assertThat(m.colors()).containsExactly(0.25f, 0.5f, 0f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f);
        assertThat(m.triangles()).containsExactly(2, 1, 0);
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static final String HEAD = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
            + "property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n";

    @Test
    void malformedFilesNameTheFileAndTheFault() throws IOException {
        assertThatThrownBy(() -> PlyFormat.read(file("notply.ply", "hello\n")))
                .isInstanceOf(MqatFormatException.class).hasMessageContaining("notply.ply")
                .hasMessageContaining("line 1: expected 'ply'");
        assertThatThrownBy(() -> PlyFormat.read(file("type.ply", HEAD.replace("float y", "flaot y"))))
                .isInstanceOf(MqatFormatException.class).hasMessageContaining("type.ply")
                .hasMessageContaining("line 5: unknown property type 'flaot'");
        assertThatThrownBy(() -> PlyFormat.read(file("version.ply", HEAD.replace("ascii 1.0", "ascii 2.0"))))
                .hasMessageContaining("line 2: PLY version 2.0 is not supported (newest supported: 1.0)");
        assertThatThrownBy(() -> PlyFormat.read(file("noend.ply", HEAD.replace("end_header\n", ""))))
                .hasMessageContaining("no end_header");
        assertThatThrownBy(() -> PlyFormat.read(file("short.ply", HEAD + "0 0 0\n1 0\n0 1 0\n3 0 1 2\n")))
                .isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("short.ply: line 11: vertex 1 has 2 values");
        assertThatThrownBy(() -> PlyFormat.read(file("long.ply", HEAD + "0 0 0\n1 0 0 5\n0 1 0\n3 0 1 2\n")))
                .hasMessageContaining("line 11: vertex 1 has 4 values, expected 3");
        assertThatThrownBy(() -> PlyFormat.read(file("nan.ply", HEAD + "0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n")))
                .hasMessageContaining("line 11: vertex 1: y = 'zero' is not a valid float");
        assertThatThrownBy(() -> PlyFormat.read(file("index.ply", HEAD + "0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n")))
                .hasMessageContaining("line 13: face 0 refers to vertex 3, expected 0..2");
        assertThatThrownBy(() -> PlyFormat.read(file("trunc.ply", HEAD + "0 0 0\n1 0 0\n0 1 0\n")))
                .hasMessageContaining("trunc.ply: header line 7 declares 1 face entries but only 0 bytes of body remain");
        assertThatThrownBy(() -> PlyFormat.read(file("blank.ply", HEAD + "0 0 0\n1 0 0\n0 1 0\n\n\n\n\n")))
                .hasMessageContaining("blank.ply: file ends after 0 of 1 face entries");
        assertThatThrownBy(() -> PlyFormat.read(file("noxyz.ply", HEAD.replace("property float z\n", "property float w\n"))))
                .hasMessageContaining("vertex element has no 'z' property");
        assertThatThrownBy(() -> PlyFormat.read(file("huge.ply", HEAD.replace("vertex 3", "vertex 30000000"))))
                .hasMessageContaining("declares 30000000 vertex entries");
    }

    @Test
    void truncatedBinaryBodyIsReported() throws IOException {
        Mesh m = randomMesh(new Random(1), 10, 5, true, false);
        Path f = dir.resolve("bin.ply");
        PlyFormat.write(f, m, PlyEncoding.BINARY_LITTLE_ENDIAN);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.ply");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 6));
        assertThatThrownBy(() -> PlyFormat.read(cut)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("cut.ply").hasMessageContaining("face");
    }
}
