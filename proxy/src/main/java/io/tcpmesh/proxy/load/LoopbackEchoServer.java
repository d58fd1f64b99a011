package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.DaemonThreads;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The smallest echo server: one selector thread on a loopback port, for {@code load --self-test}, which measures
 * how fast the tester itself can go. A connection whose peer does not read stops being read (no buffering).
 */
final class LoopbackEchoServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private volatile boolean open = true;

    private LoopbackEchoServer() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = DaemonThreads.thread("self-test-echo", this::loop);
    }

    static LoopbackEchoServer start() throws IOException {
        LoopbackEchoServer s = new LoopbackEchoServer();
        s.thread.start();
        return s;
    }

    int port() {
        return server.socket().getLocalPort();
    }

    private void loop() {
        try {
            while (open) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            SocketChannel c = server.accept();
            if (c != null) {
                c.configureBlocking(false);
                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(64 * 1024));
            }
            return;
        }
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable() && c.read(buf) < 0) {
                c.close();
                return;
            }
            buf.flip();
            c.write(buf);
            buf.compact();
            key.interestOps(buf.position() > 0 ? SelectionKey.OP_WRITE | (buf.hasRemaining() ? SelectionKey.OP_READ : 0)
                    : SelectionKey.OP_READ);
        } catch (IOException e) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.close();
        server.close();
    }
}
