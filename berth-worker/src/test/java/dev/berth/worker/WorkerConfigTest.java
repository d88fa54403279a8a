package dev.berth.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
    @Test
    void fillsDefaults() {
        WorkerConfig c = WorkerConfig.of("worker-1");
        assertEquals("127.0.0.1", c.advertiseAddress());
        assertEquals(Duration.ofSeconds(2), c.resyncInterval());
        assertEquals(Duration.ofSeconds(2), c.heartbeatInterval());
        assertNull(c.dockerHost());
    }

    @Test
    void rejectsBadValuesWithAReason() {
        assertEquals("worker id must be 1-128 letters, digits, '.', '_' or '-', got 'a b'",
                assertThrows(IllegalArgumentException.class, () -> WorkerConfig.of("a b")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WorkerConfig("w", null, 0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new WorkerConfig("w", null, 1, Duration.ZERO, null, null));
    }
}
