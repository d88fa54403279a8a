package dev.berth.proxy.watch;

import dev.berth.protocol.v1.RouteServiceGrpc;
import dev.berth.protocol.v1.RouteUpdate;
import dev.berth.protocol.v1.WatchRequest;
import dev.berth.proxy.routing.RouteTable;
import dev.berth.proxy.routing.RouteTableHolder;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RouteTableHolder} in step with the controllers' route stream. It asks for
 * updates after its current version (so a restart from the cache or a reconnect gets deltas,
 * not the world), moves round-robin to the next controller when a stream fails, backs off
 * exponentially, and never empties the table because no controller answers: stale routes
 * beat no routes for the data plane.
 *
 * <p>All state changes run on one private thread, so stream callbacks, reconnects and cache
 * writes never race.
 */
public final class RouteWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouteWatcher.class);

    /** Tuning; {@link #defaults(String)} suits production. */
    public record Options(String proxyId, Duration initialBackoff, Duration maxBackoff, Duration persistDelay) {
        public Options {
            Objects.requireNonNull(proxyId, "proxyId");
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoff must be positive and max >= initial");
            }
        }

        public static Options defaults(String proxyId) {
            return new Options(proxyId, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(250));
        }
    }

    private final List<? extends Channel> channels;
    private final RouteTableHolder holder;
    private final RouteCache cache;
    private final Options options;
    private final ScheduledExecutorService exec;

    // Confined to exec.
    private int channelIndex;
    private long generation;
    private long backoffMillis;
    private ClientCallStreamObserver<WatchRequest> call;
    private ScheduledFuture<?> pendingSave;
    private ScheduledFuture<?> pendingReconnect;
    private boolean dirty;
    private boolean closed;
    private volatile boolean streaming;
    private volatile long updatesApplied;

    /**
     * @param channels controllers to watch, tried in order and then round-robin; the caller owns
     *                 (builds, configures keepalive on, and shuts down) them
     * @param cache    where to persist the table after updates; {@code null} to keep it in memory only
     */
    public RouteWatcher(List<? extends Channel> channels, RouteTableHolder holder, RouteCache cache, Options options) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("at least one controller channel is needed");
        }
        this.channels = List.copyOf(channels);
        this.holder = holder;
        this.cache = cache;
        this.options = options;
        this.backoffMillis = options.initialBackoff().toMillis();
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-route-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        exec.execute(this::connect);
    }

    /** True while a stream to some controller is open and has delivered at least one update. */
    public boolean isStreaming() {
        return streaming;
    }

    public long updatesApplied() {
        return updatesApplied;
    }

    private void connect() {
        if (closed) {
            return;
        }
        pendingReconnect = null;
        long gen = ++generation;
        int index = channelIndex;
        // A channel whose controller was down sits in gRPC's own reconnect backoff (up to 2 minutes),
        // failing every call at once: this watcher paces its attempts itself, so reconnect now.
        if (channels.get(index) instanceof ManagedChannel managed) {
            managed.resetConnectBackoff();
        }
        long from = holder.current().version();
        WatchRequest request = WatchRequest.newBuilder().setFromVersion(from).setProxyId(options.proxyId()).build();
        log.debug("watching routes on controller #{} from version {}", index, from);
        RouteServiceGrpc.newStub(channels.get(index)).watch(request, new ClientResponseObserver<WatchRequest, RouteUpdate>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                // Runs on the calling thread, i.e. exec: safe to store.
                call = requestStream;
            }

            @Override
            public void onNext(RouteUpdate update) {
                exec.execute(() -> onUpdate(gen, update));
            }

            @Override
            public void onError(Throwable t) {
                exec.execute(() -> onStreamEnd(gen, t));
            }

            @Override
            public void onCompleted() {
                exec.execute(() -> onStreamEnd(gen, null));
            }
        });
    }

    private void onUpdate(long gen, RouteUpdate update) {
        if (gen != generation || closed) {
            return;
        }
        if (!streaming) {
            log.info("route stream open on controller #{}", channelIndex);
        }
        streaming = true;
        backoffMillis = options.initialBackoff().toMillis();
        RouteTable current = holder.current();
        if (!update.getFull() && update.getVersion() <= current.version()) {
            return; // already applied before a reconnect
        }
        if (update.getFull() && update.getVersion() < current.version()) {
            // A controller behind this proxy (restarted, or cut off from the leader) sends its older
            // table: keep the newer one. Versions are log indexes, so the deltas it sends as it
            // catches up are applied from this table's version on, and nothing is missed.
            log.info("ignoring a full route table at version {} from controller #{}: this proxy is at version {}",
                    update.getVersion(), channelIndex, current.version());
            return;
        }
        RouteTable next = holder.update(t -> t.apply(update));
        updatesApplied++;
        log.debug("routes at version {} ({} routes, full={})", next.version(), next.size(), update.getFull());
        schedulePersist();
    }

    private void onStreamEnd(long gen, Throwable error) {
        if (gen != generation || closed) {
            return;
        }
        call = null;
        streaming = false;
        int failed = channelIndex;
        channelIndex = (channelIndex + 1) % channels.size();
        long delay = jitter(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, options.maxBackoff().toMillis());
        log.info("route stream on controller #{} ended ({}); retrying on #{} in {} ms, keeping {} routes at version {}",
                failed, error == null ? "completed" : error.toString(), channelIndex, delay,
                holder.current().size(), holder.current().version());
        pendingReconnect = exec.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static long jitter(long millis) {
        // +-20% so that many proxies do not reconnect to a recovering controller in lockstep.
        return Math.max(1, (long) (millis * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    private void schedulePersist() {
        if (cache == null) {
            return;
        }
        dirty = true;
        if (pendingSave == null) {
            pendingSave = exec.schedule(this::persist, options.persistDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void persist() {
        pendingSave = null;
        if (!dirty || cache == null) {
            return;
        }
        dirty = false;
        try {
            cache.save(holder.current());
        } catch (IOException e) {
            log.warn("could not persist routes to {}: {}; retrying", cache.file(), e.toString());
            dirty = true;
            if (!closed) {
                pendingSave = exec.schedule(this::persist, Math.max(1000, options.persistDelay().toMillis()), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Stops watching and writes any table not yet persisted. Does not shut the channels down. */
    @Override
    public void close() {
        if (exec.isShutdown()) {
            return;
        }
        try {
            exec.submit(() -> {
                closed = true;
                streaming = false;
                if (call != null) {
                    call.cancel("proxy closing", null);
                    call = null;
                }
                if (pendingReconnect != null) {
                    pendingReconnect.cancel(false);
                }
                if (pendingSave != null) {
                    pendingSave.cancel(false);
                }
                persist();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("route watcher did not close cleanly", e);
        } finally {
            exec.shutdownNow();
        }
    }
}
