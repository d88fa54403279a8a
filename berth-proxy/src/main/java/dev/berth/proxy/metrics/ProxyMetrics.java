package dev.berth.proxy.metrics;

/** What the proxy reports; {@link #NOOP} when nobody scrapes. */
public interface ProxyMetrics {
    ProxyMetrics NOOP = new ProxyMetrics() {
        @Override
        public RequestSeries series(String route, int status) {
            return RequestSeries.NOOP;
        }
    };

    /** One HTTP request finished with {@code status} after {@code nanos}; {@code route} is the host or "-". */
    default void request(String route, int status, long nanos) {
    }

    /**
     * The series of one route and status, resolved once: the proxy keeps the last one per
     * connection, so a request to the same route as the previous one costs no lookup.
     * {@code series(r, s).record(n)} must count exactly like {@code request(r, s, n)}.
     */
    default RequestSeries series(String route, int status) {
        return nanos -> request(route, status, nanos);
    }

    default void connectionOpened(String entrypoint) {
    }

    default void connectionClosed(String entrypoint) {
    }

    /** Requests of one route and status. */
    @FunctionalInterface
    interface RequestSeries {
        RequestSeries NOOP = nanos -> {
        };

        void record(long nanos);
    }
}
