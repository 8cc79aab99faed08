package io.mailgateway.broker;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * Artemis' own security, on for every acceptor: one user ({@link AdminCredentials}) in an
 * in-memory user list ({@link SecurityConfiguration} read by Artemis' {@link InVMLoginModule}:
 * no login.config, no users file beside broker.xml), holding one role that may do everything on
 * every address. Everything, because its users are the gateway itself (sends, transacted
 * consumers) and the queue CLI (management, browse, consume and re-send for a requeue, the
 * temporary reply queue of a management request). No default user: a connection without a
 * user name is refused, also in-VM, which Artemis does not exempt; so the gateway's own in-VM
 * connection factory logs in with the same credentials ({@link BrokerBeans}).
 *
 * <p>Applied in code, not only in broker.xml, so an operator's own broker.xml (BROKER_CONFIG)
 * cannot leave the administrative port open by an old {@code security-enabled=false}.
 */
final class BrokerSecurity {

    /** The role of {@link AdminCredentials#USER}. */
    static final String ROLE = "mail-gateway-admin";

    private BrokerSecurity() {
    }

    /** Before the server is created: the security manager is a constructor argument of the server. */
    static void install(EmbeddedActiveMQ embedded, AdminCredentials credentials) {
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(credentials.user(), credentials.password());
        users.addRole(credentials.user(), ROLE);
        embedded.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
    }

    /**
     * Security on, and the role granted on "#" and on every match broker.xml declares: Artemis
     * takes the most specific match only, so an operator's own match would otherwise lock the
     * gateway out of that address.
     */
    static void enable(Configuration configuration) {
        configuration.setSecurityEnabled(true);
        Role all = new Role(ROLE, true, true, true, true, true, true, true, true, true, true, true, true);
        Map<String, Set<Role>> roles = configuration.getSecurityRoles();
        for (String match : Set.copyOf(roles.keySet())) {
            Set<Role> granted = new HashSet<>(roles.get(match));
            granted.add(all);
            configuration.putSecurityRoles(match, granted);
        }
        if (!roles.containsKey("#")) {
            configuration.putSecurityRoles("#", Set.of(all));
        }
    }
}
