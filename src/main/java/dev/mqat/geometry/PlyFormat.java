package dev.mqat.geometry;

import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        Header header = Header.parse(file, bytes);
        Body body = header.format == Format.ASCII
                ? new AsciiBody(file, bytes, header.bodyOffset, header.lineCount)
                : new BinaryBody(file, bytes, header.bodyOffset,
                        header.format == Format.BINARY_LE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        return new MeshBuilder(file, header).build(body);
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
        h.append("ply\nformat ").append(format).append(' ').append(SUPPORTED_VERSION).append('\n');
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

    // ---------------------------------------------------------------------------------------------------------
    // reading

    private enum Format {
        ASCII, BINARY_LE, BINARY_BE
    }

    /** PLY scalar types with their byte sizes; both the classic and the sized names are accepted. */
    private enum Type {
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
    private record Property(String name, Type type, Type countType) {
        boolean isList() {
            return countType != null;
        }
    }

    private record Element(String name, long count, List<Property> properties, int headerLine) {
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

    private static final class Header {
        Format format;
        final List<Element> elements = new ArrayList<>();
        int bodyOffset;
        int lineCount;

        static Header parse(Path file, byte[] bytes) {
            Header h = new Header();
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
            if (!tok[2].equals(SUPPORTED_VERSION)) {
                throw MqatFormatException.at(file, "line " + line + ": PLY version " + abbreviate(tok[2])
                        + " is not supported (newest supported: " + SUPPORTED_VERSION + ")");
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

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Source of element values; one entry at a time. */
    private interface Body {
        /** Checks that {@code count} entries of {@code e} can possibly fit in what is left of the file. */
        void checkFits(Element e);

        void beginEntry(Element e, long index);

        /** The next value, widened to double (exact for every PLY type). */
        double next(Type type, Element e, long index, Property p);

        void endEntry(Element e, long index);

        /** Where the current entry is, as a message prefix: {@code "line 12: "} for ASCII, empty for binary. */
        String location();
    }

    private static final class AsciiBody implements Body {
        private final Path file;
        private final String text;
        private int pos;
        private int line;
        private String[] tokens = new String[0];
        private int tokenCount;
        private int cursor;

        AsciiBody(Path file, byte[] bytes, int offset, int headerLines) {
            this.file = file;
            this.text = new String(bytes, offset, bytes.length - offset, StandardCharsets.ISO_8859_1);
            this.line = headerLines;
        }

        @Override
        public void checkFits(Element e) {
            // every value needs at least one character and one separator
            long minChars = e.count() * Math.max(1, e.properties().size()) * 2L;
            if (minChars > text.length() - pos + 1L) {
                throw MqatFormatException.at(file, "header line " + e.headerLine() + " declares " + e.count() + " "
                        + e.name() + " entries but only " + (text.length() - pos) + " bytes of body remain"
                        + " (file truncated?)");
            }
        }

        @Override
        public void beginEntry(Element e, long index) {
            while (true) {
                if (pos >= text.length()) {
                    throw MqatFormatException.at(file, "file ends after " + index + " of " + e.count() + " " + e.name()
                            + " entries (line " + line + ")");
                }
                int end = text.indexOf('\n', pos);
                if (end < 0) {
                    end = text.length();
                }
                line++;
                int start = pos;
                pos = end + 1;
                if (tokenize(start, end) > 0) {
                    return;
                }
            }
        }

        private int tokenize(int start, int end) {
            tokenCount = 0;
            cursor = 0;
            int i = start;
            while (i < end) {
                while (i < end && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i >= end) {
                    break;
                }
                int s = i;
                while (i < end && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (tokenCount == tokens.length) {
                    tokens = Arrays.copyOf(tokens, Math.max(16, tokens.length * 2));
                }
                tokens[tokenCount++] = text.substring(s, i);
            }
            return tokenCount;
        }

        @Override
        public double next(Type type, Element e, long index, Property p) {
            if (cursor >= tokenCount) {
                throw MqatFormatException.at(file, "line " + line + ": " + e.name() + " " + index + " has "
                        + tokenCount + " values, too few for its properties (missing '" + p.name() + "')");
            }
            String tok = tokens[cursor++];
            try {
                if (type.integral) {
                    long v = Long.parseLong(tok);
                    if (v < type.min || v > type.max) {
                        throw MqatFormatException.at(file, "line " + line + ": " + e.name() + " " + index + ": "
                                + p.name() + " = " + tok + " is outside the range of " + type.names[0]);
                    }
                    return v;
                }
                return type == Type.FLOAT ? Float.parseFloat(tok) : Double.parseDouble(tok);
            } catch (NumberFormatException ex) {
                throw MqatFormatException.at(file, "line " + line + ": " + e.name() + " " + index + ": " + p.name()
                        + " = '" + abbreviate(tok) + "' is not a valid " + type.names[0]);
            }
        }

        @Override
        public String location() {
            return "line " + line + ": ";
        }

        @Override
        public void endEntry(Element e, long index) {
            if (cursor != tokenCount) {
                throw MqatFormatException.at(file, "line " + line + ": " + e.name() + " " + index + " has "
                        + tokenCount + " values, expected " + cursor + " (one " + e.name() + " entry per line)");
            }
        }
    }

    private static final class BinaryBody implements Body {
        private final Path file;
        private final ByteBuffer buf;

        BinaryBody(Path file, byte[] bytes, int offset, ByteOrder order) {
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

    /** Walks the elements of the body and collects vertices, normals, colours and triangles. */
    private static final class MeshBuilder {
        private final Path file;
        private final Header header;
        private float[] vertices;
        private float[] normals;
        private float[] colors;
        private int[] triangles = new int[0];
        private int triangleValues;

        MeshBuilder(Path file, Header header) {
            this.file = file;
            this.header = header;
        }

        Mesh build(Body body) {
            Element vertexElement = null;
            for (Element e : header.elements) {
                if (e.name().equals("vertex")) {
                    if (vertexElement != null) {
                        throw MqatFormatException.at(file, "line " + e.headerLine() + ": second vertex element");
                    }
                    vertexElement = e;
                }
            }
            if (vertexElement == null) {
                throw MqatFormatException.at(file, "header declares no vertex element");
            }
            // header-level checks first, so that a wrong header is reported as such and not as a short body
            required(vertexElement, "x");
            required(vertexElement, "y");
            required(vertexElement, "z");
            for (Element e : header.elements) {
                if (e.name().equals("face")) {
                    faceListIndex(e);
                    break;
                }
            }
            boolean facesSeen = false;
            for (Element e : header.elements) {
                body.checkFits(e);
                if (e == vertexElement) {
                    readVertices(body, e);
                } else if (e.name().equals("face") && !facesSeen) {
                    facesSeen = true;
                    readFaces(body, e, vertexElement.count());
                } else {
                    skip(body, e);
                }
            }
            return new Mesh(vertices, Arrays.copyOf(triangles, triangleValues), normals, colors);
        }

        private int required(Element e, String name) {
            int i = e.indexOf(name);
            if (i < 0) {
                throw MqatFormatException.at(file, "line " + e.headerLine() + ": vertex element has no '" + name
                        + "' property");
            }
            if (e.properties().get(i).isList()) {
                throw MqatFormatException.at(file, "line " + e.headerLine() + ": vertex property '" + name
                        + "' is a list, expected a scalar");
            }
            return i;
        }

        /** Indexes of three scalar properties, or null unless all three exist. */
        private int[] optionalTriple(Element e, String a, String b, String c) {
            int ia = e.indexOf(a);
            int ib = e.indexOf(b);
            int ic = e.indexOf(c);
            if (ia < 0 || ib < 0 || ic < 0) {
                return null;
            }
            return new int[] {required(e, a), required(e, b), required(e, c)};
        }

        private void readVertices(Body body, Element e) {
            int n = (int) e.count();
            int[] xyz = {required(e, "x"), required(e, "y"), required(e, "z")};
            int[] nxyz = optionalTriple(e, "nx", "ny", "nz");
            int[] rgb = optionalTriple(e, "red", "green", "blue");
            float[] colorScale = null;
            if (rgb != null) {
                colorScale = new float[3];
                for (int k = 0; k < 3; k++) {
                    colorScale[k] = colorScale(e.properties().get(rgb[k]).type());
                }
            }
            vertices = new float[3 * n];
            normals = nxyz == null ? null : new float[3 * n];
            colors = rgb == null ? null : new float[3 * n];
            List<Property> props = e.properties();
            double[] row = new double[props.size()];
            for (int i = 0; i < n; i++) {
                body.beginEntry(e, i);
                for (int p = 0; p < row.length; p++) {
                    Property prop = props.get(p);
                    if (prop.isList()) {
                        skipList(body, e, i, prop);
                    } else {
                        row[p] = body.next(prop.type(), e, i, prop);
                    }
                }
                body.endEntry(e, i);
                for (int k = 0; k < 3; k++) {
                    vertices[3 * i + k] = (float) row[xyz[k]];
                    if (nxyz != null) {
                        normals[3 * i + k] = (float) row[nxyz[k]];
                    }
                    if (rgb != null) {
                        colors[3 * i + k] = (float) row[rgb[k]] / colorScale[k];
                    }
                }
            }
        }

        /** Divisor taking a stored colour value to 0..1. */
        private static float colorScale(Type t) {
            return switch (t) {
                case CHAR, UCHAR -> 255f;
                case SHORT, USHORT -> 65535f;
                case INT, UINT -> 255f;
                case FLOAT, DOUBLE -> 1f;
            };
        }

        private int faceListIndex(Element e) {
            int listIndex = e.indexOf("vertex_indices");
            if (listIndex < 0) {
                listIndex = e.indexOf("vertex_index");
            }
            if (listIndex < 0) {
                throw MqatFormatException.at(file, "line " + e.headerLine()
                        + ": face element has no 'vertex_indices' or 'vertex_index' list");
            }
            Property list = e.properties().get(listIndex);
            if (!list.isList() || !list.type().integral) {
                throw MqatFormatException.at(file, "line " + e.headerLine() + ": face property '" + list.name()
                        + "' must be a list of integers");
            }
            return listIndex;
        }

        private void readFaces(Body body, Element e, long vertexCount) {
            int listIndex = faceListIndex(e);
            triangles = new int[(int) Math.min(3L * e.count(), Integer.MAX_VALUE - 8)];
            List<Property> props = e.properties();
            int[] corners = new int[16];
            for (long f = 0; f < e.count(); f++) {
                body.beginEntry(e, f);
                for (int p = 0; p < props.size(); p++) {
                    Property prop = props.get(p);
                    if (p != listIndex) {
                        if (prop.isList()) {
                            skipList(body, e, f, prop);
                        } else {
                            body.next(prop.type(), e, f, prop);
                        }
                        continue;
                    }
                    int count = listCount(body, e, f, prop);
                    if (count < 3) {
                        throw MqatFormatException.at(file, body.location() + "face " + f + " has " + count
                                + " corners, expected at least 3");
                    }
                    if (count > corners.length) {
                        corners = new int[count];
                    }
                    for (int k = 0; k < count; k++) {
                        double idx = body.next(prop.type(), e, f, prop);
                        if (idx < 0 || idx >= vertexCount) {
                            throw MqatFormatException.at(file, body.location() + "face " + f + " refers to vertex " + (long) idx
                                    + ", expected 0.." + (vertexCount - 1));
                        }
                        corners[k] = (int) idx;
                    }
                    for (int k = 1; k + 1 < count; k++) {
                        addTriangle(corners[0], corners[k], corners[k + 1]);
                    }
                }
                body.endEntry(e, f);
            }
        }

        private void addTriangle(int a, int b, int c) {
            if (triangleValues + 3 > triangles.length) {
                triangles = Arrays.copyOf(triangles, Math.max(16, triangles.length * 2));
            }
            triangles[triangleValues++] = a;
            triangles[triangleValues++] = b;
            triangles[triangleValues++] = c;
        }

        private int listCount(Body body, Element e, long index, Property prop) {
            double count = body.next(prop.countType(), e, index, prop);
            if (count < 0 || count > 1_000_000) {
                throw MqatFormatException.at(file, body.location() + e.name() + " " + index + ": list '" + prop.name() + "' has count "
                        + (long) count + ", expected 0..1000000");
            }
            return (int) count;
        }

        private void skipList(Body body, Element e, long index, Property prop) {
            int count = listCount(body, e, index, prop);
            for (int k = 0; k < count; k++) {
                body.next(prop.type(), e, index, prop);
            }
        }

        private void skip(Body body, Element e) {
            for (long i = 0; i < e.count(); i++) {
                body.beginEntry(e, i);
                for (Property prop : e.properties()) {
                    if (prop.isList()) {
                        skipList(body, e, i, prop);
                    } else {
                        body.next(prop.type(), e, i, prop);
                    }
                }
                body.endEntry(e, i);
            }
        }
    }
}
