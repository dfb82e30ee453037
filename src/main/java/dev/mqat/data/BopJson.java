package dev.mqat.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;

/**
 * Deterministic JSON output for BOP files.
 *
 * <p>Layout: one top-level object with one line per id, ids in ascending numeric order, written without
 * zero padding as BOP does ({@code "12"}); each value is compact JSON with keys in a fixed order. Numbers are
 * Java's shortest round-trip decimal form ({@link Double#toString(double)}), so reading a file back gives
 * the same doubles and the same input gives the same bytes.
 */
final class BopJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private BopJson() {}

    /** Serialises {@code id -> value} (values: maps with insertion-ordered keys, lists, numbers). */
    static byte[] idMap(SortedMap<Integer, ?> entries) {
        StringBuilder sb = new StringBuilder(64 + entries.size() * 200);
        sb.append('{');
        Iterator<? extends Map.Entry<Integer, ?>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, ?> e = it.next();
            sb.append("\n  \"").append(e.getKey()).append("\": ");
            try {
                sb.append(MAPPER.writeValueAsString(e.getValue()));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot serialise entry " + e.getKey() + ": " + ex.getMessage(), ex);
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        sb.append(entries.isEmpty() ? "}\n" : "\n}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Checks that every value is finite (JSON has no NaN or infinity). */
    static double[] finite(String key, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(key + "[" + i + "] is " + values[i] + ", expected a finite number");
            }
        }
        return values;
    }

    static double finite(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " is " + value + ", expected a finite number");
        }
        return value;
    }
}
