package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.testing.TestGateway;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The running gateway's broker over its administrative port (BROKER_PORT), with Artemis' own
 * clients: only the login of $DATA_DIR/broker/admin.credentials gets a session, whether the
 * client speaks core or JMS, over TCP or in-VM.
 */
@ExtendWith(TestGateway.class)
class AdminPortSecurityTest {

    private static String adminUrl() {
        return "tcp://127.0.0.1:" + TestGateway.brokerPort() + "?initialConnectAttempts=1&reconnectAttempts=0";
    }

    /** A core session as {@code user}/{@code password} (null for none); closed again at once. */
    private static void coreSession(String user, String password) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(adminUrl());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(user, password, false, true, true, false, 0)) {
            session.start();
        }
    }

    @Test
    void should_refuse_a_core_client_without_credentials() {
        assertThatThrownBy(() -> coreSession(null, null)).isInstanceOf(ActiveMQSecurityException.class);
    }

    @Test
    void should_refuse_a_core_client_with_a_wrong_password_or_user() {
        AdminCredentials real = TestGateway.brokerCredentials();
        assertThatThrownBy(() -> coreSession(real.user(), real.password() + "x")).isInstanceOf(ActiveMQSecurityException.class);
        assertThatThrownBy(() -> coreSession("guest", real.password())).isInstanceOf(ActiveMQSecurityException.class);
    }

    @Test
    void should_accept_the_credentials_of_the_file() throws Exception {
        AdminCredentials real = TestGateway.brokerCredentials();
        coreSession(real.user(), real.password());
    }

    @Test
    void should_refuse_a_jms_client_without_credentials_over_tcp_and_in_vm() {
        for (String url : new String[] {adminUrl(), EmbeddedBroker.IN_VM_URL}) {
            assertThatThrownBy(() -> {
                try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url); Connection c = cf.createConnection()) {
                    c.start();
                }
            }).as(url).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void should_keep_the_credentials_file_readable_by_its_owner_only() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(AdminCredentials.file(TestGateway.dataDir()))))
                .isEqualTo("rw-------");
    }
}
