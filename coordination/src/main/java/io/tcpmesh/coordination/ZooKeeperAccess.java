package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks, before a tcpmesh process writes, that ZooKeeper will let it, and protects the tcpmesh tree.
 *
 * <p>With a {@link ZooKeeperAuth}, {@link #verify} reads the ACL of the root (creating the root, persistent
 * and protected, when it is missing):
 * <ul>
 *   <li>the root is protected by this secret: nothing to do;</li>
 *   <li>the root is open to all (made by a tcpmesh without a secret): every node of the tree is given the
 *       tcpmesh ACL, leaves first and the root last, so a fix-up cut short is done again by the next start;</li>
 *   <li>the root is protected by another tcpmesh secret: {@link IllegalArgumentException} saying the secret
 *       does not match;</li>
 *   <li>the root has some other ACL this secret cannot write: {@link IllegalArgumentException} naming it.</li>
 * </ul>
 * Digest authentication never fails at connect time (a wrong secret is only a different identity), which
 * is why this reads the ACL instead.
 */
public final class ZooKeeperAccess {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperAccess.class);
    /** Kept in the root so that the root is never empty: ZooKeeper lets anyone who may write {@code /} delete an empty node. */
    static final String KEEP_PATH = "/config";

    private ZooKeeperAccess() {
    }

    /**
     * For a service at start: with a secret, waits up to the connection timeout for ZooKeeper and
     * {@link #verify verifies} (a mismatch throws, so the service fails at start); when ZooKeeper is not
     * reachable yet, verifies on the first connection and logs an error if it fails. Without a secret,
     * logs an error on the first connection if the root is protected, as this process's writes will fail.
     */
    public static void prepare(CuratorFramework client, ZooKeeperConfig config) throws Exception {
        if (config.auth() != null
                && client.blockUntilConnected(Math.toIntExact(config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
            verify(client, config);
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        ConnectionStateListener onFirstConnection = (c, state) -> {
            if (state.isConnected() && done.compareAndSet(false, true)) {
                Thread t = new Thread(() -> checkLater(client, config), "zk-access-check");
                t.setDaemon(true);
                t.start();
            }
        };
        client.getConnectionStateListenable().addListener(onFirstConnection);
    }

    private static void checkLater(CuratorFramework client, ZooKeeperConfig config) {
        try {
            if (config.auth() != null) {
                verify(client, config);
            } else if (isProtected(client, config.root())) {
                log.error("ZooKeeper {} is protected by a tcpmesh secret and this process has none: its writes fail with NoAuth. "
                        + "Start it with --zk-auth FILE (start-cluster.sh keeps the cluster's secret in RUN-DIR/zk-auth)", config.root());
            }
        } catch (IllegalArgumentException e) {
            log.error("{}: this process cannot register or write in ZooKeeper", e.getMessage());
        } catch (Exception e) {
            log.warn("could not check the ACL of ZooKeeper {}: {}", config.root(), e.toString());
        }
    }

    /** True when the root exists and not everyone may create under it. */
    static boolean isProtected(CuratorFramework client, String root) throws Exception {
        try {
            return !grantsAnyone(client.usingNamespace(null).getACL().forPath(root), ZooDefs.Perms.CREATE);
        } catch (KeeperException.NoNodeException e) {
            return false;
        }
    }

    /** Checks and, for an open tree, protects; see the class comment. Needs a connected client with a secret. */
    public static void verify(CuratorFramework client, ZooKeeperConfig config) throws Exception {
        ZooKeeperAuth auth = config.auth();
        CuratorFramework raw = client.usingNamespace(null);
        String root = config.root();
        List<ACL> acl = rootAcl(raw, root);
        if (grants(acl, auth)) {
            keepRootNonEmpty(raw, root);
            return;
        }
        if (grantsAnyone(acl, ZooDefs.Perms.CREATE)) {
            int changed = protect(raw, root, auth.acl());
            log.info("ZooKeeper {} was open to all: gave {} node(s) the tcpmesh ACL (the secret of {} may write, everyone may read)",
                    root, changed, auth.file());
            keepRootNonEmpty(raw, root);
            return;
        }
        if (heldByAnotherSecret(acl)) {
            throw new IllegalArgumentException("--zk-auth: the secret in " + auth.file() + " does not match the one this cluster's nodes were created with"
                    + " (ZooKeeper " + root + " belongs to another tcpmesh secret); use the cluster's secret file");
        }
        throw new IllegalArgumentException("--zk-auth: ZooKeeper " + root + " has an ACL that does not let the secret in " + auth.file()
                + " write: " + describe(acl) + "; pick another --zk-root or ask the ensemble's operator");
    }

    private static List<ACL> rootAcl(CuratorFramework raw, String root) throws Exception {
        try {
            raw.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(root);
            log.info("created ZooKeeper {}, writable with the tcpmesh secret only", root);
        } catch (KeeperException.NodeExistsException e) {
            // made before: its ACL decides
        }
        return raw.getACL().forPath(root);
    }

    private static void keepRootNonEmpty(CuratorFramework raw, String root) throws Exception {
        try {
            raw.create().withMode(CreateMode.PERSISTENT).forPath(root + KEEP_PATH);
        } catch (KeeperException.NodeExistsException e) {
            // there already
        }
    }

    /** Gives every node of the tree the ACL, children before their parent; returns how many it changed. */
    private static int protect(CuratorFramework raw, String path, List<ACL> acl) throws Exception {
        List<String> children;
        try {
            children = raw.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return 0; // an ephemeral node gone meanwhile
        }
        int changed = 0;
        for (String child : children) {
            changed += protect(raw, ZKPaths.makePath(path, child), acl);
        }
        try {
            if (grantsAnyone(raw.getACL().forPath(path), ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE)) {
                raw.setACL().withACL(acl).forPath(path);
                changed++;
            }
        } catch (KeeperException.NoNodeException e) {
            // gone meanwhile
        }
        return changed;
    }

    private static boolean grants(List<ACL> acl, ZooKeeperAuth auth) {
        return acl.stream().anyMatch(a -> a.getId().equals(auth.id()) && (a.getPerms() & ZooDefs.Perms.ALL) == ZooDefs.Perms.ALL);
    }

    private static boolean grantsAnyone(List<ACL> acl, int perms) {
        return acl.stream().anyMatch(a -> a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE) && (a.getPerms() & perms) != 0);
    }

    private static boolean heldByAnotherSecret(List<ACL> acl) {
        return acl.stream().anyMatch(a -> "digest".equals(a.getId().getScheme()) && a.getId().getId().startsWith(ZooKeeperAuth.USER + ":"));
    }

    private static String describe(List<ACL> acl) {
        return acl.stream().map(a -> a.getId().getScheme() + ":" + a.getId().getId() + ":" + perms(a.getPerms())).toList().toString();
    }

    private static String perms(int perms) {
        StringBuilder s = new StringBuilder();
        appendIf(s, perms, ZooDefs.Perms.CREATE, 'c');
        appendIf(s, perms, ZooDefs.Perms.DELETE, 'd');
        appendIf(s, perms, ZooDefs.Perms.READ, 'r');
        appendIf(s, perms, ZooDefs.Perms.WRITE, 'w');
        appendIf(s, perms, ZooDefs.Perms.ADMIN, 'a');
        return s.toString();
    }

    private static void appendIf(StringBuilder s, int perms, int bit, char c) {
        if ((perms & bit) != 0) {
            s.append(c);
        }
    }
}
