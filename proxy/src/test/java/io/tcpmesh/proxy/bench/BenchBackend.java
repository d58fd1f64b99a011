package io.tcpmesh.proxy.bench;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;

import java.net.InetSocketAddress;

/**
 * Backends for the quick proxy measurement (not a test): an echo server and a sink that counts the bytes
 * it reads and answers the count, as text, when the client half-closes.
 * {@code BenchBackend ECHO-PORT SINK-PORT}; runs until killed.
 */
public final class BenchBackend {
    private BenchBackend() {
    }

    public static void main(String[] args) throws Exception {
        NioSocketAcceptor echo = new NioSocketAcceptor(1);
        echo.getSessionConfig().setTcpNoDelay(true);
        echo.setReuseAddress(true);
        echo.setHandler(new IoHandlerAdapter() {
            @Override
            public void messageReceived(IoSession session, Object message) {
                session.write(message);
            }
        });
        echo.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        NioSocketAcceptor sink = new NioSocketAcceptor(1);
        sink.setReuseAddress(true);
        sink.setHandler(new IoHandlerAdapter() {
            @Override
            public void messageReceived(IoSession session, Object message) {
                Long n = (Long) session.getAttribute("n", 0L);
                session.setAttribute("n", n + ((IoBuffer) message).remaining());
            }

            @Override
            public void inputClosed(IoSession session) {
                session.suspendRead();
                session.write(IoBuffer.wrap((session.getAttribute("n", 0L) + "\n").getBytes()));
                session.closeOnFlush();
            }
        });
        sink.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])));
        System.out.println("backends ready");
        Thread.currentThread().join();
    }
}
