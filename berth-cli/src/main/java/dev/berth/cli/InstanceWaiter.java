package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.model.Durations;
import java.time.Duration;
import java.util.Set;

/**
 * Polls an instance until it is READY, so the hostname {@code berth launch} prints answers
 * right away. Ends early when the instance can no longer become ready.
 */
final class InstanceWaiter {
    private static final Set<String> HOPELESS = Set.of("FAILED", "LOST", "STOPPING", "STOPPED");
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);

    private final ApiClient api;

    InstanceWaiter(ApiClient api) {
        this.api = api;
    }

    /** The READY instance; throws CliException when it failed or did not get there within {@code timeout}. */
    JsonNode awaitReady(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration poll = FIRST_POLL;
        while (true) {
            JsonNode i = api.get("/instances/" + ApiClient.segment(id));
            String state = InstanceText.text(i, "state");
            if ("READY".equals(state)) {
                return i;
            }
            if (HOPELESS.contains(state)) {
                throw new CliException("instance " + id + " is " + state + ": " + reason(i));
            }
            if (System.nanoTime() >= deadline) {
                throw new CliException("instance " + id + " is not ready after " + Durations.format(timeout)
                        + " (still " + state + ": " + reason(i) + "); it keeps starting, see 'berth get " + id + "'");
            }
            sleep(poll);
            poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
        }
    }

    private static String reason(JsonNode i) {
        String r = InstanceText.text(i, "reason");
        return r == null || r.isBlank() ? "no reason given" : r;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the instance");
        }
    }
}
