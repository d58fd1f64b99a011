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
                connected(System.nanoTime());
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
                key.interestOps(0);
                connected(now);
                return;
            }
            if (selected.isReadable()) {
                readable(now);
            }
            if (selected == key && selected.isValid() && selected.isWritable()) {
                writable(now);
            }
        } catch (IOException e) {
            failed(ErrorKind.of(e), now);
        }
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
    }

    final void interest(int ops) {
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
