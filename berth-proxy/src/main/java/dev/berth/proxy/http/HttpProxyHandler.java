package dev.berth.proxy.http;

import dev.berth.model.Route;
import dev.berth.proxy.routing.HostNames;
import dev.berth.proxy.tcp.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the HTTP exchanges of one client connection (or one h2 stream) to backends, one
 * exchange at a time. Reads are explicit (auto-read off, {@link FlowControlHandler} in front
 * delivering one message per read): the client is read only while the backend can take more,
 * and the backend only while the client can, so bodies stream through in bounded memory and
 * pipelined requests wait their turn.
 *
 * <p>Everything here runs on the client's event loop, which is also the backend connection's.
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
    private ChannelHandlerContext ctx;
    private RequestReadTimeoutHandler readTimeout;
    private State state = State.AWAIT_REQUEST;
    private boolean readPending;
    private boolean started;

    // The current exchange.
    private HttpRequest request;
    private String method;
    private String uri;
    private String host;
    private Route route;
    private Channel backend;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(1);
    private boolean clientKeepAlive;
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
    private long lastBackendActivity;
    private ChannelFuture lastClientWrite;
    private ScheduledFuture<?> backendTimer;

    HttpProxyHandler(ProxyContext px, String entrypoint, String scheme, boolean http2Stream, int httpsRedirectPort) {
        this.px = px;
        this.entrypoint = entrypoint;
        this.scheme = scheme;
        this.http2Stream = http2Stream;
        this.httpsRedirectPort = httpsRedirectPort;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.readTimeout = ctx.pipeline().get(RequestReadTimeoutHandler.class);
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
            readClient();
        }
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readPending = false;
        if (msg instanceof HttpRequest req) {
            if (req instanceof FullHttpRequest full) {
                // h2 delivers header-only streams whole; split them so one code path handles both.
                HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
                head.setDecoderResult(full.decoderResult());
                LastHttpContent body = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
                onRequest(head);
                onContent(body);
            } else {
                onRequest(req);
            }
        } else if (msg instanceof HttpContent c) {
            onContent(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readPending) {
            // FlowControlHandler ends a read cycle by forgetting reads it could not satisfy in it,
            // so a read we still want must be asked for again.
            readPending = false;
            readClient();
        }
        ctx.fireChannelReadComplete();
    }

    private void onRequest(HttpRequest req) {
        if (state != State.AWAIT_REQUEST) {
            closeClient();
            return;
        }
        if (readTimeout != null) {
            readTimeout.requestReceived();
        }
        resetExchange();
        startNanos = System.nanoTime();
        request = req;
        method = req.method().name();
        uri = req.uri();
        clientKeepAlive = http2Stream || HttpUtil.isKeepAlive(req);

        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus st = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.BAD_REQUEST;
            respondLocally(st, st == HttpResponseStatus.BAD_REQUEST ? "malformed request" : "request head too large", true);
            return;
        }
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            respondLocally(HttpResponseStatus.BAD_REQUEST, hosts.isEmpty() ? "missing Host header" : "more than one Host header", false);
            return;
        }
        String rawHost = hosts.get(0);
        host = HostNames.normalize(rawHost);
        if (host == null) {
            respondLocally(HttpResponseStatus.BAD_REQUEST, "invalid Host header", false);
            return;
        }
        if (req.method() == HttpMethod.CONNECT) {
            respondLocally(HttpResponseStatus.METHOD_NOT_ALLOWED, "this is a reverse proxy, not a forward proxy", true);
            return;
        }
        if (!checkRequestTarget(req)) {
            return;
        }
        long contentLength = HttpUtil.getContentLength(req, -1L);
        long maxBody = px.config().maxRequestBodyBytes();
        if (maxBody > 0 && contentLength > maxBody) {
            respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than " + maxBody + " bytes", true);
            return;
        }
        if (httpsRedirectPort >= 0 && !req.uri().startsWith("/.well-known/acme-challenge/")) {
            // ACME HTTP-01 challenges must stay reachable over plain HTTP.
            status = 308;
            String location = "https://" + host + (httpsRedirectPort == 443 ? "" : ":" + httpsRedirectPort) + req.uri();
            boolean keep = clientKeepAlive && canDiscardBody();
            finishLocal(LocalResponses.redirect(ctx.alloc(), req.protocolVersion(), location, keep), keep);
            return;
        }
        route = px.routes().current().findHttp(host);
        if (route == null) {
            respondLocally(HttpResponseStatus.NOT_FOUND, "no route for host " + LocalResponses.describe(host), false);
            return;
        }
        if (route.backend() == null) {
            status = 503;
            var r = LocalResponses.text(ctx.alloc(), req.protocolVersion(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the instance behind " + LocalResponses.describe(host) + " is starting, retry shortly",
                    clientKeepAlive && canDiscardBody());
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "2");
            finishLocal(r, HttpUtil.isKeepAlive(r));
            return;
        }
        upgradeRequested = !http2Stream && ProxyHeaders.isWebSocketUpgrade(req.headers());
        ProxyHeaders.stripHopByHop(req.headers(), upgradeRequested);
        if (http2Stream) {
            ProxyHeaders.stripHttp2Extensions(req.headers());
        }
        ProxyHeaders.addForwarded(req.headers(), clientIp(), scheme, rawHost);
        connectBackend();
    }

    /** Origin-form is normal; absolute-form must name the same host as Host (else it is a routing trick). */
    private boolean checkRequestTarget(HttpRequest req) {
        String target = req.uri();
        if (target.startsWith("/")) {
            return true;
        }
        if ("*".equals(target) && req.method() == HttpMethod.OPTIONS) {
            return true;
        }
        int schemeEnd = target.indexOf("://");
        String s = schemeEnd > 0 ? target.substring(0, schemeEnd) : "";
        if (s.equalsIgnoreCase("http") || s.equalsIgnoreCase("https")) {
            int authStart = schemeEnd + 3;
            int pathStart = target.length();
            for (int i = authStart; i < target.length(); i++) {
                char c = target.charAt(i);
                if (c == '/' || c == '?' || c == '#') {
                    pathStart = i;
                    break;
                }
            }
            String authority = target.substring(authStart, pathStart);
            if (authority.indexOf('@') < 0 && host.equals(HostNames.normalize(authority))) {
                String path = target.substring(pathStart);
                req.setUri(path.isEmpty() || path.charAt(0) != '/' ? "/" + path : path);
                uri = req.uri();
                return true;
            }
            respondLocally(HttpResponseStatus.BAD_REQUEST, "absolute request target does not match Host", true);
            return false;
        }
        respondLocally(HttpResponseStatus.BAD_REQUEST, "invalid request target", true);
        return false;
    }

    private void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        switch (state) {
            case DISCARDING -> {
                requestBytes += c.content().readableBytes();
                c.release();
                if (last) {
                    requestDone = true;
                    nextRequest();
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
                        respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than " + maxBody + " bytes", true);
                    } else {
                        closeClient();
                    }
                    return;
                }
                requestDone = last;
                // Flushed per message: FlowControlHandler does not promise a channelReadComplete after
                // serving a read from its queue, and a chunk left unflushed would stall an interactive stream.
                backend.writeAndFlush(c, backend.voidPromise());
                if (last) {
                    startBackendTimer();
                } else if (backend.isWritable()) {
                    readClient();
                }
            }
            default -> c.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && state == State.PROXYING && backend != null) {
            backend.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RequestReadTimeoutHandler.HEADER_TIMEOUT) {
            if (state == State.AWAIT_REQUEST) {
                resetExchange();
                startNanos = System.nanoTime();
                respondLocally(HttpResponseStatus.REQUEST_TIMEOUT, "request header not received in time", true);
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
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
            logRequest();
        }
        state = State.CLOSED;
        cancelBackendTimer();
        closeBackend();
        releasePending();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        closeClient();
    }

    // ---------------------------------------------------------------- backend side

    private void connectBackend() {
        state = State.CONNECTING;
        attempts++;
        Future<Channel> f = px.pool().acquire(ctx.channel().eventLoop(), route.backend());
        if (f.isDone()) {
            onBackendAcquired(f);
        } else {
            f.addListener(x -> onBackendAcquired(f));
        }
    }

    private void onBackendAcquired(Future<Channel> f) {
        if (state != State.CONNECTING) {
            if (f.isSuccess()) {
                px.pool().release(f.getNow()); // nothing was sent on it: still clean
            }
            return;
        }
        if (!f.isSuccess()) {
            boolean timeout = f.cause() instanceof ConnectTimeoutException;
            log.debug("backend {} for {} unreachable: {}", route.backend(), host, f.cause().toString());
            respondLocally(timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
                    "the instance behind " + LocalResponses.describe(host) + " is not reachable", false);
            return;
        }
        backend = f.getNow();
        backendReused = f.getNow().attr(USED).getAndSet(Boolean.TRUE) != null;
        BackendHandler.of(backend).owner(this);
        state = State.PROXYING;
        lastBackendActivity = System.nanoTime();
        backend.write(request, backend.voidPromise());
        HttpContent c;
        while ((c = pending.poll()) != null) {
            backend.write(c, backend.voidPromise());
        }
        backend.flush();
        backend.read();
        if (requestDone) {
            startBackendTimer();
        } else if (backend.isWritable()) {
            readClient();
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> USED = io.netty.util.AttributeKey.valueOf("berth.backend.used");

    @Override
    public void onBackendMessage(HttpObject msg) {
        if (state != State.PROXYING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastBackendActivity = System.nanoTime();
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            log.debug("backend {} sent a malformed response: {}", route.backend(), msg.decoderResult().cause().toString());
            backendBroken();
            return;
        }
        if (msg instanceof HttpResponse resp) {
            onBackendResponse(resp);
        }
        if (msg instanceof HttpContent c) {
            if (interimResponse) {
                c.release();
                interimResponse = !(c instanceof LastHttpContent);
                return;
            }
            responseBytes += c.content().readableBytes();
            if (c instanceof LastHttpContent) {
                lastClientWrite = ctx.write(c);
                if (upgrading) {
                    completeUpgrade();
                } else {
                    completeExchange();
                }
            } else {
                ctx.write(c, ctx.voidPromise());
            }
        }
    }

    private void onBackendResponse(HttpResponse resp) {
        int code = resp.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            // 100-continue and friends: relay as a complete message (h2 needs it whole) and keep waiting.
            interimResponse = true;
            ctx.write(new DefaultFullHttpResponse(resp.protocolVersion(), resp.status(), Unpooled.EMPTY_BUFFER,
                    resp.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE), ctx.voidPromise());
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
            ProxyHeaders.stripHopByHop(resp.headers(), true);
            ctx.write(resp, ctx.voidPromise());
            return;
        }
        backendKeepAlive = HttpUtil.isKeepAlive(resp);
        if (!requestDone) {
            clientKeepAlive = false; // answered before the body ended: the rest of it cannot be resynchronized
        }
        ProxyHeaders.stripHopByHop(resp.headers(), false);
        boolean bodyless = request.method() == HttpMethod.HEAD || code == 204 || code == 304;
        if (!bodyless && !HttpUtil.isContentLengthSet(resp) && !HttpUtil.isTransferEncodingChunked(resp)) {
            // The body ends when the backend closes: re-frame it as chunked where the client understands that.
            backendKeepAlive = false;
            if (http2Stream || request.protocolVersion() != HttpVersion.HTTP_1_1) {
                clientKeepAlive &= http2Stream;
            } else {
                HttpUtil.setTransferEncodingChunked(resp, true);
            }
        }
        if (!http2Stream) {
            setKeepAlive(resp, request.protocolVersion(), clientKeepAlive);
        }
        ctx.write(resp, ctx.voidPromise());
    }

    @Override
    public void onBackendReadComplete() {
        ctx.flush();
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
        if (state != State.PROXYING) {
            return;
        }
        log.debug("backend {} closed mid-exchange: {}", route.backend(), cause == null ? "EOF" : cause.toString());
        if (!responseStarted && backendReused && requestDone && requestBytes == 0 && attempts < MAX_ATTEMPTS) {
            // A pooled connection the backend had already given up on: the request never reached it, retry.
            cancelBackendTimer();
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

    private void startBackendTimer() {
        long timeout = px.config().backendTimeout().toNanos();
        if (timeout > 0 && backendTimer == null) {
            lastBackendActivity = System.nanoTime();
            backendTimer = ctx.executor().schedule(this::checkBackendTimer, timeout, TimeUnit.NANOSECONDS);
        }
    }

    private void checkBackendTimer() {
        backendTimer = null;
        if (state != State.PROXYING) {
            return;
        }
        long timeout = px.config().backendTimeout().toNanos();
        long idle = System.nanoTime() - lastBackendActivity;
        if (idle >= timeout && ctx.channel().isWritable()) {
            log.debug("backend {} silent for {} ms", route.backend(), TimeUnit.NANOSECONDS.toMillis(idle));
            if (!responseStarted) {
                respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "the instance behind " + LocalResponses.describe(host)
                        + " did not answer in time", false);
            } else {
                closeClient();
            }
            return;
        }
        // Still progressing, or stalled on the client (the idle timeout governs that).
        long next = idle >= timeout ? timeout : timeout - idle;
        backendTimer = ctx.executor().schedule(this::checkBackendTimer, next, TimeUnit.NANOSECONDS);
    }

    private void cancelBackendTimer() {
        if (backendTimer != null) {
            backendTimer.cancel(false);
            backendTimer = null;
        }
    }

    // ---------------------------------------------------------------- endings

    private void completeExchange() {
        cancelBackendTimer();
        Channel b = backend;
        backend = null;
        BackendHandler.of(b).owner(null);
        if (backendKeepAlive && requestDone) {
            px.pool().release(b);
        } else {
            b.close();
        }
        logRequest();
        ctx.flush();
        if (http2Stream) {
            state = State.CLOSED;
            if (!requestDone) {
                ctx.close();
            }
        } else if (clientKeepAlive) {
            nextRequest();
        } else {
            state = State.CLOSED;
            lastClientWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The backend agreed to switch protocols: from here on both connections carry raw bytes. */
    private void completeUpgrade() {
        cancelBackendTimer();
        logRequest();
        state = State.CLOSED;
        Channel client = ctx.channel();
        Channel b = backend;
        backend = null;
        ChannelPipeline bp = b.pipeline();
        bp.replace(BackendHandler.class, "splice", Splice.relayTo(client));
        bp.remove(HttpClientCodec.class);
        ChannelPipeline cp = ctx.pipeline();
        if (readTimeout != null) {
            cp.remove(readTimeout);
        }
        IdleStateHandler idle = cp.get(IdleStateHandler.class);
        if (idle != null) {
            long tunnelIdle = px.config().tunnelIdleTimeout().toMillis();
            cp.replace(idle, "idle", new IdleStateHandler(0, 0, tunnelIdle, TimeUnit.MILLISECONDS));
        }
        cp.replace(this, "splice", Splice.relayTo(b));
        cp.remove(FlowControlHandler.class);
        cp.remove(HttpServerCodec.class);
        client.flush();
        Splice.start(client, b);
    }

    /** Connection semantics follow the client's version, not the backend's: a 1.0 client needs an explicit keep-alive. */
    private static void setKeepAlive(HttpResponse resp, HttpVersion clientVersion, boolean keepAlive) {
        if (keepAlive) {
            if (clientVersion.isKeepAliveDefault()) {
                resp.headers().remove(HttpHeaderNames.CONNECTION);
            } else {
                resp.headers().set(HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        }
    }

    /** Answers from the proxy itself, then continues with the next request or closes. */
    private void respondLocally(HttpResponseStatus st, String message, boolean forceClose) {
        status = st.code();
        boolean keep = !forceClose && clientKeepAlive && canDiscardBody();
        HttpVersion version = request == null ? HttpVersion.HTTP_1_1 : request.protocolVersion();
        finishLocal(LocalResponses.text(ctx.alloc(), version, st, message, keep), keep);
    }

    private void finishLocal(io.netty.handler.codec.http.FullHttpResponse response, boolean keep) {
        cancelBackendTimer();
        closeBackend();
        releasePending();
        responseBytes = response.content().readableBytes();
        logRequest();
        ChannelFuture f = ctx.writeAndFlush(response);
        if (http2Stream) {
            state = State.CLOSED;
            if (!requestDone) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        } else if (!keep || !HttpUtil.isKeepAlive(response)) {
            state = State.CLOSED;
            f.addListener(ChannelFutureListener.CLOSE);
        } else if (requestDone) {
            nextRequest();
        } else {
            state = State.DISCARDING;
            readClient();
        }
    }

    /** Whether the unread rest of the request body is small enough to skip rather than close. */
    private boolean canDiscardBody() {
        if (requestDone || request == null) {
            return true;
        }
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return false;
        }
        long len = HttpUtil.getContentLength(request, 0L);
        return len - requestBytes <= MAX_DISCARD;
    }

    private void nextRequest() {
        resetExchange();
        state = State.AWAIT_REQUEST;
        if (readTimeout != null) {
            readTimeout.awaitRequest();
        }
        readClient();
    }

    private void closeClient() {
        state = State.CLOSED;
        cancelBackendTimer();
        closeBackend();
        ctx.close();
    }

    private void closeBackend() {
        Channel b = backend;
        backend = null;
        if (b != null) {
            BackendHandler h = BackendHandler.of(b);
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

    private void readClient() {
        if (!readPending && state != State.CLOSED) {
            readPending = true;
            ctx.read();
        }
    }

    private void resetExchange() {
        request = null;
        method = null;
        uri = null;
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

    private void logRequest() {
        if (logged) {
            return;
        }
        logged = true;
        long nanos = System.nanoTime() - startNanos;
        px.metrics().request(route != null ? route.key().host() : "-", status, nanos);
        AccessLog al = px.accessLog();
        if (al.enabled()) {
            al.log(entrypoint, clientIp(), method == null ? "-" : method, host == null ? "-" : host, uri, status, responseBytes,
                    nanos / 1000, route == null ? null : route.instanceId(),
                    route == null || route.backend() == null ? null : route.backend().toString());
        }
    }

    private String clientIp() {
        SocketAddress a = ctx.channel().remoteAddress();
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
