package dev.berth.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import java.util.ArrayList;

/**
 * Flushes channels of one event loop once, after the loop has handled every ready event of its
 * current iteration, instead of at once.
 *
 * <p>Why: on a busy proxy one iteration handles many connections. Flushed at once, each write
 * reaches its peer (a client, a backend) as a separate wake-up: the peer wakes, handles one
 * message and sleeps again before the next arrives. Flushed together, the writes reach peers
 * back to back, so a peer that is already awake takes the next one without being woken, and
 * the kernel work of a wake-up is spent once per batch. The delay added is the rest of the
 * iteration, which is the time it takes to read what was already waiting.
 *
 * <p>Every method must be called on the loop. A channel closed before the batch runs loses what
 * was written to it unless it is flushed first: close paths that mean to deliver (a response
 * cut short) flush before closing.
 */
final class LoopFlusher implements Runnable {
    private final EventLoop loop;
    private final ArrayList<Channel> channels = new ArrayList<>();
    private boolean scheduled;

    LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Flushes {@code ch} at the end of this loop iteration. */
    void flushLater(Channel ch) {
        channels.add(ch);
        if (!scheduled) {
            scheduled = true;
            if (loop instanceof SingleThreadEventLoop single && !(loop instanceof DefaultEventLoop)) {
                // Netty's I/O loops (epoll, NIO) run these tail tasks after each iteration's I/O and
                // tasks; DefaultEventLoop has no I/O and never runs them.
                single.executeAfterEventLoopIteration(this);
            } else {
                loop.execute(this);
            }
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // A flush can lead to more flushLater calls (writability events): they join this pass.
        for (int i = 0; i < channels.size(); i++) {
            channels.get(i).flush();
        }
        channels.clear();
    }
}
