package io.tcpmesh.coordination;

import io.tcpmesh.coordination.ServingMemberFirst.Answer;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ServingMemberFirst against a real ZooKeeper server and real sockets that play a cut-off member (a
 * listener that never answers), a gone member (nothing listening) and a member that refuses
 * four-letter words.
 */
class ServingMemberFirstIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @Test
    void aServingMemberAnswersSrvrWithItsMode() {
        assertThat(ServingMemberFirst.probe(member(zk.port()))).isEqualTo(Answer.SERVING);
    }

    @Test
    void theAnswersAreClassifiedAsZooKeeperGivesThem() {
        assertThat(ServingMemberFirst.classify("Zookeeper version: 3.9.3\nLatency min/avg/max: 0/0.0/0\nMode: follower\nNode count: 5\n"))
                .isEqualTo(Answer.SERVING);
        assertThat(ServingMemberFirst.classify("This ZooKeeper instance is not currently serving requests\n")).isEqualTo(Answer.NOT_SERVING);
        assertThat(ServingMemberFirst.classify("")).isEqualTo(Answer.NOT_SERVING);
        assertThat(ServingMemberFirst.classify("srvr is not executed because it is not in the whitelist.\n")).isEqualTo(Answer.UNKNOWN);
    }

    @Test
    void cutOffAndGoneMembersArePassedOverForTheServingOne() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int gone = freePort();
            InetSocketAddress serving = member(zk.port());
            ServingMemberFirst order = new ServingMemberFirst(List.of(member(silent.getLocalPort()), member(gone), serving));
            for (int i = 0; i < 6; i++) {
                assertThat(order.next(0)).as("attempt %d", i).isEqualTo(serving);
            }
        }
    }

    @Test
    void withNoMemberKnownToServeTheTurnGoesOnAsZooKeeperWouldHaveIt() throws Exception {
        int a = freePort();
        int b = freePort();
        ServingMemberFirst order = new ServingMemberFirst(List.of(member(a), member(b)));
        assertThat(List.of(order.next(0), order.next(0))).extracting(InetSocketAddress::getPort).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void whileTheRestIsElectingItWaitsForTheFirstMemberThatServes() throws Exception {
        try (ServerSocket electing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger asked = new AtomicInteger();
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> answerForever(electing,
                    () -> asked.incrementAndGet() < 4 ? "This ZooKeeper instance is not currently serving requests\n" : "Mode: leader\n"));
            ServingMemberFirst order = new ServingMemberFirst(List.of(member(electing.getLocalPort()), member(freePort())));
            assertThat(order.next(0).getPort()).isEqualTo(electing.getLocalPort());
            assertThat(asked.get()).as("asked until it served").isEqualTo(4);
            answering.cancel(true);
        }
    }

    @Test
    void aMemberThatRefusesFourLetterWordsIsTriedRatherThanSkipped() throws Exception {
        try (ServerSocket refusing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> answerForever(refusing,
                    () -> "srvr is not executed because it is not in the whitelist.\n"));
            ServingMemberFirst order = new ServingMemberFirst(List.of(member(refusing.getLocalPort()), member(freePort())));
            assertThat(List.of(order.next(0), order.next(0))).extracting(InetSocketAddress::getPort)
                    .containsOnly(refusing.getLocalPort());
            answering.cancel(true);
        }
    }

    @Test
    void curatorClientsConnectThroughIt() throws Exception {
        CuratorFramework client = zk.newClient();
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.getZookeeperClient().getZooKeeper().getClass()).isEqualTo(org.apache.zookeeper.ZooKeeper.class);
        assertThat(client.checkExists().forPath("/")).isNotNull();
    }

    private static InetSocketAddress member(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void answerForever(ServerSocket server, Supplier<String> answer) {
        while (!server.isClosed()) {
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                out.write(answer.get().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }
}
