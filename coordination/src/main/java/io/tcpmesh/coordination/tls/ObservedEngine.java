package io.tcpmesh.coordination.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * An {@link SSLEngine} that forwards to the JDK's and keeps the first {@link SSLException} it threw.
 *
 * <p>MINA's SSL handler runs the engine's delegated tasks on its own executor and only logs a failure
 * raised there (most handshake failures are: certificates, cipher suites, protocol versions); this
 * engine lets {@link TlsFilter} see and count every one of them, and tells it when a task is done
 * (application data MINA decodes right after a task waits for the next read otherwise).
 */
final class ObservedEngine extends SSLEngine {
    private final SSLEngine engine;
    private final Runnable afterTask;
    private final AtomicInteger tasksRunning = new AtomicInteger();
    private volatile SSLException failure;

    /** @param afterTask run after each delegated task, on the thread that ran it */
    ObservedEngine(SSLEngine engine, Runnable afterTask) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
        this.afterTask = afterTask;
    }

    /** Whether a delegated task was handed out and has not finished. */
    boolean taskRunning() {
        return tasksRunning.get() > 0;
    }

    /** The first failure the engine reported, or null. */
    SSLException failure() {
        return failure;
    }

    private SSLException observed(SSLException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        try {
            return engine.wrap(srcs, offset, length, dst);
        } catch (SSLException e) {
            throw observed(e);
        }
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        try {
            return engine.unwrap(src, dsts, offset, length);
        } catch (SSLException e) {
            throw observed(e);
        }
    }

    @Override
    public Runnable getDelegatedTask() {
        Runnable task = engine.getDelegatedTask();
        if (task == null) {
            return null;
        }
        tasksRunning.incrementAndGet();
        return () -> {
            try {
                task.run();
            } finally {
                tasksRunning.decrementAndGet();
                afterTask.run();
            }
        };
    }

    @Override
    public void closeInbound() throws SSLException {
        engine.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        // only TLS 1.3 and 1.2, whatever a caller asks
        List<String> allowed = TlsContexts.PROTOCOLS;
        engine.setEnabledProtocols(List.of(protocols).stream().filter(allowed::contains).toArray(String[]::new));
    }

    @Override
    public SSLSession getSession() {
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw observed(e);
        }
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        engine.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return engine.getHandshakeApplicationProtocolSelector();
    }
}
