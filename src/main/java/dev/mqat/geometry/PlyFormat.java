package dev.mqat.geometry;

import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes triangle meshes in the PLY format (Stanford polygon file, version 1.0).
 *
 * <p>Reading accepts {@code ascii}, {@code binary_little_endian} and {@code binary_big_endian} bodies. From the
 * {@code vertex} element it takes {@code x, y, z} (any numeric type), the normal {@code nx, ny, nz} when all
 * three are present and the colour {@code red, green, blue} when all three are present ({@code uchar} 0-255 and
 * other 8-bit types are divided by 255, 16-bit integers by 65535, floating-point values are taken as 0..1).
 * Every other vertex property (alpha, texture coordinates, quality...) is skipped by its declared type. From
 * the {@code face} element it takes the {@code vertex_indices} (or {@code vertex_index}) list; polygons with
 * more than three corners are split into a fan of triangles around their first corner. Other elements
 * ({@code edge}, {@code material}...) are skipped. {@code comment} and {@code obj_info} header lines are
 * ignored. Units are whatever the file holds; BOP models are in millimetres.
 *
 * <p>Malformed input raises {@link MqatFormatException} with one line naming the file and what is wrong (the
 * line number for header and ASCII-body problems, the element entry for binary bodies). The body of an ASCII
 * file must hold one element entry per line, as every common writer produces.
 *
 * <p>Writing uses {@link AtomicFiles}: {@code float} coordinates and normals, {@code uchar} colours (so colours
 * come back quantised to multiples of 1/255), {@code uchar}-counted {@code int} triangle lists.
 *
 * <p>The work is split along the format's seams, in package-private classes: {@code PlyHeader} parses the header,
 * {@code PlyAsciiBody} or {@code PlyBinaryBody} reads the body's values as the header's encoding says,
 * {@code PlyMeshAssembler} turns the elements into a {@link Mesh}, and {@code PlyWriter} writes.
 */
public final class PlyFormat {

    /** The only PLY version there is; files naming another are rejected. */
    public static final String SUPPORTED_VERSION = "1.0";

    private PlyFormat() {}

    /**
     * Reads a PLY mesh.
     *
     * @throws MqatFormatException when the file is not a well-formed PLY mesh, naming the file and the fault
     * @throws UncheckedIOException when the file cannot be read, carrying its path
     */
    public static Mesh read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        PlyHeader header = PlyHeader.parse(file, bytes);
        return new PlyMeshAssembler(file, header).assemble(PlyBody.of(file, bytes, header));
    }

    /**
     * Writes a mesh as PLY atomically (temporary file, then rename).
     *
     * @param file target path; parent folders are created
     * @param mesh the mesh; normals and colours are written when present
     * @param encoding ASCII or binary little-endian body
     * @throws UncheckedIOException when the file cannot be written, carrying its path
     */
    public static void write(Path file, Mesh mesh, PlyEncoding encoding) {
        PlyWriter.write(file, mesh, encoding);
    }

    /** File text quoted in an error message, cut to 60 characters. */
    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
