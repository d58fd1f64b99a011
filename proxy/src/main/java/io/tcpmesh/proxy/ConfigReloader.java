package io.tcpmesh.proxy;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.bootstrap.StopSignals;
import io.tcpmesh.proxy.admin.ReloadStats;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.config.ProxyConfigParser;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reloads the configuration on SIGHUP, when the file (or a TLS file the running configuration names) changes,
 * and when the ZooKeeper node (default
 * {@code <root>/config/proxy}) is created, changed or deleted. The node, while it exists, takes precedence
 * over the file. Every reload runs on one thread, in order; an invalid configuration leaves the running one
 * in place, and is logged and counted.
 */
public final class ConfigReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** Puts a new configuration in place, or throws (a port that cannot be bound) leaving the old one. */
    @FunctionalInterface
    public interface ConfigConsumer {
        void apply(ProxyConfig next) throws IOException;
    }

    private final ConfigConsumer consumer;
    private final String logName;
    private final ProxySettings settings;
    private final CuratorFramework client;
    private final ExecutorService worker;
    private final ScheduledExecutorService poller;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastError = "";
    private volatile String source = "file";
    private volatile byte[] zkData;
    private volatile String fileStamp;
    private final Supplier<List<Path>> tlsFiles;
    private volatile String tlsStamp;
    private CuratorCache cache;

    private volatile boolean hangup;

    /** {@code client} may be null: no ZooKeeper node then, only the file and SIGHUP. */
    public ConfigReloader(ConfigConsumer consumer, ProxySettings settings, CuratorFramework client, String logName) {
        this(consumer, settings, client, logName, List::of);
    }

    /** @param tlsFiles the certificate, key and CA files of the running configuration, watched like the file */
    public ConfigReloader(ConfigConsumer consumer, ProxySettings settings, CuratorFramework client, String logName,
                          Supplier<List<Path>> tlsFiles) {
        this.tlsFiles = tlsFiles;
        this.consumer = consumer;
        this.logName = logName;
        this.settings = settings;
        this.client = client;
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("proxy-reload"));
        this.poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("proxy-config-watch"));
    }

    public void start() {
        fileStamp = stamp();
        tlsStamp = tlsStamp();
        hangup = StopSignals.onHangup(() -> reload("SIGHUP"));
        long every = settings.watchInterval().toMillis();
        poller.scheduleWithFixedDelay(this::checkFile, every, every, TimeUnit.MILLISECONDS);
        if (client != null) {
            cache = CuratorCache.build(client, settings.configNode(), CuratorCache.Options.SINGLE_NODE_CACHE);
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forCreatesAndChanges((old, now) -> zooKeeperChanged(now))
                    .forDeletes(old -> zooKeeperDeleted())
                    .build(), worker);
            cache.start();
        }
    }

    /** Queues a reload from the current source; returns at once. */
    public void reload(String why) {
        worker.execute(() -> reloadNow(why));
    }

    private void checkFile() {
        String tls = tlsStamp();
        if (!Objects.equals(tls, tlsStamp)) {
            tlsStamp = tls;
            reload("TLS file change"); // from the current source, the node or the file
        }
        String now = stamp();
        if (!Objects.equals(now, fileStamp)) {
            fileStamp = now;
            if (zkData != null) {
                log.info("[{}] {} changed; ignored while ZooKeeper holds the configuration", logName, settings.configFile());
            } else {
                reload("file change");
            }
        }
    }

    private String stamp() {
        return stamp(settings.configFile());
    }

    private String tlsStamp() {
        StringBuilder s = new StringBuilder();
        for (Path p : tlsFiles.get()) {
            s.append(p).append('=').append(stamp(p)).append(';');
        }
        return s.toString();
    }

    private static String stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    private void zooKeeperChanged(ChildData data) {
        zkData = data.getData() == null ? new byte[0] : data.getData();
        reloadNow("ZooKeeper " + settings.configNode());
    }

    private void zooKeeperDeleted() {
        zkData = null;
        reloadNow("ZooKeeper " + settings.configNode() + " deleted, back to the file");
    }

    private void reloadNow(String why) {
        byte[] zk = zkData;
        try {
            ProxyConfig next = zk != null
                    ? ProxyConfigParser.parse(new String(zk, StandardCharsets.UTF_8), "ZooKeeper " + settings.configNode(),
                            settings.configFile().toAbsolutePath().getParent())
                    : ProxyConfigParser.read(settings.configFile());
            consumer.apply(next);
            source = zk != null ? "ZooKeeper " + settings.configNode() : settings.configFile().toString();
            succeeded.incrementAndGet();
            log.info("[{}] configuration reloaded ({}): apps {}", logName, why,
                    next.apps().stream().map(a -> a.name() + a.ports()).toList());
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            lastError = e.getMessage();
            log.warn("[{}] reload ({}) rejected, running configuration kept: {}", logName, why, e.getMessage());
        }
    }

    /** False when SIGHUP cannot reach this process (ignored since start, as under nohup). */
    public boolean listensForHangup() {
        return hangup;
    }

    public long succeeded() {
        return succeeded.get();
    }

    public long failed() {
        return failed.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Where the running configuration came from. */
    public String source() {
        return source;
    }

    public ReloadStats stats() {
        return new ReloadStats(source, succeeded.get(), failed.get(), lastError);
    }


    @Override
    public void close() {
        poller.shutdownNow();
        if (cache != null) {
            cache.close();
        }
        worker.shutdownNow();
    }
}
