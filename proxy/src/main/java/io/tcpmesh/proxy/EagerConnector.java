package io.tcpmesh.proxy;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.file.FileRegion;
import org.apache.mina.core.polling.AbstractPollingIoConnector;
import org.apache.mina.core.service.DefaultTransportMetadata;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.service.IoService;
import org.apache.mina.core.service.TransportMetadata;
import org.apache.mina.transport.socket.DefaultSocketSessionConfig;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.transport.socket.nio.NioSession;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The proxy's connector to its targets: MINA's NIO socket connector, except that a connection the kernel has
 * completed by the time {@code connect(2)} returns goes straight to its I/O processor, from the calling thread.
 *
 * <p>A non-blocking {@code connect(2)} always answers "in progress", even on loopback where the whole handshake
 * is done before the call returns. MINA's connector then hands the socket to its own selector thread, which
 * waits for {@code OP_CONNECT} and hands the session to the I/O processor: two thread hops (two context
 * switches on a proxy pinned to one core) per proxied connection. Here {@link #connect} asks the socket once
 * more ({@code finishConnect}) right after; when it is connected, MINA's own connected-at-once path creates
 * the session on the caller's thread, which for the proxy is the client's I/O thread. A connection still in
 * progress (a target across a network) takes MINA's usual path; a refused one fails the attempt as before.
 */
final class EagerConnector extends AbstractPollingIoConnector<NioSession, SocketChannel> {
    private static final TransportMetadata METADATA = new DefaultTransportMetadata("nio", "socket", false, true,
            InetSocketAddress.class, SocketSessionConfig.class, IoBuffer.class, FileRegion.class);
    /** MINA's socket session: its class is package-private, its constructor public. */
    private static final MethodHandle NEW_SESSION = sessionConstructor();

    private volatile Selector selector;

    EagerConnector(IoProcessor<NioSession> processor) {
        super(new DefaultSocketSessionConfig(), processor);
        ((DefaultSocketSessionConfig) getSessionConfig()).init(this);
    }

    @Override
    public TransportMetadata getTransportMetadata() {
        return METADATA;
    }

    @Override
    public SocketSessionConfig getSessionConfig() {
        return (SocketSessionConfig) sessionConfig;
    }

    @Override
    protected void init() throws Exception {
        selector = Selector.open();
    }

    @Override
    protected void destroy() throws Exception {
        Selector s = selector;
        if (s != null) {
            s.close();
        }
    }

    @Override
    protected SocketChannel newHandle(SocketAddress localAddress) throws Exception {
        SocketChannel ch = SocketChannel.open();
        try {
            int rcvbuf = getSessionConfig().getReceiveBufferSize();
            if (rcvbuf > 0) {
                ch.socket().setReceiveBufferSize(rcvbuf); // before connecting, so the window scale follows it
            }
            if (localAddress != null) {
                ch.bind(localAddress);
            }
            ch.configureBlocking(false);
            return ch;
        } catch (Exception e) {
            ch.close();
            throw e;
        }
    }

    /** Connected already (loopback, almost always), or in progress for the selector thread; throws if refused. */
    @Override
    protected boolean connect(SocketChannel handle, SocketAddress remoteAddress) throws Exception {
        return handle.connect(remoteAddress) || handle.finishConnect();
    }

    @Override
    protected boolean finishConnect(SocketChannel handle) throws Exception {
        if (!handle.finishConnect()) {
            return false;
        }
        SelectionKey key = handle.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
        return true;
    }

    @Override
    protected NioSession newSession(IoProcessor<NioSession> processor, SocketChannel handle) throws Exception {
        try {
            return (NioSession) NEW_SESSION.invoke(this, processor, handle);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle sessionConstructor() {
        try {
            Class<?> type = Class.forName("org.apache.mina.transport.socket.nio.NioSocketSession");
            Constructor<?> c = type.getConstructor(IoService.class, IoProcessor.class, SocketChannel.class);
            c.setAccessible(true);
            return MethodHandles.lookup().unreflectConstructor(c);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    protected void close(SocketChannel handle) throws Exception {
        SelectionKey key = handle.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
        handle.close();
    }

    @Override
    protected void wakeup() {
        selector.wakeup();
    }

    @Override
    protected int select(int timeout) throws Exception {
        return selector.select(timeout);
    }

    @Override
    protected Iterator<SocketChannel> selectedHandles() {
        return channels(selector.selectedKeys().iterator());
    }

    @Override
    protected Iterator<SocketChannel> allHandles() {
        return channels(selector.keys().iterator());
    }

    @Override
    protected void register(SocketChannel handle, ConnectionRequest request) throws Exception {
        handle.register(selector, SelectionKey.OP_CONNECT, request);
    }

    @Override
    protected ConnectionRequest getConnectionRequest(SocketChannel handle) {
        SelectionKey key = handle.keyFor(selector);
        return key != null && key.isValid() ? (ConnectionRequest) key.attachment() : null;
    }

    /** The channels of {@code keys}; {@code remove()} removes the key (MINA empties the selected set that way). */
    private static Iterator<SocketChannel> channels(Iterator<SelectionKey> keys) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public SocketChannel next() {
                return (SocketChannel) keys.next().channel();
            }

            @Override
            public void remove() {
                keys.remove();
            }
        };
    }
}
