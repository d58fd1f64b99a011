package io.tcpmesh.coordination;

import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.client.StaticHostProvider;
import org.apache.zookeeper.client.ZKClientConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The order in which the ZooKeeper client tries the members of an ensemble: ZooKeeper's own (shuffled
 * once, then round robin), except that a member known not to serve is passed over while another one
 * does.
 *
 * <p>Why: a client whose member went away moves to the next one in its list. When that one is cut off
 * (a partition: packets dropped), the attempt waits out the client's connect timeout, a third of the
 * session with three members; when it is still electing a leader, it refuses the session and the
 * client waits up to a second before the next attempt. Either can outlast an echo leader's lease,
 * which is half a session (docs/echo-node.md). So before each attempt the candidates, from the next
 * in turn, are asked ZooKeeper's {@code srvr} four-letter word within {@value #PROBE_MILLIS} ms each:
 * <ul>
 *   <li>an answer with a {@code Mode:} line (leader, follower, observer, standalone) serves: it is
 *       returned;</li>
 *   <li>no connection, no answer in time, or "not currently serving" (electing): passed over;</li>
 *   <li>any other answer (four-letter words not allowed on that ensemble, another protocol) tells
 *       nothing, so that member is returned, as ZooKeeper's own order would.</li>
 * </ul>
 * When no candidate serves (the rest of the ensemble is electing a new leader, which takes about a
 * second after a leader is cut off), the turn is probed again every 100 ms for up to
 * {@value #WAIT_FOR_SERVING_MILLIS} ms, since an attempt on a member that does not serve costs more;
 * then the next in turn is returned, as without this class. Probing is skipped with one member. Liveness only: which member a client talks to changes nothing it may conclude.
 */
final class ServingMemberFirst implements HostProvider {
    static final int PROBE_MILLIS = 250;
    /** How long to wait for a member that serves (the rest of an ensemble electing a new leader) before trying one that does not. */
    static final int WAIT_FOR_SERVING_MILLIS = 1500;
    private static final int RETRY_MILLIS = 100;
    private static final byte[] SRVR = "srvr".getBytes(StandardCharsets.US_ASCII);

    enum Answer { SERVING, NOT_SERVING, UNKNOWN }

    private final StaticHostProvider order;

    ServingMemberFirst(Collection<InetSocketAddress> members) {
        this.order = new StaticHostProvider(members);
    }

    /** A Curator factory whose ZooKeeper clients use this order. */
    static ZookeeperFactory factory() {
        return new ZookeeperFactory() {
            @Override
            public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
                    throws IOException {
                return newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, null);
            }

            @Override
            public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
                                          ZKClientConfig config) throws IOException {
                HostProvider members = new ServingMemberFirst(new ConnectStringParser(connectString).getServerAddresses());
                return config == null
                        ? new ZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, members)
                        : new ZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, members, config);
            }
        };
    }

    @Override
    public int size() {
        return order.size();
    }

    @Override
    public InetSocketAddress next(long spinDelay) {
        InetSocketAddress first = order.next(spinDelay);
        if (order.size() == 1) {
            return first;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_SERVING_MILLIS);
        while (true) {
            InetSocketAddress candidate = first;
            for (int i = 0; i < order.size(); i++) {
                if (i > 0) {
                    candidate = order.next(0);
                }
                if (probe(candidate) != Answer.NOT_SERVING) {
                    return candidate;
                }
            }
            // a full turn: the provider's next is the first candidate again
            if (System.nanoTime() - deadline > 0 || !pause()) {
                // none serves: one more step ends the turn on the first candidate, so that the next
                // call goes on from there as ZooKeeper's own order would
                return order.next(0);
            }
            order.next(0);
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void onConnected() {
        order.onConnected();
    }

    @Override
    public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress currentHost) {
        return order.updateServerList(serverAddresses, currentHost);
    }

    /** What {@code srvr} says of the member at this address. */
    static Answer probe(InetSocketAddress member) {
        if (member.isUnresolved()) {
            return Answer.NOT_SERVING;
        }
        try (Socket s = new Socket()) {
            s.connect(member, PROBE_MILLIS);
            s.setSoTimeout(PROBE_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(SRVR);
            out.flush();
            return classify(readAll(s.getInputStream()));
        } catch (IOException e) {
            return Answer.NOT_SERVING;
        }
    }

    static Answer classify(String answer) {
        if (answer.lines().anyMatch(l -> l.startsWith("Mode: "))) {
            return Answer.SERVING;
        }
        if (answer.isEmpty() || answer.contains("not currently serving")) {
            return Answer.NOT_SERVING;
        }
        return Answer.UNKNOWN;
    }

    private static String readAll(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n = 0;
        for (int r; n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0; ) {
            n += r;
        }
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }
}
