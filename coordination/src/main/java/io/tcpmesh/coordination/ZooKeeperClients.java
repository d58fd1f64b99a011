package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.slf4j.Logger;
import org.apache.zookeeper.data.ACL;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Builds the Curator client every tcpmesh process uses.
 *
 * <p>The client is returned started. Starting never blocks: a process whose ZooKeeper is down keeps
 * running and the client connects as soon as ZooKeeper is reachable. The caller owns the client and
 * closes it, after everything built on it (registrations, caches, latches) is closed.
 */
public final class ZooKeeperClients {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperClients.class);

    private ZooKeeperClients() {
    }

    /**
     * A started client whose paths are relative to {@link ZooKeeperConfig#root()}. With
     * {@link ZooKeeperConfig#auth()} it authenticates (on every session, also after an expiry) and every
     * node it creates, the root and the parents Curator creates on the way included, gets
     * {@link ZooKeeperAuth#acl()}; without, nodes are open to all as ZooKeeper's default.
     */
    public static CuratorFramework start(ZooKeeperConfig config) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .zookeeperFactory(ServingMemberFirst.factory())
                .namespace(config.namespace())
                .sessionTimeoutMs(Math.toIntExact(config.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(config.connectionTimeout().toMillis()))
                .retryPolicy(new BoundedExponentialBackoffRetry(
                        Math.toIntExact(config.retryBaseSleep().toMillis()),
                        Math.toIntExact(config.retryMaxSleep().toMillis()),
                        config.retries()));
        if (config.auth() != null) {
            List<ACL> acl = config.auth().acl();
            builder.authorization("digest", config.auth().credentials()).aclProvider(new FixedAcl(acl));
        }
        CuratorFramework client = builder.build();
        client.getConnectionStateListenable().addListener((c, state) -> logState(config, c, state));
        client.start();
        return client;
    }

    private static void logState(ZooKeeperConfig config, CuratorFramework client, ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> log.info("ZooKeeper {} {}: session 0x{}, negotiated session timeout {} ms (asked {} ms)",
                    config.connectString(), state.name().toLowerCase(), Long.toHexString(sessionId(client)),
                    negotiatedTimeout(client), config.sessionTimeout().toMillis());
            case SUSPENDED -> log.warn("ZooKeeper {} connection suspended", config.connectString());
            case LOST -> log.warn("ZooKeeper {} session lost", config.connectString());
            case READ_ONLY -> log.warn("ZooKeeper {} connection is read-only", config.connectString());
        }
    }

    /** The same ACL for every path: Curator asks it for each node it creates. */
    private record FixedAcl(List<ACL> acl) implements ACLProvider {
        @Override
        public List<ACL> getDefaultAcl() {
            return acl;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return acl;
        }
    }

    /** The session timeout the server granted, or -1 while not connected. */
    public static int negotiatedTimeout(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long sessionId(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }
}
