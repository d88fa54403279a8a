package dev.berth.proxy.metrics;

/** What the proxy reports; {@link #NOOP} when nobody scrapes. */
public interface ProxyMetrics {
    ProxyMetrics NOOP = new ProxyMetrics() {
    };

    /** One HTTP request finished with {@code status} after {@code nanos}; {@code route} is the host or "-". */
    default void request(String route, int status, long nanos) {
    }

    default void connectionOpened(String entrypoint) {
    }

    default void connectionClosed(String entrypoint) {
    }
}
