package io.tcpmesh.proxy.load;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * TLS over a non-blocking socket with the JDK's {@link SSLEngine}, on the worker's thread: {@link #handshake}
 * until it says done, then {@link #read} and {@link #write} as on the socket. Delegated tasks run inline (they
 * are CPU work). {@link #shutdownOutput} sends close_notify, the TLS half-close (TLS 1.3 keeps reading); the
 * peer's close_notify is the end of the stream. A TCP FIN without it ends the stream too: the load tester
 * judges the reply, not the close.
 */
final class TlsWire implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final SocketChannel channel;
    private final ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean eof;

    TlsWire(SSLEngine engine, SocketChannel channel) {
        this.engine = engine;
        this.channel = channel;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        netOut.flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        appIn.flip();
    }

    /**
     * Takes the handshake as far as it goes now.
     *
     * @return 0 when done, else the selection interest it waits for (OP_READ or OP_WRITE)
     */
    int handshake() throws IOException {
        while (true) {
            if (!flush()) {
                return SelectionKey.OP_WRITE;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapSome()) {
                        if (eof) {
                            throw new SSLException("the server closed the connection during the TLS handshake");
                        }
                        return SelectionKey.OP_READ;
                    }
                }
                default -> {
                    return 0;
                }
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = 0;
        while (dst.hasRemaining()) {
            if (!appIn.hasRemaining()) {
                if (engine.isInboundDone() || !unwrapSome()) {
                    break;
                }
                afterUnwrap();
                continue;
            }
            int k = Math.min(dst.remaining(), appIn.remaining());
            ByteBuffer slice = appIn.slice();
            slice.limit(k);
            dst.put(slice);
            appIn.position(appIn.position() + k);
            n += k;
        }
        if (n == 0) {
            return engine.isInboundDone() || eof ? -1 : 0;
        }
        if (!appIn.hasRemaining() && !engine.isInboundDone() && unwrapSome()) {
            afterUnwrap(); // decoded now, so bufferedInput() tells the caller to read again
        }
        return n;
    }

    @Override
    public boolean bufferedInput() {
        return appIn.hasRemaining() || engine.isInboundDone();
    }

    /** Post-handshake messages (a key update) may want an answer. */
    private void afterUnwrap() throws IOException {
        SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
        if (s == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            wrap(EMPTY);
            flush();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return 0;
        }
        int before = src.remaining();
        while (src.hasRemaining() && netOut.remaining() == 0) {
            wrap(src);
            flush();
        }
        return before - src.remaining();
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (engine.isOutboundDone()) {
            flush();
            return;
        }
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            wrap(EMPTY);
        }
        flush();
    }

    @Override
    public boolean pendingOutput() {
        return netOut.hasRemaining();
    }

    @Override
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Wraps into netOut (empty: it is being written out first). */
    private void wrap(ByteBuffer src) throws IOException {
        netOut.clear();
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            break;
        }
        netOut.flip();
    }

    /** Decodes what the socket has; false when nothing could be decoded now (more bytes are needed). */
    private boolean unwrapSome() throws IOException {
        boolean progress = false;
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    progress = true;
                    if (r.bytesProduced() > 0 || r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                        return true;
                    }
                }
                case CLOSED -> {
                    return true;
                }
                case BUFFER_OVERFLOW -> growAppIn();
                case BUFFER_UNDERFLOW -> {
                    if (!readSocket()) {
                        return progress;
                    }
                }
            }
        }
    }

    private boolean readSocket() throws IOException {
        if (eof) {
            return false;
        }
        int n = channel.read(netIn);
        if (n < 0) {
            eof = true;
            return false;
        }
        return n > 0;
    }

    private void growAppIn() {
        ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
        bigger.put(appIn).flip();
        appIn = bigger;
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
