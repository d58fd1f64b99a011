package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One connection slot of a worker; every method runs on the worker's thread. */
abstract class LoadConnection {
    final LoadWorker worker;
    final LoadTarget target;
    /** This target's figures (they count in the run's too). */
    final LoadStats stats;
    SocketChannel channel;
    SelectionKey key;
    /** What the connection reads and writes through once connected (and, with TLS, its handshake done). */
    Wire wire;
    private TlsWire handshaking;

    LoadConnection(LoadWorker worker, LoadTarget target) {
        this.worker = worker;
        this.target = target;
        this.stats = worker.statsFor(target);
    }

    /** Starts a non-blocking connect; a refusal may surface here or in {@link #onSelected}. */
    final void open(long now) throws IOException {
        connecting(now);
        channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (channel.connect(target.address())) {
                key = channel.register(worker.selector(), 0, this);
                opened(System.nanoTime());
            } else {
                key = channel.register(worker.selector(), SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException e) {
            closeChannel();
            throw e;
        }
    }

    final void onSelected(SelectionKey selected, long now) {
        if (selected != key) {
            return;
        }
        try {
            if (selected.isConnectable()) {
                channel.finishConnect();
                opened(now);
                return;
            }
            if (handshaking != null) {
                handshake(now);
                return;
            }
            if (selected.isReadable()) {
                readable(now);
                for (int i = 0; i < 1024 && selected == key && wire.bufferedInput(); i++) {
                    readable(now); // TLS decoded more than one read took
                }
            }
            if (selected == key && selected.isValid() && selected.isWritable() && (!wire.pendingOutput() || wire.flush())) {
                writable(now);
            }
        } catch (IOException e) {
            failed(ErrorKind.of(e), now);
        }
    }

    /** Connected: plaintext goes on at once, TLS after its handshake. */
    private void opened(long now) throws IOException {
        javax.net.ssl.SSLEngine engine = worker.tlsEngine(target);
        if (engine == null) {
            wire = Wire.plain(channel);
            key.interestOps(0);
            connected(now);
            return;
        }
        handshaking = new TlsWire(engine, channel);
        engine.beginHandshake();
        handshake(now);
    }

    private void handshake(long now) throws IOException {
        int waitFor = handshaking.handshake();
        if (waitFor != 0) {
            key.interestOps(waitFor);
            return;
        }
        wire = handshaking;
        handshaking = null;
        key.interestOps(0);
        connected(now);
    }

    final void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a socket that failed; nothing more to do
            }
        }
        channel = null;
        key = null;
        wire = null;
        handshaking = null;
    }

    final void interest(int wanted) {
        int ops = wire != null && wire.pendingOutput() ? wanted | SelectionKey.OP_WRITE : wanted;
        if (key != null && key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** A connect is about to start. */
    abstract void connecting(long now);

    abstract void connected(long now) throws IOException;

    abstract void readable(long now) throws IOException;

    abstract void writable(long now) throws IOException;

    /** Counts every request in flight on this connection as {@code kind} and closes it. */
    abstract void failed(ErrorKind kind, long now);

    /** Called every few milliseconds: fails requests waiting longer than the timeout, reconnects, starts work. */
    abstract void tick(long now);

    /** Requests sent and not yet answered. */
    abstract int outstanding();
}
