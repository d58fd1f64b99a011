package io.tcpmesh.coordination.server;

import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmallSessionDataTest {
    private static final AttributeKey A = new AttributeKey(SmallSessionDataTest.class, "a");
    private static final AttributeKey B = new AttributeKey(SmallSessionDataTest.class, "b");

    private final IoSessionAttributeMap map = new SmallSessionData().getAttributeMap(null);

    @Test
    void behavesAsMinasMap() {
        assertThat(map.getAttribute(null, A, null)).isNull();
        assertThat(map.setAttribute(null, A, "1")).isNull();
        assertThat(map.setAttribute(null, B, "2")).isNull();
        assertThat(map.setAttribute(null, A, "3")).isEqualTo("1");
        assertThat(map.getAttribute(null, A, null)).isEqualTo("3");
        assertThat(map.getAttribute(null, new AttributeKey(SmallSessionDataTest.class, "a"), null))
                .as("an equal key that is another object").isEqualTo("3");
        assertThat(map.setAttributeIfAbsent(null, A, "4")).isEqualTo("3");
        assertThat(map.setAttributeIfAbsent(null, "c", null)).isNull();
        assertThat(map.containsAttribute(null, "c")).isFalse();
        assertThat(map.getAttribute(null, "c", "default")).as("a default is stored").isEqualTo("default");
        assertThat(map.getAttribute(null, "c", "other")).isEqualTo("default");
        assertThat(map.replaceAttribute(null, B, "x", "5")).isFalse();
        assertThat(map.replaceAttribute(null, B, "2", "5")).isTrue();
        assertThat(map.removeAttribute(null, B, "2")).isFalse();
        assertThat(map.removeAttribute(null, B, "5")).isTrue();
        assertThat(map.setAttribute(null, A, null)).as("null removes").isEqualTo("3");
        assertThat(map.getAttributeKeys(null)).containsExactly("c");
        assertThat(map.removeAttribute(null, "c")).isEqualTo("default");
        assertThat(map.removeAttribute(null, "c")).isNull();
        assertThat(map.getAttributeKeys(null)).isEmpty();
        assertThatThrownBy(() -> map.getAttribute(null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.setAttribute(null, null, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentWritersOfDifferentKeysLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        map.setAttribute(null, thread + "/" + i, i);
                        map.setAttributeIfAbsent(null, "shared", thread);
                    }
                }));
            }
            for (Future<?> f : writers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(map.getAttributeKeys(null)).hasSize(4 * 500 + 1);
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 500; i++) {
                assertThat(map.getAttribute(null, t + "/" + i, null)).isEqualTo(i);
            }
        }
    }
}
