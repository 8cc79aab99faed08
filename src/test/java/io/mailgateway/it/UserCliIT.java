package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user commands as an operator runs them ({@code java -jar target/mail-gateway.jar user ...},
 * password on stdin) against the database a running gateway uses: SQLite $DATA_DIR/gateway.db,
 * opened by the gateway even without the SQL store (STORAGE_TYPE=maildir).
 */
class UserCliIT {

    @TempDir
    Path dir;

    @Test
    void should_manage_users_in_the_database_of_a_running_gateway() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("DATA_DIR", data.toString(), "STORAGE_TYPE", "maildir");

        GatewayProcess.CommandResult add = GatewayProcess.commandWithInput(dir, env, "correct horse battery\n",
                "user", "add", "bob@example.com", "--password-stdin");
        assertThat(add.status()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("added bob@example.com\n");

        GatewayProcess.CommandResult argv = GatewayProcess.command(dir, env, "user", "add", "eve@example.com", "hunter2hunter2");
        assertThat(argv.status()).isEqualTo(2);
        assertThat(argv.err()).contains("stdin only");

        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            GatewayProcess.CommandResult disable = GatewayProcess.command(dir, env, "user", "disable", "bob@example.com");
            assertThat(disable.status()).as(disable.err()).isZero();
            GatewayProcess.CommandResult list = GatewayProcess.command(dir, env, "user", "list");
            assertThat(list.status()).as(list.err()).isZero();
            assertThat(list.out()).startsWith("ADDRESS ").contains("bob@example.com", "disabled", "1 user(s)");
            assertThat(gateway.terminate()).isIn(0, 143);
        }

        assertThat(Files.isRegularFile(data.resolve("gateway.db"))).isTrue();
        List<String> actions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gateway.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT action, detail FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                actions.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        assertThat(actions).containsExactly("user.add bob@example.com", "user.disable bob@example.com");
    }
}
