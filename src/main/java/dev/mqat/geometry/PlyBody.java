package dev.mqat.geometry;

import dev.mqat.geometry.PlyHeader.Element;
import dev.mqat.geometry.PlyHeader.Property;
import dev.mqat.geometry.PlyHeader.Type;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Source of the element values of a PLY body, one entry at a time, for {@link PlyMeshAssembler}: an ASCII body
 * ({@link PlyAsciiBody}) or a binary one in either byte order ({@link PlyBinaryBody}).
 */
interface PlyBody {
    /** Checks that {@code count} entries of {@code e} can possibly fit in what is left of the file. */
    void checkFits(Element e);

    void beginEntry(Element e, long index);

    /** The next value, widened to double (exact for every PLY type). */
    double next(Type type, Element e, long index, Property p);

    void endEntry(Element e, long index);

    /** Where the current entry is, as a message prefix: {@code "line 12: "} for ASCII, empty for binary. */
    String location();

    /** The body reader of {@code bytes} for the encoding the header names. */
    static PlyBody of(Path file, byte[] bytes, PlyHeader header) {
        return switch (header.format) {
            case ASCII -> new PlyAsciiBody(file, bytes, header.bodyOffset, header.lineCount);
            case BINARY_LE -> new PlyBinaryBody(file, bytes, header.bodyOffset, ByteOrder.LITTLE_ENDIAN);
            case BINARY_BE -> new PlyBinaryBody(file, bytes, header.bodyOffset, ByteOrder.BIG_ENDIAN);
        };
    }
}
