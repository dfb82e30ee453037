package dev.mqat.geometry;

import static dev.mqat.geometry.PlyFormat.abbreviate;

import dev.mqat.MqatFormatException;
import dev.mqat.geometry.PlyHeader.Element;
import dev.mqat.geometry.PlyHeader.Property;
import dev.mqat.geometry.PlyHeader.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the values of an ASCII PLY body: one element entry per line, values separated by whitespace, blank lines
 * skipped; faults are reported with their line number.
 */
final class PlyAsciiBody implements PlyBody {
    private final Path file;
    private final String text;
    private int pos;
    private int line;
    private String[] tokens = new String[0];
    private int tokenCount;
    private int cursor;

    PlyAsciiBody(Path file, byte[] bytes, int offset, int headerLines) {
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
