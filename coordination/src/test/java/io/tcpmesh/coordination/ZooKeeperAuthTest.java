package io.tcpmesh.coordination;

import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperAuthTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("zk-auth");
        Files.writeString(f, content, StandardCharsets.ISO_8859_1);
        return f;
    }

    @Test
    void secretIsTheFirstLineWithoutItsNewline() throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.read(file(SECRET + "\r\nignored second line\n"));

        assertThat(new String(auth.credentials(), StandardCharsets.US_ASCII)).isEqualTo("tcpmesh:" + SECRET);
        assertThat(auth.id().getScheme()).isEqualTo("digest");
        assertThat(auth.id().getId()).isEqualTo(DigestAuthenticationProvider.generateDigest("tcpmesh:" + SECRET));
    }

    @Test
    void aclGivesTheSecretEverythingAndEveryoneRead() throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.read(file(SECRET));

        assertThat(auth.acl()).containsExactly(new ACL(ZooDefs.Perms.ALL, auth.id()),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    @Test
    void theSecretNeverAppearsInItsDescription() throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.read(file(SECRET));
        ZooKeeperConfig config = ZooKeeperConfig.of("zk:2181", "/tcpmesh").withAuth(auth);

        assertThat(auth.toString()).doesNotContain(SECRET).contains(dir.resolve("zk-auth").toString());
        assertThat(config.toString()).doesNotContain(SECRET);
        assertThat(config.authenticated()).isTrue();
    }

    @Test
    void badFilesAreRefusedNamingTheOptionAndTheFile() throws Exception {
        assertThatThrownBy(() -> ZooKeeperAuth.read(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--zk-auth").hasMessageContaining("missing")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ZooKeeperAuth.read(file("\n"))).hasMessageContaining("is empty");
        assertThatThrownBy(() -> ZooKeeperAuth.read(file("short"))).hasMessageContaining("5 characters").hasMessageContaining("16 to 256");
        assertThatThrownBy(() -> ZooKeeperAuth.read(file("0123456789 abcdef0123"))).hasMessageContaining("space or a control character");
        assertThatThrownBy(() -> ZooKeeperAuth.read(file("0123456789abcdef\u00e9"))).hasMessageContaining("ASCII");
        assertThatThrownBy(() -> ZooKeeperAuth.read(dir)).hasMessageContaining("cannot read");
    }

    @Test
    void noFileMeansNoAuthentication() {
        assertThat(ZooKeeperAuth.readIfGiven(null)).isNull();
        assertThat(ZooKeeperConfig.of("zk:2181", "/tcpmesh").authenticated()).isFalse();
    }
}
