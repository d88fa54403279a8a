package dev.berth.worker.readiness;

import dev.berth.model.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits until every target accepts a TCP connection, or answers an HTTP GET with a
 * status below 500. Retries with a growing pause (never a busy loop) until the deadline.
 * Blocking: run it on its own (virtual) thread.
 */
public final class ReadinessProbe {
    private final Duration attemptTimeout;
    private final Duration firstPause;
    private final Duration maxPause;
    private final Duration abortCheckEvery;

    public ReadinessProbe() {
        this(Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    /**
     * @param attemptTimeout  connect/read timeout of one attempt
     * @param firstPause      pause after the first failed attempt, doubled up to {@code maxPause}
     * @param abortCheckEvery how often to ask the abort check (it usually costs an engine call)
     */
    public ReadinessProbe(Duration attemptTimeout, Duration firstPause, Duration maxPause, Duration abortCheckEvery) {
        this.attemptTimeout = attemptTimeout;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
        this.abortCheckEvery = abortCheckEvery;
    }

    /**
     * @param abortCheck returns a reason when waiting is pointless (the container exited);
     *                   its reason becomes the result's
     */
    public ProbeResult await(ProbeSpec spec, Supplier<Optional<String>> abortCheck) {
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        long nextAbortCheck = System.nanoTime();
        for (ProbeTarget target : spec.targets()) {
            long pause = firstPause.toNanos();
            String lastError = "no attempt made";
            while (true) {
                long now = System.nanoTime();
                if (now - nextAbortCheck >= 0) {
                    Optional<String> abort = abortCheck.get();
                    if (abort.isPresent()) {
                        return ProbeResult.failed(abort.get());
                    }
                    nextAbortCheck = now + abortCheckEvery.toNanos();
                }
                long remaining = deadline - now;
                if (remaining <= 0) {
                    return ProbeResult.failed("readiness timed out after " + Durations.format(spec.timeout())
                            + " on port " + target.portName() + " (" + lastError + ")");
                }
                Duration budget = Duration.ofNanos(Math.min(attemptTimeout.toNanos(), remaining));
                Optional<String> error = attempt(target, spec, budget);
                if (error.isEmpty()) {
                    break;
                }
                lastError = error.get();
                try {
                    Thread.sleep(Duration.ofNanos(Math.max(1_000_000, Math.min(pause, deadline - System.nanoTime()))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ProbeResult.failed("readiness probe interrupted");
                }
                pause = Math.min(pause * 2, maxPause.toNanos());
            }
        }
        return ProbeResult.isReady();
    }

    /** One attempt; empty when the target counts as ready, else what went wrong. */
    Optional<String> attempt(ProbeTarget target, ProbeSpec spec, Duration budget) {
        int timeoutMillis = (int) Math.max(1, budget.toMillis());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            if (spec.httpPath() == null) {
                return Optional.empty();
            }
            s.setSoTimeout(timeoutMillis);
            return httpStatus(s, target, spec);
        } catch (IOException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Optional<String> httpStatus(Socket s, ProbeTarget target, ProbeSpec spec) throws IOException {
        String host = spec.hostHeader().isEmpty() ? target.host() + ":" + target.port() : spec.hostHeader();
        String request = "GET " + spec.httpPath() + " HTTP/1.1\r\nHost: " + host
                + "\r\nUser-Agent: berth-readiness\r\nConnection: close\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = readLine(s.getInputStream());
        // "HTTP/1.1 200 OK": the status is the second word.
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return Optional.of("not an HTTP response: '" + statusLine + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.of("bad HTTP status line: '" + statusLine + "'");
        }
        return status < 500 ? Optional.empty() : Optional.of("HTTP status " + status);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && b.length() < 1024) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
