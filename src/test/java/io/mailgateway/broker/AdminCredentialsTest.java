package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

    @TempDir
    Path dataDir;

    @Test
    void should_generate_a_random_password_on_first_start_into_an_owner_only_file() throws Exception {
        AdminCredentials made = AdminCredentials.loadOrCreate(dataDir);

        Path file = AdminCredentials.file(dataDir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(made.user()).isEqualTo(AdminCredentials.USER);
        assertThat(made.password()).matches("[A-Za-z0-9_-]{43}"); // 32 bytes, base64url without padding
        assertThat(Files.readString(file)).contains("password=" + made.password());
        assertThat(made.toString()).doesNotContain(made.password());
        try (var left = Files.list(file.getParent())) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("admin.credentials");
        }
    }

    @Test
    void should_reuse_the_file_on_later_starts_and_the_cli_reads_the_same() throws Exception {
        AdminCredentials first = AdminCredentials.loadOrCreate(dataDir);

        assertThat(AdminCredentials.loadOrCreate(dataDir)).isEqualTo(first);
        assertThat(AdminCredentials.read(dataDir)).isEqualTo(first);
    }

    @Test
    void should_make_a_different_password_per_data_dir(@TempDir Path other) throws Exception {
        assertThat(AdminCredentials.loadOrCreate(dataDir).password()).isNotEqualTo(AdminCredentials.loadOrCreate(other).password());
    }

    @Test
    void should_refuse_a_file_others_can_read() throws Exception {
        AdminCredentials.loadOrCreate(dataDir);
        Files.setPosixFilePermissions(AdminCredentials.file(dataDir), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> AdminCredentials.loadOrCreate(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600");
    }

    @Test
    void should_tell_the_cli_where_the_missing_file_belongs() {
        assertThatThrownBy(() -> AdminCredentials.read(dataDir)).isInstanceOf(AdminCredentials.Unavailable.class)
                .hasMessageContaining(AdminCredentials.file(dataDir).toString()).hasMessageContaining("DATA_DIR");
    }
}
