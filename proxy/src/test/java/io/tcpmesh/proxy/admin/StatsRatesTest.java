package io.tcpmesh.proxy.admin;

import io.tcpmesh.proxy.routing.AppStats;
import io.tcpmesh.proxy.routing.TargetStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatsRatesTest {
    private static List<AppStats> totals(long connections, long bytesIn, long bytesOut) {
        TargetStats t = new TargetStats("10.0.0.1:1", "static", "up", "", 0, connections, bytesIn, bytesOut, 0, 0, 0);
        return List.of(new AppStats("md5", List.of(7000), "round-robin", 0, connections, 0, 0, List.of(t)));
    }

    @Test
    void ratesArePerSecondOverTheWindowForAppsAndTargets() {
        StatsRates rates = new StatsRates(List::of);
        rates.sample(0, totals(0, 0, 0));
        assertThat(rates.app("md5")).isEqualTo(StatsRates.Rate.NONE);
        rates.sample(1_000_000_000L, totals(10, 1000, 500));
        rates.sample(2_000_000_000L, totals(30, 3000, 1500));
        assertThat(rates.app("md5")).isEqualTo(new StatsRates.Rate(15, 1500, 750));
        assertThat(rates.target("md5", "10.0.0.1:1")).isEqualTo(new StatsRates.Rate(15, 1500, 750));
        assertThat(rates.target("md5", "10.0.0.9:1")).isEqualTo(StatsRates.Rate.NONE);
    }

    @Test
    void theWindowForgetsOldSeconds() {
        StatsRates rates = new StatsRates(List::of);
        rates.sample(0, totals(0, 0, 0));
        for (int s = 1; s <= 10; s++) {
            rates.sample(s * 1_000_000_000L, totals(s <= 5 ? 100L * s : 500, 0, 0));
        }
        assertThat(rates.app("md5").connections()).as("nothing new in the last five seconds").isZero();
    }
}
