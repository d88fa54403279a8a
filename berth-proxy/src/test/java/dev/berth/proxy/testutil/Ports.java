package dev.berth.proxy.testutil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

public final class Ports {
    /** Kept bound for the rest of the test JVM, so the port cannot be handed out again. */
    private static final List<Socket> RESERVED = new ArrayList<>();

    private Ports() {
    }

    /** A loopback port free right now, for a listener the test starts itself. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A loopback port nothing listens on: connecting to it is refused. It stays bound (a socket
     * that never listens) for the life of the test JVM: a port merely released could be given to
     * the next listener, even the proxy's own, and a route to a "dead" backend would then loop
     * back into the proxy.
     */
    public static synchronized int closedPort() throws IOException {
        Socket s = new Socket();
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        RESERVED.add(s);
        return s.getLocalPort();
    }
}
