package dev.mqat.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.MqatFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads BOP JSON values with one-line errors of the form
 * {@code train/000000/scene_gt.json: image 12: cam_t_m2c has 2 values, expected 3}.
 *
 * <p>An instance carries the context prefix ({@code "<file>: image 12: "}) and an optional suffix
 * ({@code " (instance 1)"} when an image has several instances).
 */
final class JsonFields {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String file;
    private final String prefix;
    private final String suffix;

    private JsonFields(String file, String prefix, String suffix) {
        this.file = file;
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /** Context for an entry of an id-keyed file: {@code "<file>: <what> <id>: "}. */
    static JsonFields at(String file, String what, int id) {
        return new JsonFields(file, file + ": " + what + " " + id + ": ", "");
    }

    /** The same context with the instance index appended to messages (used when an image has several). */
    JsonFields instance(int index, int count) {
        return count > 1 ? new JsonFields(file, prefix, " (instance " + index + ")") : this;
    }

    MqatFormatException error(String detail) {
        return new MqatFormatException(prefix + detail + suffix);
    }

    MqatFormatException error(String detail, Throwable cause) {
        return new MqatFormatException(prefix + detail + suffix, cause);
    }

    /**
     * Parses a JSON file whose top level is an object keyed by ids ({@code "12"} or {@code "000012"}).
     *
     * @param display the path as shown in messages (relative to the dataset root)
     * @param what what the keys are, for messages ("image", "object")
     * @throws UncheckedIOException (carrying the path) when the file cannot be read
     * @throws MqatFormatException when it is not valid JSON, not an object, or a key is not an id or repeats
     */
    static TreeMap<Integer, JsonNode> readIdMap(Path path, String display, String what) {
        JsonNode root;
        try {
            root = STRICT.readTree(Files.readAllBytes(path));
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage().split("\n", 2)[0];
            String loc = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new MqatFormatException(display + ": not valid JSON: " + msg + loc, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new MqatFormatException(display + ": expected a JSON object keyed by " + what + " id, found "
                    + describe(root));
        }
        TreeMap<Integer, JsonNode> out = new TreeMap<>();
        TreeMap<Integer, String> keys = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = ImageKey.parseImageId(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new MqatFormatException(display + ": key \"" + e.getKey() + "\" is not " + article(what) + " id"
                        + " (expected a non-negative integer such as \"12\" or \"000012\")");
            }
            if (e.getKey().contains(".")) {
                throw new MqatFormatException(display + ": key \"" + e.getKey() + "\" is not " + article(what) + " id"
                        + " (expected a non-negative integer such as \"12\" or \"000012\")");
            }
            String before = keys.put(id, e.getKey());
            if (before != null) {
                throw new MqatFormatException(display + ": " + what + " " + id + " appears twice (keys \"" + before
                        + "\" and \"" + e.getKey() + "\")");
            }
            out.put(id, e.getValue());
        }
        return out;
    }

    private static String article(String what) {
        return (what.startsWith("o") || what.startsWith("i") ? "an " : "a ") + what;
    }

    /** The named member of an object; missing is an error. */
    JsonNode member(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        if (v == null || v.isMissingNode()) {
            throw error("missing key " + key);
        }
        return v;
    }

    /** A number member. */
    double number(JsonNode obj, String key) {
        JsonNode v = member(obj, key);
        if (!v.isNumber()) {
            throw error(key + " is " + describe(v) + ", expected a number");
        }
        return v.doubleValue();
    }

    /** An integer member (a JSON number without fraction). */
    int integer(JsonNode obj, String key) {
        JsonNode v = member(obj, key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < Integer.MAX_VALUE) {
                return (int) v.doubleValue();
            }
            throw error(key + " is " + describe(v) + ", expected an integer");
        }
        return v.intValue();
    }

    /** An array member of exactly {@code n} numbers. */
    double[] numbers(JsonNode obj, String key, int n) {
        return numbersValue(member(obj, key), key, n);
    }

    /** An array value of exactly {@code n} numbers, named {@code key} in messages. */
    double[] numbersValue(JsonNode v, String key, int n) {
        if (!v.isArray()) {
            throw error(key + " is " + describe(v) + ", expected an array of " + n + " numbers");
        }
        if (v.size() != n) {
            throw error(key + " has " + v.size() + " values, expected " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber()) {
                throw error(key + "[" + i + "] is " + describe(x) + ", expected a number");
            }
            out[i] = x.doubleValue();
        }
        return out;
    }

    /** An array member of exactly {@code n} integers. */
    int[] integers(JsonNode obj, String key, int n) {
        double[] d = numbers(obj, key, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (d[i] != Math.rint(d[i]) || Math.abs(d[i]) > Integer.MAX_VALUE) {
                throw error(key + "[" + i + "] is " + d[i] + ", expected an integer");
            }
            out[i] = (int) d[i];
        }
        return out;
    }

    /** Short description of a JSON value for messages: {@code "abc"} (quoted), a number, or its kind. */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "empty";
        }
        if (v.isTextual()) {
            String t = v.textValue();
            return "\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
        }
        if (v.isNumber() || v.isBoolean() || v.isNull()) {
            return v.asText();
        }
        if (v.isArray()) {
            return "an array of " + v.size();
        }
        return "an object";
    }
}
