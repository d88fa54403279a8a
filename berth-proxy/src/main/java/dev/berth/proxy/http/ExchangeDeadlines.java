package dev.berth.proxy.http;

/**
 * The timeouts of one HTTP connection (or h2 stream) as plain arithmetic on {@code System.nanoTime()}
 * values: idle keep-alive, request header, a client that stalls mid-exchange, a backend that
 * stays silent. Activity is counted, not timed: each read or write bumps a counter, and a check
 * notices that a counter moved and restarts that side's quiet period from the time of the check.
 * So the hot path costs an increment, and one timer per connection that wakes at most every
 * {@link #tickNanos()} finds what expired. No clock or executor here: {@link HttpProxyHandler}
 * owns the timer and acts on {@link #check}'s verdict.
 */
final class ExchangeDeadlines {
    /** No deadline. */
    static final long NONE = Long.MAX_VALUE;

    /** What {@link #check} found expired. */
    enum Expiry {
        /** Nothing: the next deadline is {@link #deadline()}. */
        NONE,
        /** A request's head did not arrive in time after its first byte (408). */
        HEADER,
        /** A keep-alive connection waited too long for its next request (close quietly). */
        IDLE_KEEP_ALIVE,
        /** The backend owes a response and has been silent too long (504, or cut short). */
        BACKEND_SILENT,
        /** The client neither sent nor took anything for too long mid-exchange (close). */
        CLIENT_STALLED
    }

    private final long idleNanos;
    private final long headerNanos;
    private final long backendNanos;
    private final long tickNanos;
    private long deadline = NONE;

    /** When the connection became ready for the next request. */
    private long idleSince;
    /** When the first byte of the next request arrived; 0 before that. */
    private long firstByteAt;
    private long clientQuietSince;
    private int clientProgress;
    private int seenClientProgress;
    private long backendQuietSince;
    private int backendProgress;
    private int seenBackendProgress;

    /** Each timeout in nanoseconds; 0 turns it off. */
    ExchangeDeadlines(long idleNanos, long headerNanos, long backendNanos) {
        this.idleNanos = idleNanos;
        this.headerNanos = headerNanos;
        this.backendNanos = backendNanos;
        long tick = NONE;
        for (long t : new long[] {idleNanos, headerNanos, backendNanos}) {
            if (t > 0) {
                tick = Math.min(tick, t);
            }
        }
        this.tickNanos = tick == NONE ? 0 : tick;
    }

    /**
     * The longest the timer may sleep: the shortest timeout (0: no timeout at all). Every deadline
     * an event sets lies at least this far ahead, so events never need to move the timer.
     */
    long tickNanos() {
        return tickNanos;
    }

    long backendNanos() {
        return backendNanos;
    }

    /** The connection waits for its next request from {@code now}. */
    void awaitRequest(long now) {
        idleSince = now;
        firstByteAt = 0;
    }

    /** The first byte of the next request arrived: the header timeout starts. */
    void requestBegins(long now) {
        firstByteAt = now | 1;
    }

    /** Whether part of the next request has arrived. */
    boolean requestUnderWay() {
        return firstByteAt != 0;
    }

    /** A request's head arrived: the exchange is under way, the client quiet from now. */
    void exchangeStarted(long now) {
        firstByteAt = 0;
        clientQuietSince = now;
        seenClientProgress = clientProgress;
    }

    /** The client sent or took something. */
    void clientProgress() {
        clientProgress++;
    }

    /** The backend sent or took something. */
    void backendProgress() {
        backendProgress++;
    }

    /** The request is complete: from {@code now} the backend owes the response. */
    void backendOwes(long now) {
        backendQuietSince = now;
        seenBackendProgress = backendProgress;
    }

    /** How long the backend has been silent, as of {@code now}. */
    long backendQuietFor(long now) {
        return now - backendQuietSince;
    }

    /** The next deadline as of the last {@link #check} that found nothing; {@link #NONE} for none. */
    long deadline() {
        return deadline;
    }

    /**
     * What expired by {@code now}; when nothing did, {@link #deadline()} is the next deadline.
     *
     * @param awaitingRequest  between exchanges (HTTP/1): the keep-alive and header timeouts apply
     * @param waitingOnBackend the request is complete and the response not: the backend timeout applies
     * @param clientWritable   the client takes what it is sent: a silent response is the backend's fault
     */
    Expiry check(long now, boolean awaitingRequest, boolean waitingOnBackend, boolean clientWritable) {
        deadline = NONE;
        if (awaitingRequest) {
            if (firstByteAt != 0) {
                if (headerNanos > 0) {
                    long d = firstByteAt + headerNanos;
                    if (now - d >= 0) {
                        return Expiry.HEADER;
                    }
                    deadline = d;
                }
            } else if (idleNanos > 0) {
                long d = idleSince + idleNanos;
                if (now - d >= 0) {
                    return Expiry.IDLE_KEEP_ALIVE;
                }
                deadline = d;
            }
            return Expiry.NONE;
        }
        long d = NONE;
        if (waitingOnBackend && backendNanos > 0) {
            if (backendProgress != seenBackendProgress) {
                seenBackendProgress = backendProgress;
                backendQuietSince = now;
            }
            d = backendQuietSince + backendNanos;
            if (now - d >= 0) {
                if (clientWritable) {
                    return Expiry.BACKEND_SILENT;
                }
                d = now + backendNanos; // stalled on the client: the idle timeout governs that
            }
        }
        if (idleNanos > 0 && !(waitingOnBackend && clientWritable)) {
            if (clientProgress != seenClientProgress) {
                seenClientProgress = clientProgress;
                clientQuietSince = now;
            }
            long cd = clientQuietSince + idleNanos;
            if (now - cd >= 0) {
                return Expiry.CLIENT_STALLED;
            }
            d = Math.min(d, cd);
        }
        deadline = d;
        return Expiry.NONE;
    }
}
