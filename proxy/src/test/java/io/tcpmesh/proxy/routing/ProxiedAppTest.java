package io.tcpmesh.proxy.routing;

import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.Balancing;
import io.tcpmesh.proxy.config.ProxyConfigParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProxiedAppTest {
    private static ProxiedApp app(String balancing) {
        AppConfig config = ProxyConfigParser.parse("""
                {"Apps": [{"Name": "a", "Ports": [1], "Targets": ["10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"],
                  "Balancing": "%s", "MaxConnections": 2}]}""".formatted(balancing), "t").app("a");
        return new ProxiedApp(config, null, "test");
    }

    private static List<String> keys(List<Target> plan) {
        return plan.stream().map(t -> t.host()).toList();
    }

    @Test
    void roundRobinRotatesTheFirstTargetAndTriesEveryTargetOnce() {
        ProxiedApp app = app("round-robin");
        assertThat(keys(app.plan())).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(keys(app.plan())).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.1");
        assertThat(keys(app.plan())).containsExactly("10.0.0.3", "10.0.0.1", "10.0.0.2");
    }

    @Test
    void targetsOutOfRotationComeLast() {
        ProxiedApp app = app("round-robin");
        app.targets().get(0).markDown("refused", 0);
        assertThat(keys(app.plan())).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.1");
        assertThat(keys(app.plan())).containsExactly("10.0.0.3", "10.0.0.2", "10.0.0.1");
        assertThat(keys(app.plan())).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.1");
    }

    @Test
    void roundRobinSpreadsEvenlyOverTheLiveTargetsWhenOneIsDown() {
        ProxiedApp app = app("round-robin");
        app.targets().get(1).markDown("refused", 0);
        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            first.merge(app.plan().get(0).host(), 1, Integer::sum);
        }
        assertThat(first).containsExactly(Map.entry("10.0.0.1", 15), Map.entry("10.0.0.3", 15));
    }

    @Test
    void leastConnectionsPrefersTheLeastBusy() {
        ProxiedApp app = app("least-connections");
        assertThat(app.config().balancing()).isEqualTo(Balancing.LEAST_CONNECTIONS);
        app.targets().get(0).connected();
        app.targets().get(0).connected();
        app.targets().get(1).connected();
        assertThat(keys(app.plan())).containsExactly("10.0.0.3", "10.0.0.2", "10.0.0.1");
    }

    @Test
    void updateKeepsTargetsStillListedWithTheirCounters() {
        ProxiedApp app = app("round-robin");
        Target kept = app.targets().get(1);
        kept.connected();
        app.update(ProxyConfigParser.parse("""
                {"Apps": [{"Name": "a", "Ports": [1], "Targets": ["10.0.0.2:1", "10.0.0.9:1"]}]}""", "t").app("a"));
        assertThat(app.targets()).hasSize(2);
        assertThat(app.targets().get(0)).isSameAs(kept);
        assertThat(app.targets().get(0).stats().total()).isEqualTo(1);
    }

    @Test
    void appCapRefusesAndCounts() {
        ProxiedApp app = app("round-robin");
        assertThat(app.admit()).isTrue();
        assertThat(app.admit()).isTrue();
        assertThat(app.admit()).isFalse();
        assertThat(app.stats().rejected()).isEqualTo(1);
        app.released();
        assertThat(app.admit()).isTrue();
    }
}
