package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loopback ports for tests: free ones for the listeners a test starts, and closed ones for
 * backends that must refuse connections. The kernel may hand the same ephemeral
 * port out twice in a row once it is closed again, so a port is never given twice in one run:
 * two listeners of one node (its API and its Raft port, say) must not collide.
 */
public final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();
    /** Kept bound for the rest of the test JVM, so a closed port cannot be handed out again. */
    private static final List<Socket> RESERVED = new ArrayList<>();

    private Ports() {
    }

    public static synchronized int free(String host) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                s.setReuseAddress(true);
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no fresh free port on " + host);
    }

    public static int free() {
        return free("127.0.0.1");
    }

    /**
     * The first of {@code size} consecutive ports, all free on 127.0.0.1 now, below the kernel's
     * ephemeral range (32768 and up), so no outgoing connection takes one of them before the
     * test's process binds it.
     */
    public static synchronized int freeBlock(int size) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = 20000 + random.nextInt((32000 - 20000) / size) * size;
            if (blockIsFree(first, size)) {
                for (int p = first; p < first + size; p++) {
                    GIVEN.add(p);
                }
                return first;
            }
        }
        throw new IllegalStateException("no " + size + " consecutive free ports in 20000-32000");
    }

    private static boolean blockIsFree(int first, int size) {
        for (int p = first; p < first + size; p++) {
            if (GIVEN.contains(p)) {
                return false;
            }
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * A loopback port nothing listens on: connecting to it is refused. It stays bound (a socket
     * that never listens) for the life of the test JVM: a port merely released could be given to
     * the next listener, even a proxy's own, and a route to a "dead" backend would then loop back
     * into the proxy.
     */
    public static synchronized int closed() {
        try {
            Socket s = new Socket();
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RESERVED.add(s);
            GIVEN.add(s.getLocalPort());
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
