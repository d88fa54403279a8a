package dev.berth.cli.roles;

import dev.berth.cli.CliException;
import dev.berth.proxy.ProxyNode;
import dev.berth.proxy.ProxyStartException;
import dev.berth.proxy.watch.RouteWatcher;
import io.grpc.Channel;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The proxy part of the standalone, worker and proxy roles: routes from the cache file first,
 * then from the controllers' route stream.
 */
final class ProxyRole {
    private ProxyRole() {
    }

    static ProxyNode start(CommandSpec spec, ProxyOptions options, List<? extends Channel> controllers, Path dir, String proxyId)
            throws Exception {
        ProxyNode.Settings settings;
        try {
            settings = new ProxyNode.Settings(options.toConfig(), dir.resolve("routes.json"), controllers,
                    RouteWatcher.Options.defaults(proxyId), null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ProxyNode node = new ProxyNode(settings);
        try {
            node.start();
        } catch (ProxyStartException e) {
            throw new CliException(e.getMessage());
        }
        return node;
    }
}
