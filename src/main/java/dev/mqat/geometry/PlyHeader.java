package dev.mqat.geometry;

import static dev.mqat.geometry.PlyFormat.abbreviate;

import dev.mqat.MqatFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a PLY file: its encoding, its elements with their properties in file order, and where the body
 * starts.
 *
 * <p>{@link #parse} checks the header on its own: the magic line, one {@code format} line with version
 * {@link PlyFormat#SUPPORTED_VERSION}, element counts, property types and the {@code end_header} line; faults are
 * reported with their line number.
 */
final class PlyHeader {
    /** The body encoding the format line names. */
    enum Format {
        ASCII, BINARY_LE, BINARY_BE
    }

    /** PLY scalar types with their byte sizes; both the classic and the sized names are accepted. */
    enum Type {
        CHAR(1, true, -128, 127, "char", "int8"),
        UCHAR(1, true, 0, 255, "uchar", "uint8"),
        SHORT(2, true, Short.MIN_VALUE, Short.MAX_VALUE, "short", "int16"),
        USHORT(2, true, 0, 65535, "ushort", "uint16"),
        INT(4, true, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", "int32"),
        UINT(4, true, 0, 4294967295L, "uint", "uint32"),
        FLOAT(4, false, 0, 0, "float", "float32"),
        DOUBLE(8, false, 0, 0, "double", "float64");

        final int bytes;
        final boolean integral;
        final long min;
        final long max;
        final String[] names;

        Type(int bytes, boolean integral, long min, long max, String... names) {
            this.bytes = bytes;
            this.integral = integral;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        static Type byName(String name) {
            for (Type t : values()) {
                for (String n : t.names) {
                    if (n.equals(name)) {
                        return t;
                    }
                }
            }
            return null;
        }

        static String validNames() {
            StringBuilder sb = new StringBuilder();
            for (Type t : values()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t.names[0]).append('/').append(t.names[1]);
            }
            return sb.toString();
        }
    }

    /** One property: a scalar ({@code countType == null}) or a list with a count type and an item type. */
    record Property(String name, Type type, Type countType) {
        boolean isList() {
            return countType != null;
        }
    }

    /** One element declaration with its properties, in file order, and the header line that declared it. */
    record Element(String name, long count, List<Property> properties, int headerLine) {
        int indexOf(String propertyName) {
            for (int i = 0; i < properties.size(); i++) {
                if (properties.get(i).name().equals(propertyName)) {
                    return i;
                }
            }
            return -1;
        }

        /** Smallest possible size of one entry in bytes (lists counted as empty). */
        long minBinaryBytes() {
            long b = 0;
            for (Property p : properties) {
                b += p.isList() ? p.countType().bytes : p.type().bytes;
            }
            return b;
        }
    }

    /** The body encoding; never null after {@link #parse}. */
    Format format;
    /** The elements in file order. */
    final List<Element> elements = new ArrayList<>();
    /** Offset of the first body byte in the file. */
    int bodyOffset;
    /** Lines the header takes, from which an ASCII body's line numbers continue. */
    int lineCount;

    private PlyHeader() {}

    /**
     * Parses the header at the start of a PLY file's bytes.
     *
     * @throws MqatFormatException naming the file and the header line at fault
     */
    static PlyHeader parse(Path file, byte[] bytes) {
        PlyHeader h = new PlyHeader();
        int pos = 0;
        int line = 0;
        boolean ended = false;
        List<Property> current = null;
        while (pos < bytes.length) {
            int end = pos;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            line++;
            if (end - pos > 4096) {
                throw MqatFormatException.at(file, "line " + line + ": header line longer than 4096 bytes"
                        + (line == 1 ? " (not a PLY file)" : " (binary data before end_header?)"));
            }
            String text = new String(bytes, pos, end - pos, StandardCharsets.ISO_8859_1).strip();
            pos = Math.min(end + 1, bytes.length);
            if (line == 1) {
                if (!text.equals("ply")) {
                    throw MqatFormatException.at(file, "line 1: expected 'ply', found '" + abbreviate(text)
                            + "' (not a PLY file)");
                }
                continue;
            }
            if (text.isEmpty()) {
                continue;
            }
            String[] tok = text.split("\\s+");
            switch (tok[0]) {
                case "comment", "obj_info" -> {
                    // free text, ignored
                }
                case "format" -> h.format = parseFormat(file, line, tok, h.format);
                case "element" -> {
                    if (tok.length != 3) {
                        throw MqatFormatException.at(file, "line " + line
                                + ": expected 'element <name> <count>', found '" + abbreviate(text) + "'");
                    }
                    long count = parseCount(file, line, tok[2]);
                    current = new ArrayList<>();
                    h.elements.add(new Element(tok[1], count, current, line));
                }
                case "property" -> {
                    if (current == null) {
                        throw MqatFormatException.at(file, "line " + line + ": property before any element");
                    }
                    current.add(parseProperty(file, line, tok, text));
                }
                case "end_header" -> ended = true;
                default -> throw MqatFormatException.at(file, "line " + line + ": unknown header keyword '"
                        + abbreviate(tok[0]) + "' (expected format, comment, obj_info, element, property or"
                        + " end_header)");
            }
            if (ended) {
                break;
            }
        }
        if (!ended) {
            throw MqatFormatException.at(file, "header has no end_header line (file truncated or not a PLY file)");
        }
        if (h.format == null) {
            throw MqatFormatException.at(file, "header has no format line (expected 'format ascii 1.0' or"
                    + " 'format binary_little_endian 1.0')");
        }
        h.bodyOffset = pos;
        h.lineCount = line;
        return h;
    }

    private static Format parseFormat(Path file, int line, String[] tok, Format previous) {
        if (previous != null) {
            throw MqatFormatException.at(file, "line " + line + ": second format line");
        }
        if (tok.length != 3) {
            throw MqatFormatException.at(file, "line " + line + ": expected 'format <encoding> 1.0', found '"
                    + abbreviate(String.join(" ", tok)) + "'");
        }
        if (!tok[2].equals(PlyFormat.SUPPORTED_VERSION)) {
            throw MqatFormatException.at(file, "line " + line + ": PLY version " + abbreviate(tok[2])
                    + " is not supported (newest supported: " + PlyFormat.SUPPORTED_VERSION + ")");
        }
        return switch (tok[1]) {
            case "ascii" -> Format.ASCII;
            case "binary_little_endian" -> Format.BINARY_LE;
            case "binary_big_endian" -> Format.BINARY_BE;
            default -> throw MqatFormatException.at(file, "line " + line + ": unknown encoding '"
                    + abbreviate(tok[1]) + "' (expected ascii, binary_little_endian or binary_big_endian)");
        };
    }

    private static long parseCount(Path file, int line, String s) {
        long count;
        try {
            count = Long.parseLong(s);
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 0 || count > Integer.MAX_VALUE / 3) {
            throw MqatFormatException.at(file, "line " + line + ": element count '" + abbreviate(s)
                    + "' is not a count between 0 and " + Integer.MAX_VALUE / 3);
        }
        return count;
    }

    private static Property parseProperty(Path file, int line, String[] tok, String text) {
        if (tok.length >= 2 && tok[1].equals("list")) {
            if (tok.length != 5) {
                throw MqatFormatException.at(file, "line " + line
                        + ": expected 'property list <count type> <item type> <name>', found '" + abbreviate(text)
                        + "'");
            }
            Type count = typeOf(file, line, tok[2]);
            if (!count.integral) {
                throw MqatFormatException.at(file, "line " + line + ": list count type must be an integer type, found '"
                        + tok[2] + "'");
            }
            return new Property(tok[4], typeOf(file, line, tok[3]), count);
        }
        if (tok.length != 3) {
            throw MqatFormatException.at(file, "line " + line + ": expected 'property <type> <name>', found '"
                    + abbreviate(text) + "'");
        }
        return new Property(tok[2], typeOf(file, line, tok[1]), null);
    }

    private static Type typeOf(Path file, int line, String name) {
        Type t = Type.byName(name);
        if (t == null) {
            throw MqatFormatException.at(file, "line " + line + ": unknown property type '" + abbreviate(name)
                    + "' (expected one of " + Type.validNames() + ")");
        }
        return t;
    }
}
