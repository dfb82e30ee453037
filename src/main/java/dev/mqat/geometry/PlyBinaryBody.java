package dev.mqat.geometry;

import dev.mqat.MqatFormatException;
import dev.mqat.geometry.PlyHeader.Element;
import dev.mqat.geometry.PlyHeader.Property;
import dev.mqat.geometry.PlyHeader.Type;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads the values of a binary PLY body in either byte order; faults are reported with the element entry, as a
 * binary body has no lines.
 */
final class PlyBinaryBody implements PlyBody {
    private final Path file;
    private final ByteBuffer buf;

    PlyBinaryBody(Path file, byte[] bytes, int offset, ByteOrder order) {
        this.file = file;
        this.buf = ByteBuffer.wrap(bytes, offset, bytes.length - offset).order(order);
    }

    @Override
    public void checkFits(Element e) {
        long min = e.count() * e.minBinaryBytes();
        if (min > buf.remaining()) {
            throw MqatFormatException.at(file, "header line " + e.headerLine() + " declares " + e.count() + " "
                    + e.name() + " entries (at least " + min + " bytes) but only " + buf.remaining()
                    + " bytes of body remain (file truncated?)");
        }
    }

    @Override
    public void beginEntry(Element e, long index) {
        // binary entries have no delimiters
    }

    @Override
    public double next(Type type, Element e, long index, Property p) {
        try {
            return switch (type) {
                case CHAR -> buf.get();
                case UCHAR -> buf.get() & 0xFF;
                case SHORT -> buf.getShort();
                case USHORT -> buf.getShort() & 0xFFFF;
                case INT -> buf.getInt();
                case UINT -> buf.getInt() & 0xFFFFFFFFL;
                case FLOAT -> buf.getFloat();
                case DOUBLE -> buf.getDouble();
            };
        } catch (BufferUnderflowException ex) {
            throw MqatFormatException.at(file, "binary body ends inside " + e.name() + " " + index + " of "
                    + e.count() + " (property '" + p.name() + "'; file truncated?)");
        }
    }

    @Override
    public void endEntry(Element e, long index) {
        // binary entries have no delimiters
    }

    @Override
    public String location() {
        return "";
    }
}
