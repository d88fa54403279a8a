package dev.berth.worker.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.berth.model.Resources;
import dev.berth.protocol.v1.Assignment;
import dev.berth.protocol.v1.PortSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ContainerRuntime} on a Docker Engine, talking its HTTP API through docker-java. */
public final class DockerContainerRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);

    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
    /** Applied on top of whatever the image asks for; see DESIGN.md "hardening". */
    static final String NO_NEW_PRIVILEGES = "no-new-privileges:true";

    private final DockerClient docker;
    private final boolean ownsClient;
    private final String workerId;
    private final String publishAddress;

    /**
     * @param publishAddress host address the ports are published on; proxies connect to it,
     *                       so it is normally the worker's advertise address
     */
    public DockerContainerRuntime(DockerClient docker, String workerId, String publishAddress) {
        this(docker, false, workerId, publishAddress);
    }

    private DockerContainerRuntime(DockerClient docker, boolean ownsClient, String workerId, String publishAddress) {
        this.docker = docker;
        this.ownsClient = ownsClient;
        this.workerId = requireText(workerId, "workerId");
        this.publishAddress = requireText(publishAddress, "publishAddress");
    }

    /**
     * Connects to the engine at {@code dockerHost}; null means $DOCKER_HOST, else the local
     * unix socket. The returned runtime closes the client when closed.
     */
    public static DockerContainerRuntime connect(String dockerHost, String workerId, String publishAddress) {
        return new DockerContainerRuntime(client(dockerHost), true, workerId, publishAddress);
    }

    /** A docker-java client for {@code dockerHost} (null: $DOCKER_HOST, else the local unix socket). */
    public static DockerClient client(String dockerHost) {
        String host = dockerHost;
        if (host == null || host.isBlank()) {
            String env = System.getenv("DOCKER_HOST");
            host = env == null || env.isBlank() ? DEFAULT_DOCKER_HOST : env;
        }
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                // Creating and starting a container on a loaded host can take a while; a hung
                // engine must still not hang the worker forever.
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    public DockerClient docker() {
        return docker;
    }

    @Override
    public List<ContainerInfo> list() {
        List<Container> containers = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(BerthLabels.WORKER, workerId))
                .exec();
        List<ContainerInfo> out = new ArrayList<>(containers.size());
        for (Container c : containers) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            String instanceId = labels.get(BerthLabels.INSTANCE);
            if (instanceId == null || instanceId.isBlank()) {
                continue;
            }
            ContainerStatus status = ContainerStatus.parse(c.getState());
            if (status != ContainerStatus.RUNNING) {
                // The list omits exit code and OOM flag; only stopped containers need them.
                inspect(c.getId()).ifPresent(out::add);
                continue;
            }
            out.add(new ContainerInfo(c.getId(), instanceId, labels.getOrDefault(BerthLabels.TEMPLATE, ""),
                    status, null, false, listedIp(c), listedPorts(c)));
        }
        return out;
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) {
        InspectContainerResponse r;
        try {
            r = docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null
                ? Map.of() : r.getConfig().getLabels();
        InspectContainerResponse.ContainerState state = r.getState();
        ContainerStatus status = state == null ? ContainerStatus.UNKNOWN : ContainerStatus.parse(state.getStatus());
        Integer exitCode = state == null || status == ContainerStatus.RUNNING ? null : state.getExitCode();
        boolean oom = state != null && Boolean.TRUE.equals(state.getOOMKilled());
        String ip = "";
        Map<Integer, Integer> ports = new HashMap<>();
        if (r.getNetworkSettings() != null) {
            ip = firstIp(r.getNetworkSettings().getNetworks());
            Ports published = r.getNetworkSettings().getPorts();
            if (published != null) {
                published.getBindings().forEach((exposed, bindings) -> {
                    if (bindings == null) {
                        return;
                    }
                    for (Ports.Binding b : bindings) {
                        Integer hostPort = parsePort(b.getHostPortSpec());
                        if (hostPort != null) {
                            ports.putIfAbsent(exposed.getPort(), hostPort);
                        }
                    }
                });
            }
        }
        return Optional.of(new ContainerInfo(r.getId(), labels.getOrDefault(BerthLabels.INSTANCE, ""),
                labels.getOrDefault(BerthLabels.TEMPLATE, ""), status, exitCode, oom, ip, ports));
    }

    @Override
    public ContainerInfo start(Assignment a) {
        requireText(a.getInstanceId(), "instance id");
        if (a.getImage().isBlank()) {
            throw new ContainerStartException("assignment has no image");
        }
        requireLocalImage(a.getImage());

        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortSpec p : a.getPortsList()) {
            if (p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                throw new ContainerStartException("port " + p.getName() + " has invalid container port " + p.getContainerPort());
            }
            ExposedPort port = ExposedPort.tcp(p.getContainerPort());
            exposed.add(port);
            // No host port: the engine picks a free one, so instances never collide.
            bindings.bind(port, Ports.Binding.bindIp(publishAddress));
        }

        Map<String, String> labels = Map.of(
                BerthLabels.INSTANCE, a.getInstanceId(),
                BerthLabels.WORKER, workerId,
                BerthLabels.TEMPLATE, a.getTemplate());

        CreateContainerCmd create = docker.createContainerCmd(a.getImage())
                .withName(BerthLabels.containerName(a.getInstanceId()))
                .withLabels(labels)
                .withEnv(env(a))
                .withExposedPorts(exposed)
                .withHostConfig(hostConfig(a, bindings));
        if (a.getCommandCount() > 0) {
            create.withCmd(a.getCommandList());
        }

        String id;
        try {
            id = create.exec().getId();
        } catch (NotFoundException e) {
            throw new ContainerStartException(imageMissing(a.getImage()), e);
        } catch (ConflictException e) {
            throw new ContainerStartException("a container named " + BerthLabels.containerName(a.getInstanceId())
                    + " already exists: " + dockerMessage(e), e);
        } catch (RuntimeException e) {
            throw new ContainerStartException("could not create container: " + dockerMessage(e), e);
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            removeQuietly(id);
            throw new ContainerStartException("could not start container: " + dockerMessage(e), e);
        }
        return inspect(id).orElseThrow(() -> new ContainerStartException("container " + id + " vanished right after it started"));
    }

    @Override
    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // Already gone: that is what we wanted.
        } catch (ConflictException e) {
            if (!String.valueOf(e.getMessage()).contains("already in progress")) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            try {
                docker.close();
            } catch (IOException e) {
                log.debug("closing docker client", e);
            }
        }
    }

    private HostConfig hostConfig(Assignment a, Ports bindings) {
        dev.berth.protocol.v1.Resources r = a.getResources();
        long memory = r.getMemoryBytes() > 0 ? r.getMemoryBytes() : Resources.DEFAULT.memoryBytes();
        long cpus = r.getNanoCpus() > 0 ? r.getNanoCpus() : Resources.DEFAULT.nanoCpus();
        long pids = r.getPids() > 0 ? r.getPids() : Resources.DEFAULT.pids();
        return HostConfig.newHostConfig()
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of(NO_NEW_PRIVILEGES))
                .withPidsLimit(pids)
                .withMemory(memory)
                .withMemorySwap(memory) // equal to memory: no swap on top of the limit
                .withNanoCPUs(cpus)
                // Berth decides what runs again; a container the engine restarts on its own would
                // hide an exit from the reconciler.
                .withRestartPolicy(RestartPolicy.noRestart())
                .withPortBindings(bindings)
                // A chatty instance must not fill the worker's disk.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
                        Map.of("max-size", "10m", "max-file", "2")));
    }

    private static List<String> env(Assignment a) {
        Map<String, String> env = new LinkedHashMap<>(a.getEnvMap());
        // Berth's own variables win over template values of the same name.
        env.put("BERTH_INSTANCE_ID", a.getInstanceId());
        env.put("BERTH_HOSTNAME", a.getHostname());
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private void requireLocalImage(String image) {
        try {
            docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new ContainerStartException(imageMissing(image), e);
        } catch (RuntimeException e) {
            throw new ContainerStartException("could not inspect image " + image + ": " + dockerMessage(e), e);
        }
    }

    private static String imageMissing(String image) {
        return "image " + image + " not found locally (workers never pull; load it onto the worker first)";
    }

    private void removeQuietly(String id) {
        try {
            remove(id);
        } catch (RuntimeException e) {
            log.warn("could not remove failed container {}: {}", id, e.toString());
        }
    }

    private static String listedIp(Container c) {
        return c.getNetworkSettings() == null ? "" : firstIp(c.getNetworkSettings().getNetworks());
    }

    private static String firstIp(Map<String, ContainerNetwork> networks) {
        if (networks == null) {
            return "";
        }
        for (ContainerNetwork n : networks.values()) {
            if (n != null && n.getIpAddress() != null && !n.getIpAddress().isBlank()) {
                return n.getIpAddress();
            }
        }
        return "";
    }

    private static Map<Integer, Integer> listedPorts(Container c) {
        Map<Integer, Integer> ports = new HashMap<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getPrivatePort() != null && p.getPublicPort() != null && !"udp".equals(p.getType())) {
                    ports.putIfAbsent(p.getPrivatePort(), p.getPublicPort());
                }
            }
        }
        return ports;
    }

    private static Integer parsePort(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Docker's own message is the useful part; docker-java wraps it in status noise. */
    static String dockerMessage(Throwable e) {
        String m = String.valueOf(e.getMessage()).trim();
        int at = m.indexOf("\"message\":\"");
        if (at >= 0) {
            int from = at + "\"message\":\"".length();
            int to = m.indexOf('"', from);
            if (to > from) {
                return m.substring(from, to);
            }
        }
        return m;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }
}
