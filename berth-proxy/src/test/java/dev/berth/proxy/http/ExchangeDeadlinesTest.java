package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.berth.proxy.http.ExchangeDeadlines.Expiry;
import org.junit.jupiter.api.Test;

/**
 * Every timeout's verdict on a made-up clock (seconds as nanos, starting far from 0 so the
 * arithmetic is the wrapping kind {@code System.nanoTime()} needs). The same timeouts on real
 * sockets are in {@link HttpHardeningTest} and {@link HttpProxyTest}.
 */
class ExchangeDeadlinesTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = Long.MAX_VALUE - 5 * S; // nanoTime may be anywhere, and wraps
    private static final long IDLE = 60 * S;
    private static final long HEADER = 10 * S;
    private static final long BACKEND = 30 * S;
    private final ExchangeDeadlines d = new ExchangeDeadlines(IDLE, HEADER, BACKEND);

    private Expiry awaiting(long now) {
        return d.check(now, true, false, true);
    }

    private Expiry exchange(long now, boolean waitingOnBackend, boolean writable) {
        return d.check(now, false, waitingOnBackend, writable);
    }

    @Test
    void theTimerNeverSleepsLongerThanTheShortestTimeout() {
        assertEquals(HEADER, d.tickNanos());
        assertEquals(0, new ExchangeDeadlines(0, 0, 0).tickNanos(), "no timeout: no timer");
        assertEquals(BACKEND, new ExchangeDeadlines(0, 0, BACKEND).tickNanos());
    }

    @Test
    void anIdleKeepAliveConnectionExpiresAfterTheIdleTimeout() {
        d.awaitRequest(T0);
        assertEquals(Expiry.NONE, awaiting(T0 + IDLE - 1));
        assertEquals(T0 + IDLE, d.deadline());
        assertEquals(Expiry.IDLE_KEEP_ALIVE, awaiting(T0 + IDLE));
    }

    @Test
    void aRequestsFirstByteStartsTheHeaderTimeoutInsteadOfTheIdleOne() {
        d.awaitRequest(T0);
        d.requestBegins(T0 + 50 * S);
        assertEquals(Expiry.NONE, awaiting(T0 + 59 * S));
        assertEquals(T0 + 60 * S | 1, d.deadline(), "the header deadline, not the idle one");
        assertEquals(Expiry.HEADER, awaiting(T0 + 61 * S));
        d.exchangeStarted(T0 + 61 * S);
        assertFalse(d.requestUnderWay());
    }

    @Test
    void aSilentBackendExpiresOnlyWhileTheClientTakesWhatItIsSent() {
        d.exchangeStarted(T0);
        d.backendOwes(T0);
        assertEquals(Expiry.NONE, exchange(T0 + BACKEND - 1, true, true));
        assertEquals(T0 + BACKEND, d.deadline(), "waiting on the backend, the idle timeout is not the client's");
        assertEquals(Expiry.BACKEND_SILENT, exchange(T0 + BACKEND, true, true));
        assertEquals(BACKEND, d.backendQuietFor(T0 + BACKEND));
        // A client that does not read stalls the response: that is the idle timeout's business.
        assertEquals(Expiry.NONE, exchange(T0 + BACKEND, true, false));
        assertEquals(T0 + IDLE, d.deadline());
    }

    @Test
    void progressRestartsTheQuietPeriodFromTheCheckThatSeesIt() {
        d.exchangeStarted(T0);
        d.backendOwes(T0);
        d.backendProgress(); // a piece of the response came
        assertEquals(Expiry.NONE, exchange(T0 + 20 * S, true, true));
        assertEquals(T0 + 20 * S + BACKEND, d.deadline());
        assertEquals(Expiry.NONE, exchange(T0 + 49 * S, true, true));
        assertEquals(Expiry.BACKEND_SILENT, exchange(T0 + 50 * S, true, true));
    }

    @Test
    void aClientThatStallsMidExchangeExpires() {
        d.exchangeStarted(T0);
        assertEquals(Expiry.NONE, exchange(T0 + 30 * S, false, true));
        d.clientProgress(); // more of the upload
        assertEquals(Expiry.NONE, exchange(T0 + 40 * S, false, true));
        assertEquals(T0 + 40 * S + IDLE, d.deadline());
        assertEquals(Expiry.CLIENT_STALLED, exchange(T0 + 100 * S, false, true));
    }

    @Test
    void timeoutsSetToZeroNeverExpire() {
        ExchangeDeadlines none = new ExchangeDeadlines(0, 0, 0);
        none.awaitRequest(T0);
        assertEquals(Expiry.NONE, none.check(T0 + 1000 * S, true, false, true));
        none.requestBegins(T0);
        assertEquals(Expiry.NONE, none.check(T0 + 1000 * S, true, false, true));
        none.exchangeStarted(T0);
        none.backendOwes(T0);
        assertEquals(Expiry.NONE, none.check(T0 + 1000 * S, false, true, true));
        assertEquals(ExchangeDeadlines.NONE, none.deadline());
    }
}
