package dev.berth.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopFlusherTest {
    private final NioEventLoopGroup group = new NioEventLoopGroup(1); // an I/O loop: it runs tail tasks
    private final EventLoop loop = group.next();

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Completes {@code f} after the loop's current iteration, behind any flush batch already queued (tail tasks run in order). */
    private void afterIteration(CompletableFuture<Void> f) {
        ((SingleThreadEventLoop) loop).executeAfterEventLoopIteration(() -> f.complete(null));
    }

    @Test
    void writesLeaveOnlyAfterTheLoopFinishesItsIteration() throws Exception {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        LoopFlusher flusher = new LoopFlusher(loop);
        int[] flushedDuringIteration = new int[1];
        CompletableFuture<Void> iterationEnded = new CompletableFuture<>();
        loop.submit(() -> {
            a.write("to a");
            flusher.flushLater(a);
            b.write("to b");
            flusher.flushLater(b);
            flusher.flushLater(a); // asked twice in one iteration: harmless
            flushedDuringIteration[0] = a.outboundMessages().size() + b.outboundMessages().size();
            afterIteration(iterationEnded);
        }).sync();
        iterationEnded.get(5, TimeUnit.SECONDS);

        assertEquals(0, flushedDuringIteration[0], "nothing is flushed while the iteration is still running");
        assertEquals("to a", a.readOutbound());
        assertEquals("to b", b.readOutbound());
        assertTrue(a.outboundMessages().isEmpty());
    }

    @Test
    void aFlushAskedForDuringTheBatchJoinsIt() throws Exception {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        LoopFlusher flusher = new LoopFlusher(loop);
        // When a is flushed, something (as a writability event would) writes to b and asks for its flush.
        a.pipeline().addLast(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                ctx.flush();
                b.write("to b");
                flusher.flushLater(b);
            }
        });
        CompletableFuture<Void> iterationEnded = new CompletableFuture<>();
        loop.submit(() -> {
            a.write("to a");
            flusher.flushLater(a);
            afterIteration(iterationEnded);
        }).sync();
        iterationEnded.get(5, TimeUnit.SECONDS);

        assertEquals("to a", a.readOutbound());
        assertEquals("to b", b.readOutbound());
    }

    @Test
    void eachIterationGetsItsOwnBatch() throws Exception {
        EmbeddedChannel a = new EmbeddedChannel();
        LoopFlusher flusher = new LoopFlusher(loop);
        for (int i = 0; i < 3; i++) {
            String msg = "message " + i;
            CompletableFuture<Void> iterationEnded = new CompletableFuture<>();
            loop.submit(() -> {
                a.write(msg);
                flusher.flushLater(a);
                afterIteration(iterationEnded);
            }).sync();
            iterationEnded.get(5, TimeUnit.SECONDS);
            assertEquals(msg, a.readOutbound());
        }
    }
}
