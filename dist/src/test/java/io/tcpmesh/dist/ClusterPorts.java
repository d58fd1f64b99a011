package io.tcpmesh.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The one-machine cluster's default ports (services and admin pages), and picking a port offset for a test's own cluster. */
final class ClusterPorts {
    /** Every port start-cluster.sh binds at offset 0 with a standalone ZooKeeper. */
    static final int[] DEFAULT = {2181, 7000, 7001, 7002, 7003, 8000, 8888, 9601, 9602, 9603, 7100, 7101, 7102, 7201, 9000,
        9001, 9002, 9003, 9701, 9702, 9703, 9101, 9102, 9201};

    private ClusterPorts() {
    }

    /**
     * The first candidate offset at which every default port is free on 127.0.0.1. Each test class passes
     * offsets no other one tries first: a port another cluster just left may still be in TIME_WAIT.
     */
    static int freeOffset(String forWhat, int... candidates) {
        for (int candidate : candidates) {
            if (allFree(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no free port offset for " + forWhat);
    }

    private static boolean allFree(int offset) {
        for (int p : DEFAULT) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", p + offset));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
