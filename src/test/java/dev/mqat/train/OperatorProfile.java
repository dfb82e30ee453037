package dev.mqat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Operator calls and self time from a profiler's Chrome trace (libtorch's through DJL's {@code JniUtils.stopProfile},
 * PyTorch's {@code export_chrome_trace}), so that two traces of the same steps can be set side by side.
 *
 * <p>Self time is an event's duration minus that of the events nested in it on the same thread (an operator that
 * calls others, such as {@code conv2d} calling {@code mkldnn_convolution}, keeps only its own part).
 */
record OperatorProfile(Map<String, Long> calls, Map<String, Double> selfMs) {

    private record Event(String name, double start, double duration) {}

    static OperatorProfile read(Path trace) throws IOException {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, List<Event>> byThread = new HashMap<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur")) {
                continue;
            }
            String cat = e.path("cat").asText("");
            if (!cat.isEmpty() && !cat.equals("cpu_op") && !cat.equals("Operator")) {
                continue; // PyTorch's kineto traces also hold python frames and runtime events
            }
            byThread.computeIfAbsent(e.path("pid").asText() + "/" + e.path("tid").asText(), k -> new ArrayList<>())
                    .add(new Event(e.path("name").asText(), e.path("ts").asDouble(), e.path("dur").asDouble()));
        }
        Map<String, Long> calls = new HashMap<>();
        Map<String, Double> self = new HashMap<>();
        for (List<Event> list : byThread.values()) {
            // outer events first when two start together
            list.sort(Comparator.comparingDouble(Event::start).thenComparing(Event::duration, Comparator.reverseOrder()));
            Deque<double[]> open = new ArrayDeque<>(); // {end, index into list}
            double[] childTime = new double[list.size()];
            for (int i = 0; i < list.size(); i++) {
                Event e = list.get(i);
                while (!open.isEmpty() && open.peek()[0] <= e.start()) {
                    open.pop();
                }
                if (!open.isEmpty()) {
                    childTime[(int) open.peek()[1]] += e.duration();
                }
                open.push(new double[] {e.start() + e.duration(), i});
            }
            for (int i = 0; i < list.size(); i++) {
                Event e = list.get(i);
                calls.merge(e.name(), 1L, Long::sum);
                self.merge(e.name(), Math.max(0, e.duration() - childTime[i]) / 1000.0, Double::sum);
            }
        }
        return new OperatorProfile(calls, self);
    }

    /**
     * The operators whose self time per step differs most between {@code java} and {@code python}, largest
     * difference first, as table lines: name, calls per step and self ms per step on each side.
     */
    static List<String> largestGaps(OperatorProfile java, OperatorProfile python, int steps, int rows) {
        Set<String> names = new LinkedHashSet<>(java.calls().keySet());
        names.addAll(python.calls().keySet());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingDouble((String n) -> -Math.abs(java.selfMs().getOrDefault(n, 0.0)
                - python.selfMs().getOrDefault(n, 0.0))));
        List<String> lines = new ArrayList<>();
        lines.add(String.format("  %-42s %9s %9s %9s %9s", "operator (per step)", "Java n", "Java ms", "PT n", "PT ms"));
        for (String n : sorted.subList(0, Math.min(rows, sorted.size()))) {
            lines.add(String.format("  %-42s %9.1f %9.2f %9.1f %9.2f", n.length() > 42 ? n.substring(0, 42) : n,
                    java.calls().getOrDefault(n, 0L) / (double) steps, java.selfMs().getOrDefault(n, 0.0) / steps,
                    python.calls().getOrDefault(n, 0L) / (double) steps, python.selfMs().getOrDefault(n, 0.0) / steps));
        }
        lines.add(String.format("  %-42s %9.1f %9.2f %9.1f %9.2f", "all operators", total(java.calls()) / (double) steps,
                java.selfMs().values().stream().mapToDouble(Double::doubleValue).sum() / steps,
                total(python.calls()) / (double) steps,
                python.selfMs().values().stream().mapToDouble(Double::doubleValue).sum() / steps));
        return lines;
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }
}
