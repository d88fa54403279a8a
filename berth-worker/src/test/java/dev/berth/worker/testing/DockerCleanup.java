package dev.berth.worker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.berth.worker.runtime.BerthLabels;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Unique worker ids for Docker tests, and removal of everything labelled with one. */
public final class DockerCleanup {
    private DockerCleanup() {
    }

    public static String uniqueWorkerId() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static void removeAll(DockerClient docker, String workerId) {
        List<Container> left = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(BerthLabels.WORKER, workerId)).exec();
        for (Container c : left) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone already
            }
        }
    }
}
