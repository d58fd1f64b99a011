package io.tcpmesh.coordination.tls;

import io.tcpmesh.coordination.LogText;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilterChain;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.filter.ssl.EncryptedWriteRequest;
import org.apache.mina.filter.ssl.SslFilter;
import org.apache.mina.filter.ssl.SslHandler;
import org.apache.mina.filter.ssl.TightSslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * MINA's {@link SslFilter} with what tcpmesh needs around it (see docs/tls.md for why each is needed):
 *
 * <ul>
 *   <li>TLS 1.3 and 1.2 only; a server may require client certificates; a client verifies the
 *       server's name when it knows one, and sends it as SNI when it is a host name;</li>
 *   <li>a handshake deadline: a peer that has not finished its handshake in time is closed and counted;</li>
 *   <li>every handshake failure is counted by reason ({@link TlsFailure}) and logged in one line, the
 *       session closed; a plaintext client on a TLS port is one such failure;</li>
 *   <li>the peer's {@code close_notify} reaches the handler as {@code inputClosed} (a TLS half-close),
 *       so a service that answers at end of input (md5) answers; a TCP FIN without
 *       {@code close_notify} is a truncated stream and closes the session;</li>
 *   <li>closing the session sends {@code close_notify} before the FIN;</li>
 *   <li>writes wait in this filter, counted in the session's scheduled write bytes, while 16 are in
 *       MINA's handler (which fails a write once 64 wait in it); empty writes complete at once (MINA's
 *       handler would keep them, and every write after them, forever).</li>
 * </ul>
 *
 * <p>Add it first in a session's chain (nearest the socket). One filter serves many sessions; its
 * state per session lives in a session attribute. Thread-safe.
 */
public final class TlsFilter extends SslFilter {
    private static final Logger log = LoggerFactory.getLogger(TlsFilter.class);
    private static final AttributeKey STATE = new AttributeKey(TlsFilter.class, "state");
    private static final int WRITES_IN_HANDLER = 16;
    private static final ScheduledExecutorService DEADLINES = daemon("tls-handshake-deadlines");
    // its own thread: it waits for MINA's handler lock, which must never delay a deadline
    private static final ScheduledExecutorService AFTER_TASKS = daemon("tls-after-tasks");

    private final Object owner;
    private final Duration handshakeTimeout;
    private final TlsStats stats;
    private final boolean requireClientCertificate;
    private final Optional<String> serverName;
    private final boolean verifyServerName;
    private final List<String> protocols;

    private TlsFilter(SSLContext context, Object owner, Duration handshakeTimeout, TlsStats stats,
                      boolean requireClientCertificate, Optional<String> serverName, boolean verifyServerName) {
        this(context, owner, handshakeTimeout, stats, requireClientCertificate, serverName, verifyServerName, TlsContexts.PROTOCOLS);
    }

    private TlsFilter(SSLContext context, Object owner, Duration handshakeTimeout, TlsStats stats,
                      boolean requireClientCertificate, Optional<String> serverName, boolean verifyServerName,
                      List<String> protocols) {
        // no auto start: the handshake begins in sessionOpened, never when the filter is added to a session
        // (a connector session's connect future completes only after its sessionCreated, where a proxy adds it)
        super(context, false);
        this.owner = Objects.requireNonNull(owner, "owner cannot be null");
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout cannot be null");
        this.stats = Objects.requireNonNull(stats, "stats cannot be null");
        this.requireClientCertificate = requireClientCertificate;
        this.serverName = Objects.requireNonNull(serverName, "serverName cannot be null");
        this.verifyServerName = verifyServerName;
        this.protocols = List.copyOf(protocols);
        if (this.protocols.isEmpty() || !TlsContexts.PROTOCOLS.containsAll(this.protocols)) {
            throw new IllegalArgumentException("TLS protocols must be among " + TlsContexts.PROTOCOLS + ", not " + protocols);
        }
    }

    /** The same filter offering only these protocols (a non-empty subset of {@link TlsContexts#PROTOCOLS}). */
    public TlsFilter withProtocols(List<String> only) {
        return new TlsFilter(sslContext, owner, handshakeTimeout, stats, requireClientCertificate, serverName, verifyServerName, only);
    }

    /**
     * A server-side filter.
     *
     * @param owner who the sessions belong to, for log lines (its toString, such as {@code md5-7001})
     */
    public static TlsFilter server(SSLContext context, boolean requireClientCertificate, Duration handshakeTimeout,
                                   Object owner, TlsStats stats) {
        return new TlsFilter(context, owner, handshakeTimeout, stats, requireClientCertificate, Optional.empty(), false);
    }

    /** A server-side filter loading its files now (an {@link IllegalArgumentException} names a bad one). */
    public static TlsFilter server(TlsServerConfig config, Object owner, TlsStats stats) {
        return server(TlsContexts.server(config), config.mutual(), config.handshakeTimeout(), owner, stats);
    }

    /**
     * A client-side filter.
     *
     * @param serverName the name the server's certificate must carry (host name or IP address), sent as
     *                   SNI when it is a host name; empty verifies the chain only
     * @param verifyServerName false for a context that trusts everything anyway
     */
    public static TlsFilter client(SSLContext context, Optional<String> serverName, boolean verifyServerName,
                                   Duration handshakeTimeout, Object owner, TlsStats stats) {
        return new TlsFilter(context, owner, handshakeTimeout, stats, false, serverName, verifyServerName);
    }

    /** The negotiated TLS session of a secured session, or null. */
    public static SSLSession tlsSession(IoSession session) {
        return (SSLSession) session.getAttribute(SSL_SECURED);
    }

    public TlsStats stats() {
        return stats;
    }

    /**
     * Half-closes a TLS session's write side: sends {@code close_notify} after what was written before,
     * and keeps reading (TLS 1.3; a TLS 1.2 peer answers with its own and closes). What a proxy does
     * where a plaintext session would get {@code shutdownOutput()}. Call it once the last write's future
     * is done (writes still waiting in this filter would be refused).
     *
     * @return false when the session has no TLS filter (the caller half-closes the socket itself)
     */
    public static boolean shutdownOutput(IoSession session) {
        IoFilterChain chain = session.getFilterChain();
        TlsFilter filter = (TlsFilter) chain.get(TlsFilter.class);
        if (filter == null) {
            return false;
        }
        filter.closeOutbound(chain.getNextFilter(filter), session);
        return true;
    }

    private void closeOutbound(NextFilter next, IoSession session) {
        State state = state(session);
        SslHandler handler = (SslHandler) session.getAttribute(SSL_HANDLER);
        if (handler == null || state.engine == null || state.engine.isOutboundDone()) {
            return;
        }
        synchronized (state) {
            if (state.outputShut) {
                return;
            }
            state.outputShut = true;
            if (state.oursInFlight()) {
                state.end = End.SHUT_OUTPUT; // once the writes before it are out: releaseWaiting
                return;
            }
        }
        sendCloseNotify(next, session, handler);
    }

    /**
     * MINA's handler sends close_notify on {@code close(next, true)} only when writes wait in its own
     * queue (with none it returns early), and {@code close(next, false)} refuses writes still waiting:
     * so this is called once none of ours is in it, and does not linger.
     */
    private void sendCloseNotify(NextFilter next, IoSession session, SslHandler handler) {
        try {
            handler.close(next, false);
        } catch (SSLException | RuntimeException e) {
            log.debug("[{}] {}: close_notify not sent: {}", owner, session.getRemoteAddress(), e.toString());
        }
    }

    @Override
    public void onPreAdd(IoFilterChain parent, String name, NextFilter next) throws Exception {
        super.onPreAdd(parent, name, next);
        parent.getSession().setAttribute(STATE, new State());
    }

    @Override
    protected SSLEngine createEngine(IoSession session, InetSocketAddress peer) {
        SSLEngine engine = serverName.isPresent()
                ? sslContext.createSSLEngine(serverName.get(), peer == null ? -1 : peer.getPort())
                : sslContext.createSSLEngine();
        engine.setUseClientMode(!session.isServer());
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (session.isServer()) {
            parameters.setNeedClientAuth(requireClientCertificate);
        } else {
            clientParameters(parameters);
        }
        engine.setSSLParameters(parameters);
        ObservedEngine observed = new ObservedEngine(engine, () -> AFTER_TASKS.execute(() -> afterTask(session)));
        state(session).engine = observed;
        return observed;
    }

    private void clientParameters(SSLParameters parameters) {
        if (serverName.isEmpty()) {
            return;
        }
        String name = serverName.get();
        if (verifyServerName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpAddress(name)) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
    }

    static boolean isIpAddress(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    /** As MINA's, with {@link TightSslHandler} (buffers sized to one engine call) in place of its own handler. */
    @Override
    protected synchronized void onConnected(NextFilter next, IoSession session) throws SSLException {
        SslHandler handler = (SslHandler) session.getAttribute(SSL_HANDLER);
        if (handler == null) {
            SSLEngine engine = createEngine(session, (InetSocketAddress) session.getRemoteAddress());
            handler = new TightSslHandler(engine, EXECUTOR, session);
            session.setAttribute(SSL_HANDLER, handler);
        }
        handler.open(next);
    }

    @Override
    public void sessionOpened(NextFilter next, IoSession session) throws Exception {
        State state = state(session);
        stats.begun();
        long millis = handshakeTimeout.toMillis();
        state.deadline = DEADLINES.schedule(() -> deadlinePassed(session), millis, TimeUnit.MILLISECONDS);
        try {
            super.sessionOpened(next, session);
        } catch (SSLException e) {
            failed(session, state, TlsFailure.of(e), e);
        }
    }

    @Override
    public void messageReceived(NextFilter next, IoSession session, Object message) throws Exception {
        State state = state(session);
        if (state.failed) {
            return;
        }
        try {
            super.messageReceived(next, session, message);
        } catch (SSLException e) {
            failed(session, state, TlsFailure.of(e), e);
            return;
        } catch (IllegalStateException e) {
            // MINA's handler refuses bytes after the peer's close_notify: nothing may follow it
            session.closeNow();
            return;
        }
        afterReceive(next, session, state);
    }

    /** Runs on the I/O thread or the after-task thread; each step happens once. */
    private void afterReceive(NextFilter next, IoSession session, State state) {
        if (session.getAttribute(SSL_SECURED) != null && state.markSecured()) {
            secured(session, state);
        }
        if (!state.secured && state.engine != null && state.engine.failure() != null) {
            failed(session, state, TlsFailure.of(state.engine.failure()), state.engine.failure());
            return;
        }
        if (state.secured && state.engine.isInboundDone() && state.markEndTold()) {
            log.debug("[{}] {}: close_notify received", owner, session.getRemoteAddress());
            next.inputClosed(session);
        }
    }

    private void secured(IoSession session, State state) {
        if (state.deadline != null) {
            state.deadline.cancel(false);
        }
        String protocol = tlsSession(session).getProtocol();
        stats.completed(protocol);
        log.debug("[{}] {}: {} handshake done, {}", owner, session.getRemoteAddress(), protocol,
                tlsSession(session).getCipherSuite());
    }

    /**
     * MINA's handler runs a delegated task on its executor and, when the task finished the handshake,
     * decodes the bytes that came after it (application data, a close_notify) but forwards them only on
     * the next read, which may never come. Feeding it no bytes forwards them.
     */
    private void afterTask(IoSession session) {
        NextFilter next = session.getFilterChain().getNextFilter(this);
        if (next == null || session.isClosing() || session.getAttribute(SSL_HANDLER) == null) {
            return;
        }
        try {
            forwardDecoded(next, session);
            State state = state(session);
            if (state.finPending) {
                state.finPending = false;
                inputClosed(next, session); // waits again if another task is due
            }
        } catch (Exception e) {
            log.debug("[{}] {}: after a TLS task: {}", owner, session.getRemoteAddress(), e.toString());
            session.closeNow();
        }
    }

    /** Whether MINA's handler has handshake work under way (a delegated task, one due, or a record to write). */
    private static boolean busy(State state) {
        ObservedEngine engine = state.engine;
        if (engine == null) {
            return false;
        }
        if (engine.taskRunning()) {
            return true;
        }
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return !state.secured && (status == SSLEngineResult.HandshakeStatus.NEED_TASK || status == SSLEngineResult.HandshakeStatus.NEED_WRAP);
    }

    /**
     * Has MINA's handler forward what it decoded and kept. After the peer's close_notify it refuses even
     * no bytes, but only after forwarding what it kept.
     */
    private void forwardDecoded(NextFilter next, IoSession session) {
        State state = state(session);
        if (state.failed || session.getAttribute(SSL_HANDLER) == null) {
            return;
        }
        try {
            super.messageReceived(next, session, IoBuffer.allocate(0));
        } catch (SSLException e) {
            failed(session, state, TlsFailure.of(e), e);
            return;
        } catch (IllegalStateException afterCloseNotify) {
            // forwarded, then refused: the inbound side is done
        } catch (Exception e) {
            log.debug("[{}] {}: forwarding decoded bytes: {}", owner, session.getRemoteAddress(), e.toString());
            session.closeNow();
            return;
        }
        afterReceive(next, session, state);
    }

    @Override
    public void inputClosed(NextFilter next, IoSession session) throws Exception {
        State state = state(session);
        if (busy(state)) {
            // bytes before the FIN wait for the handshake work in progress; afterTask comes back here
            state.finPending = true;
            session.suspendRead();
            return;
        }
        forwardDecoded(next, session);
        if (state.failed) {
            return;
        }
        if (!state.secured) {
            SSLException failure = state.engine == null ? null : state.engine.failure();
            failed(session, state, failure == null ? TlsFailure.PEER_CLOSED : TlsFailure.of(failure), failure);
        } else if (state.endTold) {
            session.suspendRead(); // the close_notify came first and was told; this FIN adds nothing
        } else {
            log.info("[{}] {}: TCP FIN without close_notify (a truncated TLS stream): closing", owner, session.getRemoteAddress());
            session.closeNow();
        }
    }

    /**
     * MINA's handler passes some handshake failures on as {@code exceptionCaught} (on the I/O thread, when it
     * decodes a record that fails); a handler that closes the session then would leave them uncounted. They are
     * this filter's to count, log and close.
     */
    @Override
    public void exceptionCaught(NextFilter next, IoSession session, Throwable cause) throws Exception {
        SSLException tls = cause instanceof SSLException e ? e
                : cause != null && cause.getCause() instanceof SSLException e ? e : null;
        if (tls == null) {
            super.exceptionCaught(next, session, cause);
            return;
        }
        State state = state(session);
        ObservedEngine engine = state.engine;
        SSLException first = engine != null && engine.failure() != null ? engine.failure() : tls;
        failed(session, state, TlsFailure.of(first), first);
    }

    private void deadlinePassed(IoSession session) {
        State state = state(session);
        if (state.secured || state.failed || session.isClosing()) {
            return;
        }
        SSLException failure = state.engine == null ? null : state.engine.failure();
        failed(session, state, failure == null ? TlsFailure.TIMEOUT : TlsFailure.of(failure), failure);
    }

    private void failed(IoSession session, State state, TlsFailure reason, SSLException cause) {
        synchronized (state) {
            if (state.failed) {
                return;
            }
            state.failed = true;
        }
        if (state.deadline != null) {
            state.deadline.cancel(false);
        }
        if (state.secured) {
            log.info("[{}] {}: TLS error, closing: {}", owner, session.getRemoteAddress(), message(cause));
        } else {
            stats.failure(reason);
            log.info("[{}] {}: TLS handshake failed ({}): {}", owner, session.getRemoteAddress(), reason.label(), message(cause));
        }
        // on flush: the alert MINA's handler queued reaches the peer (closeNow would drop it)
        session.closeOnFlush();
    }

    private static String message(SSLException cause) {
        return cause == null ? "-" : LogText.quote(String.valueOf(cause.getMessage()));
    }

    @Override
    public void filterWrite(NextFilter next, IoSession session, WriteRequest request) throws Exception {
        if (request instanceof EncryptedWriteRequest || !(request.getMessage() instanceof IoBuffer)) {
            super.filterWrite(next, session, request);
            return;
        }
        IoBuffer buffer = (IoBuffer) request.getMessage();
        if (!buffer.hasRemaining()) {
            request.getFuture().setWritten();
            return;
        }
        State state = state(session);
        synchronized (state) {
            if (state.inHandler >= WRITES_IN_HANDLER || !state.waiting.isEmpty()) {
                state.waiting.add(request);
                scheduled(session, buffer.remaining());
                return;
            }
            state.inHandler++;
        }
        super.filterWrite(next, session, request);
    }

    @Override
    public void messageSent(NextFilter next, IoSession session, WriteRequest request) throws Exception {
        super.messageSent(next, session, request);
        if (request instanceof EncryptedWriteRequest && request.getOriginalRequest() != request) {
            releaseWaiting(next, session, state(session));
        }
    }

    private void releaseWaiting(NextFilter next, IoSession session, State state) throws Exception {
        WriteRequest release;
        End end = End.NONE;
        synchronized (state) {
            state.inHandler--;
            release = state.waiting.poll();
            if (release == null) {
                if (!state.oursInFlight()) {
                    end = state.end;
                    state.end = End.NONE;
                }
            } else {
                state.inHandler++;
            }
        }
        if (release == null) {
            finish(next, session, end);
            return;
        }
        scheduled(session, -((IoBuffer) release.getMessage()).remaining());
        super.filterWrite(next, session, release);
    }

    private static void scheduled(IoSession session, int bytes) {
        if (session instanceof AbstractIoSession) {
            ((AbstractIoSession) session).increaseScheduledWriteBytes(bytes);
        }
    }

    @Override
    public void filterClose(NextFilter next, IoSession session) throws Exception {
        State state = state(session);
        SslHandler handler = (SslHandler) session.getAttribute(SSL_HANDLER);
        if (!state.failed && handler != null && state.engine != null && !state.engine.isOutboundDone()) {
            synchronized (state) {
                if (state.oursInFlight() && state.end != End.CLOSE) {
                    // a close on flush found MINA's queue empty, but our writes are still being encrypted
                    state.end = End.CLOSE;
                    DEADLINES.schedule(() -> forceClose(next, session), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
            }
            if (state.secured) {
                sendCloseNotify(next, session, handler); // ahead of the close
            }
        }
        super.filterClose(next, session);
    }

    /** What was put off until our last write was out. */
    private void finish(NextFilter next, IoSession session, End end) throws Exception {
        if (end == End.NONE) {
            return;
        }
        SslHandler handler = (SslHandler) session.getAttribute(SSL_HANDLER);
        if (handler != null) {
            sendCloseNotify(next, session, handler);
        }
        if (end == End.CLOSE) {
            super.filterClose(next, session);
        }
    }

    /** A peer that stopped reading must not keep a closed session open. */
    private void forceClose(NextFilter next, IoSession session) {
        State state = state(session);
        synchronized (state) {
            if (state.end != End.CLOSE) {
                return;
            }
            state.end = End.NONE;
        }
        try {
            super.filterClose(next, session);
        } catch (Exception e) {
            log.debug("[{}] {}: close: {}", owner, session.getRemoteAddress(), e.toString());
        }
    }

    @Override
    public void sessionClosed(NextFilter next, IoSession session) throws Exception {
        State state = state(session);
        if (state.deadline != null) {
            state.deadline.cancel(false);
        }
        synchronized (state) {
            for (WriteRequest w : state.waiting) {
                w.getFuture().setException(new org.apache.mina.core.write.WriteToClosedSessionException(w));
            }
            state.waiting.clear();
        }
        try {
            super.sessionClosed(next, session);
        } catch (SSLException | RuntimeException e) {
            next.sessionClosed(session);
        }
    }

    private static State state(IoSession session) {
        State state = (State) session.getAttribute(STATE);
        if (state == null) {
            State fresh = new State();
            state = (State) session.setAttributeIfAbsent(STATE, fresh);
            state = state == null ? fresh : state;
        }
        return state;
    }

    private static ScheduledExecutorService daemon(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** What waits for the last write to be out. */
    private enum End { NONE, SHUT_OUTPUT, CLOSE }

    /** What this filter knows of one session; written on its I/O thread, read by the deadline thread. */
    private static final class State {
        volatile ObservedEngine engine;
        volatile boolean secured;
        volatile boolean failed;
        volatile ScheduledFuture<?> deadline;
        volatile boolean endTold;
        volatile boolean finPending;
        boolean outputShut;
        End end = End.NONE;

        /** Writes of ours in MINA's handler or waiting here; call holding the lock. */
        boolean oursInFlight() {
            return inHandler > 0 || !waiting.isEmpty();
        }

        synchronized boolean markSecured() {
            boolean first = !secured;
            secured = true;
            return first;
        }

        synchronized boolean markEndTold() {
            boolean first = !endTold;
            endTold = true;
            return first;
        }
        int inHandler;
        final ArrayDeque<WriteRequest> waiting = new ArrayDeque<>();
    }
}
