package dev.berth.worker.readiness;

import java.time.Duration;
import java.util.List;

/**
 * What to probe and for how long.
 *
 * @param httpPath   null or empty: a TCP connect is enough
 * @param hostHeader Host sent with HTTP probes (the instance's hostname, for apps that route on it)
 */
public record ProbeSpec(List<ProbeTarget> targets, String httpPath, String hostHeader, Duration timeout) {
    public ProbeSpec {
        targets = List.copyOf(targets);
        httpPath = httpPath == null || httpPath.isBlank() ? null : (httpPath.startsWith("/") ? httpPath : "/" + httpPath);
        hostHeader = hostHeader == null ? "" : hostHeader;
    }
}
