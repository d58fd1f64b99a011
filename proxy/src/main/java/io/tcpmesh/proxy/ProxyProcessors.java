package io.tcpmesh.proxy;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.server.OneReadProcessor;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O processors shared by the proxy's acceptor and connector: like MINA's SimpleIoProcessorPool, with
 * one difference that a proxy needs: a backend session goes to its client's processor ({@link #SAME_AS}).
 * Both sides of a connection are then served by one thread, so forwarding a message wakes no other thread.
 * A read suspension or resumption from another thread is applied on the session's own thread by
 * {@link OneReadProcessor}.
 */
final class ProxyProcessors implements IoProcessor<NioSession> {
    private static final AttributeKey PROCESSOR = new AttributeKey(ProxyProcessors.class, "processor");
    /** Set on a backend session before it is added: it then shares its client's processor. */
    static final AttributeKey SAME_AS = new AttributeKey(ProxyProcessors.class, "sameAs");

    private final ExecutorService threads;
    private final NioProcessor[] pool;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean disposing;
    private volatile boolean disposed;

    ProxyProcessors(int size) {
        this.threads = Executors.newCachedThreadPool(DaemonThreads.numbered("proxy-io"));
        this.pool = new NioProcessor[size];
        for (int i = 0; i < size; i++) {
            pool[i] = new OneReadProcessor(threads);
        }
    }

    private NioProcessor processor(NioSession session) {
        NioProcessor p = (NioProcessor) session.getAttribute(PROCESSOR);
        if (p == null) {
            Object peer = session.getAttribute(SAME_AS);
            p = peer instanceof NioSession client && client.getAttribute(PROCESSOR) instanceof NioProcessor theirs
                    ? theirs : pool[Math.floorMod(next.getAndIncrement(), pool.length)];
            NioProcessor old = (NioProcessor) session.setAttributeIfAbsent(PROCESSOR, p);
            if (old != null) {
                p = old;
            }
        }
        return p;
    }

    @Override
    public void add(NioSession session) {
        processor(session).add(session);
    }

    @Override
    public void flush(NioSession session) {
        processor(session).flush(session);
    }

    @Override
    public void write(NioSession session, WriteRequest writeRequest) {
        processor(session).write(session, writeRequest);
    }

    @Override
    public void updateTrafficControl(NioSession session) {
        processor(session).updateTrafficControl(session); // applied on the session's own thread (OneReadProcessor)
    }

    @Override
    public void remove(NioSession session) {
        processor(session).remove(session);
    }

    @Override
    public boolean isDisposing() {
        return disposing;
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public void dispose() {
        disposing = true;
        for (NioProcessor p : pool) {
            p.dispose();
        }
        threads.shutdown();
        disposed = true;
    }
}
