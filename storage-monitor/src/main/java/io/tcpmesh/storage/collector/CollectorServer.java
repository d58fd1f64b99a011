package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.storage.protocol.FrameCodecFactory;
import org.apache.mina.filter.codec.ProtocolCodecFilter;

import java.io.IOException;
import java.net.InetSocketAddress;

/** The collector's acceptor: storage-protocol frames in, the {@link Collector} behind. */
public final class CollectorServer extends MinaTcpServer {
    private final Collector collector;

    public CollectorServer(Node node, InetSocketAddress bindAddress, Collector collector) {
        super(node, bindAddress, new CollectorHandler(node, collector), 2);
        this.collector = collector;
        acceptor().getFilterChain().addLast("frames", new ProtocolCodecFilter(new FrameCodecFactory()));
    }

    @Override
    public InetSocketAddress start() throws IOException {
        collector.start();
        InetSocketAddress bound = super.start();
        collector.serving();
        return bound;
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            collector.close();
        }
    }
}
