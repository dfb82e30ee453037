package dev.mqat.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tensor engine (DJL with the PyTorch native library) reports once loaded.
 *
 * @param engineName engine name, e.g. {@code PyTorch}
 * @param engineVersion native library version
 * @param devices devices the engine can use, default first
 * @param intraOpThreads libtorch intra-op threads
 * @param interOpThreads libtorch inter-op threads
 * @param cacheDir folder the native library is unpacked into
 * @param offline whether downloads are disabled
 */
public record EngineInfo(String engineName, String engineVersion, List<String> devices, int intraOpThreads,
        int interOpThreads, String cacheDir, boolean offline) {

    /**
     * Loads the PyTorch engine and describes it.
     *
     * @throws IllegalStateException with one line saying why the engine could not load
     */
    public static EngineInfo load() {
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("the PyTorch engine did not load (" + root.getMessage()
                    + "); the native jar pytorch-native-cpu must be on the classpath and ai.djl.offline=true set,"
                    + " and PYTORCH_VERSION must be unset");
        }
        List<String> devices = new ArrayList<>();
        devices.add(engine.defaultDevice().toString());
        for (Device d : engine.getDevices()) {
            if (!devices.contains(d.toString())) {
                devices.add(d.toString());
            }
        }
        int intra = JniUtils.getNumThreads();
        int inter = JniUtils.getNumInteropThreads();
        return new EngineInfo(engine.getEngineName(), engine.getVersion(), devices, intra, inter,
                Utils.getEngineCacheDir().toString(), Boolean.getBoolean("ai.djl.offline")
                        || "true".equalsIgnoreCase(System.getenv("DJL_OFFLINE")));
    }
}
