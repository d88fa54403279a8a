package dev.berth.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded HTTP load through one or more proxies against one hostname: a few client threads,
 * each sending one request at a time (a new connection each, as curl would), round-robin over
 * the proxies, until either the request budget or the time budget is spent. A request fails
 * unless it answers 200 with the instance's own page.
 */
public final class Load {
    public record Target(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** A failed request: when (ms since the load started), through which proxy, and what happened. */
    public record Failure(long atMillis, Target target, String what) {
    }

    private final List<Target> targets;
    private final String hostHeader;
    private final String expectedBody;
    private final int maxRequests;
    private final Duration maxTime;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private volatile boolean stop;
    private long startedAt;
    private long endedAt;

    public Load(List<Target> targets, String hostHeader, String expectedBody, int threads, int maxRequests, Duration maxTime) {
        this.targets = List.copyOf(targets);
        this.hostHeader = hostHeader;
        this.expectedBody = expectedBody;
        this.maxRequests = maxRequests;
        this.maxTime = maxTime;
        for (int t = 0; t < threads; t++) {
            this.threads.add(Thread.ofPlatform().name("load-" + t).daemon().unstarted(this::run));
        }
    }

    public Load start() {
        startedAt = System.nanoTime();
        threads.forEach(Thread::start);
        return this;
    }

    private void run() {
        long deadline = startedAt + maxTime.toNanos();
        while (!stop && System.nanoTime() < deadline) {
            int n = issued.getAndIncrement();
            if (n >= maxRequests) {
                return;
            }
            Target t = targets.get(n % targets.size());
            long sent = System.nanoTime();
            String problem;
            try {
                RawHttp.Response r = RawHttp.get(t.host(), t.port(), hostHeader, "/");
                problem = r.status() != 200 ? "status " + r.status() + ": " + r.body().strip()
                        : r.body().contains(expectedBody) ? null : "unexpected body: " + r.body().strip();
            } catch (RuntimeException e) {
                problem = e.toString();
            }
            long took = System.nanoTime() - sent;
            maxLatencyNanos.accumulateAndGet(took, Math::max);
            if (problem == null) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
                if (failures.size() < 20) {
                    failures.add(new Failure((sent - startedAt) / 1_000_000, t, problem));
                }
            }
        }
    }

    /** Requests completed so far (successful or not). */
    public int completed() {
        return ok.get() + failed.get();
    }

    /** Waits for the load to spend its budget (bounded by its time budget plus one request timeout). */
    public Load await() {
        for (Thread t : threads) {
            try {
                t.join(maxTime.plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = true;
            }
        }
        stop = true;
        endedAt = System.nanoTime();
        return this;
    }

    public void stop() {
        stop = true;
        await();
    }

    public int ok() {
        return ok.get();
    }

    public int failed() {
        return failed.get();
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    public long millisSinceStart(long nanoTime) {
        return (nanoTime - startedAt) / 1_000_000;
    }

    public String summary() {
        return "%d requests through %s in %d ms: %d ok, %d failed, slowest %d ms%s".formatted(
                completed(), targets, (endedAt - startedAt) / 1_000_000, ok.get(), failed.get(),
                maxLatencyNanos.get() / 1_000_000, failures.isEmpty() ? "" : "; first failures: " + failures);
    }
}
