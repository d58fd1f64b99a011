package io.tcpmesh.storage.it;

import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.storage.agent.Agent;
import io.tcpmesh.storage.agent.AgentConfig;
import io.tcpmesh.storage.collector.Collector;
import io.tcpmesh.storage.collector.CollectorCommand;
import io.tcpmesh.storage.collector.CollectorConfig;
import io.tcpmesh.storage.collector.CollectorModule;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.tcpmesh.coordination.testing.Timing;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A collector registered in a test ZooKeeper, and agents that find it there; all closed at the end. */
final class StorageFixture implements AutoCloseable {
    final TestZooKeeper zk;
    final Path dir;
    final Path db;
    final Path reports;
    private final ExecutorService agentThreads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    StorageFixture(TestZooKeeper zk, Path dir) {
        this.zk = zk;
        this.dir = dir;
        this.db = dir.resolve("storage.db");
        this.reports = dir.resolve("reports");
    }

    record Started(RunningService service, List<String> finished) {
        /** Waits until the collector has finished this run and written its report. */
        void awaitFinished(String run) {
            Timing.await("run " + run + " finished", Duration.ofSeconds(30), () -> finished.contains(run));
        }
    }

    Started collector(int expect) throws Exception {
        return collector(new CollectorConfig(db, reports, expect, false));
    }

    Started collector(CollectorConfig config) throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root()).drainTimeout(Duration.ZERO).adminPort(0);
        RunningService running = ServiceLauncher.start(CollectorCommand.SERVICE, options, new CollectorModule(config));
        closeables.add(running);
        List<String> finished = new CopyOnWriteArrayList<>();
        running.instance(Collector.class).onRunFinished(finished::add);
        return new Started(running, finished);
    }

    AgentConfig agent(String id, String runtime, long chunk, long file, Duration heartbeat) {
        return agent(id, runtime, chunk, file, heartbeat, 1);
    }

    AgentConfig agent(String id, String runtime, long chunk, long file, Duration heartbeat, int writers) {
        return new AgentConfig(id, io.tcpmesh.coordination.bootstrap.Durations.parse(runtime), chunk, file,
                dir.resolve("data-" + id), writers, heartbeat, Duration.ofMillis(300), null,
                ZooKeeperConfig.of(zk.connectString(), zk.root()), null, false, 0, 2L << 20, Duration.ofSeconds(10), 10_000);
    }

    Agent create(AgentConfig config) {
        Agent agent = new Agent(config);
        closeables.add(agent);
        return agent;
    }

    Future<Agent.Result> run(Agent agent) {
        return agentThreads.submit(agent::run);
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // closing everything anyway
            }
        }
        agentThreads.shutdownNow();
    }
}
