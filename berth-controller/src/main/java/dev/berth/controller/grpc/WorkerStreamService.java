package dev.berth.controller.grpc;

import dev.berth.controller.lifecycle.LeaseKeeper;
import dev.berth.controller.state.ClusterState;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.StateChange;
import dev.berth.controller.store.StateStore;
import dev.berth.model.Endpoint;
import dev.berth.model.Instance;
import dev.berth.protocol.v1.AssignmentDelta;
import dev.berth.protocol.v1.AssignmentSnapshot;
import dev.berth.protocol.v1.ControllerMessage;
import dev.berth.protocol.v1.InstanceReport;
import dev.berth.protocol.v1.WorkerHello;
import dev.berth.protocol.v1.WorkerMessage;
import dev.berth.protocol.v1.WorkerServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream per connected worker: its full assignment set, then deltas as instances are placed
 * on it or stopped; its reports become commands. Any controller can serve a worker.
 */
public final class WorkerStreamService extends WorkerServiceGrpc.WorkerServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerStreamService.class);

    private final StateStore store;
    private final LeaseKeeper leases;
    private final Clock clock;
    /** Worker streams past their hello on this controller, for the metrics. */
    private final AtomicInteger streams = new AtomicInteger();

    public WorkerStreamService(StateStore store, LeaseKeeper leases, Clock clock) {
        this.store = store;
        this.leases = leases;
        this.clock = clock;
    }

    /** How many workers stream from this controller now (their hello was accepted and the stream has not ended). */
    public int connectedWorkers() {
        return streams.get();
    }

    @Override
    public StreamObserver<WorkerMessage> connect(StreamObserver<ControllerMessage> observer) {
        return new Session(observer);
    }

    private final class Session implements StreamObserver<WorkerMessage> {
        private final StreamObserver<ControllerMessage> observer;
        private StreamSender<ControllerMessage> sender;
        private Consumer<StateChange> listener;
        private String workerId;
        private boolean counted;

        Session(StreamObserver<ControllerMessage> observer) {
            this.observer = observer;
        }

        @Override
        public synchronized void onNext(WorkerMessage message) {
            switch (message.getBodyCase()) {
                case HELLO -> {
                    try {
                        hello(message.getHello());
                    } catch (RuntimeException e) {
                        LOG.warn("could not register worker {}: {}", message.getHello().getWorkerId(), e.getMessage());
                        workerId = null;
                        observer.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
                    }
                }
                case REPORT -> {
                    if (workerId != null) {
                        report(message.getReport());
                    }
                }
                case HEARTBEAT -> {
                    if (workerId != null) {
                        leases.heardFrom(workerId);
                    }
                }
                default -> { }
            }
        }

        private void hello(WorkerHello hello) {
            if (workerId != null) {
                return;
            }
            if (hello.getWorkerId().isBlank() || hello.getCapacity() <= 0) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("hello needs a worker id and a capacity > 0").asRuntimeException());
                return;
            }
            workerId = hello.getWorkerId();
            long now = clock.millis();
            long registered = store.commit(new Command.RegisterWorker(workerId, hello.getAdvertiseAddress(),
                    hello.getCapacity(), now, leases.leaseFrom(now))).index();
            // The assignment snapshot must be complete: a worker removes whatever it leaves out.
            if (!store.awaitApplied(registered, java.time.Duration.ofSeconds(10))) {
                observer.onError(Status.UNAVAILABLE.withDescription("controller is catching up; try another").asRuntimeException());
                workerId = null;
                return;
            }
            leases.heardFrom(workerId);
            sender = new StreamSender<>("worker-stream-" + workerId, observer);
            listener = this::onChange;
            AssignmentSnapshot snapshot = store.readAndSubscribe(this::assignments, listener);
            sender.send(ControllerMessage.newBuilder().setSnapshot(snapshot).build());
            counted = true;
            streams.incrementAndGet();
            LOG.info("worker {} connected at {} with {} assignment(s)", workerId, hello.getAdvertiseAddress(), snapshot.getAssignmentsCount());
        }

        private AssignmentSnapshot assignments(dev.berth.controller.state.ClusterState state) {
            AssignmentSnapshot.Builder b = AssignmentSnapshot.newBuilder();
            for (Instance i : state.instances()) {
                if (i.workerId().equals(workerId) && i.state().wantsContainer()) {
                    b.addAssignments(Assignments.of(i, state.template(i.template())));
                }
            }
            return b.build();
        }

        /** Runs on the apply thread, under the state lock. */
        private void onChange(StateChange change) {
            if (change.reset()) {
                sender.send(ControllerMessage.newBuilder().setSnapshot(store.read(this::assignments)).build());
                return;
            }
            AssignmentDelta.Builder delta = AssignmentDelta.newBuilder();
            for (StateChange.InstanceChange c : change.instances()) {
                boolean wasHere = runsHere(c.before());
                boolean isHere = runsHere(c.after());
                if (isHere && !wasHere) {
                    delta.addUpserts(Assignments.of(c.after(), store.read(s -> s.template(c.after().template()))));
                } else if (wasHere && !isHere) {
                    delta.addRemovedInstanceIds(c.before().id());
                }
            }
            if (delta.getUpsertsCount() > 0 || delta.getRemovedInstanceIdsCount() > 0) {
                sender.send(ControllerMessage.newBuilder().setDelta(delta).build());
            }
        }

        private boolean runsHere(Instance i) {
            return i != null && i.workerId().equals(workerId) && i.state().wantsContainer();
        }

        private void report(InstanceReport report) {
            Command.Observed observed = switch (report.getState()) {
                case OBSERVED_STARTING -> Command.Observed.STARTING;
                case OBSERVED_READY -> Command.Observed.READY;
                case OBSERVED_FAILED -> Command.Observed.FAILED;
                case OBSERVED_REMOVED -> Command.Observed.REMOVED;
                default -> null;
            };
            if (observed == null) {
                return;
            }
            Map<String, Endpoint> endpoints = new HashMap<>();
            report.getEndpointsMap().forEach((name, e) -> endpoints.put(name, new Endpoint(e.getHost(), e.getPort())));
            Command.ReportInstance command = new Command.ReportInstance(report.getInstanceId(), workerId, observed,
                    report.getReason(), endpoints, clock.millis());
            if (!wouldChange(command)) {
                return;
            }
            store.submit(command).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.warn("could not record report {} {} from {}: {}", report.getInstanceId(), observed, workerId, e.getMessage());
                }
            });
        }

        /** Workers repeat their picture after every reconnect; only reports that move something are logged. */
        private boolean wouldChange(Command.ReportInstance c) {
            return store.read(s -> {
                Instance i = s.instance(c.id());
                return i != null && i.workerId().equals(workerId) && ClusterState.afterReport(i, c) != i;
            });
        }

        @Override
        public void onError(Throwable t) {
            LOG.info("worker {} stream ended: {}", workerId, Status.fromThrowable(t).getCode());
            end();
        }

        @Override
        public void onCompleted() {
            end();
            observer.onCompleted();
        }

        private synchronized void end() {
            if (counted) {
                counted = false;
                streams.decrementAndGet();
            }
            if (listener != null) {
                store.unsubscribe(listener);
            }
            if (sender != null) {
                sender.close();
            }
            if (workerId != null) {
                leases.disconnected(workerId);
            }
        }
    }

}
