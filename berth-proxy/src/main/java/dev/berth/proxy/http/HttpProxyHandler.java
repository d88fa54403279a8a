package dev.berth.proxy.http;

import dev.berth.model.Route;
import dev.berth.proxy.tcp.Splice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the HTTP exchanges of one client connection (or one h2 stream) to backends, one
 * exchange at a time. Reads are explicit (auto-read off): decoded client messages wait in a
 * small queue until the exchange wants them, the client is read only while the backend can take
 * more, and the backend only while the client can, so bodies stream through in bounded memory
 * and pipelined requests wait their turn. Once a request is complete the client is read ahead by
 * at most one read, which keeps the socket's epoll interest unchanged between requests (no
 * {@code epoll_ctl} per request) and notices a client that goes away.
 *
 * <p>Everything here runs on the client's event loop, which is also the backend connection's.
 * The hot path of a keep-alive exchange allocates no futures or timers: one timer per connection
 * watches every timeout of HTTP/1 (idle keep-alive, request header, stalled client, silent
 * backend), firing at most every {@link ExchangeDeadlines#tickNanos()} and exactly at a deadline
 * that falls sooner. Writes to the backend are flushed once per client read, writes to the client
 * once per backend read.
 *
 * <p>This class decides what happens to an exchange; its parts do the rest: {@link RequestScreen}
 * refuses what must not be routed, {@link RequestWriter} writes the request for the backend, a
 * {@link ResponseWriter} writes responses in the client's protocol, {@link ExchangeDeadlines} says
 * which timeout expired, and {@link ExchangeRecorder} counts and logs each finished exchange.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter implements BackendListener {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** Bodies of requests answered locally are read and dropped up to this size, then the connection is closed. */
    private static final long MAX_DISCARD = 64 * 1024;
    private static final int MAX_ATTEMPTS = 2;

    private enum State { AWAIT_REQUEST, CONNECTING, PROXYING, DISCARDING, CLOSED }

    private final ProxyContext px;
    private final String entrypoint;
    private final String scheme;
    private final boolean http2Stream;
    private final int httpsRedirectPort;
    private final ExchangeDeadlines deadlines;
    private final Runnable timerTask = this::onTimer;
    private ChannelHandlerContext ctx;
    private BackendPool.LoopPool pool;
    private ResponseWriter out;
    private ClientAddress client;
    private ExchangeRecorder recorder;
    private State state = State.AWAIT_REQUEST;
    private boolean started;
    private final byte[] schemeAscii;
    /** The HTTP/1 connection's request decoder (null for an h2 stream), which reuses a finished exchange's head. */
    private RequestDecoder decoder;

    // Client reads: decoded messages wait here until the exchange wants one.
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private boolean wantMessage;
    private boolean delivering;
    /** A read was asked of the channel and no read cycle has started since (HTTP/1), or no message came (h2). */
    private boolean readRequested;
    /** Between the first bytes of a client read and its channelReadComplete (HTTP/1 only). */
    private boolean inClientRead;
    /** System.nanoTime() taken once per client read cycle; 0 when not taken yet. */
    private long cycleNanos;
    private boolean backendFlushPending;
    private boolean clientFlushPending;

    // Timeouts: one timer per connection, whose deadlines are worked out by ExchangeDeadlines.
    private ScheduledFuture<?> timer;

    // The current exchange.
    private RequestHead request;
    private String host;
    private Route route;
    private Channel backend;
    private BackendHandler backendHandler;
    private int connectSeq;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(1);
    private boolean clientKeepAlive;
    /** The proxy is stopping: this connection closes after the exchange under way. */
    private boolean draining;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean backendKeepAlive;
    private boolean interimResponse;
    private boolean upgradeRequested;
    private boolean upgrading;
    private boolean backendReused;
    private boolean logged;
    private int attempts;
    private int status;
    private long startNanos;
    private long requestBytes;
    private long responseBytes;
    private ChannelFuture lastClientWrite;

    HttpProxyHandler(ProxyContext px, String entrypoint, String scheme, boolean http2Stream, int httpsRedirectPort) {
        this.px = px;
        this.entrypoint = entrypoint;
        this.scheme = scheme;
        this.schemeAscii = scheme.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.http2Stream = http2Stream;
        this.httpsRedirectPort = httpsRedirectPort;
        ProxyConfig c = px.config();
        // h2 streams keep their IdleStateHandler (see Http2Pipeline); only the backend timeout is ours there.
        this.deadlines = new ExchangeDeadlines(http2Stream ? 0 : c.idleTimeout().toNanos(),
                http2Stream ? 0 : c.requestHeaderTimeout().toNanos(), c.backendTimeout().toNanos());
    }

    /**
     * The HTTP/1 request decoder to put in front of this handler. It also tells this handler when
     * raw bytes arrive (the first byte of a request starts the header timeout, and each read
     * starts a read cycle) without a handler of its own in between.
     */
    ChannelHandler requestDecoder(ProxyConfig config) {
        decoder = new RequestDecoder(this::clientBytes, config.maxInitialLineLength(), config.maxHeaderSize());
        return decoder;
    }

    /** Raw bytes from the client, before decoding: one per HTTP/1 read cycle. */
    private void clientBytes() {
        inClientRead = true;
        readRequested = false;
        deadlines.clientProgress();
        if (state == State.AWAIT_REQUEST && !deadlines.requestUnderWay()) {
            deadlines.requestBegins(now());
        }
    }

    /** System.nanoTime(), taken once per client read cycle. */
    private long now() {
        if (!inClientRead) {
            return System.nanoTime();
        }
        if (cycleNanos == 0) {
            cycleNanos = System.nanoTime() | 1;
        }
        return cycleNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = px.pool().forLoop(ctx.channel().eventLoop());
        this.out = http2Stream ? new Http2ResponseWriter(ctx) : new Http1ResponseWriter(ctx, pool.flusher());
        this.client = new ClientAddress(ctx.channel(), http2Stream);
        this.recorder = new ExchangeRecorder(px.metrics(), px.accessLog(), entrypoint, client);
        if (ctx.channel().isActive()) {
            begin();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        begin();
        super.channelActive(ctx);
    }

    private void begin() {
        if (!started) {
            started = true;
            deadlines.awaitRequest(System.nanoTime());
            if (!http2Stream && deadlines.tickNanos() > 0) {
                timer = ctx.executor().schedule(timerTask, deadlines.tickNanos(), TimeUnit.NANOSECONDS);
            }
            readClient();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (http2Stream) {
            readRequested = false;
        }
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(msg);
        drain();
    }

    /** Hands queued messages to the exchange while it wants them. */
    private void drain() {
        if (delivering) {
            return; // the loop below, further up the stack, picks the next one up
        }
        delivering = true;
        try {
            Object m;
            while (wantMessage && state != State.CLOSED && (m = inbound.poll()) != null) {
                wantMessage = false;
                dispatch(m);
            }
        } finally {
            delivering = false;
        }
        if (state == State.CLOSED) {
            releaseInbound();
        } else if (wantMessage && inbound.isEmpty()) {
            requestRead();
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof RequestHead head) {
            onRequest(head);
        } else if (msg instanceof HttpRequest req) {
            // An h2 stream's request, as Netty's HTTP/1 view of it.
            if (req instanceof FullHttpRequest full) {
                // h2 delivers header-only streams whole; split them so one code path handles both.
                inbound.addFirst(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            }
            onRequest(RequestHead.of(req));
        } else if (msg instanceof HttpContent c) {
            onContent(c);
        } else {
            ReferenceCountUtil.release(msg);
            readClient();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inClientRead = false;
        cycleNanos = 0;
        if (backendFlushPending) {
            backendFlushPending = false;
            if (backend != null) {
                pool.flusher().flushLater(backend);
            }
        }
        if (state != State.CLOSED && inbound.isEmpty()) {
            if (http2Stream) {
                // FlowControlHandler ends a read cycle by forgetting reads it could not satisfy in it,
                // so a read we still want must be asked for again.
                if (wantMessage) {
                    readRequested = false;
                    requestRead();
                }
            } else if (wantMessage || (requestDone && (state == State.PROXYING || state == State.CONNECTING))) {
                // Read ahead once the request is complete: at most one read is queued, the epoll
                // interest stays as it is, and a client that goes away is noticed.
                requestRead();
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void onRequest(RequestHead req) {
        if (state != State.AWAIT_REQUEST) {
            closeClient();
            return;
        }
        long now = now();
        resetExchange();
        startNanos = now;
        deadlines.exchangeStarted(now);
        request = req;
        requestDone = req.complete();
        clientKeepAlive = http2Stream || (req.keepAlive() && !draining);

        host = RequestScreen.host(req);
        RequestScreen.Rejection rejection = RequestScreen.check(req, host, px.via(), px.config().maxRequestBodyBytes());
        if (rejection != null) {
            respondLocally(rejection);
            return;
        }
        if (httpsRedirectPort >= 0 && !req.target().startsWith("/.well-known/acme-challenge/")) {
            // ACME HTTP-01 challenges must stay reachable over plain HTTP.
            status = 308;
            String location = "https://" + host + (httpsRedirectPort == 443 ? "" : ":" + httpsRedirectPort) + req.target();
            boolean keep = clientKeepAlive && canDiscardBody();
            finishLocal(LocalResponses.redirect(ctx.alloc(), req.version(), location, keep), keep);
            return;
        }
        route = px.routes().current().findHttpNormalized(host);
        if (route == null) {
            respondLocally(HttpResponseStatus.NOT_FOUND, "no route for host " + LocalResponses.describe(host), false);
            return;
        }
        if (route.backend() == null) {
            status = 503;
            var r = LocalResponses.text(ctx.alloc(), req.version(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the instance behind " + LocalResponses.describe(host) + " is starting, retry shortly",
                    clientKeepAlive && canDiscardBody());
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "2");
            finishLocal(r, HttpUtil.isKeepAlive(r));
            return;
        }
        upgradeRequested = !http2Stream && req.webSocketUpgrade();
        connectBackend();
    }

    private void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last && RequestDecoder.failed((LastHttpContent) c)) {
            c.release();
            if ((state == State.CONNECTING || state == State.PROXYING) && !responseStarted) {
                respondLocally(HttpResponseStatus.BAD_REQUEST, "malformed request body", true);
            } else {
                closeClient();
            }
            return;
        }
        switch (state) {
            case DISCARDING -> {
                requestBytes += c.content().readableBytes();
                c.release();
                if (last) {
                    requestDone = true;
                    nextRequest(now());
                } else if (requestBytes > MAX_DISCARD) {
                    closeClient();
                } else {
                    readClient();
                }
            }
            case CONNECTING -> {
                requestBytes += c.content().readableBytes();
                pending.add(c);
                requestDone |= last;
            }
            case PROXYING -> {
                if (requestDone) {
                    c.release();
                    return;
                }
                requestBytes += c.content().readableBytes();
                long maxBody = px.config().maxRequestBodyBytes();
                if (maxBody > 0 && requestBytes > maxBody) {
                    c.release();
                    if (!responseStarted) {
                        respondLocally(RequestScreen.tooLarge(maxBody));
                    } else {
                        closeClient();
                    }
                    return;
                }
                requestDone = last;
                writeBody(c);
                flushBackend();
                if (last) {
                    startBackendWait(now());
                } else if (backend.isWritable()) {
                    readClient();
                }
            }
            default -> {
                c.release();
                readClient();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        deadlines.clientProgress();
        if (ctx.channel().isWritable() && state == State.PROXYING && backend != null) {
            backend.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientConnections.DRAIN) {
            draining = true;
            clientKeepAlive = false; // a response not yet begun says Connection: close
            if (state == State.AWAIT_REQUEST && !deadlines.requestUnderWay() && inbound.isEmpty()) {
                state = State.CLOSED; // idle between requests: nothing is lost by closing now
                cancelTimer();
                ctx.close();
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // h2 streams: their IdleStateHandler; HTTP/1 connections are watched by onTimer().
            boolean waitingOnBackend = state == State.PROXYING && requestDone && ctx.channel().isWritable();
            if (state != State.AWAIT_REQUEST && !waitingOnBackend) {
                log.debug("closing idle client connection {}", ctx.channel());
                closeClient();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state == State.PROXYING || state == State.CONNECTING) {
            status = responseStarted ? status : 499; // client went away first (nginx's convention)
            logRequest(System.nanoTime());
        }
        state = State.CLOSED;
        cancelTimer();
        closeBackend();
        releasePending();
        releaseInbound();
        out.discardPending();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        closeClient();
    }

    // ---------------------------------------------------------------- timeouts

    private void onTimer() {
        timer = null;
        if (state == State.CLOSED || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        long deadline = ExchangeDeadlines.NONE;
        switch (deadlines.check(now, state == State.AWAIT_REQUEST, state == State.PROXYING && requestDone,
                ctx.channel().isWritable())) {
            case HEADER -> {
                resetExchange();
                startNanos = now;
                respondLocally(HttpResponseStatus.REQUEST_TIMEOUT, "request header not received in time", true);
            }
            case IDLE_KEEP_ALIVE -> {
                state = State.CLOSED; // an idle keep-alive connection is closed quietly
                ctx.close();
            }
            case BACKEND_SILENT -> backendSilent(deadlines.backendQuietFor(now));
            case CLIENT_STALLED -> {
                log.debug("closing idle client connection {}", ctx.channel());
                closeClient();
            }
            case NONE -> deadline = deadlines.deadline();
        }
        // After a verdict the connection may go on (a 504 on keep-alive): the timer keeps ticking.
        if (state == State.CLOSED || timer != null || (http2Stream && deadline == ExchangeDeadlines.NONE)) {
            return;
        }
        long tick = deadlines.tickNanos();
        long delay = deadline == ExchangeDeadlines.NONE ? tick : Math.max(0, Math.min(deadline - now, tick));
        timer = ctx.executor().schedule(timerTask, delay, TimeUnit.NANOSECONDS);
    }

    private void backendSilent(long idle) {
        log.debug("backend {} silent for {} ms", route.backend(), TimeUnit.NANOSECONDS.toMillis(idle));
        if (!responseStarted) {
            respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "the instance behind " + LocalResponses.describe(host)
                    + " did not answer in time", false);
        } else {
            closeClient();
        }
    }

    /** The request is complete: from now on the backend owes the response. */
    private void startBackendWait(long now) {
        deadlines.backendOwes(now);
        if (http2Stream && timer == null && deadlines.backendNanos() > 0) {
            timer = ctx.executor().schedule(timerTask, deadlines.backendNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    // ---------------------------------------------------------------- backend side

    private void connectBackend() {
        state = State.CONNECTING;
        attempts++;
        BackendHandler idle = pool.pollIdle(route.backend());
        if (idle != null) {
            onBackendReady(idle);
            return;
        }
        int seq = ++connectSeq;
        ChannelFuture cf = pool.connect(route.backend());
        if (cf.isDone()) {
            onConnected(cf, seq);
        } else {
            cf.addListener(f -> onConnected(cf, seq));
        }
    }

    private void onConnected(ChannelFuture cf, int seq) {
        BackendHandler h = cf.isSuccess() ? cf.channel().pipeline().get(BackendHandler.class) : null;
        if (state != State.CONNECTING || seq != connectSeq) {
            if (h != null) {
                pool.release(h, System.nanoTime()); // nothing was sent on it: still clean
            } else if (cf.isSuccess()) {
                cf.channel().close();
            }
            return;
        }
        if (h == null) {
            Throwable cause = cf.isSuccess() ? new IllegalStateException("backend pipeline without handler") : cf.cause();
            if (cf.isSuccess()) {
                cf.channel().close();
            }
            boolean timeout = cause instanceof ConnectTimeoutException;
            log.debug("backend {} for {} unreachable: {}", route.backend(), host, cause.toString());
            respondLocally(timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
                    "the instance behind " + LocalResponses.describe(host) + " is not reachable", false);
            return;
        }
        onBackendReady(h);
    }

    private void onBackendReady(BackendHandler h) {
        backendHandler = h;
        backend = h.channel;
        backendReused = h.used;
        h.used = true;
        h.owner(this);
        h.parser.expectResponse(request.isHead());
        state = State.PROXYING;
        deadlines.backendProgress();
        backend.write(RequestWriter.head(ctx.alloc(), request, upgradeRequested, client.ascii(), schemeAscii, px.via()),
                backend.voidPromise());
        HttpContent c;
        while ((c = pending.poll()) != null) {
            writeBody(c);
        }
        flushBackend();
        backend.read();
        if (requestDone) {
            startBackendWait(now());
        } else if (backend.isWritable()) {
            readClient();
        }
    }

    private void writeBody(HttpContent c) {
        ByteBuf b = RequestWriter.body(ctx.alloc(), c, request.chunked());
        if (b != null) {
            backend.write(b, backend.voidPromise());
        }
    }

    /** Inside a client read the flush waits for its end (one flush per read); otherwise now. */
    private void flushBackend() {
        if (inClientRead && !http2Stream) {
            backendFlushPending = true;
        } else {
            backend.flush();
        }
    }

    @Override
    public void onBackendHead(ResponseParser head) {
        if (state != State.PROXYING) {
            return;
        }
        deadlines.backendProgress();
        deadlines.clientProgress();
        clientFlushPending = true;
        int code = head.status();
        if (code >= 100 && code < 200 && code != 101) {
            // 100-continue and friends: relay as they are and keep waiting for the final response.
            interimResponse = true;
            out.interim(head);
            return;
        }
        responseStarted = true;
        status = code;
        if (code == 101) {
            if (!upgradeRequested) {
                backendBroken();
                return;
            }
            upgrading = true;
            out.head(head, true, false, false, clientKeepAlive, request.version());
            return;
        }
        backendKeepAlive = head.keepAlive();
        if (!requestDone) {
            clientKeepAlive = false; // answered before the body ended: the rest of it cannot be resynchronized
        }
        boolean bodyless = request.isHead() || code == 204 || code == 304;
        boolean reChunk = false;
        if (!bodyless && head.contentLength() < 0 && !head.chunked()) {
            // The body ends when the backend closes: re-frame it as chunked where the client understands that.
            backendKeepAlive = false;
            if (http2Stream || request.version() != HttpVersion.HTTP_1_1) {
                clientKeepAlive &= http2Stream;
            } else {
                reChunk = true;
            }
        }
        out.head(head, false, reChunk, !bodyless && (head.chunked() || reChunk), clientKeepAlive, request.version());
    }

    @Override
    public void onBackendContent(ByteBuf payload) {
        if (state != State.PROXYING || interimResponse) {
            return;
        }
        deadlines.backendProgress();
        deadlines.clientProgress();
        clientFlushPending = true;
        responseBytes += payload.readableBytes();
        out.content(payload);
    }

    @Override
    public void onBackendEnd(ByteBuf trailers) {
        if (state != State.PROXYING) {
            ReferenceCountUtil.release(trailers);
            return;
        }
        deadlines.backendProgress();
        if (interimResponse) {
            interimResponse = false;
            ReferenceCountUtil.release(trailers);
            return;
        }
        deadlines.clientProgress();
        lastClientWrite = out.end(trailers, !clientKeepAlive && !http2Stream && !upgrading);
        if (upgrading) {
            completeUpgrade();
        } else {
            completeExchange();
        }
    }

    @Override
    public void onBackendMalformed(String why) {
        if (state != State.PROXYING) {
            return;
        }
        log.debug("backend {} sent a malformed response: {}", route.backend(), why);
        backendBroken();
    }

    @Override
    public void onBackendReadComplete() {
        out.writePending();
        if (clientFlushPending) {
            clientFlushPending = false;
            out.flushSoon();
        }
        if (state == State.PROXYING && backend != null && ctx.channel().isWritable()) {
            backend.read();
        }
    }

    @Override
    public void onBackendWritabilityChanged(boolean writable) {
        if (writable && state == State.PROXYING && !requestDone) {
            readClient();
        }
    }

    @Override
    public void onBackendClosed(Throwable cause) {
        backend = null;
        backendHandler = null;
        backendFlushPending = false;
        if (state != State.PROXYING) {
            return;
        }
        log.debug("backend {} closed mid-exchange: {}", route.backend(), cause == null ? "EOF" : cause.toString());
        if (!responseStarted && backendReused && requestDone && requestBytes == 0 && attempts < MAX_ATTEMPTS) {
            // A pooled connection the backend had already given up on: the request never reached it, retry.
            pending.add(LastHttpContent.EMPTY_LAST_CONTENT); // the head goes again; it needs its end marker too
            connectBackend();
            return;
        }
        backendBroken();
    }

    private void backendBroken() {
        if (!responseStarted) {
            respondLocally(HttpResponseStatus.BAD_GATEWAY,
                    "the instance behind " + LocalResponses.describe(host) + " closed the connection", false);
        } else {
            closeClient(); // a response cut short must look cut short to the client
        }
    }

    // ---------------------------------------------------------------- endings

    private void completeExchange() {
        long now = System.nanoTime();
        BackendHandler h = backendHandler;
        Channel b = backend;
        backend = null;
        backendHandler = null;
        backendFlushPending = false;
        h.owner(null);
        if (backendKeepAlive && requestDone) {
            pool.release(h, now);
        } else {
            b.close();
        }
        logRequest(now);
        clientFlushPending = false;
        out.flushSoon();
        if (http2Stream) {
            state = State.CLOSED;
            cancelTimer();
            if (!requestDone) {
                ctx.close();
            }
        } else if (clientKeepAlive) {
            nextRequest(now);
        } else {
            state = State.CLOSED;
            closeAfter(lastClientWrite);
        }
    }

    /** The backend agreed to switch protocols: from here on both connections carry raw bytes. */
    private void completeUpgrade() {
        logRequest(System.nanoTime());
        state = State.CLOSED;
        cancelTimer();
        Channel client = ctx.channel();
        Channel b = backend;
        BackendHandler h = backendHandler;
        backend = null;
        backendHandler = null;
        h.owner(null);
        h.upgradedTo(client); // bytes that came with the 101
        ChannelPipeline bp = b.pipeline();
        bp.replace(BackendHandler.class, "splice", Splice.relayTo(client));
        ChannelPipeline cp = ctx.pipeline();
        cp.addFirst("idle", new IdleStateHandler(0, 0, px.config().tunnelIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        boolean leftovers = !inbound.isEmpty(); // decoded as HTTP after the upgrade request: not for the tunnel
        releaseInbound();
        out.writePending(); // the 101
        cp.replace(this, "splice", Splice.relayTo(b));
        if (cp.get(FlowControlHandler.class) != null) {
            cp.remove(FlowControlHandler.class);
        }
        cp.remove(RequestDecoder.class);
        client.flush();
        if (leftovers) {
            client.close();
            return;
        }
        Splice.start(client, b);
    }

    private void respondLocally(RequestScreen.Rejection r) {
        respondLocally(r.status(), r.message(), r.close());
    }

    /** Answers from the proxy itself, then continues with the next request or closes. */
    private void respondLocally(HttpResponseStatus st, String message, boolean forceClose) {
        status = st.code();
        boolean keep = !forceClose && clientKeepAlive && canDiscardBody();
        HttpVersion version = request == null ? HttpVersion.HTTP_1_1 : request.version();
        finishLocal(LocalResponses.text(ctx.alloc(), version, st, message, keep), keep);
    }

    private void finishLocal(FullHttpResponse response, boolean keep) {
        closeBackend();
        releasePending();
        responseBytes = response.content().readableBytes();
        boolean keepAlive = HttpUtil.isKeepAlive(response);
        long now = System.nanoTime();
        logRequest(now);
        clientFlushPending = false;
        ChannelFuture f = out.local(response, request != null && request.isHead());
        if (http2Stream) {
            state = State.CLOSED;
            cancelTimer();
            if (!requestDone) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        } else if (!keep || !keepAlive) {
            state = State.CLOSED;
            cancelTimer();
            closeAfter(f);
        } else if (requestDone) {
            nextRequest(now);
        } else {
            state = State.DISCARDING;
            readClient();
        }
    }

    /** Closes the connection once {@code lastWrite} has left, lingering if the client may still be sending. */
    private void closeAfter(ChannelFuture lastWrite) {
        if (requestDone) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        } else {
            LingeringClose.after(lastWrite);
        }
    }

    /** Whether the unread rest of the request body is small enough to skip rather than close. */
    private boolean canDiscardBody() {
        if (requestDone || request == null) {
            return true;
        }
        if (request.chunked()) {
            return false;
        }
        long len = Math.max(0, request.contentLength());
        return len - requestBytes <= MAX_DISCARD;
    }

    private void nextRequest(long now) {
        if (draining) {
            closeClient();
            return;
        }
        resetExchange();
        state = State.AWAIT_REQUEST;
        deadlines.awaitRequest(now);
        readClient();
    }

    private void closeClient() {
        state = State.CLOSED;
        cancelTimer();
        closeBackend();
        releaseInbound();
        out.discardPending();
        ctx.flush(); // what was written (a response cut short) still leaves before the close; see LoopFlusher
        ctx.close();
    }

    private void closeBackend() {
        Channel b = backend;
        BackendHandler h = backendHandler;
        backend = null;
        backendHandler = null;
        backendFlushPending = false;
        if (b != null) {
            if (h != null) {
                h.owner(null);
            }
            b.close();
        }
    }

    private void releasePending() {
        HttpContent c;
        while ((c = pending.poll()) != null) {
            c.release();
        }
    }

    private void releaseInbound() {
        Object m;
        while ((m = inbound.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** The exchange wants the next client message: from the queue, else from the socket. */
    private void readClient() {
        if (state == State.CLOSED) {
            return;
        }
        wantMessage = true;
        if (!inbound.isEmpty()) {
            drain();
        } else {
            requestRead();
        }
    }

    private void requestRead() {
        if (!readRequested) {
            readRequested = true;
            ctx.read();
        }
    }

    private void resetExchange() {
        if (decoder != null && request != null) {
            decoder.recycle(request);
        }
        request = null;
        host = null;
        route = null;
        requestDone = false;
        responseStarted = false;
        backendKeepAlive = false;
        interimResponse = false;
        upgradeRequested = false;
        upgrading = false;
        backendReused = false;
        logged = false;
        attempts = 0;
        status = 0;
        requestBytes = 0;
        responseBytes = 0;
        lastClientWrite = null;
    }

    private void logRequest(long now) {
        if (logged) {
            return;
        }
        logged = true;
        recorder.record(now - startNanos, request, host, route, status, responseBytes);
    }
}
