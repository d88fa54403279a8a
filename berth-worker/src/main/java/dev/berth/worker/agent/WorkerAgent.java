package dev.berth.worker.agent;

import dev.berth.protocol.v1.AssignmentDelta;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.Heartbeat;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.protocol.v1.WorkerServiceGrpc;
import dev.berth.worker.reconcile.AssignmentTarget;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of {@code WorkerService.Connect}: says hello, heartbeats, hands
 * assignments to the {@link AssignmentTarget} and sends reports up.
 *
 * <p>A broken stream never touches containers (the data plane keeps serving without a
 * controller); the agent reconnects with capped backoff, moving round-robin through the
 * given controllers, and after each reconnect asks the target to re-send every instance's
 * state, because reports made while disconnected were dropped.
 */
public final class WorkerAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerAgent.class);

    private final WorkerHello hello;
    private final List<Channel> controllers;
    private final AssignmentTarget target;
    private final Duration heartbeatInterval;
    private final Backoff backoff;
    private final ScheduledExecutorService timer;

    private final Object lock = new Object();
    private Session current; // guarded by lock; null while disconnected
    private int nextController; // only touched by the timer thread
    private volatile boolean closed;

    public WorkerAgent(WorkerHello hello, List<? extends Channel> controllers, AssignmentTarget target,
                       Duration heartbeatInterval) {
        this(hello, controllers, target, heartbeatInterval, Backoff.defaults());
    }

    /** @param controllers one channel per controller; tried round-robin when a stream fails */
    public WorkerAgent(WorkerHello hello, List<? extends Channel> controllers, AssignmentTarget target,
                       Duration heartbeatInterval, Backoff backoff) {
        if (controllers.isEmpty()) {
            throw new IllegalArgumentException("at least one controller channel is required");
        }
        this.hello = hello;
        this.controllers = List.copyOf(controllers);
        this.target = target;
        this.heartbeatInterval = heartbeatInterval;
        this.backoff = backoff;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-agent-" + hello.getWorkerId());
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        timer.execute(this::connect);
        long every = heartbeatInterval.toMillis();
        timer.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Sends a report on the current stream; dropped while disconnected (a reconnect re-sends everything). */
    public void send(InstanceReport report) {
        write(WorkerMessage.newBuilder().setReport(report).build());
    }

    /** Whether a stream is open and the hello went out on it. */
    public boolean connected() {
        synchronized (lock) {
            return current != null;
        }
    }

    /** Ends the stream and stops reconnecting. Containers are not touched. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        synchronized (lock) {
            if (current != null) {
                current.cancel("worker agent closing");
                current = null;
            }
        }
    }

    // ---------------------------------------------------------------- timer thread

    private void connect() {
        if (closed) {
            return;
        }
        int index = nextController;
        nextController = (nextController + 1) % controllers.size();
        Session session = new Session(index);
        // A channel whose controller was down sits in gRPC's own reconnect backoff (up to 2 minutes),
        // failing every call at once: this agent paces its attempts itself, so reconnect now.
        if (controllers.get(index) instanceof ManagedChannel managed) {
            managed.resetConnectBackoff();
        }
        try {
            StreamObserver<WorkerMessage> requests = WorkerServiceGrpc.newStub(controllers.get(index)).connect(session);
            synchronized (lock) {
                session.requests = requests;
                if (session.ended || closed) {
                    return; // the failure callback already scheduled what comes next
                }
                // Hello goes out first: every other write takes this lock, and becoming current
                // before writing lets a reply that arrives on this very thread be accepted.
                current = session;
                requests.onNext(WorkerMessage.newBuilder().setHello(hello).build());
            }
        } catch (RuntimeException e) {
            log.warn("cannot open worker stream to controller #{}: {}", index, e.toString());
            session.end();
            return;
        }
        log.info("worker stream open to controller #{}", index);
        target.resendAll();
    }

    private void heartbeat() {
        write(WorkerMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setSentAtMillis(System.currentTimeMillis()))
                .build());
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        Duration pause = backoff.next();
        try {
            timer.schedule(this::connect, pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void write(WorkerMessage message) {
        synchronized (lock) {
            if (current == null) {
                return;
            }
            try {
                current.requests.onNext(message);
            } catch (RuntimeException e) {
                // The call died under us; its observer's onError schedules the reconnect.
                log.debug("write on closed worker stream", e);
            }
        }
    }

    /** One Connect call. Receives the controller's messages and notices the stream's end. */
    private final class Session implements StreamObserver<ControllerMessage> {
        private final int controller;
        StreamObserver<WorkerMessage> requests; // guarded by lock
        boolean ended; // guarded by lock

        Session(int controller) {
            this.controller = controller;
        }

        @Override
        public void onNext(ControllerMessage message) {
            synchronized (lock) {
                if (current != this) {
                    return;
                }
            }
            // A controller that talks to us is healthy: the next failure starts with a short pause.
            backoff.reset();
            switch (message.getBodyCase()) {
                case SNAPSHOT -> target.replaceAll(message.getSnapshot().getAssignmentsList());
                case DELTA -> {
                    AssignmentDelta d = message.getDelta();
                    target.apply(d.getUpsertsList(), d.getRemovedInstanceIdsList());
                }
                default -> log.warn("ignoring controller message without a body");
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!closed) {
                Status s = Status.fromThrowable(t);
                log.warn("worker stream to controller #{} failed: {}{}", controller, s.getCode(),
                        s.getDescription() == null ? "" : ": " + s.getDescription());
            }
            end();
        }

        @Override
        public void onCompleted() {
            if (!closed) {
                log.info("controller #{} closed the worker stream", controller);
            }
            end();
        }

        void end() {
            synchronized (lock) {
                if (ended) {
                    return;
                }
                ended = true;
                if (current == this) {
                    current = null;
                }
            }
            scheduleReconnect();
        }

        void cancel(String why) {
            ended = true;
            try {
                requests.onError(Status.CANCELLED.withDescription(why).asRuntimeException());
            } catch (RuntimeException e) {
                log.debug("cancelling worker stream", e);
            }
        }
    }
}
