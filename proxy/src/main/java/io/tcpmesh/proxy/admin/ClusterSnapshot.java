package io.tcpmesh.proxy.admin;

import java.util.List;

/**
 * What {@code /cluster} and {@code /cluster.json} show: every registered instance of every service, as
 * the proxy saw them at {@code takenAt}. Immutable.
 *
 * @param takenAt    when the snapshot was taken, in milliseconds since the epoch
 * @param proxy      the node id of the proxy that took it
 * @param echoLeader the echo node whose payload says it leads, or null
 * @param error      why ZooKeeper could not be listed this time (the last known instances are shown), or null
 * @param services   one entry per service, by name
 */
public record ClusterSnapshot(long takenAt, String proxy, String echoLeader, String error, List<Service> services) {
    public ClusterSnapshot {
        services = List.copyOf(services);
    }

    /** A service and its registered instances. */
    public record Service(String name, List<InstanceRow> instances) {
        public Service {
            instances = List.copyOf(instances);
        }
    }

    /**
     * One registered instance.
     *
     * @param id        the instance id (node id)
     * @param address   the advertised {@code host:port}
     * @param admin     its admin endpoint {@code host:port}, or null when it has none
     * @param version   the tcpmesh version it runs
     * @param startedAt when it started, in milliseconds since the epoch
     * @param uptimeMs  how long it has run, at {@code takenAt}
     * @param health    {@code ok}, the reason its {@code /health} gave with a 503, or why it could not be asked
     * @param healthy   true when {@code /health} answered 200
     * @param leader    true when its payload says it leads (echo)
     * @param proxyView the proxy's own targets at this address, one per app
     */
    public record InstanceRow(String id, String address, String admin, String version, long startedAt, long uptimeMs,
                              String health, boolean healthy, boolean leader, List<TargetView> proxyView) {
        public InstanceRow {
            proxyView = List.copyOf(proxyView);
        }
    }

    /**
     * The proxy's view of one of its targets.
     *
     * @param app    the app that forwards to it
     * @param target the target's {@code host:port}
     * @param state  up, down or gone
     * @param reason why it is down, in words
     * @param active open connections to it
     * @param total  connections made to it
     */
    public record TargetView(String app, String target, String state, String reason, int active, long total) {
    }
}
