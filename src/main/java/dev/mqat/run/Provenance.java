package dev.mqat.run;

import ai.djl.engine.Engine;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where and with what a run was made: recorded in every run's {@code config.json}. */
public final class Provenance {
    private Provenance() {}

    /** mqat, Java, OS and engine versions, cores and the current time. */
    public static Map<String, String> current() {
        Map<String, String> m = new LinkedHashMap<>();
        String v = Provenance.class.getPackage().getImplementationVersion();
        m.put("mqat", v == null ? "dev" : v);
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Engine engine = Engine.getEngine("PyTorch");
        m.put("engine", engine.getEngineName() + " " + engine.getVersion());
        m.put("started", Instant.now().toString());
        return m;
    }
}
