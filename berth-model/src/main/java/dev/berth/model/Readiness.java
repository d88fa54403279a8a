package dev.berth.model;

import java.time.Duration;

/**
 * When an instance counts as ready: its port accepts a TCP connection, or answers
 * an HTTP GET on {@code httpPath} with a status below 500. {@code port} null means every port.
 */
public record Readiness(String port, String httpPath, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Readiness DEFAULT = new Readiness(null, null, DEFAULT_TIMEOUT);

    public Readiness {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        port = port == null || port.isBlank() ? null : port;
        httpPath = httpPath == null || httpPath.isBlank() ? null : httpPath;
    }
}
