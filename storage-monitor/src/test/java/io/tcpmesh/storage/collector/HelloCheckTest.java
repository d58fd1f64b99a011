package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HelloCheckTest {
    private final HelloCheck check = new HelloCheck();
    private final FakeConnection from = new FakeConnection();

    @Test
    void namedAgentsJoinTheOpenRunOrANamedOne() {
        assertThat(check.refusal(new Message.Hello("host-1.a_b", null, "host", 1), from)).isEmpty();
        assertThat(check.refusal(new Message.Hello("a1", "nightly-2", "host", 1), from)).isEmpty();
    }

    @Test
    void agentIdsThatAreNotNamesAreRefused() {
        assertThat(check.refusal(new Message.Hello("a/b", null, "h", 1), from)).get().asString().contains("bad agent id");
        assertThat(check.refusal(new Message.Hello("x".repeat(101), null, "h", 1), from)).isPresent();
        assertThat(check.refusal(new Message.Hello("a/b".replace("/", " "), null, "h", 1), from)).isPresent();
    }

    @Test
    void runNamesThatAreNotNamesAreRefused() {
        for (String run : new String[] {"..", ".", "../etc", "a/b", "a..b", ".hidden", "-x", "", "x".repeat(101), "a\nb"}) {
            assertThat(check.refusal(new Message.Hello("a", run, "h", 1), from)).as(run).get().asString()
                    .startsWith("bad run name");
        }
    }

    @Test
    void agentIdsFollowTheSameRule() {
        for (String agent : new String[] {"..", ".", "a..b", "-x", ""}) {
            assertThat(check.refusal(new Message.Hello(agent, null, "h", 1), from)).as(agent).get().asString()
                    .startsWith("bad agent id");
        }
    }
}
