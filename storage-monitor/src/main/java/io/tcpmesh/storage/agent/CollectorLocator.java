package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.Instance;
import io.tcpmesh.coordination.ServiceRegistry;
import io.tcpmesh.coordination.ServiceWatch;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import org.apache.curator.framework.CuratorFramework;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Where the collector is: a fixed address, or the live instances of {@code storage-collector} in ZooKeeper. */
interface CollectorLocator extends AutoCloseable {
    String SERVICE = "storage-collector";

    /** An address to try now, or null when none is known. */
    InetSocketAddress next();

    /** The address did not answer: try others first for a while. */
    default void failed(InetSocketAddress address) {
    }

    @Override
    default void close() {
    }

    static CollectorLocator fixed(InetSocketAddress address) {
        return () -> new InetSocketAddress(address.getHostString(), address.getPort());
    }

    static CollectorLocator zooKeeper(ZooKeeperConfig config) {
        return new ZooKeeperLocator(config);
    }

    final class ZooKeeperLocator implements CollectorLocator {
        private final CuratorFramework client;
        private final ServiceRegistry registry;
        private final ServiceWatch watch;

        ZooKeeperLocator(ZooKeeperConfig config) {
            this.client = ZooKeeperClients.start(config);
            this.registry = new ServiceRegistry(client).start();
            this.watch = registry.watch(SERVICE);
        }

        @Override
        public InetSocketAddress next() {
            List<Instance> live = watch.instances();
            if (live.isEmpty()) {
                return null;
            }
            Instance i = live.get(0);
            return new InetSocketAddress(i.host(), i.port());
        }

        @Override
        public void failed(InetSocketAddress address) {
            for (Instance i : watch.allInstances()) {
                if (i.port() == address.getPort() && i.host().equals(address.getHostString())) {
                    watch.reportFailing(i, Duration.ofSeconds(1));
                }
            }
        }

        @Override
        public void close() {
            registry.close();
            client.close();
        }
    }
}
