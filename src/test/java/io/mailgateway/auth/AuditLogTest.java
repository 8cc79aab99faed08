package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dataDir;

    @Test
    void should_write_every_row_appended_from_many_threads_before_close_returns() throws Exception {
        try (AuthFixture auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString()))) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        auth.audit.append("user" + thread + "@example.com", "auth.failure", "plain: row " + i, "192.0.2." + thread);
                    }
                });
                writer.start();
                threads.add(writer);
            }
            for (Thread t : threads) {
                t.join();
            }
            auth.audit.close();
            try (Connection c = auth.database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT client_address), MIN(at) FROM audit_log")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getLong(2)).isEqualTo(4);
                assertThat(rs.getLong(3)).isEqualTo(auth.clock.millis());
            }
            auth.audit.append("late@example.com", "auth.success", "plain", null); // after close: written by the caller
            assertThat(auth.auditRows()).hasSize(1001).last().isEqualTo("late@example.com auth.success plain null");
        }
    }

    @Test
    void should_keep_control_characters_and_overlong_names_out_of_rows() {
        assertThat(AuditLog.clean("bob\r\nFAKE auth.success")).isEqualTo("bob??FAKE auth.success");
        assertThat(AuditLog.clean("x".repeat(1000))).hasSize(320);
        assertThat(AuditLog.clean(null)).isEmpty();
    }
}
