package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HostArraysTest {

    @Test
    void arraysAreIndependentCopiesThoughTheStagingBufferIsShared() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = HostArrays.copyOf(m, new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = HostArrays.copyOf(m, new float[] {5, 6}, new Shape(2));
            assertThat(a.toFloatArray()).as("the first array after the buffer was reused").containsExactly(1, 2, 3, 4);
            assertThat(a.getShape()).isEqualTo(new Shape(2, 2));
            assertThat(b.toFloatArray()).containsExactly(5, 6);
        }
    }

    @Test
    void repeatedCopiesDoNotAllocateDirectMemory() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        float[] data = new float[1 << 20];
        try (NDManager m = NDManager.newBaseManager()) {
            HostArrays.copyOf(m, data, new Shape(data.length)).close();
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 20; i++) {
                HostArrays.copyOf(m, data, new Shape(data.length)).close();
            }
            // NDManager.create(float[]) would hold 20 x 4 MiB of direct buffers until a garbage collection
            assertThat(direct.getMemoryUsed() - before).isLessThan(1 << 20);
        }
    }

    @Test
    void shapeMustMatchTheData() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> HostArrays.copyOf(m, new float[3], new Shape(2, 2))).hasMessageContaining("(2, 2)");
        }
    }
}
