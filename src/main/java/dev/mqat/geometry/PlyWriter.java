package dev.mqat.geometry;

import dev.mqat.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a {@link Mesh} as PLY for {@link PlyFormat#write}: {@code float} coordinates and normals, {@code uchar}
 * colours, {@code uchar}-counted {@code int} triangle lists, in an ASCII or a binary little-endian body.
 */
final class PlyWriter {
    private PlyWriter() {}

    /** Writes {@code mesh} to {@code file} atomically; see {@link PlyFormat#write}. */
    static void write(Path file, Mesh mesh, PlyEncoding encoding) {
        byte[] header = headerFor(mesh, encoding).getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, out -> {
            out.write(header);
            switch (encoding) {
                case ASCII -> writeAsciiBody(out, mesh);
                case BINARY_LITTLE_ENDIAN -> writeBinaryBody(out, mesh);
            }
        });
    }

    private static String headerFor(Mesh mesh, PlyEncoding encoding) {
        String format = switch (encoding) {
            case ASCII -> "ascii";
            case BINARY_LITTLE_ENDIAN -> "binary_little_endian";
        };
        StringBuilder h = new StringBuilder();
        h.append("ply\nformat ").append(format).append(' ').append(PlyFormat.SUPPORTED_VERSION).append('\n');
        h.append("comment written by mqat\n");
        h.append("element vertex ").append(mesh.vertexCount()).append('\n');
        h.append("property float x\nproperty float y\nproperty float z\n");
        if (mesh.normals() != null) {
            h.append("property float nx\nproperty float ny\nproperty float nz\n");
        }
        if (mesh.colors() != null) {
            h.append("property uchar red\nproperty uchar green\nproperty uchar blue\n");
        }
        h.append("element face ").append(mesh.triangleCount()).append('\n');
        h.append("property list uchar int vertex_indices\n");
        h.append("end_header\n");
        return h.toString();
    }

    private static int quantizeColor(float c) {
        float clamped = Math.max(0f, Math.min(1f, c));
        return Math.round(clamped * 255f);
    }

    private static void writeAsciiBody(OutputStream out, Mesh mesh) throws IOException {
        float[] v = mesh.vertices();
        float[] n = mesh.normals();
        float[] c = mesh.colors();
        int[] tri = mesh.triangles();
        StringBuilder sb = new StringBuilder(1 << 16);
        for (int i = 0; i < mesh.vertexCount(); i++) {
            // Float.toString gives enough digits that Float.parseFloat restores the exact value
            sb.append(v[3 * i]).append(' ').append(v[3 * i + 1]).append(' ').append(v[3 * i + 2]);
            if (n != null) {
                sb.append(' ').append(n[3 * i]).append(' ').append(n[3 * i + 1]).append(' ').append(n[3 * i + 2]);
            }
            if (c != null) {
                sb.append(' ').append(quantizeColor(c[3 * i])).append(' ').append(quantizeColor(c[3 * i + 1]))
                        .append(' ').append(quantizeColor(c[3 * i + 2]));
            }
            sb.append('\n');
            flushIfLarge(out, sb);
        }
        for (int t = 0; t < mesh.triangleCount(); t++) {
            sb.append("3 ").append(tri[3 * t]).append(' ').append(tri[3 * t + 1]).append(' ').append(tri[3 * t + 2])
                    .append('\n');
            flushIfLarge(out, sb);
        }
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static void flushIfLarge(OutputStream out, StringBuilder sb) throws IOException {
        if (sb.length() > (1 << 16)) {
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            sb.setLength(0);
        }
    }

    private static void writeBinaryBody(OutputStream out, Mesh mesh) throws IOException {
        float[] v = mesh.vertices();
        float[] n = mesh.normals();
        float[] c = mesh.colors();
        int[] tri = mesh.triangles();
        int vertexBytes = 12 + (n != null ? 12 : 0) + (c != null ? 3 : 0);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < mesh.vertexCount(); i++) {
            if (buf.remaining() < vertexBytes) {
                drain(out, buf);
            }
            buf.putFloat(v[3 * i]).putFloat(v[3 * i + 1]).putFloat(v[3 * i + 2]);
            if (n != null) {
                buf.putFloat(n[3 * i]).putFloat(n[3 * i + 1]).putFloat(n[3 * i + 2]);
            }
            if (c != null) {
                buf.put((byte) quantizeColor(c[3 * i])).put((byte) quantizeColor(c[3 * i + 1]))
                        .put((byte) quantizeColor(c[3 * i + 2]));
            }
        }
        for (int t = 0; t < mesh.triangleCount(); t++) {
            if (buf.remaining() < 13) {
                drain(out, buf);
            }
            buf.put((byte) 3).putInt(tri[3 * t]).putInt(tri[3 * t + 1]).putInt(tri[3 * t + 2]);
        }
        drain(out, buf);
    }

    private static void drain(OutputStream out, ByteBuffer buf) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }
}
